"""Aggregates for large tables: periods, lanes, counts per lane and period, claim ranges, paging."""

from __future__ import annotations

import numpy as np
import pandas as pd

import monitor.aggregate as aggregate
from monitor import data_dir, load_dataset
from monitor.actors import lane_names as actor_lanes
from monitor.aggregate import claim_ranges, event_keys, lane_membership, lane_period_counts
from monitor.claims import claims_with_claimants
from monitor.events import event_lanes
from monitor.periods import bin_index, bin_start, choose_bin

SHIPPED = load_dataset(data_dir())


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
    assert period == choose_bin(claims["as_of"].min(), claims["as_of"].max(), aggregate.MAX_BINS)
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


def test_event_keys_from_the_event_actor_links_are_those_of_the_actors_lists(tmp_path):
    # The timeline builds its keys from the links a cached dataset already has, never reading the lists' text.
    from benchmarks.generate import generate

    generate(3_000, tmp_path / "data", seed=5, text="short")
    for dataset in (SHIPPED, load_dataset(tmp_path / "data", use_cache=False)):
        lanes = actor_lanes(dataset.actors)
        from_lists = event_keys(dataset.events, lanes)
        from_links = event_keys(dataset.events, lanes, links=dataset.event_actors)
        assert from_links.lanes == from_lists.lanes
        np.testing.assert_array_equal(from_links.lane_sets, from_lists.lane_sets)
        np.testing.assert_array_equal(from_links.lane_bits, from_lists.lane_bits)
        np.testing.assert_array_equal(from_links.categories, from_lists.categories)
