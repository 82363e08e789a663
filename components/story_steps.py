"""The story page's step in the URL, and the map frame around a step's place.

The step is written to the URL from the server, from the step shown, at the end of every run: a slider bound
to the URL (``bind="query-params"``) updated it from the browser, and a run writing ``?event=`` at the same
time sent back the step it had started with, so fast keys left the page on one step and the link on another.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.maps import REGION_BBOX, inside

STEP_PARAM = "step"
# The step this session last wrote to the URL: a different ?step= came from a link or the browser's history.
URL_STEP_KEY = "story_url_step"
# Half the width and height, in degrees, of the map framed on a step's place (about 900 by 800 km).
PLACE_HALF_WIDTH = 6.0
PLACE_HALF_HEIGHT = 3.6


def step_in_url(steps: list[int]) -> int | None:
    """The step a link asks for: ?step= when it names one of ``steps`` and this session did not write it."""
    text = st.query_params.get(STEP_PARAM)
    if text is None or not text.isdigit() or int(text) not in steps:
        return None
    return None if int(text) == st.session_state.get(URL_STEP_KEY) else int(text)


def show_step_in_url(step: int) -> None:
    """Name ``step`` in the URL (once the page knows which step it shows)."""
    st.session_state[URL_STEP_KEY] = step
    if st.query_params.get(STEP_PARAM) != str(step):
        st.query_params[STEP_PARAM] = str(step)


def around_place(places: pd.DataFrame) -> tuple[float, float, float, float]:
    """A (lon_min, lat_min, lon_max, lat_max) box centred on the places (a step has one), inside the basemap;
    the whole basemap when a place lies outside it."""
    shown = places.loc[inside(places, REGION_BBOX).to_numpy()]
    if shown.empty or len(shown) < len(places):
        return REGION_BBOX
    lon = (float(shown["lon"].min()) + float(shown["lon"].max())) / 2
    lat = (float(shown["lat"].min()) + float(shown["lat"].max())) / 2
    half_width = max(PLACE_HALF_WIDTH, (float(shown["lon"].max()) - float(shown["lon"].min())) / 2 + 2)
    half_height = max(PLACE_HALF_HEIGHT, (float(shown["lat"].max()) - float(shown["lat"].min())) / 2 + 1.5)
    west, south, east, north = REGION_BBOX
    lon = min(max(lon, west + half_width), east - half_width)
    lat = min(max(lat, south + half_height), north - half_height)
    return (lon - half_width, lat - half_height, lon + half_width, lat + half_height)
