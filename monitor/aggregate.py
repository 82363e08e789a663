"""Aggregates for drawing large tables: what a chart draws when one mark per row would be too many.
Plain numpy and pandas, no Streamlit: pages and chart builders call these.

A million events cannot be drawn one marker each (tens of MB of JSON, a browser that stalls), so above a
threshold the timeline draws counts per lane and period, and the figures chart draws each claimant's
lowest-to-highest figure per period. Everything here is vectorised: a million rows take tens of milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from monitor.actors import lane_names
from monitor.events import most_important, with_labels
from monitor.loading import Dataset
from monitor.periods import bin_index, bin_labels, bin_start, choose_bin

# A table or event list shows at most this many events (the most important, newest first): a million rows would be
# tens of MB per rerun. The explorer page pages through all of them.
TABLE_ROWS = 500
# A panel counts per the finest bin (a day to a year: monitor.periods) that fits in this many columns.
MAX_BINS = 80
# Cells of the (period, category, set of lanes) table counted in one bincount; beyond, lane by lane.
_MAX_TABLE = 4_000_000
# Lanes that fit as bits of one int64 (beyond, a row's lanes are a row of a membership matrix).
_MASK_LANES = 62


def _list_array(lists: pd.Series) -> pa.ListArray:
    """A list column as one Arrow list array (Arrow-backed columns are not copied)."""
    if isinstance(lists.dtype, pd.ArrowDtype):
        array = pa.array(lists.array)
        return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    # A plain column of tuples or lists (hand-built frames, older loaders).
    values = [list(value) if isinstance(value, list | tuple | np.ndarray) else None for value in lists]
    return pa.array(values, pa.list_(pa.string()))


def _actor_codes(array: pa.ListArray, lane_of: Mapping[str, str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The actors of a list array, flattened: each one's lane number, the lane names (sorted) and, as indices
    into the flattened actors, the distinct actor ids ``dictionary`` is built from."""
    encoded = pc.list_flatten(array).dictionary_encode()
    lookup, lane_names = _lane_numbers(encoded.dictionary.to_pylist(), lane_of)
    return lookup, encoded.indices.to_numpy(zero_copy_only=False), lane_names


def _lane_numbers(ids: list[str], lane_of: Mapping[str, str]) -> tuple[np.ndarray, list[str]]:
    """Each distinct actor id's lane number, and the lane names (sorted)."""
    lane_names = sorted({lane_of.get(actor, actor) for actor in ids})
    position = {lane: number for number, lane in enumerate(lane_names)}
    return np.array([position[lane_of.get(actor, actor)] for actor in ids], dtype=np.int64), lane_names


def lane_membership(actors: pd.Series, lane_of: Mapping[str, str]) -> tuple[np.ndarray, list[str]]:
    """Which lanes each row is in: a (rows × lanes) boolean matrix and the lane names (sorted).

    ``actors`` is a list column of actor ids; an event with two actors of one state is in that lane once.
    """
    array = _list_array(actors)
    lookup, indices, lane_names = _actor_codes(array, lane_of)
    member = np.zeros((len(actors), len(lane_names)), dtype=bool)
    member[pc.list_parent_indices(array).to_numpy(), lookup[indices]] = True
    return member, lane_names


def _lane_masks(actors: pd.Series, lane_of: Mapping[str, str]) -> tuple[np.ndarray, list[str]] | None:
    """Each row's lanes as the bits of one integer (None beyond 62 lanes), without a (rows × lanes) matrix or
    an integer per actor: a million events take tens of MB, not hundreds."""
    array = _list_array(actors)
    lookup, indices, lane_names = _actor_codes(array, lane_of)
    if len(lane_names) > _MASK_LANES:
        return None
    offsets = array.offsets.to_numpy()
    starts, lengths = offsets[:-1] - offsets[0], np.diff(offsets)
    bit = np.left_shift(np.int64(1), lookup)  # per distinct actor
    masks = np.zeros(len(actors), dtype=np.int64)
    # The k-th actor of every row that has one, k = 0, 1, …: arrays of at most one value per row at a time.
    for k in range(int(lengths.max(initial=0))):
        rows = np.flatnonzero(lengths > k)
        masks[rows] |= bit[indices[starts[rows] + k]]
    return masks, lane_names


@dataclass(frozen=True)
class EventKeys:
    """What the timeline's counts need of each event, as arrays: its start, its category and its set of lanes.

    An event's lanes are stored as the code of its set of lanes (``lane_sets``, a row of ``lane_bits``): a
    dataset has only a few hundred distinct sets, so counting is one ``bincount`` over the events, whatever
    the number of lanes. Built once per dataset (``event_keys``), then ``take`` the rows a view shows.
    """

    starts: np.ndarray
    categories: np.ndarray
    category_names: list[str]
    lane_sets: np.ndarray
    lane_bits: np.ndarray
    lanes: list[str]

    def __len__(self) -> int:
        return len(self.starts)

    def take(self, positions: np.ndarray) -> EventKeys:
        """The keys of the rows at ``positions`` (integer row positions)."""
        return EventKeys(
            self.starts[positions],
            self.categories[positions],
            self.category_names,
            self.lane_sets[positions],
            self.lane_bits,
            self.lanes,
        )


def _lane_masks_of_links(
    links: pd.DataFrame, rows: int, lane_of: Mapping[str, str]
) -> tuple[np.ndarray, list[str]] | None:
    """``_lane_masks`` from a dataset's event-actor links (``Dataset.event_actors``: event_row, actor_id as
    categories) instead of the actors lists: integer codes, nothing read from the lists' text."""
    lookup, lane_names = _lane_numbers([str(actor) for actor in links["actor_id"].cat.categories], lane_of)
    if len(lane_names) > _MASK_LANES:
        return None
    bit = np.left_shift(np.int64(1), lookup)
    masks = np.zeros(rows, dtype=np.int64)
    np.bitwise_or.at(masks, links["event_row"].to_numpy(), bit[links["actor_id"].cat.codes.to_numpy()])
    return masks, lane_names


def event_keys(events: pd.DataFrame, lane_of: Mapping[str, str], links: pd.DataFrame | None = None) -> EventKeys:
    """``EventKeys`` of ``events`` (date_start, category, and actors as a list column of actor ids; or, given
    ``links``, the dataset's event-actor links, which a cached dataset has without reading the lists).

    A million events take a few hundred milliseconds, so a page builds this once per dataset.
    """
    bits = (
        _lane_masks(events["actors"], lane_of) if links is None else _lane_masks_of_links(links, len(events), lane_of)
    )
    if bits is not None:
        masks, lanes = bits
        lane_sets, unique = pd.factorize(masks, sort=True)  # hashing: no sorted copies of a million masks
        lane_bits = ((unique[:, None] >> np.arange(len(lanes), dtype=np.int64)) & 1).astype(bool)
    else:  # more lanes than bits in an integer: distinct rows of the membership matrix
        member, lanes = lane_membership(events["actors"], lane_of)
        lane_bits, lane_sets = np.unique(member, axis=0, return_inverse=True)
    codes, names = pd.factorize(events["category"], sort=True)
    return EventKeys(
        starts=events["date_start"].to_numpy(dtype="datetime64[ns]"),
        categories=codes.astype(np.int32),
        category_names=[str(name) for name in names],
        lane_sets=lane_sets.reshape(-1).astype(np.int32),
        lane_bits=lane_bits,
        lanes=lanes,
    )


def view_event_keys(dataset: Dataset, shown: pd.DataFrame) -> EventKeys:
    """The ``EventKeys`` of the events shown (rows of ``dataset.events`` or of a view, whose index is their row
    position): built once per dataset and kept with it, then taken by row."""
    # From the event-actor links: the actors lists of a million events, read whole, took 166 MB at their peak.
    keys = dataset.memo(
        "timeline_event_keys",
        lambda: event_keys(dataset.events, lane_names(dataset.actors), links=dataset.event_actors),
    )
    return keys if len(shown) == len(dataset.events) else keys.take(shown.index.to_numpy())


def listed_events(dataset: Dataset, shown: pd.DataFrame, limit: int = TABLE_ROWS) -> pd.DataFrame:
    """The events a table lists, labelled (``with_labels``): all of ``shown`` by date when they are ``limit``
    or fewer, else the ``limit`` most important, newest first. Only these rows are labelled: formatting a
    million dates takes seconds."""
    listed = shown.sort_values("date_start") if len(shown) <= limit else most_important(shown, limit, newest_first=True)
    return with_labels(dataset, listed)


def with_event(dataset: Dataset, listed: pd.DataFrame, shown: pd.DataFrame, event_id: str | None) -> pd.DataFrame:
    """``listed`` with the event ``event_id`` first when it is among ``shown`` but not listed (a selected event
    stays in the event list even when it is not among the most important)."""
    if not event_id or (listed["event_id"] == event_id).any():
        return listed
    return pd.concat([with_labels(dataset, shown.loc[(shown["event_id"] == event_id).to_numpy()]), listed])


@dataclass(frozen=True)
class LaneCounts:
    """Events per lane, period and category in one panel of the timeline.

    ``counts[lane, period, category]``; ``edges`` has one more entry than there are periods (the last is where
    the last period ends), so period ``i`` runs from ``edges[i]`` up to ``edges[i + 1]``.
    """

    period: str
    edges: np.ndarray
    lanes: list[str]
    categories: list[str]
    counts: np.ndarray

    @property
    def labels(self) -> list[str]:
        return bin_labels(self.edges[:-1], self.period)

    @property
    def total(self) -> int:
        return int(self.counts.sum())


def lane_period_counts(
    keys: EventKeys,
    panels: list[tuple[pd.Timestamp | None, pd.Timestamp | None]],
    max_bins: int = MAX_BINS,
) -> list[LaneCounts | None]:
    """Count events per lane, period and category for each panel (a [start, end) date window, None = open).

    Each event counts once in each lane it is in (as the timeline draws it), in the period of its start date.
    Each panel gets the finest period that fits its events in ``max_bins``; a panel with no events is None.
    """
    starts = keys.starts
    sets = len(keys.lane_bits)
    depth = len(keys.category_names)
    results: list[LaneCounts | None] = []
    for low, high in panels:
        inside = np.ones(len(starts), dtype=bool)
        if low is not None:
            inside &= starts >= np.datetime64(pd.Timestamp(low), "ns")
        if high is not None:
            inside &= starts < np.datetime64(pd.Timestamp(high), "ns")
        rows = np.flatnonzero(inside) if not inside.all() else slice(None)
        dates = starts[rows]
        if not len(dates):
            results.append(None)
            continue
        period = choose_bin(dates.min(), dates.max(), max_bins)
        bins = bin_index(dates, period)
        first, last = int(bins.min()), int(bins.max())
        width = last - first + 1
        cell = (bins - first) * depth + keys.categories[rows]
        if width * depth * sets <= _MAX_TABLE:
            by_set = np.bincount(cell * sets + keys.lane_sets[rows], minlength=width * depth * sets)
            # Each set of lanes adds its count to every lane in it: (periods·categories × sets) @ (sets × lanes).
            flat = by_set.reshape(width * depth, sets) @ keys.lane_bits.astype(np.int64)
        else:  # very many distinct sets of lanes: count lane by lane instead
            member = keys.lane_bits[keys.lane_sets[rows]]
            flat = np.stack(
                [np.bincount(cell[member[:, lane]], minlength=width * depth) for lane in range(len(keys.lanes))],
                axis=1,
            )
        counts = flat.reshape(width, depth, len(keys.lanes)).transpose(2, 0, 1)
        used = counts.sum(axis=(1, 2)) > 0
        results.append(
            LaneCounts(
                period=period,
                edges=bin_start(np.arange(first, last + 2), period),
                lanes=[lane for lane, keep in zip(keys.lanes, used, strict=True) if keep],
                categories=list(keys.category_names),
                counts=np.ascontiguousarray(counts[used]),
            )
        )
    return results


def claim_ranges(claims: pd.DataFrame, max_bins: int = MAX_BINS) -> tuple[pd.DataFrame, str]:
    """Each claimant's claims per period: how many, the lowest and highest figure, the first and last as-of date.

    ``claims`` comes from ``monitor.claims.claims_with_claimants`` (claimant_key, claimant_name, interested_party,
    colour, as_of, value_low, value_high). Returns the table (one row per claimant and period, with ``start`` and
    ``end`` of the period and its ``label``) and the period chosen (the finest within ``max_bins``).
    """
    columns = [
        "claimant_key",
        "claimant_name",
        "interested_party",
        "colour",
        "start",
        "end",
        "label",
        "claims",
        "lowest",
        "highest",
    ]
    if claims.empty:
        return pd.DataFrame(columns=columns), "month"
    dates = claims["as_of"].to_numpy(dtype="datetime64[ns]")
    period = choose_bin(dates.min(), dates.max(), max_bins)
    bins = bin_index(dates, period)
    grouped = (
        claims.assign(bin=bins, interested_party=claims["interested_party"].astype(bool))
        .groupby(["claimant_key", "claimant_name", "interested_party", "bin"], sort=True, observed=True)
        .agg(
            colour=("colour", "first"),
            claims=("value_high", "size"),
            lowest=("value_low", "min"),
            highest=("value_high", "max"),
        )
        .reset_index()
    )
    index = grouped["bin"].to_numpy(dtype=np.int64)
    starts = bin_start(index, period)
    table = grouped.assign(start=starts, end=bin_start(index + 1, period), label=bin_labels(starts, period))
    return table[columns], period
