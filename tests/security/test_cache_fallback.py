"""The validated-table cache as an attacker would meet it: a fallback folder under the shared temp dir that someone
else made or linked elsewhere, an entry planted or damaged, rows that break the URL rule.

Each case loads the tables from the CSV files (never from the planted entry) and touches nothing outside the
cache's own private folder.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pandas as pd
import pyarrow
import pyarrow.ipc
import pytest

from monitor import cache as cache_module
from monitor import load_dataset
from monitor.cache import CACHE_DIR_VARIABLE, cache_key, cache_root, read_cached
from monitor.loading import DERIVED_TABLES
from monitor.schema import TABLES

FORGED_TITLE = "Forged title"
FORGED_URL = "javascript:alert(document.cookie)"
NOBODY = 65534


def write_table(path: Path, frame: pd.DataFrame) -> None:
    table = pyarrow.Table.from_pandas(frame, preserve_index=False)
    with pyarrow.OSFile(str(path), "wb") as sink, pyarrow.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def forge(entry: Path, dataset) -> None:
    """Every table of a real load, written into ``entry`` with rewritten titles and a javascript: link."""
    entry.mkdir(parents=True, exist_ok=True)
    events = dataset.events.assign(title=FORGED_TITLE)
    sources = dataset.sources.assign(url=FORGED_URL)
    frames = {
        "sources": sources,
        "actors": dataset.actors,
        "places": dataset.places,
        "events": events,
        "claims": dataset.claims,
        "story": dataset.story,
        "event_actors": dataset.event_actors,
        "event_span_end": dataset.event_span_end.to_frame(),
    }
    for name, frame in frames.items():
        write_table(entry / f"{name}.arrow", frame)


def load_warned(folder: Path):
    """The dataset and the text of every warning its loading gave (behaviour is checked before the warnings)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dataset = load_dataset(folder)
    return dataset, " | ".join(str(warning.message) for warning in caught)


def assert_served_from_the_files(dataset) -> None:
    assert FORGED_TITLE not in set(dataset.events["title"])
    assert not dataset.sources["url"].str.startswith("javascript:").any()


@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch) -> Path:
    """The system's temp folder as the read-only data folder's cache sees it (the data folder is read-only)."""
    folder = tmp_path / "system-tmp"
    folder.mkdir(mode=0o1777)
    monkeypatch.delenv(CACHE_DIR_VARIABLE)
    monkeypatch.setattr(cache_module.tempfile, "gettempdir", lambda: str(folder))
    real_access = os.access
    monkeypatch.setattr(cache_module.os, "access", lambda path, mode: mode != os.W_OK and real_access(path, mode))
    return folder


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A folder of someone's own work that a link in the temp dir points at."""
    folder = tmp_path / "victim"
    for name in ("photos", "thesis", "0123456789abcdef"):
        (folder / name).mkdir(parents=True)
        (folder / name / "keep.txt").write_text("mine", encoding="utf-8")
    return folder


def victim_untouched(folder: Path) -> bool:
    return sorted(path.name for path in folder.iterdir()) == ["0123456789abcdef", "photos", "thesis"] and all(
        (folder / name / "keep.txt").read_text(encoding="utf-8") == "mine"
        for name in ("photos", "thesis", "0123456789abcdef")
    )


def make_shared(path: Path, how: str) -> None:
    """Make ``path`` (and the folders down to it) as another user would: open to all, or theirs."""
    for folder in [path, *path.parents]:
        if folder.name == "system-tmp":
            break
        if how == "open to all":
            folder.chmod(0o777)
        else:
            os.chown(folder, NOBODY, NOBODY)


@pytest.mark.parametrize("how", ["open to all", "owned by another user"])
def test_an_entry_planted_in_the_temp_fallback_is_never_served(minimal_dir, temp_dir, how):
    if how == "owned by another user" and os.geteuid() != 0:
        pytest.skip("only root can give a folder to another user")
    genuine = load_dataset(minimal_dir, use_cache=False)
    for path in temp_dir.iterdir():  # start from a temp dir the attacker prepared, not from ours
        cache_module.shutil.rmtree(path)
    entry = cache_root(minimal_dir) / cache_key(minimal_dir)
    forge(entry, genuine)
    make_shared(entry, how)

    dataset, warned = load_warned(minimal_dir)
    assert_served_from_the_files(dataset)
    assert list(dataset.events["title"]) == list(genuine.events["title"])
    assert "not used" in warned


@pytest.mark.parametrize("link", ["fallback folder", "folder of this data folder"])
def test_a_symlinked_fallback_is_neither_followed_nor_cleaned(minimal_dir, temp_dir, victim, link):
    root = cache_root(minimal_dir)
    linked = root.parent if link == "fallback folder" else root
    linked.parent.mkdir(mode=0o700, exist_ok=True)
    linked.symlink_to(victim, target_is_directory=True)

    dataset, warned = load_warned(minimal_dir)
    assert len(dataset.events) == 2
    assert victim_untouched(victim)
    assert "symbolic link" in warned


def test_the_fallback_is_made_private_to_this_user(minimal_dir, temp_dir):
    load_dataset(minimal_dir)
    root = cache_root(minimal_dir)
    for folder in (root.parent, root):
        status = os.lstat(folder)
        assert status.st_uid == os.geteuid()
        assert status.st_mode & 0o777 == 0o700
    assert read_cached(minimal_dir, DERIVED_TABLES) is not None


def test_a_trusted_cache_never_bypasses_the_url_rule(minimal_dir):
    genuine = load_dataset(minimal_dir)
    entry = cache_root(minimal_dir) / cache_key(minimal_dir)
    sources = genuine.sources.assign(url=FORGED_URL).drop(columns=TABLES["sources"].long_text_columns)
    write_table(entry / "sources.arrow", sources)  # the prose lives in sources.text.arrow

    dataset, warned = load_warned(minimal_dir)
    assert_served_from_the_files(dataset)
    assert "URL rule" in warned


def test_a_damaged_entry_is_rewritten_after_validation(minimal_dir):
    load_dataset(minimal_dir)
    entry = cache_root(minimal_dir) / cache_key(minimal_dir)
    (entry / "events.arrow").write_bytes(b"not arrow at all")
    _, warned = load_warned(minimal_dir)
    # The next process reads the cache again instead of validating once more.
    assert read_cached(minimal_dir, DERIVED_TABLES) is not None
    assert "damaged" in warned


def test_an_entry_with_the_wrong_columns_is_skipped_with_a_warning_and_rewritten(minimal_dir):
    genuine = load_dataset(minimal_dir)
    entry = cache_root(minimal_dir) / cache_key(minimal_dir)
    prose = TABLES["events"].long_text_columns
    write_table(entry / "events.arrow", genuine.events.drop(columns=[*prose, "category"]))

    dataset, warned = load_warned(minimal_dir)
    assert list(dataset.events["category"]) == list(genuine.events["category"])
    assert read_cached(minimal_dir, DERIVED_TABLES) is not None
    assert "columns" in warned


def test_an_entry_for_other_bytes_with_the_same_size_and_time_is_not_served(minimal_dir):
    genuine = load_dataset(minimal_dir)
    events = minimal_dir / "events.csv"
    before = os.stat(events)
    text = events.read_text(encoding="utf-8")
    title = str(genuine.events["title"].iloc[0])
    retitled = "X" + title[1:]
    events.write_text(text.replace(title, retitled, 1), encoding="utf-8")
    os.utime(events, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same time: different bytes

    assert retitled in set(load_dataset(minimal_dir).events["title"])
