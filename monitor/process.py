"""Process-wide settings the app and the command line choose once, at start-up.

Importing ``monitor`` changes nothing about the process; whoever owns the process (``app.py``, the CLI, the
benchmark worker, the test session) calls :func:`configure_process` once.
"""

from __future__ import annotations

import csv

import pyarrow


def configure_process() -> None:
    """Arrow's allocator and the csv module's field limit, as the loader expects them. Safe to call again."""
    # Arrow's default pool (mimalloc) keeps freed pages for reuse, and with a million events that retained memory
    # is most of what a session grows by. jemalloc with no decay delay hands them back to the system at once.
    try:
        pyarrow.set_memory_pool(pyarrow.jemalloc_memory_pool())
        pyarrow.jemalloc_set_decay_ms(0)
    except (NotImplementedError, pyarrow.ArrowNotImplementedError):  # a pyarrow built without jemalloc
        pass
    # Python's csv module refuses fields over 128 KiB by default; the schema, not the reader, limits cell sizes.
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
