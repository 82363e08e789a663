"""Read one table's CSV (bytes, or a file too large to hold) and check its rows against the schema.

Every problem is pinned to ``file:row:column`` (the header is row 1). A file is read by pyarrow in blocks (one
block for bytes) and checked in fixed chunks of rows by :class:`RowChecker`, so a streamed file and the same
bytes read whole give the same problems, word for word. Rules across tables live in monitor.loading.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import hashlib
import io
import itertools
import mmap
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from monitor.errors import Problem
from monitor.files import UnreadableDataError, UnreadableFileError, open_regular_file
from monitor.schema import LIST_SEPARATOR, TableSpec

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
        return [Problem(name, 0, "*", f"file is not valid CSV: {shorten(str(error), 200)}")]
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
                message = _PARSE_MESSAGES[kind].format(shorten(raw.at[index, column]))
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
        return f"duplicate {column} '{shorten(text)}' (rows {shown}{more})"
    return f"'{shorten(text)}' {check}"


def shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def _label(column: str) -> str:
    """A header cell as a problem's column: shortened, with invisible characters spelled out."""
    shown = shorten(column)
    if not shown:
        return "(blank)"
    return shown if shown.isprintable() else shown.encode("unicode_escape").decode("ascii")
