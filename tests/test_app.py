"""app.py under AppTest: it runs on the shipped data, and a data error is shown instead of a traceback."""

from __future__ import annotations

import pytest
from apptest import APP, PAGES, open_page
from streamlit.testing.v1 import AppTest


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


@pytest.mark.parametrize("page_path", PAGES)
def test_a_file_level_error_is_listed_on_every_page(monkeypatch, minimal_dir, page_path):
    path = minimal_dir / "sources.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    monkeypatch.setenv("MONITOR_DATA_DIR", str(minimal_dir))
    app = open_page(page_path)
    assert not app.exception
    assert "did not pass validation: 1 problem(s)" in app.error[0].value
    assert app.code[0].value == "sources.csv:1:*: columns are separated by semicolons; use commas"


@pytest.mark.legacy_pages_folder
def test_a_deep_link_opened_first_on_a_fresh_server_still_gets_the_filters():
    # A fresh server treats pages/ the legacy way until st.navigation runs once: /map would run alone.
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.switch_page("pages/map.py").run()
    assert not app.exception
    assert app.title[0].value == "Map"
    assert app.sidebar.select_slider(key="months").value == ("1953-01", "2025-12")


def test_an_edited_data_file_is_loaded_afresh(monkeypatch, minimal_dir, edit):
    monkeypatch.setenv("MONITOR_DATA_DIR", str(minimal_dir))
    assert not open_page().error
    edit("events.csv", 2, "importance", "7")
    assert "events.csv:2:importance:" in open_page().code[0].value
