"""Load the dataset once per process and data folder, and show data errors instead of tracebacks."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import threading
import time
import uuid
from pathlib import Path

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from monitor import Dataset, DataValidationError, data_dir, load_dataset
from monitor.bundle import MAX_HELD_UPLOAD_BYTES
from monitor.files import file_signature
from monitor.upload_memory import UploadStore

MAX_PROBLEMS_SHOWN = 200


# cache_resource, not cache_data: every session shares the one read-only Dataset instead of unpickling a copy
# of it on each rerun (seconds and hundreds of MB at a million events). Two entries: the current files, and the
# previous ones while a session still shows them.
@st.cache_resource(show_spinner=False, max_entries=2)
def _load(folder: str, signature: tuple) -> Dataset | DataValidationError:  # signature only keys the cache
    try:
        dataset = load_dataset(folder)
    except DataValidationError as error:
        return error
    _settle_garbage_collector()
    return dataset


def _settle_garbage_collector() -> None:
    """Collect once, then freeze what exists (modules, the dataset) out of the collector's sight.

    pandas frames sit in reference cycles, so a rerun's filtered copies are only freed by a full collection,
    which over every object of Streamlit, Plotly and pandas takes about 100 ms. Frozen, those objects are
    skipped and a full collection takes about a millisecond (see release_previous_rerun). Unfreezing first lets
    the collection reclaim a dataset replaced since the last freeze.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


# From this size on, each rerun frees the previous rerun's filtered copies at once (tens to hundreds of MB)
# instead of whenever Python's collector gets to them.
LARGE_DATASET_EVENTS = 50_000


def release_previous_rerun(dataset: Dataset) -> None:
    """Free the previous rerun's filtered tables now, when they are big enough to matter."""
    if len(dataset.events) >= LARGE_DATASET_EVENTS:
        gc.collect()


def _signature(folder: Path) -> tuple:
    """Name, size and modification time of each data file: an edited file is loaded afresh."""
    return tuple(file_signature(path) for path in sorted(folder.glob("*.*")))


def load_current_dataset() -> Dataset | DataValidationError:
    """The validated dataset of the configured folder, or the error listing every problem.

    Cached per process by folder and file signature, so MONITOR_DATA_DIR switches datasets and an edited
    file is picked up without a restart.
    """
    folder = data_dir()
    with st.spinner("Loading and validating the data…"):
        return _load(str(folder), _signature(folder) if folder.is_dir() else ())


# The session's key to its upload in UPLOADS: the dataset itself is held there, not in session state, so that
# it is dropped soon after the session ends (see monitor/upload_memory.py).
UPLOAD_KEY = "upload_owner"
# One store per server process: every session's uploads share its room.
UPLOADS = UploadStore(MAX_HELD_UPLOAD_BYTES)
SWEEP_SECONDS = 5.0
_sweeper: threading.Thread | None = None
_sweeper_lock = threading.Lock()


def session_upload() -> Dataset | None:
    """This session's uploaded dataset, if it has one."""
    return UPLOADS.get(st.session_state.get(UPLOAD_KEY))


def keep_upload(dataset: Dataset) -> None:
    """Hold ``dataset`` as this session's upload, replacing the previous one; raises UploadRefusedError."""
    owner = st.session_state.setdefault(UPLOAD_KEY, uuid.uuid4().hex)
    context = get_script_run_ctx(suppress_warning=True)
    UPLOADS.put(owner, dataset, session_id=context.session_id if context and runtime.exists() else None)
    _start_sweeper()


def forget_upload() -> None:
    """Give back this session's upload."""
    UPLOADS.drop(st.session_state.pop(UPLOAD_KEY, None))
    give_memory_back()


def _start_sweeper() -> None:
    """Once per process: a thread that drops the uploads of sessions that have ended."""
    global _sweeper
    with _sweeper_lock:
        if _sweeper is None or not _sweeper.is_alive():
            _sweeper = threading.Thread(target=_sweep_forever, name="upload-sweeper", daemon=True)
            _sweeper.start()


def _sweep_forever() -> None:
    collect_until = 0.0
    while True:
        time.sleep(SWEEP_SECONDS)
        if not runtime.exists():
            continue
        grace = st.get_option("server.disconnectedSessionTTL")
        if UPLOADS.sweep(runtime.get_instance().is_active_session, grace):
            # Streamlit forgets an ended session's own objects later still (when its session store is next
            # touched, and when another script runs): keep collecting a while so their memory comes back too.
            collect_until = time.monotonic() + 2 * grace + 60
        if time.monotonic() < collect_until:
            give_memory_back()


def give_memory_back() -> None:
    """Free what was let go now, and hand the freed heap back to the system where glibc allows.

    pandas frames sit in reference cycles (a full collection frees them), and glibc keeps freed memory for
    reuse unless asked: without this, a closed tab's upload stays in the server's resident memory."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to hand back this way
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def current_dataset() -> Dataset | DataValidationError:
    """This session's uploaded dataset when there is one (only this session can reach it), else the shared one."""
    uploaded = session_upload()
    return uploaded if uploaded is not None else load_current_dataset()


def show_data_error(error: DataValidationError) -> None:
    """Every problem as file:row:column, in a code block (plain text, never HTML)."""
    st.error(
        f"The data in `{data_dir()}` did not pass validation: {error.count} problem(s). "
        "Fix them and reload the page. Each line reads file:row:column: message (the header is row 1).",
        icon=":material/error:",
    )
    st.code(error.report(limit=MAX_PROBLEMS_SHOWN), language=None)
