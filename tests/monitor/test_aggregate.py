"""Aggregates for large tables: periods, lanes, counts per lane and period, claim ranges, paging."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import monitor.aggregate as aggregate
from monitor import data_dir, load_dataset
from monitor.actors import lane_names as actor_lanes
from monitor.aggregate import (
    bin_index,
    bin_start,
    choose_period,
    claim_ranges,
    event_keys,
    lane_membership,
    lane_period_counts,
    period_labels,
)
from monitor.claims import claims_with_claimants
from monitor.events import event_lanes

SHIPPED = load_dataset(data_dir())


def dates(*texts: str) -> np.ndarray:
    return np.array(texts, dtype="datetime64[ns]")


@pytest.mark.parametrize("period", aggregate.PERIODS)
def test_every_date_falls_in_the_period_that_starts_on_or_before_it(period):
    days = dates("1953-07-27", "1999-12-31", "2024-02-29", "2024-10-15T13:00", "2025-01-01")
    index = bin_index(days, period)
    assert (bin_start(index, period) <= days).all()
    assert (days < bin_start(index + 1, period)).all()


def test_weeks_start_on_monday_and_periods_are_labelled_as_a_reader_says_them():
    monday = bin_start(bin_index(dates("2024-10-03"), "week"), "week")[0]
    assert pd.Timestamp(monday) == pd.Timestamp("2024-09-30") and pd.Timestamp(monday).day_name() == "Monday"
    start = dates("2024-10-03")
    assert period_labels(start, "day") == ["3 Oct 2024"]
    assert period_labels(dates("2024-09-30"), "week") == ["week of 30 Sep 2024"]
    assert period_labels(start, "month") == ["Oct 2024"]
    assert period_labels(dates("2024-10-01"), "quarter") == ["Q4 2024"]
    assert period_labels(start, "year") == ["2024"]


@pytest.mark.parametrize(
    ("first", "last", "period"),
    [
        ("2024-10-01", "2024-10-31", "day"),
        ("2024-01-01", "2024-12-31", "week"),
        ("2022-01-01", "2025-12-31", "month"),
        ("2010-01-01", "2025-12-31", "quarter"),
        ("1953-07-27", "2021-12-31", "year"),
    ],
)
def test_the_finest_period_that_fits_is_chosen(first, last, period):
    assert choose_period(pd.Timestamp(first), pd.Timestamp(last)) == period


def test_people_and_organisations_count_in_their_states_lane():
    lanes = actor_lanes(SHIPPED.actors)
    assert lanes["kim-jong-un"] == lanes["PRK"] == "North Korea"
    assert lanes["putin"] == "Russia"


def test_an_event_is_in_a_lane_once_however_many_of_its_actors_belong_there():
    actors = pd.Series([("PRK", "kim-jong-un", "RUS"), ("putin",), ()], dtype=object)
    member, lanes = lane_membership(actors, actor_lanes(SHIPPED.actors))
    assert lanes == ["North Korea", "Russia"]
    assert member.tolist() == [[True, True], [False, True], [False, False]]


def reference_counts(dataset, events: pd.DataFrame, period: str) -> pd.Series:
    """Events per lane, period and category the slow way: event_lanes joined to the events."""
    pairs = event_lanes(dataset, events).merge(events[["event_id", "date_start", "category"]], on="event_id")
    pairs = pairs.assign(start=bin_start(bin_index(pairs["date_start"].to_numpy(), period), period))
    pairs = pairs.assign(category=pairs["category"].astype(str))
    return {key: int(number) for key, number in pairs.groupby(["lane", "start", "category"]).size().items()}


def as_dict(counts) -> dict:
    lane, column, category = np.nonzero(counts.counts)
    return {
        (counts.lanes[a], pd.Timestamp(counts.edges[b]), counts.categories[c]): int(counts.counts[a, b, c])
        for a, b, c in zip(lane, column, category, strict=True)
    }


def test_counts_per_lane_period_and_category_match_the_timelines_lanes():
    events = SHIPPED.events
    keys = event_keys(events, actor_lanes(SHIPPED.actors))
    split = pd.Timestamp("2022-01-01")
    context, detail = lane_period_counts(keys, [(None, split), (split, None)])
    assert (context.period, detail.period) == ("year", "month")
    early = events.loc[events["date_start"] < split]
    late = events.loc[events["date_start"] >= split]
    assert as_dict(context) == reference_counts(SHIPPED, early, "year")
    assert as_dict(detail) == reference_counts(SHIPPED, late, "month")
    assert context.total + detail.total == len(event_lanes(SHIPPED, events))
    assert len(detail.edges) == detail.counts.shape[1] + 1
    assert "Soviet Union" in context.lanes and "Soviet Union" not in detail.lanes  # only lanes with events


def test_counting_lane_by_lane_gives_the_same_counts(monkeypatch):
    keys = event_keys(SHIPPED.events, actor_lanes(SHIPPED.actors))
    (fast,) = lane_period_counts(keys, [(None, None)])
    monkeypatch.setattr(aggregate, "_MAX_TABLE", 0)
    (slow,) = lane_period_counts(keys, [(None, None)])
    assert fast.lanes == slow.lanes and np.array_equal(fast.counts, slow.counts)


def test_taking_rows_of_the_keys_counts_only_those_events():
    events = SHIPPED.events
    keys = event_keys(events, actor_lanes(SHIPPED.actors))
    recent = np.flatnonzero((events["date_start"] >= pd.Timestamp("2024-01-01")).to_numpy())
    (taken,) = lane_period_counts(keys.take(recent), [(None, None)])
    (direct,) = lane_period_counts(event_keys(events.iloc[recent], actor_lanes(SHIPPED.actors)), [(None, None)])
    assert taken.period == direct.period and taken.lanes == direct.lanes
    assert np.array_equal(taken.counts, direct.counts)
    assert lane_period_counts(keys.take(recent[:0]), [(None, None)]) == [None]


def test_a_large_table_counts_into_few_cells():
    rng = np.random.default_rng(0)
    size = 300_001
    events = pd.DataFrame(
        {
            "date_start": np.datetime64("1953-01-01", "ns")
            + rng.integers(0, 26_000, size).astype("timedelta64[D]").astype("timedelta64[ns]"),
            "category": rng.choice(["military", "diplomacy", "economy"], size),
            "actors": pd.Series([("PRK",), ("RUS", "putin"), ("PRK", "CHN")] * (size // 3) + [("UKR",)], dtype=object),
        }
    )
    keys = event_keys(events, actor_lanes(SHIPPED.actors))
    (counts,) = lane_period_counts(keys, [(None, None)])
    assert counts.total == size // 3 * 4 + 1  # PRK+CHN events count in two lanes
    assert counts.counts.shape[1] <= aggregate.MAX_BINS
    assert counts.counts.size <= len(counts.lanes) * aggregate.MAX_BINS * 3


def test_claim_ranges_give_each_claimants_lowest_and_highest_figure_per_period():
    claims = claims_with_claimants(SHIPPED, SHIPPED.claims.loc[SHIPPED.claims["metric"] == "troops_deployed"])
    ranges, period = claim_ranges(claims)
    assert period == choose_period(claims["as_of"].min(), claims["as_of"].max())
    assert ranges["claims"].sum() == len(claims)
    for row in ranges.itertuples(index=False):
        inside = claims.loc[
            (claims["claimant_key"] == row.claimant_key)
            & (claims["as_of"] >= row.start)
            & (claims["as_of"] < row.end)
            & (claims["interested_party"].astype(bool) == row.interested_party)
        ]
        assert len(inside) == row.claims
        assert inside["value_low"].min() == row.lowest and inside["value_high"].max() == row.highest
    assert claim_ranges(claims.iloc[0:0])[0].empty


def test_more_lanes_than_bits_in_an_integer_are_still_counted_per_lane():
    actors = [f"actor-{number}" for number in range(70)]
    events = pd.DataFrame(
        {
            "date_start": pd.to_datetime(["2024-01-05"] * 70 + ["2024-02-05"]),
            "category": ["military"] * 71,
            "actors": pd.Series([(actor,) for actor in actors] + [tuple(actors)], dtype=object),
        }
    )
    keys = event_keys(events, {actor: actor for actor in actors})
    (counts,) = lane_period_counts(keys, [(None, None)])
    assert len(counts.lanes) == 70 and counts.total == 140
    assert (counts.counts.sum(axis=(1, 2)) == 2).all()  # each lane: its own event and the one with everyone
