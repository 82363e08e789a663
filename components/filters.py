"""The sidebar filters every page shares. Each widget is bound to the URL, so a link reopens the view."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import pandas as pd
import streamlit as st

from monitor.derived import HEADLINE_SCOPES, SCOPE_LABELS
from monitor.filtering import ALL_PERIOD, CUSTOM_PERIOD, Filters, period_bounds, period_label, period_options
from monitor.loading import Dataset
from monitor.schema import EVENT_CATEGORIES, FIRST_DATE, LAST_DATE

FULL_RANGE = (FIRST_DATE.date(), LAST_DATE.date())
DEFAULTS = {"actor": [], "period": ALL_PERIOD, "category": [], "dates": FULL_RANGE}


def reset_filters() -> None:
    for key, value in DEFAULTS.items():
        st.session_state[key] = value


def _actor_options(dataset: Dataset) -> tuple[list[str], dict[str, str]]:
    def build() -> tuple[list[str], dict[str, str]]:
        actors = dataset.actors.assign(is_state=dataset.actors["kind"] == "state")
        ordered = actors.sort_values(["is_state", "name"], ascending=[False, True])
        return list(ordered["actor_id"]), dict(zip(ordered["actor_id"], ordered["name"], strict=True))

    return dataset.memo("actor_options", build)


@lru_cache(maxsize=1)
def _periods() -> tuple[list[str], dict[str, str]]:
    # Nearly a thousand options: labelled once per process, not on every rerun.
    options = period_options()
    return options, {option: period_label(option) for option in options}


def sidebar_filters(dataset: Dataset) -> Filters:
    """Draw the filters in the sidebar and return what they select."""
    options, names = _actor_options(dataset)
    periods, period_labels = _periods()
    with st.sidebar:
        st.header("Filters", divider="gray")
        actors = st.multiselect(
            "Actors",
            options,
            key="actor",
            bind="query-params",
            format_func=lambda actor_id: names.get(actor_id, actor_id),
            placeholder="All actors",
            help="An event matches when any of its actors is selected. A state includes its people and agencies.",
        )
        period = st.selectbox(
            "Period",
            periods,
            key="period",
            bind="query-params",
            format_func=period_labels.__getitem__,
            help="Pick a decade, a year or a month (type to search, e.g. 'October 2024'), or custom dates.",
        )
        if period == CUSTOM_PERIOD:
            chosen = st.date_input(
                "From – to",
                value=FULL_RANGE,
                min_value=FULL_RANGE[0],
                max_value=FULL_RANGE[1],
                key="dates",
                bind="query-params",
                format="YYYY-MM-DD",
            )
            start, end = _range_from(chosen)
        else:
            start, end = period_bounds(period)
        categories = st.multiselect(
            "Event categories",
            list(EVENT_CATEGORIES),
            key="category",
            bind="query-params",
            placeholder="All categories",
        )
        st.button("Reset filters", on_click=reset_filters, icon=":material/restart_alt:", width="stretch")
    return Filters(actors=tuple(actors), start=start, end=end, categories=tuple(categories))


def _range_from(chosen: object) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The date_input's value as a (start, end) pair; while the user has picked only one end, that day."""
    if isinstance(chosen, dt.date):
        chosen = (chosen,)
    picked = [pd.Timestamp(day) for day in chosen] if isinstance(chosen, tuple | list) else []
    return (picked[0], picked[-1]) if picked else (FIRST_DATE, LAST_DATE)


def scope_picker(container: st.delta_generator.DeltaGenerator) -> list[str]:
    """Which kinds of figures to compare; one URL key, so the figures and disagreement pages agree."""
    return container.multiselect(
        "Which figures",
        list(SCOPE_LABELS),
        default=list(HEADLINE_SCOPES),
        key="scope",
        bind="query-params",
        format_func=SCOPE_LABELS.get,
        help="Totals and in-place counts are comparable; new batches, plans and subsets are shown only when chosen.",
    )
