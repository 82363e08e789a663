"""Derived tables: the numbers the pages show."""

from __future__ import annotations

import pandas as pd
import pytest

from monitor import data_dir, load_dataset
from monitor.derived import (
    cited_sources,
    claims_with_claimants,
    date_label,
    event_lanes,
    event_sources,
    find_event,
    format_figure,
    headline,
    key_events,
    latest_by_claimant,
    most_important,
    movement_flows,
    place_event_counts,
    search_claims,
    search_events,
    source_usage,
    with_labels,
)
from monitor.filtering import EVENT_DETAIL_COLUMNS, Filters, apply_filters, event_details


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


@pytest.fixture(scope="module")
def shipped():
    return load_dataset(data_dir())


def test_date_labels_match_date_label_row_by_row(shipped):
    labels = with_labels(shipped, shipped.events)["when"]
    expected = [
        date_label(start, end, precision)
        for start, end, precision in zip(
            shipped.events["date_start"], shipped.events["date_end"], shipped.events["date_precision"], strict=True
        )
    ]
    assert list(labels) == expected


def test_most_important_ranks_like_a_full_sort(shipped):
    events = apply_filters(shipped, Filters()).events
    ranked = events.sort_values(["importance", "date_start"], ascending=[False, True], kind="stable")
    assert list(most_important(events, 15)["event_id"]) == list(ranked.head(15)["event_id"])
    assert most_important(events.iloc[0:0]).empty


def test_cited_sources_of_a_view_match_its_rows_lists(shipped):
    view = apply_filters(shipped, Filters(start=pd.Timestamp("2024-01-01"), end=pd.Timestamp("2024-12-31")))
    lists = shipped.events.loc[view.events.index, "source_ids"]
    expected = {source for ids in lists for source in ids} | set(view.claims["source_id"])
    assert cited_sources(shipped, view.events, view.claims) == expected
    assert cited_sources(shipped, view.events.iloc[0:0], view.claims.iloc[0:0]) == set()


def test_search_finds_text_outside_the_view_columns_and_stays_in_the_view(shipped):
    view = apply_filters(shipped, Filters(start=pd.Timestamp("2024-01-01"), end=pd.Timestamp("2024-12-31")))
    found = search_events(shipped, view.events, "KURSK")  # case-insensitive, in titles, summaries or place names
    assert len(found) > 0 and set(found.index) <= set(view.events.index)
    texts = shipped.events.loc[found.index, ["title", "summary", "notes"]].fillna("").astype(str)
    summaries = texts.agg(" ".join, axis=1)
    places = shipped.events.loc[found.index, "place_id"].astype(str)
    assert (summaries.str.contains("kursk", case=False) | places.str.contains("kursk")).all()
    assert search_events(shipped, view.events, "") is view.events
    claims = search_claims(shipped, shipped.claims, "Yonhap")  # the publisher of the source read
    assert len(claims) > 0


def test_find_event_gives_the_full_row(shipped):
    event_id = shipped.events["event_id"].iloc[3]
    row = find_event(shipped, event_id)
    assert row["event_id"] == event_id and "summary" in row.index
    assert find_event(shipped, "no-such-event") is None and find_event(shipped, None) is None


def test_a_view_leaves_out_the_detail_columns_and_event_details_puts_them_back(shipped):
    view = apply_filters(shipped, Filters(categories=("treaty",)))
    assert not set(EVENT_DETAIL_COLUMNS) & set(view.events.columns)
    detailed = event_details(shipped, view.events.iloc[:3])
    expected = shipped.events.loc[view.events.index[:3]]
    pd.testing.assert_frame_equal(detailed[expected.columns], expected)


def test_most_important_newest_first_lists_the_newest_of_the_top_level(shipped):
    events = shipped.events
    top = most_important(events, 10, newest_first=True)
    assert len(top) == 10
    assert (top["importance"] == events["importance"].max()).all()
    assert top["date_start"].is_monotonic_decreasing
    newest = events.loc[events["importance"] == events["importance"].max()].nlargest(10, "date_start")
    assert set(top["event_id"]) == set(newest["event_id"])
    everything = most_important(events, len(events) + 5, newest_first=True)
    assert len(everything) == len(events)
    assert list(everything["importance"]) == sorted(everything["importance"], reverse=True)
