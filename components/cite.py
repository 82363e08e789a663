"""Cite this and take it away: the current view's citation (every page, from components/render.py's page end),
one record's citation, and the whole dataset in one download.

Addresses. Streamlit gives the address the reader's browser shows as ``st.context.url`` (scheme, host, port,
path; no query). A deployment can fix a canonical address instead with ``MONITOR_BASE_URL`` (e.g.
``https://dprk-russia.example.org``), which wins when set: a proxy or an embed may show readers another one.
Without either (a test, a script run) the address is ``http://localhost:8501``. The query string is always the
page's own: every filter is bound to the URL, so the link reopens the same view.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os

import streamlit as st

from components.page_registry import PAGES
from monitor.bundle import dataset_to_zip
from monitor.citation import query_string, record_citation, view_citation
from monitor.loading import Dataset

BASE_URL_VARIABLE = "MONITOR_BASE_URL"
DEFAULT_BASE_URL = "http://localhost:8501"
EXPLORER_PATH = next(page.url_path for page in PAGES if page.path == "pages/explorer.py")
_PAGE_PATHS = sorted((page.url_path for page in PAGES if page.url_path), key=len, reverse=True)


def base_url() -> str:
    """The app's root address, without a trailing slash (see the module's docstring for where it comes from)."""
    configured = os.environ.get(BASE_URL_VARIABLE, "").strip()
    if configured:
        return configured.rstrip("/")
    seen = st.context.url
    if not seen:
        return DEFAULT_BASE_URL
    root = seen.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    for path in _PAGE_PATHS:  # st.context.url names the page: the root is the address without it
        if root.endswith("/" + path):
            return root.removesuffix("/" + path)
    return root


def current_query() -> dict[str, list[str]]:
    """The page's query parameters as the address bar has them once this run is drawn (a multiselect's values
    repeat the key).

    ``st.query_params`` is the address as the browser sent it with this run's request: a widget just changed is
    not in it yet (the browser writes it after), and neither is a widget reset to its default, which drops out of
    the address. So each widget bound to the URL (``bind="query-params"``) gives its current value, written as
    Streamlit writes it into the address bar (the label a menu shows). Streamlit has no public API for that yet:
    the lookup is kept here, and any change in its internals falls back to the address as sent.
    """
    params = {name: st.query_params.get_all(name) for name in st.query_params}
    # A Streamlit whose internals moved: the address as the browser sent it.
    with contextlib.suppress(AttributeError, KeyError, TypeError, ImportError):
        params.update(_bound_widget_params())
    return {name: values for name, values in params.items() if values}


def _bound_widget_params() -> dict[str, list[str]]:
    """Each URL-bound widget's current value as the address bar shows it; [] when it is at its default."""
    from streamlit.runtime.state.query_params import _coerce_value_for_query_url
    from streamlit.runtime.state.session_state_proxy import get_session_state

    state = get_session_state()._state
    widgets = state._new_widget_state
    found: dict[str, list[str]] = {}
    for name, binding in state.query_params._bindings_by_param.items():
        metadata = widgets.widget_metadata.get(binding.widget_id)
        if metadata is None or binding.widget_id not in widgets:
            continue  # not drawn in this run: keep what the address has
        value = widgets[binding.widget_id]
        if value == metadata.deserializer(None):
            found[name] = []
            continue
        text = _coerce_value_for_query_url(metadata.serializer(value), metadata.value_type)
        found[name] = text if isinstance(text, list) else [text]
    return found


def page_url(url_path: str, params: dict[str, list[str]]) -> str:
    return f"{base_url()}/{url_path}{query_string(params)}"


def record_url(kind: str, record_id: str) -> str:
    """The permalink of one claim or event: the explorer opens its card (``?claim=<id>`` / ``?event=<id>``)."""
    return page_url(EXPLORER_PATH, {kind: [record_id]})


def _copyable(label: str, text: str) -> None:
    st.caption(label)
    st.code(text, language=None, wrap_lines=True)  # the code block's own button copies it


def render_record_citation(dataset: Dataset, kind: str, record_id: str, title: str) -> None:
    """Cite one claim or event: the dashboard, the record, the dataset version and its permalink."""
    url = record_url(kind, record_id)
    _copyable(f"Cite this {kind}", record_citation(dataset, kind, record_id, title, url, dt.date.today()))


def render_view_citation(dataset: Dataset, page_title: str, url_path: str) -> None:
    """Cite what the page shows: the dashboard and page, the dataset version and cut-off, the view's URL."""
    with st.expander("Cite this view", icon=":material/format_quote:"):
        url = page_url(url_path, current_query())
        _copyable(
            "Copy this citation: it names the dataset version and the data's cut-off, and its link reopens the "
            "view with the same filters.",
            view_citation(dataset, page_title, url, dt.date.today()),
        )


def whole_dataset_button(dataset: Dataset) -> None:
    """Every table in one click: CSVs, datapackage.json, CHANGELOG.md and LICENSE, built only when clicked."""
    st.download_button(
        f"Download the whole dataset (version {dataset.version}, zip)",
        data=lambda: dataset_to_zip(dataset),  # built only when clicked
        file_name=f"dprk-russia-monitor-data-{dataset.version}.zip".replace(" ", "-"),
        mime="application/zip",
        icon=":material/download:",
        key="download_whole_dataset",
        help="Every table as Excel-safe CSV (UTF-8), with datapackage.json (the schema), CHANGELOG.md and the "
        "data licence (CC BY 4.0). The zip can be edited and uploaded again on the 'Use your own data' page.",
    )
