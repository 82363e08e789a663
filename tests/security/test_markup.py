"""No markup from data anywhere: names and titles that hold HTML, styles or bare URLs reach every page as text.

Plotly renders a subset of HTML in any text it draws (axis labels, legends, hover text, annotations), and
Streamlit's Markdown turns bare URLs into links. Each page is run under AppTest with such data uploaded, and
every chart specification and every Markdown element it sends to the browser is read.
"""

from __future__ import annotations

import json
import re

import pytest
from apptest import PAGES, open_page
from uploads import (
    BARE,
    HOSTILE_MARKUP,
    REPLACED_BY_HOSTILE_TEXT,
    UPLOAD_PAGE,
    fixture_files,
    upload,
)

from components.render import escape


@pytest.fixture(scope="module")
def hostile_upload():
    files = fixture_files(REPLACED_BY_HOSTILE_TEXT)
    assert all(any(new.encode() in data for data in files.values()) for new in REPLACED_BY_HOSTILE_TEXT.values())
    return files


def _chart_specs(app) -> list[str]:
    return [element.proto.spec for element in app.get("plotly_chart")] + [
        element.proto.spec for element in app.get("arrow_vega_lite_chart")
    ]


@pytest.mark.parametrize("page", [page for page in PAGES if page != UPLOAD_PAGE])
def test_no_chart_draws_markup_from_data(hostile_upload, page):
    app = upload(open_page(UPLOAD_PAGE), hostile_upload)
    assert "Every page now shows your upload" in app.success[0].value
    app.switch_page(page).run()
    assert not app.exception
    for spec in _chart_specs(app):
        text = json.dumps(json.loads(spec)) if spec else ""
        for markup in HOSTILE_MARKUP:
            found = max(text.find(markup), text.find(json.dumps(markup)[1:-1]))
            assert found == -1, (
                f"{page}: {markup!r} reaches a chart as markup: {text[max(found - 300, 0) : found + 100]}"
            )


@pytest.mark.parametrize("page", [page for page in PAGES if page != UPLOAD_PAGE])
def test_no_markdown_makes_a_link_or_markup_from_data(hostile_upload, page):
    app = upload(open_page(UPLOAD_PAGE), hostile_upload)
    app.switch_page(page).run()
    assert not app.exception
    for element in [*app.markdown, *app.caption, *app.info, *app.subheader, *app.title]:
        text = element.value
        # Markdown from data comes escaped: no "<" without its backslash, no pattern a bare link is made of.
        assert not re.search(r"(?<!\\)<", text), f"{page}: markup in {text[:200]!r}"
        for link in ("https://evil", "www.evil", "@evil"):
            assert link not in text, f"{page}: {link!r} in {text[:200]!r}"


def test_escape_leaves_no_bare_url_for_markdown_to_link():
    shown = escape(BARE)
    assert "://" not in shown and "www." not in shown and "@evil" not in shown
    # What a reader sees is the same characters (an invisible word joiner breaks each pattern).
    assert shown.replace("\\", "").replace("\u2060", "") == BARE
