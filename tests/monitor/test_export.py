"""The one CSV writer: UTF-8 with a byte-order mark, formula text neutralised, numbers and dates untouched."""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile

import pandas as pd
import pytest
from uploads import fixture_files

from monitor import data_dir, load_dataset, load_tables
from monitor.bundle import dataset_to_zip, files_from_upload, table_csv, template_csv
from monitor.export import FORMULA_PREFIXES, csv_bytes, json_bytes, neutralise
from monitor.schema import TABLES

HYPERLINK = '=HYPERLINK("http://x","y")'
AS_CSV_CELL = '"' + HYPERLINK.replace('"', '""') + '"'


def rows_of(data: bytes) -> list[list[str]]:
    """The data rows as the csv module reads them (a quoted carriage return kept as it is)."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))[1:]


def test_every_csv_starts_with_a_byte_order_mark():
    assert csv_bytes(pd.DataFrame({"a": ["x"]})).startswith(codecs.BOM_UTF8)
    assert template_csv("events").startswith(codecs.BOM_UTF8)
    assert table_csv(load_dataset(data_dir()), TABLES["claims"]).startswith(codecs.BOM_UTF8)
    assert csv_bytes(pd.DataFrame({"a": ["Ким Чен Ын"]})).decode("utf-8-sig").splitlines()[1] == "Ким Чен Ын"


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_each_formula_prefix_is_neutralised(prefix):
    cell = f"{prefix}1+1"
    assert neutralise(cell) == "'" + cell
    frame = pd.DataFrame({"text": [cell, "plain", "a=b"]})
    assert rows_of(csv_bytes(frame)) == [["'" + cell], ["plain"], ["a=b"]]


def test_neutralising_twice_changes_nothing_more():
    assert neutralise(neutralise("=1+1")) == "'=1+1"
    assert neutralise("'@SUM(A1)") == "'@SUM(A1)"


def test_numbers_dates_and_booleans_are_untouched():
    frame = pd.DataFrame(
        {
            "lon": [-77.0367, 12.5],
            "count": pd.array([-5, 3], dtype="Int64"),
            "flag": [True, False],
            "day": pd.to_datetime(["2024-10-17", "2025-01-01"]),
            "text": ["-5", "ok"],
        }
    )
    assert rows_of(csv_bytes(frame)) == [
        ["-77.0367", "-5", "True", "2024-10-17", "'-5"],  # only the text cell is neutralised
        ["12.5", "3", "False", "2025-01-01", "ok"],
    ]


def test_the_dataset_writer_neutralises_only_text_columns():
    files = fixture_files({"The two leaders sign a treaty.": AS_CSV_CELL})
    dataset = load_tables(files)
    data = table_csv(dataset, TABLES["events"])
    events = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert events.loc[0, "summary"] == "'" + HYPERLINK
    curated = load_dataset(data_dir())
    places = pd.read_csv(io.BytesIO(table_csv(curated, TABLES["places"])), dtype=str, encoding="utf-8-sig")
    assert "-77.0367" in set(places["lon"])  # a negative number is a number, not a formula


def test_a_formula_uploaded_and_downloaded_back_is_inert_and_stable():
    """Upload =HYPERLINK(...) → download: the cell comes back with its apostrophe (inert in a spreadsheet). The
    loader keeps the apostrophe as text, and a second round trip writes the very same bytes."""
    files = fixture_files({"The two leaders sign a treaty.": AS_CSV_CELL})
    first = load_tables(files_from_upload(list(files.items())))
    assert first.events.loc[0, "summary"] == HYPERLINK  # the app holds the text as given (never run, only shown)
    downloaded = dataset_to_zip(first)
    second = load_tables(files_from_upload([("data.zip", downloaded)]))
    assert second.events.loc[0, "summary"] == "'" + HYPERLINK
    again = load_tables(files_from_upload([("data.zip", dataset_to_zip(second))]))
    for name in TABLES:
        pd.testing.assert_frame_equal(again.table(name), second.table(name))
    with zipfile.ZipFile(io.BytesIO(dataset_to_zip(second))) as archive:
        assert archive.read("events.csv") == table_csv(second, TABLES["events"])


def test_the_curated_data_has_no_cell_to_neutralise_so_its_zip_reloads_identically():
    curated = load_dataset(data_dir())
    for name, spec in TABLES.items():
        text = [column for column in spec.columns if spec.column_kind(column) in ("string", "url")]
        for column in text:
            assert not curated.table(name)[column].dropna().str.startswith(FORMULA_PREFIXES).any(), (name, column)
    back = load_tables(files_from_upload([("data.zip", dataset_to_zip(curated))]))
    for name in TABLES:
        pd.testing.assert_frame_equal(back.table(name), curated.table(name))


def test_json_dates_are_plain_iso_dates():
    frame = pd.DataFrame({"day": pd.to_datetime(["2024-10-17", None]), "n": [1, 2]})
    assert json.loads(json_bytes(frame)) == [{"day": "2024-10-17", "n": 1}, {"day": None, "n": 2}]


def test_empty_cells_and_columns_without_text_are_left_alone():
    frame = pd.DataFrame({"some": [None, "=1"], "none": [None, None]})
    assert rows_of(csv_bytes(frame)) == [["", ""], ["'=1", ""]]
