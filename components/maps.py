"""The map: a Vega-Lite chart written with Altair over a vendored Natural Earth basemap (no tiles, no network).

The basemap is not sent with the chart: it is an ``alt.UrlData`` of the file Streamlit serves from ``static/``
(``server.enableStaticServing``), loaded by Vega once per page (the browser caches it). The chart's layers are
built with Altair once per process and shape of map (``_map_template``) and never validated at run time (the
tests validate them): building and validating them costs about 100 ms a map, more than a rerun's budget. A
rerun only fills in the two small tables (places, flows) as Arrow, the ringed place, the size legend's steps and
the text description. The arcs are drawn by Vega from one row per flow.

Labels are laid out here for a phone-sized map (MIN_MAP_PX), so they never overlap at any width; legends sit
inside the Korean zoom, over open sea. The page's parts (both maps, a place's events with each event's card, the
tables) are the render_* functions at the end.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

from components.chart_export import show_vega
from components.render import escape, page_of, render_event_detail
from components.selection import new_click, select_event
from monitor.config import PROJECT_ROOT
from monitor.events import find_event, with_labels
from monitor.filtering import View
from monitor.labels import metric_label
from monitor.loading import Dataset
from monitor.places import events_at

# The file lives under static/ so that Streamlit can serve it; data/basemap/countries.geojson links to it.
BASEMAP_PATH = PROJECT_ROOT / "static" / "basemap" / "countries.geojson"
# Relative, so it resolves against the page (also under a server.baseUrlPath, and deep-linked at /map).
BASEMAP_URL = "app/static/basemap/countries.geojson"
BASEMAP_DATA = alt.UrlData(url=BASEMAP_URL, format=alt.DataFormat(type="json", property="features"))
FLOW_COLOURS = {"troops_deployed": "#D55E00", "troops_reconstruction": "#E69F00", "workers": "#CC79A7"}
ARC_POINTS = 24
MAX_ARCS = 40
MAX_LABELS = 20  # names drawn on a map; the other places keep their circle and tooltip
# The vendored basemap covers eastern Europe to the Pacific; the inset zooms on the Korean peninsula.
REGION_BBOX = (20.0, 30.0, 150.0, 72.0)
INSET_BBOX = (123.5, 36.8, 133.5, 44.2)
# Places in blue, apart from the warm colours of the arcs; a selected place is ringed in near-black.
PLACE_COLOUR = "#0072B2"
SELECTED_RING = "#111827"
LAND_COLOUR = "#EEF0F2"
BORDER_COLOUR = "#9AA5B1"
LABEL_COLOUR = "#1F2933"
HALO_COLOUR = "#FFFFFF"
# The legends sit inside the Korean zoom, in its corner of open sea (the East Sea, south-east of Wonsan), one above
# the other, on a pale box so they read over the coast too. Offsets in px from the plot's bottom-right corner.
LEGEND_BOX = {
    "orient": "none",
    "fillColor": "rgba(255, 255, 255, 0.9)",
    "padding": 5,
    "cornerRadius": 4,
    "titleFontSize": 11,
    "labelFontSize": 11,
    "titleLimit": 160,
    # Dark text on the pale box whatever the app's theme (a dark theme would make legend text pale).
    "labelColor": LABEL_COLOUR,
    "titleColor": LABEL_COLOUR,
}
LEGEND_LEFT_OF_EDGE = 168
SIZE_LEGEND_ABOVE_EDGE = 150
COLOUR_LEGEND_ABOVE_EDGE = 80
LEGEND_MARGIN_PX = 6
TITLE_PX = 35  # a chart's title and its padding: Streamlit fits the whole chart, title included, in its height
# A Vega parameter holding the event counts the size legend shows (set per rerun from the places drawn).
LEGEND_STEPS_PARAM = "event_steps"
LEGEND_LABEL_PX = 150
# A Vega parameter holding the place_id to ring ("" for none): the spec's one part that follows the selection.
RINGED_PARAM = "ringed"
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
# Where a label goes beside its place: the text's alignment and its offset (dx, dy in px, dy to the baseline).
LABEL_PLACEMENTS = {
    "right": ("left", 9, -9),
    "left": ("right", -9, -9),
    "below": ("left", 7, 13),
    "below-left": ("right", -7, 13),
    "above": ("center", 0, -13),
}
# Labels are laid out for the narrowest map drawn (a 390 px phone shows a map about this wide): a map drawn
# wider spreads the places apart while the text keeps its size, so labels that do not overlap there never do.
MIN_MAP_PX = 340
LABEL_CHAR_PX = 7.5  # 12 px bold text, a generous average
LABEL_ASCENT_PX, LABEL_DESCENT_PX = 10, 3
CIRCLE_AREA_PX = (60, 1200)  # the size scale's range: a circle's area in square px, from 0 events to the most

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


def _mercator_px(lat: np.ndarray, lon: np.ndarray, bbox: tuple[float, float, float, float]) -> np.ndarray:
    """Where each point falls on a Mercator map of ``bbox`` MIN_MAP_PX wide, in px from its top-left corner."""
    scale = MIN_MAP_PX / np.radians(bbox[2] - bbox[0])
    north = np.log(np.tan(np.pi / 4 + np.radians(bbox[3]) / 2))
    x = np.radians(lon - bbox[0]) * scale
    y = (north - np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))) * scale
    return np.column_stack([x, y])


def _label_box(x: float, y: float, chars: int, side: str) -> tuple[float, float, float, float]:
    align, dx, dy = LABEL_PLACEMENTS[side]
    width = chars * LABEL_CHAR_PX
    left = x + dx - {"left": 0.0, "center": width / 2, "right": width}[align]
    return (left, y + dy - LABEL_ASCENT_PX, left + width, y + dy + LABEL_DESCENT_PX)


def label_sides(
    places: pd.DataFrame,
    bbox: tuple[float, float, float, float],
    circle_px: np.ndarray | None = None,
    named: int | None = None,
    keep_clear: tuple[tuple[float, float, float, float], ...] = (),
) -> pd.Series:
    """Where each place's label goes (a key of LABEL_PLACEMENTS), or None where no side is free. The first
    ``named`` places (all by default) are labelled in their order: each takes the first side whose text, on a
    MIN_MAP_PX map, stays inside the map and clears the labels already placed and the other places' circles
    (radii ``circle_px``) and boxes ``keep_clear`` (left, top, right, bottom in px: the legends); the places
    after them are only in the way. Meant for a few named places (MAX_LABELS), among any number of circles."""
    names = places["name"].astype(str).to_numpy() if "name" in places else np.full(len(places), "")
    radii = np.zeros(len(places)) if circle_px is None else np.asarray(circle_px, dtype=float)
    sides = _label_sides(*_coordinates(places), names, radii, bbox, len(places) if named is None else named, keep_clear)
    return pd.Series(sides, index=places.index, dtype=object)


def _label_sides(
    lat: np.ndarray,
    lon: np.ndarray,
    names: np.ndarray,
    radii: np.ndarray,
    bbox: tuple[float, float, float, float],
    named: int,
    keep_clear: tuple[tuple[float, float, float, float], ...],
) -> np.ndarray:
    points = _mercator_px(lat, lon, bbox)
    height = _mercator_px(np.array([bbox[1]]), np.array([bbox[0]]), bbox)[0, 1]
    placed: list[tuple[float, float, float, float]] = list(keep_clear)
    sides = np.full(len(lat), None, dtype=object)
    for row in range(min(named, len(lat))):
        x, y = points[row]
        if np.isnan(x) or np.isnan(y):
            continue
        others = np.arange(len(lat)) != row
        others_x, others_y, others_r = points[others, 0], points[others, 1], radii[others]
        for side in LABEL_PLACEMENTS:
            left, top, right, bottom = _label_box(x, y, len(names[row]), side)
            inside_map = left >= 0 and top >= 0 and right <= MIN_MAP_PX and bottom <= height
            if not inside_map or any(
                left < o_right and o_left < right and top < o_bottom and o_top < bottom
                for o_left, o_top, o_right, o_bottom in placed
            ):
                continue
            # The nearest point of the box to each other circle's centre, closer than its radius, is a hit.
            near_x = np.clip(others_x, left, right) - others_x
            near_y = np.clip(others_y, top, bottom) - others_y
            if not (near_x * near_x + near_y * near_y < others_r * others_r).any():
                sides[row] = side
                placed.append((left, top, right, bottom))
                break
    return sides


def circle_radii(events: np.ndarray) -> np.ndarray:
    """Each circle's radius in px, as the size scale draws it (area linear in events, from 0 to the most)."""
    counts = np.nan_to_num(np.asarray(events, dtype=float))
    most = counts.max() if len(counts) and counts.max() > 0 else 1.0
    area = CIRCLE_AREA_PX[0] + (CIRCLE_AREA_PX[1] - CIRCLE_AREA_PX[0]) * counts / most
    return np.sqrt(area / np.pi)


def place_table(
    places: pd.DataFrame,
    bbox: tuple[float, float, float, float],
    outline: tuple[float, float, float, float] | None = None,
    keep_clear: tuple[tuple[float, float, float, float], ...] = (),
) -> pa.Table:
    """The places inside ``bbox`` with the side of their label; ``side`` is null for a place inside
    ``outline`` (an inset labels those), and for one whose label has no free side (see label_sides)."""
    lat, lon = _coordinates(places)
    shown = _within(lat, lon, bbox)
    lat, lon = lat[shown], lon[shown]
    labelled = ~_within(lat, lon, outline) if outline is not None else np.ones(len(lat), dtype=bool)
    if "events" in places and labelled.sum() > MAX_LABELS:
        # Only the busiest places are named: hundreds of labels would bury the map (every circle has a tooltip).
        counts = np.where(labelled, places["events"].to_numpy(dtype=float)[shown], -np.inf)
        labelled &= np.isin(np.arange(len(lat)), np.argsort(-counts, kind="stable")[:MAX_LABELS])
    sides = np.full(len(lat), None, dtype=object)
    if labelled.any():
        counts = places["events"].to_numpy(dtype=float)[shown] if "events" in places else np.zeros(len(lat))
        names = places["name"].to_numpy(dtype=object)[shown].astype(str)
        # The named places are laid out busiest first; every other circle drawn is in the way as well.
        order = np.r_[np.flatnonzero(labelled)[np.argsort(-counts[labelled], kind="stable")], np.flatnonzero(~labelled)]
        radii = circle_radii(counts)[order]
        named = int(labelled.sum())
        sides[order] = _label_sides(lat[order], lon[order], names[order], radii, bbox, named, keep_clear)
    keep = pa.array(shown)
    columns = {column: _column(places[column]).filter(keep) for column in PLACE_COLUMNS}
    # Arrow tables built here carry no pandas metadata, which would add about 1 kB per table to each rerun.
    return pa.table({**columns, "side": pa.array(sides, type=pa.string())})


def _frame(bbox: tuple[float, float, float, float]) -> dict:
    lon_min, lat_min, lon_max, lat_max = bbox
    ring = [[lon_min, lat_min], [lon_min, lat_max], [lon_max, lat_max], [lon_max, lat_min], [lon_min, lat_min]]
    return {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


LONGITUDE = alt.Longitude("lon:Q")
LATITUDE = alt.Latitude("lat:Q")


def _with_arc_transform(chart: alt.Chart) -> alt.Chart:
    for step in ARC_TRANSFORM:
        if "flatten" in step:
            chart = chart.transform_flatten(step["flatten"])
        else:
            chart = chart.transform_calculate(**{step["as"]: step["calculate"]})
    return chart


def _basemap(outline: tuple[float, float, float, float] | None) -> list[alt.Chart]:
    layers = [
        alt.Chart(BASEMAP_DATA).mark_geoshape(
            clip=True, fill=LAND_COLOUR, stroke=BORDER_COLOUR, strokeWidth=0.6, tooltip=False
        )
    ]
    if outline is not None:
        layers.append(
            alt.Chart(alt.InlineData(values=[_frame(outline)])).mark_geoshape(
                filled=False, stroke="#52606D", strokeDash=[4, 3], strokeWidth=1.2, clip=True
            )
        )
    return layers


def _arcs(legend: bool) -> alt.Chart:
    # Width follows the highest reported figure, from 0 to the widest flow drawn.
    return (
        _with_arc_transform(alt.Chart(alt.NamedData(name=ARCS_DATASET)))
        .mark_line(clip=True, opacity=0.8, strokeCap="round")
        .encode(
            LONGITUDE,
            LATITUDE,
            detail="flow:N",
            order="order:Q",
            color=alt.Color(
                "what:N",
                title="Sent from North Korea (arcs)",
                scale=alt.Scale(
                    domain=[metric_label(metric) for metric in FLOW_COLOURS], range=list(FLOW_COLOURS.values())
                ),
                legend=alt.Legend(
                    symbolType="stroke",
                    symbolStrokeWidth=4,
                    labelLimit=LEGEND_LABEL_PX,
                    # "Reconstruction personnel (deminers, builders)": the part before the brackets is enough here.
                    labelExpr="split(datum.label, ' (')[0]",
                    legendX=alt.expr(f"width - {LEGEND_LEFT_OF_EDGE}"),
                    legendY=alt.expr(f"height - {COLOUR_LEGEND_ABOVE_EDGE}"),
                    **LEGEND_BOX,
                )
                if legend
                else None,
            ),
            strokeWidth=alt.StrokeWidth(
                "highest:Q",
                title="Highest reported figure",
                legend=None,
                scale=alt.Scale(zero=True, nice=False, range=[1, 12]),
            ),
            tooltip=[
                alt.Tooltip("what:N", title="Who"),
                alt.Tooltip("to:N", title="To"),
                alt.Tooltip("lowest:Q", title="Lowest figure", format=","),
                alt.Tooltip("highest:Q", title="Highest figure", format=","),
            ],
        )
    )


def _places(legend: bool, with_arcs: bool) -> alt.Chart:
    picked = alt.selection_point(name="place", fields=["place_id"], on="click", clear="dblclick")
    # The ringed place (RINGED_PARAM, set by map_chart) keeps its colour with a dark ring; the others fade back.
    nothing_ringed = f"{RINGED_PARAM} === ''"
    ringed = f"datum.place_id === {RINGED_PARAM}"
    return (
        alt.Chart(alt.NamedData(name=PLACES_DATASET))
        .mark_circle(color=PLACE_COLOUR)
        .encode(
            LONGITUDE,
            LATITUDE,
            size=alt.Size(
                "events:Q",
                title="Events (circles)",
                scale=alt.Scale(range=list(CIRCLE_AREA_PX)),
                legend=alt.Legend(
                    direction="horizontal",
                    symbolFillColor=PLACE_COLOUR,
                    symbolStrokeColor="white",
                    values=alt.expr(LEGEND_STEPS_PARAM),
                    legendX=alt.expr(f"width - {LEGEND_LEFT_OF_EDGE}"),
                    legendY=alt.expr(f"height - {SIZE_LEGEND_ABOVE_EDGE if with_arcs else COLOUR_LEGEND_ABOVE_EDGE}"),
                    **LEGEND_BOX,
                )
                if legend
                else None,
            ),
            stroke=alt.when(ringed).then(alt.value(SELECTED_RING)).otherwise(alt.value("white")),
            strokeWidth=alt.when(ringed).then(alt.value(3)).otherwise(alt.value(1)),
            opacity=alt.when(nothing_ringed)
            .then(alt.value(0.8))
            .when(ringed)
            .then(alt.value(0.95))
            .otherwise(alt.value(0.45)),
            tooltip=[
                alt.Tooltip("name:N", title="Place"),
                alt.Tooltip("name_local:N", title="Local name"),
                alt.Tooltip("events:Q", title="Events"),
            ],
        )
        .add_params(picked)
        .properties(name=PLACES_VIEW)
    )


def _labels() -> list[alt.Chart]:
    """Each side's names twice: a pale halo under dark text, so a name reads over borders, circles and arcs,
    on the light land and on a dark page alike."""
    layers = []
    for side, (align, dx, dy) in LABEL_PLACEMENTS.items():
        placed = alt.Chart(alt.NamedData(name=PLACES_DATASET)).transform_filter(f"datum.side === '{side}'")
        text = {"align": align, "dx": dx, "dy": dy, "fontSize": 12, "fontWeight": "bold"}
        halo = {"stroke": HALO_COLOUR, "strokeWidth": 3.5, "strokeJoin": "round", "strokeOpacity": 0.9}
        for style in ({**text, **halo, "fill": HALO_COLOUR}, {**text, "fill": LABEL_COLOUR}):
            layers.append(placed.mark_text(**style).encode(LONGITUDE, LATITUDE, text="name:N"))
    return layers


def map_description(places: pd.DataFrame, flows: pd.DataFrame, title: str, drawn: np.ndarray) -> str:
    """The chart's text alternative (the spec's description, and a caption under the maps): what it shows.
    ``drawn`` marks the places on this map; they come busiest first (as place_event_counts gives them)."""
    names, counts = places["name"].to_numpy()[drawn][:5], places["events"].to_numpy()[drawn][:5]
    busiest = ", ".join(f"{name} ({count:,})" for name, count in zip(names, counts, strict=True))
    text = f"Map: {title}. {int(drawn.sum()):,} places with events, drawn as circles sized by event count"
    text += f"; the busiest: {busiest}." if busiest else "."
    if not flows.empty:
        widest = np.argsort(-flows["highest"].to_numpy(dtype=float, na_value=0.0), kind="stable")[:3]
        arcs = "; ".join(
            f"{metric_label(metric)} to {place}, up to {highest:,.0f}"
            for metric, place, highest in zip(
                flows["metric"].to_numpy()[widest],
                flows["place"].to_numpy()[widest],
                flows["highest"].to_numpy(dtype=float, na_value=0.0)[widest],
                strict=True,
            )
        )
        text += f" {len(flows):,} reported flows of people from North Korea, drawn as arcs: {arcs}."
    return text


def legend_box(bbox: tuple[float, float, float, float], height: int, with_arcs: bool) -> tuple[float, ...]:
    """Where the legends lie on a MIN_MAP_PX-wide map of ``bbox`` (left, top, right, bottom in px from the map's
    top-left corner, with a margin), so labels keep clear of them. The chart is ``height`` px high, its title
    included; the map is centred in the plot below the title."""
    map_height = _mercator_px(np.array([bbox[1]]), np.array([bbox[0]]), bbox)[0, 1]
    plot_height = height - TITLE_PX
    below_map = max(plot_height - map_height, 0) / 2
    above_edge = SIZE_LEGEND_ABOVE_EDGE if with_arcs else COLOUR_LEGEND_ABOVE_EDGE
    bottom = map_height + below_map
    return (
        MIN_MAP_PX - LEGEND_LEFT_OF_EDGE - LEGEND_MARGIN_PX,
        bottom - above_edge - LEGEND_MARGIN_PX,
        MIN_MAP_PX,
        bottom,
    )


def legend_steps(events: np.ndarray) -> list[int]:
    """The event counts the size legend shows: 1, the most, and a round number between when there is room."""
    counts = np.asarray(events, dtype=float)
    most = int(np.nanmax(counts)) if len(counts) and not np.isnan(counts).all() else 1
    middle = [round(most / 2, -1 if most >= 40 else 0)] if most >= 5 else []
    return sorted({1, *map(int, middle), max(most, 1)})


def map_layers(
    *,
    bbox: tuple[float, float, float, float] = REGION_BBOX,
    title: str = "Places of the events in the filter",
    subtitle: str = "",
    height: int = 520,
    outline: tuple[float, float, float, float] | None = None,
    with_arcs: bool = True,
    legend: bool = False,
) -> alt.LayerChart:
    """The Altair chart of borders, flows (width follows the highest reported figure) and places sized by event
    count, framed on ``bbox``. It holds no data: its tables are the named datasets PLACES_DATASET and
    ARCS_DATASET, the place to ring is the parameter RINGED_PARAM, and map_chart() fills in all three.
    ``outline`` draws the frame of an inset map, whose places are then left unlabelled here (the inset labels
    them). Clicking a place selects it in the point selection named "place" (field place_id)."""
    layers = [*_basemap(outline), *([_arcs(legend)] if with_arcs else []), _places(legend, with_arcs), *_labels()]
    return (
        alt.layer(*layers)
        .add_params(alt.param(name=RINGED_PARAM, value=""), alt.param(name=LEGEND_STEPS_PARAM, value=[1]))
        .properties(
            title=alt.Title(title, subtitle=subtitle) if subtitle else title,
            width="container",
            height=height,
            # The main map fits the (pre-clipped) basemap; a zoomed map fits its box. Places outside are left out
            # of the places table, so a far-away place never shrinks the map. All layers share the projection.
            projection=alt.Projection(type="mercator")
            if bbox == REGION_BBOX
            else alt.Projection(type="mercator", fit=_frame(bbox)),
            # SVG (not canvas) so the borders are real paths a browser test can count.
            usermeta={"embedOptions": {"renderer": "svg"}},
        )
    )


@lru_cache(maxsize=32)
def _map_template(**options: Any) -> dict:
    # Built with Altair once per process and shape of map (a few shapes in all), never validated at run time:
    # building and validating the Altair objects costs about 100 ms a map, a rerun's whole budget.
    spec = map_layers(**options).to_dict(validate=False)
    spec.pop("config", None)  # Altair's default theme sizes; the chart sets its own
    # Altair gathers inline values (the inset's frame) into top-level datasets, where Streamlit would turn them
    # into Arrow tables; a GeoJSON feature stays in its layer.
    inline = spec.pop("datasets", {})
    for layer in spec["layer"]:
        if layer["data"].get("name") in inline:
            layer["data"] = {"values": inline[layer["data"]["name"]]}
    return spec


def map_chart(
    places: pd.DataFrame,
    flows: pd.DataFrame,
    *,
    bbox: tuple[float, float, float, float] = REGION_BBOX,
    selected_place: str | None = None,
    title: str = "Places of the events in the filter",
    subtitle: str = "",
    height: int = 520,
    outline: tuple[float, float, float, float] | None = None,
    legend: bool = False,
) -> dict:
    """The Vega-Lite spec of map_layers() with this rerun's tables (as Arrow), the place to ring and the text
    alternative. The spec is shared between reruns, so it is copied only where this rerun differs."""
    with_arcs = not flows.empty
    template = _map_template(
        bbox=bbox, title=title, subtitle=subtitle, height=height, outline=outline, with_arcs=with_arcs, legend=legend
    )
    legends = (legend_box(bbox, height, with_arcs),) if legend else ()
    datasets = {PLACES_DATASET: place_table(places, bbox, outline, keep_clear=legends)}
    drawn = _within(*_coordinates(places), bbox)
    this_rerun = {
        RINGED_PARAM: selected_place or "",
        LEGEND_STEPS_PARAM: legend_steps(places["events"].to_numpy()[drawn]),
    }
    if with_arcs:
        datasets[ARCS_DATASET] = arc_table(flows)
    return {
        **template,
        "params": [
            {**param, "value": this_rerun[param["name"]]} if param["name"] in this_rerun else param
            for param in template["params"]
        ],
        "description": map_description(places, flows, title, drawn),
        "datasets": datasets,
    }


# ------------------------------------------------------------------------------------------ the map page's parts

# The zoom is about as tall as wide; the whole region about half as tall as wide (and as wide as its column).
INSET_HEIGHT = 430
MAIN_HEIGHT = 340
MAIN_TITLE = "Eastern Europe to the Pacific"
MAIN_SUBTITLE = "Dashed box: the Korean zoom"
INSET_TITLE = "Korean peninsula and Russian Far East"
CLICK_KEYS = ("map", "inset")  # the two charts' widget keys; a click on either selects a place


def ringed_place(picked: str | None, event: pd.Series | None) -> str | None:
    """The place the maps ring: the one clicked, else the selected event's (if it has one)."""
    if picked:
        return picked
    return event["place_id"] if event is not None and isinstance(event["place_id"], str) else None


def render_maps(dataset: Dataset, places: pd.DataFrame, flows: pd.DataFrame, ringed: str | None) -> None:
    """The Korean zoom beside the whole region (the zoom first, so a phone shows it without scrolling), and the
    places that lie outside both."""
    inset_column, main_column = st.columns([2, 3], gap="small")
    with inset_column:
        inset = map_chart(
            places, flows, bbox=INSET_BBOX, selected_place=ringed, height=INSET_HEIGHT, title=INSET_TITLE, legend=True
        )
        show_vega(inset, dataset, on_select="rerun", key="inset", alt=inset["description"])
    with main_column:
        main = map_chart(
            places,
            flows,
            selected_place=ringed,
            outline=INSET_BBOX,
            height=MAIN_HEIGHT,
            title=MAIN_TITLE,
            subtitle=MAIN_SUBTITLE,
        )
        # The basemap is loaded by URL from static/, so a rerun sends only the spec and the two small tables.
        show_vega(main, dataset, on_select="rerun", key="map", alt=main["description"])
    # The text alternative, on the page too: Vega keeps the spec's description to itself.
    st.caption(escape(main["description"]))
    elsewhere = places.loc[~inside(places, REGION_BBOX).to_numpy()]
    if not elsewhere.empty:
        st.caption(
            "Outside the map: "
            + ", ".join(f"{escape(row.name)} ({row.events})" for row in elsewhere.itertuples(index=False))
        )


def render_place_events(view: View, place_id: str | None, event: pd.Series | None) -> None:
    """The events at the chosen place, each row opening its card below (the selected event's card is open)."""
    dataset = view.dataset
    key = f"place_events_{place_id}"  # a table per place, so a row picked at one place is not kept at the next
    if event is not None and event["event_id"] != st.session_state.get(f"{key}_last_pick"):
        st.caption(f"Selected on the timeline: {escape(event['title'])}")
    if not place_id:
        st.info("Click a place on either map to list its events here.", icon=":material/touch_app:")
        return
    name = dataset.indexed("places").at[place_id, "name"]
    st.subheader(f"Events at {escape(name)}", anchor=False)
    at_place = events_at(view.events, place_id)
    listed = with_labels(dataset, page_of(at_place, "place_events_page", "events"))
    st.caption("Pick a row to open the event's card below.")
    table = st.dataframe(
        listed[["when", "title", "category", "status"]],
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=key,
    )
    rows = table.selection.rows
    picked = listed["event_id"].iloc[rows[0]] if rows else None
    if new_click(key, picked) and picked:
        select_event(picked)
        event = find_event(dataset, picked)
    if event is not None and event["place_id"] == place_id:
        with st.container(border=True):
            render_event_detail(dataset, event)


def render_map_tables(places: pd.DataFrame, flows: pd.DataFrame) -> None:
    """Every place and every flow the maps draw, as tables (the full range of each figure)."""
    st.dataframe(
        page_of(places, "places_page", "places")[
            ["name", "name_local", "country", "kind", "events", "lat", "lon", "notes"]
        ],
        hide_index=True,
        width="stretch",
    )
    if flows.empty:
        return
    st.dataframe(
        page_of(flows.sort_values("highest", ascending=False), "flows_page", "flows").assign(
            what=lambda rows: rows["metric"].map(metric_label)
        )[["what", "place", "lowest", "highest", "claims"]],
        hide_index=True,
        width="stretch",
        column_config={
            "lowest": st.column_config.NumberColumn(format="localized"),
            "highest": st.column_config.NumberColumn(format="localized"),
        },
    )
