"""Built chart objects kept per dataset: UI objects stay out of the core's ``Dataset.memo``.

An entry lives as long as its dataset: when the dataset is collected (a data file changed, an upload was
replaced), its charts go with it.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

from monitor.loading import Dataset

_BUILT: dict[int, dict[str, Any]] = {}
_LOCK = threading.Lock()


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
