"""Bring your own data, without Streamlit: the files of an upload, templates from the schema, a dataset as a zip.

An upload is CSV files named like the dataset's tables (``events.csv``), a ``.zip`` holding them, or both.
Whatever is wrong with the upload itself (a file nobody expects, an unreadable zip, a zip bomb) is raised as
:class:`DataValidationError` with ``file:0:*`` problems, so the page lists it exactly like a bad cell.
"""

from __future__ import annotations

import io
import lzma
import math
import re
import zipfile
import zlib
from pathlib import PurePosixPath

import pandas as pd

from monitor.changelog import latest_release
from monitor.config import data_dir
from monitor.datapackage import descriptor_text, licence_text
from monitor.errors import DataValidationError, Problem
from monitor.export import csv_bytes
from monitor.loading import Dataset
from monitor.schema import TABLES, TableSpec, list_cells

# Sizes in MB of 1,000,000 bytes. Streamlit's browser side refuses a file over server.maxUploadSize MB, with
# 1 MB = 1,000,000 bytes (1,048,576 on Windows): .streamlit/config.toml holds the same number (tested), and the
# server's own check here catches what a Windows browser lets through, naming the file.
MEGABYTE = 1_000_000
MAX_UPLOAD_MB = 20
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * MEGABYTE  # everything uploaded at once, as sent (zips still compressed)
MAX_UNZIPPED_BYTES = 30 * MEGABYTE  # all the files of one zip, uncompressed: within ~300 MB to validate
MAX_ZIP_ENTRIES = 100
# Rows per uploaded table, counted before any frame is built. Validation time and memory grow with rows, and
# a few kilobytes of zip can hold millions of them; 50,000 rows validate in a few seconds within ~300 MB.
MAX_UPLOAD_ROWS = 50_000
# Memory all sessions' validated uploads may hold together (a full 30 MB upload holds about 60 MB).
MAX_HELD_UPLOAD_BYTES = 200 * MEGABYTE
TABLE_FILES = {spec.file_name: spec for spec in TABLES.values()}
_EXPECTED = ", ".join(TABLE_FILES)
# Browsers save a second download of events.csv as "events (1).csv"; that is still events.csv.
_TABLE_FILE_NAME = re.compile(r"^(?P<stem>[a-z_]+)(?:\s*\(\d+\))?\.csv$")
# What a damaged or unusual zip raises: a bad header or CRC, corrupt compressed data, a password, an unknown method.
_UNZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    lzma.LZMAError,
    OSError,
    ValueError,
    EOFError,
    RuntimeError,
    NotImplementedError,
)


def table_file_name(name: str) -> str | None:
    """The dataset file an uploaded file's name stands for (``Events (1).csv`` -> ``events.csv``), if any."""
    match = _TABLE_FILE_NAME.match(PurePosixPath(name.replace("\\", "/")).name.strip().lower())
    file_name = f"{match['stem']}.csv" if match else None
    return file_name if file_name in TABLE_FILES else None


def files_from_upload(named_bytes: list[tuple[str, bytes]]) -> dict[str, bytes]:
    """The tables of an upload, by dataset file name; raise DataValidationError for anything unusable.

    Each item is an uploaded file's name and bytes: a table's CSV, or a zip whose CSVs are tables (folders
    inside the zip are ignored, as are files that are not CSV, such as a README or datapackage.json).
    """
    check_upload_size([(name, len(data)) for name, data in named_bytes])
    problems: list[Problem] = []
    tables: dict[str, bytes] = {}
    came_from: dict[str, str] = {}

    def add(file_name: str, data: bytes, where: str) -> None:
        if file_name in tables:
            problems.append(Problem(where, 0, "*", f"{file_name} was uploaded twice (also in {came_from[file_name]})"))
            return
        tables[file_name] = data
        came_from[file_name] = where

    for name, data in named_bytes:
        shown = PurePosixPath(name.replace("\\", "/")).name or name
        if shown.lower().endswith(".zip"):
            for member, content in _unzip(shown, data, problems):
                add(member, content, f"{shown}/{member}")
            continue
        file_name = table_file_name(shown)
        if file_name is None:
            problems.append(Problem(shown, 0, "*", _unexpected(shown)))
        else:
            add(file_name, data, shown)
    if not tables and not problems:
        problems.append(Problem("the upload", 0, "*", f"holds no table; expected one or more of: {_EXPECTED}"))
    if problems:
        raise DataValidationError(problems)
    return tables


def check_upload_size(named_sizes: list[tuple[str, int]]) -> None:
    """Raise DataValidationError when the files together exceed the upload limit, naming the one that crosses it."""
    total = 0
    for name, size in named_sizes:
        total += size
        if total > MAX_UPLOAD_BYTES:
            shown = PurePosixPath(name.replace("\\", "/")).name or name
            raise DataValidationError(
                [
                    Problem(
                        shown,
                        0,
                        "*",
                        f"brings the upload to more than {_megabytes(MAX_UPLOAD_BYTES)} "
                        f"({_megabytes(size)} for this file); the limit is for all files at once",
                    )
                ]
            )


def _unexpected(name: str) -> str:
    if name.lower().endswith(".csv"):
        return f"is not a table of this dataset; name each file one of: {_EXPECTED}"
    return "is neither a .csv nor a .zip file"


def _unzip(name: str, data: bytes, problems: list[Problem]) -> list[tuple[str, bytes]]:
    """The table CSVs in a zip, read within the size caps; problems are appended, never raised."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [entry for entry in archive.infolist() if not entry.is_dir()]
    except _UNZIP_ERRORS as error:
        problems.append(Problem(name, 0, "*", f"is not a readable zip file ({error})"))
        return []
    if len(entries) > MAX_ZIP_ENTRIES:
        problems.append(Problem(name, 0, "*", f"holds {len(entries)} files; the limit is {MAX_ZIP_ENTRIES}"))
        return []
    found: list[tuple[str, bytes]] = []
    budget = MAX_UNZIPPED_BYTES
    for entry in entries:
        path = PurePosixPath(entry.filename)
        if path.name.startswith(".") or "__MACOSX" in path.parts or not path.name.lower().endswith(".csv"):
            continue  # folders, macOS resource forks, READMEs, datapackage.json: not tables
        file_name = table_file_name(path.name)
        if file_name is None:
            problems.append(Problem(f"{name}/{entry.filename}", 0, "*", _unexpected(path.name)))
            continue
        if entry.file_size > budget:
            problems.append(Problem(name, 0, "*", f"unzips to more than {_megabytes(MAX_UNZIPPED_BYTES)}"))
            return []
        try:
            # zipfile never returns more than the entry's declared size, checked against the budget above; a bomb
            # whose header under-states its size fails its checksum instead (tests/monitor/test_bundle.py).
            content = archive.read(entry)
        except _UNZIP_ERRORS as error:
            # A CRC mismatch (an under-stated size among them), a password, or a method Python cannot read.
            problems.append(Problem(f"{name}/{entry.filename}", 0, "*", f"cannot be unzipped ({error})"))
            continue
        budget -= len(content)
        found.append((file_name, content))
    return found


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.1f} MB"


def template_csv(table: str) -> bytes:
    """A CSV with the table's header and one example row, from the schema's column metadata.

    The five required templates together are a valid dataset, so a user can start from them.
    """
    spec = TABLES[table]
    row = {column: [spec.schema.columns[column].metadata.get("example", "")] for column in spec.columns}
    return _spec_csv(spec, row)


_TEXT_KINDS = ("string", "url", "list")  # the schema's kinds a formula could hide in


def _spec_csv(spec: TableSpec, columns: dict[str, list[str]]) -> bytes:
    """A table's columns, already written as text, through the one Excel-safe CSV writer (monitor/export.py):
    only the schema's text columns are neutralised, never a number, date or boolean."""
    text_columns = [column for column in spec.columns if spec.column_kind(column) in _TEXT_KINDS]
    return csv_bytes(pd.DataFrame(columns, columns=spec.columns, dtype=object), text_columns)


def table_csv(dataset: Dataset, spec: TableSpec) -> bytes:
    """One validated table written back as the CSV it could have been read from."""
    frame = dataset.table(spec.name)
    return _spec_csv(spec, {column: _as_text(frame[column], spec.column_kind(column)) for column in spec.columns})


def _as_text(values: pd.Series, kind: str) -> list[str]:
    if kind == "date":
        return [value.strftime("%Y-%m-%d") if not pd.isna(value) else "" for value in values]
    if kind == "list":
        return list_cells(values)
    if kind == "boolean":
        return ["" if pd.isna(value) else str(bool(value)).lower() for value in values]
    if kind in ("number", "integer"):
        return [_number_text(value) for value in values]
    return ["" if pd.isna(value) else str(value) for value in values]


def _number_text(value: object) -> str:
    if pd.isna(value):
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() and math.isfinite(number) else repr(number)


DATASET_ZIP_EXTRAS = ("datapackage.json", "CHANGELOG.md", "LICENSE")


def dataset_to_zip(dataset: Dataset, changelog: str | None = None) -> bytes:
    """Every table of the dataset as CSV in one zip, ready to be edited and uploaded again, with what makes it
    citable on its own: ``datapackage.json`` (the schema, versioned), ``CHANGELOG.md`` (``changelog``, else
    ``changelog_for``) and ``LICENSE`` (the data licence). The upload ignores the three."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for spec in TABLES.values():
            archive.writestr(spec.file_name, table_csv(dataset, spec))
        archive.writestr("datapackage.json", descriptor_text(dataset.version))
        archive.writestr("CHANGELOG.md", changelog if changelog is not None else changelog_for(dataset))
        archive.writestr("LICENSE", licence_text(dataset.version))
    return buffer.getvalue()


def changelog_for(dataset: Dataset) -> str:
    """The data folder's whole CHANGELOG.md when the dataset is that folder's release, else the dataset's own
    newest changes (an upload's version is "your upload", never a release's)."""
    path = data_dir() / "CHANGELOG.md"
    if path.is_file() and latest_release(path).version == dataset.version:
        return path.read_text(encoding="utf-8")
    return _changes_as_markdown(dataset)


def _changes_as_markdown(dataset: Dataset) -> str:
    return f"# Dataset changelog\n\n## {dataset.version}\n\n{dataset.latest_changes or 'No changes recorded.'}\n"
