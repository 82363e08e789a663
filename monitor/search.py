"""Plain-text search over events and claims, for the explorer. Case-insensitive, vectorised."""

from __future__ import annotations

import numpy as np
import pandas as pd

from monitor.loading import Dataset, scanned


def _contains(values: pd.Series, query: str) -> np.ndarray:
    # Piece by piece as stored: a memory-mapped column's pages are given back as the search moves on.
    hits = [
        piece.str.contains(query, case=False, regex=False).fillna(False).to_numpy(dtype=bool)
        for piece in scanned(values)
    ]
    return np.concatenate(hits)


def search_events(dataset: Dataset, events: pd.DataFrame, query: str) -> pd.DataFrame:
    """Rows of ``events`` (a view's) whose title, summary, notes, category or place name contains the query
    (case-insensitive, plain text). Searched in the dataset's columns, vectorised, and looked up by position."""
    if not query:
        return events
    table = dataset.events
    hits = np.zeros(len(table), dtype=bool)
    for column in ("title", "summary", "notes", "category"):
        hits |= _contains(table[column], query)
    places = dataset.places
    hits |= table["place_id"].isin(places.loc[_contains(places["name"], query), "place_id"]).to_numpy()
    return events.loc[hits[events.index.to_numpy()]]


def search_claims(dataset: Dataset, claims: pd.DataFrame, query: str) -> pd.DataFrame:
    """Claims whose claimant, relayer, metric, notes, excerpt, date basis or a source's publisher contains it."""
    if not query:
        return claims
    # Searched in the dataset's columns and looked up by position: a view's claims leave the long text out.
    table = dataset.claims
    positions = table.index.get_indexer(claims.index)
    hits = np.zeros(len(table), dtype=bool)
    for column in ("claimant", "relayed_by", "metric", "notes", "excerpt", "date_basis"):
        values = table[column]
        # A column with no text at all may not be a string column; Python objects only then (a copy per cell).
        hits |= _contains(values if isinstance(values.dtype, pd.StringDtype) else values.astype(object), query)
    hits = hits[positions]
    sources = dataset.sources
    publishers = set(sources.loc[_contains(sources["publisher"], query), "source_id"])
    if publishers:
        links = claims["source_ids"].explode()
        hits |= links.isin(publishers).groupby(level=0).any().reindex(claims.index, fill_value=False).to_numpy()
    return claims.loc[hits]
