"""Timeline 1953–2025: one lane per state, coloured by category; select an event to read its sources."""

from __future__ import annotations

import streamlit as st

from components.charts import timeline_figure
from components.render import current_view, empty_state, render_event_detail
from monitor.derived import event_lanes, with_labels

view = current_view()
dataset = view.dataset

st.title("Timeline 1953–2025")
st.caption(
    "Each dot is an event, in the lane of every state involved (people count for their state). "
    "Bands show events dated only to a month or a year, or that lasted several days. "
    "The top panel compresses 1953–2021; the bottom one shows 2022–2025 in detail. Click a dot for its detail."
)
if view.events.empty:
    empty_state("events")
    st.stop()

events = with_labels(dataset, view.events).sort_values("date_start")
chart_tab, table_tab = st.tabs(["Chart", "Table"])
with chart_tab:
    selection = st.plotly_chart(
        timeline_figure(events, event_lanes(dataset, view.events)),
        on_select="rerun",
        selection_mode="points",
        key="timeline_chart",
        width="stretch",
        config={"displaylogo": False},
    )
with table_tab:
    st.dataframe(
        events[["when", "title", "category", "place", "status", "importance"]],
        hide_index=True,
        width="stretch",
    )

picked = [point["customdata"][0] for point in selection.selection.points if point.get("customdata")]
if picked and picked[-1] != st.session_state.get("timeline_last_pick"):
    # A new click on the chart moves the detail selector; later reruns leave the user's choice alone.
    st.session_state["timeline_last_pick"] = picked[-1]
    st.session_state["event"] = picked[-1]
labels = dict(zip(events["event_id"], events["when"] + " · " + events["title"], strict=True))
if st.session_state.get("event") not in labels:
    st.session_state.pop("event", None)
choice = st.selectbox(
    "Event detail",
    list(labels),
    index=None,
    key="event",
    format_func=lambda event_id: labels.get(event_id, event_id),
    placeholder="Click a dot above, or pick an event here",
)
if choice:
    with st.container(border=True):
        render_event_detail(dataset, events.loc[events["event_id"] == choice].iloc[0])
