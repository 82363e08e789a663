"""Where uploaded datasets live in one server process, and how much memory they may take. No Streamlit here.

Each reader's upload is theirs alone, but every session shares one process: without a bound, a few tabs with
large uploads exhaust a small box for everyone, and a closed tab's upload stays until its session object is
collected (minutes, or never). So uploads are held here, not in session state: one validation at a time (its
peak is the largest cost), all held uploads within one limit, and an upload dropped as soon as its session
has been gone longer than the server's reconnection grace (``sweep``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from monitor.loading import Dataset
from monitor.schema import TABLES


class UploadRefusedError(Exception):
    """The server cannot take an upload now; the message says why, for the reader."""


def dataset_bytes(dataset: Dataset) -> int:
    """Memory the dataset's tables hold (text included)."""
    return int(sum(dataset.table(name).memory_usage(deep=True).sum() for name in TABLES))


@dataclass
class _Held:
    dataset: Dataset
    size: int
    session_id: str | None  # the server's session, to know when it has gone
    last_seen: float


class UploadStore:
    """Uploaded datasets by owner (a token kept in the owner's session state), within ``limit_bytes``."""

    def __init__(
        self, limit_bytes: int, wait_seconds: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit_bytes = limit_bytes
        self.wait_seconds = wait_seconds
        self._clock = clock
        self._held: dict[str, _Held] = {}
        self._lock = threading.Lock()
        self._validating = threading.Lock()

    @property
    def held_bytes(self) -> int:
        with self._lock:
            return sum(held.size for held in self._held.values())

    def __len__(self) -> int:
        return len(self._held)

    @contextmanager
    def validating(self) -> Iterator[None]:
        """Hold the one validation slot; refuse when another upload keeps it longer than ``wait_seconds``."""
        if not self._validating.acquire(timeout=self.wait_seconds):
            raise UploadRefusedError("Another reader's upload is being checked; try again in a few seconds.")
        try:
            yield
        finally:
            self._validating.release()

    def put(self, owner: str, dataset: Dataset, session_id: str | None = None) -> None:
        """Hold ``dataset`` for ``owner`` in place of their previous one; refuse when there is no room for it."""
        size = dataset_bytes(dataset)
        with self._lock:
            previous = self._held.get(owner)
            used = sum(held.size for held in self._held.values()) - (previous.size if previous else 0)
            if used + size > self.limit_bytes:
                raise UploadRefusedError(
                    f"The server cannot hold this upload now: it takes {size / 1e6:.0f} MB in memory and "
                    f"{max(self.limit_bytes - used, 0) / 1e6:.0f} MB of the {self.limit_bytes / 1e6:.0f} MB "
                    "kept for all readers' uploads is free. Try again later, or run the dashboard on your own "
                    "machine (see the README)."
                )
            self._held[owner] = _Held(dataset, size, session_id, self._clock())

    def get(self, owner: str | None) -> Dataset | None:
        with self._lock:
            held = self._held.get(owner) if owner else None
            if held is None:
                return None
            held.last_seen = self._clock()
            return held.dataset

    def drop(self, owner: str | None) -> bool:
        with self._lock:
            return self._held.pop(owner, None) is not None if owner else False

    def sweep(self, is_alive: Callable[[str], bool], grace_seconds: float) -> int:
        """Drop the uploads whose session is gone and was last seen more than ``grace_seconds`` ago.

        A session that is only disconnected may come back within the grace (a phone changing networks); one
        with no known session id is never swept. Returns how many were dropped."""
        now = self._clock()
        with self._lock:
            gone = [
                owner
                for owner, held in self._held.items()
                if held.session_id is not None
                and now - held.last_seen > grace_seconds
                and not is_alive(held.session_id)
            ]
            for owner in gone:
                del self._held[owner]
        return len(gone)
