"""Map builder: Vega-Lite specs as plain dicts over a vendored Natural Earth basemap (no tiles, no network).

The basemap is not sent with the chart: Streamlit serves it from ``static/`` (``server.enableStaticServing``)
and Vega loads it by a relative URL from the app's own server, once per page (the browser caches it). A rerun
only builds a few small dicts and two small tables (the places and the flows); the arcs are drawn by Vega
from one row per flow. No Altair objects and no schema validation at run time.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from monitor.config import PROJECT_ROOT
from monitor.labels import metric_label

# The file lives under static/ so that Streamlit can serve it; data/basemap/countries.geojson links to it.
BASEMAP_PATH = PROJECT_ROOT / "static" / "basemap" / "countries.geojson"
# Relative, so it resolves against the page (also under a server.baseUrlPath, and deep-linked at /map).
BASEMAP_URL = "app/static/basemap/countries.geojson"
BASEMAP_DATA = {"url": BASEMAP_URL, "format": {"type": "json", "property": "features"}}
FLOW_COLOURS = {"troops_deployed": "#D55E00", "troops_reconstruction": "#E69F00", "workers": "#CC79A7"}
ARC_POINTS = 24
MAX_ARCS = 40
MAX_LABELS = 20  # names drawn on a map; the other places keep their circle and tooltip
# The vendored basemap covers eastern Europe to the Pacific; the inset zooms on the Korean peninsula.
REGION_BBOX = (20.0, 30.0, 150.0, 72.0)
INSET_BBOX = (123.5, 36.8, 133.5, 44.2)
SELECTED_COLOUR = "#D55E00"
OTHER_COLOUR = "#0072B2"
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
# The names of the chart's two tables (Streamlit sends them as Arrow next to the spec) and of its places view.
PLACES_DATASET = "places"
ARCS_DATASET = "arcs"
PLACES_VIEW = "places_view"
PLACE_COLUMNS = ["place_id", "name", "name_local", "events", "lat", "lon"]  # and "side", for the labels
ARC_NUMBERS = {
    "lowest": "lowest",
    "highest": "highest",
    "from_lon": "origin_lon",
    "from_lat": "origin_lat",
    "to_lon": "lon",
    "to_lat": "lat",
}
LABEL_PLACEMENTS = {"right": ("left", 9, -9), "left": ("right", -9, -9), "below": ("left", 7, 13)}
# label_sides() compares places in blocks of this many (sorted by latitude) with the places near them.
LABEL_BLOCK = 128

# Each arc is drawn in the browser as ARC_POINTS points of a quadratic Bezier curve from origin to destination,
# its control point north of the middle by 12 % of its length (Vega expressions over one row per flow).
_T = f"(datum.order / {ARC_POINTS - 1})"
_BOW = "0.12 * sqrt(pow(datum.to_lon - datum.from_lon, 2) + pow(datum.to_lat - datum.from_lat, 2))"
ARC_TRANSFORM = [
    {"calculate": f"sequence(0, {ARC_POINTS})", "as": "order"},
    {"flatten": ["order"]},
    {"calculate": "(datum.from_lon + datum.to_lon) / 2", "as": "mid_lon"},
    {"calculate": f"(datum.from_lat + datum.to_lat) / 2 + {_BOW}", "as": "mid_lat"},
    *(
        {
            "calculate": f"pow(1 - {_T}, 2) * datum.from_{axis} + 2 * (1 - {_T}) * {_T} * datum.mid_{axis}"
            f" + pow({_T}, 2) * datum.to_{axis}",
            "as": axis,
        }
        for axis in ("lon", "lat")
    ),
]
POSITION = {"longitude": {"field": "lon", "type": "quantitative"}, "latitude": {"field": "lat", "type": "quantitative"}}


@lru_cache(maxsize=4)
def basemap_features(path: Path = BASEMAP_PATH) -> tuple[dict, ...]:
    """GeoJSON features of the vendored basemap (a tuple, so the cache can be shared safely)."""
    return tuple(json.loads(path.read_text(encoding="utf-8"))["features"])


def _column(values: pd.Series) -> pa.Array:
    return pa.array(values, from_pandas=True)


def arc_table(flows: pd.DataFrame) -> pa.Table:
    """One row per flow, the widest MAX_ARCS only (with hundreds of destinations the thin ones would be
    unreadable anyway): what ARC_TRANSFORM needs to draw it and what its tooltip says."""
    widest = flows.nlargest(MAX_ARCS, "highest") if len(flows) > MAX_ARCS else flows
    metrics = widest["metric"].astype(str).tolist()
    return pa.table(
        {
            "flow": [f"{metric}->{place}" for metric, place in zip(metrics, widest["place_id"], strict=True)],
            "what": [metric_label(metric) for metric in metrics],
            "to": _column(widest["place"]),
            **{
                column: pa.array(widest[source].to_numpy(dtype=float, na_value=np.nan), from_pandas=True)
                for column, source in ARC_NUMBERS.items()
            },
        }
    )


def _within(lat: np.ndarray, lon: np.ndarray, bbox: tuple[float, float, float, float]) -> np.ndarray:
    lon_min, lat_min, lon_max, lat_max = bbox
    return (lon >= lon_min) & (lon <= lon_max) & (lat >= lat_min) & (lat <= lat_max)


def _coordinates(places: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return (
        places["lat"].to_numpy(dtype=float, na_value=np.nan),
        places["lon"].to_numpy(dtype=float, na_value=np.nan),
    )


def inside(places: pd.DataFrame, bbox: tuple[float, float, float, float]) -> pd.Series:
    """Which rows lie in a (lon_min, lat_min, lon_max, lat_max) box (a place with no coordinates does not)."""
    return pd.Series(_within(*_coordinates(places), bbox), index=places.index)


def _any_near(
    lat: np.ndarray,
    lon: np.ndarray,
    others_lat: np.ndarray,
    others_lon: np.ndarray,
    north: tuple[float, float],
    east: tuple[float, float],
) -> np.ndarray:
    """For each place, whether any of the others lies strictly between north[0] and north[1] degrees north of it
    and strictly between east[0] and east[1] degrees east of it. Only others in a band of latitude around a block
    of places are compared with that block, so the work grows with the places' density, not with their square."""
    order, others = np.argsort(lat, kind="stable"), np.argsort(others_lat, kind="stable")
    lat, lon = lat[order], lon[order]
    others_lat, others_lon = others_lat[others], others_lon[others]
    found = np.zeros(len(lat), dtype=bool)
    for start in range(0, len(lat), LABEL_BLOCK):
        rows = slice(start, start + LABEL_BLOCK)
        block_lat = lat[rows]
        # A little wider than the band, so rounding never drops a neighbour; the exact test follows.
        low = np.searchsorted(others_lat, block_lat[0] + north[0] - 1e-9, "left")
        high = np.searchsorted(others_lat, block_lat[-1] + north[1] + 1e-9, "right")
        dlat = others_lat[None, low:high] - block_lat[:, None]
        dlon = others_lon[None, low:high] - lon[rows, None]
        near = (dlat > north[0]) & (dlat < north[1]) & (dlon > east[0]) & (dlon < east[1])
        found[rows] = near.any(axis=1)
    unsorted = np.empty_like(found)
    unsorted[order] = found
    return unsorted


def _sides(lat: np.ndarray, lon: np.ndarray, bbox: tuple[float, float, float, float]) -> np.ndarray:
    width, height = bbox[2] - bbox[0], bbox[3] - bbox[1]
    below = _any_near(lat, lon, lat, lon, (0.0, height / 14), (-width / 10, width / 10))
    left = _any_near(lat, lon, lat[~below], lon[~below], (-height / 12, height / 12), (0.0, width / 5))
    return np.where(below, "below", np.where(left, "left", "right")).astype(object)


def label_sides(places: pd.DataFrame, bbox: tuple[float, float, float, float]) -> pd.Series:
    """Where each label goes so close neighbours do not overprint: 'below' when a place sits just north,
    else 'left' when a place whose label is beside it sits just east (where the label would run), else 'right'."""
    return pd.Series(_sides(*_coordinates(places), bbox), index=places.index, dtype=object)


def place_table(
    places: pd.DataFrame,
    bbox: tuple[float, float, float, float],
    outline: tuple[float, float, float, float] | None = None,
) -> pa.Table:
    """The places inside ``bbox`` with the side of their label; ``side`` is null for a place inside
    ``outline`` (an inset labels those)."""
    lat, lon = _coordinates(places)
    shown = _within(lat, lon, bbox)
    lat, lon = lat[shown], lon[shown]
    labelled = ~_within(lat, lon, outline) if outline is not None else np.ones(len(lat), dtype=bool)
    if "events" in places and labelled.sum() > MAX_LABELS:
        # Only the busiest places are named: hundreds of labels would bury the map (every circle has a tooltip).
        counts = np.where(labelled, places["events"].to_numpy(dtype=float)[shown], -np.inf)
        labelled &= np.isin(np.arange(len(lat)), np.argsort(-counts, kind="stable")[:MAX_LABELS])
    sides = np.full(len(lat), None, dtype=object)
    sides[labelled] = _sides(lat[labelled], lon[labelled], bbox)
    keep = pa.array(shown)
    columns = {column: _column(places[column]).filter(keep) for column in PLACE_COLUMNS}
    # Arrow tables built here carry no pandas metadata, which would add about 1 kB per table to each rerun.
    return pa.table({**columns, "side": pa.array(sides, type=pa.string())})


def _frame(bbox: tuple[float, float, float, float]) -> dict:
    lon_min, lat_min, lon_max, lat_max = bbox
    ring = [[lon_min, lat_min], [lon_min, lat_max], [lon_max, lat_max], [lon_max, lat_min], [lon_min, lat_min]]
    return {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def _quoted(text: str) -> str:
    """A Vega expression string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _layers(
    outline: tuple[float, float, float, float] | None,
    selected_place: str | None,
    with_arcs: bool,
) -> list[dict]:
    layers = [
        {
            "data": BASEMAP_DATA,
            "mark": {"type": "geoshape", "clip": True, "fill": "#EEF0F2", "stroke": "#9AA5B1", "strokeWidth": 0.6},
        }
    ]
    if outline is not None:
        layers.append(
            {
                "data": {"values": [_frame(outline)]},
                "mark": {
                    "type": "geoshape",
                    "filled": False,
                    "stroke": "#52606D",
                    "strokeDash": [4, 3],
                    "strokeWidth": 1.2,
                    "clip": True,
                },
            }
        )
    if with_arcs:
        layers.append(
            {
                "data": {"name": ARCS_DATASET},
                "transform": ARC_TRANSFORM,
                "mark": {"type": "line", "clip": True, "opacity": 0.75, "strokeCap": "round"},
                "encoding": {
                    **POSITION,
                    "detail": {"field": "flow", "type": "nominal"},
                    "order": {"field": "order", "type": "quantitative"},
                    # No legends: they would squeeze the map, and the page caption explains the colours.
                    "color": {
                        "field": "what",
                        "type": "nominal",
                        "title": "People sent (arcs)",
                        "legend": None,
                        "scale": {
                            "domain": [metric_label(metric) for metric in FLOW_COLOURS],
                            "range": list(FLOW_COLOURS.values()),
                        },
                    },
                    # Width follows the highest reported figure, from 0 to the widest flow drawn.
                    "strokeWidth": {
                        "field": "highest",
                        "type": "quantitative",
                        "title": "Highest reported figure",
                        "legend": None,
                        "scale": {"zero": True, "nice": False, "range": [1, 12]},
                    },
                    "tooltip": [
                        {"field": "what", "type": "nominal", "title": "Who"},
                        {"field": "to", "type": "nominal", "title": "To"},
                        {"field": "lowest", "type": "quantitative", "title": "Lowest figure", "format": ","},
                        {"field": "highest", "type": "quantitative", "title": "Highest figure", "format": ","},
                    ],
                },
            }
        )
    colour = (
        {"value": SELECTED_COLOUR}
        if selected_place is None
        else {
            "condition": {"test": f"datum.place_id === {_quoted(selected_place)}", "value": SELECTED_COLOUR},
            "value": OTHER_COLOUR,
        }
    )
    layers.append(
        {
            "name": PLACES_VIEW,
            "data": {"name": PLACES_DATASET},
            "mark": {"type": "circle", "opacity": 0.85, "stroke": "white", "strokeWidth": 1},
            "encoding": {
                **POSITION,
                "size": {
                    "field": "events",
                    "type": "quantitative",
                    "title": "Events",
                    "legend": None,
                    "scale": {"range": [60, 1200]},
                },
                "color": colour,
                "tooltip": [
                    {"field": "name", "type": "nominal", "title": "Place"},
                    {"field": "name_local", "type": "nominal", "title": "Local name"},
                    {"field": "events", "type": "quantitative", "title": "Events"},
                ],
            },
        }
    )
    for side, (align, dx, dy) in LABEL_PLACEMENTS.items():
        layers.append(
            {
                "data": {"name": PLACES_DATASET},
                "transform": [{"filter": f"datum.side === '{side}'"}],
                "mark": {
                    "type": "text",
                    "align": align,
                    "dx": dx,
                    "dy": dy,
                    "fontSize": 12,
                    "fontWeight": "bold",
                    "color": "#1F2933",
                },
                "encoding": {**POSITION, "text": {"field": "name", "type": "nominal"}},
            }
        )
    return layers


def map_chart(
    places: pd.DataFrame,
    flows: pd.DataFrame,
    *,
    bbox: tuple[float, float, float, float] = REGION_BBOX,
    selected_place: str | None = None,
    title: str = "Places of the events in the filter",
    height: int = 520,
    outline: tuple[float, float, float, float] | None = None,
) -> dict:
    """The Vega-Lite spec (a plain dict) of borders, flows (width follows the highest reported figure) and
    places sized by event count, framed on ``bbox``. ``outline`` draws the frame of an inset map, whose places
    are then left unlabelled here (the inset labels them). Clicking a place selects it in the point selection
    named "place" (field place_id)."""
    arcs = arc_table(flows) if not flows.empty else None
    datasets = {PLACES_DATASET: place_table(places, bbox, outline)}
    if arcs is not None:
        datasets[ARCS_DATASET] = arcs
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": "container",
        "height": height,
        # The main map fits the (pre-clipped) basemap; a zoomed map fits its box. Places outside are left out of
        # the places table, so a far-away place never shrinks the map. All layers share the projection.
        "projection": {"type": "mercator"} if bbox == REGION_BBOX else {"type": "mercator", "fit": _frame(bbox)},
        "layer": _layers(outline, selected_place, arcs is not None),
        "params": [
            {
                "name": "place",
                "select": {"type": "point", "fields": ["place_id"], "on": "click", "clear": "dblclick"},
                "views": [PLACES_VIEW],
            }
        ],
        # SVG (not canvas) so the borders are real paths a browser test can count.
        "usermeta": {"embedOptions": {"renderer": "svg"}},
        "datasets": datasets,
    }
