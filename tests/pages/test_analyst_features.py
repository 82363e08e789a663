"""Analyst features under AppTest: linked selection, story mode, disagreement view, interested-party toggle,
claimant chain, and the dataset's change log."""

from __future__ import annotations

import json

from apptest import markdown_text, open_page

from monitor import data_dir, load_dataset

EVENT_IN_KURSK = "dprk-acknowledges-troops-2025"  # at Pyongyang, within the figures' window
DATASET = load_dataset(data_dir())


def plotly_specs(app) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def vega_specs(app) -> list[str]:
    return [chart.proto.spec for chart in app.get("vega_lite_chart")]


def event_title(event_id: str) -> str:
    return DATASET.events.set_index("event_id").at[event_id, "title"]


def test_url_event_opens_its_detail_on_the_timeline():
    app = open_page("pages/timeline.py", {"event": EVENT_IN_KURSK})
    assert not app.exception
    assert app.selectbox(key="event_detail").value == EVENT_IN_KURSK
    assert any(event_title(EVENT_IN_KURSK) in header.value for header in app.subheader)
    assert "Sources" in markdown_text(app)
    assert app.query_params["event"] == EVENT_IN_KURSK


def test_selected_event_is_ringed_on_the_timeline_and_marked_on_the_figures():
    timeline = open_page("pages/timeline.py", {"event": EVENT_IN_KURSK})
    names = [trace.get("name") for trace in plotly_specs(timeline)[0]["data"]]
    assert "selected event" in names
    figures = open_page("pages/figures.py", {"event": EVENT_IN_KURSK})
    annotations = [note["text"] for note in plotly_specs(figures)[0]["layout"]["annotations"]]
    assert f"selected: {event_title(EVENT_IN_KURSK)}" in annotations


def test_selected_event_highlights_its_place_on_the_map():
    app = open_page("pages/map.py", {"event": EVENT_IN_KURSK})
    rings = [param.get("value") for spec in vega_specs(app) for param in json.loads(spec)["params"]]
    assert "pyongyang" in rings


def test_selected_place_narrows_the_timeline_to_its_events():
    app = open_page("pages/timeline.py", {"place": "wonsan"})
    assert not app.exception
    assert "Only events at Wonsan" in markdown_text(app)
    plotted = {row[0] for trace in plotly_specs(app)[0]["data"] for row in trace.get("customdata") or []}
    wonsan = set(DATASET.events.loc[DATASET.events["place_id"] == "wonsan", "event_id"])
    assert plotted == wonsan
    next(button for button in app.button if button.label == "Show all places").click().run()
    assert "Only events at" not in markdown_text(app)


def test_story_steps_forward_and_back_and_opens_from_the_url():
    app = open_page("pages/story.py")
    assert not app.exception
    first = DATASET.story.sort_values("step").iloc[0]
    assert first["narration"].split(",")[0] in markdown_text(app).replace("\\", "")
    next(button for button in app.button if button.label == "Next").click().run()
    assert app.select_slider(key="step").value == 2
    next(button for button in app.button if button.label == "Previous").click().run()
    assert app.select_slider(key="step").value == 1
    later = open_page("pages/story.py", {"step": "16"})
    step = DATASET.story.set_index("step").loc[16]
    assert later.session_state["selected_event"] == step["event_id"]
    assert any(event_title(step["event_id"]) in header.value for header in later.subheader)


def test_disagreement_view_compares_figures_at_a_date_with_who_says_what():
    app = open_page("pages/disagreement.py")
    assert not app.exception
    table = app.dataframe[0].value
    assert len(table) > 0 and "period" not in table.columns
    assert table["who_says"].str.contains(": ").all()
    assert table["reports_and_origins"].str.contains("origins").all()
    # Two lower bounds never make a percentage: a consistent comparison has no gap.
    consistent = table.loc[table["relation"].str.startswith(("consistent", "agree"))]
    assert consistent["gap_pct"].isna().all()


def test_interested_party_toggle_removes_parties_from_chart_and_headline():
    app = open_page("pages/figures.py")
    before = {trace["name"] for trace in plotly_specs(app)[0]["data"] if trace.get("showlegend", True)}
    assert any(name.endswith("◆") for name in before)
    app.toggle(key="parties").set_value(False).run()
    after = {trace["name"] for trace in plotly_specs(app)[0]["data"] if trace.get("showlegend", True)}
    assert after and not any(name.endswith("◆") for name in after)
    assert [metric.label for metric in app.metric] == [
        "Troops deployed: sent in total",
        "Troops deployed: in Kursk region at the time",
    ]
    assert not any("◆" in element.value for element in app.markdown)  # no party's figure in the headline


def test_every_figure_shows_its_claimant_chain_and_date_basis():
    app = open_page("pages/figures.py")
    table = app.dataframe[-1].value
    assert table["chain"].str.count("→").ge(2).all()
    assert table["date_basis"].notna().all()
    assert "%{customdata[1]}" in plotly_specs(app)[0]["data"][0]["hovertemplate"]


def test_arms_figures_are_on_the_same_page():
    # A shared link carries the labels the widgets show.
    app = open_page("pages/figures.py", {"group": "Arms and munitions", "metric": "Containers of munitions shipped"})
    assert not app.exception
    assert app.selectbox(key="metric").value == "containers"
    assert "Containers of munitions shipped" in plotly_specs(app)[0]["layout"]["title"]["text"]


def test_sources_page_shows_the_latest_changes_and_the_comparison_rules():
    app = open_page("pages/sources.py")
    assert (
        app.expander[0].label.replace("\\", "") == f"What changed in version {DATASET.version} (from data/CHANGELOG.md)"
    )
    text = markdown_text(app).replace("\\", "").replace("\u2060", "")
    assert DATASET.latest_changes.strip().splitlines()[0] in text  # the newest release's summary
    assert "Every change, row by row" not in text  # the row-by-row list is a download, not a wall of text
    assert "The same moment." in text and "Bounds are bounds." in text
