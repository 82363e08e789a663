"""Bring your own data: validate an upload and keep it in this session only.

The uploaded bytes and the dataset built from them live in ``st.session_state``: never on disk, never in
``st.cache_resource`` (which every session shares). Tables the user does not upload come from the curated folder.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from components.data import MAX_PROBLEMS_SHOWN, UPLOADS, forget_upload, give_memory_back, keep_upload, session_upload
from components.filters import reset_filters
from components.selection import select_event, select_place
from monitor import Dataset, DataValidationError, data_dir, load_tables
from monitor.bundle import (
    MAX_UPLOAD_MB,
    MAX_UPLOAD_ROWS,
    check_upload_size,
    dataset_to_zip,
    files_from_upload,
    template_csv,
)
from monitor.files import read_folder_files
from monitor.schema import TABLES
from monitor.upload_memory import UploadRefusedError

UPLOADER_KEY = "upload_files"
_UPLOADER_ROUND = "upload_files_round"  # bumped to empty the uploader widget
SUMMARY_KEY = "upload_summary"
ERROR_KEY = "upload_error"
UPLOAD_VERSION = "your upload"


def uploader_key() -> str:
    return f"{UPLOADER_KEY}_{st.session_state.get(_UPLOADER_ROUND, 0)}"


def combine_with_curated(uploaded: dict[str, bytes]) -> tuple[dict[str, bytes | None], list[str]]:
    """The uploaded tables plus the curated ones the user did not upload (and which of those were used).

    An optional table that refers to an uploaded table (the story names events) is left out rather than
    taken from the curated data, whose ids the upload need not share.
    """
    uploaded_names = {name for name, spec in TABLES.items() if spec.file_name in uploaded}
    files: dict[str, bytes | None] = dict(uploaded)
    from_curated: list[str] = []
    folder = data_dir()
    for spec in TABLES.values():
        if spec.file_name in uploaded:
            continue
        refers_to = {
            column.metadata["references"].split(".")[0]
            for column in spec.schema.columns.values()
            if column.metadata.get("references")
        }
        if spec.optional and refers_to & uploaded_names:
            continue
        # Read as the loader reads a folder: a link or special file swapped in is named, never followed or waited on.
        data = read_folder_files(folder, [spec.file_name])[spec.file_name]
        if data is not None:
            files[spec.file_name] = data
            from_curated.append(spec.file_name)
    return files, from_curated


def validate_upload(named_bytes: list[tuple[str, bytes]]) -> tuple[Dataset, dict[str, list[str]]]:
    """The dataset an upload makes, with which files came from it and which from the curated data.

    Raises DataValidationError listing every problem, as file:row:column: message.
    """
    uploaded = files_from_upload(named_bytes)
    files, from_curated = combine_with_curated(uploaded)
    dataset = load_tables(
        files, where="the upload or the curated data", version=UPLOAD_VERSION, max_rows=MAX_UPLOAD_ROWS
    )
    return dataset, {"uploaded": sorted(uploaded, key=_table_order), "from_curated": from_curated}


def _table_order(file_name: str) -> int:
    return [spec.file_name for spec in TABLES.values()].index(file_name)


def on_upload() -> None:
    """Widget callback: validate the files just chosen, before app.py builds the filters for this run.

    The uploader is emptied afterwards, so each upload stands alone: files chosen later replace it rather than
    pile up next to it (the widget would otherwise offer the old events.csv and the new one together).
    """
    chosen = st.session_state.get(uploader_key()) or []
    if not chosen:
        return
    _empty_the_uploader()
    try:
        check_upload_size([(item.name, item.size) for item in chosen])  # before any file is copied
        named_bytes = [(item.name, item.getvalue()) for item in chosen]
        with UPLOADS.validating():
            dataset, summary = validate_upload(named_bytes)
        del named_bytes
        use_dataset(dataset, summary)
    except (DataValidationError, UploadRefusedError) as error:
        st.session_state[ERROR_KEY] = error  # the previous dataset, if any, stays in use
        return
    finally:
        give_memory_back()  # validation's working copies, and a replaced upload
    st.session_state.pop(ERROR_KEY, None)


def use_dataset(dataset: Dataset | None, summary: dict[str, list[str]] | None = None) -> None:
    """Explore ``dataset`` in this session (None: the curated data again), from a fresh view.

    Raises UploadRefusedError, changing nothing, when the server has no room to hold ``dataset``."""
    if dataset is None:
        forget_upload()
        st.session_state.pop(SUMMARY_KEY, None)
        st.session_state.pop(ERROR_KEY, None)
        _empty_the_uploader()
    else:
        keep_upload(dataset)
        st.session_state[SUMMARY_KEY] = summary or {"uploaded": [], "from_curated": []}
    # The filters and the selection named actors and events of the previous dataset.
    reset_filters()
    select_event(None)
    select_place(None)


def _empty_the_uploader() -> None:
    st.session_state[_UPLOADER_ROUND] = st.session_state.get(_UPLOADER_ROUND, 0) + 1


def upload_widget() -> None:
    st.file_uploader(
        "CSV files named like the tables (events.csv, …), or one zip of them",
        type=["csv", "zip"],
        accept_multiple_files=True,
        key=uploader_key(),
        on_change=on_upload,
        max_upload_size=MAX_UPLOAD_MB,
        help=f"Choose all the files at once (or one zip), up to {MAX_UPLOAD_MB} MB in all. "
        "A new upload replaces the previous one. Folders inside a zip are ignored.",
    )


def show_upload_error() -> None:
    error = st.session_state.get(ERROR_KEY)
    if error is None:
        return
    kept = "your previous upload" if session_upload() is not None else "the curated data"
    if isinstance(error, UploadRefusedError):
        st.error(f"{error} Nothing was loaded; the pages still show {kept}.", icon=":material/memory:")
        return
    st.error(
        f"The upload did not pass validation: {error.count} problem(s). Nothing was loaded; the pages still "
        f"show {kept}. Each line reads file:row:column: message (the header is row 1).",
        icon=":material/error:",
    )
    st.code(error.report(limit=MAX_PROBLEMS_SHOWN), language=None)


def show_upload_status(in_use: Dataset) -> None:
    """What data the pages show, and the buttons to download it or to go back to the curated data."""
    dataset = session_upload()
    if dataset is None:
        st.info("The pages show the curated dataset.", icon=":material/dataset:")
    else:
        summary = st.session_state.get(SUMMARY_KEY) or {"uploaded": [], "from_curated": []}
        counts = ", ".join(f"{len(dataset.table(name))} {name}" for name in ("events", "claims", "sources"))
        message = f"Every page now shows your upload ({counts}), in this session only."
        if summary["uploaded"]:
            message += f" From your files: {_names(summary['uploaded'])}."
        if summary["from_curated"]:
            message += f" From the curated data: {_names(summary['from_curated'])}."
        st.success(message, icon=":material/check_circle:")
    left, right = st.columns(2)
    left.download_button(
        "Download your dataset (zip)" if dataset is not None else "Download the curated dataset (zip)",
        data=lambda: dataset_to_zip(in_use),  # built only when clicked
        file_name="dprk-russia-monitor-data.zip",
        mime="application/zip",
        icon=":material/download:",
        key="download_dataset_zip",
        width="stretch",
    )
    right.button(
        "Use the curated data again",
        on_click=use_dataset,
        args=(None,),
        disabled=dataset is None,
        icon=":material/restart_alt:",
        key="use_curated_data",
        width="stretch",
    )


def _names(file_names: Iterable[str]) -> str:
    return ", ".join(file_names)


def template_buttons() -> None:
    """One download per table: its header and one example row (together, a valid dataset)."""
    columns = st.columns(len(TABLES))
    for column, spec in zip(columns, TABLES.values(), strict=True):
        column.download_button(
            spec.file_name,
            data=template_csv(spec.name),
            file_name=spec.file_name,
            mime="text/csv",
            icon=":material/download:",
            key=f"template_{spec.name}",
            help=f"{spec.title}: {spec.description}" + (" Optional." if spec.optional else ""),
            width="stretch",
        )
