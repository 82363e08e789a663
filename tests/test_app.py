"""app.py under AppTest: it runs on the shipped data, and a data error is shown instead of a traceback."""

from __future__ import annotations

import pytest
from apptest import PAGES, open_page


def test_app_runs_on_the_shipped_data_without_exception():
    app = open_page()
    assert not app.exception
    assert app.title[0].value == "DPRK–Russia Alignment Monitor"
    assert {metric.label for metric in app.metric} >= {"Events", "Claims", "Sources"}
    assert app.sidebar.caption[-1].value.startswith("showing ")


@pytest.mark.parametrize("page_path", PAGES)
def test_a_data_error_is_listed_on_every_page(monkeypatch, edit, page_path):
    folder = edit("events.csv", 2, "date_start", "2030-01-01")
    monkeypatch.setenv("MONITOR_DATA_DIR", str(folder))
    app = open_page(page_path)
    assert not app.exception
    assert "did not pass validation" in app.error[0].value
    assert "events.csv:2:date_start: '2030-01-01' must be between 1953-01-01 and 2025-12-31" in app.code[0].value
