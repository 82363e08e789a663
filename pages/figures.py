"""Figures by source: each claimant's reported figures over time, what the newest say, and every citation."""

from __future__ import annotations

import streamlit as st

from components.chart_export import show_plotly
from components.charts import FIGURES_MAX_CLAIMS, claimant_colours, figures_figure, milestone_key, qualifier_legend
from components.claims import claims_in_view, headline_in_view, render_headline, render_listed_claims
from components.filters import (
    known_on_picker,
    metric_group_picker,
    metric_picker,
    opinion_toggle,
    parties_toggle,
    scope_picker,
)
from components.render import current_view, empty_state, escape, nothing_to_show
from components.selection import selected_event, show_in_url
from monitor.claims import ClaimChoices, available_metrics, claimant_order
from monitor.events import key_events
from monitor.filtering import event_details
from monitor.labels import metric_label

view = current_view()
dataset = view.dataset
show_in_url()

st.title("Figures by source")
st.caption(
    "Each line is one claimant's figures over time, stepping from each figure to its next revision (solid: totals; "
    "dotted: counts in a place at the time; dashed: plans). The marker's shape shows the wording (filled: a bare "
    "figure; open circle: about; triangle up: over or at least; triangle down: up to); a bar spans a range. "
    "◆ marks parties to the war. Numbered dotted lines are milestones, listed under the chart."
)
group_column, metric_column, scope_column = st.columns([3, 2, 3])
group = metric_group_picker(group_column)
available = available_metrics(dataset, group)
if not available:
    nothing_to_show(f"This dataset has no {group} figures.")
    st.stop()
metric = metric_picker(metric_column, available)
scopes = scope_picker(scope_column)
parties_column, opinion_column, known_column = st.columns([3, 2, 3], vertical_alignment="bottom")
parties = parties_toggle(parties_column)
opinion = opinion_toggle(opinion_column)
known = known_on_picker(known_column)

choices = ClaimChoices(parties=parties, known=known, opinion=opinion)
claims = claims_in_view(view, [metric], scopes, choices)
if claims.empty:
    empty_state(f"{metric_label(metric).lower()} figures")
    st.stop()

groups, places_left_out = headline_in_view(view, metric, scopes, choices)
render_headline(st.container(), dataset, groups, metric, places_left_out=places_left_out)
if known is not None:
    st.caption(f"Known on {known:%-d %b %Y}: only figures reported on or before that day.")

milestones = event_details(dataset, key_events(view.events))  # a view's rows lack the titles shown
event = selected_event(dataset)
marked = (event["date_start"], event["title"]) if event is not None else None
colours = claimant_colours(claimant_order(dataset, metric))
show_plotly(figures_figure(claims, metric, milestones, marked, colours), dataset, key="figures_chart")
if len(claims) > FIGURES_MAX_CLAIMS:
    st.caption(
        f"**{len(claims):,} claims are too many to draw one by one:** each square is a claimant's highest figure in "
        f"a period, its bar reaching down to the lowest. Narrow the period or the kinds of figures to "
        f"{FIGURES_MAX_CLAIMS:,} claims or fewer to see each claim and each claimant's revisions."
    )
parts = int(claims["beside_total"].sum())
if parts:
    st.caption(f"{parts} figure(s) that are part of a total given in the same statement are listed, not drawn.")
if not milestones.empty:
    st.caption("Milestones (dotted lines): " + escape(milestone_key(milestones)))
with st.expander("What the marker shapes mean"):
    st.dataframe(qualifier_legend(), hide_index=True)

st.subheader("Every claim with its citation", anchor=False)
render_listed_claims(dataset, claims)
