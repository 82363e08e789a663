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


def map_chart(
    features: tuple[dict, ...], places: pd.DataFrame, flows: pd.DataFrame, selected_place: str | None = None
) -> alt.LayerChart:
    """Borders, flows (width follows the highest reported figure) and places sized by event count."""
    projection = {"type": "mercator"}
    basemap = (
        alt.Chart(alt.Data(values=list(features)))
        .mark_geoshape(fill="#EEF0F2", stroke="#9AA5B1", strokeWidth=0.6)
        .project(**projection)
    )
    layers: list[alt.Chart] = [basemap]
    if not flows.empty:
        arcs = arc_points(flows)
        widest = float(flows["highest"].max()) or 1.0
        layers.append(
            alt.Chart(arcs)
            .mark_line(opacity=0.75, strokeCap="round")
            .encode(
                longitude="lon:Q",
                latitude="lat:Q",
                detail="flow:N",
                order="order:Q",
                color=alt.Color(
                    "what:N",
                    title="People sent (arcs)",
                    scale=alt.Scale(domain=[METRIC_LABELS[m] for m in FLOW_COLOURS], range=list(FLOW_COLOURS.values())),
                ),
                strokeWidth=alt.StrokeWidth(
                    "highest:Q", title="Highest reported figure", scale=alt.Scale(domain=[0, widest], range=[1, 12])
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
    pick = alt.selection_point(name="place", fields=["place_id"], on="click", clear="dblclick")
    marks = alt.Chart(places).encode(longitude="lon:Q", latitude="lat:Q")
    highlight = (
        alt.value("#D55E00")
        if selected_place is None
        else alt.condition(alt.datum.place_id == selected_place, alt.value("#D55E00"), alt.value("#0072B2"))
    )
    layers.append(
        marks.mark_circle(opacity=0.85, stroke="white", strokeWidth=1)
        .encode(
            size=alt.Size("events:Q", title="Events", scale=alt.Scale(range=[60, 1200])),
            color=highlight,
            tooltip=[
                alt.Tooltip("name:N", title="Place"),
                alt.Tooltip("name_local:N", title="Local name"),
                alt.Tooltip("events:Q", title="Events"),
            ],
        )
        .add_params(pick)
        .project(**projection)
    )
    layers.append(
        marks.mark_text(align="left", dx=9, dy=-9, fontSize=12, fontWeight="bold", color="#1F2933")
        .encode(text="name:N")
        .project(**projection)
    )
    return (
        alt.layer(*layers)
        .properties(height=560, title="Places of the events in the filter")
        .configure_view(stroke=None)
    )
