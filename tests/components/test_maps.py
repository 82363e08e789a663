"""The map builder: a Vega-Lite spec written with Altair over the basemap served from static/, places sized by
events, flow arcs drawn by Vega from one row per flow, legends, haloed labels laid out without overlap."""

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
    FLOW_COLOURS,
    HALO_COLOUR,
    INSET_BBOX,
    LABEL_ASCENT_PX,
    LABEL_CHAR_PX,
    LABEL_COLOUR,
    LABEL_DESCENT_PX,
    LABEL_PLACEMENTS,
    LEGEND_LEFT_OF_EDGE,
    LEGEND_STEPS_PARAM,
    MAX_ARCS,
    MAX_LABELS,
    MIN_MAP_PX,
    PLACE_COLOUR,
    REGION_BBOX,
    RINGED_PARAM,
    SELECTED_RING,
    arc_table,
    basemap_features,
    circle_radii,
    label_sides,
    legend_box,
    legend_steps,
    map_chart,
    map_layers,
)
from monitor import load_dataset
from monitor.claims import movement_flows
from monitor.config import PROJECT_ROOT
from monitor.events import place_event_counts


@pytest.fixture
def dataset(minimal_dir):
    return load_dataset(minimal_dir)


def rows(spec: dict, layer: dict) -> list[dict]:
    """The rows a layer draws (its named dataset, through its filter on the label side if any)."""
    table = spec["datasets"][layer["data"]["name"]].to_pylist()
    side = re.fullmatch(r"datum\.side === '([\w-]+)'", layer.get("transform", [{}])[0].get("filter", ""))
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


def marks(spec: dict) -> list[str]:
    return [layer["mark"]["type"] for layer in spec["layer"]]


def test_map_layers_basemap_arcs_places_and_labels(dataset):
    places = place_event_counts(dataset, dataset.events)
    flows = movement_flows(dataset, dataset.claims)
    spec = map_chart(places, flows)
    assert marks(spec) == ["geoshape", "line", "circle", *["text"] * 2 * len(LABEL_PLACEMENTS)]
    # By a relative URL on the app's own server: no network beyond it, and nothing sent with each rerun.
    assert spec["layer"][0]["data"] == {"url": BASEMAP_URL, "format": {"type": "json", "property": "features"}}
    assert not BASEMAP_URL.startswith(("/", "http"))
    assert set(spec["datasets"]) == {"places", "arcs"}
    without_data = json.dumps({key: value for key, value in spec.items() if key != "datasets"})
    assert len(without_data) < 16_000
    assert spec["usermeta"] == {"embedOptions": {"renderer": "svg"}} and spec["width"] == "container"
    assert "config" not in spec  # Altair's default theme is left out; Streamlit applies the app's


@pytest.mark.parametrize("bbox", [REGION_BBOX, INSET_BBOX])
@pytest.mark.parametrize("legend", [False, True])
def test_spec_is_valid_vega_lite(dataset, bbox, legend):
    places = place_event_counts(dataset, dataset.events)
    spec = map_chart(places, movement_flows(dataset, dataset.claims), bbox=bbox, selected_place="kursk", legend=legend)
    # Validated here, never at run time: the page passes the dict straight to st.vega_lite_chart.
    plain = {**spec, "datasets": {name: table.to_pylist() for name, table in spec["datasets"].items()}}
    alt.LayerChart.from_dict(plain, validate=True)


def test_the_chart_is_written_with_altair_and_built_once_per_shape(dataset):
    places = place_event_counts(dataset, dataset.events)
    flows = movement_flows(dataset, dataset.claims)
    chart = map_layers(bbox=INSET_BBOX, legend=True)
    assert isinstance(chart, alt.LayerChart)
    assert isinstance(chart.layer[0].data, alt.UrlData) and chart.layer[0].data.url == BASEMAP_URL
    first = map_chart(places, flows, selected_place="kursk")
    second = map_chart(places.iloc[:1], flows, selected_place="pyongyang")
    # The layers are shared between reruns; what differs (tables, ringed place, description) is set per rerun,
    # without touching the shared spec.
    assert first["layer"] is second["layer"]
    values = [{param["name"]: param.get("value") for param in spec["params"]} for spec in (first, second)]
    assert values[0]["ringed"] == "kursk" and values[1]["ringed"] == "pyongyang"
    assert first["description"] != second["description"]


def test_clicking_a_place_selects_it_and_the_ringed_place_stands_out(dataset):
    places = place_event_counts(dataset, dataset.events)
    no_flows = movement_flows(dataset, dataset.claims.iloc[0:0])
    spec = map_chart(places, no_flows, selected_place="o'hare")
    selections = [param for param in spec["params"] if "select" in param]
    (param,) = selections
    assert param["name"] == "place"
    assert param["select"] == {"type": "point", "fields": ["place_id"], "on": "click", "clear": "dblclick"}
    circles = layer_of(spec, "circle")
    assert param["views"] == [circles["name"]]
    # The place id travels as a parameter value (data, not expression text), so a quote in it cannot break out.
    ringed = next(param for param in spec["params"] if param["name"] == RINGED_PARAM)
    assert ringed["value"] == "o'hare"
    assert circles["encoding"]["stroke"] == {
        "condition": [{"test": "datum.place_id === ringed", "value": SELECTED_RING}],
        "value": "white",
    }
    assert circles["encoding"]["opacity"]["value"] < circles["encoding"]["opacity"]["condition"][1]["value"]
    nothing = next(param for param in map_chart(places, no_flows)["params"] if param["name"] == RINGED_PARAM)
    assert nothing["value"] == ""


def test_places_and_arcs_do_not_share_a_colour(dataset):
    spec = map_chart(place_event_counts(dataset, dataset.events), movement_flows(dataset, dataset.claims))
    assert layer_of(spec, "circle")["mark"]["color"] == PLACE_COLOUR
    arc_colours = layer_of(spec, "line")["encoding"]["color"]["scale"]["range"]
    assert arc_colours == list(FLOW_COLOURS.values())
    assert PLACE_COLOUR not in arc_colours and SELECTED_RING not in arc_colours


def test_the_legends_explain_circle_size_and_arc_colours_on_the_map(dataset):
    places = place_event_counts(dataset, dataset.events).assign(events=[41, 8])  # Pyongyang, then Kursk
    spec = map_chart(places, movement_flows(dataset, dataset.claims), bbox=INSET_BBOX, legend=True)
    size = layer_of(spec, "circle")["encoding"]["size"]["legend"]
    colour = layer_of(spec, "line")["encoding"]["color"]["legend"]
    for legend in (size, colour):
        # Inside the plot (orient none, placed from its bottom-right corner), on a pale box.
        assert legend["orient"] == "none" and legend["fillColor"].startswith("rgba(255, 255, 255")
        assert legend["legendX"] == {"expr": f"width - {LEGEND_LEFT_OF_EDGE}"}
    assert size["values"] == {"expr": LEGEND_STEPS_PARAM}
    steps = next(param for param in spec["params"] if param["name"] == LEGEND_STEPS_PARAM)
    assert steps["value"] == [1, 20, 41]  # the places drawn on the zoom: Pyongyang alone
    assert colour["labelExpr"] == "split(datum.label, ' (')[0]"
    plain = map_chart(places, movement_flows(dataset, dataset.claims), bbox=INSET_BBOX)
    assert layer_of(plain, "circle")["encoding"]["size"]["legend"] is None


@pytest.mark.parametrize(("most", "steps"), [(1, [1]), (3, [1, 3]), (8, [1, 4, 8]), (41, [1, 20, 41]), (0, [1])])
def test_legend_steps(most, steps):
    assert legend_steps(pd.Series([1, most])) == steps


def test_labels_have_a_halo_under_the_text(dataset):
    spec = map_chart(place_event_counts(dataset, dataset.events), movement_flows(dataset, dataset.claims))
    text_layers = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert len(text_layers) == 2 * len(LABEL_PLACEMENTS)
    for halo, text in zip(text_layers[::2], text_layers[1::2], strict=True):
        assert halo["mark"]["stroke"] == HALO_COLOUR and halo["mark"]["strokeWidth"] >= 3
        assert "stroke" not in text["mark"] and text["mark"]["fill"] == LABEL_COLOUR
        assert halo["transform"] == text["transform"] and halo["encoding"] == text["encoding"]


def test_the_chart_says_what_it_shows_in_words(dataset):
    places = place_event_counts(dataset, dataset.events)
    spec = map_chart(places, movement_flows(dataset, dataset.claims), title="Whole region")
    assert spec["description"] == (
        "Map: Whole region. 2 places with events, drawn as circles sized by event count; the busiest: "
        "Pyongyang (1), Kursk (1). 1 reported flows of people from North Korea, drawn as arcs: "
        "Troops deployed to Kursk, up to 11,000."
    )


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


def mercator_px(lat: float, lon: float, bbox: tuple[float, float, float, float]) -> tuple[float, float]:
    """A point's place on a MIN_MAP_PX-wide Mercator map of bbox (the reference for the builder's layout)."""
    scale = MIN_MAP_PX / math.radians(bbox[2] - bbox[0])
    merc = lambda latitude: math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))  # noqa: E731
    return math.radians(lon - bbox[0]) * scale, (merc(bbox[3]) - merc(lat)) * scale


def label_box(row: pd.Series, side: str, bbox: tuple[float, float, float, float]) -> tuple[float, ...]:
    x, y = mercator_px(row["lat"], row["lon"], bbox)
    align, dx, dy = LABEL_PLACEMENTS[side]
    width = len(row["name"]) * LABEL_CHAR_PX
    left = x + dx - {"left": 0, "center": width / 2, "right": width}[align]
    return left, y + dy - LABEL_ASCENT_PX, left + width, y + dy + LABEL_DESCENT_PX


def overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def crowd(count: int, seed: int) -> pd.DataFrame:
    random = np.random.default_rng(seed)
    # Half of them crowded around Pyongyang, with names of every length, and one with no coordinates.
    lat = np.r_[random.normal(39.0, 0.6, count // 2), random.uniform(37.0, 44.0, count - count // 2)].round(2)
    lon = np.r_[random.normal(126.5, 0.8, count // 2), random.uniform(124.0, 133.0, count - count // 2)].round(2)
    names = ["".join(random.choice(list("abcdefgh"), random.integers(3, 25))) for _ in range(count)]
    places = pd.DataFrame({"name": names, "lat": lat, "lon": lon})
    if count > 5:
        places.loc[3, "lat"] = np.nan
    return places


@pytest.mark.parametrize("seed", range(6))
def test_labels_never_overlap_each_other_circles_legends_or_the_edge_on_a_phone_sized_map(seed):
    places = crowd(30, seed)
    radii = np.full(len(places), 6.0)
    legend = (200.0, 250.0, 340.0, 330.0)
    sides = label_sides(places, INSET_BBOX, radii, keep_clear=(legend,))
    assert sides.notna().sum() >= 3  # something is named even in a crowd
    height = mercator_px(INSET_BBOX[1], INSET_BBOX[0], INSET_BBOX)[1]
    boxes = {row: label_box(places.loc[row], side, INSET_BBOX) for row, side in sides.dropna().items()}
    for row, box in boxes.items():
        assert box[0] >= 0 and box[2] <= MIN_MAP_PX and box[1] >= 0 and box[3] <= height
        assert not overlaps(box, legend)
        assert not any(overlaps(box, other) for other_row, other in boxes.items() if other_row != row)
        for _, other in places.drop(index=row).dropna().iterrows():
            x, y = mercator_px(other["lat"], other["lon"], INSET_BBOX)
            nearest = (min(max(x, box[0]), box[2]) - x, min(max(y, box[1]), box[3]) - y)
            assert math.hypot(*nearest) >= 6.0, (places.loc[row, "name"], other["name"])


def test_a_label_takes_the_first_free_side_and_stays_inside_the_map():
    places = pd.DataFrame(
        {
            "name": ["Pyongyang", "Wonsan", "Vladivostok", "Seoul"],
            "lat": [39.02, 39.15, 43.12, 37.57],
            "lon": [125.74, 127.45, 131.89, 126.98],
        }
    )
    sides = label_sides(places, INSET_BBOX)
    # Pyongyang (named first) runs right; Wonsan's name beside it would overprint Pyongyang's, so it goes below;
    # Vladivostok's would run past the right edge, so it goes left.
    assert sides.tolist() == ["right", "below", "left", "right"]
    # With a legend where Wonsan's name would go, it moves again.
    legend = label_box(places.loc[1], "below", INSET_BBOX)
    moved = label_sides(places, INSET_BBOX, keep_clear=(legend,))
    assert moved[1] not in ("right", "below") and moved[0] == "right"


def test_only_the_first_places_are_named_and_the_rest_are_in_the_way():
    places = pd.DataFrame({"name": ["A place", "Another"], "lat": [40.0, 40.2], "lon": [126.0, 126.5]})
    # The second circle sits where the first name would run on its right: the name goes left; the second is unnamed.
    assert label_sides(places, INSET_BBOX, circle_px=np.array([5.0, 5.0]), named=1).tolist() == ["left", None]
    assert label_sides(places, INSET_BBOX, named=1).tolist() == ["right", None]  # a point is not in the way


def test_the_legend_box_sits_in_the_zooms_bottom_right_corner():
    left, top, right, bottom = legend_box(INSET_BBOX, 430, with_arcs=True)
    height = mercator_px(INSET_BBOX[1], INSET_BBOX[0], INSET_BBOX)[1]
    assert right == MIN_MAP_PX and left == MIN_MAP_PX - LEGEND_LEFT_OF_EDGE - 6
    assert top < bottom and bottom > height - 1  # down to the map's bottom edge or past it
    assert legend_box(INSET_BBOX, 430, with_arcs=False)[1] > top  # one legend is shorter than two


def test_circle_radii_follow_the_size_scale():
    radii = circle_radii(np.array([0, 10, 40]))
    assert radii == pytest.approx(np.sqrt(np.array([60, 60 + 1140 / 4, 1200]) / np.pi))


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


def test_only_the_busiest_places_are_labelled_when_there_are_many():
    # Forty places on a grid: only the MAX_LABELS busiest may be named (those with room are), whatever the order.
    grid = pd.DataFrame(
        {"lon": np.tile(np.linspace(25, 145, 8), 5), "lat": np.repeat(np.linspace(35, 67, 5), 8)}
    ).assign(
        place_id=[f"p{i}" for i in range(40)],
        name=[f"P{i}" for i in range(40)],
        name_local="",
        events=np.random.default_rng(0).permutation(40) + 1,
    )
    table = map_chart(grid, pd.DataFrame(columns=["highest"]))["datasets"]["places"].to_pandas()
    labelled = table.loc[table["side"].notna()]
    assert MAX_LABELS / 2 <= len(labelled) <= MAX_LABELS
    assert labelled["events"].min() > 40 - MAX_LABELS
