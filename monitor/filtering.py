"""The global filters (actors, a date range, categories) and the rows they select. The period's vocabulary
(months, decades, older links' names) is monitor/periods.py's."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from monitor.actors import state_of, with_members
from monitor.loading import Dataset
from monitor.schema import FIRST_DATE, LAST_DATE, TABLES

# The prose (the schema's long_text columns, stored apart in the cache) and the lists left out of a view's events;
# event_details() (or with_labels()) adds them back for the rows shown.
EVENT_DETAIL_COLUMNS = [*TABLES["events"].long_text_columns, "actors", "source_ids"]
# The same for claims: claim_details() adds their prose back for the rows a table or a card shows.
CLAIM_DETAIL_COLUMNS = TABLES["claims"].long_text_columns


@dataclass(frozen=True)
class Filters:
    """What the user selected; empty selections mean "everything"."""

    actors: tuple[str, ...] = ()
    start: pd.Timestamp = FIRST_DATE
    end: pd.Timestamp = LAST_DATE
    categories: tuple[str, ...] = ()

    @property
    def is_default(self) -> bool:
        return self == Filters()


def event_mask(dataset: Dataset, filters: Filters) -> np.ndarray:
    """Rows of ``dataset.events`` that match: any selected actor, overlapping dates, any category.

    Plain numpy over arrays prepared once per dataset: a million events filter in milliseconds.
    """
    starts = dataset.memo("date_start", lambda: dataset.events["date_start"].to_numpy(dtype="datetime64[ns]"))
    ends = dataset.memo("span_end", lambda: dataset.event_span_end.to_numpy(dtype="datetime64[ns]"))
    # Imprecise events span their month or year, so a month filter still finds them.
    mask = (ends >= filters.start.to_datetime64()) & (starts <= filters.end.to_datetime64())
    if filters.categories:
        codes, names = dataset.memo("category_codes", lambda: pd.factorize(dataset.events["category"]))
        mask &= np.isin(codes, np.flatnonzero(np.isin(np.asarray(names, dtype=object), filters.categories)))
    if filters.actors:
        links = dataset.event_actors
        actor_ids = links["actor_id"].cat
        # One lookup per link by its category code: a few ms for millions of links (isin would hash each).
        wanted = np.asarray(actor_ids.categories.isin(with_members(dataset.actors, filters.actors)), dtype=bool)
        codes = dataset.memo("actor_codes", lambda: actor_ids.codes.to_numpy())
        hits = links["event_row"].to_numpy()[np.append(wanted, False)[codes]]  # code -1 (none) never matches
        involved = np.zeros(len(mask), dtype=bool)
        involved[hits] = True
        mask &= involved
    return mask


def claim_mask(dataset: Dataset, filters: Filters) -> np.ndarray:
    """Rows of ``dataset.claims`` whose as-of date is in range and whose claimant or subject is selected."""
    claims = dataset.claims
    mask = ((claims["as_of"] >= filters.start) & (claims["as_of"] <= filters.end)).to_numpy()
    if filters.actors:
        wanted = with_members(dataset.actors, filters.actors)
        claimant_state = claims["claimant_actor"].map(state_of(dataset.actors))
        involved = claims["claimant_actor"].isin(wanted) | claimant_state.isin(wanted) | claims["subject"].isin(wanted)
        mask = mask & involved.to_numpy()
    return mask


def _rows(frame: pd.DataFrame, mask: np.ndarray, columns: list[str] | None = None) -> pd.DataFrame:
    """The masked rows; with everything selected, the table itself (copy-on-write: nothing is copied)."""
    columns = list(frame.columns) if columns is None else columns
    return frame[columns] if mask.all() else frame.loc[mask, columns]


def filter_events(dataset: Dataset, filters: Filters) -> pd.DataFrame:
    """The matching events without their detail columns (see ``EVENT_DETAIL_COLUMNS``)."""
    return View(dataset, filters).events


def filter_claims(dataset: Dataset, filters: Filters) -> pd.DataFrame:
    """The matching claims without their detail columns (see ``CLAIM_DETAIL_COLUMNS``)."""
    return _rows(dataset.claims, claim_mask(dataset, filters), claim_columns(dataset))


def claim_columns(dataset: Dataset) -> list[str]:
    """The claims' columns but their details (``CLAIM_DETAIL_COLUMNS``: the prose): what a scan of many claims
    reads, so the prose is never copied or paged in."""
    return [column for column in dataset.claims.columns if column not in CLAIM_DETAIL_COLUMNS]


@dataclass(frozen=True)
class View:
    """The dataset seen through the filters: what every page shows.

    ``events`` keeps the index of ``dataset.events`` (an event's row position) but not the detail columns
    (``EVENT_DETAIL_COLUMNS``: long text and lists): copying those for a million events would double the memory,
    and even reading them once pages the whole memory-mapped column in. ``event_details`` fetches them for the
    rows a page actually shows; ``dataset.event_actors`` links events and actors by row position. ``claims``
    likewise leaves out ``CLAIM_DETAIL_COLUMNS`` (``claim_details`` puts them back).

    Each is taken on first use: a page that reads only claims (where sources disagree) never copies a million
    events' rows (90 MB for most of the period at 1M events).
    """

    dataset: Dataset
    filters: Filters

    @functools.cached_property
    def event_mask(self) -> np.ndarray:
        return event_mask(self.dataset, self.filters)

    @functools.cached_property
    def events(self) -> pd.DataFrame:
        columns = [column for column in self.dataset.events.columns if column not in EVENT_DETAIL_COLUMNS]
        return _rows(self.dataset.events, self.event_mask, columns)

    @functools.cached_property
    def claims(self) -> pd.DataFrame:
        return filter_claims(self.dataset, self.filters)

    @property
    def summary(self) -> str:
        return (
            f"showing {int(self.event_mask.sum()):,} of {len(self.dataset.events):,} events · "
            f"{len(self.claims):,} of {len(self.dataset.claims):,} claims"
        )


def event_details(dataset: Dataset, events: pd.DataFrame) -> pd.DataFrame:
    """``events`` (rows of a view) with their detail columns put back, looked up by row position."""
    details = dataset.rows("events", events.index.to_numpy(), EVENT_DETAIL_COLUMNS).set_axis(events.index)
    return events.assign(**{column: details[column] for column in EVENT_DETAIL_COLUMNS})


def claim_details(dataset: Dataset, claims: pd.DataFrame) -> pd.DataFrame:
    """``claims`` (rows of a view or of ``dataset.claims``, indexed like it) with the detail columns they lack
    looked up, for these rows only."""
    missing = [column for column in CLAIM_DETAIL_COLUMNS if column not in claims]
    if not missing:
        return claims
    positions = dataset.claims.index.get_indexer(claims.index)
    details = dataset.rows("claims", positions, missing).set_axis(claims.index)
    return claims.assign(**{column: details[column] for column in missing})


def events_at_place(events: pd.DataFrame, place_id: str | None) -> pd.DataFrame:
    """The events at one place (a place selected on the map); all of them for None."""
    return events if not place_id else events.loc[(events["place_id"] == place_id).to_numpy()]


def apply_filters(dataset: Dataset, filters: Filters) -> View:
    """The view of ``dataset`` through ``filters``; its events and claims are taken when first read."""
    return View(dataset, filters)
