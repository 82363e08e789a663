"""Timeline and figures pages on more rows than they draw one by one: aggregated charts, paged tables, and the
selection kept through both. The thresholds are lowered for the shipped data, so these tests stay fast."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from apptest import markdown_text, open_page

import components.charts as charts
from benchmarks.generate import generate
from monitor import data_dir, load_dataset

EVENT = "dprk-acknowledges-troops-2025"
SHIPPED = load_dataset(data_dir())


def plotly_specs(app) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def test_timeline_counts_events_above_the_threshold_and_keeps_the_selection(monkeypatch):
    monkeypatch.setattr(charts, "TIMELINE_MAX_EVENTS", 50)
    app = open_page("pages/timeline.py", {"event": EVENT})
    assert not app.exception, app.exception
    assert "too many to draw one by one" in markdown_text(app)
    (spec,) = plotly_specs(app)
    assert {trace["type"] for trace in spec["data"]} == {"heatmap"}
    assert any(shape.get("line", {}).get("dash") == "dash" for shape in spec["layout"]["shapes"])  # the selected date
    assert app.selectbox(key="event_detail").value == EVENT
    title = SHIPPED.events.set_index("event_id").at[EVENT, "title"]
    assert any(title in header.value for header in app.subheader)

    app.sidebar.select_slider(key="months").set_value(("2024-01", "2024-12")).run()  # under 50 events: markers again
    assert not app.exception, app.exception
    assert "too many to draw one by one" not in markdown_text(app)
    assert {trace["type"] for trace in plotly_specs(app)[0]["data"]} == {"scatter"}


@pytest.fixture(scope="module")
def thousand_events(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("large") / "data"
    generate(1_200, folder, seed=3, text="short")
    return folder


def test_timeline_table_and_event_list_show_the_most_important_events_and_the_selected_one(
    thousand_events, monkeypatch
):
    monkeypatch.setenv("MONITOR_DATA_DIR", str(thousand_events))
    dataset = load_dataset(thousand_events)
    # The least important, oldest event: never among the rows listed.
    last = dataset.events.sort_values(["importance", "date_start"]).iloc[0]["event_id"]
    app = open_page("pages/timeline.py", {"event": last})
    assert not app.exception, app.exception
    table = app.dataframe[0].value
    assert len(table) == 500 and table["importance"].is_monotonic_decreasing
    assert (table["importance"] == 3).sum() == min(500, (dataset.events["importance"] == 3).sum())
    assert "The 500 most important of 1,200 events, newest first" in markdown_text(app)
    detail = app.selectbox(key="event_detail")
    assert detail.value == last and len(detail.options) == 501
    assert {trace["type"] for trace in plotly_specs(app)[0]["data"]} == {"scatter"}  # 1,200 events: still markers


def test_figures_draw_each_claimants_range_per_period_above_the_threshold(monkeypatch):
    monkeypatch.setattr(charts, "FIGURES_MAX_CLAIMS", 5)
    app = open_page("pages/figures.py", {"event": EVENT})
    assert not app.exception, app.exception
    assert "too many to draw one by one" in markdown_text(app)
    (spec,) = plotly_specs(app)
    assert spec["data"] and all(trace["marker"]["symbol"] == "square" for trace in spec["data"])
    assert any(note["text"].startswith("selected: ") for note in spec["layout"]["annotations"])
    assert app.metric[0].label == "Troops deployed: sent in total"


def test_comparisons_come_a_page_of_paragraphs_at_a_time(monkeypatch):
    # Each comparison carries a paragraph ("who says what"): pages are shorter than a table's (PROSE_PAGE_ROWS).
    import components.render as render

    monkeypatch.setattr(render, "PROSE_PAGE_ROWS", 5)
    app = open_page("pages/disagreement.py")
    assert not app.exception, app.exception
    assert len(app.dataframe[0].value) == 5 and len(app.selectbox(key="comparison").options) == 5
    app.number_input(key="comparisons_page").set_value(2).run()
    assert not app.exception, app.exception
    assert "Comparisons 6–10 of" in markdown_text(app)
