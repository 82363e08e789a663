"""Sources and method: every source and how often it is cited, the data dictionary, how we curate."""

from __future__ import annotations

import streamlit as st

from components.cite import whole_dataset_button
from components.render import current_view, escape, link_column, page_of, render_latest_changes, with_safe_links
from monitor.datapackage import data_dictionary
from monitor.sources import source_usage

view = current_view()
dataset = view.dataset

st.title("Sources and method")
st.caption(f"Dataset version {escape(dataset.version)}")
whole_dataset_button(dataset)
if dataset.latest_changes:
    render_latest_changes(dataset)

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
- **Claims, not facts.** A reported figure (troops sent, casualties, workers, shells, missiles) is a *claim*: it
  carries its claimant (who first said it), who relayed it (a lawmaker, an agency, an outlet) and every source where
  we read it. Figures that disagree are all kept, side by side.
- **One statement, one claim.** A briefing reported by ten outlets is one claim with ten sources, not ten claims. A
  part given in the same statement as its total (5,000 builders of Shoigu's 6,000) names that total and is never
  added to it.
- **Dated to the statement.** A figure is dated to the day the claimant said it (the briefing, the post, the
  interview), not to the day an outlet republished it; *how the date was fixed* is recorded with every claim.
- **Worded as said.** "as many as" is an upper bound, "more than" and "at least" lower bounds, "some", "about" and
  "roughly" an approximate figure; a bare figure only when the claimant gave one.
- **Interested party.** A claim is flagged (◆) when its claimant belongs to a party to the war (Russia, Ukraine,
  North Korea): such figures may serve a purpose and are marked, not removed.
- **Source kind.** Each figure shows what it was read in (official statement, state media, news, analysis, blog,
  op-ed); figures read only in blogs and op-eds can be left out.
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

st.subheader("How figures are compared", anchor=False)
st.markdown(
    """
1. **The same thing.** Two figures are compared only if they count the same thing: one metric (troops sent,
   casualties, containers...) and one scope. A total is compared with a total, a count of troops in a place with a
   count in the same recorded place, a plan with a plan. A total and an in-place count are *not comparable*, and the
   page says so instead of giving a percentage. Subsets and sub-periods ("1,000 in the last week") are never compared.
2. **The same moment.** Two figures disagree only if they describe the same moment: their as-of dates lie within a
   window (31 days unless you change it) and each is its claimant's newest figure then. Figures further apart are a
   change over time, shown as each claimant's line of revisions on *Figures by source*, never as a spread.
3. **Bounds are bounds.** "over 200" and "over 3,000" are both true if the number is 3,000: they agree, and no
   percentage is made of them. "as many as 8,000" and 9,000 differ; 9,000 and "over 8,000" agree. When figures do
   not overlap, the gap between them is given as a share of the lower one.
4. **Independent origins.** One claimant speaking on one day is one origin, however many outlets relayed it; counts
   say "N reports, K independent origins".
5. **What was known when.** The *Known on* date shows only figures already reported on that day, to see what a
   reader or a decision-maker could know then.
6. **The headline** of the overview and the figures page gives totals and in-place counts separately, each from
   every claimant's newest figure no more than six months older than the newest, with each claimant's date; counts
   in a place for the three places with the newest figures at most.
"""
)

st.subheader("Data dictionary", anchor=False)
st.caption("Generated from the schema that validates the data, so it cannot drift from the checks.")
st.dataframe(data_dictionary(), hide_index=True, width="stretch")
