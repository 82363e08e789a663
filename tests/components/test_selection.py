"""The linked selection: only a new click on a chart moves it (a chart keeps its selection across reruns)."""

from __future__ import annotations

import pytest

from components import selection


@pytest.fixture
def state(monkeypatch) -> dict:
    """Session state and query parameters as plain dicts, without a Streamlit runtime."""
    session: dict = {}
    monkeypatch.setattr(selection.st, "session_state", session)
    monkeypatch.setattr(selection.st, "query_params", {})
    return session


def plotly_selection(*event_ids: str) -> dict:
    return {"selection": {"points": [{"customdata": [event_id, "title"]} for event_id in event_ids]}}


def test_only_a_change_of_the_charts_selection_counts(state):
    assert selection.new_click("chart", "a")
    assert not selection.new_click("chart", "a")  # a rerun with the same selection: not a click
    assert selection.new_click("chart", None)
    assert selection.new_click("chart", "a")  # the same point again, after clearing


def test_a_timeline_click_selects_its_event_once_and_clearing_keeps_it(state):
    state["timeline_chart"] = plotly_selection("a", "b")
    selection.follow_event_clicks("timeline_chart")
    assert state[selection.EVENT_KEY] == "b"  # the last point clicked
    selection.select_event("c")  # chosen elsewhere (the event list, a link)
    selection.follow_event_clicks("timeline_chart")
    assert state[selection.EVENT_KEY] == "c"  # the chart's old selection does not take it back
    state["timeline_chart"] = plotly_selection()
    selection.follow_event_clicks("timeline_chart")
    assert state[selection.EVENT_KEY] == "c"


def test_a_map_click_selects_its_place_and_clearing_the_map_clears_it(state):
    state["map"] = {"selection": {"place": [{"place_id": "wonsan"}]}}
    selection.follow_place_clicks("map")
    assert state[selection.PLACE_KEY] == "wonsan"
    state["map"] = {"selection": {"place": []}}
    selection.follow_place_clicks("map")
    assert selection.PLACE_KEY not in state
