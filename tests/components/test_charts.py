"""Chart builders, called directly: the right traces, marks and counts for given rows."""

from __future__ import annotations

import pandas as pd
import pytest

from components.charts import CATEGORY_COLOURS, QUALIFIER_SYMBOLS, figures_figure, milestone_key, timeline_figure
from monitor import load_dataset
from monitor.derived import claims_with_claimants, event_lanes, key_events, with_labels


@pytest.fixture
def dataset(minimal_dir):
    return load_dataset(minimal_dir)


def marker_traces(figure):
    return [trace for trace in figure.data if trace.mode == "markers"]


def test_timeline_has_one_marker_trace_per_category_and_every_event_in_each_lane(dataset):
    events = with_labels(dataset, dataset.events)
    figure = timeline_figure(events, event_lanes(dataset, dataset.events))
    traces = marker_traces(figure)
    assert sorted(trace.name for trace in traces) == ["military", "treaty"]
    assert {trace.marker.color for trace in traces} == {CATEGORY_COLOURS["military"], CATEGORY_COLOURS["treaty"]}
    plotted = sorted(row[0] for trace in traces for row in trace.customdata)
    assert plotted == ["deployment", "deployment", "treaty-signed", "treaty-signed"]  # North Korea and Russia lanes


def test_timeline_draws_a_month_precision_event_as_a_span(dataset):
    events = with_labels(dataset, dataset.events)
    figure = timeline_figure(events, event_lanes(dataset, dataset.events))
    spans = [trace for trace in figure.data if trace.mode == "lines"]
    assert len(spans) == 1 and spans[0].legendgroup == "military"
    assert pd.Timestamp(spans[0].x[0]) == pd.Timestamp("2024-10-01")
    assert pd.Timestamp(spans[0].x[1]) == pd.Timestamp("2024-11-01")


def test_timeline_adds_a_context_panel_when_old_events_are_shown(dataset):
    events = with_labels(dataset, dataset.events)
    old = events.iloc[[0]].assign(
        event_id="old", date_start=pd.Timestamp("1961-07-06"), span_end=pd.Timestamp("1961-07-06")
    )
    lanes = pd.DataFrame({"event_id": ["old", "treaty-signed"], "lane": ["North Korea", "North Korea"]})
    figure = timeline_figure(pd.concat([events, old]), lanes)
    titles = [annotation.text for annotation in figure.layout.annotations]
    assert titles == ["1953–2021 (context)", "2022–2025 (detail)"]


def test_figures_chart_has_a_trace_per_claimant_with_ranges_as_bars(dataset):
    claims = claims_with_claimants(dataset, dataset.claims)
    figure = figures_figure(claims, "troops_deployed", key_events(dataset.events))
    traces = {trace.name: trace for trace in figure.data}
    assert set(traces) == {"Kim Jong Un ◆ party to the war", "Unnamed sources"}
    kim = traces["Kim Jong Un ◆ party to the war"]
    assert list(kim.error_y.arrayminus) == [1000]  # 11,000-12,000 drawn down from 12,000
    assert list(kim.marker.symbol) == [QUALIFIER_SYMBOLS["range"]]
    assert list(traces["Unnamed sources"].marker.symbol) == [QUALIFIER_SYMBOLS["over"]]
    assert any(shape.type == "line" for shape in figure.layout.shapes)  # the treaty milestone
    assert "Troops deployed" in figure.layout.yaxis.title.text


def test_figures_chart_of_a_metric_without_claims_is_empty(dataset):
    claims = claims_with_claimants(dataset, dataset.claims)
    assert len(figures_figure(claims, "workers", key_events(dataset.events)).data) == 0


def test_milestones_are_numbered_on_the_chart_and_spelled_out_in_the_key(dataset):
    claims = claims_with_claimants(dataset, dataset.claims)
    milestones = key_events(dataset.events)
    figure = figures_figure(claims, "troops_deployed", milestones)
    assert [annotation.text for annotation in figure.layout.annotations] == ["1"]
    assert milestone_key(milestones) == "1 = 19 Jun 2024: Treaty signed"
