"""Sources and method: every source and how often it is cited, the data dictionary, how we curate."""

from __future__ import annotations

import streamlit as st

from components.render import current_view, escape, link_column, page_of, with_safe_links
from monitor.datapackage import data_dictionary
from monitor.sources import source_usage

view = current_view()
dataset = view.dataset

st.title("Sources and method")
st.caption(f"Dataset version {escape(dataset.version)}")
if dataset.latest_changes:
    with st.container(border=True):
        st.markdown(f"**What changed in version {escape(dataset.version)}** (from data/CHANGELOG.md)")
        for line in dataset.latest_changes.splitlines():
            if line.strip():
                st.markdown(escape(line.strip().removeprefix("- ")))

st.subheader("Sources", anchor=False)
usage = page_of(source_usage(dataset), "sources_page", "sources")
st.dataframe(
    with_safe_links(usage)[
        ["publisher", "title", "kind", "published", "url", "events", "claims", "notes", "source_id"]
    ],
    hide_index=True,
    width="stretch",
    column_config={
        "url": link_column(),
        "published": st.column_config.DateColumn("Published"),
        "events": "Events citing",
        "claims": "Claims citing",
    },
)

st.subheader("How the data is curated", anchor=False)
st.markdown(
    """
- **Claims, not facts.** A reported figure (troops sent, workers, casualties) is a *claim*: it carries its
  claimant (who first said it), who relayed it (a lawmaker, an agency, an outlet) and the source where we read it.
  Figures that disagree are all kept, side by side.
- **Interested party.** A claim is flagged when its claimant belongs to a party to the war (Russia, Ukraine,
  North Korea): such figures may serve a purpose and are marked, not removed.
- **Date precision.** Each event says whether its sources date it to the day, the month or the year; a month- or
  year-precision event is stored as the first day of its period and drawn as a span, never as a precise point.
- **Neutral wording.** Titles and summaries are our own neutral words. The only text taken from a source is a short
  verbatim excerpt (at most 200 characters), attributed to it. Excerpts from the seed articles are checked
  automatically against their texts.
- **Seeds.** Five opinionated articles started the project; where one is wrong or unconfirmed, the row records what it
  says as its claim and the notes say what other sources report.
- **Status.** *confirmed*: an official record or several independent sources; *reported*: one source or one side;
  *disputed*: sources contradict each other.
"""
)

st.subheader("Data dictionary", anchor=False)
st.caption("Generated from the schema that validates the data, so it cannot drift from the checks.")
st.dataframe(data_dictionary(), hide_index=True, width="stretch")
