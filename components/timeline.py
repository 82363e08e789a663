"""The timeline page's parts: its caption, the chart (one dot per event, or counts when there are too many), the
table and the event detail. Streamlit here; the rows come from monitor/ and the figures from components.charts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import charts
from components.chart_export import show_plotly
from components.render import escape, render_event_detail
from components.selection import EVENT_KEY, select_event, select_place
from monitor.aggregate import view_event_keys
from monitor.events import event_lanes, with_labels
from monitor.loading import Dataset

CHART_KEY = "timeline_chart"
DETAIL_KEY = "event_detail"


def too_many_to_draw(total: int) -> bool:
    """Above ``charts.TIMELINE_MAX_EVENTS`` the chart counts events instead of drawing each one."""
    return total > charts.TIMELINE_MAX_EVENTS


def timeline_caption(total: int) -> None:
    """How to read the chart that ``total`` events get."""
    if too_many_to_draw(total):
        st.caption(
            f"**{total:,} events are too many to draw one by one, so the chart counts them:** each strip is a "
            "state, each cell a period (a year, a month or less: each panel's title says), darker for more events; "
            "hover for the count by category. Events count in the period they start in, once in the lane of every "
            f"state involved. Narrow the period, actors or categories in the sidebar to "
            f"{charts.TIMELINE_MAX_EVENTS:,} events or fewer to see single events and click them."
        )
    else:
        st.caption(
            "Each dot is an event, in the lane of every state involved (people count for their state); events on "
            "the same or nearby days are stacked within the lane. Bands show events dated only to a month or a "
            "year, or that lasted several days. The top panel compresses the years before 2022; the bottom one "
            "shows 2022 on in detail; both follow the period in the sidebar. Click a dot for its detail; the "
            "selection follows you to the map and the figures, and the address bar keeps it (?event=…)."
        )


def place_note(dataset: Dataset, place_id: str) -> None:
    """Say that only one place's events are shown, with a button to show all places again."""
    name = dataset.indexed("places").at[place_id, "name"]
    note, clear = st.columns([4, 1], vertical_alignment="center")
    note.info(f"Only events at {escape(name)}, the place selected on the map.", icon=":material/location_on:")
    clear.button("Show all places", on_click=select_place, args=(None,), icon=":material/close:", width="stretch")


TIMELINE_TITLE = "Events by actor and category"


def timeline_chart(
    dataset: Dataset, shown: pd.DataFrame, period: tuple[pd.Timestamp, pd.Timestamp], selected: str | None
) -> None:
    """The events ``shown`` (rows of a view) over ``period``: one clickable dot each, or counts per lane and
    period when there are too many; ``selected`` (an event_id) is ringed, or its date marked."""
    if too_many_to_draw(len(shown)):
        chosen = shown.loc[(shown["event_id"] == selected).to_numpy(), "date_start"] if selected else []
        figure = charts.timeline_counts_figure(
            view_event_keys(dataset, shown), highlight=chosen.iloc[0] if len(chosen) else None
        )
        show_plotly(figure, dataset, key="timeline_counts", title=TIMELINE_TITLE)
        return
    events = with_labels(dataset, shown).sort_values("date_start")
    figure = charts.timeline_figure(events, event_lanes(dataset, shown), highlight=selected, period=period)
    show_plotly(figure, dataset, on_select="rerun", selection_mode="points", key=CHART_KEY, title=TIMELINE_TITLE)


def event_table(listed: pd.DataFrame, total: int) -> None:
    """The events listed (``monitor.aggregate.listed_events``) of ``total`` shown, as a table."""
    if len(listed) < total:
        st.caption(
            f"The {len(listed):,} most important of {total:,} events, newest first. Narrow the filters to list "
            "fewer, or open the **Claims and events explorer** page for every event and the downloads."
        )
    st.dataframe(
        listed[["when", "title", "category", "place", "status", "importance"]], hide_index=True, width="stretch"
    )


def event_detail(dataset: Dataset, listed: pd.DataFrame, aggregated: bool) -> None:
    """A list of the events listed to pick one from, showing the selected event's detail; picking selects it."""
    labels = dict(zip(listed["event_id"], listed["when"] + " · " + listed["title"], strict=True))
    selected = st.session_state.get(EVENT_KEY)
    # The list follows the selection made anywhere (a click, a link, another page) before it is drawn.
    st.session_state[DETAIL_KEY] = selected if selected in labels else None
    choice = st.selectbox(
        "Event detail",
        list(labels),
        key=DETAIL_KEY,
        format_func=lambda event_id: labels.get(event_id, event_id),
        placeholder="Pick an event listed in the table" if aggregated else "Click a dot above, or pick an event here",
        on_change=lambda: select_event(st.session_state[DETAIL_KEY]),
    )
    if choice:
        with st.container(border=True):
            render_event_detail(dataset, listed.loc[(listed["event_id"] == choice).to_numpy()].iloc[0])
