"""Build the vendored offline country-borders basemap (static/basemap/countries.geojson).

Reads Natural Earth admin-0 countries with geopandas (any file GDAL reads: ``countries-50m.json`` of the
``world-atlas`` npm package, a TopoJSON, or a GeoJSON such as the vendored file itself), clips every country to
the dashboard's region (eastern Europe to the Pacific), simplifies and rounds it, and writes a small,
deterministic GeoJSON FeatureCollection. The file lives in static/ so that Streamlit serves it to the maps
(data/basemap/countries.geojson links to it). See data/basemap/PROVENANCE.md for the regeneration commands.

Geometry notes:
* world-atlas keeps Russia (and Fiji, Antarctica) as spherical rings that jump from +180 to -180 at the
  antimeridian; read flat, those rings cross the whole map. A country whose extent spans more than 180 degrees
  has its western-hemisphere longitudes moved past +180 first; everything east of 150 E is then clipped away.
* Edges longer than ``MAX_EDGE_DEG`` (the box edges a clip adds, e.g. along 72 N) are split: d3-geo (used by
  Vega) draws each edge as a great-circle arc, and a long edge along a parallel would bulge towards the pole.
* Rings are written exterior clockwise, holes counter-clockwise in lon/lat ("d3", the TopoJSON order): d3-geo
  draws RFC 7946 (counter-clockwise) exteriors as "the whole globe minus the country". ``--winding rfc7946``
  writes the RFC order; shapely/geopandas accept both.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

BBox = tuple[float, float, float, float]  # west, south, east, north

# Eastern Europe to the Pacific: lon 20..150 E, lat 30..72 N.
REGION_BBOX: BBox = (20.0, 30.0, 150.0, 72.0)
COORD_DECIMALS = 3  # about 100 m
# Douglas-Peucker tolerance in degrees (about 1 km): below what the maps can show, and it halves the file.
SIMPLIFY_DEG = 0.01
MAX_EDGE_DEG = 1.0
LAYER_NAME = "countries"  # the world-atlas TopoJSON object

# ISO 3166-1 numeric -> alpha-3, for the countries the dashboard refers to and their
# neighbours inside the region. Anything else gets iso_a3 = "".
ISO_A3_BY_NUMERIC: dict[str, str] = {
    "004": "AFG",  # Afghanistan
    "031": "AZE",  # Azerbaijan
    "051": "ARM",  # Armenia
    "112": "BLR",  # Belarus
    "156": "CHN",  # China
    "158": "TWN",  # Taiwan
    "233": "EST",  # Estonia
    "246": "FIN",  # Finland
    "268": "GEO",  # Georgia
    "356": "IND",  # India
    "364": "IRN",  # Iran
    "392": "JPN",  # Japan
    "398": "KAZ",  # Kazakhstan
    "408": "PRK",  # North Korea
    "410": "KOR",  # South Korea
    "417": "KGZ",  # Kyrgyzstan
    "428": "LVA",  # Latvia
    "440": "LTU",  # Lithuania
    "496": "MNG",  # Mongolia
    "498": "MDA",  # Moldova
    "586": "PAK",  # Pakistan
    "616": "POL",  # Poland
    "642": "ROU",  # Romania
    "643": "RUS",  # Russia
    "762": "TJK",  # Tajikistan
    "792": "TUR",  # Turkey
    "795": "TKM",  # Turkmenistan
    "804": "UKR",  # Ukraine
    "840": "USA",  # United States
    "860": "UZB",  # Uzbekistan
}


def read_countries(source: Path) -> gpd.GeoDataFrame:
    """The countries of ``source``: its ``countries`` layer if it has one (world-atlas), else its only layer."""
    layers = [str(name) for name in pyogrio.list_layers(source)[:, 0]]
    return gpd.read_file(source, layer=LAYER_NAME if LAYER_NAME in layers else layers[0])


def _shift_west_past_180(coordinates: np.ndarray) -> np.ndarray:
    return np.where(coordinates[:, :1] < 0, coordinates + np.array([360.0, 0.0]), coordinates)


def unwrap_antimeridian(geometries: gpd.GeoSeries) -> gpd.GeoSeries:
    """Geometries spanning more than 180 degrees of longitude (rings that jump from +180 to -180) get their
    western longitudes moved past +180, so each ring is continuous on a flat map."""
    bounds = geometries.bounds
    spans = (bounds["maxx"] - bounds["minx"]) > 180
    unwrapped = geometries.copy()
    unwrapped[spans] = shapely.make_valid(shapely.transform(geometries[spans].to_numpy(), _shift_west_past_180))
    return unwrapped


def clip_and_simplify(
    geometries: gpd.GeoSeries,
    bbox: BBox = REGION_BBOX,
    tolerance: float = SIMPLIFY_DEG,
    winding: str = "d3",
) -> gpd.GeoSeries:
    """Clip to ``bbox``, simplify, split long edges, round to COORD_DECIMALS and orient the rings; a country with
    nothing left inside the box is empty."""
    shapes = unwrap_antimeridian(geometries).to_numpy()
    # A shape already inside the box is left as it is: clipping would rebuild its runs along the box edge.
    inside = shapely.covered_by(shapes, shapely.box(*bbox))
    shapes = np.where(inside, shapes, shapely.clip_by_rect(shapes, *bbox))
    if tolerance > 0:
        shapes = shapely.simplify(shapes, tolerance, preserve_topology=True)
    # A little under the limit, so that no edge is longer than it once rounded (and a rebuild splits nothing).
    shapes = shapely.segmentize(shapes, MAX_EDGE_DEG - 0.01)
    shapes = shapely.set_precision(shapes, 10.0**-COORD_DECIMALS)
    # set_precision snaps to the grid in binary; rounding makes the written decimals short and exact.
    shapes = shapely.transform(shapes, lambda coordinates: np.round(coordinates, COORD_DECIMALS))
    # Only areas are drawn: a sliver the grid collapsed to a line or a point is dropped.
    shapes = np.array([_polygons_only(shape) for shape in shapes], dtype=object)
    # normalize() gives each ring a fixed start and each multipolygon a fixed part order, so that rebuilding from
    # the output gives the output again.
    shapes = shapely.orient_polygons(shapely.normalize(shapes), exterior_cw=winding == "d3")
    return gpd.GeoSeries(shapes, index=geometries.index, crs=geometries.crs)


def _polygons_only(shape: shapely.Geometry) -> shapely.Geometry:
    if shape.geom_type in ("Polygon", "MultiPolygon") or shape.is_empty:
        return shape
    parts = [part for part in getattr(shape, "geoms", []) if part.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def build_basemap(countries: gpd.GeoDataFrame, bbox: BBox = REGION_BBOX, **options: Any) -> gpd.GeoDataFrame:
    """The basemap's features, sorted by id then name: id (ISO numeric, "" if none), iso_a3 (from
    ISO_A3_BY_NUMERIC, or the source's own), name, and the clipped geometry. Countries outside ``bbox`` are
    dropped."""
    ids = countries["id"].fillna("").astype(str) if "id" in countries else ""
    iso_a3 = ids.map(ISO_A3_BY_NUMERIC).fillna("")
    if "iso_a3" in countries:
        iso_a3 = iso_a3.where(iso_a3 != "", countries["iso_a3"].fillna(""))
    basemap = gpd.GeoDataFrame(
        {"id": ids, "iso_a3": iso_a3, "name": countries["name"].fillna("").astype(str)},
        geometry=clip_and_simplify(countries.geometry, bbox, **options),
    )
    basemap = basemap.loc[~basemap.geometry.is_empty]
    return basemap.sort_values(["id", "name"], kind="stable").reset_index(drop=True)


def dumps_feature_collection(basemap: gpd.GeoDataFrame) -> str:
    """Compact, key-sorted JSON with one feature per line (diff-friendly, deterministic)."""
    lines = [
        json.dumps(
            {
                "type": "Feature",
                "properties": {"id": row.id, "iso_a3": row.iso_a3, "name": row.name},
                "geometry": shapely.geometry.mapping(row.geometry),
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        for row in basemap.itertuples(index=False)
    ]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source",
        required=True,
        type=Path,
        help="Natural Earth countries: world-atlas countries-50m.json, or any GeoJSON/TopoJSON/shapefile",
    )
    parser.add_argument("--out", required=True, type=Path, help="output GeoJSON path")
    parser.add_argument("--simplify", type=float, default=SIMPLIFY_DEG, help="tolerance in degrees (0: none)")
    parser.add_argument(
        "--winding",
        choices=("d3", "rfc7946"),
        default="d3",
        help="ring order: d3 = exterior clockwise (default), rfc7946 = exterior counter-clockwise",
    )
    args = parser.parse_args(argv)
    basemap = build_basemap(read_countries(args.source), tolerance=args.simplify, winding=args.winding)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(dumps_feature_collection(basemap))
    print(f"wrote {args.out} ({len(basemap)} features, {args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
