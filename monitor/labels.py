"""How figures, dates, scopes and metrics read in the app: one wording, used by every page and chart."""

from __future__ import annotations

import numpy as np
import pandas as pd

from monitor.schema import METRICS

QUALIFIER_WORDS = {
    "about": "about",
    "at_least": "at least",
    "over": "over",
    "up_to": "up to",
    "range": "",
    "exact": "",
}
# A scope as a reader says it, in a phrase ("not comparable: total vs in place").
SCOPE_NOUNS = {
    "total": "total",
    "present": "in place",
    "additional": "additional batch",
    "planned": "planned",
    "partial": "subset or sub-period",
    "rate": "rate per period",
}
# A scope as a picker or a table heading names it.
SCOPE_LABELS = {
    "total": "totals to date",
    "present": "in a place at the time",
    "additional": "additional batches",
    "planned": "plans and expectations",
    "partial": "sub-periods and subsets",
    "rate": "rates per period",
}


def metric_label(metric: str) -> str:
    """A metric's label from the schema ('Troops deployed'), or its id when the schema does not know it."""
    known = METRICS.get(metric)
    return known.label if known is not None else str(metric)


def metric_unit(metric: str) -> str:
    known = METRICS.get(metric)
    return known.unit if known is not None else ""


def format_figure(value_low: float, value_high: float, qualifier: str) -> str:
    """A figure as a reader says it: 'over 11,000', '11,000–12,000', 'about 600'."""
    figure = f"{value_low:,.0f}" if value_low == value_high else f"{value_low:,.0f}–{value_high:,.0f}"
    word = QUALIFIER_WORDS.get(qualifier, "")
    return f"{word} {figure}".strip()


def figure_labels(claims: pd.DataFrame) -> pd.Series:
    """format_figure() for every claim at once: each distinct number is formatted once, then looked up."""
    low = claims["value_low"].to_numpy(dtype=float, na_value=np.nan)
    high = claims["value_high"].to_numpy(dtype=float, na_value=np.nan)
    numbers, codes = np.unique(np.concatenate([low, high]), return_inverse=True)
    text = np.array([f"{number:,.0f}" for number in numbers], dtype=object)
    low_text, high_text = text[codes[: len(low)]], text[codes[len(low) :]]
    figure = np.where(low == high, low_text, low_text + "–" + high_text)
    prefix = {qualifier: f"{word} " if word else "" for qualifier, word in QUALIFIER_WORDS.items()}
    words = claims["qualifier"].map(prefix).fillna("").to_numpy(dtype=object)
    return pd.Series(words + figure, index=claims.index, dtype=object)


DATE_FORMATS = {"day": "%-d %b %Y", "month": "%b %Y", "year": "%Y"}


def date_label(start: pd.Timestamp, end: pd.Timestamp | None, precision: str) -> str:
    """A date as precise as the sources allow: '19 Jun 2024', 'Oct 2024', '1995', '26 Jul – 18 Aug 2001'."""
    text = start.strftime(DATE_FORMATS.get(precision, DATE_FORMATS["day"]))
    if end is not None and not pd.isna(end) and end != start:
        text = f"{text} – {end.strftime(DATE_FORMATS['day'])}"
    return text


def date_labels(dates: pd.Series, precision: pd.Series | None = None, ends: pd.Series | None = None) -> pd.Series:
    """date_label() for every row at once. Each distinct date is formatted once (a million events share a few
    thousand dates), then looked up."""
    text = formatted_dates(dates, DATE_FORMATS["day"])
    if precision is not None:
        text = text.mask(precision == "month", formatted_dates(dates, DATE_FORMATS["month"]))
        text = text.mask(precision == "year", formatted_dates(dates, DATE_FORMATS["year"]))
    if ends is not None:
        spans = ends.notna() & (ends != dates)
        text = text.mask(spans, text + " – " + formatted_dates(ends, DATE_FORMATS["day"]))
    return text.astype(object)


def formatted_dates(dates: pd.Series, pattern: str) -> pd.Series:
    """Each date in ``pattern`` (None for a missing date), formatting each distinct date once."""
    codes, uniques = pd.factorize(dates)
    labels = np.append(pd.DatetimeIndex(uniques).strftime(pattern).to_numpy(dtype=object), None)
    return pd.Series(labels[codes], index=dates.index, dtype=object)
