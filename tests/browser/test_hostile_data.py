"""Hostile data in a real browser and a real server (issue: hostile uploads and hostile text).

- Names and titles that hold links, bold, styles and bare URLs are uploaded, and every page is visited and its
  charts hovered: no request leaves for another origin (each is logged and failed), no chart draws a link,
  bold or styled text, and no Markdown makes a link of a bare URL.
- Hostile uploads sent through the page to the server itself: its peak resident memory stays within 300 MB
  of where it was before the upload.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, Request, Route, expect
from process_memory import status_mb
from uploads import REPLACED_BY_HOSTILE_TEXT, as_zip, fixture_files, realistic_events

from components.page_registry import PAGES as REGISTERED
from monitor.bundle import MAX_UNZIPPED_BYTES, MAX_UPLOAD_ROWS
from monitor.schema import TABLES

pytestmark = pytest.mark.browser

TIMEOUT_MS = 60_000
LOOPBACK = {"127.0.0.1", "localhost"}
PAGES = {page.title: page.heading for page in REGISTERED if page.shows_data}
# What Plotly would draw from markup in its text: an anchor, or a tspan styled by the data (the charts' own
# hover templates make some labels bold; the data's "<b>bold</b>" must not be).
CHART_MARKUP = """() => ({
  links: document.querySelectorAll('.js-plotly-plot svg a').length,
  styled: [...document.querySelectorAll('.js-plotly-plot tspan[style]')].filter((node) =>
    /90px|url\\(/.test(node.getAttribute('style'))
    || (/bold/.test(node.getAttribute('style')) && node.textContent.trim() === 'bold')).length,
  dataLinks: [...document.querySelectorAll('a[href]')]
    .filter((a) => /evil\\.example|127\\.0\\.0\\.1:9/.test(a.getAttribute('href'))).length,
})"""


def upload(page: Page, files: dict[str, bytes]) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        [
            {"name": name, "mimeType": "application/zip" if name.endswith(".zip") else "text/csv", "buffer": data}
            for name, data in files.items()
        ]
    )


def hover_every_chart(page: Page) -> None:
    """Sweep the pointer across each Plotly chart, so hover labels (and any style they carry) are drawn."""
    for chart in page.locator(".js-plotly-plot .nsewdrag").all():
        box = chart.bounding_box()
        if not box:
            continue
        for step in range(1, 20):
            page.mouse.move(box["x"] + box["width"] * step / 20, box["y"] + box["height"] / 2)
            page.wait_for_timeout(20)


def test_hostile_names_draw_no_markup_and_fetch_nothing_elsewhere(page, app_url, open_app):
    elsewhere: list[str] = []

    def only_loopback(route: Route, request: Request) -> None:
        if urlparse(request.url).hostname in LOOPBACK or request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            elsewhere.append(request.url)
            route.abort()

    page.route("**/*", only_loopback)
    open_app(page, f"{app_url}/upload")
    upload(page, fixture_files(REPLACED_BY_HOSTILE_TEXT))
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        "Every page now shows your upload", timeout=TIMEOUT_MS
    )
    for title, heading in PAGES.items():
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
        expect(page.locator("h1").first).to_have_text(heading, timeout=TIMEOUT_MS)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)
        page.wait_for_timeout(500)
        hover_every_chart(page)
        assert page.evaluate(CHART_MARKUP) == {"links": 0, "styled": 0, "dataLinks": 0}, title
    assert elsewhere == []


EVENTS_HEADER = ",".join(TABLES["events"].columns).encode()
EMPTY_ROW = b"x" + b"," * (len(TABLES["events"].columns) - 1) + b"\n"
UPLOAD_PEAK_LIMIT_MB = 300


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "files", "verdict"),
    [
        (
            "blank lines",
            {"a.zip": as_zip({"events.csv": EVENTS_HEADER + b"\n" + b"\n" * (MAX_UNZIPPED_BYTES - 1_000)})},
            "stAlertContentSuccess",
        ),
        (
            "near-empty rows",
            {"a.zip": as_zip({"events.csv": EVENTS_HEADER + b"\n" + EMPTY_ROW * 200_000})},
            "stAlertContentError",
        ),
        (
            "wrong everywhere",
            {
                "a.zip": as_zip(
                    {
                        "events.csv": EVENTS_HEADER
                        + b"\n"
                        + b"".join(b"x%d" % number + EMPTY_ROW[1:] for number in range(MAX_UPLOAD_ROWS))
                    }
                )
            },
            "stAlertContentError",
        ),
        (
            "largest realistic upload",
            {"a.zip": as_zip({"events.csv": realistic_events(MAX_UNZIPPED_BYTES)})},
            "stAlertContentSuccess",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and " " in value else "",
)
def test_a_hostile_upload_costs_the_server_at_most_300_mb(page, running_server, open_app, case, files, verdict):
    with running_server() as server:
        open_app(page, f"{server.url}/upload")
        Path(f"/proc/{server.pid}/clear_refs").write_text("5")  # the server's peak starts again from here
        idle = status_mb("VmRSS", server.pid)
        upload(page, files)
        expect(page.get_by_test_id(verdict)).to_be_visible(timeout=TIMEOUT_MS)
        peak = status_mb("VmHWM", server.pid)
        print(f"{case}: server idle {idle:.0f} MB, peak {peak:.0f} MB")
        assert peak - idle <= UPLOAD_PEAK_LIMIT_MB
