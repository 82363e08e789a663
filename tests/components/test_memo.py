"""Values kept per dataset: built once, shared between sessions, bounded, and gone with their dataset."""

from __future__ import annotations

import gc
from types import SimpleNamespace

import pandas as pd

from components import memo


class FakeDataset(SimpleNamespace):
    """Any object that can be weakly referenced stands for a dataset here."""


def test_a_view_is_built_once_and_shared():
    dataset, calls = FakeDataset(), []

    def build() -> pd.DataFrame:
        calls.append(1)
        return pd.DataFrame({"a": [1, 2]})

    first = memo.shared_for(dataset, ("view", 1), build)
    assert memo.shared_for(dataset, ("view", 1), build) is first and len(calls) == 1
    memo.shared_for(dataset, ("view", 2), build)
    assert len(calls) == 2


def test_only_the_most_recent_small_views_are_kept(monkeypatch):
    monkeypatch.setattr(memo, "SHARED_VIEWS", 3)
    monkeypatch.setattr(memo, "SHARED_MAX_ROWS", 5)
    dataset = FakeDataset()
    for key in range(5):
        memo.shared_for(dataset, key, lambda: pd.DataFrame({"a": [0]}))
    memo.shared_for(dataset, "big", lambda: [pd.DataFrame({"a": range(6)})])
    kept = memo.built_for(dataset, "shared views", dict)
    assert list(kept) == [2, 3, 4], "the oldest go, and a result of more rows than the bound is never kept"


def test_views_go_with_their_dataset():
    dataset = FakeDataset()
    memo.shared_for(dataset, "view", lambda: 1)
    key = id(dataset)
    assert key in memo._BUILT
    del dataset
    gc.collect()
    assert key not in memo._BUILT
