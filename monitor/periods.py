"""Periods of time, in one home: the bins a chart counts in (a day to a year), the months the period filter
picks from, and how each reads. Built on pandas Period, so a period's number, first day and name are pandas'.

Three vocabularies meet here:
- bins (``BINS``): what a large chart counts per, the finest that fits (``choose_bin``);
- months (``month_options``): the steps of the sidebar's period filter, as 'YYYY-MM' (how pandas writes a
  monthly Period), read as 'Oct 2024'; decades, years and single months are shortcuts (``shortcuts``);
- period names from older links ('2024', '1960s', 'October 2024', 'All years …', 'Custom dates…'), which
  ``months_of_period_name`` turns into a range of months so those links still open.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from monitor.schema import FIRST_DATE, LAST_DATE

# The bins a chart counts in, finest first, as pandas frequencies (weeks start on Monday, so they end on Sunday).
BINS = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}
# How a bin reads: a Period format, or (day and week) a format of its first day.
_BIN_FORMATS = {"month": "%b %Y", "quarter": "Q%q %Y", "year": "%Y"}
_FIRST_DAY_FORMATS = {"day": "%-d %b %Y", "week": "week of %-d %b %Y"}
MONTH_FORMAT = "%b %Y"


def bin_index(dates: np.ndarray, unit: str) -> np.ndarray:
    """The bin each date falls in, as its Period ordinal (consecutive bins are consecutive integers)."""
    return pd.DatetimeIndex(np.asarray(dates, dtype="datetime64[ns]")).to_period(BINS[unit]).asi8


def bin_start(index: np.ndarray, unit: str) -> np.ndarray:
    """The first day of each bin numbered by ``bin_index`` (datetime64[ns])."""
    periods = pd.PeriodIndex.from_ordinals(np.asarray(index, dtype=np.int64), freq=BINS[unit])
    return periods.start_time.to_numpy(dtype="datetime64[ns]")


def choose_bin(first: np.datetime64 | pd.Timestamp, last: np.datetime64 | pd.Timestamp, max_bins: int) -> str:
    """The finest bin that spans ``first`` to ``last`` in at most ``max_bins`` bins (else years)."""
    ends = np.array([first, last], dtype="datetime64[ns]")
    for unit in BINS:
        low, high = bin_index(ends, unit)
        if high - low + 1 <= max_bins:
            return unit
    return list(BINS)[-1]


def bin_labels(starts: np.ndarray, unit: str) -> list[str]:
    """'3 Oct 2024', 'week of 30 Sep 2024', 'Oct 2024', 'Q4 2024' or '2024' for each bin's first day."""
    days = pd.DatetimeIndex(np.asarray(starts, dtype="datetime64[ns]"))
    if unit in _FIRST_DAY_FORMATS:
        return list(days.strftime(_FIRST_DAY_FORMATS[unit]))
    return list(days.to_period(BINS[unit]).strftime(_BIN_FORMATS[unit]))


def month_options(first: pd.Timestamp = FIRST_DATE, last: pd.Timestamp = LAST_DATE) -> list[str]:
    """Every month from ``first`` to ``last``, oldest first, as 'YYYY-MM'."""
    return [str(month) for month in pd.period_range(first, last, freq="M")]


@functools.cache  # the period slider formats all 876 months on every rerun; pandas' strftime takes ~20 µs each
def month_label(month: str) -> str:
    """'2024-10' as a reader says it: 'Oct 2024'."""
    return pd.Period(month, freq="M").strftime(MONTH_FORMAT)


def month_bounds(months: Sequence[str]) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first day of the first month and the last day of the last, clipped to the dataset's range."""
    first, last = pd.Period(months[0], freq="M"), pd.Period(months[-1], freq="M")
    return max(first.start_time, FIRST_DATE), min(last.end_time.normalize(), LAST_DATE)


def every_month() -> tuple[str, str]:
    """The first and last month of the dataset's range: the filter's default."""
    return str(pd.Period(FIRST_DATE, freq="M")), str(pd.Period(LAST_DATE, freq="M"))


def _clipped(first: pd.Period, last: pd.Period) -> tuple[str, str] | None:
    low, high = max(first, pd.Period(FIRST_DATE, freq="M")), min(last, pd.Period(LAST_DATE, freq="M"))
    return (str(low), str(high)) if low <= high else None


def decade_months(decade: int) -> tuple[str, str] | None:
    """The months of a decade (1960 for the 1960s) within the dataset's range."""
    return _clipped(pd.Period(year=decade, month=1, freq="M"), pd.Period(year=decade + 9, month=12, freq="M"))


def year_months(year: int) -> tuple[str, str] | None:
    return _clipped(pd.Period(year=year, month=1, freq="M"), pd.Period(year=year, month=12, freq="M"))


def shortcuts(months: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Ranges one click away from the range ``months`` (first and last 'YYYY-MM'): all years and every decade;
    then the single months of the year the range lies in, or else the years of the decade it lies in.
    Each label maps to (first, last)."""
    first, last = pd.Period(months[0], freq="M"), pd.Period(months[-1], freq="M")
    choices: dict[str, tuple[str, str] | None] = {"All": every_month()}
    choices.update(
        {f"{decade}s": decade_months(decade) for decade in range(FIRST_DATE.year // 10 * 10, LAST_DATE.year + 1, 10)}
    )
    if first.year == last.year:
        for month in pd.period_range(f"{first.year}-01", f"{first.year}-12", freq="M"):
            choices[month.strftime("%b")] = _clipped(month, month)
    elif first.year // 10 == last.year // 10:
        decade = first.year // 10 * 10
        choices.update({str(year): year_months(year) for year in range(decade, decade + 10)})
    return {label: chosen for label, chosen in choices.items() if chosen is not None}


_DECADE = re.compile(r"^(\d{3})0s$")
_YEAR = re.compile(r"^\d{4}$")
_ISO_MONTH = re.compile(r"^\d{4}-\d{2}$")


def months_of_period_name(name: str, dates: Sequence[str] = ()) -> tuple[str, str] | None:
    """The months an older link's period names: '1960s', '2024', '2024-10' or 'October 2024', 'all' or
    'All years …', and 'custom' or 'Custom dates…' with its ``dates`` (the months they fall in). None when the
    name reads as none of these, or falls outside the dataset's range."""
    name = name.strip()
    every = every_month()
    if name == "all" or name.startswith("All years"):
        return every
    if name == "custom" or name.startswith("Custom dates"):
        days = [pd.Timestamp(day) for day in dates if pd.notna(pd.to_datetime(day, errors="coerce"))]
        return _clipped(pd.Period(min(days), freq="M"), pd.Period(max(days), freq="M")) if days else every
    if (decade := _DECADE.match(name)) is not None:
        return decade_months(int(decade.group(1)) * 10)
    if _YEAR.match(name):
        return year_months(int(name))
    month = pd.to_datetime(name, format="%Y-%m" if _ISO_MONTH.match(name) else "%B %Y", errors="coerce")
    return None if pd.isna(month) else _clipped(pd.Period(month, freq="M"), pd.Period(month, freq="M"))


def range_label(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """A date range as a reader says it: '1953–2021', '2024', 'Oct 2024', 'Oct 2024 – Mar 2025' or, for
    anything not whole months, '3 Jun 2024 – 20 Jun 2024'."""
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    first, last = pd.Period(start, freq="M"), pd.Period(end, freq="M")
    if start != first.start_time or end != last.end_time.normalize():
        return start.strftime("%-d %b %Y") + (f" – {end:%-d %b %Y}" if end != start else "")
    if first.month == 1 and last.month == 12:
        return str(first.year) if first.year == last.year else f"{first.year}–{last.year}"
    return first.strftime(MONTH_FORMAT) + (f" – {last.strftime(MONTH_FORMAT)}" if last != first else "")
