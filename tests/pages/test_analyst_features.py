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
    assert any("datum.place_id === 'pyongyang'" in spec for spec in vega_specs(app))


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


def test_disagreement_view_lists_who_says_what():
    app = open_page("pages/disagreement.py")
    assert not app.exception
    table = app.dataframe[0].value
    troops_2025 = table.loc[(table["figure"] == "Troops deployed") & (table["period"] == "2025")].iloc[0]
    assert "over 11,000" in troops_2025["who_says"] and "about 12,000" in troops_2025["who_says"]
    assert troops_2025["spread"] == troops_2025["highest"] - troops_2025["lowest"]


def test_interested_party_toggle_removes_parties_from_chart_and_range():
    app = open_page("pages/figures.py")
    before = {trace["name"] for trace in plotly_specs(app)[0]["data"]}
    assert any("party to the war" in name for name in before)
    app.toggle(key="parties").set_value(False).run()
    after = {trace["name"] for trace in plotly_specs(app)[0]["data"]}
    assert after and not any("party to the war" in name for name in after)
    assert app.metric[0].label == "Latest figures range"


def test_every_figure_shows_its_claimant_chain():
    app = open_page("pages/figures.py")
    chains = app.dataframe[0].value["chain"]
    assert chains.str.count("→").eq(2).all()
    assert "%{customdata[1]}" in plotly_specs(app)[0]["data"][0]["hovertemplate"]


def test_sources_page_shows_the_latest_changes():
    app = open_page("pages/sources.py")
    assert f"What changed in version {DATASET.version}".replace(".", "\\.") in markdown_text(app)
