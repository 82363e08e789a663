"""Load the dataset once per process and data folder, and show data errors instead of tracebacks."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from monitor import Dataset, DataValidationError, data_dir, load_dataset

MAX_PROBLEMS_SHOWN = 200


@st.cache_data(show_spinner=False)
def _load(folder: str, signature: tuple) -> Dataset | DataValidationError:  # signature only keys the cache
    try:
        return load_dataset(folder)
    except DataValidationError as error:
        return error


def _signature(folder: Path) -> tuple:
    """Name, size and modification time of each data file: an edited file is loaded afresh."""
    return tuple((path.name, path.stat().st_size, path.stat().st_mtime_ns) for path in sorted(folder.glob("*.*")))


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
