"""Where places lie: a place's coordinates must fall inside the country it names (Natural Earth borders).

The borders are the vendored basemap (static/basemap/countries.geojson, Natural Earth 1:50m clipped to eastern
Europe and Asia), read once per process. A place is judged only where the basemap can judge it: inside the
basemap's box and in a country the basemap draws (Washington, say, lies outside both and is not checked).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from monitor.config import PROJECT_ROOT
from monitor.errors import Problem

BORDERS_PATH = PROJECT_ROOT / "static" / "basemap" / "countries.geojson"
# The box the basemap was clipped to (scripts/build_basemap.py REGION_BBOX): west, south, east, north.
BORDERS_BBOX = (20.0, 30.0, 150.0, 72.0)
# A port or a coastal town may sit just off a 1:50m coastline (or across a river mouth): that far is still in.
COAST_TOLERANCE_KM = 10.0
EARTH_RADIUS_KM = 6371.0


@lru_cache(maxsize=2)
def country_borders(path: Path = BORDERS_PATH) -> dict[str, shapely.Geometry]:
    """Each country of the basemap with an ISO alpha-3 code, as one prepared (Multi)Polygon."""
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    borders = {
        feature["properties"]["iso_a3"]: shapely.geometry.shape(feature["geometry"])
        for feature in features
        if feature["properties"].get("iso_a3")
    }
    for geometry in borders.values():
        shapely.prepare(geometry)
    return borders


def distance_km(lat: np.ndarray, lon: np.ndarray, to_lat: np.ndarray, to_lon: np.ndarray) -> np.ndarray:
    """Great-circle (haversine) distance between two sets of points, in km."""
    lat, lon, to_lat, to_lon = (np.radians(np.asarray(values, dtype=float)) for values in (lat, lon, to_lat, to_lon))
    half = np.sin((to_lat - lat) / 2) ** 2 + np.cos(lat) * np.cos(to_lat) * np.sin((to_lon - lon) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(half))


def km_outside(places: pd.DataFrame, borders: dict[str, shapely.Geometry] | None = None) -> pd.Series:
    """How far each place lies outside the country it names, in km: 0 inside, NaN where it cannot be judged
    (no coordinates, outside the basemap's box, or a country the basemap does not draw)."""
    borders = country_borders() if borders is None else borders
    lat = pd.to_numeric(places["lat"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(places["lon"], errors="coerce").to_numpy(dtype=float)
    west, south, east, north = BORDERS_BBOX
    judged = (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
    outside = np.full(len(places), np.nan)
    countries = places["country"].astype(object).to_numpy()
    for country in pd.unique(countries[judged]):
        border = borders.get(country) if isinstance(country, str) else None
        if border is None:
            continue
        rows = np.flatnonzero(judged & (countries == country))
        points = shapely.points(lon[rows], lat[rows])
        inside = shapely.contains(border, points)
        outside[rows] = 0.0
        away = rows[~inside]
        if len(away):
            # The nearest point of the border (found in degrees), then the true distance to it.
            nearest = shapely.get_coordinates(shapely.shortest_line(points[~inside], border))[1::2]
            outside[away] = distance_km(lat[away], lon[away], nearest[:, 1], nearest[:, 0])
    return pd.Series(outside, index=places.index)


def check_place_countries(places: pd.DataFrame, *, first_row: int) -> list[Problem]:
    """A place whose coordinates lie more than COAST_TOLERANCE_KM outside the country it names is an error
    (reported on places.csv's row ``first_row + index``, column lat)."""
    if places.empty or not {"lat", "lon", "country"} <= set(places.columns):
        return []
    outside = km_outside(places)
    wrong = outside > COAST_TOLERANCE_KM
    return [
        Problem(
            "places.csv",
            int(index) + first_row,
            "lat",
            f"lat {places.at[index, 'lat']}, lon {places.at[index, 'lon']} lies {outside[index]:,.0f} km outside "
            f"{places.at[index, 'country']} (Natural Earth borders); check the coordinates (lat, lon) and the country",
        )
        for index in places.index[wrong.to_numpy()]
    ]


def country_at(lat: np.ndarray, lon: np.ndarray, countries: tuple[str, ...]) -> np.ndarray:
    """Which of ``countries`` each point lies in (None for none of them)."""
    borders = country_borders()
    found = np.full(len(lat), None, dtype=object)
    points = shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    for country in countries:
        found[(found == None) & shapely.contains(borders[country], points)] = country  # noqa: E711 (elementwise)
    return found


def events_at(events: pd.DataFrame, place_id: str | None) -> pd.DataFrame:
    """The events (rows of a view) that happened at ``place_id``, oldest first; none for no place."""
    if not place_id:
        return events.iloc[0:0]
    return events.loc[(events["place_id"] == place_id).to_numpy()].sort_values("date_start", kind="stable")
