"""Render functions for reported figures: the headline, the claims table and one comparison's verdict."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.memo import shared_for
from components.render import escape, link_column, with_safe_links
from monitor.claims import ClaimChoices, chosen_claims
from monitor.compare import HEADLINE_MAX_PLACES, HeadlineGroup, compare_pair, headline, headline_places
from monitor.filtering import View, claim_details
from monitor.labels import SCOPE_NOUNS, formatted_dates, metric_label
from monitor.loading import Dataset


def claims_in_view(
    view: View,
    metrics: list[str] | tuple[str, ...],
    scopes: list[str] | tuple[str, ...],
    choices: ClaimChoices = ClaimChoices(),  # noqa: B008 (frozen: never changed)
) -> pd.DataFrame:
    """``chosen_claims`` of the view, shared between sessions that look at the same filters and choices."""
    key = ("chosen_claims", view.filters, tuple(metrics), tuple(scopes), choices)
    return shared_for(view.dataset, key, lambda: chosen_claims(view.dataset, view.claims, metrics, scopes, choices))


def headline_in_view(
    view: View,
    metric: str,
    scopes: list[str] | tuple[str, ...],
    choices: ClaimChoices = ClaimChoices(),  # noqa: B008 (frozen: never changed)
) -> tuple[list[HeadlineGroup], int]:
    """``headline`` of one metric's ``claims_in_view``, and how many places with in-place counts it leaves out
    (``HEADLINE_MAX_PLACES``), shared in the same way."""

    def build() -> tuple[list[HeadlineGroup], int]:
        claims = claims_in_view(view, [metric], scopes, choices)
        places = headline_places(claims, metric)  # ranked once: the headline shows the first, the caption counts
        return headline(claims, metric, places=places), max(len(places) - HEADLINE_MAX_PLACES, 0)

    return shared_for(view.dataset, ("headline", view.filters, metric, tuple(scopes), choices), build)


def _entry(row: pd.Series, places: pd.Series) -> str:
    named = places.get(row["place_id"], row["place_id"]) if isinstance(row["place_id"], str) else None
    place = f" in {named}" if row["scope"] == "present" and named else ""
    flag = " ◆" if row["interested_party"] else ""
    kind = " · read only in a blog or op-ed" if row["opinion_only"] else ""
    return (
        f"**{escape(row['figure'])}** {escape(SCOPE_NOUNS[row['scope']])}{escape(place)}, "
        f"as of {row['as_of']:%-d %b %Y} — {escape(row['claimant_name'])}{flag}{escape(kind)}"
    )


def render_headline(
    container: DeltaGenerator, dataset: Dataset, groups: list[HeadlineGroup], metric: str, places_left_out: int = 0
) -> None:
    """Each headline scope as a number, then what it is made of: every claimant's figure, scope and date; then how
    many places with in-place counts the headline leaves out (``monitor.compare.HEADLINE_MAX_PLACES``)."""
    if not groups:
        container.caption(f"No total or in-place figures for {metric_label(metric).lower()} in the current choices.")
        return
    columns = container.columns(len(groups))
    places = dataset.indexed("places")["name"]
    for column, group in zip(columns, groups, strict=True):
        label = group.label if group.place is None else f"In {places.get(group.place, group.place)} at the time"
        reports, independent = group.reports_and_origins
        column.metric(
            f"{metric_label(metric)}: {label[0].lower()}{label[1:]}",
            group.text,
            help=(
                f"Each claimant's newest {SCOPE_NOUNS[group.scope]} figure from {group.cutoff:%-d %b %Y} on "
                f"(six months before the newest, {group.newest:%-d %b %Y}); older figures are left out."
            ),
        )
        relation = f": {group.relation.text}" if len(group.entries) > 1 else ""
        column.caption(
            f"{len(group.entries)} claimant(s), {reports} report(s), {independent} independent origin(s); "
            f"figures from {group.entries['as_of'].min():%b %Y} to {group.newest:%b %Y}{escape(relation)}"
        )
        for _, row in group.entries.iterrows():
            column.markdown(_entry(row, places))
    if places_left_out > 0:
        container.caption(
            f"Counts in {places_left_out:,} more place(s) are not in this headline, which shows the places with the "
            "newest figures: see **Figures by source** (scope: in a place at the time) for each."
        )


CLAIM_TABLE_COLUMNS = [
    "as_of",
    "reported_on",
    "figure",
    "scope",
    "claimant_name",
    "chain",
    "read_in_kind",
    "title",
    "url",
    "date_basis",
    "part_of",
    "interested_party",
    "excerpt",
    "notes",
    "claim_id",
]


# The figures page lists at most this many claims, the newest first; the explorer page has them all.
LISTED_CLAIMS = 500


def render_listed_claims(dataset: Dataset, claims: pd.DataFrame) -> None:
    """The claims by date, or the newest ``LISTED_CLAIMS`` of them with a pointer to the explorer."""
    if len(claims) <= LISTED_CLAIMS:
        render_claims_table(dataset, claims.sort_values("as_of"))
        return
    st.caption(
        f"The {LISTED_CLAIMS:,} newest of {len(claims):,} claims. Narrow the filters to list fewer, or open the "
        "**Claims and events explorer** page for every claim and the downloads."
    )
    render_claims_table(dataset, claims.nlargest(LISTED_CLAIMS, "as_of"))


def render_claims_table(dataset: Dataset, claims: pd.DataFrame) -> None:
    """Every claim with its citation: when it describes and when it was said, who said it, where it was read."""
    sources = dataset.indexed("sources")
    claims = claim_details(dataset, claims)  # a view's claims lack the excerpt, notes and date basis shown
    table = claims.assign(
        title=claims["source_id"].map(sources["title"]),
        url=claims["source_id"].map(sources["url"]),
        scope=claims["scope"].map(SCOPE_NOUNS),
    )
    st.dataframe(
        with_safe_links(table)[CLAIM_TABLE_COLUMNS],
        hide_index=True,
        width="stretch",
        column_config={
            "as_of": st.column_config.DateColumn("As of", help="The moment the figure describes"),
            "reported_on": st.column_config.DateColumn("Said on", help="The day the claimant said it"),
            "figure": "Figure",
            "scope": "Scope",
            "claimant_name": "Claimant",
            "chain": "Claimant → relayed by → read in",
            "read_in_kind": "Source kind",
            "title": "Source",
            "url": link_column(),
            "date_basis": "How the date was fixed",
            "part_of": "Part of",
            "interested_party": st.column_config.CheckboxColumn("Party to the war"),
            "excerpt": "Excerpt",
            "notes": "Notes",
            "claim_id": "Claim id",
        },
    )


# The pair picker offers at most this many figures (the newest): each is an option sent on every rerun.
PAIR_MAX_FIGURES = 1_000


def render_pair_verdict(claims: pd.DataFrame, window_days: int) -> None:
    """Two figure pickers and the verdict: comparable or not (and why), and how the figures relate."""
    if len(claims) < 2:
        st.caption("Fewer than two figures in the current choices.")
        return
    if len(claims) > PAIR_MAX_FIGURES:
        st.caption(
            f"The {PAIR_MAX_FIGURES:,} newest of {len(claims):,} figures can be picked. Narrow the filters or the "
            "kinds of figures to pick older ones."
        )
        claims = claims.nlargest(PAIR_MAX_FIGURES, "as_of")
    ordered = claims.sort_values(["metric", "as_of"], kind="stable")
    metrics = {metric: metric_label(metric).lower() for metric in ordered["metric"].unique()}
    labels = (
        ordered["claimant_name"].astype(object)
        + ": "
        + ordered["figure"].astype(object)
        + " "
        + ordered["scope"].map(SCOPE_NOUNS).astype(object)
        + ", "
        + ordered["metric"].map(metrics).astype(object)
        + ", as of "
        + formatted_dates(ordered["as_of"], "%-d %b %Y")
    )
    names = dict(zip(ordered["claim_id"], labels, strict=True))
    ids = list(names)
    left, right = st.columns(2)
    first = left.selectbox("First figure", ids, format_func=names.__getitem__, key="pair_a")
    second = right.selectbox("Second figure", ids, index=1, format_func=names.__getitem__, key="pair_b")
    by_id = ordered.set_index("claim_id", drop=False)
    verdict = compare_pair(by_id.loc[first], by_id.loc[second], window_days)
    if verdict.comparable:
        st.success(f"Comparable — {escape(verdict.reason)}.", icon=":material/check_circle:")
    else:
        st.warning(escape(verdict.reason.capitalize()) + ".", icon=":material/block:")
