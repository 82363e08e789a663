"""Navigation from the page registry, and the one place that handles Streamlit's legacy pages/ folder mode.

The project keeps its pages in ``pages/`` (the layout names it). Beside an ``st.navigation`` app, Streamlit
treats that folder the legacy way until ``st.navigation`` has run once: a fresh server runs a deep-linked page
(``/map``) without app.py, and AppTest resets the flag before every run. ``leave_legacy_mode`` handles the
server (app.py's pages call it when they find no view); ``ignore_pages_folder`` makes AppTest behave like the
server, for the tests and the benchmarks alike.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.runtime import pages_manager

from components.page_registry import PAGES

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def navigation() -> st.navigation:
    """The app's navigation over every registered page."""
    return st.navigation(
        [
            st.Page(
                PROJECT_ROOT / page.path,
                title=page.title,
                icon=page.icon,
                default=page.is_default,
                **({} if page.is_default else {"url_path": page.url_path}),
            )
            for page in PAGES
        ]
    )


def leave_legacy_mode() -> None:
    """Leave the legacy pages/ mode for good; the caller reruns so app.py runs first."""
    pages_manager.PagesManager.uses_pages_directory = False


class _NoPagesFolder(type(Path())):
    """A Path that reports no ``pages/`` folder, for Streamlit's legacy multipage check only."""

    def exists(self, *args: object, **kwargs: object) -> bool:
        return False if self.name == "pages" else super().exists(*args, **kwargs)


def ignore_pages_folder(setattr_: object = setattr) -> None:
    """Under AppTest, make Streamlit ignore the pages/ folder as the real server does once st.navigation ran.
    ``setattr_`` is pytest's ``monkeypatch.setattr`` in tests (undone after each), plain ``setattr`` elsewhere."""
    setattr_(pages_manager, "Path", _NoPagesFolder)
