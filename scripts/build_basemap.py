"""Build the vendored offline country-borders basemap (static/basemap/countries.geojson).

Input is ``countries-50m.json`` from the ``world-atlas`` npm package (Natural Earth
admin-0 countries as TopoJSON). The script decodes the TopoJSON, clips every country
to the dashboard's region (eastern Europe to the Pacific), rounds coordinates and
writes a small, deterministic GeoJSON FeatureCollection. The file lives in static/ so that
Streamlit serves it to the maps (data/basemap/countries.geojson links to it). See
data/basemap/PROVENANCE.md for the exact regeneration commands.

Standard library only (json, math, itertools, argparse), so it runs without GIS packages.

Geometry notes:
* Polygons are clipped to the bounding box with a proper rectangle clipper (ring pieces
  are cut at the box edge and re-joined along the box boundary), so a country that
  leaves and re-enters the box becomes several clean polygons instead of one ring with
  zero-width slivers along the edge.
* Edges added along the box boundary are densified to at most ``MAX_EDGE_DEG`` degrees:
  d3-geo (used by Vega/Altair and Plotly) draws edges as great-circle arcs, and a long
  straight edge along a parallel (e.g. 72 N) would otherwise bulge towards the pole.
* Rings are written in the winding order of the source data by default ("d3":
  exterior rings clockwise, holes counter-clockwise in lon/lat). d3-geo based renderers
  treat RFC 7946 (counter-clockwise) exteriors as "the whole globe minus the country".
  Use ``--winding rfc7946`` for the RFC 7946 order instead; shapely/geopandas accept both.
* The source keeps Russia as spherical rings that jump from +180 to -180 at the
  antimeridian (Chukotka). Rings are first unwrapped to continuous longitudes, then
  clipped; everything east of 150 E is dropped, so no polygon wraps around +-180.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

Point = tuple[float, float]
Ring = list[Point]  # open ring: the closing point is NOT repeated
Polygon = list[Ring]  # exterior ring first, then holes
BBox = tuple[float, float, float, float]  # west, south, east, north

# Eastern Europe to the Pacific: lon 20..150 E, lat 30..72 N.
REGION_BBOX: BBox = (20.0, 30.0, 150.0, 72.0)
COORD_DECIMALS = 3
MAX_EDGE_DEG = 1.0
OBJECT_NAME = "countries"

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


# --------------------------------------------------------------------------- TopoJSON


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Return every arc of ``topology`` as absolute (lon, lat) points.

    Quantized topologies (with a ``transform``) store delta-encoded integer positions;
    those are accumulated and then scaled and translated. Extra dimensions are ignored.
    """
    transform = topology.get("transform")
    arcs: list[list[Point]] = []
    if transform is None:
        for arc in topology["arcs"]:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
        return arcs
    sx, sy = (float(v) for v in transform["scale"])
    tx, ty = (float(v) for v in transform["translate"])
    for arc in topology["arcs"]:
        x = y = 0
        points: list[Point] = []
        for position in arc:
            x += position[0]
            y += position[1]
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def arc_points(arcs: Sequence[Sequence[Point]], index: int) -> list[Point]:
    """Points of arc ``index``; a negative index ``~i`` means arc ``i`` reversed."""
    if index >= 0:
        return list(arcs[index])
    return list(reversed(arcs[~index]))


def decode_ring(arcs: Sequence[Sequence[Point]], indices: Iterable[int]) -> list[Point]:
    """Stitch arcs into one closed ring (first point == last point)."""
    ring: list[Point] = []
    for index in indices:
        points = arc_points(arcs, index)
        # Consecutive arcs share their junction point; keep it once.
        ring.extend(points[1:] if ring else points)
    return ring


def decode_geometry(geometry: dict[str, Any], arcs: Sequence[Sequence[Point]]) -> dict[str, Any] | None:
    """Convert a TopoJSON Polygon/MultiPolygon to a GeoJSON geometry dict.

    Returns None for null geometries; other geometry types raise ValueError (country
    files only contain polygons).
    """
    kind = geometry.get("type")
    if kind is None:
        return None
    if kind == "Polygon":
        rings = [[list(p) for p in decode_ring(arcs, r)] for r in geometry["arcs"]]
        return {"type": "Polygon", "coordinates": rings}
    if kind == "MultiPolygon":
        polygons = [[[list(p) for p in decode_ring(arcs, r)] for r in polygon] for polygon in geometry["arcs"]]
        return {"type": "MultiPolygon", "coordinates": polygons}
    raise ValueError(f"unsupported TopoJSON geometry type: {kind!r}")


def topojson_to_geojson(topology: dict[str, Any], object_name: str = OBJECT_NAME) -> dict[str, Any]:
    """Decode one GeometryCollection of ``topology`` into a GeoJSON FeatureCollection.

    Feature ``id`` (TopoJSON geometry id) is kept both as the feature id and as the
    ``id`` property (string, "" when missing), next to the TopoJSON properties.
    """
    if topology.get("type") != "Topology":
        raise ValueError("not a TopoJSON Topology")
    arcs = decode_arcs(topology)
    collection = topology["objects"][object_name]
    members = collection["geometries"] if collection["type"] == "GeometryCollection" else [collection]
    features: list[dict[str, Any]] = []
    for member in members:
        properties = dict(member.get("properties") or {})
        raw_id = member.get("id")
        properties["id"] = "" if raw_id is None else str(raw_id)
        features.append(
            {
                "type": "Feature",
                "properties": properties,
                "geometry": decode_geometry(member, arcs),
            }
        )
    return {"type": "FeatureCollection", "features": features}


# ----------------------------------------------------------------- planar ring helpers


def signed_area(ring: Sequence[Point]) -> float:
    """Shoelace area; positive for counter-clockwise rings (lon right, lat up)."""
    total = 0.0
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        total += x1 * y2 - x2 * y1
    return total / 2.0


def point_in_ring(point: Point, ring: Sequence[Point]) -> bool:
    """Even-odd ray casting test (points on the boundary may go either way)."""
    x, y = point
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        if (y1 > y) != (y2 > y):
            x_cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < x_cross:
                inside = not inside
    return inside


def open_ring(points: Sequence[Sequence[float]]) -> Ring:
    """Drop the closing point and consecutive duplicates."""
    ring: Ring = []
    for p in points:
        point = (float(p[0]), float(p[1]))
        if not ring or ring[-1] != point:
            ring.append(point)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    return ring


def unwrap_longitudes(ring: Ring) -> Ring:
    """Make a ring continuous across the antimeridian, then shift it into view.

    The source stores spherical rings: a ring crossing 180 deg jumps from +180 to -180
    (d3 draws that as a tiny step; a planar tool draws a line across the whole map).
    Any jump of more than 180 deg is undone by shifting the following points by 360 deg,
    and the ring is then moved by a multiple of 360 deg so that its western-most point
    lies in [-180, 180). Rings around a pole (Antarctica) cannot be unwrapped and are
    returned unchanged.
    """
    if not ring:
        return ring
    out: Ring = [ring[0]]
    offset = 0.0
    for (x_prev, _), (x, y) in itertools.pairwise(ring):
        step = x - x_prev
        if step > 180.0:
            offset -= 360.0
        elif step < -180.0:
            offset += 360.0
        out.append((x + offset, y))
    closing = ring[0][0] - ring[-1][0]
    if offset + (-360.0 if closing > 180.0 else 360.0 if closing < -180.0 else 0.0):
        return ring  # encircles a pole
    if offset == 0.0:
        return out
    shift = -360.0 * math.floor((min(x for x, _ in out) + 180.0) / 360.0)
    return [(x + shift, y) for x, y in out]


# ------------------------------------------------------------------ rectangle clipper


def _inside(p: Point, bbox: BBox) -> bool:
    west, south, east, north = bbox
    return west <= p[0] <= east and south <= p[1] <= north


def _clip_segment(p: Point, q: Point, bbox: BBox) -> tuple[float, float, Point, Point] | None:
    """Liang-Barsky clip of segment p->q. Returns (t0, t1, a, b) or None if outside.

    Points created on the box edge get that edge's coordinate exactly.
    """
    west, south, east, north = bbox
    dx = q[0] - p[0]
    dy = q[1] - p[1]
    t0, t1 = 0.0, 1.0
    edge0: int | None = None
    edge1: int | None = None
    # (p_k, q_k, edge id): 0 west, 1 east, 2 south, 3 north
    for pk, qk, edge in (
        (-dx, p[0] - west, 0),
        (dx, east - p[0], 1),
        (-dy, p[1] - south, 2),
        (dy, north - p[1], 3),
    ):
        if pk == 0:
            if qk < 0:
                return None
            continue
        r = qk / pk
        if pk < 0:
            if r > t1:
                return None
            if r > t0:
                t0, edge0 = r, edge
        else:
            if r < t0:
                return None
            if r < t1:
                t1, edge1 = r, edge
    a = p if edge0 is None else _snap((p[0] + t0 * dx, p[1] + t0 * dy), edge0, bbox)
    b = q if edge1 is None else _snap((p[0] + t1 * dx, p[1] + t1 * dy), edge1, bbox)
    return t0, t1, a, b


def _snap(point: Point, edge: int, bbox: BBox) -> Point:
    west, south, east, north = bbox
    x = min(max(point[0], west), east)
    y = min(max(point[1], south), north)
    if edge == 0:
        x = west
    elif edge == 1:
        x = east
    elif edge == 2:
        y = south
    else:
        y = north
    return (x, y)


def _on_same_edge(a: Point, b: Point, bbox: BBox) -> bool:
    west, south, east, north = bbox
    return (a[0] == b[0] and a[0] in (west, east)) or (a[1] == b[1] and a[1] in (south, north))


def _left_is_outside(a: Point, b: Point, bbox: BBox) -> bool:
    """For a segment lying on the box boundary: is the area to its left outside?"""
    mid = ((a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0)
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy)
    eps = 1e-9 * max(1.0, bbox[2] - bbox[0], bbox[3] - bbox[1])
    probe = (mid[0] - dy / length * eps, mid[1] + dx / length * eps)
    return not _inside(probe, bbox)


def _cut_ring(ring: Ring, bbox: BBox) -> tuple[str, list[list[Point]]]:
    """Classify ``ring`` as "inside", "outside" or "cut" (with its inside pieces).

    Every piece starts where the ring enters the box and ends where it leaves it.
    """
    if all(_inside(p, bbox) for p in ring):
        return "inside", [ring]
    start = next(i for i, p in enumerate(ring) if not _inside(p, bbox))
    rotated = ring[start:] + ring[:start]
    n = len(rotated)
    pieces: list[list[Point]] = []
    current: list[Point] | None = None
    for i in range(n):
        clipped = _clip_segment(rotated[i], rotated[(i + 1) % n], bbox)
        if clipped is None:
            if current is not None and len(current) >= 2:
                pieces.append(current)
            current = None
            continue
        _, t1, a, b = clipped
        if current is None:
            current = [a]
        elif current[-1] != a:
            current.append(a)
        if current[-1] != b:
            current.append(b)
        if t1 < 1.0:
            if len(current) >= 2:
                pieces.append(current)
            current = None
    if current is not None and len(current) >= 2:
        pieces.append(current)
    # Drop pieces that only run along the box edge with the polygon on the outside
    # (a neighbour touching the box from outside).
    kept = [
        piece
        for piece in pieces
        if not (
            all(_on_same_edge(piece[i], piece[i + 1], bbox) for i in range(len(piece) - 1))
            and _left_is_outside(piece[0], piece[1], bbox)
        )
    ]
    if not kept:
        return "outside", []
    return "cut", kept


def _perimeter_position(p: Point, bbox: BBox) -> float:
    """Distance along the box boundary, counter-clockwise from the south-west corner."""
    west, south, east, north = bbox
    width, height = east - west, north - south
    x, y = p
    distances = (abs(y - south), abs(x - east), abs(y - north), abs(x - west))
    edge = distances.index(min(distances))
    if edge == 0:
        pos = x - west
    elif edge == 1:
        pos = width + (y - south)
    elif edge == 2:
        pos = width + height + (east - x)
    else:
        pos = 2 * width + height + (north - y)
    return pos % (2 * (width + height))


def _densify(a: Point, b: Point, max_step: float) -> list[Point]:
    """Points strictly between a and b so that no step exceeds ``max_step``."""
    steps = math.ceil(max(abs(b[0] - a[0]), abs(b[1] - a[1])) / max_step)
    return [(a[0] + (b[0] - a[0]) * k / steps, a[1] + (b[1] - a[1]) * k / steps) for k in range(1, steps)]


def _boundary_walk(a: Point, b: Point, bbox: BBox, max_step: float) -> list[Point]:
    """Points strictly between a and b walking counter-clockwise along the box edge."""
    west, south, east, north = bbox
    width, height = east - west, north - south
    perimeter = 2 * (width + height)
    pa = _perimeter_position(a, bbox)
    distance = (_perimeter_position(b, bbox) - pa) % perimeter
    corners = (
        (0.0, (west, south)),
        (width, (east, south)),
        (width + height, (east, north)),
        (2 * width + height, (west, north)),
    )
    on_way = sorted(
        ((pos - pa) % perimeter, corner) for pos, corner in corners if 0.0 < (pos - pa) % perimeter < distance
    )
    path = [a] + [corner for _, corner in on_way] + [b]
    out: list[Point] = []
    for i in range(len(path) - 1):
        out.extend(_densify(path[i], path[i + 1], max_step))
        if i + 1 < len(path) - 1:
            out.append(path[i + 1])
    return out


def _rejoin(pieces: list[list[Point]], bbox: BBox, max_step: float) -> list[Ring]:
    """Link pieces into closed rings by walking the box boundary counter-clockwise."""
    perimeter = 2 * ((bbox[2] - bbox[0]) + (bbox[3] - bbox[1]))
    starts = [_perimeter_position(piece[0], bbox) for piece in pieces]
    used = [False] * len(pieces)
    rings: list[Ring] = []
    for first in range(len(pieces)):
        if used[first]:
            continue
        used[first] = True
        ring: Ring = []
        current = first
        for _ in range(len(pieces) + 1):
            for point in pieces[current]:
                if not ring or ring[-1] != point:
                    ring.append(point)
            end = pieces[current][-1]
            end_pos = _perimeter_position(end, bbox)
            best, best_distance = first, math.inf
            for j, start_pos in enumerate(starts):
                if used[j] and j != first:
                    continue
                distance = (start_pos - end_pos) % perimeter
                if distance < best_distance:
                    best, best_distance = j, distance
            ring.extend(_boundary_walk(end, pieces[best][0], bbox, max_step))
            if best == first:
                break
            used[best] = True
            current = best
        if len(ring) > 1 and ring[0] == ring[-1]:
            ring.pop()
        rings.append(ring)
    return rings


def clip_polygon(
    polygon: Sequence[Sequence[Sequence[float]]],
    bbox: BBox = REGION_BBOX,
    max_step: float = MAX_EDGE_DEG,
) -> list[Polygon]:
    """Clip one polygon (rings as coordinate lists) to ``bbox``.

    Returns zero or more polygons as open rings, exterior counter-clockwise and holes
    clockwise (planar lon/lat), whatever the input winding was.
    """
    rings = [unwrap_longitudes(open_ring(r)) for r in polygon]
    rings = [r for r in rings if len(r) >= 3]
    if not rings:
        return []
    exterior, holes = rings[0], rings[1:]
    if signed_area(exterior) < 0:
        exterior = exterior[::-1]
    holes = [h[::-1] if signed_area(h) > 0 else h for h in holes]

    west, south, east, north = bbox
    centre = ((west + east) / 2.0, (south + north) / 2.0)
    box: Ring = [(west, south), (east, south), (east, north), (west, north)]

    exteriors: list[Ring] = []
    inner: list[Ring] = []
    pieces: list[list[Point]] = []
    state, parts = _cut_ring(exterior, bbox)
    if state == "inside":
        exteriors.append(exterior)
    elif state == "cut":
        pieces.extend(parts)
    elif point_in_ring(centre, exterior):
        exteriors.append(box)  # exterior surrounds the whole box
    else:
        return []
    for hole in holes:
        state, parts = _cut_ring(hole, bbox)
        if state == "inside":
            inner.append(hole)
        elif state == "cut":
            pieces.extend(parts)
        elif point_in_ring(centre, hole):
            return []  # the box lies entirely in a hole
    if pieces:
        if exteriors and exteriors[0] is box:
            exteriors = []  # the rejoin walks the box boundary itself
        exteriors.extend(_rejoin(pieces, bbox, max_step))

    out: list[Polygon] = []
    min_area = 1e-12
    exteriors = [r for r in exteriors if len(r) >= 3 and signed_area(r) > min_area]
    for ring in exteriors:
        out.append([ring])
    for hole in inner:
        for polygon_out in out:
            if point_in_ring(hole[0], polygon_out[0]):
                polygon_out.append(hole)
                break
    return out


# ------------------------------------------------------------------------ output


def _finish_ring(ring: Ring, decimals: int, clockwise: bool) -> list[list[float]] | None:
    """Round, de-duplicate, orient and close a ring; None if it degenerates."""
    rounded: Ring = []
    for x, y in ring:
        point = (round(x, decimals) + 0.0, round(y, decimals) + 0.0)  # +0.0 kills -0.0
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    while len(rounded) > 1 and rounded[0] == rounded[-1]:
        rounded.pop()
    if len(rounded) < 3:
        return None
    area = signed_area(rounded)
    if area == 0:
        return None
    if (area < 0) != clockwise:
        rounded.reverse()
    rounded.append(rounded[0])
    return [[x, y] for x, y in rounded]


def clip_geometry(
    geometry: dict[str, Any] | None,
    bbox: BBox = REGION_BBOX,
    decimals: int = COORD_DECIMALS,
    winding: str = "d3",
    max_step: float = MAX_EDGE_DEG,
) -> dict[str, Any] | None:
    """Clip a GeoJSON Polygon/MultiPolygon to ``bbox``; None if nothing is left."""
    if geometry is None:
        return None
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise ValueError(f"unsupported geometry type: {geometry['type']!r}")
    exterior_clockwise = winding == "d3"
    out: list[list[list[list[float]]]] = []
    for polygon in polygons:
        for clipped in clip_polygon(polygon, bbox, max_step):
            exterior = _finish_ring(clipped[0], decimals, exterior_clockwise)
            if exterior is None:
                continue
            holes = [_finish_ring(h, decimals, not exterior_clockwise) for h in clipped[1:]]
            out.append([exterior] + [h for h in holes if h is not None])
    if not out:
        return None
    out.sort(key=lambda p: (p[0][0], len(p[0])))  # stable, input-order independent
    if len(out) == 1:
        return {"type": "Polygon", "coordinates": out[0]}
    return {"type": "MultiPolygon", "coordinates": out}


def build_basemap(
    topology: dict[str, Any],
    bbox: BBox = REGION_BBOX,
    decimals: int = COORD_DECIMALS,
    winding: str = "d3",
) -> dict[str, Any]:
    """Decode, clip and annotate the countries of a world-atlas topology."""
    features: list[dict[str, Any]] = []
    for feature in topojson_to_geojson(topology)["features"]:
        geometry = clip_geometry(feature["geometry"], bbox, decimals, winding)
        if geometry is None:
            continue
        country_id = feature["properties"]["id"]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "id": country_id,
                    "iso_a3": ISO_A3_BY_NUMERIC.get(country_id, ""),
                    "name": str(feature["properties"].get("name", "")),
                },
                "geometry": geometry,
            }
        )
    features.sort(key=lambda f: (f["properties"]["id"] or "~", f["properties"]["name"]))
    return {"type": "FeatureCollection", "features": features}


def dumps_feature_collection(collection: dict[str, Any]) -> str:
    """Compact, key-sorted JSON with one feature per line (diff-friendly, deterministic)."""
    lines = [
        json.dumps(feature, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        for feature in collection["features"]
    ]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, type=Path, help="world-atlas countries-50m.json")
    parser.add_argument("--out", required=True, type=Path, help="output GeoJSON path")
    parser.add_argument(
        "--winding",
        choices=("d3", "rfc7946"),
        default="d3",
        help="ring order: d3 = exterior clockwise (source order, default), rfc7946 = exterior counter-clockwise",
    )
    args = parser.parse_args(argv)
    topology = json.loads(args.source.read_text(encoding="utf-8"))
    collection = build_basemap(topology, winding=args.winding)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(dumps_feature_collection(collection))
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({len(collection['features'])} features, {size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
