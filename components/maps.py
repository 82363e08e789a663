"""Altair map builder: a vendored Natural Earth basemap (no tiles, no network), places and flows."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd

from monitor.config import PROJECT_ROOT
from monitor.derived import METRIC_LABELS

BASEMAP_PATH = PROJECT_ROOT / "data" / "basemap" / "countries.geojson"
FLOW_COLOURS = {"troops_deployed": "#D55E00", "troops_reconstruction": "#E69F00", "workers": "#CC79A7"}
ARC_POINTS = 24
BASEMAP_DATASET = "basemap"
MAX_ARCS = 40
# The vendored basemap covers eastern Europe to the Pacific; the inset zooms on the Korean peninsula.
REGION_BBOX = (20.0, 30.0, 150.0, 72.0)
INSET_BBOX = (123.5, 36.8, 133.5, 44.2)


@lru_cache(maxsize=4)
def basemap_features(path: Path = BASEMAP_PATH) -> tuple[dict, ...]:
    """GeoJSON features of the vendored basemap (a tuple, so the cache can be shared safely)."""
    return tuple(json.loads(path.read_text(encoding="utf-8"))["features"])


def arc_points(flows: pd.DataFrame) -> pd.DataFrame:
    """Each flow as a gently curved line of points from origin to destination (lon/lat)."""
    rows = []
    steps = np.linspace(0.0, 1.0, ARC_POINTS)
    for flow in flows.itertuples(index=False):
        start = np.array([flow.origin_lon, flow.origin_lat], dtype=float)
        end = np.array([flow.lon, flow.lat], dtype=float)
        middle = (start + end) / 2 + np.array([0.0, 0.12 * np.linalg.norm(end - start)])
        curve = (
            ((1 - steps) ** 2)[:, None] * start
            + (2 * (1 - steps) * steps)[:, None] * middle
            + (steps**2)[:, None] * end
        )
        for order, (lon, lat) in enumerate(curve):
            rows.append(
                {
                    "flow": f"{flow.metric}->{flow.place_id}",
                    "metric": flow.metric,
                    "order": order,
                    "lon": lon,
                    "lat": lat,
                    "highest": flow.highest,
                    "lowest": flow.lowest,
                    "what": METRIC_LABELS.get(flow.metric, flow.metric),
                    "to": flow.place,
                }
            )
    return pd.DataFrame(rows)


def inside(places: pd.DataFrame, bbox: tuple[float, float, float, float]) -> pd.Series:
    """Which rows lie in a (lon_min, lat_min, lon_max, lat_max) box."""
    lon_min, lat_min, lon_max, lat_max = bbox
    return places["lon"].between(lon_min, lon_max) & places["lat"].between(lat_min, lat_max)


def label_sides(places: pd.DataFrame, bbox: tuple[float, float, float, float]) -> pd.Series:
    """Where each label goes so close neighbours do not overprint: 'below' when a place sits just north,
    else 'left' when a place whose label is beside it sits just east (where the label would run), else 'right'."""
    width, height = bbox[2] - bbox[0], bbox[3] - bbox[1]
    lat, lon = places["lat"].to_numpy(), places["lon"].to_numpy()
    below = [
        bool((((lat - y) > 0) & ((lat - y) < height / 14) & (abs(lon - x) < width / 10)).any())
        for y, x in zip(lat, lon, strict=True)
    ]
    beside = ~pd.Series(below, index=places.index).to_numpy()
    sides = []
    for is_below, y, x in zip(below, lat, lon, strict=True):
        east = beside & (abs(lat - y) < height / 12) & ((lon - x) > 0) & ((lon - x) < width / 5)
        sides.append("below" if is_below else "left" if east.any() else "right")
    return pd.Series(sides, index=places.index, dtype=object)


def _frame(bbox: tuple[float, float, float, float]) -> dict:
    lon_min, lat_min, lon_max, lat_max = bbox
    ring = [[lon_min, lat_min], [lon_min, lat_max], [lon_max, lat_max], [lon_max, lat_min], [lon_min, lat_min]]
    return {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def map_chart(
    features: tuple[dict, ...],
    places: pd.DataFrame,
    flows: pd.DataFrame,
    *,
    bbox: tuple[float, float, float, float] = REGION_BBOX,
    selected_place: str | None = None,
    title: str = "Places of the events in the filter",
    height: int = 520,
    outline: tuple[float, float, float, float] | None = None,
) -> alt.LayerChart:
    """Borders, flows (width follows the highest reported figure) and places sized by event count,
    framed on ``bbox``. ``outline`` draws the frame of an inset map, whose places are then left unlabelled
    here (the inset labels them)."""
    # The main map fits the (pre-clipped) basemap; a zoomed map fits its box. Places outside are dropped below,
    # so a far-away place never shrinks the map.
    projection = {"type": "mercator"} if bbox == REGION_BBOX else {"type": "mercator", "fit": _frame(bbox)}
    # The borders are named data, filled in by map_spec(): Altair would otherwise walk every coordinate.
    basemap = (
        alt.Chart(alt.NamedData(BASEMAP_DATASET))
        .mark_geoshape(fill="#EEF0F2", stroke="#9AA5B1", strokeWidth=0.6, clip=True)
        .project(**projection)
    )
    layers: list[alt.Chart] = [basemap]
    if outline is not None:
        layers.append(
            alt.Chart(alt.Data(values=[_frame(outline)]))
            .mark_geoshape(filled=False, stroke="#52606D", strokeDash=[4, 3], strokeWidth=1.2, clip=True)
            .project(**projection)
        )
    if not flows.empty:
        # The widest flows only: with hundreds of destinations the thin ones would be unreadable anyway.
        arcs = arc_points(flows.nlargest(MAX_ARCS, "highest"))
        widest = float(flows["highest"].max()) or 1.0
        layers.append(
            alt.Chart(arcs)
            .mark_line(opacity=0.75, strokeCap="round", clip=True)
            .encode(
                longitude="lon:Q",
                latitude="lat:Q",
                detail="flow:N",
                order="order:Q",
                color=alt.Color(
                    "what:N",
                    title="People sent (arcs)",
                    legend=None,  # legends would squeeze the map: the page caption explains the colours
                    scale=alt.Scale(domain=[METRIC_LABELS[m] for m in FLOW_COLOURS], range=list(FLOW_COLOURS.values())),
                ),
                strokeWidth=alt.StrokeWidth(
                    "highest:Q",
                    title="Highest reported figure",
                    scale=alt.Scale(domain=[0, widest], range=[1, 12]),
                    legend=None,
                ),
                tooltip=[
                    alt.Tooltip("what:N", title="Who"),
                    alt.Tooltip("to:N", title="To"),
                    alt.Tooltip("lowest:Q", title="Lowest figure", format=","),
                    alt.Tooltip("highest:Q", title="Highest figure", format=","),
                ],
            )
            .project(**projection)
        )
    shown = places.loc[inside(places, bbox)]
    labelled = shown.loc[~inside(shown, outline)] if outline is not None else shown
    labelled = labelled.assign(side=label_sides(labelled, bbox))
    pick = alt.selection_point(name="place", fields=["place_id"], on="click", clear="dblclick")
    marks = alt.Chart(shown).encode(longitude="lon:Q", latitude="lat:Q")
    colour = (
        alt.value("#D55E00")
        if selected_place is None
        else alt.condition(alt.datum.place_id == selected_place, alt.value("#D55E00"), alt.value("#0072B2"))
    )
    layers.append(
        marks.mark_circle(opacity=0.85, stroke="white", strokeWidth=1)
        .encode(
            size=alt.Size(
                "events:Q",
                title="Events",
                scale=alt.Scale(range=[60, 1200]),
                legend=None,
            ),
            color=colour,
            tooltip=[
                alt.Tooltip("name:N", title="Place"),
                alt.Tooltip("name_local:N", title="Local name"),
                alt.Tooltip("events:Q", title="Events"),
            ],
        )
        .add_params(pick)
        .project(**projection)
    )
    placements = {"right": ("left", 9, -9), "left": ("right", -9, -9), "below": ("left", 7, 13)}
    for side, (align, dx, dy) in placements.items():
        rows = labelled.loc[labelled["side"] == side]
        if rows.empty:
            continue
        layers.append(
            alt.Chart(rows)
            .mark_text(align=align, dx=dx, dy=dy, fontSize=12, fontWeight="bold", color="#1F2933")
            .encode(longitude="lon:Q", latitude="lat:Q", text="name:N")
            .project(**projection)
        )
    # SVG (not canvas) so the borders are real paths a browser test can count.
    return alt.layer(*layers).properties(
        width="container", height=height, title=title, usermeta={"embedOptions": {"renderer": "svg"}}
    )


def map_spec(chart: alt.LayerChart, features: tuple[dict, ...]) -> dict:
    """The Vega-Lite spec of a map_chart() with the basemap's features attached as its named dataset."""
    # A user's large dataset can name thousands of places: Altair's 5,000-row guard must not crash the map.
    with alt.data_transformers.disable_max_rows():
        spec = chart.to_dict()
    spec.setdefault("datasets", {})[BASEMAP_DATASET] = list(features)
    return spec
