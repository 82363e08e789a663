"""Periods: the bins charts count in, the months the period filter picks, shortcuts, and older links' names."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from monitor.periods import (
    BINS,
    bin_index,
    bin_labels,
    bin_start,
    choose_bin,
    month_bounds,
    month_label,
    month_options,
    months_of_period_name,
    range_label,
    shortcuts,
)


def dates(*texts: str) -> np.ndarray:
    return np.array(texts, dtype="datetime64[ns]")


@pytest.mark.parametrize("unit", BINS)
def test_every_date_falls_in_the_bin_that_starts_on_or_before_it(unit):
    days = dates("1953-07-27", "1999-12-31", "2024-02-29", "2024-10-15T13:00", "2025-01-01")
    index = bin_index(days, unit)
    assert (bin_start(index, unit) <= days).all()
    assert (days < bin_start(index + 1, unit)).all()


@pytest.mark.parametrize("unit", BINS)
def test_consecutive_bins_are_consecutive_integers(unit):
    index = bin_index(dates("2024-12-31"), unit)
    assert bin_index(bin_start(index + 1, unit), unit)[0] == index[0] + 1


def test_weeks_start_on_monday_and_bins_are_labelled_as_a_reader_says_them():
    monday = bin_start(bin_index(dates("2024-10-03"), "week"), "week")[0]
    assert pd.Timestamp(monday) == pd.Timestamp("2024-09-30") and pd.Timestamp(monday).day_name() == "Monday"
    start = dates("2024-10-03")
    assert bin_labels(start, "day") == ["3 Oct 2024"]
    assert bin_labels(dates("2024-09-30"), "week") == ["week of 30 Sep 2024"]
    assert bin_labels(start, "month") == ["Oct 2024"]
    assert bin_labels(dates("2024-10-01"), "quarter") == ["Q4 2024"]
    assert bin_labels(start, "year") == ["2024"]


@pytest.mark.parametrize(
    ("first", "last", "unit"),
    [
        ("2024-10-01", "2024-10-31", "day"),
        ("2024-01-01", "2024-12-31", "week"),
        ("2022-01-01", "2025-12-31", "month"),
        ("2010-01-01", "2025-12-31", "quarter"),
        ("1953-07-27", "2021-12-31", "year"),
    ],
)
def test_the_finest_bin_that_fits_is_chosen(first, last, unit):
    assert choose_bin(pd.Timestamp(first), pd.Timestamp(last), 80) == unit


def test_the_filter_steps_by_month_over_the_datasets_range():
    months = month_options()
    assert months[0] == "1953-01" and months[-1] == "2025-12" and len(months) == 73 * 12
    assert month_label("2024-10") == "Oct 2024"
    assert month_bounds(("2024-02", "2024-02")) == (pd.Timestamp("2024-02-01"), pd.Timestamp("2024-02-29"))
    assert month_bounds(("2023-11", "2024-03")) == (pd.Timestamp("2023-11-01"), pd.Timestamp("2024-03-31"))


def test_shortcuts_offer_decades_then_the_years_of_a_decade_then_the_months_of_a_year():
    everything = shortcuts(("1953-01", "2025-12"))
    assert list(everything) == ["All", "1950s", "1960s", "1970s", "1980s", "1990s", "2000s", "2010s", "2020s"]
    assert everything["1950s"] == ("1953-01", "1959-12")  # clipped to the data
    assert everything["All"] == ("1953-01", "2025-12")
    decade = shortcuts(("2020-01", "2025-12"))
    assert [label for label in decade if label.isdigit()] == ["2020", "2021", "2022", "2023", "2024", "2025"]
    year = shortcuts(("2024-10", "2024-12"))
    assert year["Oct"] == ("2024-10", "2024-10") and year["Feb"] == ("2024-02", "2024-02")
    assert "2024" not in year and "2020s" in year  # a year's months; decades to climb back
    assert "Oct" not in shortcuts(("2023-10", "2024-02"))  # two years: no single months offered


@pytest.mark.parametrize(
    ("name", "months"),
    [
        ("1960s", ("1960-01", "1969-12")),
        ("1950s", ("1953-01", "1959-12")),
        ("2024", ("2024-01", "2024-12")),
        ("2024-02", ("2024-02", "2024-02")),
        ("October 2024", ("2024-10", "2024-10")),
        ("all", ("1953-01", "2025-12")),
        ("All years (1953–2025)", ("1953-01", "2025-12")),
        ("1900s", None),
        ("tomorrow", None),
    ],
)
def test_older_links_period_names_become_ranges_of_months(name, months):
    assert months_of_period_name(name) == months


def test_older_links_custom_dates_become_the_months_they_fall_in():
    assert months_of_period_name("Custom dates…", ["2024-06-10", "2024-08-02"]) == ("2024-06", "2024-08")
    assert months_of_period_name("custom", ["not a date"]) == ("1953-01", "2025-12")


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        ("1953-01-01", "2021-12-31", "1953–2021"),
        ("2024-01-01", "2024-12-31", "2024"),
        ("2024-10-01", "2024-10-31", "Oct 2024"),
        ("2024-10-01", "2025-03-31", "Oct 2024 – Mar 2025"),
        ("2024-06-03", "2024-06-20", "3 Jun 2024 – 20 Jun 2024"),
    ],
)
def test_ranges_read_as_a_reader_says_them(start, end, label):
    assert range_label(pd.Timestamp(start), pd.Timestamp(end)) == label
