"""The map builder: an offline basemap layer with paths, places sized by events, and flow arcs."""

from __future__ import annotations

import pandas as pd
import pytest

from components.maps import (
    BASEMAP_PATH,
    INSET_BBOX,
    REGION_BBOX,
    arc_points,
    basemap_features,
    label_sides,
    map_chart,
    map_spec,
)
from monitor import load_dataset
from monitor.derived import movement_flows, place_event_counts


@pytest.fixture
def dataset(minimal_dir):
    return load_dataset(minimal_dir)


def test_basemap_is_vendored_geojson_with_the_key_countries():
    assert BASEMAP_PATH.is_file()
    names = {feature["properties"].get("iso_a3") for feature in basemap_features()}
    assert {"PRK", "RUS", "CHN", "KOR", "UKR"} <= names


def test_map_layers_basemap_arcs_places_and_labels(dataset):
    places = place_event_counts(dataset, dataset.events)
    flows = movement_flows(dataset, dataset.claims)
    spec = map_spec(map_chart(basemap_features(), places, flows), basemap_features())
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks[:3] == ["geoshape", "line", "circle"] and set(marks[3:]) == {"text"}
    assert spec["layer"][0]["data"] == {"name": "basemap"}
    # Inline, never a URL: the map must draw with no network at all.
    assert len(spec["datasets"]["basemap"]) == len(basemap_features())


def test_arcs_run_from_pyongyang_to_the_destination(dataset):
    arcs = arc_points(movement_flows(dataset, dataset.claims))
    assert (round(arcs.iloc[0]["lat"], 2), round(arcs.iloc[0]["lon"], 2)) == (39.02, 125.75)
    assert (round(arcs.iloc[-1]["lat"], 2), round(arcs.iloc[-1]["lon"], 2)) == (51.73, 36.19)


def test_map_without_flows_has_no_arc_layer(dataset):
    places = place_event_counts(dataset, dataset.events)
    spec = map_chart(basemap_features(), places, movement_flows(dataset, dataset.claims.iloc[0:0])).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]][:2] == ["geoshape", "circle"]


def test_places_outside_the_frame_are_left_off_so_they_cannot_shrink_it(dataset):
    places = place_event_counts(dataset, dataset.events).assign(lon=[125.75, -77.0])  # Kursk moved to Washington
    spec = map_chart(basemap_features(), places, movement_flows(dataset, dataset.claims.iloc[0:0])).to_dict()
    circles = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "circle")
    assert [row["place_id"] for row in spec["datasets"][circles["data"]["name"]]] == ["pyongyang"]


def test_inset_map_is_fitted_to_its_box_and_main_map_outlines_it(dataset):
    places = place_event_counts(dataset, dataset.events)
    no_flows = movement_flows(dataset, dataset.claims.iloc[0:0])
    inset = map_chart(basemap_features(), places, no_flows, bbox=INSET_BBOX).to_dict()
    assert inset["layer"][0]["projection"]["fit"]["geometry"]["coordinates"][0][0] == [INSET_BBOX[0], INSET_BBOX[1]]
    main = map_chart(basemap_features(), places, no_flows, bbox=REGION_BBOX, outline=INSET_BBOX).to_dict()
    assert main["layer"][1]["mark"] == {
        "type": "geoshape",
        "filled": False,
        "stroke": "#52606D",
        "strokeDash": [4, 3],
        "strokeWidth": 1.2,
        "clip": True,
    }


def test_labels_move_aside_for_close_neighbours():
    places = pd.DataFrame(
        {
            "place_id": ["pyongyang", "wonsan", "panmunjom", "kursk"],
            "lat": [39.02, 39.15, 37.96, 51.72],
            "lon": [125.74, 127.45, 126.68, 36.18],
        }
    )
    sides = dict(zip(places["place_id"], label_sides(places, INSET_BBOX), strict=True))
    assert sides == {"pyongyang": "left", "wonsan": "right", "panmunjom": "right", "kursk": "right"}


def test_a_large_dataset_does_not_trip_altairs_row_limit(dataset):
    many = pd.DataFrame(
        {
            "place_id": [f"p{i}" for i in range(6000)],
            "name": "x",
            "name_local": "",
            "events": 1,
            "lat": 40 + (pd.Series(range(6000)) % 20),
            "lon": 60 + (pd.Series(range(6000)) % 60),
        }
    )
    flows = movement_flows(dataset, dataset.claims)
    spec = map_spec(map_chart(basemap_features(), many, flows), basemap_features())
    assert spec["layer"][0]["data"] == {"name": "basemap"}
