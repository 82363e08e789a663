"""Reading the data folder's files: regular files only, and every failure as one line naming the file.

A FIFO would block a reader forever, a device could be endless, and a broken link or a permission error would
otherwise surface as a traceback; each is an :class:`UnreadableFileError` instead.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from monitor.errors import DataValidationError, Problem


class UnreadableFileError(OSError):
    """A file that exists (or is linked to) but cannot be read as a regular file; ``str()`` is one line."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(errno.EINVAL, reason, str(path))
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"

    def __reduce__(self) -> tuple[type, tuple[Path, str]]:
        return (type(self), (self.path, self.reason))


def open_regular_file(path: Path) -> BinaryIO | None:
    """``path`` opened for reading; None when nothing is there; :class:`UnreadableFileError` for anything else.

    Opened without blocking and checked on the open descriptor, so a FIFO swapped in after a check cannot hang
    the reader. A broken symbolic link is unreadable, not absent: someone meant a file to be there.
    """
    if not os.path.lexists(path):
        return None
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UnreadableFileError(path, "is a broken symbolic link (its target does not exist)") from None
    except OSError as error:
        raise UnreadableFileError(path, f"cannot be opened: {error.strerror or error}") from None
    handle = os.fdopen(descriptor, "rb")
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        handle.close()
        raise UnreadableFileError(path, f"is not a regular file (it is a {_kind(mode)})")
    return handle


def read_regular_file(path: Path) -> bytes | None:
    """The bytes of ``path``, read as :func:`open_regular_file` opens it."""
    handle = open_regular_file(path)
    if handle is None:
        return None
    with handle:
        try:
            return handle.read()
        except OSError as error:
            raise UnreadableFileError(path, f"cannot be read: {error.strerror or error}") from None


@dataclass(frozen=True)
class LargeFile:
    """A regular file too large to read whole: it is read block by block from ``path``."""

    path: Path
    size: int


def read_folder_files(
    folder: Path, names: Iterable[str], *, whole_up_to: int | None = None
) -> dict[str, bytes | LargeFile | None]:
    """Each named file of ``folder`` (None when absent); :class:`UnreadableDataError` naming every unreadable one.

    A file larger than ``whole_up_to`` bytes is not read but named, as a :class:`LargeFile`."""
    files: dict[str, bytes | LargeFile | None] = {}
    unreadable: list[UnreadableFileError] = []
    for name in names:
        path = folder / name
        try:
            handle = open_regular_file(path)
            if handle is None:
                files[name] = None
                continue
            with handle:
                size = os.fstat(handle.fileno()).st_size
                files[name] = LargeFile(path, size) if whole_up_to is not None and size > whole_up_to else handle.read()
        except UnreadableFileError as error:
            unreadable.append(error)
        except OSError as error:
            unreadable.append(UnreadableFileError(path, f"cannot be read: {error.strerror or error}"))
    if unreadable:
        raise UnreadableDataError(unreadable)
    return files


class UnreadableDataError(DataValidationError):
    """Data files that could not be read at all: shown like any data error, but a fault of the files' setting
    (permissions, links, special files) rather than of their rows, so the command line exits with 2, not 1."""

    def __init__(self, files: list[UnreadableFileError]) -> None:
        self.files = files
        super().__init__([Problem(error.path.name, 0, "*", error.reason) for error in files])

    def __reduce__(self) -> tuple[type, tuple[list[UnreadableFileError]]]:
        return (type(self), (self.files,))


def read_regular_text(path: Path) -> str | None:
    """:func:`read_regular_file` decoded as UTF-8 (a byte-order mark allowed); a decoding error is unreadable."""
    data = read_regular_file(path)
    if data is None:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFileError(path, f"is not UTF-8 (byte 0x{data[error.start : error.start + 1].hex()})") from None


def file_signature(path: Path) -> tuple[str, int, int] | tuple[str, str]:
    """Name, size and modification time of a file, or its name and why it cannot be looked at (a broken link)."""
    try:
        status = path.stat()
    except OSError as error:
        return (path.name, error.strerror or type(error).__name__)
    return (path.name, status.st_size, status.st_mtime_ns)


def _kind(mode: int) -> str:
    kinds = {
        stat.S_ISDIR: "directory",
        stat.S_ISFIFO: "named pipe (FIFO)",
        stat.S_ISCHR: "character device",
        stat.S_ISBLK: "block device",
        stat.S_ISSOCK: "socket",
    }
    return next((name for test, name in kinds.items() if test(mode)), "special file")
