"""The linked selection shared by every page: one selected event and one selected place, kept in the
session and mirrored in the URL (?event=<event_id>, ?place=<place_id>) so a link reopens them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor.events import find_event
from monitor.loading import Dataset

EVENT_KEY = "selected_event"
PLACE_KEY = "selected_place"
_URL_NAMES = {EVENT_KEY: "event", PLACE_KEY: "place"}


def sync_from_url(dataset: Dataset) -> None:
    """Adopt ?event= and ?place= from the URL when they name a known event or place (app.py, every run)."""
    ids = {EVENT_KEY: dataset.events["event_id"], PLACE_KEY: dataset.places["place_id"]}
    for key, name in _URL_NAMES.items():
        value = st.query_params.get(name)
        if value is None or value == st.session_state.get(key):
            continue  # nothing new: no need to look it up in a large table
        if bool((ids[key] == value).any()):
            st.session_state[key] = value
        else:
            del st.query_params[name]  # an unknown id in a shared link is dropped, not an error


def _set(key: str, value: str | None) -> None:
    name = _URL_NAMES[key]
    if value:
        st.session_state[key] = value
        st.query_params[name] = value
    else:
        st.session_state.pop(key, None)
        if name in st.query_params:
            del st.query_params[name]


def select_event(event_id: str | None) -> None:
    _set(EVENT_KEY, event_id)


def select_place(place_id: str | None) -> None:
    _set(PLACE_KEY, place_id)


def show_in_url() -> None:
    """Put the current selection back in the URL: Streamlit drops unbound query parameters on page switch."""
    for key, name in _URL_NAMES.items():
        if st.session_state.get(key) and st.query_params.get(name) != st.session_state[key]:
            st.query_params[name] = st.session_state[key]


def selected_event(dataset: Dataset) -> pd.Series | None:
    return find_event(dataset, st.session_state.get(EVENT_KEY))


def selected_place(dataset: Dataset) -> str | None:
    place_id = st.session_state.get(PLACE_KEY)
    return place_id if place_id in set(dataset.places["place_id"]) else None


def new_click(chart_key: str, clicked: str | None) -> bool:
    """Whether ``clicked`` (what chart ``chart_key`` has selected now; None: nothing) is the reader's new click.

    A chart keeps its selection across reruns while the selection may have moved on since (another chart, the
    event list, a link), so only a change of the chart's own selection counts; it is remembered here."""
    memory = f"{chart_key}_last_pick"
    if clicked == st.session_state.get(memory):
        return False
    st.session_state[memory] = clicked
    return True


def plotly_click(chart_key: str) -> str | None:
    """The id (first customdata) of the point last clicked on Plotly chart ``chart_key``, or None."""
    points = st.session_state.get(chart_key, {}).get("selection", {}).get("points", [])
    ids = [point["customdata"][0] for point in points if point.get("customdata")]
    return ids[-1] if ids else None


def vega_click(chart_key: str, param: str, field: str) -> str | None:
    """``field`` of the mark selected by point selection ``param`` on Vega-Lite chart ``chart_key``, or None."""
    chosen = st.session_state.get(chart_key, {}).get("selection", {}).get(param, [])
    return chosen[0][field] if chosen else None


def follow_event_clicks(chart_key: str) -> None:
    """Select the event newly clicked on Plotly chart ``chart_key`` (read before the chart is drawn, so the
    chart rings it in the same run); clearing the chart's selection keeps the event chosen."""
    clicked = plotly_click(chart_key)
    if new_click(chart_key, clicked) and clicked:
        select_event(clicked)


def follow_place_clicks(chart_key: str) -> None:
    """Select the place newly clicked on map ``chart_key``; clearing the map's selection clears the place."""
    clicked = vega_click(chart_key, "place", "place_id")
    if new_click(chart_key, clicked):
        select_place(clicked)
