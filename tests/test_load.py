"""Load: 20 sessions at once against one process, as on one Streamlit server.

Each session is its own AppTest in its own thread; every one changes filters and switches pages, and 5 of
them upload their own data through the upload page's file input. Nothing may raise, no session may see
another's upload, and once the sessions are closed their uploads are freed and memory is back near its
baseline. (tests/browser/test_load.py runs a few real browsers against a real server.)
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from unittest.mock import MagicMock

import pytest
from apptest import APP, PAGES
from process_memory import status_mb
from streamlit import config
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.runtime import Runtime
from streamlit.runtime.caching.storage.dummy_cache_storage import MemoryCacheStorageManager
from streamlit.runtime.dataframe_source_manager import DataframeSourceManager
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest, app_test, util
from uploads import UPLOAD_PAGE, dataset_in_use, fixture_files, session_upload_of, upload

from components.data import UPLOADS

# Twenty sessions at once: tens of seconds; the fast development run leaves it out, CI runs it.
pytestmark = pytest.mark.slow

SESSIONS = int(os.environ.get("MONITOR_LOAD_SESSIONS", "20"))
UPLOADERS = 5
MARKER = "Marker event uploaded by session"
TIMEOUT = 300  # seconds per script run: 20 sessions share two CPUs on a small CI machine
# RSS may stay above the baseline after the sessions close: the allocator keeps freed arenas, and the shared
# shared caches hold figures built for the filters the sessions chose. A real leak (20 sessions keeping their
# datasets) would grow without bound; the weak references below catch any upload that is kept.
MEMORY_MARGIN_MB = 150
BROWSING = [page for page in PAGES if page != UPLOAD_PAGE]
# First and last month of the period slider: 2024, the 2020s, all years, October 2024, the 1950s.
PERIODS = [
    ("2024-01", "2024-12"),
    ("2020-01", "2025-12"),
    ("1953-01", "2025-12"),
    ("2024-10", "2024-10"),
    ("1953-01", "1959-12"),
]


@pytest.fixture
def one_runtime(monkeypatch):
    """One Runtime for every session, as on a real server.

    Around each run AppTest installs a fresh mock Runtime in a global, patches the config, and then puts both
    back: runs in several threads at once would undo each other's (a script would find no Runtime). Install
    one runtime, built as AppTest builds its own, for the whole test, and make AppTest's swaps no-ops.
    """
    runtime = MagicMock(spec=Runtime)
    runtime.media_file_mgr = MediaFileManager(MemoryMediaFileStorage("/mock/media"))
    runtime.dataframe_source_mgr = DataframeSourceManager()
    runtime.cache_storage_manager = MemoryCacheStorageManager()
    components = BidiComponentManager()
    components.discover_and_register_components(start_file_watching=False)
    runtime.bidi_component_registry = components
    monkeypatch.setattr(Runtime, "_instance", runtime)
    monkeypatch.setattr(app_test, "Runtime", SimpleNamespace(_instance=None))
    monkeypatch.setattr(config, "get_option", util.build_mock_config_get_option({"global.appTest": True}))
    monkeypatch.setattr(app_test, "patch_config_options", lambda _overrides: contextlib.nullcontext())
    return runtime


def close_sessions(runtime: MagicMock) -> None:
    """What the server does when sessions close: drop their uploads (the sweeper's work) and their downloads (a
    deferred download holds its data).

    Every AppTest uses the session id "test session id", so all sessions are closed together.
    """
    runtime.is_active_session.return_value = False  # the server's sessions end: their uploads are swept
    UPLOADS.sweep(runtime.is_active_session, grace_seconds=0)
    runtime.media_file_mgr.clear_session_refs("test session id")
    runtime.media_file_mgr.remove_orphaned_files()  # marks downloadable files...
    runtime.media_file_mgr.remove_orphaned_files()  # ...and deletes them on the next sweep, as the server does


def settle() -> float:
    """Collect garbage, hand freed heap back to the system where glibc allows, and return RSS in MB."""
    for _ in range(3):
        gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: RSS is then only less exact
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    return status_mb("VmRSS")


def titles(app: AppTest) -> set[str]:
    return set(dataset_in_use(app).events["title"])


def markers(app: AppTest) -> set[str]:
    return {title for title in titles(app) if title.startswith(MARKER)}


def session(number: int, all_uploaded: threading.Barrier, uploads: list) -> dict:
    """One user: browse with filters, maybe upload, then check which data this session sees."""
    try:
        return browse(number, all_uploaded, uploads)
    except BaseException:
        all_uploaded.abort()  # the others stop waiting for this session's upload
        raise


def browse(number: int, all_uploaded: threading.Barrier, uploads: list) -> dict:
    uploads_data = number < UPLOADERS
    mine = f"{MARKER} {number}"
    exceptions: list[str] = []
    seen: list[str] = []

    def ran(app: AppTest) -> AppTest:
        exceptions.extend(str(exception.value) for exception in app.exception)
        return app

    app = ran(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    first_page = BROWSING[number % len(BROWSING)]
    ran(app.switch_page(first_page).run())
    ran(app.sidebar.select_slider(key="months").set_value(PERIODS[number % len(PERIODS)]).run())
    if uploads_data:
        ran(app.switch_page(UPLOAD_PAGE).run())
        ran(upload(app, fixture_files({"Treaty signed": mine})))
        assert app.success, [error.value for error in app.error]
        uploads.append(weakref.ref(session_upload_of(app)))
        ran(app.sidebar.multiselect(key="actor").set_value(["PRK"]).run())
    else:
        ran(app.sidebar.multiselect(key="actor").set_value(["PRK", "RUS"]).run())
    seen.append(" ".join(markers(app)))
    all_uploaded.wait(timeout=TIMEOUT * 4)  # every upload is in before anyone looks again
    for page in (BROWSING[(number + 3) % len(BROWSING)], first_page):
        ran(app.switch_page(page).run())
        seen.append(" ".join(markers(app)))
    return {"number": number, "uploaded": uploads_data, "mine": mine, "seen": seen, "exceptions": exceptions}


def test_twenty_sessions_at_once_stay_apart_and_free_their_memory(one_runtime):
    warm = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    warm.run()  # imports, the shared dataset in st.cache_resource, and first figures: not per-session memory
    for page in PAGES:
        warm.switch_page(page).run()
    del warm
    baseline = settle()

    all_uploaded = threading.Barrier(SESSIONS)
    uploads: list[weakref.ref] = []
    with ThreadPoolExecutor(max_workers=SESSIONS) as pool:
        futures = [pool.submit(session, number, all_uploaded, uploads) for number in range(SESSIONS)]
        results = [future.result() for future in futures]
    peak = status_mb("VmHWM")

    for result in results:
        assert result["exceptions"] == [], result
        expected = result["mine"] if result["uploaded"] else ""
        assert result["seen"] == [expected] * 3, f"session {result['number']} saw {result['seen']}"
    assert len(uploads) == UPLOADERS

    del futures, results
    close_sessions(one_runtime)
    visitor = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    visitor.run()  # the next run anywhere replaces the last script's module, which names its session's data
    del visitor
    after = settle()
    assert all(ref() is None for ref in uploads), "a closed session's upload is still in memory"
    assert after - baseline < MEMORY_MARGIN_MB, f"RSS {baseline:.0f} MB -> peak {peak:.0f} -> {after:.0f} MB"
