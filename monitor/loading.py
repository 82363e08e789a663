"""Read the CSV tables, parse them by the schema, and validate every row before anyone sees it.

Every problem is collected (never the first only) and reported as ``file:row:column: message``.
Nothing is dropped: a dataset either loads whole or raises :class:`DataValidationError`.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import hashlib
import io
import itertools
import json
import mmap
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from monitor.actors import state_of
from monitor.cache import EntryWriter, content_key, read_cached
from monitor.changelog import readable_release
from monitor.errors import DataValidationError, Problem, reading_order
from monitor.files import (
    LargeFile,
    UnreadableDataError,
    UnreadableFileError,
    open_regular_file,
    read_folder_files,
    read_regular_file,
)
from monitor.places import check_place_countries
from monitor.schema import LIST_SEPARATOR, PARTIES_TO_THE_WAR, TABLES, TableSpec

HEADER_ROW = 1
FIRST_DATA_ROW = 2
SHOWN_CHARS = 60  # a long value is quoted in a message by its first characters and its length
SHOWN_ROWS = 10  # a duplicate id lists at most this many of its rows
# Parsed dates are nanosecond timestamps; a date outside their span is clamped to the edge of it, so the
# schema's range check still reports it (quoting the text as written) instead of the parser failing.
_EARLIEST_DATE = pd.Timestamp("1678-01-01")
_LATEST_DATE = pd.Timestamp("2261-01-01")  # a 1 January, so no precision rule fires on top
# Whole numbers beyond float's exact range are clamped the same way before they become Int64.
_LARGEST_WHOLE = 2.0**53
_DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BOOLEAN_TEXT = {"true": True, "false": False}
_OTHER_DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}
_PYARROW_BLOCK_BYTES = 1 << 20
# Enough problems to act on. Collecting them all costs time and memory in proportion to rows x problems (a
# 6 KB zip of 200,000 empty rows held two million), so validation stops once it has this many.
MAX_PROBLEMS = 1_000
# Rows validated in one pass: few at first, so a file that is wrong everywhere stops within a second; more and
# more after clean passes, so a valid million-row file takes a handful.
FIRST_CHUNK_ROWS = 1_000
LARGEST_CHUNK_ROWS = 64_000
_LINE_END = re.compile(rb"\r\n?|\n")
_BLANK_TAIL = b" \t,\r\n"  # what a blank line holds: nothing, spaces, or a spreadsheet's empty cells
_TAIL_BLOCK_BYTES = 1 << 16


@dataclass
class ProblemBudget:
    """How many more problems validation collects before it stops, and where it stopped."""

    remaining: int = MAX_PROBLEMS
    stopped: list[str] = field(default_factory=list)

    @property
    def spent(self) -> bool:
        return self.remaining <= 0

    def take(self, problems: list[Problem]) -> list[Problem]:
        self.remaining -= len(problems)
        return problems

    def stop(self, what_was_not_checked: str) -> None:
        self.stopped.append(what_was_not_checked)


@dataclass
class Dataset:
    """The validated tables, with dates parsed and ``;`` lists split into Arrow list columns.

    Read-only once built: the app shares one instance between sessions (and may map it from a cache file).
    ``events`` has a RangeIndex, so an event's index label is its row position.
    """

    sources: pd.DataFrame
    actors: pd.DataFrame
    places: pd.DataFrame
    events: pd.DataFrame
    claims: pd.DataFrame
    story: pd.DataFrame = field(default_factory=lambda: empty_table(TABLES["story"]))
    version: str = "unversioned"
    latest_changes: str = ""
    # Things a curator should know that do not stop the data loading (an old file format read for one release).
    notices: tuple[str, ...] = ()
    # Derived from events when not given (the cache stores them too, so a cached load builds nothing).
    event_actors: pd.DataFrame | None = None
    event_span_end: pd.Series | None = None
    _memo: dict[str, Any] = field(init=False, default_factory=dict, repr=False, compare=False)
    # Sessions share one Dataset on several threads: a value is built once, not once per racing session.
    _memo_lock: threading.Lock = field(init=False, default_factory=threading.Lock, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.events = self.events.reset_index(drop=True)
        if self.event_actors is None:
            self.event_actors = link_table(self.events["actors"])
        if self.event_span_end is None:
            self.event_span_end = span_end(self.events)

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def indexed(self, name: str) -> pd.DataFrame:
        """A table indexed by its id column (sources by source_id...), built once: lookups on every rerun."""
        return self.memo(f"indexed:{name}", lambda: self.table(name).set_index(TABLES[name].columns[0]))

    def memo(self, key: str, build: Callable[[], Any]) -> Any:
        """A value derived from the (read-only) tables, built on first use and kept with the dataset.

        Only data belongs here (arrays, frames): the core knows nothing of charts or widgets."""
        if key not in self._memo:
            with self._memo_lock:
                if key not in self._memo:
                    self._memo[key] = build()
        return self._memo[key]


def link_table(lists: pd.Series) -> pd.DataFrame:
    """One row per (row, item) of a list column: ``event_row`` (position) and ``actor_id`` (categorical).

    Integer rows and category codes keep a filter over a million events a few vectorised array operations.
    Built chunk by chunk and coded against the few distinct ids, so no copy of the list column is made.
    """
    rows, codes = [], []
    offset = 0
    # An Arrow list column, as every loaded table has (LIST_DTYPE): its chunks, without a copy.
    chunks = pyarrow.chunked_array(pyarrow.array(lists.array)).chunks
    categories = pyarrow.array(
        sorted(set().union(*(pc.unique(pc.list_flatten(chunk)).to_pylist() for chunk in chunks))), pyarrow.string()
    )
    for chunk in chunks:
        rows.append(pc.list_parent_indices(chunk).to_numpy().astype(np.int32) + offset)
        # int32 holds any number of actors; pandas narrows the codes to what the categories need.
        codes.append(pc.index_in(pc.list_flatten(chunk), value_set=categories).to_numpy().astype(np.int32))
        offset += len(chunk)
    actor_ids = pd.Categorical.from_codes(
        np.concatenate(codes) if codes else np.array([], np.int32), categories=categories.to_pylist()
    )
    event_rows = np.concatenate(rows) if rows else np.array([], np.int32)
    return pd.DataFrame({"event_row": event_rows, "actor_id": actor_ids})


def span_end(events: pd.DataFrame) -> pd.Series:
    """Last day each event covers: its date_end, else the end of its month or year when less precise."""
    start = events["date_start"].to_numpy(dtype="datetime64[ns]")
    by_month = (events["date_precision"] == "month").to_numpy(dtype=bool)
    by_year = (events["date_precision"] == "year").to_numpy(dtype=bool)
    one_day = np.timedelta64(1, "D")
    month_end = ((start.astype("datetime64[M]") + 1).astype("datetime64[D]") - one_day).astype("datetime64[ns]")
    year_end = ((start.astype("datetime64[Y]") + 1).astype("datetime64[D]") - one_day).astype("datetime64[ns]")
    end = np.where(by_month, month_end, np.where(by_year, year_end, start))
    computed = pd.Series(end, index=events.index, dtype="datetime64[ns]")
    return events["date_end"].fillna(computed).rename("span_end")


def load_dataset(path: str | Path, *, use_cache: bool = True) -> Dataset:
    """Load and validate every table in ``path``; raise one error listing every problem.

    Validated tables are cached beside the files (``monitor.cache``): later loads of unchanged files skip
    parsing and validation. ``use_cache=False`` validates the files again (and refreshes the cache).
    A table file larger than STREAM_FROM_BYTES is validated block by block, its prose streamed to the cache and
    read back memory-mapped, so a million events validate in bounded memory.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise DataValidationError([Problem(str(folder), 0, "*", "data folder not found")])
    release, release_notices = readable_release(folder / "CHANGELOG.md")
    about = {"version": read_version(folder), "latest_changes": release.changes}
    cached = read_cached(folder, DERIVED_TABLES) if use_cache else None
    if cached is not None:
        return _dataset_from_cache(cached, about, release_notices)
    # Regular files only: a FIFO, a broken link or an unreadable file is a clear error, not a hang or a crash.
    files = read_folder_files(folder, [spec.file_name for spec in TABLES.values()], whole_up_to=STREAM_FROM_BYTES)
    notices: list[str] = []
    digests: dict[str, str | None] = {}
    with EntryWriter(folder) as entry:
        frames = validated_tables(files, where=str(folder), notices=notices, text_sink=entry, digests=digests)
        del files  # the raw bytes of a large folder are not needed while the cache is written
        # The entry is named by the bytes validated, even if a file changes meanwhile.
        key = content_key(digests)
        streamed = [name for name, spec in TABLES.items() if not set(spec.long_text_columns) <= set(frames[name])]
        dataset = Dataset(**frames, **about, notices=(*release_notices, *notices))
        derived = {"event_actors": dataset.event_actors, "event_span_end": dataset.event_span_end.to_frame()}
        if streamed:  # prose was never held: read back from the entry, memory-mapped
            stored = entry.read_back({**frames, **derived}, key, publish=not notices)
            return _dataset_from_cache(stored, about, (*release_notices, *notices))
        if not notices:  # a file in an old format is read afresh each time, so its notice is never lost in a cache
            entry.publish({**frames, **derived}, key)
    return dataset


def _dataset_from_cache(frames: dict[str, pd.DataFrame], about: dict[str, str], notices: tuple[str, ...]) -> Dataset:
    derived: dict[str, Any] = {}
    if "event_actors" in frames:
        span_end = frames.pop("event_span_end")["span_end"]
        derived = {"event_actors": frames.pop("event_actors"), "event_span_end": span_end}
    return Dataset(**frames, **derived, **about, notices=notices)


# Stored in the cache with the tables: their names and columns.
DERIVED_TABLES = {"event_actors": ("event_row", "actor_id"), "event_span_end": ("span_end",)}
# Columns with a handful of distinct values are stored as categories once validated: a byte or two per event
# instead of a string, in memory, in the cache and in every filtered copy.
CODED_EVENT_COLUMNS = ("date_precision", "category", "status", "place_id")


def load_tables(
    files: Mapping[str, bytes | None],
    *,
    where: str = "the upload",
    version: str = "unversioned",
    changes: str = "",
    max_rows: int | None = None,
) -> Dataset:
    """Validate tables given as raw CSV bytes by file name (a folder's files, or an upload).

    ``max_rows`` refuses a table with more data rows, counted before any frame is built."""
    notices: list[str] = []
    frames = validated_tables(files, where=where, notices=notices, max_rows=max_rows)
    return Dataset(**frames, version=version, latest_changes=changes, notices=tuple(notices))


def validated_tables(
    files: Mapping[str, bytes | None],
    *,
    where: str,
    notices: list[str] | None = None,
    max_rows: int | None = None,
    max_problems: int = MAX_PROBLEMS,
    text_sink: TextSink | None = None,
    digests: dict[str, str | None] | None = None,
) -> dict[str, pd.DataFrame]:
    """Every table parsed and validated, by table name; raise one error listing the problems.

    A required file that is absent (None or not a key) is a problem; an optional one loads as an empty table.
    A file in the previous format loads, and ``notices`` (when given) receives what was read differently.
    After ``max_problems`` problems validation stops, and the error says what was left unchecked.
    A :class:`LargeFile` is read as a stream: its prose columns go to ``text_sink`` chunk by chunk and its
    frame holds the other columns. ``digests`` (when given) receives each file's SHA-256 (None: absent).
    """
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    budget = ProblemBudget(max_problems)
    for spec in TABLES.values():
        data = files.get(spec.file_name)
        if digests is not None and not isinstance(data, LargeFile):
            digests[spec.file_name] = None if data is None else hashlib.sha256(data).hexdigest()
        if budget.spent:
            if data is not None:
                budget.stop(f"{spec.file_name} was not checked")
            continue
        if data is None:
            if spec.optional:
                frames[spec.name] = empty_table(spec)
            else:
                problems.append(budget.take([Problem(spec.file_name, 0, "*", f"file is missing from {where}")])[0])
            continue
        if isinstance(data, LargeFile):
            if text_sink is None:
                raise ValueError(f"{spec.file_name} is read as a stream, which needs somewhere to put its prose")
            frame, table_problems, digest = read_large_table(
                data.path, spec, notices, budget=budget, text_sink=text_sink
            )
            if digests is not None:
                digests[spec.file_name] = digest
        else:
            frame, table_problems = read_table(data, spec, notices, max_rows=max_rows, budget=budget)
        problems.extend(table_problems)
        if frame is not None:
            frames[spec.name] = frame
    if budget.spent:
        budget.stop("the checks across tables (ids, parts, dates) were not run")
    else:
        problems.extend(check_references(frames))
    if problems:
        raise _limited_error(problems, max_problems, budget.stopped)
    if "events" in frames:
        frames["events"] = frames["events"].astype(dict.fromkeys(CODED_EVENT_COLUMNS, "category"))
    return frames


def _limited_error(problems: list[Problem], max_problems: int, stopped: list[str]) -> DataValidationError:
    """The error for ``problems``, at most ``max_problems`` of them in reading order."""
    if len(problems) > max_problems:
        problems = sorted(problems, key=reading_order)[:max_problems]
        stopped = stopped or ["problems after these were not listed"]
    return DataValidationError(problems, stopped="; ".join(stopped))


def empty_table(spec: TableSpec) -> pd.DataFrame:
    """A table with the spec's columns and dtypes and no rows."""
    return pd.DataFrame({name: pd.Series(dtype=column.dtype.type) for name, column in spec.schema.columns.items()})


def read_version(folder: Path) -> str:
    """The dataset version recorded in ``datapackage.json``, if the folder has one."""
    descriptor = folder / "datapackage.json"
    try:
        data = read_regular_file(descriptor)
    except UnreadableFileError as error:
        raise UnreadableDataError([error]) from None
    try:
        return str(json.loads(data).get("version", "unversioned")) if data is not None else "unversioned"
    except (ValueError, AttributeError):
        return "unversioned"


def read_table(
    data: bytes,
    spec: TableSpec,
    notices: list[str] | None = None,
    *,
    max_rows: int | None = None,
    budget: ProblemBudget | None = None,
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Parse and validate one CSV file's bytes; the frame is None when its header is unusable.

    A header in the previous format (``spec.legacy_renames``) is read into the current columns, with a notice.
    Blank lines at the end are dropped before anything is parsed; a file with more than ``max_rows`` rows is
    refused before any frame is built; validation stops once ``budget`` is spent."""
    name = spec.file_name
    budget = budget if budget is not None else ProblemBudget()
    data = without_trailing_blank_lines(data)
    text, problems = _decode(data, name)
    if text is None:
        return None, problems
    if not text or text.isspace():  # (not text.strip(): that would copy a large file once more)
        return None, [_empty_file(spec)]
    header, header_problems = _check_header(text, spec)
    if header_problems:
        return None, header_problems
    # pyarrow parses the bytes themselves: the decoded copy (as large as the file) is let go first.
    del text
    if max_rows is not None and has_more_rows_than(data, max_rows):
        return None, budget.take([Problem(name, 0, "*", f"has more than {max_rows:,} rows; the limit is {max_rows:,}")])
    body = data.removeprefix(codecs.BOM_UTF8)
    # One block holds the whole file, so any row, however long, is read.
    checker = RowChecker(spec, header, budget, keep=spec.columns)
    raw_header = _first_record(body[:_PYARROW_BLOCK_BYTES].decode("utf-8", errors="ignore"))
    block = max(_PYARROW_BLOCK_BYTES, len(body) + 1)
    ending = _check_rows(pyarrow.BufferReader(body), block, checker, header, raw_header, can_grow=False)
    if ending is _RAGGED:
        return None, _ragged(_ragged_rows(_records(body.decode("utf-8")), name), checker.ragged, budget, name)
    if ending is not None:
        return None, budget.take(ending[: max(budget.remaining, 1)])
    return checker.finish(notices)


TextSink = Any  # monitor.cache.EntryWriter: write_text(table, frame) and discard_text(table)
STREAM_FROM_BYTES = 64 << 20  # a table file larger than this is validated as a stream of row blocks
# A block must hold the longest row (a longer one grows it 4x and starts again). pyarrow's streaming reader
# reads dozens of blocks ahead: 16 MB blocks held 580 MB while a million events were read, 2 MB about 150.
STREAM_BLOCK_BYTES = 2 << 20
_DIGEST_BLOCK_BYTES = 16 << 20


def read_large_table(
    path: Path, spec: TableSpec, notices: list[str] | None = None, *, budget: ProblemBudget, text_sink: TextSink
) -> tuple[pd.DataFrame | None, list[Problem], str]:
    """:func:`read_table` for a file too large to hold, read block by block: the same problems, the frame
    without its prose columns (written to ``text_sink``), and the SHA-256 of the file's bytes.

    Memory holds one chunk of rows, the columns other than prose, and at most a budget's worth of problems."""
    name = spec.file_name
    digest = _digest(path)
    with _open(path) as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as whole:
        end = _content_end(whole)  # only the last pages are read
        start = len(codecs.BOM_UTF8) if whole[:3] == codecs.BOM_UTF8 else 0
        head = whole[start : min(end, start + _PYARROW_BLOCK_BYTES)].decode("utf-8", errors="ignore")
        if not head.strip() and _only_white_space(whole, start, end):
            return None, [_empty_file(spec)], digest
    header, header_problems = _check_header(head, spec)
    if header_problems:
        return None, _not_utf8(path, name) or header_problems, digest
    block = STREAM_BLOCK_BYTES
    while True:
        checker = RowChecker(spec, header, budget, keep=[c for c in spec.columns if c not in spec.long_text_columns])
        checker.text_sink = text_sink
        try:
            with pyarrow.OSFile(str(path)) as source:
                stream = source.get_stream(start, end - start)
                ending = _check_rows(stream, block, checker, header, _first_record(head), can_grow=block < end - start)
            break
        except _RowTooLongError:
            text_sink.discard_text(spec.name)
            block *= 4
    if ending is not None and (not_utf8 := _not_utf8(path, name)):
        return None, not_utf8, digest  # pyarrow checks UTF-8 as it reads; the whole-file reader first of all
    if ending is _RAGGED:
        with _open(path) as handle:
            handle.seek(start)
            records = csv.reader(io.TextIOWrapper(_Limited(handle, end - start), encoding="utf-8", newline=""))
            return None, _ragged(_ragged_rows(records, name), checker.ragged, budget, name), digest
    if ending is not None:
        return None, budget.take(ending[: max(budget.remaining, 1)]), digest
    frame, problems = checker.finish(notices)
    return frame, problems, digest


class _RowTooLongError(Exception):
    """A row longer than the block being read: read again with larger blocks."""


_RAGGED: list[Problem] = []  # the marker of a file with rows of the wrong length (the exact reader finds them)


def _check_rows(
    source: Any, block_size: int, checker: RowChecker, header: list[str], raw_header: list[str], *, can_grow: bool
) -> list[Problem] | None:
    """Read CSV rows from ``source`` in blocks and feed them to ``checker``. None when every row was read;
    else the problems that end this table (not CSV, an unreadable header), or _RAGGED. pyarrow is strict where
    pandas pads or drops fields silently."""
    name = checker.spec.file_name

    def count_ragged(_row: object) -> str:
        checker.ragged += 1
        return "skip"

    try:
        reader = pa_csv.open_csv(
            source,
            read_options=pa_csv.ReadOptions(block_size=block_size, use_threads=False),
            parse_options=pa_csv.ParseOptions(
                newlines_in_values=True,
                # Blank lines are kept as rows so that row numbers stay those a spreadsheet shows.
                ignore_empty_lines=False,
                invalid_row_handler=count_ragged,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={column: pyarrow.string() for column in raw_header},
                strings_can_be_null=False,
            ),
        )
        if sorted(column.strip() for column in reader.schema.names) != sorted(header):
            return [Problem(name, HEADER_ROW, "*", "the header could not be read; check its quote marks")]
        checker.start(reader.schema)
        for batch in reader:
            checker.feed(batch)
    except pyarrow.ArrowException as error:
        if "straddles" in str(error) and can_grow:
            raise _RowTooLongError from None
        return [Problem(name, 0, "*", f"file is not valid CSV: {_shorten(str(error), 200)}")]
    return _RAGGED if checker.ragged else None


def _ragged(found: list[Problem], count: int, budget: ProblemBudget, name: str) -> list[Problem]:
    problems = found or [Problem(name, 0, "*", f"{count} row(s) do not have as many fields as the header")]
    return budget.take(problems[: max(budget.remaining, 1)])


def _empty_file(spec: TableSpec) -> Problem:
    return Problem(spec.file_name, 0, "*", f"file is empty; expected a header row: {','.join(spec.columns)}")


def _open(path: Path) -> BinaryIO:
    handle = open_regular_file(path)
    if handle is None:
        raise UnreadableDataError([UnreadableFileError(path, "was removed while it was being read")])
    return handle


def _digest(path: Path) -> str:
    with _open(path) as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _not_utf8(path: Path, name: str) -> list[Problem]:
    """The problem with the file's first byte that is not UTF-8 (none when it is all UTF-8), as :func:`_decode`
    words it; only a file that already failed is read for this."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with _open(path) as handle:
        while True:
            block = handle.read(_DIGEST_BLOCK_BYTES)
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as error:
                # The decoder may hold the start of a character from the block before.
                bad = max(offset + error.start - len(decoder.getstate()[0]), 0)
                handle.seek(0)
                return _decode(handle.read(bad + 1), name)[1]
            if not block:
                return []
            offset += len(block)


def _only_white_space(data: mmap.mmap, start: int, end: int) -> bool:
    for first in range(start, end, _DIGEST_BLOCK_BYTES):
        if not data[first : min(end, first + _DIGEST_BLOCK_BYTES)].decode("utf-8", errors="ignore").isspace():
            return False
    return True


class _Limited(io.RawIOBase):
    """The next ``size`` bytes of ``handle``, as a file of their own."""

    def __init__(self, handle: BinaryIO, size: int) -> None:
        self.handle, self.left = handle, size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self.handle.read(min(len(buffer), self.left))
        buffer[: len(chunk)] = chunk
        self.left -= len(chunk)
        return len(chunk)


def without_trailing_blank_lines(data: bytes) -> bytes:
    """The file without the blank lines (or lines of empty cells) at its end, found from the end backwards.

    Spreadsheets export such lines, and a few kilobytes of zip can hold millions of them: dropped before
    parsing, they cost nothing. The file is returned as it is (no copy) when it has none."""
    cut = _content_end(data)
    return data if cut == len(data) else data[:cut]


def _content_end(data: bytes | mmap.mmap) -> int:
    """Where the blank lines at the end of ``data`` begin (its length when it has none); only its end is read."""
    end = len(data)
    while end > 0:
        start = max(0, end - _TAIL_BLOCK_BYTES)
        kept = data[start:end].rstrip(_BLANK_TAIL)
        end = start + len(kept)
        if kept:
            break
    # The last filled line keeps its own trailing empty cells ('a,b,,'), up to its line end.
    while end < len(data) and data[end : end + 1] in (b" ", b"\t", b","):
        end += 1
    line_end = _LINE_END.match(data, end)
    return line_end.end() if line_end is not None else end  # its line end stays: pyarrow needs it after a header


def has_more_rows_than(data: bytes, limit: int) -> bool:
    """True when the file holds more than ``limit`` data rows (records after the header).

    Line ends bound the number of records and are counted in C; only when they exceed the limit are records
    counted exactly (a quoted cell may hold line breaks), and never more than ``limit + 2`` of them."""
    line_ends = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    if line_ends <= limit:
        return False
    records = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline=""))
    return sum(1 for _ in itertools.islice(records, limit + 2)) > limit + 1


def _decode(data: bytes, name: str) -> tuple[str | None, list[Problem]]:
    try:
        # utf-8-sig accepts a byte-order mark; the CSV reader accepts CRLF line ends.
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        row = _row_at(data[: error.start].decode("utf-8-sig"))
        byte = data[error.start : error.start + 1].hex()
        message = f"is not UTF-8 (byte 0x{byte}); save the file as UTF-8"
        return None, [Problem(name, row, "*", message)]


def _row_at(before: str) -> int:
    """The row (header = 1) in which the text that follows ``before`` starts."""
    rows = sum(1 for _ in _records(before))
    return rows + 1 if not before or before.endswith(("\n", "\r")) else max(rows, 1)


def _records(text: str) -> Iterator[list[str]]:
    """CSV records as Python reads them; newline="" lets a lone CR end a line as it does for pyarrow."""
    return csv.reader(io.StringIO(text, newline=""))


def _first_record(text: str) -> list[str]:
    try:
        return next(_records(text), [])
    except csv.Error:
        return []


def _is_legacy(header: list[str], spec: TableSpec) -> bool:
    """True when the header uses a column name of the previous format instead of its current name."""
    return any(old in header and new not in header for old, new in spec.legacy_renames.items())


def _check_header(text: str, spec: TableSpec) -> tuple[list[str], list[Problem]]:
    """The header's column names, and every problem with them."""
    name = spec.file_name
    header = [column.strip() for column in _first_record(text)]
    if len(header) == 1:
        for delimiter, label in _OTHER_DELIMITERS.items():
            if delimiter in header[0]:
                return header, [Problem(name, HEADER_ROW, "*", f"columns are separated by {label}s; use commas")]
    problems = []
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problems.append(Problem(name, HEADER_ROW, _label(column), "column appears twice in the header"))
        seen.add(column)
    expected, allowed = list(spec.columns), list(spec.columns)
    if _is_legacy(header, spec):
        # The previous format: old names stand for the new ones, and the columns it lacked may be absent.
        old_name = {new: old for old, new in spec.legacy_renames.items()}
        allowed = [old_name.get(column, column) for column in spec.columns]
        expected = [column for column in allowed if column not in spec.legacy_defaults]
    missing = [column for column in expected if column not in seen]
    for column in header:
        if column not in allowed:
            hint = difflib.get_close_matches(column.lstrip("\ufeff"), missing, n=1, cutoff=0.5)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else f"; expected only: {', '.join(spec.columns)}"
            problems.append(Problem(name, HEADER_ROW, _label(column), f"unknown column{suggestion}"))
    for column in missing:
        problems.append(Problem(name, HEADER_ROW, column, "required column is missing from the header"))
    return header, problems


def _upgrade_legacy(raw: pd.DataFrame, spec: TableSpec, notices: list[str]) -> pd.DataFrame:
    """A table read in the previous format, renamed and filled into the current columns (cells stay text)."""
    renamed = {old: new for old, new in spec.legacy_renames.items() if old in raw.columns}
    raw = raw.rename(columns=renamed)
    filled = {column: text for column, text in spec.legacy_defaults.items() if column not in raw.columns}
    raw = raw.assign(**{column: pd.Series(text, index=raw.index, dtype=object) for column, text in filled.items()})
    said = [f"'{old}' is read as '{new}'" for old, new in renamed.items()]
    said += [
        f"'{column}' is filled with '{text}'" if text else f"'{column}' is left empty"
        for column, text in filled.items()
    ]
    notices.append(
        f"{spec.file_name} is in the previous (1.x) format, still accepted in this release but deprecated: "
        + "; ".join(said)
        + ". Rename and add those columns (see the template) before the next major version."
    )
    return raw[spec.columns]


def _blank_rows(table: pyarrow.Table) -> np.ndarray:
    """True for each row whose every cell is empty or white space."""
    blank = np.ones(table.num_rows, dtype=bool)
    for column in table.columns:
        blank &= pc.equal(pc.utf8_trim_whitespace(column), "").to_numpy(zero_copy_only=False)
    return blank


def _ragged_rows(records: Iterator[list[str]], name: str) -> list[Problem]:
    header = next(records, [])
    problems = []
    for row, record in enumerate(records, start=FIRST_DATA_ROW):
        # A blank line is one empty record for pyarrow, and no fields at all for Python: not ragged.
        if record and len(record) != len(header):
            extra_or_missing = "more" if len(record) > len(header) else "fewer"
            message = f"row has {len(record)} fields, {extra_or_missing} than the header's {len(header)}"
            problems.append(Problem(name, row, "*", message))
    return problems


class RowChecker:
    """One table's rows parsed and checked chunk by chunk as they are read, keeping only what the end needs.

    The problems are those the whole table would give, in the same order of priority, so the same ones are kept
    when there are more than the budget allows: parse problems column by column, then repeated ids (on whole
    columns: the unique columns are kept), then the schema's checks on growing chunks of rows, which stop once
    the budget is spent. Chunks have fixed sizes (FIRST_CHUNK_ROWS, growing 4x to LARGEST_CHUNK_ROWS) however
    the rows arrive. Blank rows are held back until a filled row follows (then they are problems) or the file
    ends (then they are dropped, as spreadsheets export them)."""

    def __init__(self, spec: TableSpec, header: list[str], budget: ProblemBudget, *, keep: list[str]) -> None:
        self.spec = spec
        self.budget = budget
        self.cap = budget.remaining  # nothing is taken from the budget before finish()
        self.legacy = _is_legacy(header, spec)
        self.keep = keep
        self.text_sink: TextSink | None = None
        self.prose = [column for column in spec.long_text_columns if column not in keep]
        self.unique = _unique_columns(spec)
        self.ragged = 0
        self.notices: list[str] = []
        self.parse_problems: dict[str, list[Problem]] = {column: [] for column in spec.columns}
        self.parse_count = 0
        self.chunks: list[tuple[int, list[Problem] | None]] = []  # (first row, schema problems or None: unchecked)
        self.schema_count = 0
        self.kept: list[pd.DataFrame] = []
        self.unique_parsed: list[pd.DataFrame] = []
        self.unique_text: list[pd.DataFrame] = []
        self.waiting: list[pyarrow.Table] = []
        self.waiting_rows = 0
        self.rows = 0  # filled rows checked so far: the next chunk's first row
        self.read = 0  # rows read, filled or blank: the next row's position in the file
        self.blank_run: tuple[int, int] | None = None  # (first position, count) of blank rows not yet followed
        self.inner_blanks: list[int] = []
        self.chunk_size = FIRST_CHUNK_ROWS
        self.empty: pyarrow.Table | None = None

    def start(self, schema: pyarrow.Schema) -> None:
        self.empty = schema.empty_table()

    def feed(self, batch: pyarrow.RecordBatch) -> None:
        table = pyarrow.Table.from_batches([batch])
        blank = _blank_rows(table)
        filled = (~blank).nonzero()[0]
        if len(filled):
            if self.blank_run is not None:
                self._inner(range(self.blank_run[0], self.blank_run[0] + self.blank_run[1]))
                self.blank_run = None
            self._inner(self.read + blank[: filled[-1]].nonzero()[0])
            after = len(blank) - int(filled[-1]) - 1
            if after:
                self.blank_run = (self.read + int(filled[-1]) + 1, after)
            if not self.inner_blanks:
                self.waiting.append(table.filter(pyarrow.array(~blank)) if len(filled) < len(blank) else table)
                self.waiting_rows += len(filled)
                self._check_whole_chunks()
        elif len(blank):
            start, count = self.blank_run or (self.read, 0)
            self.blank_run = (start, count + len(blank))
        self.read += len(blank)

    def finish(self, notices: list[str] | None = None) -> tuple[pd.DataFrame | None, list[Problem]]:
        """The frame of kept columns (None on blank rows) and the problems, taken from the budget."""
        name = self.spec.file_name
        if self.inner_blanks:
            blank = [
                Problem(name, position + FIRST_DATA_ROW, "*", "row is blank; delete it or fill it in")
                for position in self.inner_blanks
            ]
            return None, self.budget.take(blank[: max(self.budget.remaining, 1)])
        self._check_whole_chunks(final=True)
        if notices is not None:
            notices.extend(self.notices)
        problems = [problem for column in self.spec.columns for problem in self.parse_problems[column]]
        problems = self.budget.take(problems[: max(self.cap, 0)])
        reported = {(problem.row, problem.column) for problem in problems}
        parsed = pd.concat(self.unique_parsed) if len(self.unique_parsed) > 1 else self.unique_parsed[0]
        text = pd.concat(self.unique_text) if len(self.unique_text) > 1 else self.unique_text[0]
        problems.extend(self.budget.take(_duplicates(parsed, text, self.spec, reported, limit=self.budget.remaining)))
        for start, found in self.chunks:
            if self.budget.spent:
                self.budget.stop(
                    f"{name} rows {start + FIRST_DATA_ROW:,} to {self.rows + HEADER_ROW:,} were not fully checked"
                )
                break
            problems.extend(self.budget.take(found or []))
        frame = pd.concat(self.kept) if len(self.kept) > 1 else self.kept[0]
        return frame, problems

    def _inner(self, positions: Any) -> None:
        room = max(self.cap, 1) - len(self.inner_blanks)
        self.inner_blanks.extend(int(position) for position in list(positions[:room]))
        if self.inner_blanks:
            self.waiting, self.waiting_rows = [], 0  # the table is refused: its rows need no more checking

    def _check_whole_chunks(self, final: bool = False) -> None:
        while self.waiting_rows >= self.chunk_size or (final and (self.waiting_rows or not self.kept)):
            rows = pyarrow.concat_tables(self.waiting) if len(self.waiting) > 1 else (self.waiting or [self.empty])[0]
            size = min(self.chunk_size, rows.num_rows)
            rest = rows.slice(size)
            self.waiting, self.waiting_rows = ([rest] if rest.num_rows else []), rest.num_rows
            self._check(rows.slice(0, size))
            self.chunk_size = min(self.chunk_size * 4, LARGEST_CHUNK_ROWS)

    def _check(self, rows: pyarrow.Table) -> None:
        spec, first = self.spec, self.rows
        raw = rows.to_pandas()
        raw.columns = [column.strip() for column in raw.columns]
        raw.index = pd.RangeIndex(first, first + len(raw))
        if self.legacy:
            raw = _upgrade_legacy(raw, spec, self.notices if first == 0 else [])
        parsed: dict[str, pd.Series] = {}
        reported: set[tuple[int, str]] = set()
        for column in spec.columns:
            text = raw[column].str.strip()
            kind = spec.column_kind(column)
            values, bad = _PARSERS[kind](text, text == "")
            parsed[column] = values
            bad_rows = raw.index[bad.to_numpy(dtype=bool)]
            self.parse_count += len(bad_rows)
            kept = self.parse_problems[column]
            for index in bad_rows[: max(self.cap - len(kept), 0)]:
                message = _PARSE_MESSAGES[kind].format(_shorten(raw.at[index, column]))
                kept.append(Problem(spec.file_name, int(index) + FIRST_DATA_ROW, column, message))
            if self.parse_count <= self.cap:
                reported.update((int(index) + FIRST_DATA_ROW, column) for index in bad_rows)
        frame = pd.DataFrame(parsed, index=raw.index)
        found: list[Problem] | None = None
        # Past the budget's worth of parse or schema problems no more are taken: the rest is only read.
        if self.parse_count <= self.cap and self.schema_count < self.cap:
            found = []
            try:
                _chunk_schema(spec).validate(frame, lazy=True)
            except pa.errors.SchemaErrors as errors:
                found = _problems_from_failures(errors.failure_cases, raw, spec, reported)
            self.schema_count += len(found)
        self.chunks.append((first, found))
        self.unique_parsed.append(frame[self.unique])
        self.unique_text.append(raw[self.unique].apply(lambda cells: cells.str.strip()))
        self.kept.append(frame[self.keep])
        if self.text_sink is not None and self.prose:
            self.text_sink.write_text(spec.name, frame[self.prose])
        self.rows += len(raw)


def _parse_string(text: pd.Series, empty: pd.Series) -> tuple[pd.Series, pd.Series]:
    return text.mask(empty), pd.Series(False, index=text.index)


def _parse_date(text: pd.Series, empty: pd.Series) -> tuple[pd.Series, pd.Series]:
    dates = pd.to_datetime(text.where(text.str.match(_DATE_TEXT.pattern)), format="%Y-%m-%d", errors="coerce")
    bad = dates.isna() & ~empty
    dates = dates.mask(dates < _EARLIEST_DATE, _EARLIEST_DATE).mask(dates > _LATEST_DATE, _LATEST_DATE)
    return dates.astype("datetime64[ns]"), bad


def _parse_number(text: pd.Series, empty: pd.Series) -> tuple[pd.Series, pd.Series]:
    numbers = pd.to_numeric(text.mask(empty), errors="coerce").astype("Float64")
    numbers = numbers.mask(numbers.abs() == float("inf"))  # 'inf', or '1e999', is not a figure
    bad = numbers.isna() & ~empty
    return numbers, bad.astype(bool)


def _parse_integer(text: pd.Series, empty: pd.Series) -> tuple[pd.Series, pd.Series]:
    numbers, bad = _parse_number(text, empty)
    fractional = (numbers % 1 != 0).fillna(False).astype(bool)
    whole = numbers.mask(fractional).clip(-_LARGEST_WHOLE, _LARGEST_WHOLE)
    return whole.round().astype("Int64"), bad | fractional


def _parse_boolean(text: pd.Series, empty: pd.Series) -> tuple[pd.Series, pd.Series]:
    values = text.str.lower().map(_BOOLEAN_TEXT).astype("boolean")
    return values, (values.isna() & ~empty).astype(bool)


def _parse_list(text: pd.Series, empty: pd.Series) -> tuple[pd.Series, pd.Series]:
    """'a; b;' -> ['a', 'b'] in Arrow, without a Python loop (a million rows take a fraction of a second)."""
    cells = pyarrow.array(text.fillna("").to_numpy(dtype=object), pyarrow.string())
    parts = pc.split_pattern(cells, LIST_SEPARATOR)
    flat = pc.utf8_trim_whitespace(pc.list_flatten(parts))
    keep = pc.not_equal(flat, "").to_numpy(zero_copy_only=False)
    counts = np.bincount(pc.list_parent_indices(parts).to_numpy()[keep], minlength=len(cells))
    offsets = pyarrow.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
    lists = pyarrow.ListArray.from_arrays(
        offsets, flat.filter(pyarrow.array(keep)), mask=pyarrow.array(empty.to_numpy())
    )
    values = pd.Series(pd.arrays.ArrowExtensionArray(lists), index=text.index)
    return values, pd.Series(False, index=text.index)


_PARSERS = {
    "string": _parse_string,
    "url": _parse_string,
    "date": _parse_date,
    "number": _parse_number,
    "integer": _parse_integer,
    "boolean": _parse_boolean,
    "list": _parse_list,
}
_PARSE_MESSAGES = {
    "date": "'{}' is not a date; write YYYY-MM-DD",
    "number": "'{}' is not a number; write digits only, with no thousands separator",
    "integer": "'{}' is not a whole number",
    "boolean": "'{}' is not true or false",
}


def _unique_columns(spec: TableSpec) -> list[str]:
    return [name for name, column in spec.schema.columns.items() if column.unique]


_CHUNK_SCHEMAS: dict[str, pa.DataFrameSchema] = {}


def _chunk_schema(spec: TableSpec) -> pa.DataFrameSchema:
    """The table's schema without its uniqueness rules, which a chunk of rows cannot judge."""
    if spec.name not in _CHUNK_SCHEMAS:
        _CHUNK_SCHEMAS[spec.name] = spec.schema.update_columns(
            {column: {"unique": False} for column in _unique_columns(spec)}
        )
    return _CHUNK_SCHEMAS[spec.name]


def _duplicates(
    frame: pd.DataFrame, raw: pd.DataFrame, spec: TableSpec, already_reported: set[tuple[int, str]], limit: int
) -> list[Problem]:
    """Every row of a value that a unique column holds more than once (empty cells are not values), up to
    ``limit`` of them."""
    problems: list[Problem] = []
    rows_by_value: dict[str, pd.Series] = {}
    for column in _unique_columns(spec):
        values = frame[column]
        repeated = values.notna() & values.duplicated(keep=False)
        for index in frame.index[repeated.to_numpy(dtype=bool)]:
            if len(problems) >= limit:
                return problems
            row = int(index) + FIRST_DATA_ROW
            if (row, column) not in already_reported:
                message = _describe("field_uniqueness", raw, index, column, rows_by_value)
                problems.append(Problem(spec.file_name, row, column, message))
    return problems


def _problems_from_failures(
    failures: pd.DataFrame, raw: pd.DataFrame, spec: TableSpec, already_reported: set[tuple[int, str]]
) -> list[Problem]:
    row_check_columns = {check.error: check.statistics["column"] for check in spec.schema.checks}
    rows_by_value: dict[str, pd.Series] = {}  # per column, for duplicates: each value's row numbers
    problems = []
    for failure in failures.itertuples(index=False):
        check = str(failure.check)
        if pd.isna(failure.index):
            problems.append(Problem(spec.file_name, 0, str(failure.column), check))
            continue
        row = int(failure.index) + FIRST_DATA_ROW
        if check in row_check_columns:
            problems.append(Problem(spec.file_name, row, row_check_columns[check], check))
            continue
        column = str(failure.column)
        if (row, column) not in already_reported:
            message = _describe(check, raw, failure.index, column, rows_by_value)
            problems.append(Problem(spec.file_name, row, column, message))
    return problems


def _describe(check: str, raw: pd.DataFrame, index: int, column: str, rows_by_value: dict[str, pd.Series]) -> str:
    text = raw.at[index, column].strip()
    if check == "not_nullable":
        return "must not be empty"
    if check == "field_uniqueness":
        if column not in rows_by_value:
            cells = raw[column].str.strip()
            rows_by_value[column] = pd.Series(raw.index + FIRST_DATA_ROW).groupby(cells.to_numpy()).agg(list)
        rows = rows_by_value[column][text]
        shown = ", ".join(str(int(row)) for row in rows[:SHOWN_ROWS])
        more = f" and {len(rows) - SHOWN_ROWS} more" if len(rows) > SHOWN_ROWS else ""
        return f"duplicate {column} '{_shorten(text)}' (rows {shown}{more})"
    return f"'{_shorten(text)}' {check}"


def _shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def _label(column: str) -> str:
    """A header cell as a problem's column: shortened, with invisible characters spelled out."""
    shown = _shorten(column)
    if not shown:
        return "(blank)"
    return shown if shown.isprintable() else shown.encode("unicode_escape").decode("ascii")


def check_references(frames: dict[str, pd.DataFrame]) -> list[Problem]:
    """Cross-table rules: every id a row names exists, places lie in their country, and the interested-party flag
    is consistent."""
    problems: list[Problem] = []
    for spec in TABLES.values():
        frame = frames.get(spec.name)
        if frame is None:
            continue
        for column in spec.columns:
            target = spec.schema.columns[column].metadata.get("references")
            if not target:
                continue
            target_table, target_column = target.split(".")
            if target_table not in frames:
                continue
            values = frame[column]
            if spec.column_kind(column) == "list":
                values = values.explode()
            unknown = values.notna() & ~_is_in(values, frames[target_table][target_column])
            for index, value in values[unknown].items():
                problems.append(
                    Problem(
                        spec.file_name,
                        int(index) + FIRST_DATA_ROW,
                        column,
                        f"unknown id '{_shorten(value)}' (not in {TABLES[target_table].file_name})",
                    )
                )
    if "places" in frames:
        problems.extend(check_place_countries(frames["places"], first_row=FIRST_DATA_ROW))
    if "claims" in frames and "actors" in frames:
        problems.extend(_check_interested_party(frames["claims"], frames["actors"]))
    if "claims" in frames:
        problems.extend(_check_parts(frames["claims"]))
        problems.extend(_check_one_claim_per_statement(frames["claims"]))
        if "sources" in frames:
            problems.extend(_check_reported_before_published(frames["claims"], frames["sources"]))
    return problems


def _is_in(values: pd.Series, known: pd.Series) -> np.ndarray:
    """True where a value is one of ``known``, by Arrow's hash lookup: pandas' isin on text builds a Python
    object per known id (9 s for a million events' references)."""
    value_set = pc.unique(_arrow_text(known.dropna()))
    return pc.fill_null(pc.is_in(_arrow_text(values), value_set), False).to_numpy(zero_copy_only=False)


def _arrow_text(values: pd.Series) -> pyarrow.Array | pyarrow.ChunkedArray:
    # Arrow-backed columns (text, exploded lists) convert without a copy.
    return pyarrow.array(values.array, from_pandas=True).cast(pyarrow.string())


def _claims_problem(index: int, column: str, message: str) -> Problem:
    return Problem("claims.csv", int(index) + FIRST_DATA_ROW, column, message)


def _check_parts(claims: pd.DataFrame) -> list[Problem]:
    """A part names a total of its own metric that is not itself a part, and is not larger than it."""
    parts = claims.loc[claims["part_of"].notna()]
    if parts.empty:
        return []
    totals = claims.drop_duplicates("claim_id").set_index("claim_id")
    problems = []
    for index, part in parts.iterrows():
        if part["part_of"] not in totals.index or part["part_of"] == part["claim_id"]:
            continue  # an unknown id, or the claim itself, is reported by its own rule
        total = totals.loc[part["part_of"]]
        if total["metric"] != part["metric"]:
            problems.append(
                _claims_problem(
                    index,
                    "part_of",
                    f"names a total of another metric ({total['metric']}); a part and its total count the same thing",
                )
            )
        elif pd.notna(total["part_of"]):
            problems.append(
                _claims_problem(
                    index, "part_of", f"names '{part['part_of']}', which is itself a part; name the whole total"
                )
            )
        elif part["value_high"] > total["value_high"]:
            problems.append(_claims_problem(index, "part_of", "a part's figure is above its total's"))
    return problems


# The fields that say the same claimant gave the same figure for the same moment: one statement.
STATEMENT_FIELDS = ["claimant_actor", "metric", "value_low", "value_high", "scope", "as_of"]


def _check_one_claim_per_statement(claims: pd.DataFrame) -> list[Problem]:
    """Two rows with one claimant, metric, figure, scope and as-of date are one statement read twice."""
    repeated = claims.duplicated(STATEMENT_FIELDS, keep="first")
    if not repeated.any():
        return []
    first_row = claims.groupby(STATEMENT_FIELDS, dropna=False, sort=False).ngroup()
    first_of_group = claims.index.to_series().groupby(first_row.to_numpy()).transform("min")
    return [
        _claims_problem(
            index,
            "claim_id",
            f"same claimant_actor, metric, figure, scope and as_of as row {int(first_of_group[index]) + FIRST_DATA_ROW}"
            ": one statement is one claim; list every place it was read in source_ids",
        )
        for index in claims.index[repeated.to_numpy()]
    ]


def _check_reported_before_published(claims: pd.DataFrame, sources: pd.DataFrame) -> list[Problem]:
    """A statement cannot be made after every source that reports it was published."""
    published = sources.drop_duplicates("source_id").set_index("source_id")["published"]
    links = claims["source_ids"].explode().dropna()
    if links.empty:
        return []
    # Looked up by position: an unknown id (reported on its own) is simply undated here.
    found = published.reindex(links.astype(str).to_numpy())
    dates = pd.Series(found.to_numpy(dtype="datetime64[ns]"), index=links.index)
    # Only when every cited source is dated: an undated source may be the late one.
    dated = dates.notna().groupby(level=0).all()
    latest = dates.groupby(level=0).max()
    reported = claims["reported_on"].loc[latest.index]
    late = dated & reported.notna() & (reported > latest)
    return [
        _claims_problem(
            index,
            "reported_on",
            f"is after the publication date of every source it cites (latest {latest[index]:%Y-%m-%d}); "
            "date a claim to the statement itself",
        )
        for index in late.index[late.to_numpy()]
    ]


def _check_interested_party(claims: pd.DataFrame, actors: pd.DataFrame) -> list[Problem]:
    # A duplicate actor_id is reported on its own; the first row of each id decides here.
    claimant_state = claims["claimant_actor"].map(state_of(actors))
    expected = claimant_state.isin(PARTIES_TO_THE_WAR)
    wrong = claims["interested_party"].notna() & claimant_state.notna() & (claims["interested_party"] != expected)
    return [
        Problem(
            "claims.csv",
            int(index) + FIRST_DATA_ROW,
            "interested_party",
            f"must be {str(bool(expected[index])).lower()}: the claimant's state is {claimant_state[index]}",
        )
        for index in claims.index[wrong.fillna(False).astype(bool)]
    ]
