"""The sidebar filters every page shares. Each widget is bound to the URL, so a link reopens the view."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from monitor.compare import DEFAULT_WINDOW_DAYS, HEADLINE_SCOPES
from monitor.filtering import ALL_PERIOD, CUSTOM_PERIOD, Filters, period_bounds, period_label, period_options
from monitor.labels import SCOPE_LABELS, metric_label
from monitor.loading import Dataset
from monitor.schema import EVENT_CATEGORIES, FIRST_DATE, LAST_DATE, METRIC_GROUPS

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


def scope_picker(container: DeltaGenerator) -> list[str]:
    """Which kinds of figures to show; one URL key, so the figures and disagreement pages agree."""
    return container.multiselect(
        "Which figures",
        list(SCOPE_LABELS),
        default=list(HEADLINE_SCOPES),
        key="scope",
        bind="query-params",
        format_func=SCOPE_LABELS.get,
        help="Each kind is compared only with its own kind: totals with totals, in-place counts with in-place counts.",
    )


def metric_group_picker(container: DeltaGenerator) -> str:
    """People or arms: the figures and disagreement pages show one group of metrics at a time."""
    return container.segmented_control(
        "Figures about",
        list(METRIC_GROUPS),
        default="personnel",
        key="group",
        bind="query-params",
        format_func=METRIC_GROUPS.get,
        required=True,
    )


def metric_picker(container: DeltaGenerator, available: list[str]) -> str:
    """One metric of those the data has; the caller stops first when there are none."""
    return container.selectbox("Figure", available, key="metric", bind="query-params", format_func=metric_label)


def parties_toggle(container: DeltaGenerator) -> bool:
    """Whether figures from parties to the war count; one URL key for the overview, figures and comparisons."""
    return container.toggle(
        "Include parties to the war",
        value=True,
        key="parties",
        bind="query-params",
        help="Off: only figures from claimants outside the war (South Korea, the US, the UK, monitors, unnamed "
        "sources). Parties: Russia, Ukraine and North Korea.",
    )


def opinion_toggle(container: DeltaGenerator) -> bool:
    """Whether figures read only in blogs and op-eds count (they stay visible by default, marked as such)."""
    return container.toggle(
        "Include blog and op-ed figures",
        value=True,
        key="opinion",
        bind="query-params",
        help="Off: figures read only in blogs and op-eds are left out. The seed articles' unattributed estimates "
        "come from such sources; their source kind is always shown.",
    )


def known_on_picker(container: DeltaGenerator) -> pd.Timestamp | None:
    """A date: only figures reported on or before it count (what a reader could know that day). Empty: all."""
    chosen = container.date_input(
        "Known on",
        value=None,
        min_value=FIRST_DATE.date(),
        max_value=LAST_DATE.date(),
        key="known",
        bind="query-params",
        format="YYYY-MM-DD",
        help="Show only figures already reported on this date, e.g. the day an article was written.",
    )
    return pd.Timestamp(chosen) if isinstance(chosen, dt.date) else None


def window_picker(container: DeltaGenerator) -> int:
    """How many days apart two figures may describe to count as the same moment."""
    return container.slider(
        "Same moment: within (days)",
        min_value=1,
        max_value=365,
        value=DEFAULT_WINDOW_DAYS,
        key="window",
        bind="query-params",
        help="Figures further apart than this are a change over time, not a disagreement.",
    )
