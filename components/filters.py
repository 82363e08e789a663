"""The sidebar filters every page shares. Each widget is bound to the URL, so a link reopens the view."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from monitor.compare import DEFAULT_WINDOW_DAYS, HEADLINE_SCOPES
from monitor.filtering import Filters
from monitor.labels import SCOPE_LABELS, metric_label
from monitor.loading import Dataset
from monitor.periods import every_month, month_bounds, month_label, month_options, months_of_period_name, shortcuts
from monitor.schema import EVENT_CATEGORIES, FIRST_DATE, LAST_DATE, METRIC_GROUPS

PERIOD_KEY = "months"  # the URL keeps the first and last month: ?months=Oct+2024&months=Mar+2025
SHORTCUT_KEY = "period_shortcut"
MONTHS = month_options()
# Parameters of links made before the period was a range: ?period=2024, ?period=Custom+dates…&dates=…
OLD_PERIOD_PARAMETERS = ("period", "dates")
DEFAULTS = {"actor": [], PERIOD_KEY: every_month(), "category": []}


def reset_filters() -> None:
    for key, value in DEFAULTS.items():
        st.session_state[key] = value


def _actor_options(dataset: Dataset) -> tuple[list[str], dict[str, str]]:
    def build() -> tuple[list[str], dict[str, str]]:
        actors = dataset.actors.assign(is_state=dataset.actors["kind"] == "state")
        ordered = actors.sort_values(["is_state", "name"], ascending=[False, True])
        return list(ordered["actor_id"]), dict(zip(ordered["actor_id"], ordered["name"], strict=True))

    return dataset.memo("actor_options", build)


def open_old_period_link() -> None:
    """A link made before the period was a range names one (?period=2024, ?period=October+2024,
    ?period=Custom+dates…&dates=…): open it as the months it names, then drop the old parameters."""
    name = st.query_params.get("period")
    if name is None:
        return
    dates = st.query_params.get_all("dates")
    for parameter in OLD_PERIOD_PARAMETERS:
        if parameter in st.query_params:
            del st.query_params[parameter]
    months = months_of_period_name(name, dates)
    if months is not None and PERIOD_KEY not in st.query_params:
        # The slider takes the session's value on this run; the browser takes the URL's (the session's alone would
        # not reach the URL).
        st.session_state[PERIOD_KEY] = months
        st.query_params[PERIOD_KEY] = [month_label(month) for month in months]


def _jump_to(ranges: dict[str, tuple[str, str]]) -> None:
    """Apply the shortcut just picked to the period, and leave the shortcuts unpicked."""
    picked = st.session_state.get(SHORTCUT_KEY)
    if picked in ranges:
        st.session_state[PERIOD_KEY] = ranges[picked]
    st.session_state[SHORTCUT_KEY] = None


def period_picker() -> tuple[pd.Timestamp, pd.Timestamp]:
    """A range of months on a slider, with decades, years and single months a click away; returns its first
    and last day."""
    open_old_period_link()
    chosen = st.select_slider(
        "Period",
        MONTHS,
        value=every_month(),
        key=PERIOD_KEY,
        bind="query-params",
        format_func=month_label,
        help="Drag either end to pick the first and last month (arrow keys move one month). The shortcuts below "
        "pick a decade; then a year of that decade; then a month of that year.",
    )
    ranges = shortcuts(chosen)
    st.pills(
        "Jump to",
        list(ranges),
        key=SHORTCUT_KEY,
        on_change=_jump_to,
        args=(ranges,),
    )
    return month_bounds(chosen)


def sidebar_filters(dataset: Dataset) -> Filters:
    """Draw the filters in the sidebar and return what they select."""
    options, names = _actor_options(dataset)
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
        start, end = period_picker()
        categories = st.multiselect(
            "Event categories",
            list(EVENT_CATEGORIES),
            key="category",
            bind="query-params",
            placeholder="All categories",
        )
        st.button("Reset filters", on_click=reset_filters, icon=":material/restart_alt:", width="stretch")
    return Filters(actors=tuple(actors), start=start, end=end, categories=tuple(categories))


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
