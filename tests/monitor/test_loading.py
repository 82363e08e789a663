"""The loader: parsed types, file-level problems, encodings, and the data-folder setting."""

from __future__ import annotations

import json
import threading

import pandas as pd
import pytest

from monitor import DataValidationError, data_dir, load_dataset
from monitor.config import DATA_DIR_VARIABLE, PROJECT_ROOT


def problems_in(folder) -> list[str]:
    with pytest.raises(DataValidationError) as caught:
        load_dataset(folder)
    return [str(problem) for problem in caught.value.problems]


def test_loaded_tables_have_parsed_dates_numbers_flags_and_lists(minimal_dir):
    dataset = load_dataset(minimal_dir)
    events = dataset.events.set_index("event_id")
    assert events.at["treaty-signed", "date_start"] == pd.Timestamp("2024-06-19")
    assert pd.isna(events.at["treaty-signed", "date_end"])
    assert events.at["treaty-signed", "actors"] == ["PRK", "RUS", "kim-jong-un"]
    assert events.at["treaty-signed", "source_ids"] == ["ref-b", "seed-a"]
    assert events.at["treaty-signed", "importance"] == 3
    claims = dataset.claims.set_index("claim_id")
    assert claims.at["ref-b-range", "value_high"] == 12000
    assert bool(claims.at["ref-b-range", "interested_party"]) is True
    assert pd.isna(claims.at["ref-b-range", "excerpt"])


def test_event_actor_link_table_has_one_row_per_pair(minimal_dir):
    dataset = load_dataset(minimal_dir)
    links = dataset.event_actors
    assert len(links) == 5
    deployment = dataset.events.index[dataset.events["event_id"] == "deployment"][0]
    assert set(links.loc[links.event_row == deployment, "actor_id"]) == {"PRK", "RUS"}


def test_version_comes_from_the_datapackage(minimal_dir):
    assert load_dataset(minimal_dir).version == "unversioned"
    (minimal_dir / "datapackage.json").write_text(json.dumps({"version": "1.2.3"}), encoding="utf-8")
    assert load_dataset(minimal_dir).version == "1.2.3"


def test_missing_file(minimal_dir):
    (minimal_dir / "places.csv").unlink()
    problems = problems_in(minimal_dir)
    assert problems[0].startswith("places.csv:0:*: file is missing")


def test_empty_file(minimal_dir):
    (minimal_dir / "sources.csv").write_text("", encoding="utf-8")
    assert problems_in(minimal_dir)[0].startswith("sources.csv:0:*: file is empty; expected a header row: source_id,")


def test_missing_folder(tmp_path):
    assert problems_in(tmp_path / "nowhere")[0].endswith("nowhere:0:*: data folder not found")


def test_missing_column(minimal_dir):
    path = minimal_dir / "actors.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns="colour")
    frame.to_csv(path, index=False)
    assert "actors.csv:1:colour: required column is missing from the header" in problems_in(minimal_dir)


def test_renamed_column_suggests_the_right_name(minimal_dir):
    path = minimal_dir / "events.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("date_start", "date_begin", 1), encoding="utf-8")
    problems = problems_in(minimal_dir)
    assert "events.csv:1:date_begin: unknown column; did you mean 'date_start'?" in problems
    assert "events.csv:1:date_start: required column is missing from the header" in problems


def test_extra_column(minimal_dir):
    path = minimal_dir / "places.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join([lines[0] + ",population"] + [line + ",1" for line in lines[1:]]) + "\n", encoding="utf-8"
    )
    assert any(p.startswith("places.csv:1:population: unknown column") for p in problems_in(minimal_dir))


def test_semicolon_delimiter_is_named(minimal_dir):
    path = minimal_dir / "sources.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    assert "sources.csv:1:*: columns are separated by semicolons; use commas" in problems_in(minimal_dir)


def test_row_with_an_extra_field_is_reported_not_dropped(minimal_dir):
    path = minimal_dir / "places.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "vladivostok,Vladivostok,,43.1,131.9,RUS,city,,,oops\n", encoding="utf-8"
    )
    assert "places.csv:4:*: row has 10 fields, more than the header's 9" in problems_in(minimal_dir)


def test_row_with_a_missing_field_is_reported(minimal_dir):
    path = minimal_dir / "places.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "vladivostok,Vladivostok,,43.1,131.9,RUS,city\n", encoding="utf-8"
    )
    assert "places.csv:4:*: row has 7 fields, fewer than the header's 9" in problems_in(minimal_dir)


def test_byte_order_mark_and_crlf_are_accepted(minimal_dir):
    for path in minimal_dir.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    dataset = load_dataset(minimal_dir)
    assert next(iter(dataset.sources.columns)) == "source_id"
    assert dataset.events["date_start"].notna().all()


def test_latin1_bytes_name_the_row(minimal_dir):
    path = minimal_dir / "places.csv"
    text = path.read_text(encoding="utf-8") + "sao-paulo,São Paulo,,-23.5,-46.6,RUS,city,\n"
    path.write_bytes(text.encode("latin-1", errors="replace"))
    assert "places.csv:4:*: is not UTF-8 (byte 0xe3); save the file as UTF-8" in problems_in(minimal_dir)


def test_header_only_file_loads_as_an_empty_table(minimal_dir):
    path = minimal_dir / "claims.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    assert load_dataset(minimal_dir).claims.empty


def test_data_dir_defaults_to_the_project_data_folder(monkeypatch):
    monkeypatch.delenv(DATA_DIR_VARIABLE, raising=False)
    assert data_dir() == PROJECT_ROOT / "data"


def test_data_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(tmp_path))
    assert data_dir() == tmp_path.resolve()


def test_imprecise_events_span_their_month(minimal_dir):
    dataset = load_dataset(minimal_dir)
    ends = dict(zip(dataset.events["event_id"], dataset.event_span_end, strict=True))
    assert ends == {"treaty-signed": pd.Timestamp("2024-06-19"), "deployment": pd.Timestamp("2024-10-31")}


def test_rows_are_taken_chunk_by_chunk_and_read_as_the_whole_table_would(minimal_dir, monkeypatch):
    """Dataset.rows gives what take() gives, for columns stored in several chunks (a streamed table's prose)."""
    import numpy as np
    import pyarrow

    dataset = load_dataset(minimal_dir)
    events = dataset.events
    positions = np.array([1, 0, 1])
    expected = events[["title", "actors", "importance"]].take(positions).reset_index(drop=True)

    def in_two_chunks(column: str) -> pd.Series:
        array = pyarrow.array(events[column].array, from_pandas=True)
        chunks = pyarrow.chunked_array([array[:1], array[1:]])
        if column == "title":
            return pd.Series(pd.arrays.ArrowStringArray(chunks, dtype=events[column].dtype), name=column)
        return pd.Series(pd.arrays.ArrowExtensionArray(chunks), name=column)

    chunked = {column: in_two_chunks(column) for column in ("title", "actors")}
    assert pyarrow.chunked_array(pyarrow.array(chunked["title"].array)).num_chunks == 2
    monkeypatch.setattr(dataset, "events", events.assign(**chunked))
    pd.testing.assert_frame_equal(dataset.rows("events", positions, ["title", "actors", "importance"]), expected)


def test_a_value_kept_with_the_dataset_may_be_built_from_another(minimal_dir):
    # Claimant names are built from the indexed actors: one build inside another must not wait on itself.
    dataset = load_dataset(minimal_dir)
    result = {}
    worker = threading.Thread(
        target=lambda: result.update(value=dataset.memo("outer", lambda: len(dataset.indexed("actors"))))
    )
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive() and result["value"] == len(dataset.actors)
