"""Tests for scripts/build_basemap.py and the vendored data/basemap/countries.geojson."""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT_PATH = REPO_ROOT / "scripts" / "build_basemap.py"
BASEMAP_PATH = REPO_ROOT / "data" / "basemap" / "countries.geojson"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_basemap", SCRIPT_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_basemap", module)
    spec.loader.exec_module(module)
    return module


bb = _load_script()

# Quantized, delta-encoded arcs; x = q * 0.5 + 100, y = q * 0.25 + 10.
TINY_TOPOLOGY: dict[str, Any] = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [100, 10]},
    "arcs": [
        # 0: square (0,0) (4,0) (4,4) (0,4) (0,0)
        [[0, 0], [4, 0], [0, 4], [-4, 0], [0, -4]],
        # 1: (10,0) (12,0) (12,2)
        [[10, 0], [2, 0], [0, 2]],
        # 2: (12,2) (10,2) (10,0)
        [[12, 2], [-2, 0], [0, -2]],
        # 3: triangle (20,0) (20,2) (22,0) (20,0)
        [[20, 0], [0, 2], [2, -2], [-2, 0]],
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {
                    "type": "Polygon",
                    "id": "408",
                    "properties": {"name": "Square"},
                    "arcs": [[0]],
                },
                {
                    "type": "MultiPolygon",
                    "properties": {"name": "NoId"},
                    "arcs": [[[~2, ~1]], [[~3]]],
                },
                {"type": None, "id": "999", "properties": {"name": "Empty"}},
            ],
        }
    },
}


def test_decode_arcs_applies_delta_and_transform() -> None:
    arcs = bb.decode_arcs(TINY_TOPOLOGY)
    assert arcs[0] == [
        (100.0, 10.0),
        (102.0, 10.0),
        (102.0, 11.0),
        (100.0, 11.0),
        (100.0, 10.0),
    ]
    assert arcs[1] == [(105.0, 10.0), (106.0, 10.0), (106.0, 10.5)]


def test_decode_arcs_without_transform_is_absolute() -> None:
    topology = {"type": "Topology", "arcs": [[[1, 2], [3, 4]]], "objects": {}}
    assert bb.decode_arcs(topology) == [[(1.0, 2.0), (3.0, 4.0)]]


def test_topojson_to_geojson_polygon_and_multipolygon_with_reversed_arcs() -> None:
    collection = bb.topojson_to_geojson(TINY_TOPOLOGY)
    assert collection["type"] == "FeatureCollection"
    square, multi, empty = collection["features"]

    assert square["properties"] == {"name": "Square", "id": "408"}
    assert square["geometry"] == {
        "type": "Polygon",
        "coordinates": [[[100.0, 10.0], [102.0, 10.0], [102.0, 11.0], [100.0, 11.0], [100.0, 10.0]]],
    }

    assert multi["properties"] == {"name": "NoId", "id": ""}
    assert multi["geometry"]["type"] == "MultiPolygon"
    # ~2 = (10,0) (10,2) (12,2); ~1 = (12,2) (12,0) (10,0); shared junction kept once.
    assert multi["geometry"]["coordinates"][0] == [
        [[105.0, 10.0], [105.0, 10.5], [106.0, 10.5], [106.0, 10.0], [105.0, 10.0]]
    ]
    # ~3 = triangle walked backwards: (20,0) (22,0) (20,2) (20,0)
    assert multi["geometry"]["coordinates"][1] == [[[110.0, 10.0], [111.0, 10.0], [110.0, 10.5], [110.0, 10.0]]]

    assert empty["geometry"] is None


def test_build_basemap_on_tiny_topology_adds_iso_and_clips() -> None:
    bbox = (101.0, 9.0, 120.0, 20.0)
    collection = bb.build_basemap(TINY_TOPOLOGY, bbox=bbox)
    by_name = {f["properties"]["name"]: f for f in collection["features"]}
    assert set(by_name) == {"Square", "NoId"}  # null geometry dropped
    assert by_name["Square"]["properties"] == {
        "id": "408",
        "iso_a3": "PRK",
        "name": "Square",
    }
    assert by_name["NoId"]["properties"]["iso_a3"] == ""
    # The square (100..102 x 10..11) is cut at lon 101; d3 winding = clockwise exterior.
    ring = by_name["Square"]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1]
    assert {tuple(p) for p in ring} == {
        (101.0, 10.0),
        (102.0, 10.0),
        (102.0, 11.0),
        (101.0, 11.0),
    }
    assert bb.signed_area([tuple(p) for p in ring[:-1]]) < 0


def _area(polygons: list[list[list[tuple[float, float]]]]) -> float:
    return sum(bb.signed_area(p[0]) - sum(-bb.signed_area(h) for h in p[1:]) for p in polygons)


def test_clip_polygon_splits_u_shape_into_two_parts() -> None:
    # A "U" whose arms stick out above the box top (y = 10): two separate pieces remain
    # above y = 8 and one connected piece below, so clipping at y <= 10 keeps one U,
    # while clipping to y >= 5 (box 5..20) keeps two arms.
    u_shape = [
        [0, 0],
        [6, 0],
        [6, 12],
        [4, 12],
        [4, 2],
        [2, 2],
        [2, 12],
        [0, 12],
        [0, 0],
    ]
    arms = bb.clip_polygon([u_shape], bbox=(-1.0, 5.0, 7.0, 20.0))
    assert len(arms) == 2
    assert _area(arms) == pytest.approx(2 * 2 * 7)
    whole = bb.clip_polygon([u_shape], bbox=(-1.0, -1.0, 7.0, 10.0))
    assert len(whole) == 1
    assert _area(whole) == pytest.approx(6 * 2 + 2 * 2 * 8)


def test_clip_polygon_keeps_hole_and_handles_surrounding_polygon() -> None:
    outer = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    hole = [[4, 4], [4, 6], [6, 6], [6, 4], [4, 4]]
    (polygon,) = bb.clip_polygon([outer, hole], bbox=(2.0, 2.0, 8.0, 8.0))
    assert len(polygon) == 2
    assert _area([polygon]) == pytest.approx(36 - 4)
    # A polygon that contains the whole box yields the box itself.
    (boxed,) = bb.clip_polygon([outer], bbox=(2.0, 2.0, 3.0, 3.0))
    assert sorted(boxed[0]) == [(2.0, 2.0), (2.0, 3.0), (3.0, 2.0), (3.0, 3.0)]
    assert bb.clip_polygon([outer], bbox=(20.0, 20.0, 30.0, 30.0)) == []


def test_boundary_edges_are_densified() -> None:
    wide = [[0, 0], [50, 0], [50, 10], [0, 10], [0, 0]]
    (polygon,) = bb.clip_polygon([wide], bbox=(10.0, -5.0, 40.0, 5.0), max_step=1.0)
    ring = polygon[0] + [polygon[0][0]]
    # Edges walked along the box boundary (top y = 5, sides x = 10 / 40) are split;
    # the original bottom edge (0,0)-(50,0) is only cut, not densified.
    on_box = [
        (a, b) for a, b in itertools.pairwise(ring) if (a[1] == b[1] == 5.0) or (a[0] == b[0] and a[0] in (10.0, 40.0))
    ]
    assert len(on_box) >= 30 + 5 + 5
    assert max(max(abs(a[0] - b[0]), abs(a[1] - b[1])) for a, b in on_box) <= 1.0 + 1e-9
    assert min(ring) == (10.0, 0.0)


def test_unwrap_longitudes_across_antimeridian() -> None:
    ring = [
        (170.0, 60.0),
        (179.0, 60.0),
        (-179.0, 60.0),
        (-170.0, 60.0),
        (-170.0, 65.0),
        (170.0, 65.0),
    ]
    assert bb.unwrap_longitudes(ring) == [
        (170.0, 60.0),
        (179.0, 60.0),
        (181.0, 60.0),
        (190.0, 60.0),
        (190.0, 65.0),
        (170.0, 65.0),
    ]
    starts_west = [
        (-179.0, 60.0),
        (-170.0, 60.0),
        (-170.0, 65.0),
        (170.0, 65.0),
        (179.0, 60.0),
    ]
    assert min(x for x, _ in bb.unwrap_longitudes(starts_west)) == 170.0
    plain = [(10.0, 0.0), (20.0, 0.0), (20.0, 5.0)]
    assert bb.unwrap_longitudes(plain) == plain


def test_output_is_deterministic() -> None:
    first = bb.dumps_feature_collection(bb.build_basemap(TINY_TOPOLOGY))
    second = bb.dumps_feature_collection(bb.build_basemap(json.loads(json.dumps(TINY_TOPOLOGY))))
    assert first == second
    json.loads(first)


# ----------------------------------------------------------------- vendored basemap


@pytest.fixture(scope="module")
def basemap() -> dict[str, Any]:
    return json.loads(BASEMAP_PATH.read_text(encoding="utf-8"))


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [ring for polygon in polygons for ring in polygon]


def test_vendored_file_is_small_feature_collection(basemap: dict[str, Any]) -> None:
    assert BASEMAP_PATH.stat().st_size < 1_500_000
    assert basemap["type"] == "FeatureCollection"
    assert len(basemap["features"]) > 20
    for feature in basemap["features"]:
        assert feature["type"] == "Feature"
        assert set(feature["properties"]) == {"id", "iso_a3", "name"}
        assert isinstance(feature["properties"]["id"], str)
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_vendored_file_has_key_countries(basemap: dict[str, Any]) -> None:
    by_iso = {f["properties"]["iso_a3"]: f for f in basemap["features"] if f["properties"]["iso_a3"]}
    expected = {"PRK": "408", "RUS": "643", "KOR": "410", "CHN": "156", "UKR": "804"}
    for iso, numeric in expected.items():
        assert iso in by_iso, iso
        assert by_iso[iso]["properties"]["id"] == numeric
        assert by_iso[iso]["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_vendored_coordinates_inside_bbox_and_rings_closed(
    basemap: dict[str, Any],
) -> None:
    west, south, east, north = bb.REGION_BBOX
    for feature in basemap["features"]:
        for ring in _rings(feature["geometry"]):
            assert len(ring) >= 4
            assert ring[0] == ring[-1]
            for x, y in ring:
                name = feature["properties"]["name"]
                assert west <= x <= east and south <= y <= north, name
                assert round(x, 3) == x and round(y, 3) == y


def test_vendored_winding_is_d3_order(basemap: dict[str, Any]) -> None:
    for feature in basemap["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in polygons:
            # exterior clockwise, holes counter-clockwise
            assert bb.signed_area([tuple(p) for p in polygon[0][:-1]]) < 0
            for hole in polygon[1:]:
                assert bb.signed_area([tuple(p) for p in hole[:-1]]) > 0


def test_vendored_geometries_valid_and_places_located(basemap: dict[str, Any]) -> None:
    shapely_geometry = pytest.importorskip("shapely.geometry")
    by_name = {}
    for feature in basemap["features"]:
        geometry = shapely_geometry.shape(feature["geometry"])
        assert geometry.is_valid, feature["properties"]["name"]
        by_name[feature["properties"]["iso_a3"]] = geometry
    places = {
        "Pyongyang": (125.75, 39.02, "PRK"),
        "Wonsan": (127.44, 39.15, "PRK"),
        "Kursk": (36.19, 51.73, "RUS"),
        "Vostochny Cosmodrome": (128.33, 51.88, "RUS"),
        "Seoul": (126.98, 37.57, "KOR"),
        "Kyiv": (30.52, 50.45, "UKR"),
        "Beijing": (116.40, 39.90, "CHN"),
    }
    for name, (lon, lat, iso) in places.items():
        assert by_name[iso].contains(shapely_geometry.Point(lon, lat)), name


@pytest.mark.skipif(
    not os.environ.get("WORLD_ATLAS_COUNTRIES_50M"),
    reason="set WORLD_ATLAS_COUNTRIES_50M to world-atlas@2.0.2 countries-50m.json",
)
def test_vendored_file_matches_regeneration(tmp_path: Path) -> None:
    out = tmp_path / "countries.geojson"
    source = os.environ["WORLD_ATLAS_COUNTRIES_50M"]
    assert bb.main(["--source", source, "--out", str(out)]) == 0
    assert out.read_bytes() == BASEMAP_PATH.read_bytes()
