"""Helpers to drive app.py under Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from components.page_registry import PAGES as REGISTERED

APP = Path(__file__).resolve().parents[1] / "app.py"
# Every page of the registry (the benchmarks measure the DATA_PAGES among them).
PAGES = [page.path for page in REGISTERED]


def open_page(page: str = "pages/overview.py", query: dict | None = None) -> AppTest:
    """Run app.py, switch to ``page`` and run it again, optionally starting from URL query parameters."""
    app = AppTest.from_file(str(APP), default_timeout=60)
    if query:
        app.query_params.update(query)
    app.run()
    if page != "pages/overview.py":
        app.switch_page(page).run()
    return app


def markdown_text(app: AppTest) -> str:
    return "\n".join(element.value for element in [*app.markdown, *app.caption, *app.info])
