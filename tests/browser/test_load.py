"""A small real-browser load run: four browsers at once against the one server, each changing filters and
switching pages, one of them uploading its own data. No exception anywhere, and only the uploader sees its data.
(tests/test_load.py runs 20 AppTest sessions in threads.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

TIMEOUT_MS = 60_000
SCRIPT_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"
MARKER = "Marker event from the uploading browser"
SUMMARY = re.compile(r"showing (\d+) of (\d+) events")
# Where each browser starts, and the sidebar link it follows next (link text -> the page's h1).
STARTS = ["upload", "timeline", "map", "explorer"]
NEXT = [
    ("Claims and events explorer", "Claims and events explorer"),
    ("Figures by source", "Figures by source"),
    ("Sources and method", "Sources and method"),
    ("Overview", "DPRK–Russia Alignment Monitor"),
]
# On a deep link the frontend first probes <page>/_stcore/...; Chromium logs those expected 404s as errors.
PROBE_404 = "Failed to load resource: the server responded with a status of 404"


def settled(page: Page) -> None:
    page.wait_for_selector(SCRIPT_DONE, timeout=TIMEOUT_MS)
    page.locator("h1").first.wait_for(state="visible", timeout=TIMEOUT_MS)


def total_events(page: Page) -> int:
    caption = page.get_by_test_id("stSidebar").get_by_test_id("stCaptionContainer").filter(has_text="showing ")
    expect(caption).to_be_visible(timeout=TIMEOUT_MS)
    match = SUMMARY.search(caption.inner_text())
    assert match, caption.inner_text()
    return int(match.group(2))


def choose_period(page: Page, label: str) -> None:
    """Click one of the period's shortcuts (a decade; then a year of it)."""
    page.get_by_test_id("stSidebar").get_by_role("radio", name=label, exact=True).click()


def test_four_browsers_at_once(browser: Browser, browser_context_args: dict, app_url: str, page: Page):
    # ``page`` is the first browser (the suite's console-error check watches it); three more contexts join it.
    contexts = [browser.new_context(**browser_context_args) for _ in range(3)]
    pages = [page, *(context.new_page() for context in contexts)]
    errors: list[str] = []
    for number, each in enumerate(pages):
        each.on("pageerror", lambda error, number=number: errors.append(f"browser {number}: {error}"))
        each.on(
            "console",
            lambda message, number=number: (
                errors.append(f"browser {number}: {message.text}")
                if message.type == "error" and not message.text.startswith(PROBE_404)
                else None
            ),
        )
    try:
        for each, start in zip(pages, STARTS, strict=True):
            each.goto(f"{app_url}/{start}", wait_until="commit")  # all four load at once
        for each in pages:
            settled(each)

        files = []
        for path in sorted(MINIMAL.glob("*.csv")):
            data = path.read_text(encoding="utf-8").replace("Treaty signed", MARKER).encode("utf-8")
            files.append({"name": path.name, "mimeType": "text/csv", "buffer": data})
        pages[0].get_by_test_id("stFileUploaderDropzoneInput").set_input_files(files)
        for each, label in zip(pages[1:], ["2020s", "2010s", "1990s"], strict=True):
            choose_period(each, label)  # each click reruns on the server while the next browser acts
        expect(pages[0].get_by_test_id("stAlertContentSuccess")).to_contain_text(
            "Every page now shows your upload", timeout=TIMEOUT_MS
        )
        choose_period(pages[0], "2020s")

        for each, (link, _) in zip(pages, NEXT, strict=True):
            each.get_by_test_id("stSidebarNav").get_by_role("link", name=link, exact=True).click()
        for each, (_, title) in zip(pages, NEXT, strict=True):
            expect(each.locator("h1").first).to_have_text(title, timeout=TIMEOUT_MS)
            settled(each)

        for number, each in enumerate(pages):
            assert each.get_by_test_id("stException").count() == 0, f"browser {number}"
            uses_upload = each.get_by_test_id("stSidebar").get_by_text("Data: your upload (this session only)")
            if number == 0:
                expect(uses_upload).to_be_visible()
                assert total_events(each) == 2
            else:
                assert uses_upload.count() == 0, f"browser {number} sees another session's upload"
                assert total_events(each) > 2
        assert errors == [], errors
    finally:
        for context in contexts:
            context.close()
