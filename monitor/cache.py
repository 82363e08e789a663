"""A cache of validated tables beside the CSV files, so a data folder is parsed and validated once.

Each table is written as an uncompressed Arrow IPC file and read back memory-mapped: a later load takes
milliseconds, and the text columns stay in the page cache instead of the process's own memory (a million
events fit in a few hundred MB). A page of a mapped file still counts in the process's memory once read, with its
neighbours (the kernel maps the whole folio it sits in, up to 512 kB here): :func:`give_back` lets go of the
pages that a few rows, or a scan, were just read from.
An entry is named by a digest of the exact CSV bytes and of the code that
parses and validates them, so an edited file or a new schema is validated afresh; a damaged entry, or one whose
tables lack their columns, is skipped with a warning and rewritten by the next validation.
A cache that cannot be written (read-only folder) is skipped: loading still works, only slower.

The fallback under the system's temp folder is shared ground: it is used only while it is a real directory
(never a symbolic link) owned by this process's user and closed to everyone else, so nobody can plant an entry
in it or point it at a folder whose subfolders the clean-up would delete. Rows read back still pass the URL rule.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import mmap
import os
import re
import shutil
import stat
import tempfile
import threading
import warnings
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.ipc

from monitor.files import open_regular_file
from monitor.places import BORDERS_PATH
from monitor.schema import TABLES

CACHE_FOLDER = ".cache"
CACHE_DIR_VARIABLE = "MONITOR_CACHE_DIR"
FALLBACK_FOLDER = "dprk-russia-monitor-cache"
_FORMAT = "arrow-ipc-3"  # 3: each table split into its prose and the rest
_CODE = [
    Path(__file__).with_name(name)
    for name in ("schema.py", "loading.py", "table_reading.py", "places.py", "cache.py", "files.py")
]
_ENTRY_NAME = re.compile(r"^[0-9a-f]{64}$")
_STAGING_PREFIX = "writing-"
_RETIRED_PREFIX = "retired-"
_PRIVATE_MODE = 0o700


class CacheWarning(UserWarning):
    """A cache folder or entry that was not used; loading went on from the CSV files."""


@functools.cache
def code_version() -> str:
    """A digest of the code (and library versions) that turns CSV bytes into validated tables."""
    digest = hashlib.sha256(_FORMAT.encode())
    digest.update(pd.__version__.encode() + pyarrow.__version__.encode())
    for code in (*_CODE, BORDERS_PATH):  # the borders decide whether a place is valid
        digest.update(code.read_bytes())
    return digest.hexdigest()


def content_key(file_digests: Mapping[str, str | None]) -> str:
    """An entry's name: the code version and the SHA-256 of each table file's exact bytes (None: absent)."""
    digest = hashlib.sha256(code_version().encode())
    for spec in TABLES.values():
        digest.update(f"{spec.file_name}:{file_digests.get(spec.file_name) or 'absent'}\n".encode())
    return digest.hexdigest()


def files_key(files: Mapping[str, bytes | None]) -> str:
    """:func:`content_key` of table files already read (the bytes that were just validated)."""
    return content_key(
        {name: None if data is None else hashlib.sha256(data).hexdigest() for name, data in files.items()}
    )


def cache_key(folder: Path) -> str:
    """:func:`content_key` of the table files in ``folder``, streamed from disk (an unreadable file: OSError)."""
    digests: dict[str, str | None] = {}
    for spec in TABLES.values():
        handle = open_regular_file(folder / spec.file_name)
        if handle is None:
            digests[spec.file_name] = None
            continue
        with handle:
            digests[spec.file_name] = hashlib.file_digest(handle, "sha256").hexdigest()
    return content_key(digests)


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
    return _fallback_base() / name


def _fallback_base() -> Path:
    user = _user_id()
    return Path(tempfile.gettempdir()) / (FALLBACK_FOLDER if user is None else f"{FALLBACK_FOLDER}-{user}")


def _user_id() -> int | None:
    return os.geteuid() if hasattr(os, "geteuid") else None


def _usable_root(folder: Path, *, create: bool) -> Path | None:
    """The cache root for ``folder`` when it is safe to use (made first when ``create``), else None.

    Every folder this module makes is private (0700) and must be a real directory owned by this user; the
    fallback under the temp dir must also be closed to group and others, as ``mkdtemp`` would make it.
    """
    root = cache_root(folder)
    fallback = root.parent == _fallback_base()
    if fallback and _user_id() is None:
        return None  # no owner to check on this platform: no cache in a shared folder
    try:
        if create and not fallback:
            root.parent.mkdir(parents=True, exist_ok=True)
        # Outermost first: a folder is made inside another only once that one is known to be safe.
        for path in (root.parent, root) if fallback else (root,):
            if create:
                _make_private(path)
            reason = _unsafe_reason(path, private=fallback)
            if reason:
                warnings.warn(f"cache folder {path} {reason}: not used", CacheWarning, stacklevel=3)
                return None
    except OSError:
        return None  # cannot be made or looked at: no cache
    return root


def _make_private(path: Path) -> None:
    with contextlib.suppress(FileExistsError):  # what is there is checked by the caller, without following links
        os.mkdir(path, _PRIVATE_MODE)


def _unsafe_reason(path: Path, *, private: bool) -> str | None:
    status = os.lstat(path)
    if stat.S_ISLNK(status.st_mode):
        return "is a symbolic link"
    if not stat.S_ISDIR(status.st_mode):
        return "is not a directory"
    user = _user_id()
    if user is not None and status.st_uid != user:
        return f"is owned by user {status.st_uid}, not by this process's user {user}"
    if private and status.st_mode & 0o077:
        return f"is open to other users (mode {stat.S_IMODE(status.st_mode):o})"
    return None


def read_cached(folder: Path, extra: Mapping[str, Sequence[str]] | None = None) -> dict[str, pd.DataFrame] | None:
    """The validated tables of ``folder`` (and the ``extra`` frames stored with them: their names and columns)
    when a usable cache entry for its current files exists, else None."""
    extra = extra or {}
    root = _usable_root(folder, create=False)
    if root is None:
        return None
    try:
        entry = root / cache_key(folder)
    except OSError:
        return None  # an unreadable table file: loading reports it
    if not stat.S_ISDIR(_lstat_mode(entry)):
        return None
    try:
        frames = _read_entry(entry, [*TABLES, *extra])
    except (OSError, pyarrow.ArrowException) as error:
        warnings.warn(
            f"cache entry {entry} is damaged ({error}): validating the files again", CacheWarning, stacklevel=2
        )
        return None
    reason = _wrong_columns(frames, extra) or _url_rule_broken(frames)
    if reason:
        warnings.warn(f"cache entry {entry} is not used: {reason}", CacheWarning, stacklevel=2)
        return None
    return frames


def write_cached(folder: Path, frames: dict[str, pd.DataFrame], key: str | None = None) -> Path | None:
    """Store validated tables for ``folder`` under ``key`` (by default the files' current key), replacing an
    entry already there (it may be damaged) and removing older ones. None when it cannot be written."""
    with EntryWriter(folder) as writer:
        return writer.publish(frames, key or cache_key(folder))


class EntryWriter:
    """A cache entry being made: prose columns streamed in while a large table is validated, the other columns
    written once validation has passed, and the entry published by one rename.

    Each table is two files: ``<table>.arrow`` (ids, dates, codes, lists: what filters and checks read) and
    ``<table>.text.arrow`` (its ``long_text`` columns), so a reader maps the prose without touching it. Where no
    cache can be kept (read-only folder, unsafe fallback), the entry is staged in a private temporary folder
    that is removed once read back: its memory-mapped files live on until unmapped."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._root: Path | bool | None = False  # False: not looked for yet (nothing is made until needed)
        self._staging: Path | None = None
        self._text: dict[str, pyarrow.ipc.RecordBatchFileWriter] = {}
        self._sinks: dict[str, pyarrow.OSFile] = {}

    def __enter__(self) -> EntryWriter:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._close_text()
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)  # gone once published; else what was staged

    @property
    def root(self) -> Path | None:
        """The folder's cache root, made on first use; None when no cache can be kept."""
        if self._root is False:
            self._root = _usable_root(self.folder, create=True)
        return self._root if isinstance(self._root, Path) else None

    @property
    def staging(self) -> Path:
        """The folder the entry is written in, made on first use (OSError when it cannot be made)."""
        if self._staging is None:
            self._staging = Path(tempfile.mkdtemp(dir=self.root, prefix=_STAGING_PREFIX))
        return self._staging

    def write_text(self, name: str, frame: pd.DataFrame) -> None:
        """Append rows of table ``name``'s prose columns (all of them, in file order)."""
        table = pyarrow.Table.from_pandas(frame, schema=_text_schema(frame.columns), preserve_index=False)
        if name not in self._text:
            self._sinks[name] = pyarrow.OSFile(str(self.staging / f"{name}.text.arrow"), "wb")
            self._text[name] = pyarrow.ipc.new_file(self._sinks[name], table.schema)
        self._text[name].write_table(table)

    def discard_text(self, name: str) -> None:
        """Forget the prose streamed so far for table ``name`` (its rows are being read again)."""
        if name in self._text:
            self._text.pop(name).close()
            self._sinks.pop(name).close()
            os.unlink(self.staging / f"{name}.text.arrow")

    def publish(self, frames: dict[str, pd.DataFrame], key: str) -> Path | None:
        """Write ``frames`` beside the prose already streamed (a frame that still holds its prose columns writes
        them too) and make them the entry ``key`` of the folder's cache; None when there is no cache to keep."""
        if self.root is None:
            return None
        try:
            if self._staging is not None and self._staging.parent != self.root:
                return None  # staged elsewhere (the root was made meanwhile): not an entry of this cache
            self._write(frames)
            entry = self.root / key
            if os.path.lexists(entry):
                # A rename cannot replace a non-empty folder: the old entry is moved aside first, removed below.
                os.rename(entry, self.root / f"{_RETIRED_PREFIX}{os.urandom(8).hex()}")
            # Readers only ever see a complete entry: it appears by one rename.
            os.replace(self.staging, entry)
        except OSError:
            return None
        for old in self.root.iterdir():
            # A process that still maps an old entry keeps reading it: unlinked files live on until unmapped.
            # Only what this module made is removed, and never through a link.
            if old != entry and _made_here(old.name) and stat.S_ISDIR(_lstat_mode(old)):
                shutil.rmtree(old, ignore_errors=True)
        return entry

    def read_back(self, frames: dict[str, pd.DataFrame], key: str, *, publish: bool = True) -> dict[str, pd.DataFrame]:
        """``frames`` with their streamed prose, memory-mapped: from the published entry when there is one (and
        ``publish``), else from the staging folder (removed at exit; the maps keep its files)."""
        entry = self.publish(frames, key) if publish else None
        if entry is None:
            self._write(frames)
            entry = self.staging
        return _read_entry(entry, list(frames))

    def _write(self, frames: dict[str, pd.DataFrame]) -> None:
        self._close_text()
        for name, frame in frames.items():
            prose = [column for column in _long_text(name) if column in frame.columns]
            if prose:
                self.write_text(name, frame[prose])
                self._close_text()
            elif not (self.staging / f"{name}.text.arrow").exists() and _long_text(name):
                self.write_text(name, frame.iloc[:0].reindex(columns=_long_text(name)))  # a table with no rows
                self._close_text()
            table = pyarrow.Table.from_pandas(frame.drop(columns=prose), preserve_index=False)
            path = str(self.staging / f"{name}.arrow")
            with pyarrow.OSFile(path, "wb") as sink, pyarrow.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)

    def _close_text(self) -> None:
        for name in list(self._text):
            self._text.pop(name).close()
            self._sinks.pop(name).close()


def _long_text(name: str) -> list[str]:
    return TABLES[name].long_text_columns if name in TABLES else []


def _text_schema(columns: Sequence[str]) -> pyarrow.Schema:
    # Explicit, so that a chunk whose cells are all empty is not typed as null; large_string is what pandas' str
    # columns hold, so reading back maps the file as it is (plain string would be converted, offsets copied).
    return pyarrow.schema([(column, pyarrow.large_string()) for column in columns])


def _made_here(name: str) -> bool:
    return bool(_ENTRY_NAME.match(name)) or name.startswith((_STAGING_PREFIX, _RETIRED_PREFIX))


def _lstat_mode(path: Path) -> int:
    try:
        return os.lstat(path).st_mode
    except OSError:
        return 0


def _wrong_columns(frames: dict[str, pd.DataFrame], extra: Mapping[str, Sequence[str]]) -> str:
    expected = {name: list(spec.columns) for name, spec in TABLES.items()}
    expected.update({name: list(columns) for name, columns in extra.items()})
    for name, columns in expected.items():
        if list(frames[name].columns) != columns:
            return f"{name} has columns {list(frames[name].columns)}, expected {columns}"
    return ""


def _url_rule_broken(frames: dict[str, pd.DataFrame]) -> str:
    """Cached rows pass the schema's URL rule again: no cache, however it came to be, serves a bad link."""
    for name, spec in TABLES.items():
        for column_name, column in spec.schema.columns.items():
            if column.metadata.get("kind") != "url":
                continue
            try:
                column.validate(frames[name][[column_name]])
            except pa.errors.SchemaError:
                return f"{name}.{column_name} breaks the URL rule"
    return ""


def _read_entry(entry: Path, names: Sequence[str]) -> dict[str, pd.DataFrame]:
    return {name: _read_table(entry, name) for name in names}


def _read_table(entry: Path, name: str) -> pd.DataFrame:
    """One table, its prose columns joined back in file order; both files memory-mapped."""
    frame = _read_arrow(entry / f"{name}.arrow")
    prose = _long_text(name)
    if not prose:
        return frame
    text = _read_arrow(entry / f"{name}.text.arrow")
    if len(text) != len(frame) or set(text.columns) & set(frame.columns):
        raise pyarrow.ArrowInvalid(f"{name}.text.arrow does not match {name}.arrow")
    columns = [column for column in TABLES[name].columns if column in frame.columns or column in text.columns]
    return pd.concat([frame, text], axis=1).reindex(columns=columns)


def _read_arrow(path: Path) -> pd.DataFrame:
    """A table file (its prose file too), memory-mapped. Its pages are given back once it is read: the columns
    pandas copied (dates, codes) need not stay mapped as well, and those it reads in place (the prose: no cell is
    copied) are mapped again when used and can be given back again (:func:`give_back`). Opening a prose file
    reads each record batch's header, which maps the folio around each (24 MB for a million events' prose); the
    others' copied columns kept 37 MB in every page at 1M events."""
    mapped = _map(path)
    buffer = pyarrow.py_buffer(mapped)
    table = pyarrow.ipc.open_file(pyarrow.BufferReader(buffer)).read_all()
    frame = table.to_pandas(types_mapper=_list_as_arrow)
    _remember(mapped, buffer)
    _release(mapped, 0, len(mapped))
    return frame


def _map(path: Path) -> mmap.mmap:
    """The file mapped read-only: what the columns read from it view, and keep alive (the Arrow buffer holds it)."""
    try:
        with open(path, "rb") as handle:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except ValueError as error:  # an empty file cannot be mapped: a damaged entry
        raise pyarrow.ArrowInvalid(f"{path.name}: {error}") from None


def _remember(mapped: mmap.mmap, buffer: pyarrow.Buffer) -> None:
    with _MAPPINGS_LOCK:
        _MAPPINGS[:] = [mapping for mapping in _MAPPINGS if mapping[2]() is not None]
        _MAPPINGS.append((buffer.address, buffer.size, weakref.ref(mapped)))


# Cached files mapped by _read_arrow: (address, length, the map while it lives). give_back releases
# ranges of these only: memory of any other kind released by MADV_DONTNEED would lose its contents.
_MAPPINGS: list[tuple[int, int, weakref.ref[mmap.mmap]]] = []
_MAPPINGS_LOCK = threading.Lock()
# A folio read at the edge of a chunk reaches past it, and is mapped whole: what is released is rounded out to the
# largest folio the page cache makes (a PMD, 2 MB on x86-64 and arm64 with 4 kB pages).
_RELEASE_ALIGN = 2 << 20


def give_back(array: pyarrow.Array) -> None:
    """Let go of this process's pages of the cached file that ``array`` (a chunk of a column read in place) lies in.

    The file stays mapped and its pages stay in the system's page cache: a later read maps them again in
    microseconds. What is released is only what counts in the process's memory, which otherwise keeps every folio
    a read touched (taking 500 rows in date order from a million events' prose kept 120 MB). Nothing happens for
    an array that does not lie in a mapped cache file, or where the system has no ``madvise``."""
    spans = [(buffer.address, buffer.address + buffer.size) for buffer in array.buffers() if buffer and buffer.size]
    if not spans:
        return
    low, high = min(start for start, _ in spans), max(end for _, end in spans)
    with _MAPPINGS_LOCK:
        live = [(address, length, mapping()) for address, length, mapping in _MAPPINGS]
    for address, length, mapped in live:
        if mapped is not None and address <= low < address + length:
            start = (low - address) // _RELEASE_ALIGN * _RELEASE_ALIGN
            end = min(-(-(high - address) // _RELEASE_ALIGN) * _RELEASE_ALIGN, length)
            _release(mapped, start, end - start)


def _release(mapped: mmap.mmap, start: int, length: int) -> None:
    # The mapping is a read-only view of the file: pages dropped from it are read again from the page cache.
    # Where the system has no madvise, nothing is done: it only saves memory.
    if length > 0 and hasattr(mmap, "MADV_DONTNEED"):
        mapped.madvise(mmap.MADV_DONTNEED, start, length)


def _list_as_arrow(arrow_type: pyarrow.DataType) -> pd.ArrowDtype | None:
    # List columns stay Arrow-backed (as parsed); other types map to the dtypes the pandas metadata names.
    return pd.ArrowDtype(arrow_type) if pyarrow.types.is_list(arrow_type) else None
