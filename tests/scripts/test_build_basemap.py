"""Tests for scripts/build_basemap.py and the vendored data/basemap/countries.geojson."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely

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


def tiny_countries(tmp_path: Path, topology: dict[str, Any] = TINY_TOPOLOGY) -> Any:
    """The tiny topology as geopandas reads it from a file (GDAL's TopoJSON driver, as for world-atlas)."""
    source = tmp_path / "tiny.json"
    source.write_text(json.dumps(topology), encoding="utf-8")
    return bb.read_countries(source)


def signed_area(ring: list[list[float]]) -> float:
    """Shoelace area: negative for a clockwise ring (the d3 order of exteriors)."""
    xs, ys = zip(*ring, strict=True)
    return sum(x0 * y1 - x1 * y0 for x0, y0, x1, y1 in zip(xs, ys, xs[1:], ys[1:], strict=False)) / 2


def test_topojson_is_read_with_quantization_and_reversed_arcs(tmp_path: Path) -> None:
    countries = tiny_countries(tmp_path).set_index("name")
    assert countries.at["Square", "geometry"].equals(shapely.box(100.0, 10.0, 102.0, 11.0))
    # ~2 then ~1 walk the small square 105..106 x 10..10.5; ~3 is the triangle (110,10) (111,10) (110,10.5).
    no_id = countries.at["NoId", "geometry"]
    assert no_id.geom_type == "MultiPolygon"
    assert no_id.area == pytest.approx(1.0 * 0.5 + 0.5 * 1.0 * 0.5)


def test_build_basemap_on_tiny_topology_adds_iso_clips_and_drops_empty(tmp_path: Path) -> None:
    bbox = (101.0, 9.0, 120.0, 20.0)
    basemap = bb.build_basemap(tiny_countries(tmp_path), bbox=bbox).set_index("name")
    assert set(basemap.index) == {"Square", "NoId"}  # the null geometry is dropped
    assert basemap.loc["Square", ["id", "iso_a3"]].tolist() == ["408", "PRK"]
    assert basemap.loc["NoId", ["id", "iso_a3"]].tolist() == ["", ""]
    # The square (100..102 x 10..11) is cut at lon 101, its exterior clockwise (the d3 order).
    assert basemap.at["Square", "geometry"].equals(shapely.box(101.0, 10.0, 102.0, 11.0))
    assert signed_area(shapely.geometry.mapping(basemap.at["Square", "geometry"])["coordinates"][0]) < 0
    rfc = bb.build_basemap(tiny_countries(tmp_path), bbox=bbox, winding="rfc7946").set_index("name")
    assert signed_area(shapely.geometry.mapping(rfc.at["Square", "geometry"])["coordinates"][0]) > 0


def test_a_u_shape_clipped_across_its_arms_gives_two_parts_and_holes_are_kept() -> None:
    u_shape = shapely.Polygon([(0, 0), (6, 0), (6, 12), (4, 12), (4, 2), (2, 2), (2, 12), (0, 12)])
    framed = shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], [[(4, 4), (4, 6), (6, 6), (6, 4)]])
    (arms,) = bb.clip_and_simplify(gpd.GeoSeries([u_shape]), bbox=(-1.0, 5.0, 7.0, 20.0))
    assert arms.geom_type == "MultiPolygon" and len(arms.geoms) == 2 and arms.area == pytest.approx(2 * 2 * 7)
    (whole,) = bb.clip_and_simplify(gpd.GeoSeries([u_shape]), bbox=(-1.0, -1.0, 7.0, 10.0))
    assert whole.geom_type == "Polygon" and whole.area == pytest.approx(6 * 2 + 2 * 2 * 8)
    (holed,) = bb.clip_and_simplify(gpd.GeoSeries([framed]), bbox=(2.0, 2.0, 8.0, 8.0))
    assert len(holed.interiors) == 1 and holed.area == pytest.approx(36 - 4)
    (outside,) = bb.clip_and_simplify(gpd.GeoSeries([framed]), bbox=(20.0, 20.0, 30.0, 30.0))
    assert outside.is_empty


def test_long_edges_along_the_box_are_split_for_great_circle_drawing() -> None:
    wide = shapely.box(0, 0, 50, 10)
    (clipped,) = bb.clip_and_simplify(gpd.GeoSeries([wide]), bbox=(10.0, -5.0, 40.0, 5.0))
    ring = shapely.get_coordinates(clipped.exterior)
    edges = np.abs(np.diff(ring, axis=0)).max(axis=1)
    assert edges.max() <= bb.MAX_EDGE_DEG
    assert len(ring) >= 2 * 30 + 2 * 5


def test_a_ring_jumping_the_antimeridian_is_made_continuous_then_clipped() -> None:
    # Like Russia in world-atlas: one ring from 140 E over +180 to -170 (Chukotka) and back.
    chukotka = shapely.Polygon([(140, 60), (180, 60), (-170, 60), (-170, 65), (180, 65), (140, 65)])
    assert shapely.bounds(chukotka)[2] - shapely.bounds(chukotka)[0] > 180
    (unwrapped,) = bb.unwrap_antimeridian(gpd.GeoSeries([chukotka]))
    assert unwrapped.is_valid and unwrapped.bounds == (140.0, 60.0, 190.0, 65.0)
    (clipped,) = bb.clip_and_simplify(gpd.GeoSeries([chukotka]), bbox=bb.REGION_BBOX)
    assert clipped.bounds == (140.0, 60.0, 150.0, 65.0)


def test_simplify_drops_detail_below_the_tolerance_only() -> None:
    jagged = shapely.Polygon([(0, 0), (5, 0.004), (10, 0), (10, 10), (5, 10.5), (0, 10)])
    (simple,) = bb.clip_and_simplify(gpd.GeoSeries([jagged]), bbox=(-1.0, -1.0, 20.0, 20.0))
    points = {tuple(point) for point in shapely.get_coordinates(simple)}
    assert (5.0, 0.004) not in points and (5.0, 10.5) in points


def test_output_is_deterministic_and_a_rebuild_from_it_gives_it_back(tmp_path: Path) -> None:
    first = bb.dumps_feature_collection(bb.build_basemap(tiny_countries(tmp_path)))
    second = bb.dumps_feature_collection(bb.build_basemap(tiny_countries(tmp_path)))
    assert first == second
    json.loads(first)


def test_the_vendored_basemap_is_what_the_script_makes_of_it(tmp_path: Path) -> None:
    # Offline stand-in for the full regeneration below: the vendored file is read, clipped and rounded again
    # (no second simplification) and must come back byte for byte, so it is a true output of this script.
    out = tmp_path / "countries.geojson"
    assert bb.main(["--source", str(BASEMAP_PATH), "--out", str(out), "--simplify", "0"]) == 0
    assert out.read_bytes() == BASEMAP_PATH.read_bytes()


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
            assert signed_area(polygon[0]) < 0
            for hole in polygon[1:]:
                assert signed_area(hole) > 0


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
