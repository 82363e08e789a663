"""The like-for-like rules as a reader meets them: the disagreement, figures and overview pages on crafted
claims (tests/crafted.py) show exactly what the rules say."""

from __future__ import annotations

import json

import pytest
from apptest import markdown_text, open_page
from crafted import crafted_folder


@pytest.fixture
def crafted(tmp_path, monkeypatch):
    folder = crafted_folder(tmp_path / "data")
    monkeypatch.setenv("MONITOR_DATA_DIR", str(folder))
    return folder


def comparison_rows(app):
    table = app.dataframe[0].value
    return {row.figure: row for row in table.itertuples(index=False)}


def test_disagreement_page_shows_only_same_moment_same_definition_comparisons(crafted):
    app = open_page("pages/disagreement.py")
    assert not app.exception, app.exception
    rows = comparison_rows(app)
    # Three days apart, 4,000 and 6,000: a 50 % disagreement.
    troops = rows["Troops deployed"]
    assert troops.relation == "differ by 2,000 (50 % of the lower)" and troops.gap_pct == 50
    assert "11,000" not in troops.who_says  # the in-place count is not set beside totals
    # Two lower bounds: consistent, no percentage.
    casualties = rows["Casualties (killed and wounded)"]
    assert casualties.relation.startswith("consistent: lower bounds only") and casualties.gap_pct != casualties.gap_pct
    # Nine months apart: no comparison at all.
    assert "Workers" not in rows
    # One statement relayed three times is one origin.
    assert rows["Killed"].reports_and_origins == "4 reports, 2 origins"
    assert "2 comparisons" not in markdown_text(app)


def test_widening_the_window_turns_a_change_over_time_into_a_comparison(crafted):
    app = open_page("pages/disagreement.py")
    app.slider(key="window").set_value(300).run()
    assert "Workers" in comparison_rows(app)
    assert "Workers" in comparison_rows(open_page("pages/disagreement.py", {"window": "300"}))  # from a shared link


def test_known_on_date_drops_a_figure_reported_the_day_after(crafted):
    app = open_page("pages/disagreement.py")
    assert "Wounded" in comparison_rows(app)
    later = open_page("pages/disagreement.py", {"known": "2025-01-13"})
    assert "Wounded" not in comparison_rows(later)


def test_two_figures_of_different_scopes_are_not_comparable(crafted):
    app = open_page("pages/disagreement.py")
    app.selectbox(key="pair_a").set_value("nis-close").run()
    app.selectbox(key="pair_b").set_value("zelensky-in-kursk").run()
    assert [warning.value.replace("\\", "") for warning in app.warning] == ["Not comparable: total vs in place."]


def test_figures_page_draws_revision_lines_and_leaves_parts_out(crafted):
    app = open_page("pages/figures.py")
    app.multiselect(key="scope").set_value(["planned"]).run()
    app.selectbox(key="metric").set_value("troops_reconstruction").run()
    assert not app.exception, app.exception
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    drawn = sum(len(trace["x"]) for trace in spec["data"])
    assert drawn == 2  # the 6,000 total and NIS's 6,000; the 5,000 part of the total is listed, not drawn
    assert "part of a total" in markdown_text(app)
    assert set(app.dataframe[-1].value["claim_id"]) == {"shoigu-total", "shoigu-builders", "nis-planned"}


def test_overview_headline_keeps_totals_and_in_place_counts_apart(crafted):
    app = open_page("pages/overview.py")
    assert not app.exception, app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Troops deployed: sent in total"] == "4,000–6,000"
    assert metrics["Troops deployed: in Kursk at the time"] == "11,000"
    text = markdown_text(app)
    assert "as of 1 Mar 2025" in text and "National Intelligence Service" in text and "in Kursk" in text
    app.toggle(key="parties").set_value(False).run()
    metrics = {metric.label: metric.value for metric in app.metric}
    assert "Troops deployed: in Kursk at the time" not in metrics  # Zelensky is a party to the war


def test_a_header_only_claims_table_leaves_every_page_with_nothing_to_show(tmp_path, monkeypatch):
    folder = crafted_folder(tmp_path / "data", claims=[])
    monkeypatch.setenv("MONITOR_DATA_DIR", str(folder))
    for page in ("pages/overview.py", "pages/figures.py", "pages/disagreement.py", "pages/map.py", "pages/story.py"):
        app = open_page(page)
        assert not app.exception, (page, app.exception)
    figures = open_page("pages/figures.py")
    assert "Nothing to show" in markdown_text(figures)


def test_a_total_reads_without_a_place_in_the_list_and_with_a_dash_in_the_table():
    app = open_page("pages/disagreement.py")
    (chooser,) = [widget for widget in app.selectbox if widget.key == "comparison"]
    assert chooser.options and not [label for label in chooser.options if " in —" in label or " in  " in label]
    table = app.dataframe[0].value
    assert set(table.loc[table["scope"] == "total", "place"]) == {"—"}
