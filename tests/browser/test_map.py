"""The map as a reader sees it: on a 390 px phone no two place names overlap and none runs off its map, and a
click on a place lists its events, whose rows open the event's card."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000
SCRIPT_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Each drawn name as its box on the page, per chart; the halo copy (stroked) and the text share a box.
LABEL_BOXES = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg.marks')].map((svg) => {
  const frame = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll('g.mark-text.role-mark text')].filter((t) => !t.getAttribute('stroke'));
  return {
    frame: [frame.left, frame.top, frame.right, frame.bottom],
    labels: texts.map((t) => {
      const b = t.getBoundingClientRect();
      return [t.textContent, b.left, b.top, b.right, b.bottom];
    }),
  };
})"""


def settle(page: Page) -> None:
    page.wait_for_selector(SCRIPT_DONE, timeout=60_000)


def drawn(page: Page) -> None:
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts).to_have_count(2, timeout=TIMEOUT_MS)
    for chart in charts.all():
        chart.locator("svg g.mark-text.role-mark text").first.wait_for(state="attached", timeout=TIMEOUT_MS)


def test_on_a_phone_place_names_neither_overlap_nor_run_off_the_map(page, app_url, open_app):
    page.set_viewport_size({"width": 390, "height": 2400})
    open_app(page, f"{app_url}/map")
    drawn(page)
    charts = page.evaluate(LABEL_BOXES)
    assert [len(chart["labels"]) >= 3 for chart in charts] == [True, True]
    for chart in charts:
        left, top, right, bottom = chart["frame"]
        boxes = chart["labels"]
        for name, *box in boxes:
            assert left <= box[0] and box[2] <= right and top <= box[1] and box[3] <= bottom, f"{name} is clipped"
        for index, (name, *box) in enumerate(boxes):
            for other, *other_box in boxes[index + 1 :]:
                # A pixel of slack: glyph boxes include their line's leading.
                apart = (
                    box[2] <= other_box[0] + 1
                    or other_box[2] <= box[0] + 1
                    or box[3] <= other_box[1] + 1
                    or other_box[3] <= box[1] + 1
                )
                assert apart, f"{name} overlaps {other}"


def test_a_click_on_a_place_lists_its_events_and_a_row_opens_its_card(page, app_url, open_app):
    open_app(page, f"{app_url}/map")
    drawn(page)
    # The Korean zoom comes first; its largest circle is Pyongyang, the place with the most events.
    circles = page.get_by_test_id("stVegaLiteChart").first.locator("svg g.places_view_marks path")
    sizes = [circle.bounding_box() for circle in circles.all()]
    biggest = max(range(len(sizes)), key=lambda index: sizes[index]["width"])
    circles.nth(biggest).click(force=True)
    settle(page)
    expect(page.get_by_role("heading", name="Events at Pyongyang")).to_be_visible(timeout=TIMEOUT_MS)
    assert "place=pyongyang" in page.url
    table = page.get_by_test_id("stMain").get_by_test_id("stDataFrame").first
    expect(table.locator("canvas").first).to_be_attached(timeout=TIMEOUT_MS)
    table.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)  # the grid takes clicks once it has laid out its rows
    box = table.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's checkbox
    expect(page).to_have_url(re.compile(r"[?&]event="), timeout=TIMEOUT_MS)
    settle(page)
    expect(page.get_by_text("Sources", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
