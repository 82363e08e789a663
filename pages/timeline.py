"""Timeline 1953–2025: one lane per state, coloured by category; select an event to read its sources."""

from __future__ import annotations

import streamlit as st

from components.charts import timeline_figure
from components.render import current_view, empty_state, escape, render_event_detail
from components.selection import EVENT_KEY, select_event, select_place, selected_place, show_in_url
from monitor.derived import event_lanes, with_labels

view = current_view()
dataset = view.dataset
show_in_url()

st.title("Timeline 1953–2025")
st.caption(
    "Each dot is an event, in the lane of every state involved (people count for their state). "
    "Bands show events dated only to a month or a year, or that lasted several days. "
    "The top panel compresses 1953–2021; the bottom one shows 2022–2025 in detail. Click a dot for its detail; "
    "the selection follows you to the map and the figures, and the address bar keeps it (?event=…)."
)
place = selected_place(dataset)
shown = view.events
if place:
    name = dataset.places.set_index("place_id").at[place, "name"]
    shown = shown.loc[shown["place_id"] == place]
    note, clear = st.columns([4, 1], vertical_alignment="center")
    note.info(f"Only events at {escape(name)}, the place selected on the map.", icon=":material/location_on:")
    clear.button("Show all places", on_click=select_place, args=(None,), icon=":material/close:", width="stretch")
if shown.empty:
    empty_state("events")
    st.stop()

events = with_labels(dataset, shown).sort_values("date_start")
chart_tab, table_tab = st.tabs(["Chart", "Table"])
with chart_tab:
    selection = st.plotly_chart(
        timeline_figure(events, event_lanes(dataset, shown), highlight=st.session_state.get(EVENT_KEY)),
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
    # Only a new click moves the selection; later reruns keep whatever was chosen since.
    st.session_state["timeline_last_pick"] = picked[-1]
    select_event(picked[-1])
labels = dict(zip(events["event_id"], events["when"] + " · " + events["title"], strict=True))
st.session_state["event_detail"] = (
    st.session_state.get(EVENT_KEY) if st.session_state.get(EVENT_KEY) in labels else None
)
choice = st.selectbox(
    "Event detail",
    list(labels),
    key="event_detail",
    format_func=lambda event_id: labels.get(event_id, event_id),
    placeholder="Click a dot above, or pick an event here",
    on_change=lambda: select_event(st.session_state["event_detail"]),
)
if choice:
    with st.container(border=True):
        render_event_detail(dataset, events.loc[events["event_id"] == choice].iloc[0])
