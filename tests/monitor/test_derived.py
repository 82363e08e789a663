"""Derived tables: the numbers the pages show."""

from __future__ import annotations

import pandas as pd
import pytest

from monitor import load_dataset
from monitor.derived import (
    claims_with_claimants,
    date_label,
    event_lanes,
    event_sources,
    format_figure,
    headline,
    key_events,
    latest_by_claimant,
    movement_flows,
    place_event_counts,
    source_usage,
    with_labels,
)


@pytest.fixture
def dataset(minimal_dir):
    return load_dataset(minimal_dir)


@pytest.mark.parametrize(
    ("low", "high", "qualifier", "text"),
    [
        (11000, 11000, "over", "over 11,000"),
        (11000, 12000, "range", "11,000–12,000"),
        (600, 600, "about", "about 600"),
        (5, 5, "exact", "5"),
        (3000, 3000, "at_least", "at least 3,000"),
    ],
)
def test_format_figure(low, high, qualifier, text):
    assert format_figure(low, high, qualifier) == text


def test_date_label_follows_precision():
    day = pd.Timestamp("2024-06-19")
    assert date_label(day, None, "day") == "19 Jun 2024"
    assert date_label(pd.Timestamp("2024-10-01"), pd.NaT, "month") == "Oct 2024"
    assert date_label(pd.Timestamp("1995-01-01"), None, "year") == "1995"
    assert date_label(pd.Timestamp("2001-07-26"), pd.Timestamp("2001-08-18"), "day") == "26 Jul 2001 – 18 Aug 2001"


def test_with_labels_adds_when_place_and_span(dataset):
    labelled = with_labels(dataset, dataset.events).set_index("event_id")
    assert labelled.at["deployment", "when"] == "Oct 2024"
    assert labelled.at["deployment", "place"] == "Kursk"
    assert labelled.at["deployment", "span_end"] == pd.Timestamp("2024-10-31")


def test_latest_by_claimant_and_headline(dataset):
    latest = latest_by_claimant(dataset.claims, "troops_deployed")
    assert list(latest["claim_id"]) == ["ref-b-range", "seed-a-troops"]
    top = headline(dataset, dataset.claims, "troops_deployed")
    assert (top.low, top.high, top.text) == (11000, 12000, "11,000–12,000")
    assert set(top.claimants) == {"Kim Jong Un", "Unnamed sources"}
    assert headline(dataset, dataset.claims, "workers") is None


def test_claims_with_claimants_inherit_their_state_colour(dataset):
    enriched = claims_with_claimants(dataset, dataset.claims).set_index("claim_id")
    assert enriched.at["ref-b-range", "colour"] == "#D55E00"  # Kim Jong Un -> PRK's colour
    assert enriched.at["seed-a-troops", "colour"] == "#999999"  # stateless: own colour
    assert enriched.at["seed-a-troops", "figure"] == "over 11,000"


def test_place_event_counts(dataset):
    counts = place_event_counts(dataset, dataset.events)
    assert dict(zip(counts["place_id"], counts["events"], strict=True)) == {"pyongyang": 1, "kursk": 1}


def test_movement_flows_use_only_claims_that_name_a_place(dataset):
    flows = movement_flows(dataset, dataset.claims)
    assert len(flows) == 1
    flow = flows.iloc[0]
    assert (flow["metric"], flow["place_id"], flow["highest"], flow["claims"]) == ("troops_deployed", "kursk", 11000, 1)
    assert (flow["origin_lat"], flow["lat"]) == (39.02, 51.73)


def test_source_usage_counts_citations(dataset):
    usage = source_usage(dataset).set_index("source_id")
    assert (usage.at["seed-a", "events"], usage.at["seed-a", "claims"]) == (2, 1)
    assert (usage.at["ref-b", "events"], usage.at["ref-b", "claims"]) == (1, 1)


def test_event_sources_keep_the_event_order(dataset):
    assert list(event_sources(dataset, "treaty-signed")["source_id"]) == ["ref-b", "seed-a"]
    assert event_sources(dataset, "nope").empty


def test_event_lanes_put_people_in_their_state_lane(dataset):
    lanes = event_lanes(dataset, dataset.events)
    assert sorted(lanes.loc[lanes.event_id == "treaty-signed", "lane"]) == ["North Korea", "Russia"]


def test_key_events_are_recent_milestones(dataset):
    assert list(key_events(dataset.events)["event_id"]) == ["treaty-signed"]
