"""Events as pages show them: labels, ranking, lookup, sources and lanes."""

from __future__ import annotations

import pandas as pd
import pytest

from monitor import data_dir, load_dataset
from monitor.events import (
    event_lanes,
    event_sources,
    find_event,
    key_events,
    most_important,
    place_event_counts,
    with_labels,
)
from monitor.filtering import EVENT_DETAIL_COLUMNS, Filters, apply_filters, event_details
from monitor.labels import date_label


@pytest.fixture
def dataset(minimal_dir):
    return load_dataset(minimal_dir)


def test_with_labels_adds_when_place_and_span(dataset):
    labelled = with_labels(dataset, dataset.events).set_index("event_id")
    assert labelled.at["deployment", "when"] == "Oct 2024"
    assert labelled.at["deployment", "place"] == "Kursk"
    assert labelled.at["deployment", "span_end"] == pd.Timestamp("2024-10-31")


def test_place_event_counts(dataset):
    counts = place_event_counts(dataset, dataset.events)
    assert dict(zip(counts["place_id"], counts["events"], strict=True)) == {"pyongyang": 1, "kursk": 1}


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
