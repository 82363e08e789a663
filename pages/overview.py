"""Overview: what the dashboard is, how to read it, and the headline numbers for the current filter."""

from __future__ import annotations

import streamlit as st

from components.render import current_view, empty_state, escape
from monitor.derived import cited_sources, headline, most_important, with_labels

view = current_view()
dataset = view.dataset

st.title("DPRK–Russia Alignment Monitor")
st.markdown(
    "How the alignment between North Korea and the Soviet Union, then Russia, grew from the 1953 armistice "
    "to 2025, and how far the figures that different sources report agree. **Events** are dated facts "
    "in neutral words, each with its sources. **Claims** are reported figures (troops, workers, casualties) "
    "recorded with who claims them: a figure is never treated as a fact. Use the sidebar to filter by actor, "
    "period and category; the address bar keeps the view, so a copied link reopens it."
)
st.caption(f"Dataset version {escape(dataset.version)} · {escape(view.summary)}")

sources_cited = cited_sources(dataset, view.events, view.claims)
troops = headline(dataset, view.claims, "troops_deployed")
columns = st.columns(4)
columns[0].metric("Events", f"{len(view.events):,}", help="Events in the filter")
columns[1].metric("Claims", f"{len(view.claims):,}", help="Reported figures in the filter")
columns[2].metric("Sources", f"{len(sources_cited):,}", help="Sources cited by those events and claims")
if troops is None:
    columns[3].metric("Troops deployed, latest reports", "—", help="No troop figures in the filter")
else:
    columns[3].metric(
        "Troops deployed, latest reports",
        troops.text,
        help="Spread of each claimant's most recent figure for North Korean troops sent to Russia.",
    )
    st.caption(
        f"Latest troop figures ({troops.first_as_of:%b %Y} – {troops.last_as_of:%b %Y}) reported by: "
        + ", ".join(escape(name) for name in troops.claimants)
    )

st.subheader("Most important events in the filter", anchor=False)
if view.events.empty:
    empty_state("events")
else:
    top = with_labels(dataset, most_important(view.events, 15))
    st.dataframe(
        top[["when", "title", "category", "place", "status"]],
        hide_index=True,
        width="stretch",
        column_config={"when": "Date", "title": "Event", "category": "Category", "place": "Place", "status": "Status"},
    )
