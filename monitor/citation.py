"""How to cite the dashboard and its records, and what every download says about where its rows come from.

Pure text and tables: components/cite.py adds the address the reader sees and draws them.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from monitor.datapackage import DATA_LICENCE, is_release
from monitor.loading import Dataset

DASHBOARD_NAME = "DPRK–Russia Alignment Monitor"


def data_cutoff(dataset: Dataset) -> pd.Timestamp | None:
    """The last day the data covers: the latest day an event spans or a figure describes or was said on."""

    def latest() -> pd.Timestamp | None:
        days = [dataset.event_span_end.max(), dataset.claims["as_of"].max(), dataset.claims["reported_on"].max()]
        known = [day for day in days if not pd.isna(day)]
        return max(known) if known else None

    return dataset.memo("data_cutoff", latest)


def day_text(day: dt.date | pd.Timestamp | None) -> str:
    return "date unknown" if day is None or pd.isna(day) else f"{day:%-d %b %Y}"


def licence_of(dataset: Dataset) -> str | None:
    """The data licence when the dataset is a release of the curated data; an upload states none."""
    return DATA_LICENCE if is_release(dataset.version) else None


def _about(dataset: Dataset) -> str:
    """'dataset version 2.0.0' for a release, 'your upload' for anything else."""
    return f"dataset version {dataset.version}" if is_release(dataset.version) else dataset.version


def footer_text(dataset: Dataset) -> str:
    """One line for every page: 'Data to 12 Dec 2025 · version 2.0.0 · CC BY 4.0' ('… · your upload')."""
    licence = licence_of(dataset)
    about = f"version {dataset.version} · {licence}" if licence else dataset.version
    return f"Data to {day_text(data_cutoff(dataset))} · {about}"


def query_string(params: dict[str, list[str]]) -> str:
    """``?a=1&b=2&b=3`` from parameters that may repeat (a multiselect), or "" when there are none."""
    pairs = [(name, value) for name, values in params.items() for value in values]
    return "?" + urlencode(pairs) if pairs else ""


def view_citation(dataset: Dataset, page_title: str, url: str, accessed: dt.date) -> str:
    """A citation of what the reader sees: dashboard, page, dataset version, data cut-off, URL, access date."""
    licence = licence_of(dataset)
    return (
        f"{DASHBOARD_NAME}, “{page_title}” ({_about(dataset)}, data to {day_text(data_cutoff(dataset))}"
        f"{f'; {licence}' if licence else ''}). {url} (accessed {day_text(accessed)})."
    )


def record_citation(dataset: Dataset, what: str, record_id: str, title: str, url: str, accessed: dt.date) -> str:
    """A citation of one claim or event, with the permalink that opens it."""
    licence = licence_of(dataset)
    return (
        f"{DASHBOARD_NAME}, {what} “{title}” ({record_id}), {_about(dataset)}{f' ({licence})' if licence else ''}. "
        f"{url} (accessed {day_text(accessed)})."
    )


PROVENANCE_COLUMNS = ["source_title", "source_kind", "source_published", "dataset_version", "licence"]


def with_provenance(frame: pd.DataFrame, dataset: Dataset, source_ids: pd.Series | list) -> pd.DataFrame:
    """Rows of a download with where each comes from: its (first) source's title, kind and date, and the
    dataset version and licence, so a row pasted elsewhere still says what it is."""
    sources = dataset.indexed("sources")
    ids = np.asarray(source_ids, dtype=object)
    return frame.assign(
        source_title=sources["title"].reindex(ids).to_numpy(),
        source_kind=sources["kind"].reindex(ids).to_numpy(),
        source_published=sources["published"].reindex(ids).to_numpy(),
        dataset_version=dataset.version,
        licence=licence_of(dataset) or "not stated (an upload)",
    )
