"""The rule that keeps a large dataset's pages small: what every page computes over all the filtered rows reads
the narrow columns (ids, dates, codes, lists of ids) only, never the long text, which stays on disk.

Measured as the memory does it: the cached tables are memory-mapped, and a page of a column counts in the process's
memory once it has been read. /proc/self/pagemap says which pages of each text column are resident in this process.
The kernel maps more than the page read (the whole folio it sits in, up to 512 kB here), so the rows a page shows
would cost more than their bytes: the pages they were read from are given back once the rows are copied out, and
a search holds one chunk of the prose at a time.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from benchmarks.generate import generate
from monitor import load_dataset, loading
from monitor.aggregate import view_event_keys
from monitor.claims import chosen_claims, claimant_order, movement_flows
from monitor.compare import HEADLINE_SCOPES, headline, headline_places
from monitor.events import key_events, most_important, place_event_counts, with_labels
from monitor.filtering import Filters, apply_filters
from monitor.schema import TABLES
from monitor.search import search_claims, search_events
from monitor.sources import cited_sources

PAGEMAP = Path("/proc/self/pagemap")
pytestmark = pytest.mark.skipif(not os.access(PAGEMAP, os.R_OK), reason="needs Linux's /proc/self/pagemap")

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
EVENT_TEXT = ["summary", "excerpt", "notes"]  # titles are shown (a few rows); these only in an event's card
CLAIM_TEXT = ["excerpt", "notes", "date_basis"]


def resident_share(column: object) -> float:
    """The share of a memory-mapped column's pages (its Arrow buffers) that this process has read."""
    chunks = pa.array(column.array)
    present = total = 0
    with PAGEMAP.open("rb") as pagemap:
        for chunk in getattr(chunks, "chunks", [chunks]):
            for buffer in chunk.buffers():
                if buffer is None or buffer.size == 0:
                    continue
                first, last = buffer.address // PAGE, (buffer.address + buffer.size - 1) // PAGE
                pagemap.seek(first * 8)
                entries = pagemap.read((last - first + 1) * 8)
                present += sum(entry >> 63 for (entry,) in struct.iter_unpack("<Q", entries))
                total += last - first + 1
    return present / max(total, 1)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    # Enough rows that each text column spans thousands of pages (realistic text: about 5 MB of summaries).
    folder = tmp_path_factory.mktemp("text") / "data"
    generate(20_000, folder, seed=1)
    load_dataset(folder)  # validates and writes the cache; the tests map it afresh
    return folder


@pytest.fixture(scope="module")
def streamed_folder(tmp_path_factory):
    # Validated as a stream, as a large folder is: the prose is stored in chunks (ten here).
    folder = tmp_path_factory.mktemp("streamed") / "data"
    generate(20_000, folder, seed=2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loading, "STREAM_FROM_BYTES", 1 << 20)
        load_dataset(folder)
    return folder


def test_what_pages_compute_over_the_filtered_rows_never_reads_the_long_text(folder):
    dataset = load_dataset(folder)  # from the cache, memory-mapped
    for filters in (Filters(), Filters(actors=("PRK", "RUS")), Filters(categories=("military",))):
        view = apply_filters(dataset, filters)
        cited_sources(dataset, view.events, view.claims)
        with_labels(dataset, most_important(view.events, 15))
        view_event_keys(dataset, view.events)
        place_event_counts(dataset, view.events)
        key_events(view.events)
        claims = chosen_claims(dataset, view.claims, ["troops_deployed"], list(HEADLINE_SCOPES))
        headline(claims, "troops_deployed")
        headline_places(claims, "troops_deployed")
        movement_flows(dataset, view.claims)
        claimant_order(dataset, "troops_deployed")
    events = {name: resident_share(dataset.events[name]) for name in EVENT_TEXT}
    assert max(events.values()) < 0.2, str(events)
    # The claims' text columns span a few dozen pages here, so the neighbours of the narrow columns read around
    # them are a good share of them: what is ruled out is reading them whole (as copying the claims did).
    claims = {name: resident_share(dataset.claims[name]) for name in CLAIM_TEXT}
    assert max(claims.values()) < 0.9, str(claims)


def test_the_measure_sees_a_column_read_whole(folder):
    dataset = load_dataset(folder)
    notes = dataset.events["notes"]
    assert resident_share(notes) < 0.1
    notes.str.len().sum()
    assert resident_share(notes) > 0.9


def test_a_cached_load_leaves_none_of_its_files_in_memory(folder):
    # Read in place (Arrow-backed) or copied by pandas: either way the mapped pages are given back once read.
    dataset = load_dataset(folder)
    in_place = ["event_id", "actors", "source_ids", *TABLES["events"].long_text_columns]
    assert {column: resident_share(dataset.events[column]) for column in in_place} == dict.fromkeys(in_place, 0.0)


@pytest.mark.parametrize("stored", ["folder", "streamed_folder"])
def test_the_rows_shown_leave_none_of_the_prose_in_memory(stored, request):
    dataset = load_dataset(request.getfixturevalue(stored))
    columns = TABLES["events"].long_text_columns
    # Rows from every chunk, not in file order, as a page sorted by date asks for them.
    positions = np.linspace(0, len(dataset.events) - 1, 500).astype(np.int64)[::-1]
    shown = dataset.rows("events", positions, columns)
    assert {column: resident_share(dataset.events[column]) for column in columns} == dict.fromkeys(columns, 0.0)
    # And the cells are the same when read again from the pages given back.
    pd.testing.assert_frame_equal(shown, dataset.events[columns].iloc[positions].reset_index(drop=True))


def test_a_search_holds_one_chunk_of_the_prose_at_a_time(streamed_folder, monkeypatch):
    dataset = load_dataset(streamed_folder)
    view = apply_filters(dataset, Filters())
    assert pa.array(dataset.events["summary"].array).num_chunks >= 5
    held: list[float] = []
    give_back = loading.give_back

    def measured(chunk: pa.Array) -> None:
        held.append(resident_share(dataset.events["summary"]))
        give_back(chunk)

    monkeypatch.setattr(loading, "give_back", measured)
    events, claims = search_events(dataset, view.events, "the"), search_claims(dataset, view.claims, "the")
    assert 0 < max(held) < 0.5
    assert max(resident_share(dataset.events[name]) for name in EVENT_TEXT) == 0
    assert max(resident_share(dataset.claims[name]) for name in CLAIM_TEXT) == 0
    # The same rows as one search over each whole column.
    monkeypatch.setattr("monitor.search.scanned", lambda values: iter([values]))
    pd.testing.assert_frame_equal(events, search_events(dataset, view.events, "the"))
    pd.testing.assert_frame_equal(claims, search_claims(dataset, view.claims, "the"))
    assert 0 < len(events) < len(view.events)
