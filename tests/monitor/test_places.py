"""A place must lie in the country it names (Natural Earth borders of the vendored basemap, coasts tolerated)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from monitor import load_dataset
from monitor.config import PROJECT_ROOT
from monitor.errors import DataValidationError
from monitor.places import COAST_TOLERANCE_KM, country_borders, distance_km, events_at, km_outside


def problems_in(folder) -> list[str]:
    with pytest.raises(DataValidationError) as caught:
        load_dataset(folder, use_cache=False)
    return [str(problem) for problem in caught.value.problems]


def test_a_place_in_another_country_is_an_error_on_its_lat_cell(edit):
    # Pyongyang (row 2) said to be in Russia, Kursk (row 3) moved west into Ukraine.
    edit("places.csv", 2, "country", "RUS")
    folder = edit("places.csv", 3, "lon", "30.52")
    assert problems_in(folder) == [
        "places.csv:2:lat: lat 39.02, lon 125.75 lies 558 km outside RUS (Natural Earth borders); "
        "check the coordinates (lat, lon) and the country",
        "places.csv:3:lat: lat 51.73, lon 30.52 lies 97 km outside RUS (Natural Earth borders); "
        "check the coordinates (lat, lon) and the country",
    ]


def test_swapped_latitude_and_longitude_are_caught(edit):
    edit("places.csv", 3, "lat", "36.19")
    folder = edit("places.csv", 3, "lon", "51.73")  # Kursk's numbers the wrong way round: northern Iran
    (problem,) = problems_in(folder)
    assert problem.startswith("places.csv:3:lat: lat 36.19, lon 51.73 lies ")


def test_the_curated_places_lie_in_their_countries():
    dataset = load_dataset(PROJECT_ROOT / "data", use_cache=False)
    outside = km_outside(dataset.places)
    judged = outside.notna()
    assert judged.sum() >= len(dataset.places) - 1  # all but Washington, which the basemap does not draw
    assert (outside[judged] == 0).all(), dataset.places.loc[outside > 0, "place_id"].tolist()


def places(lat: list[float], lon: list[float], country: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"lat": lat, "lon": lon, "country": country})


def test_a_coastal_place_just_off_the_coastline_passes_and_one_further_out_does_not():
    # Due east of Wonsan (127.45 E) into the East Sea, at 39.15 N: the coast is near 127.5 E.
    offshore = km_outside(places([39.15, 39.15, 39.15], [127.45, 127.6, 128.2], ["PRK"] * 3))
    assert offshore[0] == 0
    assert 0 < offshore[1] <= COAST_TOLERANCE_KM
    assert offshore[2] > COAST_TOLERANCE_KM * 3


def test_places_the_basemap_cannot_judge_are_not_checked():
    unjudged = places(
        [38.9, 60.0, 55.0, np.nan, 40.0],
        [-77.0, 160.0, 37.6, 37.6, 40.0],
        # Washington (outside the box), Kamchatka (clipped off), no such feature, no coordinates, no country
        ["USA", "RUS", "ATL", "RUS", None],
    )
    assert km_outside(unjudged).isna().all()


def test_distances_are_great_circle_km():
    assert distance_km(np.array([0.0]), np.array([0.0]), np.array([0.0]), np.array([1.0]))[0] == pytest.approx(
        111.2, 0.01
    )
    # One degree of longitude at 60 N is half as long.
    assert distance_km(np.array([60.0]), np.array([0.0]), np.array([60.0]), np.array([1.0]))[0] == pytest.approx(
        55.6, 0.01
    )


def test_the_borders_are_read_once_per_process():
    assert country_borders() is country_borders()
    assert {"PRK", "KOR", "RUS", "CHN", "UKR"} <= set(country_borders())


def test_events_at_a_place_are_its_events_oldest_first():
    events = pd.DataFrame(
        {
            "event_id": ["b", "a", "c", "d"],
            "place_id": pd.Categorical(["wonsan", "wonsan", "kursk", None]),
            "date_start": pd.to_datetime(["2024-02-01", "2023-01-01", "2020-01-01", "2019-01-01"]),
        }
    )
    assert events_at(events, "wonsan")["event_id"].tolist() == ["a", "b"]
    assert events_at(events, None).empty and events_at(events, "nowhere").empty
