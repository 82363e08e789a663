"""Which sources the data cites, and how often: the sources page and the overview's counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from monitor.loading import Dataset


def _citations(lists: pd.Series) -> pd.Series:
    """How many rows of a ``;`` list column cite each source id."""
    counted = pc.value_counts(pc.list_flatten(pa.array(lists.array)))
    return pd.Series(counted.field("counts").to_numpy(), index=counted.field("values").to_pylist())


def source_usage(dataset: Dataset) -> pd.DataFrame:
    """Every source with how many events and claims cite it, most cited first (worked out once per dataset)."""

    def build() -> pd.DataFrame:
        by_event = _citations(dataset.events["source_ids"])
        by_claim = _citations(dataset.claims["source_ids"])
        sources = dataset.sources
        usage = sources.assign(
            events=sources["source_id"].map(by_event).fillna(0).astype(int),
            claims=sources["source_id"].map(by_claim).fillna(0).astype(int),
        )
        return usage.sort_values(["events", "claims"], ascending=False, kind="stable")

    return dataset.memo("source_usage", build)


def _cited_in(lists: pd.Series, rows: np.ndarray) -> set[str]:
    """Source ids in the given rows (positions) of a ``;`` list column, flattened without a loop or a copy."""
    array = pa.array(lists.array)
    chosen = np.zeros(len(array), dtype=bool)
    chosen[rows] = True
    parents = pc.list_parent_indices(array).to_numpy()
    return set(pc.unique(pc.list_flatten(array).filter(pa.array(chosen[parents]))).to_pylist())


def cited_sources(dataset: Dataset, events: pd.DataFrame, claims: pd.DataFrame) -> set[str]:
    """Every source id that the events and claims (rows of the dataset's tables or of a view) cite."""
    cited: set[str] = set()
    if len(events):
        cited |= _cited_in(dataset.events["source_ids"], events.index.to_numpy())
    if len(claims):
        positions = dataset.claims.index.get_indexer(claims.index)
        cited |= _cited_in(dataset.claims["source_ids"], positions)
    return cited
