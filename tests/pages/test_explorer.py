"""The explorer on more rows than a page: one page of rows sent at a time, counts and downloads of them all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from apptest import open_page

from benchmarks.generate import generate
from components.render import PROSE_PAGE_ROWS
from monitor import load_dataset
from monitor.explorer import CLAIM_COLUMNS, column_names
from monitor.schema import TABLES


@pytest.fixture(scope="module")
def large_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("explorer") / "data"
    generate(1_200, folder, seed=5, text="short")  # titles the search test names
    return folder


def events_table(app):
    return next(frame.value for frame in app.dataframe if "first_source_url" in frame.value.columns)


def test_events_are_paged_by_date_and_the_downloads_count_every_row(large_folder, monkeypatch):
    monkeypatch.setenv("MONITOR_DATA_DIR", str(large_folder))
    dataset = load_dataset(large_folder)
    app = open_page("pages/explorer.py")
    assert not app.exception, app.exception
    table = events_table(app)
    assert len(table) == PROSE_PAGE_ROWS and table["date_start"].is_monotonic_increasing
    assert table["summary"].notna().all()  # the detail columns come back for the rows shown
    assert table["actors"].str.len().gt(0).all()  # lists shown as "PRK;RUS" text
    labels = [button.label for button in app.get("download_button")]
    assert "Download 1,200 rows as CSV" in labels
    assert [tab.label for tab in app.tabs][:2] == [f"Claims ({len(dataset.claims):,})", "Events (1,200)"]

    pages = -(-1_200 // PROSE_PAGE_ROWS)
    app.number_input(key="events_page").set_value(pages).run()
    last_page = events_table(app)
    assert len(last_page) == 1_200 - (pages - 1) * PROSE_PAGE_ROWS
    assert last_page["date_start"].min() >= table["date_start"].max()


def test_search_narrows_the_pages(large_folder, monkeypatch):
    monkeypatch.setenv("MONITOR_DATA_DIR", str(large_folder))
    app = open_page("pages/explorer.py", {"q": "Treaty event"})
    assert not app.exception, app.exception
    table = events_table(app)
    assert 0 < len(table) < PROSE_PAGE_ROWS and table["title"].str.startswith("Treaty event").all()
    assert not [widget for widget in app.number_input if widget.key == "events_page"]


def test_readable_columns_come_first_with_the_schemas_help_and_ids_last():
    app = open_page("pages/explorer.py")
    assert not app.exception, app.exception
    claims_table = app.dataframe[0]
    order = list(claims_table.proto.column_order)
    assert order == column_names(CLAIM_COLUMNS)
    assert order[:2] == ["as_of", "figure"] and order[-1] == "place_id"
    config = json.loads(claims_table.proto.columns)
    assert config["as_of"]["help"] == TABLES["claims"].schema.columns["as_of"].description
    assert config["claimant_name"]["label"] == "Claimant"
    assert "dataset_version" not in order and "licence" not in order  # for downloads only
