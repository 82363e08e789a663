"""Command line: ``python -m monitor validate|audit|datapackage [DATA_DIR]``.

Exit codes: 0 the data passed, 1 the data is invalid, 2 a file could not be read (permissions, a link, a special
file): that last one is a fault of the setting, not of the data, and is told in one line naming the file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from monitor.audit import audit_excerpts
from monitor.config import DATA_DIR_VARIABLE, data_dir
from monitor.datapackage import render_datapackage
from monitor.errors import DataValidationError, one_line
from monitor.files import UnreadableDataError, UnreadableFileError, read_regular_file
from monitor.loading import Dataset, load_dataset
from monitor.process import configure_process

DATA_INVALID = 1
CANNOT_READ = 2


def _load(folder: Path, use_cache: bool = True) -> Dataset | None:
    try:
        return load_dataset(folder, use_cache=use_cache)
    except UnreadableDataError:
        raise  # not a verdict on the data: main() tells it and exits with CANNOT_READ
    except DataValidationError as error:
        print(error.report(), file=sys.stderr)
        print(f"{error.count} problem(s) in {folder}", file=sys.stderr)
        return None


def validate(folder: Path) -> int:
    # Always the files themselves, never the cache; a valid folder's cache is refreshed for the app.
    dataset = _load(folder, use_cache=False)
    if dataset is None:
        return DATA_INVALID
    counts = ", ".join(
        f"{len(dataset.table(name))} {name}" for name in ("events", "claims", "sources", "actors", "places")
    )
    for notice in dataset.notices:
        print(f"notice: {one_line(notice)}", file=sys.stderr)
    print(f"{folder}: valid (version {dataset.version}): {counts}")
    return 0


def audit(folder: Path, texts: Path) -> int:
    dataset = _load(folder)
    if dataset is None:
        return DATA_INVALID
    result = audit_excerpts(dataset, texts)
    for miss in result.misses:
        print(miss, file=sys.stderr)
    print(
        f"excerpt audit: {result.checked - len(result.misses)} of {result.checked} found in their texts; "
        f"{result.unchecked} excerpt(s) have no stored text to check against"
    )
    return 0 if result.passed else DATA_INVALID


def datapackage(folder: Path, check: bool) -> int:
    target = folder / "datapackage.json"
    expected = render_datapackage(folder)
    # Read first in both modes: a FIFO or a device is refused before anything would block on opening it.
    current = read_regular_file(target)
    if check:
        if current != expected.encode("utf-8"):
            print(f"{target} is out of date: run python -m monitor datapackage", file=sys.stderr)
            return DATA_INVALID
        print(f"{target} matches the schema")
        return 0
    target.write_text(expected, encoding="utf-8")
    print(f"wrote {target}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m monitor", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    folder_help = f"data folder (default: ${DATA_DIR_VARIABLE} or ./data)"
    validate_parser = commands.add_parser("validate", help="check every table; exit 1 on any problem")
    validate_parser.add_argument("data_dir", nargs="?", type=Path, help=folder_help)
    audit_parser = commands.add_parser("audit", help="check excerpts against their sources' texts")
    audit_parser.add_argument("data_dir", nargs="?", type=Path, help=folder_help)
    audit_parser.add_argument("--texts", type=Path, required=True, help="folder of source texts (text_ref)")
    package_parser = commands.add_parser("datapackage", help="write datapackage.json from the schema")
    package_parser.add_argument("data_dir", nargs="?", type=Path, help=folder_help)
    package_parser.add_argument("--check", action="store_true", help="fail if the file differs instead of writing")
    args = parser.parse_args(argv)
    configure_process()
    folder = args.data_dir or data_dir()
    try:
        if args.command == "validate":
            return validate(folder)
        if args.command == "audit":
            return audit(folder, args.texts)
        return datapackage(folder, args.check)
    except UnreadableDataError as error:
        for unreadable in error.files:
            print(f"error: {one_line(str(unreadable))}", file=sys.stderr)
    except OSError as error:
        print(f"error: {one_line(_describe(error))}", file=sys.stderr)
    return CANNOT_READ


def _describe(error: OSError) -> str:
    """The file and what went wrong (UnreadableFileError words itself)."""
    if isinstance(error, UnreadableFileError) or not error.filename:
        return str(error)
    return f"{error.filename}: {error.strerror or type(error).__name__}"
