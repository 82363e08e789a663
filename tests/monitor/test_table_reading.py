"""A table too large to hold is validated as a stream (monitor.loading.read_large_table): the problems, where
validation stopped, the frame and the prose must be exactly those of the whole-file path (read_table), on the
hostile inputs too. tests/monitor/test_bad_input.py runs every crafted bad file both ways as well."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pandas as pd
import pytest
from uploads import REPLACED_BY_HOSTILE_TEXT, fixture_files, realistic_events

from monitor import load_dataset, loading, table_reading
from monitor.schema import TABLES
from monitor.table_reading import MAX_PROBLEMS, ProblemBudget, read_large_table, read_table

PROJECT_ROOT = Path(__file__).resolve().parents[2]
EVENTS = TABLES["events"]
HEADER = ",".join(EVENTS.columns).encode()
EMPTY_ROW = b"x" + b"," * (len(EVENTS.columns) - 1) + b"\n"


class ProseSink:
    """What monitor.cache.EntryWriter receives: each table's prose columns, chunk by chunk."""

    def __init__(self) -> None:
        self.chunks: dict[str, list[pd.DataFrame]] = {}

    def write_text(self, name: str, frame: pd.DataFrame) -> None:
        self.chunks.setdefault(name, []).append(frame)

    def discard_text(self, name: str) -> None:
        self.chunks.pop(name, None)

    def table(self, name: str) -> pd.DataFrame:
        return pd.concat(self.chunks[name])


def minimal_events(rows: int, edit=lambda number, row: row) -> bytes:
    """The minimal fixture's first event under ``rows`` new ids, each row passed through ``edit``."""
    lines = fixture_files()["events.csv"].decode().splitlines()
    first = lines[1]
    body = [edit(number, first.replace(first.split(",")[0], f"ev-{number}", 1)) for number in range(rows)]
    return "\n".join([lines[0], *body]).encode() + b"\n"


CASES = {
    "valid, realistic text": realistic_events(400_000),
    "hostile markup": fixture_files(REPLACED_BY_HOSTILE_TEXT)["events.csv"],
    "byte-order mark and CRLF": codecs.BOM_UTF8 + minimal_events(3_000).replace(b"\n", b"\r\n"),
    "wrong everywhere": HEADER + b"\n" + b"".join(b"x%d" % n + EMPTY_ROW[1:] for n in range(20_000)),
    "repeated ids": HEADER + b"\n" + EMPTY_ROW * 20_000,
    "repeated ids across chunks": minimal_events(
        2_500, lambda n, row: row.replace(f"ev-{n},", "ev-11,") if n in (10, 2_400) else row
    ),
    "schema problems past the cap, in later chunks": minimal_events(
        30_000, lambda n, row: row.replace(",treaty,", ",nonsense,") if n > 6_000 else row
    ),
    "parse problems past the cap": minimal_events(3_000, lambda n, row: row.replace("2024-06-19", "19/06/2024")),
    "a blank row between rows": minimal_events(3_000).replace(b"\nev-2000,", b'\n"",,,,,,,,,,,,,\nev-2000,'),
    "quoted empty rows at the end": minimal_events(3_000) + b'"",,,,,,,,,,,,,\n' * 5,
    "a row with an extra field": minimal_events(3_000).replace(b"\nev-2000,", b"\nev-2000,extra,"),
    "not UTF-8 in the middle": minimal_events(3_000).replace(b"ev-2500,", b"ev-\xe92500,"),
    "an unclosed quote": minimal_events(3_000).replace(b"\nev-2000,", b'\n"ev-2000,'),
    "a cell longer than a block": minimal_events(50, lambda n, row: row.replace("Treaty", "T" * 5_000)),
}


@pytest.mark.parametrize("data", CASES.values(), ids=CASES.keys())
def test_a_streamed_table_gives_what_the_whole_file_gives(data, tmp_path, monkeypatch):
    monkeypatch.setattr(table_reading, "STREAM_BLOCK_BYTES", 1_024)  # many blocks; the long cell grows the block
    whole_budget, streamed_budget = ProblemBudget(), ProblemBudget()
    whole, whole_problems = read_table(data, EVENTS, budget=whole_budget)
    path = tmp_path / "events.csv"
    path.write_bytes(data)
    sink = ProseSink()
    streamed, streamed_problems, _ = read_large_table(path, EVENTS, budget=streamed_budget, text_sink=sink)

    assert [str(problem) for problem in streamed_problems] == [str(problem) for problem in whole_problems]
    assert streamed_budget == whole_budget  # the same problems taken, and the same words for what was not checked
    assert (streamed is None) == (whole is None)
    if whole is not None:
        narrow = [column for column in EVENTS.columns if column not in EVENTS.long_text_columns]
        pd.testing.assert_frame_equal(streamed, whole[narrow])
        prose = sink.table("events") if "events" in sink.chunks else whole.iloc[:0][EVENTS.long_text_columns]
        pd.testing.assert_frame_equal(prose, whole[EVENTS.long_text_columns])


def test_the_cases_reach_the_problem_cap():
    capped = [name for name, data in CASES.items() if len(read_table(data, EVENTS)[1]) >= MAX_PROBLEMS]
    assert {"wrong everywhere", "repeated ids", "schema problems past the cap, in later chunks"} <= set(capped)


def test_a_large_folder_loads_the_same_dataset_with_its_prose_memory_mapped(tmp_path, monkeypatch):
    folder = shutil.copytree(PROJECT_ROOT / "data", tmp_path / "data")
    whole = load_dataset(folder, use_cache=False)
    monkeypatch.setattr(loading, "STREAM_FROM_BYTES", 20_000)  # events, claims and sources stream
    monkeypatch.setattr(table_reading, "STREAM_BLOCK_BYTES", 4_096)
    streamed = load_dataset(folder, use_cache=False)
    cached = load_dataset(folder)
    for name in TABLES:
        pd.testing.assert_frame_equal(streamed.table(name), whole.table(name))
        pd.testing.assert_frame_equal(cached.table(name), whole.table(name))
    pd.testing.assert_frame_equal(streamed.event_actors, whole.event_actors)
