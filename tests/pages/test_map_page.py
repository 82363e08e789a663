"""The map page under AppTest: a click on a place (the selection state Vega returns) lists its events, a row
picked in that list opens the event's card, and a link with ?event= opens at the event's place."""

from __future__ import annotations

import json

from apptest import markdown_text, open_page

from components.maps import RINGED_PARAM
from monitor import data_dir, load_dataset

DATASET = load_dataset(data_dir())
EVENT_AT_PYONGYANG = "dprk-acknowledges-troops-2025"


def events_at(place_id: str) -> list[str]:
    at_place = DATASET.events.loc[DATASET.events["place_id"] == place_id].sort_values("date_start", kind="stable")
    return at_place["title"].tolist()


def title_of(event_id: str) -> str:
    return DATASET.events.set_index("event_id").at[event_id, "title"]


def ringed(app) -> list[str]:
    """The place each map rings (inset first, then the whole region)."""
    specs = [json.loads(chart.proto.spec) for chart in app.get("vega_lite_chart")]
    return [next(p["value"] for p in spec["params"] if p["name"] == RINGED_PARAM) for spec in specs]


def click_place(app, key: str, place_id: str | None):
    """What Streamlit holds after a click on a place of the chart ``key`` (None: a double-click clears it)."""
    app.session_state[key] = {"selection": {"place": [{"place_id": place_id}] if place_id else []}}
    return app.run()


def pick_row(app, place_id: str, row: int):
    app.session_state[f"place_events_{place_id}"] = {"selection": {"rows": [row], "columns": []}}
    return app.run()


def test_the_page_shows_the_korean_zoom_first_then_the_region_with_a_description():
    app = open_page("pages/map.py")
    assert not app.exception
    specs = [json.loads(chart.proto.spec) for chart in app.get("vega_lite_chart")]
    titles = [spec["title"] if isinstance(spec["title"], str) else spec["title"]["text"] for spec in specs]
    assert [" ".join(title) if isinstance(title, list) else title for title in titles] == [
        "Korean peninsula and Russian Far East",
        "Eastern Europe to the Pacific",
    ]
    assert specs[1]["title"]["subtitle"][0] == "Dashed box: the Korean zoom"  # its own subtitle, then the source
    assert all(spec["description"].startswith("Map: ") for spec in specs)
    assert "Pyongyang (" in specs[0]["description"] and "Moscow (" in specs[1]["description"]
    # The text alternative is on the page as well (Vega does not expose the spec's description).
    assert specs[1]["description"] in markdown_text(app).replace("\\", "")
    assert "Outside the map: Washington" in markdown_text(app)
    assert "Click a place on either map to list its events here." in markdown_text(app)


def test_a_click_on_a_place_lists_its_events_and_rings_it_on_both_maps():
    app = click_place(open_page("pages/map.py"), "inset", "wonsan")
    assert not app.exception
    assert app.query_params["place"] == "wonsan"
    assert [header.value for header in app.subheader] == ["Events at Wonsan"]
    assert app.dataframe[0].value["title"].tolist() == events_at("wonsan")
    assert ringed(app) == ["wonsan", "wonsan"]
    # A click on the other map moves the selection; a double-click there clears it.
    app = click_place(app, "map", "moscow")
    assert [header.value for header in app.subheader] == ["Events at Moscow"]
    app = click_place(app, "map", None)
    assert "place" not in app.query_params
    assert ringed(app) == ["", ""]
    assert "Click a place on either map" in markdown_text(app)


def test_a_row_picked_in_the_list_opens_that_events_card():
    app = click_place(open_page("pages/map.py"), "inset", "wonsan")
    second = DATASET.events.loc[DATASET.events["place_id"] == "wonsan"].sort_values("date_start", kind="stable")
    event_id = second["event_id"].iloc[1]
    app = pick_row(app, "wonsan", 1)
    assert not app.exception
    assert app.query_params["event"] == event_id
    assert [header.value for header in app.subheader] == ["Events at Wonsan", title_of(event_id)]
    assert "Sources" in markdown_text(app)
    # Picked here, not on the timeline: the page does not say it came from there.
    assert "Selected on the timeline" not in markdown_text(app)


def test_a_link_to_an_event_opens_its_place_and_its_card():
    app = open_page("pages/map.py", {"event": EVENT_AT_PYONGYANG})
    assert not app.exception
    assert ringed(app) == ["pyongyang", "pyongyang"]
    headers = [header.value for header in app.subheader]
    assert headers == ["Events at Pyongyang", title_of(EVENT_AT_PYONGYANG)]
    assert f"Selected on the timeline: {title_of(EVENT_AT_PYONGYANG)}" in markdown_text(app).replace("\\", "")
    assert app.dataframe[0].value["title"].tolist() == events_at("pyongyang")
