"""The global filters (actors, period, category) and the rows they select."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from monitor.loading import Dataset
from monitor.schema import FIRST_DATE, LAST_DATE

ALL_PERIOD = "all"
CUSTOM_PERIOD = "custom"
_DECADE = re.compile(r"^(\d{3})0s$")
_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


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


def period_options(first: pd.Timestamp = FIRST_DATE, last: pd.Timestamp = LAST_DATE) -> list[str]:
    """Every selectable period: all, each decade, each year, each month (newest first within each)."""
    years = range(last.year, first.year - 1, -1)
    decades = sorted({year // 10 * 10 for year in years}, reverse=True)
    months = [f"{year}-{month:02d}" for year in years for month in range(12, 0, -1)]
    return [ALL_PERIOD, *(f"{decade}s" for decade in decades), *map(str, years), *months, CUSTOM_PERIOD]


def period_label(period: str) -> str:
    """How a period option reads in the menu: '1960s', '2024', 'October 2024'."""
    if period == ALL_PERIOD:
        return f"All years ({FIRST_DATE.year}–{LAST_DATE.year})"
    if period == CUSTOM_PERIOD:
        return "Custom dates…"
    month = _MONTH.match(period)
    if month:
        return pd.Timestamp(year=int(month.group(1)), month=int(month.group(2)), day=1).strftime("%B %Y")
    return period


def period_bounds(period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a period option, clipped to the dataset's range."""
    if (match := _DECADE.match(period)) is not None:
        start = pd.Timestamp(year=int(match.group(1)) * 10, month=1, day=1)
        end = pd.Timestamp(year=start.year + 9, month=12, day=31)
    elif (match := _YEAR.match(period)) is not None:
        start = pd.Timestamp(year=int(match.group(1)), month=1, day=1)
        end = pd.Timestamp(year=start.year, month=12, day=31)
    elif (match := _MONTH.match(period)) is not None:
        start = pd.Timestamp(year=int(match.group(1)), month=int(match.group(2)), day=1)
        end = start + pd.offsets.MonthEnd(0)
    else:
        start, end = FIRST_DATE, LAST_DATE
    return max(start, FIRST_DATE), min(end, LAST_DATE)


def expand_actors(dataset: Dataset, selected: tuple[str, ...]) -> set[str]:
    """The selected actors plus the people and organisations of any selected state."""
    actors = dataset.actors
    members = actors.loc[actors["state"].isin(selected), "actor_id"]
    return set(selected) | set(members)


def event_mask(dataset: Dataset, filters: Filters) -> np.ndarray:
    """Rows of ``dataset.events`` that match: any selected actor, overlapping dates, any category."""
    events = dataset.events
    # Imprecise events span their month or year, so a month filter still finds them.
    mask = (dataset.event_span_end >= filters.start).to_numpy() & (events["date_start"] <= filters.end).to_numpy()
    if filters.categories:
        mask = mask & events["category"].isin(filters.categories).to_numpy()
    if filters.actors:
        wanted = expand_actors(dataset, filters.actors)
        links = dataset.event_actors
        matching_ids = links.loc[links["actor_id"].isin(wanted), "event_id"].unique()
        mask = mask & events["event_id"].isin(matching_ids).to_numpy()
    return mask


def claim_mask(dataset: Dataset, filters: Filters) -> np.ndarray:
    """Rows of ``dataset.claims`` whose as-of date is in range and whose claimant or subject is selected."""
    claims = dataset.claims
    mask = ((claims["as_of"] >= filters.start) & (claims["as_of"] <= filters.end)).to_numpy()
    if filters.actors:
        wanted = expand_actors(dataset, filters.actors)
        claimant_state = claims["claimant_actor"].map(dataset.actors.set_index("actor_id")["state"])
        involved = claims["claimant_actor"].isin(wanted) | claimant_state.isin(wanted) | claims["subject"].isin(wanted)
        mask = mask & involved.to_numpy()
    return mask


def filter_events(dataset: Dataset, filters: Filters) -> pd.DataFrame:
    return dataset.events.loc[event_mask(dataset, filters)]


def filter_claims(dataset: Dataset, filters: Filters) -> pd.DataFrame:
    return dataset.claims.loc[claim_mask(dataset, filters)]


@dataclass(frozen=True)
class View:
    """The dataset seen through the filters: what every page shows."""

    dataset: Dataset
    filters: Filters
    events: pd.DataFrame
    claims: pd.DataFrame

    @property
    def summary(self) -> str:
        return (
            f"showing {len(self.events)} of {len(self.dataset.events)} events · "
            f"{len(self.claims)} of {len(self.dataset.claims)} claims"
        )


def apply_filters(dataset: Dataset, filters: Filters) -> View:
    return View(dataset, filters, filter_events(dataset, filters), filter_claims(dataset, filters))
