"""Built chart objects kept per dataset: UI objects stay out of the core's ``Dataset.memo``.

An entry lives as long as its dataset: when the dataset is collected (a data file changed, an upload was
replaced), its charts go with it. ``shared_for`` keeps results that depend on the filters too, for the few views
that many sessions look at, in a small bounded cache.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import pandas as pd

from monitor.loading import Dataset

_BUILT: dict[int, dict[str, Any]] = {}
_LOCK = threading.Lock()
# Views kept per dataset, least recently used dropped first; a result of more rows than this is not kept, so the
# cache never holds big copies of a large dataset (each session computes those itself, as before).
SHARED_VIEWS = 64
SHARED_MAX_ROWS = 20_000


def built_for(dataset: Dataset, key: str, build: Callable[[], Any]) -> Any:
    """``build()`` once per dataset and key; later calls return the same object."""
    with _LOCK:
        entries = _BUILT.get(id(dataset))
        if entries is None:
            entries = _BUILT[id(dataset)] = {}
            weakref.finalize(dataset, _BUILT.pop, id(dataset), None)
        if key not in entries:
            entries[key] = build()
        return entries[key]


def _small(value: Any) -> bool:
    if isinstance(value, pd.DataFrame | pd.Series):
        return len(value) <= SHARED_MAX_ROWS
    if isinstance(value, list | tuple):
        return all(_small(item) for item in value)
    return True


def shared_for(dataset: Dataset, key: Hashable, build: Callable[[], Any]) -> Any:
    """``build()`` once per dataset and ``key`` (which names the filter state it depends on) for every session:
    readers mostly look at the same few views. Kept for the ``SHARED_VIEWS`` most recent keys; results larger than
    ``SHARED_MAX_ROWS`` rows are built each time. Callers must not change what they get (pandas copies on write)."""
    views = built_for(dataset, "shared views", OrderedDict)
    with _LOCK:
        if key in views:
            views.move_to_end(key)
            return views[key]
    value = build()  # outside the lock: two sessions may build the same view at once, and both get a right answer
    if _small(value):
        with _LOCK:
            views[key] = value
            views.move_to_end(key)
            while len(views) > SHARED_VIEWS:
                views.popitem(last=False)
    return value
