"""Timeline 1953–2025: one lane per state, coloured by category; select an event to read its sources."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.chart_export import show_plotly
from components.charts import TIMELINE_MAX_EVENTS, timeline_counts_figure, timeline_figure
from components.render import current_view, empty_state, escape, render_event_detail
from components.selection import EVENT_KEY, select_event, select_place, selected_place, show_in_url
from monitor.actors import lane_names
from monitor.aggregate import EventKeys, event_keys
from monitor.events import event_lanes, most_important, with_labels
from monitor.loading import Dataset

# The table and the "Event detail" list show at most this many events (the most important, newest first):
# a million rows would be tens of MB per rerun. The explorer page pages through all of them.
TABLE_ROWS = 500


def shown_keys(dataset: Dataset, shown: pd.DataFrame) -> EventKeys:
    """The counts' keys of the events shown: built once per dataset (kept with it), then taken by row."""
    keys = dataset.memo("timeline_event_keys", lambda: event_keys(dataset.events, lane_names(dataset.actors)))
    # A view's index is its rows' positions in dataset.events.
    return keys if len(shown) == len(dataset.events) else keys.take(shown.index.to_numpy())


view = current_view()
dataset = view.dataset
show_in_url()

place = selected_place(dataset)
shown = view.events if not place else view.events.loc[(view.events["place_id"] == place).to_numpy()]
total = len(shown)
aggregated = total > TIMELINE_MAX_EVENTS
selected = st.session_state.get(EVENT_KEY)

st.title("Timeline 1953–2025")
if aggregated:
    st.caption(
        f"**{total:,} events are too many to draw one by one, so the chart counts them:** each strip is a state, "
        "each cell a period (a year, a month or less: each panel's title says), darker for more events; hover for "
        "the count by category. Events count in the period they start in, once in the lane of every state "
        f"involved. Narrow the period, actors or categories in the sidebar to {TIMELINE_MAX_EVENTS:,} events or "
        "fewer to see single events and click them."
    )
else:
    st.caption(
        "Each dot is an event, in the lane of every state involved (people count for their state). "
        "Bands show events dated only to a month or a year, or that lasted several days. "
        "The top panel compresses 1953–2021; the bottom one shows 2022–2025 in detail. Click a dot for its detail; "
        "the selection follows you to the map and the figures, and the address bar keeps it (?event=…)."
    )
if place:
    name = dataset.indexed("places").at[place, "name"]
    note, clear = st.columns([4, 1], vertical_alignment="center")
    note.info(f"Only events at {escape(name)}, the place selected on the map.", icon=":material/location_on:")
    clear.button("Show all places", on_click=select_place, args=(None,), icon=":material/close:", width="stretch")
if shown.empty:
    empty_state("events")
    st.stop()

if aggregated:
    # Only the rows the table and the event list show get labels: formatting a million dates is seconds.
    listed = with_labels(dataset, most_important(shown, TABLE_ROWS, newest_first=True))
    events = None
else:
    events = with_labels(dataset, shown).sort_values("date_start")
    listed = (
        events if total <= TABLE_ROWS else with_labels(dataset, most_important(shown, TABLE_ROWS, newest_first=True))
    )

chart_tab, table_tab = st.tabs(["Chart", "Table"])
with chart_tab:
    if events is None:
        chosen = shown.loc[(shown["event_id"] == selected).to_numpy()] if selected else shown.iloc[0:0]
        show_plotly(
            timeline_counts_figure(
                shown_keys(dataset, shown), highlight=chosen["date_start"].iloc[0] if len(chosen) else None
            ),
            dataset,
            key="timeline_counts",
            title="Events by actor and category",
        )
        selection = None
    else:
        selection = show_plotly(
            timeline_figure(events, event_lanes(dataset, shown), highlight=selected),
            dataset,
            on_select="rerun",
            selection_mode="points",
            key="timeline_chart",
            title="Events by actor and category",
        )
with table_tab:
    if len(listed) < total:
        st.caption(
            f"The {len(listed):,} most important of {total:,} events, newest first. Narrow the filters to list "
            "fewer, or open the **Claims and events explorer** page for every event and the downloads."
        )
    st.dataframe(
        listed[["when", "title", "category", "place", "status", "importance"]],
        hide_index=True,
        width="stretch",
    )

picked = (
    [point["customdata"][0] for point in selection.selection.points if point.get("customdata")] if selection else []
)
if picked and picked[-1] != st.session_state.get("timeline_last_pick"):
    # Only a new click moves the selection; later reruns keep whatever was chosen since.
    st.session_state["timeline_last_pick"] = picked[-1]
    select_event(picked[-1])
    selected = picked[-1]
if selected and not (listed["event_id"] == selected).any():
    # The selected event stays in the list even when it is not among the rows listed.
    extra = shown.loc[(shown["event_id"] == selected).to_numpy()]
    listed = pd.concat([with_labels(dataset, extra), listed]) if len(extra) else listed
labels = dict(zip(listed["event_id"], listed["when"] + " · " + listed["title"], strict=True))
st.session_state["event_detail"] = selected if selected in labels else None
choice = st.selectbox(
    "Event detail",
    list(labels),
    key="event_detail",
    format_func=lambda event_id: labels.get(event_id, event_id),
    placeholder="Pick an event listed in the table" if aggregated else "Click a dot above, or pick an event here",
    on_change=lambda: select_event(st.session_state["event_detail"]),
)
if choice:
    with st.container(border=True):
        render_event_detail(dataset, listed.loc[(listed["event_id"] == choice).to_numpy()].iloc[0])
