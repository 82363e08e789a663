"""The explorer's tables, without Streamlit: search and sort the filtered rows, dress the rows a page shows in
readable columns (date, figure or title, claimant, source first; raw ids last), each column with the schema's
description as its help, and the same rows for a download with where each comes from.

Search and sort cover the whole filtered table cheaply; labels, links and text are added only to the rows on
screen (or in a download), so a million events are never formatted at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from monitor.citation import PROVENANCE_COLUMNS, with_provenance
from monitor.claims import claims_with_claimants
from monitor.events import with_labels
from monitor.filtering import Filters, claim_details, event_details, filter_claims, filter_events
from monitor.labels import metric_label
from monitor.loading import Dataset
from monitor.schema import TABLES, list_cells
from monitor.search import search_claims, search_events


@dataclass(frozen=True)
class Column:
    """One column of an explorer table: its name in the frame, its heading, its help and how it is shown."""

    name: str
    label: str
    help: str
    show_as: str = "text"  # text, date, link or check


def _described(table: str, name: str, label: str, show_as: str = "text", column: str | None = None) -> Column:
    """A column whose help is the schema's description of ``column`` (default: the same name)."""
    return Column(name, label, TABLES[table].schema.columns[column or name].description, show_as)


SOURCE_COLUMNS = [
    Column("source_title", "Source", "Title of the source the excerpt quotes (the first of source_ids)."),
    Column("source_kind", "Source kind", "What sort of source it is (official, state media, news, analysis…)."),
    Column("source_published", "Source date", "When the source was published.", "date"),
]

CLAIM_COLUMNS = [
    _described("claims", "as_of", "As of", "date"),
    Column("figure", "Figure", "The figure as the claimant worded it: bounds and ranges as said."),
    Column("metric_label", "What is counted", "The metric: troops deployed, casualties, shells…"),
    _described("claims", "scope", "Scope"),
    Column("claimant_name", "Claimant", "Who first said it (for unnamed sources, the outlet citing them)."),
    *SOURCE_COLUMNS,
    Column("url", "Link", "The source's address (http and https links only).", "link"),
    _described("claims", "reported_on", "Said on", "date"),
    Column("chain", "Claimant → relayed by → read in", "Who said it, who passed it on, where we read it."),
    _described("claims", "date_basis", "How the date was fixed"),
    _described("claims", "interested_party", "Party to the war", "check"),
    _described("claims", "excerpt", "Excerpt"),
    _described("claims", "notes", "Notes"),
    _described("claims", "qualifier", "Qualifier"),
    _described("claims", "value_low", "Low"),
    _described("claims", "value_high", "High"),
    _described("claims", "relayed_by", "Relayed by"),
    _described("claims", "claim_id", "Claim id"),
    _described("claims", "metric", "Metric id"),
    _described("claims", "source_ids", "Source ids"),
    _described("claims", "part_of", "Part of"),
    _described("claims", "place_id", "Place id"),
]

EVENT_COLUMNS = [
    Column("when", "Date", "The event's date, as precise as its sources allow (a day, a month or a year)."),
    _described("events", "title", "Event"),
    _described("events", "category", "Category"),
    Column("place", "Place", "Where it happened."),
    _described("events", "status", "Status"),
    *SOURCE_COLUMNS,
    Column("first_source_url", "Link", "The first source's address (http and https links only).", "link"),
    _described("events", "summary", "Summary"),
    _described("events", "excerpt", "Excerpt"),
    _described("events", "notes", "Notes"),
    _described("events", "actors", "Actors"),
    _described("events", "importance", "Importance"),
    _described("events", "date_start", "From", "date"),
    _described("events", "date_end", "To", "date"),
    _described("events", "date_precision", "Date precision"),
    _described("events", "event_id", "Event id"),
    _described("events", "place_id", "Place id"),
    _described("events", "source_ids", "Source ids"),
]


def column_names(columns: list[Column]) -> list[str]:
    return [column.name for column in columns]


def matching_claims(dataset: Dataset, claims: pd.DataFrame, query: str) -> pd.DataFrame:
    """The filtered claims that match the search, by date."""
    return search_claims(dataset, claims, query).sort_values(["as_of", "metric"], kind="stable")


def matching_events(dataset: Dataset, events: pd.DataFrame, query: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The filtered events that match the search, and their positions by date (sorting positions copies no
    table)."""
    events = search_events(dataset, events, query)
    return events, np.argsort(events["date_start"].to_numpy(), kind="stable")


def dressed_claims(dataset: Dataset, rows: pd.DataFrame) -> pd.DataFrame:
    """Claims in the explorer's columns, with their (first) source's title, kind and date and the dataset version
    and licence (the last two are for downloads; the table on screen leaves them out). Links are as recorded:
    the page blanks any that is not http(s) (components/render.py with_safe_links)."""
    enriched = claims_with_claimants(dataset, claim_details(dataset, rows))
    sources = dataset.indexed("sources")
    enriched = with_provenance(enriched, dataset, enriched["source_id"]).assign(
        url=enriched["source_id"].map(sources["url"]),
        metric_label=enriched["metric"].map(metric_label),
        source_ids=list_cells(enriched["source_ids"]),
    )
    return enriched[[*column_names(CLAIM_COLUMNS), *PROVENANCE_COLUMNS[3:]]]


def dressed_events(dataset: Dataset, rows: pd.DataFrame) -> pd.DataFrame:
    """Events in the explorer's columns (lists as ';'-joined text), with their first source and provenance."""
    labelled = with_labels(dataset, event_details(dataset, rows))
    first = [ids[0] if ids is not None and len(ids) else None for ids in labelled["source_ids"]]
    sources = dataset.indexed("sources")
    labelled = with_provenance(labelled, dataset, first).assign(
        first_source_url=sources["url"].reindex(first).to_numpy(),
        actors=list_cells(labelled["actors"]),
        source_ids=list_cells(labelled["source_ids"]),
    )
    return labelled[[*column_names(EVENT_COLUMNS), *PROVENANCE_COLUMNS[3:]]]


def find_claim(dataset: Dataset, claim_id: str | None) -> pd.DataFrame:
    """The claim with that id, dressed (one row), or no row."""
    if not claim_id:
        return dataset.claims.iloc[0:0]
    return dataset.claims.loc[dataset.claims["claim_id"] == claim_id]


def claim_sources(dataset: Dataset, claim: pd.Series) -> pd.DataFrame:
    """Every source of one claim, in the order it lists them (the first is the one its excerpt quotes)."""
    return dataset.indexed("sources").reindex(list(claim["source_ids"])).dropna(how="all").reset_index()


def claims_for_download(dataset: Dataset, filters: Filters, query: str, rows: int) -> pd.DataFrame:
    """The first ``rows`` claims the filters and the search select, dressed: rebuilt when a download is clicked,
    so no large table is held between reruns."""
    return dressed_claims(dataset, matching_claims(dataset, filter_claims(dataset, filters), query).iloc[:rows])


def events_for_download(dataset: Dataset, filters: Filters, query: str, rows: int) -> pd.DataFrame:
    """The first ``rows`` events, by date, that the filters and the search select, dressed."""
    events, by_date = matching_events(dataset, filter_events(dataset, filters), query)
    return dressed_events(dataset, events.iloc[by_date[:rows]])
