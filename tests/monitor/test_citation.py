"""Citations, the footer line and each download row's provenance, on the small fixture."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from uploads import fixture_files

from monitor import load_tables
from monitor.citation import (
    data_cutoff,
    footer_text,
    query_string,
    record_citation,
    view_citation,
    with_provenance,
)
from monitor.datapackage import licence_text


@pytest.fixture
def dataset():
    return load_tables(fixture_files(), version="1.2.3")


def test_the_cutoff_is_the_latest_day_an_event_spans_or_a_figure_describes_or_was_said_on(dataset):
    assert data_cutoff(dataset) == pd.Timestamp("2025-07-13")  # a claim's as-of and said-on day
    later = load_tables(fixture_files({"2024-10-01,,month": "2025-07-01,,month"}))
    assert data_cutoff(later) == pd.Timestamp("2025-07-31")  # a month-precision event spans its month


def test_the_footer_reads_like_datasette(dataset):
    assert footer_text(dataset) == "Data to 13 Jul 2025 · version 1.2.3 · CC BY 4.0"


def test_an_empty_dataset_has_no_cutoff():
    files = {name: data.split(b"\n", 1)[0] + b"\n" for name, data in fixture_files().items()}
    empty = load_tables(files)
    assert data_cutoff(empty) is None
    assert footer_text(empty).startswith("Data to date unknown · ")


def test_query_strings_repeat_a_key_for_each_value():
    assert query_string({}) == ""
    assert query_string({"actor": ["North Korea", "Russia"], "period": ["2024"]}) == (
        "?actor=North+Korea&actor=Russia&period=2024"
    )


def test_citations_name_the_version_cutoff_url_and_access_date(dataset):
    accessed = dt.date(2026, 11, 30)
    view = view_citation(dataset, "Map", "https://x.org/map?period=2024", accessed)
    assert view == (
        "DPRK–Russia Alignment Monitor, “Map” (dataset version 1.2.3, data to 13 Jul 2025; CC BY 4.0). "
        "https://x.org/map?period=2024 (accessed 30 Nov 2026)."
    )
    record = record_citation(dataset, "claim", "c-1", "NIS: about 11,000", "https://x.org/explorer?claim=c-1", accessed)
    assert "claim “NIS: about 11,000” (c-1), dataset version 1.2.3" in record
    assert record.endswith("https://x.org/explorer?claim=c-1 (accessed 30 Nov 2026).")


def test_provenance_gives_each_rows_source_title_kind_and_date(dataset):
    rows = pd.DataFrame({"row": [1, 2, 3]})
    dressed = with_provenance(rows, dataset, ["ref-b", "seed-a", None])
    assert list(dressed["source_kind"][:2]) == ["reference", "news"]
    assert dressed["source_published"].iloc[0] == pd.Timestamp("2024-06-19")
    assert pd.isna(dressed["source_title"].iloc[2])
    assert set(dressed["dataset_version"]) == {"1.2.3"} and set(dressed["licence"]) == {"CC BY 4.0"}


def test_an_upload_is_not_a_release_and_states_no_licence():
    upload = load_tables(fixture_files(), version="your upload")
    assert footer_text(upload) == "Data to 13 Jul 2025 · your upload"
    accessed = dt.date(2026, 11, 30)
    assert "(your upload, data to 13 Jul 2025). https://x.org/ (" in view_citation(
        upload, "Map", "https://x.org/", accessed
    )
    assert "CC BY" not in record_citation(upload, "event", "e", "T", "https://x.org/", accessed)
    assert set(with_provenance(pd.DataFrame({"row": [1]}), upload, ["ref-b"])["licence"]) == {"not stated (an upload)"}
    assert "no licence is stated" in licence_text("your upload") and "CC BY 4.0" in licence_text("2.0.1")
