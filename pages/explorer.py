"""Claims and events explorer: search, sort, and download exactly what is shown."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.render import current_view, download_buttons, empty_state, link_column, with_safe_links
from monitor.derived import claims_with_claimants, with_labels

view = current_view()
dataset = view.dataset


def search(frame: pd.DataFrame, query: str, columns: list[str]) -> pd.DataFrame:
    """Rows where any of the columns contains the query (case-insensitive, plain text)."""
    if not query:
        return frame
    text = frame[columns].astype("string").fillna("").agg(" ".join, axis=1)
    return frame.loc[text.str.contains(query, case=False, regex=False)]


st.title("Claims and events explorer")
query = st.text_input(
    "Search titles, summaries, claimants and notes", key="q", bind="query-params", placeholder="e.g. Shoigu, Kursk, NIS"
)
sources = dataset.sources.set_index("source_id")
claims_tab, events_tab = st.tabs([f"Claims ({len(view.claims)})", f"Events ({len(view.events)})"])

with claims_tab:
    claims = claims_with_claimants(dataset, view.claims)
    claims = claims.assign(url=claims["source_id"].map(sources["url"]))
    columns = [
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
    searchable = ["claimant", "relayed_by", "read_in", "metric", "notes", "excerpt"]
    shown = with_safe_links(search(claims, query, searchable)).sort_values(["as_of", "metric"])[columns]
    if shown.empty:
        empty_state("claims")
    else:
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            column_config={
                "url": link_column(),
                "as_of": st.column_config.DateColumn("as_of"),
                "reported_on": st.column_config.DateColumn("reported_on"),
            },
        )
        download_buttons(shown, "claims", key="claims")

with events_tab:
    events = with_labels(dataset, view.events)
    events = events.assign(first_source_url=events["source_ids"].map(lambda ids: sources["url"].get(ids[0])))
    columns = [
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
    shown = with_safe_links(
        search(events, query, ["title", "summary", "notes", "place", "category"]), "first_source_url"
    )
    shown = shown.sort_values("date_start")[columns]
    if shown.empty:
        empty_state("events")
    else:
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            column_config={
                "first_source_url": link_column("Source"),
                "date_start": st.column_config.DateColumn("date_start"),
                "date_end": st.column_config.DateColumn("date_end"),
            },
        )
        download_buttons(shown, "events", key="events")
