"""The chart wrapper's builders: every figure and spec carries its title and the source line."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.chart_export import (
    LEGEND_LINE_PX,
    TITLE_LINE_PX,
    figure_alt,
    file_stem,
    framed_figure,
    framed_spec,
    source_line,
    source_lines,
    title_lines,
)
from components.charts import comparison_figure
from components.story_steps import around_place
from monitor.citation import footer_text
from monitor.claims import claims_with_claimants
from monitor.config import PROJECT_ROOT
from monitor.loading import load_dataset

DATASET = load_dataset(PROJECT_ROOT / "data")


def test_the_source_line_names_version_and_cutoff():
    line = source_line(DATASET)
    assert line.startswith(f"Source: DPRK–Russia Alignment Monitor v{DATASET.version}, data to ")
    assert line.endswith("; figures as reported by each claimant")
    # The same cut-off as the footer and the citations (one rule: the latest day an event spans or a figure
    # describes or was said on).
    newest = max(DATASET.event_span_end.max(), DATASET.claims["as_of"].max(), DATASET.claims["reported_on"].max())
    assert f"{newest:%-d %b %Y}" in line
    assert footer_text(DATASET).startswith(f"Data to {newest:%-d %b %Y} ·")


def test_a_framed_figure_carries_title_and_source_and_keeps_its_plot_height():
    claims = claims_with_claimants(DATASET, DATASET.claims.loc[DATASET.claims["metric"] == "troops_deployed"].head(3))
    figure = comparison_figure(claims, "Troops deployed, total: figures as of 13 Jul 2025")
    framed = framed_figure(figure, "Troops deployed, total: figures as of 13 Jul 2025", source_lines(DATASET))
    text = framed.layout.title.text
    for line in source_lines(DATASET):
        assert line in text
    assert text.startswith("Troops deployed, total: figures as of 13 Jul<br>2025")
    grown = framed.layout.margin.t - figure.layout.margin.t
    assert framed.layout.height - figure.layout.height == grown > 0
    assert framed.data is not figure.data or framed.data == figure.data
    assert figure.layout.title.text == "Troops deployed, total: figures as of 13 Jul 2025", "the original is untouched"


def test_data_text_in_a_title_is_shown_not_rendered():
    framed = framed_figure(go.Figure(), "<b>bold</b> & co", ["Source: x"])
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in framed.layout.title.text


def test_a_framed_spec_carries_title_source_and_hides_marks_from_screen_readers():
    spec = {"title": "Map", "layer": [{"mark": "geoshape"}, {"mark": {"type": "text", "dx": 3}}]}
    framed = framed_spec(spec, "Map of the places", source_lines(DATASET))
    assert framed["title"]["text"] == ["Map of the places"]
    assert framed["title"]["subtitle"] == source_lines(DATASET)
    assert [layer["mark"]["aria"] for layer in framed["layer"]] == [False, False]
    assert framed["usermeta"]["embedOptions"]["renderer"] == "svg"
    assert spec["layer"][0]["mark"] == "geoshape", "the original is untouched"


def test_titles_wrap_to_a_phone_and_name_their_files():
    assert all(
        len(line) <= 44 for line in title_lines("A fairly long chart title that would not fit on one phone line")
    )
    assert file_stem("Troops deployed: figures over time") == "troops-deployed-figures-over-time"


def test_the_story_map_is_framed_on_the_place():
    place = pd.DataFrame({"lon": [125.75], "lat": [39.03], "name": ["Pyongyang"]})
    west, south, east, north = around_place(place)
    assert west < 125.75 < east and south < 39.03 < north
    assert east - west <= 14
    far = pd.DataFrame({"lon": [-77.0], "lat": [38.9], "name": ["Washington"]})
    assert around_place(far) == (20.0, 30.0, 150.0, 72.0)


def test_a_chart_text_alternative_says_what_it_draws():
    claims = claims_with_claimants(DATASET, DATASET.claims.loc[DATASET.claims["metric"] == "troops_deployed"].head(2))
    figure = comparison_figure(claims, "Troops deployed")
    alt = figure_alt(figure, "Troops deployed")
    assert alt.startswith("Chart: Troops deployed. Rows (2): ")
    assert all(name in alt for name in claims["claimant_name"])
    lines = go.Figure(data=[{"type": "scatter", "name": "A"}, {"type": "scatter", "name": "B", "showlegend": False}])
    assert figure_alt(lines, "T") == "Chart: T. Legend (1): A."


def test_a_legend_above_the_plot_goes_under_the_title_block_with_room_for_a_phone():
    figure = go.Figure(
        data=[go.Scatter(x=[1], y=[1], name=name) for name in ("diplomacy", "treaty", "military", "economy")],
        layout={"height": 600, "margin": {"t": 40}, "legend": {"orientation": "h", "y": 1.05, "yanchor": "bottom"}},
    )
    framed = framed_figure(figure, "Events by actor and category", ["Source: x", "data to y"])
    legend, margin = framed.layout.legend, framed.layout.margin
    assert legend.yref == "container" and legend.yanchor == "top"
    title_block_px = (1 - legend.y) * framed.layout.height
    # Under the title and its source lines, above the plot by the lines a phone wraps four entries to.
    assert title_block_px >= 2 * TITLE_LINE_PX
    assert margin.t - title_block_px >= 3 * LEGEND_LINE_PX
    assert framed.layout.height - margin.t == 600 - 40  # the plot keeps its height


def test_a_framed_figure_is_one_plotly_itself_accepts():
    """framed_figure skips Plotly's validation for speed (_validate=False); Plotly's own validator checks it here."""
    claims = claims_with_claimants(DATASET, DATASET.claims)
    for figure in (comparison_figure(claims, "title"), go.Figure(layout={"legend": {"y": 1.1, "yanchor": "bottom"}})):
        framed = framed_figure(figure, "A title long enough to wrap onto a second line on a phone", ["Source: x"])
        go.Figure(framed.to_dict())  # raises on any property Plotly does not know or any bad value
