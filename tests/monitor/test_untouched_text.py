"""The rule that keeps a large dataset's pages small: what every page computes over all the filtered rows reads
the narrow columns (ids, dates, codes, lists of ids) only, never the long text, which stays on disk.

Measured as the memory does it: the cached tables are memory-mapped, and a page of a column counts in the process's
memory once it has been read. /proc/self/pagemap says which pages of each text column are resident in this process.
The kernel maps more than the page read (its neighbours, up to a large folio: about a megabyte here), so the rows a
page shows cost more than their bytes; the rule is about not reading every row.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pyarrow as pa
import pytest

from benchmarks.generate import generate
from monitor import load_dataset
from monitor.aggregate import view_event_keys
from monitor.claims import chosen_claims, claimant_order, movement_flows
from monitor.compare import HEADLINE_SCOPES, headline, headline_places
from monitor.events import key_events, most_important, place_event_counts, with_labels
from monitor.filtering import Filters, apply_filters
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
