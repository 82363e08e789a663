"""The map builder: a plain-dict Vega-Lite spec over the basemap served from static/, places sized by events,
and flow arcs drawn by Vega from one row per flow."""

from __future__ import annotations

import json
import math
import re
import tomllib

import altair as alt
import numpy as np
import pandas as pd
import pytest

from components.maps import (
    ARC_POINTS,
    ARC_TRANSFORM,
    BASEMAP_PATH,
    BASEMAP_URL,
    INSET_BBOX,
    MAX_ARCS,
    MAX_LABELS,
    REGION_BBOX,
    arc_table,
    basemap_features,
    label_sides,
    map_chart,
)
from monitor import load_dataset
from monitor.config import PROJECT_ROOT
from monitor.derived import movement_flows, place_event_counts


@pytest.fixture
def dataset(minimal_dir):
    return load_dataset(minimal_dir)


def rows(spec: dict, layer: dict) -> list[dict]:
    """The rows a layer draws (its named dataset, through its filter on the label side if any)."""
    table = spec["datasets"][layer["data"]["name"]].to_pylist()
    side = re.fullmatch(r"datum\.side === '(\w+)'", layer.get("transform", [{}])[0].get("filter", ""))
    return [row for row in table if side is None or row["side"] == side.group(1)]


def layer_of(spec: dict, mark: str) -> dict:
    return next(layer for layer in spec["layer"] if layer["mark"]["type"] == mark)


def test_basemap_is_vendored_geojson_with_the_key_countries():
    assert BASEMAP_PATH.is_file()
    names = {feature["properties"].get("iso_a3") for feature in basemap_features()}
    assert {"PRK", "RUS", "CHN", "KOR", "UKR"} <= names


def test_basemap_is_served_by_streamlit_from_static_and_kept_once_in_the_repo():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableStaticServing"] is True
    # Streamlit serves <app folder>/static/X at app/static/X, and only files really inside static/.
    assert BASEMAP_PATH.parent.parent == PROJECT_ROOT / "static" and not BASEMAP_PATH.is_symlink()
    served = BASEMAP_PATH.relative_to(PROJECT_ROOT / "static").as_posix()
    assert f"app/static/{served}" == BASEMAP_URL
    # The old path (README, provenance, the builder's tests) is a link to the same file, not a copy.
    old = PROJECT_ROOT / "data" / "basemap" / "countries.geojson"
    assert old.is_symlink() and old.resolve() == BASEMAP_PATH.resolve()


def test_map_layers_basemap_arcs_places_and_labels(dataset):
    places = place_event_counts(dataset, dataset.events)
    flows = movement_flows(dataset, dataset.claims)
    spec = map_chart(places, flows)
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["geoshape", "line", "circle", "text", "text", "text"]
    # By a relative URL on the app's own server: no network beyond it, and nothing sent with each rerun.
    assert spec["layer"][0]["data"] == {"url": BASEMAP_URL, "format": {"type": "json", "property": "features"}}
    assert not BASEMAP_URL.startswith(("/", "http"))
    assert set(spec["datasets"]) == {"places", "arcs"}
    without_data = json.dumps({key: value for key, value in spec.items() if key != "datasets"})
    assert len(without_data) < 8_000
    assert spec["usermeta"] == {"embedOptions": {"renderer": "svg"}} and spec["width"] == "container"


@pytest.mark.parametrize("bbox", [REGION_BBOX, INSET_BBOX])
def test_spec_is_valid_vega_lite(dataset, bbox):
    places = place_event_counts(dataset, dataset.events)
    spec = map_chart(places, movement_flows(dataset, dataset.claims), bbox=bbox, selected_place="kursk")
    # Validated here, never at run time: the page passes the dict straight to st.vega_lite_chart.
    plain = {**spec, "datasets": {name: table.to_pylist() for name, table in spec["datasets"].items()}}
    alt.LayerChart.from_dict(plain, validate=True)


def test_clicking_a_place_selects_it_by_place_id_and_the_selected_place_is_vermillion(dataset):
    places = place_event_counts(dataset, dataset.events)
    no_flows = movement_flows(dataset, dataset.claims.iloc[0:0])
    spec = map_chart(places, no_flows, selected_place="o'hare")
    (param,) = spec["params"]
    assert param["name"] == "place"
    assert param["select"] == {"type": "point", "fields": ["place_id"], "on": "click", "clear": "dblclick"}
    circles = layer_of(spec, "circle")
    assert param["views"] == [circles["name"]]
    assert circles["encoding"]["color"] == {
        "condition": {"test": "datum.place_id === 'o\\'hare'", "value": "#D55E00"},
        "value": "#0072B2",
    }
    assert layer_of(map_chart(places, no_flows), "circle")["encoding"]["color"] == {"value": "#D55E00"}


def evaluate(expression: str, datum: dict) -> object:
    """A Vega expression of ARC_TRANSFORM, evaluated in Python (it uses only arithmetic, pow, sqrt, sequence)."""
    functions = {"__builtins__": {}, "pow": pow, "sqrt": math.sqrt, "sequence": lambda a, b: list(range(a, b))}
    return eval(expression.replace("datum.", "d_"), functions, {f"d_{k}": v for k, v in datum.items()})


def run_arc_transform(row: dict) -> list[dict]:
    """What Vega does with ARC_TRANSFORM to one row of the arcs table: one row per point of the arc."""
    points = [dict(row)]
    for step in ARC_TRANSFORM:
        if "flatten" in step:
            (field,) = step["flatten"]
            points = [dict(point, **{field: value}) for point in points for value in point[field]]
        else:
            for point in points:
                point[step["as"]] = evaluate(step["calculate"], point)
    return points


def test_arcs_run_from_pyongyang_to_the_destination_along_the_curve(dataset):
    (flow,) = arc_table(movement_flows(dataset, dataset.claims)).to_pylist()
    assert (flow["from_lat"], flow["from_lon"]) == pytest.approx((39.02, 125.75), abs=0.01)
    assert (flow["to_lat"], flow["to_lon"]) == pytest.approx((51.73, 36.19), abs=0.01)
    points = run_arc_transform(flow)
    assert [point["order"] for point in points] == list(range(ARC_POINTS))
    # A quadratic Bezier from origin to destination, its control point north of the middle by 12 % of its length.
    start, end = np.array([flow["from_lon"], flow["from_lat"]]), np.array([flow["to_lon"], flow["to_lat"]])
    middle = (start + end) / 2 + [0.0, 0.12 * np.linalg.norm(end - start)]
    steps = np.linspace(0.0, 1.0, ARC_POINTS)[:, None]
    expected = (1 - steps) ** 2 * start + 2 * (1 - steps) * steps * middle + steps**2 * end
    assert np.allclose([(point["lon"], point["lat"]) for point in points], expected)
    assert (points[0]["lon"], points[-1]["lat"]) == pytest.approx((start[0], end[1]))
    assert points[0]["what"] == "Troops deployed" and points[0]["to"] == flow["to"]


def test_only_the_widest_flows_are_drawn():
    flows = pd.DataFrame(
        {
            "metric": "workers",
            "place_id": [f"p{i}" for i in range(100)],
            "lowest": 1.0,
            "highest": [float(i) for i in range(100)],
            "origin_lat": 39.0,
            "origin_lon": 125.7,
            "lat": 50.0,
            "lon": 40.0,
            "place": "x",
        }
    )
    arcs = arc_table(flows).to_pylist()
    assert len(arcs) == MAX_ARCS
    assert min(arc["highest"] for arc in arcs) == 100 - MAX_ARCS


def test_map_without_flows_has_no_arc_layer(dataset):
    places = place_event_counts(dataset, dataset.events)
    spec = map_chart(places, movement_flows(dataset, dataset.claims.iloc[0:0]))
    assert [layer["mark"]["type"] for layer in spec["layer"]][:2] == ["geoshape", "circle"]
    assert set(spec["datasets"]) == {"places"}


def test_places_outside_the_frame_are_left_off_so_they_cannot_shrink_it(dataset):
    places = place_event_counts(dataset, dataset.events).assign(lon=[125.75, -77.0])  # Kursk moved to Washington
    spec = map_chart(places, movement_flows(dataset, dataset.claims.iloc[0:0]))
    assert [row["place_id"] for row in rows(spec, layer_of(spec, "circle"))] == ["pyongyang"]


def test_inset_map_is_fitted_to_its_box_and_main_map_outlines_it(dataset):
    places = place_event_counts(dataset, dataset.events)
    no_flows = movement_flows(dataset, dataset.claims.iloc[0:0])
    inset = map_chart(places, no_flows, bbox=INSET_BBOX)
    assert inset["projection"]["fit"]["geometry"]["coordinates"][0][0] == [INSET_BBOX[0], INSET_BBOX[1]]
    main = map_chart(places, no_flows, bbox=REGION_BBOX, outline=INSET_BBOX)
    assert main["projection"] == {"type": "mercator"}
    assert main["layer"][1]["mark"] == {
        "type": "geoshape",
        "filled": False,
        "stroke": "#52606D",
        "strokeDash": [4, 3],
        "strokeWidth": 1.2,
        "clip": True,
    }
    # Pyongyang lies in the inset: the main map draws its circle but leaves its label to the inset.
    labelled = {
        row["place_id"] for layer in main["layer"] if layer["mark"]["type"] == "text" for row in rows(main, layer)
    }
    assert "pyongyang" not in labelled and "kursk" in labelled
    inset_labels = {
        row["place_id"] for layer in inset["layer"] if layer["mark"]["type"] == "text" for row in rows(inset, layer)
    }
    assert inset_labels == {"pyongyang"}


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


def naive_label_sides(places: pd.DataFrame, bbox: tuple[float, float, float, float]) -> list[str]:
    """label_sides() as it was first written, one place at a time: the reference for the vectorised one."""
    width, height = bbox[2] - bbox[0], bbox[3] - bbox[1]
    lat, lon = places["lat"].to_numpy(), places["lon"].to_numpy()
    below = [
        bool((((lat - y) > 0) & ((lat - y) < height / 14) & (abs(lon - x) < width / 10)).any())
        for y, x in zip(lat, lon, strict=True)
    ]
    beside = ~np.array(below, dtype=bool)
    sides = []
    for is_below, y, x in zip(below, lat, lon, strict=True):
        east = beside & (abs(lat - y) < height / 12) & ((lon - x) > 0) & ((lon - x) < width / 5)
        sides.append("below" if is_below else "left" if east.any() else "right")
    return sides


@pytest.mark.parametrize("count", [0, 1, 7, 300, 1500])
@pytest.mark.parametrize("bbox", [REGION_BBOX, INSET_BBOX])
def test_vectorised_label_sides_match_the_one_place_at_a_time_rule(count, bbox):
    random = np.random.default_rng(count)
    # Half of them crowded around Pyongyang, coordinates rounded so that some tie, and one with no coordinates.
    crowd = count // 2
    lat = np.r_[random.normal(39.0, 0.6, crowd), random.uniform(30, 72, count - crowd)].round(1)
    lon = np.r_[random.normal(125.7, 0.6, crowd), random.uniform(20, 150, count - crowd)].round(1)
    places = pd.DataFrame({"lat": lat, "lon": lon}, index=random.permutation(count))
    if count > 5:
        places.iloc[3, 0] = np.nan
    assert label_sides(places, bbox).tolist() == naive_label_sides(places, bbox)


def test_a_large_dataset_gives_one_row_per_place_and_no_row_limit(dataset):
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
    spec = map_chart(many, flows)
    assert spec["datasets"]["places"].num_rows == 6000
    assert spec["datasets"]["arcs"].num_rows == len(flows)


def test_only_the_busiest_places_are_labelled_when_there_are_many(dataset):
    places = place_event_counts(dataset, dataset.events)
    many = pd.concat(
        [
            places.assign(place_id=places["place_id"] + f"-{copy}", events=places["events"] + copy)
            for copy in range(MAX_LABELS)
        ],
        ignore_index=True,
    )
    table = map_chart(many, movement_flows(dataset, dataset.claims.iloc[0:0]))["datasets"]["places"].to_pandas()
    labelled = table.loc[table["side"].notna()]
    assert len(labelled) == MAX_LABELS
    assert labelled["events"].min() >= table.loc[table["side"].isna(), "events"].max()
