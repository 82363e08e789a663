"""The explorer's Streamlit side: a table whose selected row opens that record's card, and the claim card
(reached by ?claim=<id>)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.cite import render_record_citation
from components.render import escape, link_column, render_sources_list, with_safe_links
from monitor.claims import claims_with_claimants
from monitor.explorer import Column, claim_sources, column_names, find_claim
from monitor.labels import SCOPE_NOUNS, date_label, metric_label
from monitor.loading import Dataset

CLAIM_PARAMETER = "claim"


def _column_config(column: Column) -> object:
    if column.show_as == "date":
        return st.column_config.DateColumn(column.label, help=column.help)
    if column.show_as == "link":
        return {**link_column(column.label), "help": column.help}
    if column.show_as == "check":
        return st.column_config.CheckboxColumn(column.label, help=column.help)
    return st.column_config.Column(column.label, help=column.help)


def record_table(rows: pd.DataFrame, columns: list[Column], id_column: str, key: str) -> str | None:
    """The rows in ``columns`` (readable first, ids last, the schema's descriptions as help); one row can be
    selected. Returns the id of a row the reader just selected, "" when they just cleared it, else None."""
    links = [column.name for column in columns if column.show_as == "link"]
    for link in links:
        rows = with_safe_links(rows, link)
    state = st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_order=column_names(columns),
        column_config={column.name: _column_config(column) for column in columns},
        on_select="rerun",
        selection_mode="single-row",
        key=key,
    )
    chosen = list(state.selection.rows)
    before = st.session_state.get(f"{key}_rows", [])
    if chosen == before:
        return None  # nothing new: a permalink's record stays open
    st.session_state[f"{key}_rows"] = chosen
    return str(rows.iloc[chosen[0]][id_column]) if chosen else ""


def selected_claim_id(dataset: Dataset) -> str | None:
    """The claim named by ?claim=<id>, if this dataset has it (an unknown id is dropped from the address)."""
    claim_id = st.query_params.get(CLAIM_PARAMETER)
    if claim_id and find_claim(dataset, claim_id).empty:
        del st.query_params[CLAIM_PARAMETER]
        st.warning(f"No claim {escape(claim_id)} in this dataset.", icon=":material/link_off:")
        return None
    return claim_id or None


def select_claim(claim_id: str | None) -> None:
    if claim_id:
        st.query_params[CLAIM_PARAMETER] = claim_id
    elif CLAIM_PARAMETER in st.query_params:
        del st.query_params[CLAIM_PARAMETER]


def render_claim_card(dataset: Dataset, claim_id: str) -> None:
    """One claim: its figure and what it counts, who said it when, how it was dated, its excerpt, every source,
    and how to cite it."""
    claim = claims_with_claimants(dataset, find_claim(dataset, claim_id)).iloc[0]
    places = dataset.indexed("places")["name"]
    place = places.get(claim["place_id"]) if isinstance(claim["place_id"], str) else None
    with st.container(border=True, key=f"claim_card_{claim_id}"):
        st.subheader(
            escape(f"{claim['figure']} — {metric_label(claim['metric']).lower()}, {SCOPE_NOUNS[claim['scope']]}"),
            anchor=False,
        )
        said = "date unknown" if pd.isna(claim["reported_on"]) else f"{claim['reported_on']:%-d %b %Y}"
        details = [
            f"as of {date_label(claim['as_of'], None, claim['as_of_precision'])}",
            f"said on {said}",
            *([f"in {place}"] if place else []),
            *(["party to the war"] if claim["interested_party"] else []),
        ]
        st.caption(escape(" · ".join(details)))
        st.markdown(f"**Claimant:** {escape(claim['chain'])}")
        st.markdown(f"**How the date was fixed:** {escape(claim['date_basis'])}")
        if isinstance(claim["excerpt"], str):
            st.markdown(f"> {escape(claim['excerpt'])}\n>\n> — {escape(claim['read_in'])}")
        if isinstance(claim["notes"], str):
            st.markdown(f"**Notes:** {escape(claim['notes'])}")
        st.markdown("**Sources**")
        render_sources_list(claim_sources(dataset, claim))
        title = f"{claim['claimant_name']}: {claim['figure']} {metric_label(claim['metric']).lower()}"
        render_record_citation(dataset, CLAIM_PARAMETER, claim_id, title)
