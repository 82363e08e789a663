"""The explorer's tables without Streamlit: readable columns first with the schema's help, raw ids last, and
downloads that say where each row comes from."""

from __future__ import annotations

import pandas as pd

from monitor import data_dir, load_dataset
from monitor.explorer import (
    CLAIM_COLUMNS,
    EVENT_COLUMNS,
    claim_sources,
    claims_for_download,
    column_names,
    events_for_download,
    find_claim,
)
from monitor.filtering import Filters
from monitor.schema import TABLES

EVERYTHING = Filters(actors=(), start=pd.Timestamp("1953-01-01"), end=pd.Timestamp("2025-12-31"), categories=())


def test_readable_columns_come_first_and_raw_ids_last():
    assert column_names(CLAIM_COLUMNS)[:5] == ["as_of", "figure", "metric_label", "scope", "claimant_name"]
    assert column_names(CLAIM_COLUMNS)[-5:] == ["claim_id", "metric", "source_ids", "part_of", "place_id"]
    assert column_names(EVENT_COLUMNS)[:3] == ["when", "title", "category"]
    assert column_names(EVENT_COLUMNS)[-3:] == ["event_id", "place_id", "source_ids"]


def test_each_column_of_the_schema_is_helped_by_its_own_description():
    by_name = {column.name: column for column in CLAIM_COLUMNS}
    assert by_name["as_of"].help == TABLES["claims"].schema.columns["as_of"].description
    assert by_name["reported_on"].label == "Said on"
    assert all(column.help for column in [*CLAIM_COLUMNS, *EVENT_COLUMNS])


def test_downloads_carry_the_source_title_kind_and_date_the_version_and_the_licence():
    dataset = load_dataset(data_dir())
    claims = claims_for_download(dataset, EVERYTHING, "", 10_000)
    assert len(claims) == len(dataset.claims)
    sources = dataset.indexed("sources")
    first = claims.iloc[0]
    source_id = first["source_ids"].split(";")[0]
    assert first["source_title"] == sources.loc[source_id, "title"]
    assert first["source_kind"] == sources.loc[source_id, "kind"]
    assert first["source_published"] == sources.loc[source_id, "published"]
    assert set(claims["dataset_version"]) == {dataset.version} and set(claims["licence"]) == {"CC BY 4.0"}

    events = events_for_download(dataset, EVERYTHING, "treaty", 5)
    assert 0 < len(events) <= 5 and events["date_start"].is_monotonic_increasing
    assert events["source_title"].notna().all() and set(events["licence"]) == {"CC BY 4.0"}
    assert events["actors"].str.contains(";").any()  # lists as the CSV files write them


def test_a_claim_is_found_with_every_source_in_its_order():
    dataset = load_dataset(data_dir())
    claim = find_claim(dataset, "dod-2024-11-04-troops-kursk").iloc[0]
    assert list(claim_sources(dataset, claim)["source_id"]) == list(claim["source_ids"])
    assert find_claim(dataset, "no-such-claim").empty and find_claim(dataset, None).empty
