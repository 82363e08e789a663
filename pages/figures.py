"""Troop figures by source: every claim for a metric, who made it, and how the claims compare."""

from __future__ import annotations

import streamlit as st

from components.charts import FIGURES_MAX_CLAIMS, figures_figure, milestone_key, qualifier_legend
from components.filters import scope_picker
from components.render import current_view, empty_state, escape, link_column, with_safe_links
from components.selection import selected_event, show_in_url
from monitor.derived import (
    METRIC_LABELS,
    PERSONNEL_METRICS,
    claims_with_claimants,
    headline,
    key_events,
    latest_by_claimant,
)
from monitor.filtering import event_details

# Each table lists at most this many claims, the newest first; the explorer page has them all.
TABLE_ROWS = 500
# The side column names at most this many claimants' latest figures (the highest first).
SIDE_CLAIMANTS = 12


def paged_caption(listed: int, total: int) -> None:
    if listed < total:
        st.caption(
            f"The {listed:,} newest of {total:,} claims. Narrow the filters to list fewer, or open the "
            "**Claims and events explorer** page for every claim and the downloads."
        )


view = current_view()
dataset = view.dataset
show_in_url()

st.title("Troop figures by source")
st.caption(
    "Each marker is one reported figure at the date it describes, coloured by the claimant's state. "
    "A vertical bar spans a low–high range; the marker's shape shows the wording (open circle: about; "
    "open triangle up: over or at least; open triangle down: up to). A thick outline and ◆ mark claimants that are "
    "parties to the war (Russia, Ukraine, North Korea). Numbered dotted lines are milestones, listed under the chart."
)
available = [metric for metric in PERSONNEL_METRICS if (dataset.claims["metric"] == metric).any()]
picker, scope_column = st.columns([1, 2])
metric = picker.selectbox(
    "Figure", available, key="metric", bind="query-params", format_func=lambda m: METRIC_LABELS.get(m, m)
)
scopes = scope_picker(scope_column)
parties = st.toggle(
    "Include claims by parties to the war (Russia, Ukraine, North Korea)",
    value=True,
    key="parties",
    bind="query-params",
    help="Off: only figures from claimants outside the war (South Korea, the US, the UK, unnamed sources).",
)
chosen = view.claims.loc[(view.claims["metric"] == metric) & view.claims["scope"].isin(scopes)]
if not parties:
    chosen = chosen.loc[~chosen["interested_party"].astype(bool)]
claims = claims_with_claimants(dataset, chosen)
if claims.empty:
    empty_state(f"{METRIC_LABELS.get(metric, metric).lower()} figures")
    st.stop()

# The tables list at most TABLE_ROWS claims (the newest): a million events make ~15,000 claims of a metric.
listed = claims.sort_values("as_of") if len(claims) <= TABLE_ROWS else claims.nlargest(TABLE_ROWS, "as_of")

chart_column, side_column = st.columns([3, 1], gap="medium")
with chart_column:
    chart_tab, table_tab = st.tabs(["Chart", "Table"])
    milestones = event_details(dataset, key_events(view.events))  # a view's rows lack the titles shown
    event = selected_event(dataset)
    marked = (event["date_start"], event["title"]) if event is not None else None
    with chart_tab:
        st.plotly_chart(
            figures_figure(claims, metric, milestones, marked), width="stretch", config={"displaylogo": False}
        )
        if len(claims) > FIGURES_MAX_CLAIMS:
            st.caption(
                f"**{len(claims):,} claims are too many to draw one by one:** each square is a claimant's highest "
                "figure in a period, its bar reaching down to the lowest; hover for the number of claims. Narrow the "
                f"period or the kinds of figures to {FIGURES_MAX_CLAIMS:,} claims or fewer to see each claim."
            )
        if not milestones.empty:
            st.caption("Milestones (dotted lines): " + escape(milestone_key(milestones)))
    with table_tab:
        paged_caption(len(listed), len(claims))
        st.dataframe(
            listed[["as_of", "figure", "scope", "chain", "interested_party"]],
            hide_index=True,
            width="stretch",
            column_config={"as_of": st.column_config.DateColumn("As of"), "chain": "Claimant → relayed by → read in"},
        )
with side_column:
    latest_range = headline(dataset, claims, metric)
    if latest_range is not None:
        st.metric(
            "Latest figures range",
            latest_range.text,
            help="Spread of each claimant's most recent total or in-place figure under the current choices.",
        )
    st.markdown("**Latest figure per claimant**")
    latest = latest_by_claimant(claims, metric)
    for row in latest.head(SIDE_CLAIMANTS).itertuples(index=False):
        flag = " ◆" if row.interested_party else ""
        st.markdown(f"**{escape(row.figure)}** — {escape(row.claimant_name)}{flag}")
        st.caption(f"as of {row.as_of:%-d %b %Y}, read in {escape(row.read_in)}")
    if len(latest) > SIDE_CLAIMANTS:
        st.caption(f"… and {len(latest) - SIDE_CLAIMANTS:,} more claimants with lower figures: see the tables.")
    st.dataframe(qualifier_legend(), hide_index=True, width="stretch")

st.subheader("Every claim with its citation", anchor=False)
sources = dataset.indexed("sources")
paged_caption(len(listed), len(claims))
table = listed.assign(
    title=listed["source_id"].map(sources["title"]),
    url=listed["source_id"].map(sources["url"]),
)
st.dataframe(
    with_safe_links(table)[
        [
            "as_of",
            "reported_on",
            "figure",
            "scope",
            "chain",
            "title",
            "url",
            "interested_party",
            "excerpt",
            "notes",
        ]
    ],
    hide_index=True,
    width="stretch",
    column_config={
        "as_of": st.column_config.DateColumn("As of"),
        "reported_on": st.column_config.DateColumn("Reported"),
        "chain": "Claimant → relayed by → read in",
        "url": link_column(),
        "interested_party": st.column_config.CheckboxColumn("Party to the war"),
    },
)
