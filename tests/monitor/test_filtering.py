"""Filters: date ranges, actors (a state includes its people), categories, imprecise dates, one place."""

from __future__ import annotations

import pandas as pd
import pytest

from monitor import load_dataset
from monitor.filtering import (
    CLAIM_DETAIL_COLUMNS,
    EVENT_DETAIL_COLUMNS,
    Filters,
    apply_filters,
    claim_details,
    events_at_place,
    filter_claims,
    filter_events,
)
from monitor.periods import month_bounds


@pytest.fixture
def dataset(minimal_dir):
    return load_dataset(minimal_dir)


def ids(frame: pd.DataFrame, column: str = "event_id") -> list[str]:
    return sorted(frame[column])


def test_default_filters_select_everything(dataset):
    view = apply_filters(dataset, Filters())
    assert len(view.events) == 2 and len(view.claims) == 2
    assert view.summary == "showing 2 of 2 events · 2 of 2 claims"


def test_an_event_matches_when_any_of_its_actors_is_selected(dataset):
    assert ids(filter_events(dataset, Filters(actors=("RUS",)))) == ["deployment", "treaty-signed"]
    assert ids(filter_events(dataset, Filters(actors=("kim-jong-un",)))) == ["treaty-signed"]


def test_selecting_a_state_includes_its_people(dataset):
    claims = filter_claims(dataset, Filters(actors=("PRK",)))
    assert ids(claims, "claim_id") == ["ref-b-range", "seed-a-troops"]  # subject PRK, and Kim's own claim


def test_a_month_precision_event_matches_any_day_of_its_month(dataset):
    mid_october = Filters(start=pd.Timestamp("2024-10-15"), end=pd.Timestamp("2024-10-20"))
    assert ids(filter_events(dataset, mid_october)) == ["deployment"]


def test_category_filter(dataset):
    assert ids(filter_events(dataset, Filters(categories=("treaty",)))) == ["treaty-signed"]


def test_a_filter_that_matches_nothing_gives_empty_frames(dataset):
    view = apply_filters(dataset, Filters(start=pd.Timestamp("1960-01-01"), end=pd.Timestamp("1960-12-31")))
    assert view.events.empty and view.claims.empty
    assert list(view.events.columns) == [c for c in dataset.events.columns if c not in EVENT_DETAIL_COLUMNS]


def test_claims_filter_by_as_of_date(dataset):
    december = Filters(start=pd.Timestamp("2024-12-01"), end=pd.Timestamp("2024-12-31"))
    assert ids(filter_claims(dataset, december), "claim_id") == ["ref-b-range"]


def test_a_range_of_months_selects_the_events_that_overlap_it(dataset):
    start, end = month_bounds(("2024-06", "2024-06"))
    assert ids(filter_events(dataset, Filters(start=start, end=end))) == ["treaty-signed"]
    start, end = month_bounds(("2024-07", "2024-10"))
    assert ids(filter_events(dataset, Filters(start=start, end=end))) == ["deployment"]
    start, end = month_bounds(("2024-11", "2025-12"))
    assert ids(filter_events(dataset, Filters(start=start, end=end))) == []


def test_events_at_a_place(dataset):
    assert ids(events_at_place(dataset.events, "kursk")) == ["deployment"]
    assert len(events_at_place(dataset.events, None)) == 2


def test_a_views_claims_leave_out_the_long_text_and_claim_details_puts_it_back_for_the_rows_asked(dataset):
    view = apply_filters(dataset, Filters())
    assert list(view.claims.columns) == [c for c in dataset.claims.columns if c not in CLAIM_DETAIL_COLUMNS]
    rows = view.claims.iloc[[1]]
    detailed = claim_details(dataset, rows)
    pd.testing.assert_frame_equal(detailed[dataset.claims.columns], dataset.claims.iloc[[1]])
    assert claim_details(dataset, dataset.claims) is dataset.claims  # nothing missing: nothing looked up


def test_a_view_takes_its_events_and_claims_only_when_read(dataset):
    # The disagreement page reads claims only: a million events' rows are never copied for it.
    view = apply_filters(dataset, Filters(start=pd.Timestamp("2024-01-01")))
    assert view.summary.startswith(f"showing {int(view.event_mask.sum()):,} of {len(dataset.events):,} events")
    assert "events" not in vars(view)  # the count came from the mask
    assert view.claims is view.claims and "events" not in vars(view)
    assert len(view.events) == int(view.event_mask.sum()) and view.events is view.events
