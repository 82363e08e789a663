"""Every page under AppTest: default filters, a narrowed filter, a filter matching nothing, and a URL start."""

from __future__ import annotations

import pytest
from apptest import PAGES, markdown_text, open_page

from monitor.periods import month_bounds

# Bound widgets keep their shown labels in the URL: actor names, the period's first and last month.
NOTHING = {"months": ["Jan 1954", "Dec 1954"], "actor": ["Ukraine"]}
EVERY_MONTH = ("1953-01", "2025-12")


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
    app.sidebar.select_slider(key="months").set_value(("2024-01", "2024-12")).run()
    assert not app.exception, app.exception
    assert app.sidebar.multiselect(key="actor").value == ["PRK", "RUS"]
    assert app.sidebar.select_slider(key="months").value == ("2024-01", "2024-12")
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
    app = open_page(page_path, {"actor": ["South Korea"], "months": ["Oct 2024", "Mar 2025"], "category": ["military"]})
    assert not app.exception, app.exception
    assert app.sidebar.multiselect(key="actor").value == ["KOR"]
    assert app.sidebar.select_slider(key="months").value == ("2024-10", "2025-03")
    assert app.sidebar.multiselect(key="category").value == ["military"]


def test_reset_control_restores_the_defaults():
    app = open_page("pages/overview.py", {"actor": ["South Korea"], "months": ["Jan 2024", "Dec 2024"]})
    app.sidebar.button[0].click().run()
    assert app.sidebar.multiselect(key="actor").value == []
    assert app.sidebar.select_slider(key="months").value == EVERY_MONTH


def assert_view_within(app, first: str, last: str) -> None:
    """Every event shown overlaps [first, last] (a month-precision event spans its month), every claim is as of
    a day in it, and some rows are left out."""
    view = app.session_state["view"]
    assert 0 < len(view.events) < len(view.dataset.events)
    spans_end = view.dataset.event_span_end.loc[view.events.index]
    assert (view.events["date_start"] <= last).all() and (spans_end >= first).all()
    assert ((view.claims["as_of"] >= first) & (view.claims["as_of"] <= last)).all()


def test_a_range_of_months_filters_the_view_to_those_months():
    app = open_page("pages/overview.py")
    app.sidebar.select_slider(key="months").set_value(("2024-06", "2024-08")).run()
    assert not app.exception
    assert_view_within(app, "2024-06-01", "2024-08-31")


def test_period_shortcuts_pick_a_decade_then_a_year_then_a_month():
    app = open_page("pages/timeline.py")
    app.sidebar.pills(key="period_shortcut").set_value("2020s").run()
    assert app.sidebar.select_slider(key="months").value == ("2020-01", "2025-12")
    app.sidebar.pills(key="period_shortcut").set_value("2024").run()
    assert app.sidebar.select_slider(key="months").value == ("2024-01", "2024-12")
    assert_view_within(app, "2024-01-01", "2024-12-31")
    app.sidebar.pills(key="period_shortcut").set_value("Oct").run()
    assert not app.exception
    assert app.sidebar.select_slider(key="months").value == ("2024-10", "2024-10")
    assert app.sidebar.pills(key="period_shortcut").value is None  # a shortcut, not a second filter
    assert_view_within(app, "2024-10-01", "2024-10-31")


@pytest.mark.parametrize(
    ("old_link", "first", "last"),
    [
        ({"period": "October 2024"}, "2024-10", "2024-10"),
        ({"period": "2024"}, "2024-01", "2024-12"),
        ({"period": "2010s"}, "2010-01", "2019-12"),
        ({"period": "Custom dates…", "dates": ["2024-06-01", "2024-06-30"]}, "2024-06", "2024-06"),
    ],
)
def test_links_that_name_a_period_still_open_it(old_link, first, last):
    app = open_page("pages/timeline.py", old_link)
    assert not app.exception, app.exception
    assert app.sidebar.select_slider(key="months").value == (first, last)
    assert "period" not in app.query_params and "dates" not in app.query_params
    start, end = month_bounds((first, last))
    assert_view_within(app, f"{start:%Y-%m-%d}", f"{end:%Y-%m-%d}")


def test_a_link_with_an_unknown_period_opens_every_year():
    app = open_page("pages/timeline.py", {"period": "the 1900s"})
    assert not app.exception, app.exception
    assert app.sidebar.select_slider(key="months").value == EVERY_MONTH


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
