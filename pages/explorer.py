"""Claims and events explorer: search, sort, page through, open a record's card, and download every matching row."""

from __future__ import annotations

from functools import partial

import streamlit as st

from components.explorer import record_table, render_claim_card, select_claim, selected_claim_id
from components.render import (
    PROSE_PAGE_ROWS,
    current_view,
    download_buttons,
    empty_state,
    page_of,
    render_event_detail,
)
from components.selection import select_event, selected_event
from monitor.explorer import (
    CLAIM_COLUMNS,
    EVENT_COLUMNS,
    claims_for_download,
    dressed_claims,
    dressed_events,
    events_for_download,
    matching_claims,
    matching_events,
)

view = current_view()
dataset = view.dataset

st.title("Claims and events explorer")
st.caption("Select a row to open its card: its sources, and a citation with a link that reopens it.")
query = st.text_input(
    "Search titles, summaries, claimants and notes", key="q", bind="query-params", placeholder="e.g. Shoigu, Kursk, NIS"
)


# Search and sort the whole filtered table cheaply, then dress up only the rows on screen (monitor/explorer.py).
# The downloads keep only the filters and the query and rebuild their rows when clicked.
claims = matching_claims(dataset, view.claims, query)
events, by_date = matching_events(dataset, view.events, query)
claim_id = selected_claim_id(dataset)
claims_label, events_label = f"Claims ({len(claims):,})", f"Events ({len(events):,})"
opens_event = claim_id is None and "event" in st.query_params
claims_tab, events_tab = st.tabs([claims_label, events_label], default=events_label if opens_event else claims_label)

with claims_tab:
    if claims.empty:
        empty_state("claims")
    else:
        chosen = record_table(
            dressed_claims(dataset, page_of(claims, "claims_page", "claims", page_rows=PROSE_PAGE_ROWS)),
            CLAIM_COLUMNS,
            "claim_id",
            "claims_table",
        )
        if chosen is not None:
            select_claim(chosen)
            claim_id = chosen or None
        download_buttons(
            partial(claims_for_download, dataset, view.filters, query), len(claims), "claims", key="claims"
        )
    if claim_id:
        render_claim_card(dataset, claim_id)

with events_tab:
    if events.empty:
        empty_state("events")
    else:
        shown = dressed_events(
            dataset, page_of(events, "events_page", "events", order=by_date, page_rows=PROSE_PAGE_ROWS)
        )
        chosen = record_table(shown, EVENT_COLUMNS, "event_id", "events_table")
        if chosen is not None:
            select_event(chosen or None)
        download_buttons(
            partial(events_for_download, dataset, view.filters, query), len(events), "events", key="events"
        )
    event = selected_event(dataset)
    if event is not None:
        with st.container(border=True):
            render_event_detail(dataset, event)
