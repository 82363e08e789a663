"""A cache of validated tables beside the CSV files, so a data folder is parsed and validated once.

Each table is written as an uncompressed Arrow IPC file and read back memory-mapped: a later load takes
milliseconds, and the text columns stay in the page cache instead of the process's own memory (a million
events fit in a few hundred MB). The cache is keyed by the CSV files' names, sizes and modification times and
by the code that parses and validates them, so an edited file or a new schema is validated afresh.
A cache that cannot be written (read-only folder) is skipped silently: loading still works, only slower.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow
import pyarrow.ipc

from monitor.places import BORDERS_PATH
from monitor.schema import TABLES

CACHE_FOLDER = ".cache"
_FORMAT = "arrow-ipc-1"
_CODE = [Path(__file__).with_name(name) for name in ("schema.py", "loading.py", "places.py", "cache.py")]


def cache_key(folder: Path) -> str:
    """A digest of what the validated tables depend on: the table files and the parsing code."""
    digest = hashlib.sha256(_FORMAT.encode())
    digest.update(pd.__version__.encode() + pyarrow.__version__.encode())
    for code in (*_CODE, BORDERS_PATH):  # the borders decide whether a place is valid
        digest.update(code.read_bytes())
    for spec in TABLES.values():
        path = folder / spec.file_name
        stat = path.stat() if path.is_file() else None
        digest.update((f"{spec.file_name}:{stat.st_size}:{stat.st_mtime_ns}" if stat else spec.file_name).encode())
    return digest.hexdigest()[:24]


CACHE_DIR_VARIABLE = "MONITOR_CACHE_DIR"


def cache_root(folder: Path) -> Path:
    """``<folder>/.cache``, or a folder under the system's temp dir when the data folder is read-only.

    ``$MONITOR_CACHE_DIR`` puts every folder's cache under that directory instead (the tests use it, so that
    running them never writes into ``data/``)."""
    name = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    override = os.environ.get(CACHE_DIR_VARIABLE, "").strip()
    if override:
        return Path(override) / name
    if os.access(folder, os.W_OK):
        return folder / CACHE_FOLDER
    return Path(tempfile.gettempdir()) / "dprk-russia-monitor-cache" / name


def read_cached(folder: Path, extra: tuple[str, ...] = ()) -> dict[str, pd.DataFrame] | None:
    """The validated tables of ``folder`` (and the ``extra`` frames stored with them) when a cache for its
    current files exists, else None."""
    entry = cache_root(folder) / cache_key(folder)
    if not entry.is_dir():
        return None
    try:
        return {name: _read_table(entry / f"{name}.arrow") for name in (*TABLES, *extra)}
    except (OSError, pyarrow.ArrowException):
        return None  # a damaged cache is a miss: the CSV files are validated again


def write_cached(folder: Path, frames: dict[str, pd.DataFrame]) -> Path | None:
    """Store validated tables for ``folder``; older entries are removed. None when it cannot be written."""
    root = cache_root(folder)
    entry = root / cache_key(folder)
    staging: Path | None = None
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=root, prefix="writing-"))
        for name, frame in frames.items():
            table = pyarrow.Table.from_pandas(frame, preserve_index=False)
            path = str(staging / f"{name}.arrow")
            with pyarrow.OSFile(path, "wb") as sink, pyarrow.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
        # Readers only ever see a complete entry: it appears by one rename.
        os.replace(staging, entry)
    except OSError:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        return None
    for old in root.iterdir():
        # A process that still maps an old entry keeps reading it: unlinked files live on until unmapped.
        if old != entry and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    return entry


def _read_table(path: Path) -> pd.DataFrame:
    table = pyarrow.ipc.open_file(pyarrow.memory_map(str(path), "r")).read_all()
    return table.to_pandas(types_mapper=_list_as_arrow)


def _list_as_arrow(arrow_type: pyarrow.DataType) -> pd.ArrowDtype | None:
    # List columns stay Arrow-backed (as parsed); other types map to the dtypes the pandas metadata names.
    return pd.ArrowDtype(arrow_type) if pyarrow.types.is_list(arrow_type) else None
