"""The cache of validated tables: a later load reads it instead of validating, and never serves stale data."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from conftest import set_cell

from monitor import DataValidationError, load_dataset
from monitor import cache as cache_module
from monitor.cache import CACHE_DIR_VARIABLE, CACHE_FOLDER, EntryWriter, cache_key, cache_root, give_back
from monitor.config import PROJECT_ROOT
from monitor.loading import DERIVED_TABLES
from monitor.schema import TABLES


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", target, ignore=shutil.ignore_patterns(CACHE_FOLDER))
    return target


def entries(folder: Path) -> list[Path]:
    root = cache_root(folder)
    return sorted(path for path in root.iterdir() if path.is_dir()) if root.is_dir() else []


def test_a_cached_load_gives_exactly_the_validated_tables(shipped_copy):
    fresh = load_dataset(shipped_copy, use_cache=False)
    assert [entry.name for entry in entries(shipped_copy)] == [cache_key(shipped_copy)]
    cached = load_dataset(shipped_copy)
    for name in TABLES:
        pd.testing.assert_frame_equal(cached.table(name), fresh.table(name))
    pd.testing.assert_frame_equal(cached.event_actors, fresh.event_actors)
    pd.testing.assert_series_equal(cached.event_span_end, fresh.event_span_end)
    assert cached.version == fresh.version and cached.latest_changes == fresh.latest_changes


def test_a_cached_load_does_not_validate_again(shipped_copy, monkeypatch):
    load_dataset(shipped_copy)

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("validated again although the files did not change")

    monkeypatch.setattr("monitor.loading.validated_tables", fail)
    assert len(load_dataset(shipped_copy).events) > 0


def test_an_edited_file_is_validated_afresh_and_an_error_is_not_hidden_by_the_cache(minimal_dir):
    load_dataset(minimal_dir)
    set_cell(minimal_dir, "events.csv", 2, "date_start", "2024-13-45")
    with pytest.raises(DataValidationError) as error:
        load_dataset(minimal_dir)
    assert "events.csv:2:date_start" in error.value.report()


def test_a_new_entry_replaces_the_old_one(minimal_dir):
    load_dataset(minimal_dir)
    first = entries(minimal_dir)
    set_cell(minimal_dir, "events.csv", 2, "title", "Treaty signed (retitled)")
    dataset = load_dataset(minimal_dir)
    assert "Treaty signed (retitled)" in set(dataset.events["title"])
    assert entries(minimal_dir) != first and len(entries(minimal_dir)) == 1


def test_a_damaged_cache_is_a_miss(minimal_dir):
    load_dataset(minimal_dir)
    (entry,) = entries(minimal_dir)
    (entry / "events.arrow").write_bytes(b"not arrow at all")
    with pytest.warns(cache_module.CacheWarning, match="damaged"):
        assert cache_module.read_cached(minimal_dir, DERIVED_TABLES) is None
    with pytest.warns(cache_module.CacheWarning, match="damaged"):
        assert len(load_dataset(minimal_dir).events) == 2


def test_a_read_only_data_folder_is_cached_in_the_temp_dir(minimal_dir, monkeypatch, tmp_path):
    monkeypatch.delenv(CACHE_DIR_VARIABLE)
    monkeypatch.setattr(cache_module.os, "access", lambda path, mode: False)
    monkeypatch.setattr(cache_module.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    load_dataset(minimal_dir)
    assert not (minimal_dir / CACHE_FOLDER).exists()
    assert cache_root(minimal_dir).is_relative_to(tmp_path / "tmp")
    assert len(entries(minimal_dir)) == 1


def test_an_unwritable_cache_still_loads(minimal_dir, monkeypatch):
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(cache_module.tempfile, "mkdtemp", refuse)
    assert len(load_dataset(minimal_dir).events) == 2
    assert entries(minimal_dir) == []


def test_the_cache_key_follows_the_bytes_of_the_files(minimal_dir):
    before = cache_key(minimal_dir)
    os.utime(minimal_dir / "claims.csv", ns=(1, 1))
    assert cache_key(minimal_dir) == before  # the same bytes: the same validated tables
    with (minimal_dir / "claims.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    assert cache_key(minimal_dir) != before


def test_the_tests_never_write_a_cache_into_the_data_folder():
    assert os.environ[CACHE_DIR_VARIABLE]
    assert not cache_root(PROJECT_ROOT / "data").is_relative_to(PROJECT_ROOT)


def test_without_the_variable_a_writable_folder_keeps_its_cache_beside_it(minimal_dir, monkeypatch):
    monkeypatch.delenv(CACHE_DIR_VARIABLE)
    load_dataset(minimal_dir)
    assert (minimal_dir / CACHE_FOLDER).is_dir()


def test_the_prose_is_stored_apart_so_reading_the_rest_never_touches_it(shipped_copy):
    load_dataset(shipped_copy)
    entry = entries(shipped_copy)[0]
    for name, spec in TABLES.items():
        stored = cache_module._read_arrow(entry / f"{name}.arrow")
        assert not set(spec.long_text_columns) & set(stored.columns), name
        if spec.long_text_columns:
            assert list(cache_module._read_arrow(entry / f"{name}.text.arrow").columns) == spec.long_text_columns


def test_a_large_table_streams_even_where_no_cache_can_be_kept(shipped_copy, monkeypatch, tmp_path):
    """The prose of a streamed table needs a file: with no usable cache folder it is staged in a private
    temporary folder, read back memory-mapped, and the folder is removed at once."""
    fresh = load_dataset(shipped_copy, use_cache=False)
    monkeypatch.setattr(cache_module, "_usable_root", lambda folder, create: None)
    monkeypatch.setattr(cache_module.tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr("monitor.loading.STREAM_FROM_BYTES", 50_000)  # events, claims and sources stream
    streamed = load_dataset(shipped_copy, use_cache=False)
    for name in TABLES:
        pd.testing.assert_frame_equal(streamed.table(name), fresh.table(name))
    assert list((tmp_path / "tmp").iterdir()) == []


def test_streamed_prose_reads_back_as_written(tmp_path):
    """Prose streamed in chunks comes back cell for cell (empty, missing, not ASCII, longer than a page), in the
    chunks it was written in (tests/monitor/test_untouched_text.py: and none of it stays in memory once read)."""
    columns = TABLES["events"].long_text_columns
    cells = ["", None, "Курськ — 평양 «quoted»", "x" * 10_000, "plain"]
    chunks = [
        pd.DataFrame(
            {
                column: pd.Series([cells[(row + number + place) % len(cells)] for row in range(40)], dtype="str")
                for place, column in enumerate(columns)
            }
        )
        for number in range(3)
    ]
    with EntryWriter(tmp_path / "data") as writer:
        for chunk in chunks:
            writer.write_text("events", chunk)
        ids = pd.DataFrame({"event_id": [f"event-{row}" for row in range(120)]})
        read = writer.read_back({"events": ids}, "key", publish=False)["events"]
    # The staging folder is gone: the mapping keeps the file.
    pd.testing.assert_frame_equal(read[columns], pd.concat(chunks, ignore_index=True))
    assert list(read.columns) == ["event_id", *columns]
    assert pa.array(read["summary"].array).num_chunks == 3


def test_giving_back_memory_that_is_not_a_mapped_prose_file_changes_nothing():
    # Released by mistake, the process's own memory would read back as zeros.
    text = ["word " * 2_000] * 300
    array = pa.array(text, pa.large_string())
    give_back(array)
    assert array.to_pylist() == text
