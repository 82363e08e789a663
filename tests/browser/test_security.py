"""Security in a real browser: hostile text uploaded as data shows literally and never runs, a javascript: link
is refused by validation, and the links the app draws are http(s), open in a new tab and carry rel=noopener.

The data goes in through the upload page's own file input, as a user's would, and every later page is reached
through the sidebar, so the whole visit stays in the one session that holds the upload.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from components.page_registry import PAGES as REGISTERED

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000
MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"
PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
SUMMARY_PAYLOAD = PAYLOAD + " **not bold** [not a link](javascript:window.__pwned=3)"
# Sidebar link -> the page's h1, from the app's page registry.
PAGES = {page.title: page.heading for page in REGISTERED if page.shows_data}
INJECTED = """() => ({
  pwned: typeof window.__pwned === 'undefined' ? null : window.__pwned,
  scripts: [...document.querySelectorAll('script')].filter((s) => s.textContent.includes('__pwned')).length,
  images: document.querySelectorAll('img[src="x"], [onerror]').length,
  javascriptLinks: [...document.querySelectorAll('a[href]')].filter(
    (a) => !/^(https?:|mailto:|#|\\/|\\.)/.test(a.getAttribute('href'))).map((a) => a.getAttribute('href')),
})"""


# The index, among all Plotly markers, of the first one drawn for an event.
POINT_OF_EVENT = """
(eventId) => [...document.querySelectorAll('.js-plotly-plot .scatterlayer .point')].findIndex((node) => {
  const trace = node.closest('g.trace').__data__[0].trace;
  return trace.customdata && trace.customdata[node.__data__.i] && trace.customdata[node.__data__.i][0] === eventId;
})
"""


def hostile_files(source_url: str = "https://example.org/a") -> list[dict]:
    """The minimal fixture with a hostile title and summary on the treaty event, as files for the file input."""
    files = []
    for path in sorted(MINIMAL.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            records = list(csv.DictReader(handle))
        for record in records:
            if record.get("event_id") == "treaty-signed":
                record["title"], record["summary"] = PAYLOAD, SUMMARY_PAYLOAD
            if record.get("source_id") == "seed-a" and "url" in record:
                record["url"] = source_url
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        files.append({"name": path.name, "mimeType": "text/csv", "buffer": out.getvalue().encode("utf-8")})
    return files


def go_to_page(page: Page, link: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=link, exact=True).click()
    expect(page.locator("h1").first).to_have_text(PAGES.get(link, link), timeout=TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)


def upload_files(page: Page, files: list[dict]) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(files)


def assert_nothing_injected(page: Page) -> None:
    state = page.evaluate(INJECTED)
    assert state == {"pwned": None, "scripts": 0, "images": 0, "javascriptLinks": []}, state


def event_detail(page: Page) -> Locator:
    return page.get_by_test_id("stMain").get_by_test_id("stLayoutWrapper").filter(has=page.locator("h3")).last


def test_a_javascript_url_is_rejected_by_validation(page, app_url, open_app):
    open_app(page, f"{app_url}/upload")
    upload_files(page, hostile_files(source_url="javascript:alert(1)"))
    error = page.get_by_test_id("stAlertContentError")
    expect(error).to_contain_text("The upload did not pass validation: 1 problem(s)", timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("stCode").first).to_have_text(
        "sources.csv:2:url: 'javascript:alert(1)' "
        "must be an http(s) URL with a host, and spaces, quotes, brackets and parentheses written as %20, %27, %28…"
    )
    assert page.get_by_text("Data: your upload (this session only)").count() == 0
    assert_nothing_injected(page)


def test_hostile_text_shows_literally_and_never_runs(page, app_url, open_app, save_screenshot):
    open_app(page, f"{app_url}/upload")
    upload_files(page, hostile_files())
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        "Every page now shows your upload (2 events, 2 claims, 2 sources)", timeout=TIMEOUT_MS
    )
    expect(page.get_by_test_id("stSidebar").get_by_text("Data: your upload (this session only)")).to_be_visible()
    assert_nothing_injected(page)

    go_to_page(page, "Timeline 1953–2025")
    detail = page.get_by_test_id("stMain").get_by_test_id("stSelectbox").filter(has_text="Event detail")
    detail.locator("input").click()
    option = page.get_by_role("option", name=f"19 Jun 2024 · {PAYLOAD}", exact=True)
    expect(option).to_be_visible(timeout=TIMEOUT_MS)  # the option label is the literal text
    option.click()
    box = event_detail(page)
    expect(box.locator("h3")).to_have_text(PAYLOAD, timeout=TIMEOUT_MS)
    expect(box.get_by_text(SUMMARY_PAYLOAD, exact=True)).to_be_visible()
    assert box.locator("strong", has_text="not bold").count() == 0, "markdown in data is not formatted"
    assert_nothing_injected(page)

    # Plotly draws the hover label as SVG text: the title appears in it as characters, never as elements.
    index = page.evaluate(POINT_OF_EVENT, "treaty-signed")
    assert index is not None, "the treaty event has no marker"
    marker = page.locator(".js-plotly-plot .scatterlayer .point").nth(index)
    marker.scroll_into_view_if_needed()
    box_of = marker.bounding_box()
    page.mouse.move(box_of["x"] + box_of["width"] / 2, box_of["y"] + box_of["height"] / 2)
    hover = page.locator(".js-plotly-plot .hoverlayer .hovertext").first
    expect(hover).to_contain_text("window.__pwned=1", timeout=TIMEOUT_MS)
    assert "<script>" in hover.text_content()
    assert hover.locator("script, img, foreignObject").count() == 0
    save_screenshot(page, "security-timeline")

    # Every link the event detail draws for its sources is http(s), in a new tab, without an opener.
    links = box.locator("a[href]")
    expect(links).to_have_count(2, timeout=TIMEOUT_MS)  # seed-a and ref-b
    for link in links.all():
        assert link.get_attribute("href").startswith(("https://", "http://"))
        assert link.get_attribute("target") == "_blank"
        assert "noopener" in (link.get_attribute("rel") or "").split()

    for link in PAGES:
        go_to_page(page, link)
        assert page.get_by_test_id("stException").count() == 0, link
        assert_nothing_injected(page)
    save_screenshot(page, "security-sources")
