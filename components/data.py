"""Load the dataset once per process and data folder, and show data errors instead of tracebacks."""

from __future__ import annotations

import gc
from pathlib import Path

import streamlit as st

from monitor import Dataset, DataValidationError, data_dir, load_dataset
from monitor.files import file_signature

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


UPLOAD_KEY = "uploaded_dataset"


def current_dataset() -> Dataset | DataValidationError:
    """This session's uploaded dataset when there is one (kept in the session only), else the shared one."""
    uploaded = st.session_state.get(UPLOAD_KEY)
    return uploaded if uploaded is not None else load_current_dataset()


def show_data_error(error: DataValidationError) -> None:
    """Every problem as file:row:column, in a code block (plain text, never HTML)."""
    st.error(
        f"The data in `{data_dir()}` did not pass validation: {len(error.problems)} problem(s). "
        "Fix them and reload the page. Each line reads file:row:column: message (the header is row 1).",
        icon=":material/error:",
    )
    st.code(error.report(limit=MAX_PROBLEMS_SHOWN), language=None)
