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


def _source_links(dataset: Dataset, table: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (row, source) link of a table's ``source_ids``: the row (position) and the code of the source id, both
    int32, and the ids by code. Built once per dataset: a rerun then works on two integer arrays instead of
    flattening, filtering and hashing millions of id strings (tens of MB per rerun at a million events)."""

    def build() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        array = pa.array(dataset.table(table)["source_ids"].array)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        encoded = pc.list_flatten(array).dictionary_encode(null_encoding="encode")
        # Rows from the list offsets, as int32 from the start (list_parent_indices gives int64: twice the bytes).
        lengths = np.diff(array.offsets.to_numpy())
        rows = np.repeat(np.arange(len(array), dtype=np.int32), lengths)
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
        return rows, codes, np.asarray(encoded.dictionary.to_pylist(), dtype=object)

    return dataset.memo(f"source_links:{table}", build)


def _cited_in(dataset: Dataset, table: str, rows: np.ndarray) -> set[str]:
    """Source ids cited by the given rows (positions) of a table."""
    links, codes, ids = _source_links(dataset, table)
    chosen = np.zeros(len(dataset.table(table)), dtype=bool)
    chosen[rows] = True
    cited = np.zeros(len(ids), dtype=bool)
    cited[codes[chosen[links]]] = True
    return set(ids[cited])


def cited_sources(dataset: Dataset, events: pd.DataFrame, claims: pd.DataFrame) -> set[str]:
    """Every source id that the events and claims (rows of the dataset's tables or of a view) cite."""
    cited: set[str] = set()
    if len(events):
        cited |= _cited_in(dataset, "events", events.index.to_numpy())
    if len(claims):
        cited |= _cited_in(dataset, "claims", dataset.claims.index.get_indexer(claims.index))
    return cited
