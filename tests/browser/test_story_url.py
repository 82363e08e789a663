"""The story in a real browser: after fast keyboard input the URL names the step shown (a link reopens it), and
the map is framed on the step's place."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SCRIPT_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
TIMEOUT_MS = 30_000


def settled_step(page: Page) -> int:
    """The step the page shows once every rerun the keys started has finished."""
    page.wait_for_timeout(1500)
    page.wait_for_selector(SCRIPT_DONE, timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)
    page.wait_for_selector(SCRIPT_DONE, timeout=TIMEOUT_MS)
    heading = page.get_by_text(re.compile(r"^Step \d+ of \d+")).first.inner_text()
    return int(re.match(r"Step (\d+)", heading).group(1))


def url_step(page: Page) -> int:
    return int(re.search(r"[?&]step=(\d+)", page.url).group(1))


@pytest.mark.parametrize("control", ["slider", "button"])
def test_fast_keys_leave_the_url_on_the_step_shown(page: Page, app_url: str, open_app, control: str) -> None:
    open_app(page, f"{app_url}/story")
    target = page.get_by_role("slider", name="Step") if control == "slider" else page.get_by_role("button", name="Next")
    target.wait_for(state="visible", timeout=TIMEOUT_MS)
    page.wait_for_timeout(1000)
    target.focus()
    # One step first, waited for: the control is live (a key pressed while the first run still settles can be
    # lost on a loaded machine), then the fast ones the test is about.
    if control == "slider":
        page.keyboard.press("ArrowRight")
    else:
        target.click()
    expect(page.get_by_text(re.compile(r"^Step 2 of \d+")).first).to_be_visible(timeout=TIMEOUT_MS)
    target.focus()
    for _ in range(13):
        if control == "slider":
            page.keyboard.press("ArrowRight")
        else:
            target.click(no_wait_after=True)  # as fast as a reader can click
    shown = settled_step(page)
    assert shown > 1
    assert url_step(page) == shown, f"the page shows step {shown}, the link names {url_step(page)}"
    link = page.url
    open_app(page, link)
    assert settled_step(page) == shown, "the link opens another step"


def test_the_story_map_is_framed_on_the_steps_place(page: Page, app_url: str, open_app) -> None:
    open_app(page, f"{app_url}/story?step=16")
    page.get_by_role("tab", name="Map").click()
    chart = page.get_by_role("tabpanel").get_by_test_id("stVegaLiteChart")
    chart.locator("svg g.mark-symbol path").first.wait_for(state="attached", timeout=TIMEOUT_MS)
    expect(chart.locator("svg text").filter(has_text="Where it happened: Seoul")).to_have_count(1)
    # Framed on Seoul: its circle sits near the middle of the map, not in a corner of Eurasia.
    box, place = chart.locator("svg.marks").bounding_box(), chart.locator("svg g.mark-symbol path").first.bounding_box()
    middle = place["x"] + place["width"] / 2 - box["x"]
    assert 0.3 * box["width"] < middle < 0.7 * box["width"], (middle, box["width"])
