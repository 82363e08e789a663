"""How much memory uploads may hold in one server process, shared by every session. No Streamlit here.

Each reader's upload lives in their session only, but all sessions share one process: without a bound, a few
tabs with large uploads exhaust a small box for everyone. An upload is checked one at a time (validation is
the memory peak), and a validated upload is held only while the server has room for it; its room is given
back when the reader replaces it, goes back to the curated data, or their session ends (the dataset is
collected).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from monitor.loading import Dataset
from monitor.schema import TABLES


class UploadRefusedError(Exception):
    """The server cannot take an upload now; the message says why, for the reader."""


def dataset_bytes(dataset: Dataset) -> int:
    """Memory the dataset's tables hold (text included)."""
    return int(sum(dataset.table(name).memory_usage(deep=True).sum() for name in TABLES))


class UploadMemory:
    """Room for uploaded datasets across the process, and one validation at a time."""

    def __init__(self, limit_bytes: int, wait_seconds: float = 30.0) -> None:
        self.limit_bytes = limit_bytes
        self.wait_seconds = wait_seconds
        self._held: dict[int, int] = {}  # id(dataset) -> bytes
        self._lock = threading.Lock()
        self._validating = threading.Lock()

    @property
    def held_bytes(self) -> int:
        with self._lock:
            return sum(self._held.values())

    @contextmanager
    def validating(self) -> Iterator[None]:
        """Hold the one validation slot; refuse when another upload keeps it longer than ``wait_seconds``."""
        if not self._validating.acquire(timeout=self.wait_seconds):
            raise UploadRefusedError("Another reader's upload is being checked; try again in a few seconds.")
        try:
            yield
        finally:
            self._validating.release()

    def hold(self, dataset: Dataset, replacing: Dataset | None = None) -> None:
        """Count the dataset against the limit until it is released or collected; refuse when there is no room.

        ``replacing`` is the session's previous upload: its room counts as free, and is given back on success."""
        size = dataset_bytes(dataset)
        with self._lock:
            previous = self._held.get(id(replacing), 0) if replacing is not None else 0
            used = sum(self._held.values()) - previous
            if used + size > self.limit_bytes:
                raise UploadRefusedError(
                    f"The server cannot hold this upload now: it takes {size / 2**20:.0f} MB in memory and "
                    f"{max(self.limit_bytes - used, 0) / 2**20:.0f} MB of the {self.limit_bytes / 2**20:.0f} MB "
                    "kept for all readers' uploads is free. Try again later, or run the dashboard on your own "
                    "machine (see the README)."
                )
            if replacing is not None:
                self._held.pop(id(replacing), None)
            self._held[id(dataset)] = size
        # A session that ends drops its dataset: the room comes back when it is collected.
        weakref.finalize(dataset, self._forget, id(dataset))

    def release(self, dataset: Dataset | None) -> None:
        if dataset is not None:
            self._forget(id(dataset))

    def _forget(self, key: int) -> None:
        with self._lock:
            self._held.pop(key, None)
