"""Claims and events explorer: search, sort, page through, and download every matching row."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from components.render import (
    current_view,
    download_buttons,
    empty_state,
    link_column,
    page_of,
    with_lists_as_text,
    with_safe_links,
)
from monitor.claims import claims_with_claimants
from monitor.events import with_labels
from monitor.filtering import Filters, event_details, filter_claims, filter_events
from monitor.search import search_claims, search_events

view = current_view()
dataset = view.dataset

st.title("Claims and events explorer")
query = st.text_input(
    "Search titles, summaries, claimants and notes", key="q", bind="query-params", placeholder="e.g. Shoigu, Kursk, NIS"
)
sources = dataset.indexed("sources")


def matching_claims(claims: pd.DataFrame, query: str) -> pd.DataFrame:
    """The filtered claims that match the search, by date."""
    return search_claims(dataset, claims, query).sort_values(["as_of", "metric"], kind="stable")


def matching_events(events: pd.DataFrame, query: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The filtered events that match the search, and their positions by date (sorting positions copies no table)."""
    events = search_events(dataset, events, query)
    return events, np.argsort(events["date_start"].to_numpy(), kind="stable")


def download_claims(filters: Filters, query: str, rows: int) -> pd.DataFrame:
    return dressed_claims(matching_claims(filter_claims(dataset, filters), query).iloc[:rows])


def download_events(filters: Filters, query: str, rows: int) -> pd.DataFrame:
    events, by_date = matching_events(filter_events(dataset, filters), query)
    return dressed_events(events.iloc[by_date[:rows]])


# Search and sort the whole filtered table cheaply, then dress up (labels, links, text) only the rows on screen:
# a million events are never formatted, sent or copied at once. The downloads keep only the filters and the
# query and rebuild their rows when clicked: a deferred download must not hold a large table between reruns.
claims = matching_claims(view.claims, query)
events, by_date = matching_events(view.events, query)
claims_tab, events_tab = st.tabs([f"Claims ({len(claims):,})", f"Events ({len(events):,})"])

CLAIM_COLUMNS = [
    "claim_id",
    "metric",
    "as_of",
    "figure",
    "scope",
    "chain",
    "value_low",
    "value_high",
    "qualifier",
    "reported_on",
    "claimant",
    "relayed_by",
    "read_in",
    "source_id",
    "url",
    "interested_party",
    "place_id",
    "excerpt",
    "notes",
]
EVENT_COLUMNS = [
    "event_id",
    "when",
    "date_start",
    "date_end",
    "date_precision",
    "title",
    "summary",
    "category",
    "status",
    "place",
    "actors",
    "source_ids",
    "first_source_url",
    "excerpt",
    "importance",
    "notes",
]


def dressed_claims(rows: pd.DataFrame) -> pd.DataFrame:
    enriched = claims_with_claimants(dataset, rows)
    return with_safe_links(enriched.assign(url=enriched["source_id"].map(sources["url"])))[CLAIM_COLUMNS]


def dressed_events(rows: pd.DataFrame) -> pd.DataFrame:
    labelled = with_labels(dataset, event_details(dataset, rows))
    first_source = [ids[0] if ids is not None and len(ids) else None for ids in labelled["source_ids"]]
    labelled = labelled.assign(first_source_url=sources["url"].reindex(first_source).to_numpy())
    return with_lists_as_text(with_safe_links(labelled, "first_source_url")[EVENT_COLUMNS])


with claims_tab:
    if claims.empty:
        empty_state("claims")
    else:
        st.dataframe(
            dressed_claims(page_of(claims, "claims_page", "claims")),
            hide_index=True,
            width="stretch",
            column_config={
                "url": link_column(),
                "as_of": st.column_config.DateColumn("as_of"),
                "reported_on": st.column_config.DateColumn("reported_on"),
            },
        )
        download_buttons(partial(download_claims, view.filters, query), len(claims), "claims", key="claims")

with events_tab:
    if events.empty:
        empty_state("events")
    else:
        st.dataframe(
            dressed_events(page_of(events, "events_page", "events", order=by_date)),
            hide_index=True,
            width="stretch",
            column_config={
                "first_source_url": link_column("Source"),
                "date_start": st.column_config.DateColumn("date_start"),
                "date_end": st.column_config.DateColumn("date_end"),
            },
        )
        download_buttons(partial(download_events, view.filters, query), len(events), "events", key="events")
