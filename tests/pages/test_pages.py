"""Every page under AppTest: default filters, a narrowed filter, a filter matching nothing, and a URL start."""

from __future__ import annotations

import datetime as dt

import pytest
from apptest import PAGES, markdown_text, open_page

# Bound widgets keep their shown labels in the URL: actor names, period labels.
NOTHING = {"period": "1954", "actor": ["Ukraine"]}


@pytest.mark.parametrize("page_path", PAGES)
def test_page_runs_with_default_filters(page_path):
    app = open_page(page_path)
    assert not app.exception, app.exception
    assert app.title, "every page has a title"


@pytest.mark.parametrize("page_path", PAGES)
def test_page_runs_with_a_narrowed_actor_and_date_filter(page_path):
    app = open_page(page_path)
    everything = app.sidebar.caption[-1].value
    app.sidebar.multiselect(key="actor").set_value(["PRK", "RUS"]).run()
    app.sidebar.selectbox(key="period").set_value("2024").run()
    assert not app.exception, app.exception
    assert app.sidebar.multiselect(key="actor").value == ["PRK", "RUS"]
    assert app.sidebar.selectbox(key="period").value == "2024"
    narrowed = app.sidebar.caption[-1].value
    assert narrowed != everything and narrowed.startswith("showing ")


@pytest.mark.parametrize(
    "page_path", [p for p in PAGES if p not in ("pages/sources.py", "pages/story.py", "pages/upload.py")]
)
def test_page_shows_a_friendly_empty_state_when_nothing_matches(page_path):
    app = open_page(page_path, NOTHING)
    assert not app.exception, app.exception
    assert "match the current filters" in markdown_text(app)
    assert app.sidebar.caption[-1].value.startswith("showing 0 of ")


@pytest.mark.parametrize("page_path", PAGES)
def test_page_starts_from_url_query_parameters(page_path):
    app = open_page(page_path, {"actor": ["South Korea"], "period": "October 2024", "category": ["military"]})
    assert not app.exception, app.exception
    assert app.sidebar.multiselect(key="actor").value == ["KOR"]
    assert app.sidebar.selectbox(key="period").value == "2024-10"
    assert app.sidebar.multiselect(key="category").value == ["military"]


def test_reset_control_restores_the_defaults():
    app = open_page("pages/overview.py", {"actor": ["South Korea"], "period": "2024"})
    app.sidebar.button[0].click().run()
    assert app.sidebar.multiselect(key="actor").value == []
    assert app.sidebar.selectbox(key="period").value == "all"


def test_custom_dates_filter_the_view_to_that_range():
    app = open_page("pages/overview.py", {"period": "Custom dates…"})
    assert not app.exception
    everything = len(app.session_state["view"].events)
    app.sidebar.date_input(key="dates").set_value((dt.date(2024, 6, 1), dt.date(2024, 6, 30))).run()
    view = app.session_state["view"]
    assert 0 < len(view.events) < everything
    # An event is in the range when its span overlaps June 2024 (a month-precision event spans its month).
    spans_end = view.dataset.event_span_end.loc[view.events.index]
    assert (view.events["date_start"] <= "2024-06-30").all() and (spans_end >= "2024-06-01").all()
    assert ((view.claims["as_of"] >= "2024-06-01") & (view.claims["as_of"] <= "2024-06-30")).all()


@pytest.mark.parametrize("page_path", PAGES)
def test_page_renders_when_every_table_is_header_only(page_path, minimal_dir, monkeypatch):
    for table in ("sources", "actors", "places", "events", "claims"):
        path = minimal_dir / f"{table}.csv"
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    monkeypatch.setenv("MONITOR_DATA_DIR", str(minimal_dir))
    app = open_page(page_path)
    assert not app.exception, app.exception
    assert not app.error  # a valid, empty dataset: no validation error either
    assert app.title
