"""Chart builders, called directly: the right traces, marks and counts for given rows."""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from components.charts import (
    CATEGORY_COLOURS,
    CLAIMANT_COLOURS,
    FIGURES_MAX_CLAIMS,
    FIGURES_NAMED_CLAIMANTS,
    MILESTONE_MIN_GAP,
    MIN_BAND_SHARE,
    OTHERS_COLOUR,
    QUALIFIER_SYMBOLS,
    SELECTED_COLOUR,
    claimant_colours,
    comparison_figure,
    dodge_levels,
    figures_figure,
    milestone_key,
    milestone_levels,
    plotly_text,
    timeline_counts_figure,
    timeline_figure,
)
from monitor import load_dataset
from monitor.actors import lane_names as actor_lanes
from monitor.aggregate import MAX_BINS, event_keys
from monitor.claims import claims_with_claimants
from monitor.config import PROJECT_ROOT
from monitor.events import event_lanes, key_events, with_labels


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


def same_day_events(dataset, count: int, day: str = "2025-07-12") -> tuple[pd.DataFrame, pd.DataFrame]:
    """``count`` one-day events on one day, in the North Korea and Russia lanes (as at Wonsan in July 2025)."""
    events = with_labels(dataset, dataset.events)
    template = events.loc[events["event_id"] == "treaty-signed"]
    day = pd.Timestamp(day)
    rows = pd.concat(
        [template.assign(event_id=f"same-day-{n}", date_start=day, span_end=day) for n in range(count)],
        ignore_index=True,
    )
    lanes = pd.DataFrame(
        [(event_id, lane) for event_id in rows["event_id"] for lane in ("North Korea", "Russia")],
        columns=["event_id", "lane"],
    )
    return rows, lanes


def dots(figure) -> dict[tuple[str, str], tuple[float, float]]:
    """(event_id, lane) -> (x, y) of each dot drawn."""
    return {
        (row[0], row[3]): (x, y)
        for trace in marker_traces(figure)
        for row, x, y in zip(trace.customdata, trace.x, trace.y, strict=True)
    }


def test_events_on_one_day_get_distinct_positions_within_their_lane(dataset):
    events, lanes = same_day_events(dataset, 3)
    placed = dots(timeline_figure(events, lanes))
    assert len(placed) == 6
    for lane in ("North Korea", "Russia"):
        in_lane = [position for (_, each_lane), position in placed.items() if each_lane == lane]
        assert len(set(in_lane)) == 3  # three dots, none on another
        assert len({x for x, _ in in_lane}) == 1  # on their own date: stacked, not moved in time
    north, russia = (sorted(y for (_, lane), (_, y) in placed.items() if lane == name) for name in lanes["lane"][:2])
    assert max(north) < min(russia) or max(russia) < min(north)  # each lane's stack stays inside its lane


def test_events_apart_share_their_lanes_row_and_a_span_reserves_its_own(dataset):
    events, lanes = same_day_events(dataset, 2)
    events.loc[1, ["date_start", "span_end"]] = pd.Timestamp("2025-01-10")  # six months apart: no need to stack
    placed = dots(timeline_figure(events, lanes))
    assert placed[("same-day-0", "North Korea")][1] == placed[("same-day-1", "North Korea")][1]
    lows, highs = np.array([0, 5, 0]), np.array([10, 12, 10])  # the first two overlap in lane a
    assert list(dodge_levels(np.array(["a", "a", "b"]), lows, highs)) == [0, 1, 0]
    before_1970 = np.array(["1956-01-01", "1960-01-01"], dtype="datetime64[ns]")  # negative as integers
    assert list(dodge_levels(np.array(["a", "a"]), before_1970, before_1970 + np.timedelta64(30, "D"))) == [0, 0]
    crowd = dodge_levels(np.array(["a"] * 20), np.zeros(20), np.ones(20), most=3)  # a lane never grows past 3 rows
    assert sorted(set(crowd)) == [0, 1, 2]


def test_the_panels_follow_the_filters_period(dataset):
    events = with_labels(dataset, dataset.events)
    lanes = event_lanes(dataset, dataset.events)
    october = timeline_figure(events, lanes, period=(pd.Timestamp("2024-10-01"), pd.Timestamp("2024-10-31")))
    assert [annotation.text for annotation in october.layout.annotations] == ["Oct 2024"]
    low, high = (pd.Timestamp(end) for end in october.layout.xaxis.range)
    assert pd.Timestamp("2024-09-30") < low < pd.Timestamp("2024-10-01") < pd.Timestamp("2024-11-01") < high
    year = timeline_figure(events, lanes, period=(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31")))
    assert [annotation.text for annotation in year.layout.annotations] == ["2024"]


def test_a_month_is_a_band_wider_than_its_dot_and_the_legend_is_above_the_chart(dataset):
    events = with_labels(dataset, dataset.events)
    figure = timeline_figure(events, event_lanes(dataset, dataset.events))  # 2022-2025: a month is ~2 % wide
    (band,) = [trace for trace in figure.data if trace.mode == "lines"]
    start, end = pd.Timestamp(band.x[0]), pd.Timestamp(band.x[1])
    assert start <= pd.Timestamp("2024-10-01") and end >= pd.Timestamp("2024-11-01")
    old = events.loc[events["event_id"] == "deployment"].assign(
        date_start=pd.Timestamp("1965-02-01"), span_end=pd.Timestamp("1965-02-28")
    )
    context = timeline_figure(old, event_lanes(dataset, dataset.events))  # 1953-2021: a month is under a pixel
    (band,) = [trace for trace in context.data if trace.mode == "lines"]
    panel = pd.Timestamp("2022-01-01") - pd.Timestamp("1953-01-01")
    assert pd.Timestamp(band.x[1]) - pd.Timestamp(band.x[0]) >= panel * MIN_BAND_SHARE * 0.99
    (military,) = marker_traces(context)
    assert military.marker.size[0] < 11  # a small dot, so the band shows round it
    assert figure.layout.legend.y > 1 and figure.layout.legend.orientation == "h"


def test_timeline_text_is_escaped_for_plotly(dataset):
    events = with_labels(dataset, dataset.events).assign(title="<a href='x'>Bold</a> & co")
    figure = timeline_figure(events, event_lanes(dataset, dataset.events))
    titles = {row[1] for trace in marker_traces(figure) for row in trace.customdata}
    assert titles == {"&lt;a href='x'&gt;Bold&lt;/a&gt; &amp; co"}


def test_figures_chart_has_a_trace_per_claimant_with_ranges_as_bars(dataset):
    claims = claims_with_claimants(dataset, dataset.claims)
    figure = figures_figure(claims, "troops_deployed", key_events(dataset.events))
    traces = {trace.name: trace for trace in figure.data}
    assert set(traces) == {"Kim Jong Un ◆", "Unnamed sources"}
    kim = traces["Kim Jong Un ◆"]
    assert list(kim.error_y.arrayminus) == [1000]  # 11,000-12,000 drawn down from 12,000
    assert kim.error_y.width == 0  # no cap: it would cross the open markers
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


def test_timeline_hover_names_the_category_once_per_trace_and_customdata_starts_with_the_event_id(dataset):
    events = with_labels(dataset, dataset.events)
    figure = timeline_figure(events, event_lanes(dataset, dataset.events), highlight="deployment")
    military = next(trace for trace in marker_traces(figure) if trace.name == "military")
    assert "military · %{customdata[3]}" in military.hovertemplate
    assert sorted(list(row) for row in military.customdata) == [
        ["deployment", "Deployment reported", "Oct 2024", lane] for lane in ("North Korea", "Russia")
    ]
    assert [trace.name for trace in figure.data].count("selected event") == 1
    assert [shape.line.dash for shape in figure.layout.shapes if shape.line.dash] == ["dash"]  # not lane dividers


def synthetic_events(size: int, seed: int = 0) -> pd.DataFrame:
    """``size`` events over 1953-2025 with a few actor combinations, 60 % of them in 2022-2025."""
    rng = np.random.default_rng(seed)
    recent = rng.random(size) < 0.6
    days = np.where(recent, rng.integers(19_000, 20_450, size), rng.integers(-6_000, 18_990, size))
    combinations = [("PRK",), ("PRK",), ("PRK", "RUS", "putin"), ("RUS", "CHN"), ("KOR", "USA"), ("SUN", "kim-il-sung")]
    return pd.DataFrame(
        {
            "date_start": days.astype("datetime64[D]").astype("datetime64[ns]"),
            "category": rng.choice(list(CATEGORY_COLOURS), size),
            "actors": pd.Series([combinations[i] for i in rng.integers(0, len(combinations), size)], dtype=object),
        }
    )


def test_many_events_are_drawn_as_counts_per_lane_and_period_in_a_small_figure(dataset):
    events = synthetic_events(50_000)
    keys = event_keys(events, actor_lanes(dataset.actors))
    figure = timeline_counts_figure(keys, highlight=pd.Timestamp("2024-06-19"))
    assert [trace.type for trace in figure.data] == ["heatmap", "heatmap"]
    titles = [annotation.text for annotation in figure.layout.annotations]
    assert titles == ["1953–2021 (context) · events per year", "2022–2025 (detail) · events per month"]
    cells = 0
    for trace in figure.data:
        assert len(trace.z) == len(trace.y) and all(len(row) == len(trace.x) - 1 for row in trace.z)
        assert len(trace.x) - 1 <= MAX_BINS
        cells += sum(value for row in trace.z for value in row if value)
        assert "%{z:,} events" in trace.hovertemplate and "military: %{customdata[" in trace.hovertemplate
    lanes = actor_lanes(dataset.actors)
    pairs = sum(len({lanes.get(actor, actor) for actor in combination}) for combination in events["actors"])
    assert cells == pairs
    assert figure.data[1].y[-1] == "North Korea"  # the busiest lane on top
    assert [(shape.xref, shape.line.dash) for shape in figure.layout.shapes] == [("x2", "dash")]
    assert len(figure.to_json()) < 60_000  # a few tens of kB whatever the number of events


def test_counts_of_a_narrow_period_use_finer_periods(dataset):
    events = synthetic_events(5_000)
    october = events.assign(date_start=pd.Timestamp("2024-10-01") + pd.to_timedelta(np.arange(5_000) % 31, "D"))
    figure = timeline_counts_figure(event_keys(october, actor_lanes(dataset.actors)))
    assert len(figure.data) == 1 and figure.layout.annotations[0].text == "Oct 2024 · events per day"
    assert len(figure.data[0].x) == 32 and figure.data[0].text[0][0] == "1 Oct 2024"


def synthetic_claims(size: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    low = rng.integers(1_000, 12_000, size).astype(float)
    claimants = np.array(["South Korea", "Ukraine", "United States"])[rng.integers(0, 3, size)]
    return pd.DataFrame(
        {
            "metric": "troops_deployed",
            "claimant_key": claimants,
            "claimant_name": claimants,
            "beside_total": False,
            "read_in_kind": "news",
            "interested_party": claimants == "Ukraine",
            "colour": "#0072B2",
            "as_of": pd.Timestamp("2024-06-01") + pd.to_timedelta(rng.integers(0, 500, size), "D"),
            "reported_on": pd.Timestamp("2025-12-01"),
            "value_low": low,
            "value_high": low + rng.integers(0, 2, size) * 1_000,
            "qualifier": "about",
            "figure": "about 1,000",
            "chain": "a → b → c",
            "scope": "total",
        }
    )


def test_many_claims_are_drawn_as_each_claimants_range_per_period(dataset):
    claims = synthetic_claims(FIGURES_MAX_CLAIMS + 500)
    figure = figures_figure(
        claims, "troops_deployed", key_events(dataset.events), marked=(pd.Timestamp("2024-10-01"), "x")
    )
    assert sorted(trace.name for trace in figure.data) == ["South Korea", "Ukraine ◆", "United States"]
    drawn = 0
    for trace in figure.data:
        assert len(trace.x) <= MAX_BINS and trace.marker.symbol == "square"
        assert all(row[0] >= 1 for row in trace.customdata)  # claims in the period, then the lowest figure
        assert all(row[1] <= high for row, high in zip(trace.customdata, trace.y, strict=True))
        drawn += sum(int(row[0]) for row in trace.customdata)
        assert (np.asarray(trace.error_y.arrayminus) >= 0).all()
    assert drawn == len(claims)
    assert "lowest to highest figure per week" in figure.layout.title.text
    assert "selected: x" in [annotation.text for annotation in figure.layout.annotations]
    assert len(figure.to_json()) < 40_000
    few = figures_figure(claims.iloc[:FIGURES_MAX_CLAIMS], "troops_deployed", key_events(dataset.events))
    assert sum(len(trace.x) for trace in few.data) == FIGURES_MAX_CLAIMS  # below the limit: one marker per claim


def many_claimants(size: int, claimants: int) -> pd.DataFrame:
    """``synthetic_claims`` spread over ``claimants`` claimants: claimant n has about n times as many figures."""
    claims = synthetic_claims(size)
    weights = np.arange(1, claimants + 1, dtype=float)
    owner = np.random.default_rng(1).choice(claimants, size=size, p=weights / weights.sum())
    names = np.array([f"Claimant <{number:02d}>" for number in range(claimants)])[owner]
    return claims.assign(claimant_key=names, claimant_name=names, interested_party=False)


@pytest.mark.parametrize("size", [600, FIGURES_MAX_CLAIMS + 500])
def test_the_legend_names_the_claimants_with_most_figures_and_greys_the_rest(size):
    claims = many_claimants(size, 40)
    figure = figures_figure(claims, "troops_deployed", pd.DataFrame({"date_start": [], "title": []}))
    legend = [trace for trace in figure.data if trace.showlegend]
    assert len(legend) == FIGURES_NAMED_CLAIMANTS + 1 and len(figure.data) <= 2 * FIGURES_NAMED_CLAIMANTS + 1
    (others,) = [trace for trace in figure.data if trace.legendgroup == "other claimants"]
    present = claims["claimant_key"].nunique()
    assert (
        others.name == f"{present - FIGURES_NAMED_CLAIMANTS} other claimants" and others.marker.color == OTHERS_COLOUR
    )
    assert others.legendrank > max(trace.legendrank or 1000 for trace in legend if trace is not others)
    counts = claims["claimant_key"].value_counts().rename_axis("key").reset_index()
    counts = counts.sort_values(["count", "key"], ascending=[False, True]).set_index("key")  # ties by name
    named = {trace.legendgroup for trace in legend if trace is not others}
    assert named == {plotly_text(key) for key in counts.index[:FIGURES_NAMED_CLAIMANTS]}
    # Every claim is still drawn, and the grey marks say whose they are (escaped, as every data text).
    if size <= FIGURES_MAX_CLAIMS:
        assert sum(value is not None for trace in figure.data for value in trace.y) == size
        whose = {row[4] for row in others.customdata if row is not None}
    else:
        assert sum(int(row[0]) for trace in figure.data for row in trace.customdata) == size
        whose = {row[2] for row in others.customdata}
    assert whose == {plotly_text(key) for key in counts.index[FIGURES_NAMED_CLAIMANTS:]}
    # The named claimants in as many colours (the palette has 12), the legend under the chart where a phone has room.
    assert len({trace.marker.color for trace in legend if trace is not others}) == FIGURES_NAMED_CLAIMANTS
    assert figure.layout.legend.orientation == "h"
    go.Figure(figure.to_dict())  # Plotly's own validator accepts the gaps and the per-mark hover


def test_each_claimant_is_one_revision_line_with_its_own_colour():
    claims = synthetic_claims(40).assign(scope=["total", "present"] * 20)
    claims = claims.assign(claimant_key=claims["claimant_name"])
    colours = claimant_colours(["South Korea", "Ukraine", "United States"])
    figure = figures_figure(claims, "troops_deployed", pd.DataFrame({"date_start": [], "title": []}), colours=colours)
    assert all(trace.mode == "lines+markers" and trace.line.shape == "hv" for trace in figure.data)
    # One trace per claimant and scope, one legend entry per claimant, each in its own colour.
    assert len(figure.data) == 6
    in_legend = [trace for trace in figure.data if trace.showlegend]
    assert sorted(trace.name for trace in in_legend) == ["South Korea", "Ukraine ◆", "United States"]
    assert len({trace.line.color for trace in in_legend}) == 3
    assert {trace.line.dash for trace in figure.data} == {"solid", "dot"}  # totals and in-place counts apart
    for trace in figure.data:
        assert list(trace.x) == sorted(trace.x)  # a line runs forward in time


def test_a_part_beside_its_total_is_not_drawn():
    claims = synthetic_claims(4).assign(beside_total=[False, True, False, False])
    figure = figures_figure(claims, "troops_deployed", pd.DataFrame({"date_start": [], "title": []}))
    assert sum(len(trace.x) for trace in figure.data) == 3


def test_milestone_labels_never_overlap():
    window = (pd.Timestamp("2024-01-01"), pd.Timestamp("2025-12-31"))
    dates = pd.Series(pd.to_datetime(["2024-06-19", "2024-06-20", "2024-06-25", "2024-11-11", "2025-04-26"]))
    levels = milestone_levels(dates, window)
    assert levels == [0, 1, 2, 0, 0]
    span = (window[1] - window[0]).days
    for first in range(len(dates)):
        for second in range(first + 1, len(dates)):
            if levels[first] == levels[second]:
                assert abs((dates[second] - dates[first]).days) / span >= MILESTONE_MIN_GAP


def test_comparison_figure_draws_bounds_as_open_ended_bars(dataset):
    claims = claims_with_claimants(dataset, dataset.claims)
    figure = comparison_figure(claims, "Troops deployed, total")
    bars = figure.layout.shapes
    assert len(bars) == 2 and len(figure.data) == 1  # a bar per figure, and the marks in one trace
    over = next(bar for bar in bars if bar.y0 == "Unnamed sources")
    assert over.x0 == 11000 and over.x1 == figure.layout.xaxis.range[1]  # "over 11,000" runs to the edge
    (marks,) = figure.data
    assert list(marks.y) == list(figure.layout.yaxis.categoryarray) and len(marks.text) == len(marks.x) == 2
    assert any(annotation.text.endswith("→") for annotation in figure.layout.annotations)


def test_every_builder_makes_a_figure_plotly_itself_accepts(dataset):
    """The builders skip Plotly's validation for speed (_validate=False); Plotly's own validator checks them here."""
    import plotly.graph_objects as go

    claims = claims_with_claimants(dataset, dataset.claims)
    events = with_labels(dataset, dataset.events)
    figures = [
        timeline_figure(events, event_lanes(dataset, dataset.events), highlight="deployment"),
        timeline_counts_figure(event_keys(synthetic_events(3_000), actor_lanes(dataset.actors))),
        figures_figure(claims, "troops_deployed", key_events(dataset.events), (pd.Timestamp("2024-10-01"), "x")),
        figures_figure(synthetic_claims(FIGURES_MAX_CLAIMS + 10), "troops_deployed", key_events(dataset.events)),
        comparison_figure(claims, "title"),
    ]
    for figure in figures:
        go.Figure(figure.to_dict())  # raises on any property Plotly does not know or any bad value


def _luminance(colour: str) -> float:
    channels = [int(colour[position : position + 2], 16) / 255 for position in (1, 3, 5)]
    linear = [value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4 for value in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_chart_colours_stand_out_on_the_dark_theme():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    dark = _luminance(config["theme"]["dark"]["backgroundColor"])
    for colour in [*CLAIMANT_COLOURS, *CATEGORY_COLOURS.values(), SELECTED_COLOUR]:
        # WCAG 1.4.11: marks and lines at 3:1 against the background.
        assert (_luminance(colour) + 0.05) / (dark + 0.05) >= 3, colour
