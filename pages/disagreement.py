"""Where sources disagree: for each metric and period, the claimants' figures side by side and their spread."""

from __future__ import annotations

import streamlit as st

from components.charts import disagreement_figure
from components.filters import scope_picker
from components.render import current_view, empty_state
from monitor.derived import (
    METRIC_LABELS,
    PERIOD_CODES,
    PERSONNEL_METRICS,
    disagreements,
)

CHART_BARS = 40

view = current_view()
dataset = view.dataset

st.title("Where sources disagree")
st.caption(
    "For each figure and period, each claimant's latest figure in that period; shown where at least two "
    "claimants give different numbers. Spread = highest − lowest, and as a percentage of the lowest. "
    "Differences can be definitional (a total against a subset, a plan against an arrival): read the notes "
    "of each claim on the explorer page before concluding that sources contradict each other."
)
left, middle, right = st.columns([1, 2, 2])
granularity = left.selectbox("Period", list(PERIOD_CODES), index=3, key="granularity", bind="query-params")
metrics = middle.multiselect(
    "Figures",
    list(PERSONNEL_METRICS),
    default=list(PERSONNEL_METRICS),
    key="dmetric",
    bind="query-params",
    format_func=METRIC_LABELS.get,
)
scopes = scope_picker(right)
chosen = view.claims.loc[view.claims["scope"].isin(scopes) & view.claims["metric"].isin(metrics)]
table = disagreements(dataset, chosen, granularity)
if table.empty:
    empty_state("disagreeing figures")
    st.stop()

table = table.assign(figure=table["metric"].map(METRIC_LABELS))
chart_tab, table_tab = st.tabs(["Chart", "Table"])
with chart_tab:
    # The widest spreads first: a monthly view of a large dataset has hundreds of periods, too many bars to read.
    st.plotly_chart(disagreement_figure(table.head(CHART_BARS)), width="stretch", config={"displaylogo": False})
    if len(table) > CHART_BARS:
        st.caption(
            f"The {CHART_BARS} widest spreads of {len(table):,}; the table lists them all. Choose a longer period "
            "or fewer figures to chart fewer."
        )
with table_tab:
    st.dataframe(
        table[["figure", "period", "claimants", "lowest", "highest", "spread", "spread_pct", "who_says"]],
        hide_index=True,
        width="stretch",
        column_config={
            "lowest": st.column_config.NumberColumn(format="localized"),
            "highest": st.column_config.NumberColumn(format="localized"),
            "spread": st.column_config.NumberColumn(format="localized"),
            "spread_pct": st.column_config.NumberColumn("spread %", format="%.0f%%"),
            "who_says": st.column_config.TextColumn("who says what", width="large"),
        },
    )
