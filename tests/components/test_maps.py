"""The map builder: an offline basemap layer with paths, places sized by events, and flow arcs."""

from __future__ import annotations

import pytest

from components.maps import BASEMAP_PATH, arc_points, basemap_features, map_chart
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
    spec = map_chart(basemap_features(), places, flows).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["geoshape", "line", "circle", "text"]
    assert len(spec["layer"][0]["data"]["values"]) == len(basemap_features())
    assert "url" not in spec["layer"][0]["data"], "the basemap must be inline: no network at run time"


def test_arcs_run_from_pyongyang_to_the_destination(dataset):
    arcs = arc_points(movement_flows(dataset, dataset.claims))
    assert (round(arcs.iloc[0]["lat"], 2), round(arcs.iloc[0]["lon"], 2)) == (39.02, 125.75)
    assert (round(arcs.iloc[-1]["lat"], 2), round(arcs.iloc[-1]["lon"], 2)) == (51.73, 36.19)


def test_map_without_flows_has_no_arc_layer(dataset):
    places = place_event_counts(dataset, dataset.events)
    spec = map_chart(basemap_features(), places, movement_flows(dataset, dataset.claims.iloc[0:0])).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["geoshape", "circle", "text"]
