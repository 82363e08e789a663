"""Where sources disagree: figures compared only at the same moment and on the same definition."""

from __future__ import annotations

import streamlit as st

from components.chart_export import show_plotly
from components.charts import claimant_colours, comparison_figure
from components.claims import claims_in_view, render_pair_verdict
from components.filters import (
    known_on_picker,
    metric_group_picker,
    opinion_toggle,
    parties_toggle,
    scope_picker,
    window_picker,
)
from components.render import (
    PROSE_PAGE_ROWS,
    current_view,
    dash_if_missing,
    empty_state,
    nothing_to_show,
    page_of,
)
from monitor.claims import ClaimChoices, available_metrics, claimant_order
from monitor.compare import comparisons
from monitor.labels import SCOPE_NOUNS, metric_label

view = current_view()
dataset = view.dataset

st.title("Where sources disagree")
st.caption(
    "Two figures are compared only when they count the same thing (one metric, one scope: a total with a total, "
    "an in-place count with one in the same place) at the same moment (as-of dates within the window, each the "
    "claimant's newest figure then). Figures further apart are a change over time: see each claimant's revisions "
    "on **Figures by source**. A bound is a bound: “over 200” and “over 3,000” are both true of 3,000, so they agree."
)
group_column, scope_column = st.columns([3, 4])
group = metric_group_picker(group_column)
metrics = available_metrics(dataset, group)
if not metrics:
    nothing_to_show(f"This dataset has no {group} figures.")
    st.stop()
scopes = scope_picker(scope_column)
window_column, known_column = st.columns([3, 2], vertical_alignment="bottom")
window = window_picker(window_column)
known = known_on_picker(known_column)
parties_column, opinion_column = st.columns(2)
parties = parties_toggle(parties_column)
opinion = opinion_toggle(opinion_column)

claims = claims_in_view(view, metrics, scopes, ClaimChoices(parties=parties, known=known, opinion=opinion))
table = comparisons(claims, window)
if table.empty:
    empty_state(f"comparable figures from two or more claimants within {window} days of each other")
    st.stop()

places = dataset.indexed("places")["name"]
table = table.assign(place=table["place"].map(places).fillna(table["place"]))
differing = int((~table["consistent"]).sum())
st.markdown(
    f"**{len(table):,} comparisons** at a date: figures **differ** in {differing:,}, are **consistent** in "
    f"{len(table) - differing:,}."
)
# One page of comparisons at a time (thousands at a million events): the table and the chooser below.
page = page_of(table, "comparisons_page", "comparisons", page_rows=PROSE_PAGE_ROWS)
labels = {
    row.Index: f"{row.date:%-d %b %Y} · {metric_label(row.metric)} · {SCOPE_NOUNS[row.scope]}"
    + (f" in {row.place}" if isinstance(row.place, str) and row.place else "")
    + f" · {row.relation}"
    for row in page.itertuples()
}
shown = page.assign(
    figure=page["metric"].map(metric_label),
    scope=page["scope"].map(SCOPE_NOUNS),
    reports_and_origins=page["reports"].astype(str) + " reports, " + page["origins"].astype(str) + " origins",
    place=dash_if_missing(page["place"]),  # a total has no place
)
st.dataframe(
    shown[["date", "figure", "scope", "place", "claimants", "reports_and_origins", "relation", "gap_pct", "who_says"]],
    hide_index=True,
    width="stretch",
    column_config={
        "date": st.column_config.DateColumn("As of", help="The newest figure's date; the others are within the window"),
        "figure": "Figure",
        "scope": "Scope",
        "place": st.column_config.TextColumn("Place", help="For counts in a place: where"),
        "claimants": st.column_config.NumberColumn("Claimants"),
        "reports_and_origins": st.column_config.TextColumn(
            "Reports", help="Sources that report these figures, and independent origins (a claimant on a day)"
        ),
        "relation": "How they relate",
        "gap_pct": st.column_config.NumberColumn("Gap %", format="%.0f%%", help="Gap as a share of the lower figure"),
        "who_says": st.column_config.TextColumn("Who says what", width="large"),
    },
)
chosen = st.selectbox("Show one comparison", list(labels), format_func=labels.__getitem__, key="comparison")
row = table.loc[chosen]
members = claims.loc[claims["claim_id"].isin(row["claim_ids"])]
title = f"{metric_label(row['metric'])}, {SCOPE_NOUNS[row['scope']]}: figures as of {row['date']:%-d %b %Y}"
colours = claimant_colours(claimant_order(dataset, row["metric"]))
show_plotly(comparison_figure(members, title, colours), dataset, key="comparison_chart")

with st.expander("Compare any two figures"):
    st.caption("Pick two figures: the verdict says whether they can be compared and, if so, how they relate.")
    render_pair_verdict(claims, window)
