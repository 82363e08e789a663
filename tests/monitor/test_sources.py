"""Which sources the data cites."""

from __future__ import annotations

import pandas as pd

from monitor import data_dir, load_dataset
from monitor.filtering import Filters, apply_filters
from monitor.search import search_claims, search_events
from monitor.sources import cited_sources, source_usage


def test_source_usage_counts_citations(minimal_dir):
    usage = source_usage(load_dataset(minimal_dir)).set_index("source_id")
    # ref-b-range cites ref-b and seed-a: a relay counts for every source that reports it.
    assert (usage.at["seed-a", "events"], usage.at["seed-a", "claims"]) == (2, 2)
    assert (usage.at["ref-b", "events"], usage.at["ref-b", "claims"]) == (1, 1)


def test_cited_sources_of_a_view_match_its_rows_lists():
    shipped = load_dataset(data_dir())
    view = apply_filters(shipped, Filters(start=pd.Timestamp("2024-01-01"), end=pd.Timestamp("2024-12-31")))
    event_lists = shipped.events.loc[view.events.index, "source_ids"]
    claim_lists = shipped.claims.loc[view.claims.index, "source_ids"]
    expected = {source for ids in [*event_lists, *claim_lists] for source in ids}
    assert cited_sources(shipped, view.events, view.claims) == expected
    assert cited_sources(shipped, view.events.iloc[0:0], view.claims.iloc[0:0]) == set()


def test_search_finds_text_outside_the_view_columns_and_stays_in_the_view():
    shipped = load_dataset(data_dir())
    view = apply_filters(shipped, Filters(start=pd.Timestamp("2024-01-01"), end=pd.Timestamp("2024-12-31")))
    found = search_events(shipped, view.events, "KURSK")  # case-insensitive, in titles, summaries or place names
    assert len(found) > 0 and set(found.index) <= set(view.events.index)
    texts = shipped.events.loc[found.index, ["title", "summary", "notes"]].fillna("").astype(str)
    summaries = texts.agg(" ".join, axis=1)
    places = shipped.events.loc[found.index, "place_id"].astype(str)
    assert (summaries.str.contains("kursk", case=False) | places.str.contains("kursk")).all()
    assert search_events(shipped, view.events, "") is view.events
    claims = search_claims(shipped, shipped.claims, "Yonhap")  # the publisher of a source it was read in
    assert len(claims) > 0
