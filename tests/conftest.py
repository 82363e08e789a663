"""Shared fixtures: a small valid dataset that each test copies and then breaks on purpose."""

from __future__ import annotations

import concurrent.futures
import csv
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from components.navigation import ignore_pages_folder
from monitor.cache import CACHE_DIR_VARIABLE
from monitor.process import configure_process

# The app and the CLI set these process-wide choices at start-up; the test session does the same, once.
configure_process()
# Validated-table caches go to a folder of this session, never into data/ (subprocesses inherit the setting).
os.environ.setdefault(CACHE_DIR_VARIABLE, tempfile.mkdtemp(prefix="monitor-test-cache-"))

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = PROJECT_ROOT.parent / "shared" / "seeds"


def in_own_thread(call: Callable[..., object], *args: object) -> object:
    """``call(*args)`` in a thread of its own. ``asyncio.run`` refuses a thread whose event loop is running, and
    Playwright's sync API leaves one running in the main thread once a browser test has run."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(call, *args).result()


def set_cell(folder: Path, file_name: str, row: int, column: str, value: str) -> None:
    """Write ``value`` into ``column`` of spreadsheet row ``row`` (the header is row 1)."""
    path = folder / file_name
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    records[row - 2][column] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)


@pytest.fixture(autouse=True)
def navigation_only_multipage(request, monkeypatch):
    """AppTest resets Streamlit's "app uses a pages/ folder" flag before every run; the real server clears it for
    good once app.py calls st.navigation. components.navigation makes AppTest behave the same way."""
    if request.node.get_closest_marker("legacy_pages_folder") is None:
        ignore_pages_folder(monkeypatch.setattr)


@pytest.fixture(autouse=True)
def fresh_streamlit_cache():
    """AppTest shares the process-wide caches; clear them so each test loads its own data folder."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def minimal_dir(tmp_path: Path) -> Path:
    """A fresh copy of the small valid dataset."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURES / "minimal", target, ignore=shutil.ignore_patterns(".cache"))
    return target


@pytest.fixture
def edit(minimal_dir: Path) -> Callable[[str, int, str, str], Path]:
    def apply(file_name: str, row: int, column: str, value: str) -> Path:
        set_cell(minimal_dir, file_name, row, column, value)
        return minimal_dir

    return apply
