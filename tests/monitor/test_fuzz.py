"""Fuzzing the loader: whatever bytes one table holds, load_tables returns a Dataset or raises
DataValidationError listing file:row:column problems. Nothing else may escape, or the app would crash.

Each test puts fuzzed bytes in one table of an otherwise valid copy of the minimal fixture. Hypothesis keeps
no example database on disk (``database=None``): the examples come from the seed of each run.
``MONITOR_FUZZ_EXAMPLES`` raises the number of examples per test for a longer hunt (default 75).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from uploads import as_zip

from monitor import Dataset, DataValidationError, load_tables
from monitor.bundle import files_from_upload
from monitor.schema import TABLES

# Hypothesis runs hundreds of files per test: tens of seconds; CI runs them.
pytestmark = pytest.mark.slow

MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"
VALID = {path.name: path.read_bytes() for path in MINIMAL.glob("*.csv")}
FILE_NAMES = sorted({spec.file_name for spec in TABLES.values()})
FUZZ = settings(
    max_examples=int(os.environ.get("MONITOR_FUZZ_EXAMPLES", "75")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Cells that sit near the edges of the parsers and checks.
TRICKY_CELLS = [
    "",
    " ",
    '"',
    '""',
    ",",
    ";",
    "\n",
    "\r",
    "\r\n",
    "\ufeff",
    "\x00",
    "PRK",
    "PRK;RUS",
    ";;",
    "seed-a",
    "ref-b",
    "pyongyang",
    "kursk",
    "2024-06-19",
    "2024-02-30",
    "0000-01-01",
    "9999-12-31",
    "1677-09-21",
    "2262-04-12",
    "-1",
    "0",
    "1",
    "3",
    "1e308",
    "1e999",
    "-inf",
    "nan",
    "NaN",
    "99999999999999999999999999",
    "0.5",
    "true",
    "FALSE",
    "day",
    "month",
    "range",
    "exact",
    "javascript:alert(1)",
    "https://example.org/a",
    "<script>alert(1)</script>",
    "x" * 300,
]


def outcome_of(files: dict[str, bytes]) -> Dataset | DataValidationError:
    """Load, and check that a failure is the project's error with well-formed problems."""
    try:
        return load_tables(files)
    except DataValidationError as error:
        assert error.problems, "a validation error lists at least one problem"
        for problem in error.problems:
            assert problem.file in VALID or problem.file in FILE_NAMES
            assert problem.row >= 0
            assert problem.column
            assert problem.message
            assert len(str(problem)) < 1_000, "a problem quotes a shortened value, never a whole runaway cell"
        return error


def with_table(file_name: str, data: bytes) -> dict[str, bytes]:
    return {**VALID, file_name: data}


def csv_text(header: list[str], rows: list[list[str]], separator: str, line_end: str) -> str:
    def field(value: str) -> str:
        return value if not any(c in value for c in ',"\r\n') else '"' + value.replace('"', '""') + '"'

    return line_end.join(separator.join(field(cell) for cell in row) for row in [header, *rows]) + line_end


cells = st.one_of(st.sampled_from(TRICKY_CELLS), st.text(max_size=12))


@st.composite
def csvish_tables(draw: st.DrawFn) -> tuple[str, bytes]:
    """A table whose header is (mostly) right and whose rows hold tricky or random cells."""
    spec = draw(st.sampled_from([spec for spec in TABLES.values()]))
    header = list(spec.columns)
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.integers(0, 4)) == 0:
        header = header[:-1] if draw(st.booleans()) else [*header, draw(st.text(max_size=8))]
    width = len(spec.columns)
    row = st.lists(cells, min_size=max(width - 1, 0), max_size=width + 1)
    rows = draw(st.lists(row, max_size=4))
    text = csv_text(header, rows, draw(st.sampled_from([",", ",", ";"])), draw(st.sampled_from(["\n", "\r\n", "\r"])))
    prefix = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "latin-1"]))
    return spec.file_name, prefix + text.encode(encoding, errors="replace")


@st.composite
def mutated_tables(draw: st.DrawFn) -> tuple[str, bytes]:
    """A valid fixture file with a few bytes inserted, deleted or replaced."""
    file_name = draw(st.sampled_from(sorted(VALID)))
    data = bytearray(VALID[file_name])
    interesting = st.sampled_from([b",", b'"', b"\n", b"\r", b";", b"\x00", b"\xff", b"\xc3", b" ", b"-", b"9"])
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.one_of(interesting, st.binary(min_size=1, max_size=4)))
        if action == "insert":
            data[at:at] = piece
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 8))]
        else:
            data[at : at + len(piece)] = piece
    return file_name, bytes(data)


@FUZZ
@given(file_name=st.sampled_from(FILE_NAMES), data=st.binary(max_size=2_000))
def test_random_bytes_in_one_table(file_name, data):
    outcome_of(with_table(file_name, data))


@FUZZ
@given(table=csvish_tables())
def test_csv_like_text_in_one_table(table):
    outcome_of(with_table(*table))


@FUZZ
@given(table=mutated_tables())
def test_a_valid_file_with_a_few_bytes_changed(table):
    outcome_of(with_table(*table))


@pytest.mark.parametrize("file_name", FILE_NAMES)
def test_a_missing_table(file_name):
    result = outcome_of({name: data for name, data in VALID.items() if name != file_name})
    if file_name == "story.csv":  # optional: loads as an empty table
        assert isinstance(result, Dataset)
    else:
        assert [str(p) for p in result.problems] == [f"{file_name}:0:*: file is missing from the upload"]


@pytest.mark.parametrize("file_name", sorted(VALID))
def test_the_unchanged_fixture_loads(file_name):
    assert isinstance(outcome_of(with_table(file_name, VALID[file_name])), Dataset)


@st.composite
def mutated_zips(draw: st.DrawFn) -> bytes:
    """A zip of the valid fixture with a few bytes changed (headers, sizes, compressed data)."""
    data = bytearray(ZIPPED)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data) - 1))
        piece = draw(st.binary(min_size=1, max_size=4))
        data[at : at + len(piece)] = piece
    return bytes(data)


ZIPPED = as_zip(VALID)


@FUZZ
@given(data=st.one_of(st.binary(max_size=2_000), mutated_zips()))
def test_a_damaged_zip_upload(data):
    try:
        files = files_from_upload([("data.zip", data)])
    except DataValidationError as error:
        assert all(problem.file.startswith(("data.zip", "the upload")) for problem in error.problems)
        return
    outcome_of(files)
