"""Bring your own data, without Streamlit: which files an upload holds, templates, and the dataset as a zip."""

from __future__ import annotations

import codecs
import io
import json
import zipfile

import pandas as pd
import pytest
from uploads import as_zip, fixture_files

from monitor import DataValidationError, bundle, data_dir, load_dataset, load_tables
from monitor.bundle import DATASET_ZIP_EXTRAS, dataset_to_zip, files_from_upload, table_file_name, template_csv
from monitor.schema import TABLES
from monitor.table_reading import read_table


def problems_of(named_bytes) -> list[str]:
    with pytest.raises(DataValidationError) as caught:
        files_from_upload(named_bytes)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("events.csv", "events.csv"),
        ("Events.CSV", "events.csv"),
        ("events (1).csv", "events.csv"),
        ("C:\\Users\\me\\claims.csv", "claims.csv"),
        ("folder/story.csv", "story.csv"),
        ("event.csv", None),
        ("events.csv.txt", None),
        ("events_2024.csv", None),
    ],
)
def test_file_names_stand_for_tables(name, expected):
    assert table_file_name(name) == expected


def test_separate_csvs_are_taken_by_name():
    files = fixture_files()
    assert files_from_upload(list(files.items())) == files


def test_a_zip_is_read_ignoring_its_folders_and_files_that_are_not_tables():
    files = fixture_files()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data/", b"")
        for name, data in files.items():
            archive.writestr(f"data/{name}", data)
        archive.writestr("data/datapackage.json", b"{}")
        archive.writestr("data/README.md", b"# notes")
        archive.writestr("__MACOSX/data/._events.csv", b"\x00\x05\x16\x07")
        archive.writestr("data/.hidden.csv", b"x")
    assert files_from_upload([("export.zip", buffer.getvalue())]) == files


def test_one_table_alone_is_enough():
    assert list(files_from_upload([("claims.csv", b"claim_id\n")])) == ["claims.csv"]


def test_an_unexpected_file_is_named():
    assert problems_of([("notes.txt", b"hi"), ("event.csv", b"x")]) == [
        "event.csv:0:*: is not a table of this dataset; name each file one of: sources.csv, actors.csv, "
        "places.csv, events.csv, claims.csv, story.csv",
        "notes.txt:0:*: is neither a .csv nor a .zip file",
    ]


def test_an_unexpected_csv_inside_a_zip_is_named():
    assert problems_of([("my.zip", as_zip({"evnts.csv": b"x"}, folder="d/"))]) == [
        "my.zip/d/evnts.csv:0:*: is not a table of this dataset; name each file one of: sources.csv, actors.csv, "
        "places.csv, events.csv, claims.csv, story.csv",
    ]


def test_a_table_uploaded_twice_is_a_problem():
    files = fixture_files()
    assert problems_of([("events.csv", files["events.csv"]), ("all.zip", as_zip(files))]) == [
        "all.zip/events.csv:0:*: events.csv was uploaded twice (also in events.csv)"
    ]


def test_nothing_usable_is_a_problem():
    assert problems_of([("empty.zip", as_zip({"README.md": b"hello"}))]) == [
        "the upload:0:*: holds no table; expected one or more of: sources.csv, actors.csv, places.csv, events.csv, "
        "claims.csv, story.csv"
    ]


def test_a_file_that_is_not_a_zip():
    (problem,) = problems_of([("data.zip", b"PK\x03\x04 this is not a zip")])
    assert problem.startswith("data.zip:0:*: is not a readable zip file (")


def test_a_corrupted_zip_entry():
    data = bytearray(as_zip({"events.csv": b"event_id,title\n" * 100}))
    start = data.index(b"events.csv") + len(b"events.csv")
    data[start + 5 : start + 15] = b"\xff" * 10  # inside the compressed stream
    (problem,) = problems_of([("data.zip", bytes(data))])
    assert problem.startswith("data.zip/events.csv:0:*: cannot be unzipped (")


def test_the_upload_is_size_capped():
    assert problems_of([("events.csv", b"x" * (bundle.MAX_UPLOAD_BYTES + 1))]) == [
        "events.csv:0:*: brings the upload to more than 20.0 MB (20.0 MB for this file); "
        "the limit is for all files at once"
    ]


def test_the_size_cap_names_the_file_that_crosses_it_before_any_is_copied():
    half = bundle.MAX_UPLOAD_BYTES // 2 + 1
    with pytest.raises(DataValidationError) as raised:
        bundle.check_upload_size([("actors.csv", half), ("Events (1).csv", half), ("claims.csv", half)])
    assert [str(problem) for problem in raised.value.problems] == [
        "Events (1).csv:0:*: brings the upload to more than 20.0 MB (10.0 MB for this file); "
        "the limit is for all files at once"
    ]


def test_a_zip_bomb_is_refused_before_it_is_inflated(monkeypatch):
    monkeypatch.setattr(bundle, "MAX_UNZIPPED_BYTES", 1024 * 1024)
    bomb = as_zip({"events.csv": b"0" * (5 * 1024 * 1024)})
    assert len(bomb) < 50_000
    assert problems_of([("bomb.zip", bomb)]) == ["bomb.zip:0:*: unzips to more than 1.0 MB"]


def understate_sizes(monkeypatch):
    """Make every zip entry claim to unzip to 10 bytes, as a crafted bomb's header would."""
    real_infolist = zipfile.ZipFile.infolist

    def understated(archive):
        entries = real_infolist(archive)
        for entry in entries:
            entry.file_size = 10
        return entries

    monkeypatch.setattr(zipfile.ZipFile, "infolist", understated)


def test_zipfile_itself_never_inflates_more_than_an_entry_declares(monkeypatch):
    understate_sizes(monkeypatch)
    archive = zipfile.ZipFile(io.BytesIO(as_zip({"events.csv": b"0" * (5 * 1024 * 1024)})))
    (entry,) = archive.infolist()
    with archive.open(entry) as handle, pytest.raises(zipfile.BadZipFile, match="Bad CRC-32"):
        assert len(handle.read(1024)) <= 10  # the declared size caps what is ever returned
        handle.read()


def test_a_zip_bomb_that_lies_about_its_size_is_refused_by_its_checksum(monkeypatch):
    monkeypatch.setattr(bundle, "MAX_UNZIPPED_BYTES", 1024 * 1024)
    understate_sizes(monkeypatch)
    bomb = as_zip({"events.csv": b"0" * (5 * 1024 * 1024)})
    assert problems_of([("bomb.zip", bomb)]) == [
        "bomb.zip/events.csv:0:*: cannot be unzipped (Bad CRC-32 for file 'events.csv')"
    ]


def test_a_zip_with_too_many_entries():
    many = as_zip({f"f{i}.txt": b"" for i in range(bundle.MAX_ZIP_ENTRIES + 1)})
    assert problems_of([("many.zip", many)]) == ["many.zip:0:*: holds 101 files; the limit is 100"]


@pytest.mark.parametrize("table", list(TABLES))
def test_each_template_has_the_header_and_an_example_row_that_validate(table):
    spec = TABLES[table]
    data = template_csv(table)
    assert data.startswith(codecs.BOM_UTF8)  # Excel reads UTF-8 only with its byte-order mark
    header, example, *rest = data.decode("utf-8-sig").splitlines()
    assert header == ",".join(spec.columns)
    assert example and not rest
    frame, problems = read_table(template_csv(table), spec)
    assert problems == []
    assert len(frame) == 1


def test_the_templates_together_are_a_valid_dataset():
    dataset = load_tables({spec.file_name: template_csv(name) for name, spec in TABLES.items()})
    assert len(dataset.events) == len(dataset.claims) == 1


def test_the_curated_dataset_survives_a_round_trip_through_its_zip():
    curated = load_dataset(data_dir())
    back = load_tables(files_from_upload([("data.zip", dataset_to_zip(curated))]))
    for name in TABLES:
        pd.testing.assert_frame_equal(back.table(name), curated.table(name))


def test_the_zip_has_one_csv_per_table_with_lists_joined_and_iso_dates():
    curated = load_dataset(data_dir())
    with zipfile.ZipFile(io.BytesIO(dataset_to_zip(curated))) as archive:
        assert archive.namelist() == [spec.file_name for spec in TABLES.values()] + list(DATASET_ZIP_EXTRAS)
        events = pd.read_csv(archive.open("events.csv"), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert events["date_start"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert events["actors"].str.contains(";").any()
    assert list(events.columns) == TABLES["events"].columns


def test_the_zip_carries_its_descriptor_changelog_and_licence():
    curated = load_dataset(data_dir())
    changelog = (data_dir() / "CHANGELOG.md").read_text(encoding="utf-8")
    with zipfile.ZipFile(io.BytesIO(dataset_to_zip(curated))) as archive:  # the folder's release: its changelog
        descriptor = json.loads(archive.read("datapackage.json"))
        assert archive.read("CHANGELOG.md").decode("utf-8") == changelog
        licence = archive.read("LICENSE").decode("utf-8")
    assert descriptor["version"] == curated.version != "unversioned"
    assert [resource["path"] for resource in descriptor["resources"]] == [spec.file_name for spec in TABLES.values()]
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert "CC BY 4.0" in licence and f"dataset version {curated.version}" in licence


def test_an_upload_zip_without_a_changelog_file_gets_its_newest_changes():
    dataset = load_tables(fixture_files(), version="your upload", changes="- one row fixed")
    with zipfile.ZipFile(io.BytesIO(dataset_to_zip(dataset))) as archive:
        assert "## your upload" in archive.read("CHANGELOG.md").decode("utf-8")
        assert "- one row fixed" in archive.read("CHANGELOG.md").decode("utf-8")


def test_an_upload_zip_states_no_licence_for_the_uploaded_tables():
    dataset = load_tables(fixture_files(), version="your upload")
    with zipfile.ZipFile(io.BytesIO(dataset_to_zip(dataset))) as archive:
        assert "licenses" not in json.loads(archive.read("datapackage.json"))
        assert "no licence is stated" in archive.read("LICENSE").decode("utf-8")
