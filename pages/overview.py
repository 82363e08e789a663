"""Overview: what the dashboard is, how to read it, and the headline figures for the current filter."""

from __future__ import annotations

import streamlit as st

from components.claims import headline_in_view, render_headline
from components.filters import parties_toggle
from components.render import current_view, dash_if_missing, empty_state, escape
from monitor.claims import ClaimChoices
from monitor.compare import HEADLINE_SCOPES
from monitor.events import most_important, with_labels
from monitor.sources import cited_sources

HEADLINE_METRIC = "troops_deployed"

view = current_view()
dataset = view.dataset

st.title("DPRK–Russia Alignment Monitor")
st.markdown(
    "How the alignment between North Korea and the Soviet Union, then Russia, grew from the 1953 armistice "
    "to 2025, and how far the figures that different sources report agree. **Events** are dated facts "
    "in neutral words, each with its sources. **Claims** are reported figures (troops, workers, casualties, "
    "shells, missiles) recorded with who said them and when: a figure is never treated as a fact. Use the sidebar "
    "to filter by actor, period and category; the address bar keeps the view, so a copied link reopens it."
)
st.caption(f"Dataset version {escape(dataset.version)} · {escape(view.summary)}")

sources_cited = cited_sources(dataset, view.events, view.claims)
columns = st.columns(3)
columns[0].metric("Events", f"{len(view.events):,}", help="Events in the filter")
columns[1].metric("Claims", f"{len(view.claims):,}", help="Reported figures in the filter")
columns[2].metric("Sources", f"{len(sources_cited):,}", help="Sources cited by those events and claims")

st.subheader("North Korean troops in Russia: the newest reports", anchor=False)
parties = parties_toggle(st)
troops, places_left_out = headline_in_view(view, HEADLINE_METRIC, HEADLINE_SCOPES, ClaimChoices(parties=parties))
render_headline(st.container(), dataset, troops, HEADLINE_METRIC, places_left_out=places_left_out)
st.caption(
    "Totals and counts in a place are different things and are never mixed. Each claimant's newest figure counts "
    "if it is no more than six months older than the newest; see **Figures by source** for every revision and "
    "**Where sources disagree** for figures compared at the same moment."
)

st.subheader("Most important events in the filter", anchor=False)
if view.events.empty:
    empty_state("events")
else:
    top = with_labels(dataset, most_important(view.events, 15))
    st.dataframe(
        top[["when", "title", "category", "place", "status"]].assign(place=dash_if_missing(top["place"])),
        hide_index=True,
        width="stretch",
        column_config={"when": "Date", "title": "Event", "category": "Category", "place": "Place", "status": "Status"},
    )
