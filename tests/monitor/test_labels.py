"""How figures and dates read."""

from __future__ import annotations

import pandas as pd
import pytest

from monitor.labels import date_label, format_figure, metric_label, metric_unit


@pytest.mark.parametrize(
    ("low", "high", "qualifier", "text"),
    [
        (11000, 11000, "over", "over 11,000"),
        (11000, 12000, "range", "11,000–12,000"),
        (600, 600, "about", "about 600"),
        (5, 5, "exact", "5"),
        (3000, 3000, "at_least", "at least 3,000"),
        (8000, 8000, "up_to", "up to 8,000"),
    ],
)
def test_format_figure(low, high, qualifier, text):
    assert format_figure(low, high, qualifier) == text


def test_date_label_follows_precision():
    day = pd.Timestamp("2024-06-19")
    assert date_label(day, None, "day") == "19 Jun 2024"
    assert date_label(pd.Timestamp("2024-10-01"), pd.NaT, "month") == "Oct 2024"
    assert date_label(pd.Timestamp("1995-01-01"), None, "year") == "1995"
    assert date_label(pd.Timestamp("2001-07-26"), pd.Timestamp("2001-08-18"), "day") == "26 Jul 2001 – 18 Aug 2001"


def test_metric_labels_and_units_come_from_the_schema():
    assert metric_label("containers") == "Containers of munitions shipped"
    assert metric_unit("artillery_shells") == "shells"
    assert metric_label("no_such_metric") == "no_such_metric" and metric_unit("no_such_metric") == ""
