"""The timeline in a real browser: events on one day each get their own dot, and each dot can be clicked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000
# Three events at Wonsan on 12 July 2025 (the visit ran 11-13 July): before the dots were stacked, one hid the others.
WONSAN = {
    "kim-lavrov-wonsan-2025": "Kim Jong Un receives Lavrov in Wonsan",
    "lavrov-respects-nuclear-2025": "Lavrov says Russia respects North Korea's nuclear programme",
    "lavrov-visit-2025-07": "Lavrov visits North Korea",
}
# Where the dot of an event is drawn in one lane, and how far the nearest dot of another event is.
EVENT_DOT = """
([eventId, lane]) => {
  const dots = [...document.querySelectorAll('.js-plotly-plot .scatterlayer .point')].flatMap((node) => {
    const rows = node.closest('g.trace').__data__[0].trace.customdata;  // none on the selected event's ring
    if (!rows) return [];
    const box = node.getBoundingClientRect();
    const row = rows[node.__data__.i];
    return [{x: box.x + box.width / 2, y: box.y + box.height / 2, id: row[0], lane: row[3]}];
  });
  const dot = dots.find((each) => each.id === eventId && each.lane === lane);
  if (!dot) return null;
  const others = dots.filter((each) => each.id !== eventId).map((each) => Math.hypot(each.x - dot.x, each.y - dot.y));
  return {x: dot.x, y: dot.y, nearest: Math.min(...others)};
}
"""


def click_dot(page: Page, event_id: str, lane: str = "North Korea") -> float:
    """Click the dot of ``event_id`` in ``lane``; return how far the nearest other event's dot is (px)."""
    page.locator(".js-plotly-plot .scatterlayer .point").first.wait_for(timeout=TIMEOUT_MS)
    dot = page.evaluate(EVENT_DOT, [event_id, lane])
    assert dot, f"no dot for {event_id} in the {lane} lane"
    page.mouse.move(dot["x"], dot["y"])  # Plotly picks the point under the hover, then the click selects it
    page.mouse.click(dot["x"], dot["y"])
    return dot["nearest"]


@pytest.mark.parametrize("width", [1400, 390])
def test_three_events_on_one_day_can_each_be_clicked(page, app_url, open_app, save_screenshot, width):
    page.set_viewport_size({"width": width, "height": 1400})
    open_app(page, f"{app_url}/timeline")
    for event_id, title in WONSAN.items():
        page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
        nearest = click_dot(page, event_id)
        # Stacked in rows: on a desktop no other dot is under the pointer. A phone squeezes days closer together
        # (dots of nearby days may touch), and Plotly picks the dot nearest the pointer.
        assert width < 1000 or nearest >= 10, f"{event_id}: another event's dot is {nearest:.0f} px away"
        expect(page).to_have_url(re.compile(rf"[?&]event={event_id}(&|$)"), timeout=TIMEOUT_MS)
        box = page.get_by_test_id("stMain").get_by_test_id("stLayoutWrapper").filter(has=page.locator("h3")).last
        expect(box.locator("h3")).to_have_text(title, timeout=TIMEOUT_MS)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)
    save_screenshot(page, f"timeline-wonsan-{width}")


def test_the_legend_is_above_the_chart_and_a_narrow_period_narrows_the_dates(page, app_url, open_app):
    open_app(page, f"{app_url}/timeline?months=Jul+2025&months=Jul+2025")
    chart = page.locator(".js-plotly-plot").first
    chart.locator(".scatterlayer .point").first.wait_for(timeout=TIMEOUT_MS)
    legend, plot = chart.locator("g.legend").bounding_box(), chart.locator("g.subplot").first.bounding_box()
    assert legend["y"] + legend["height"] <= plot["y"], "the legend sits above the dots"
    expect(chart.locator("g.annotation").first).to_have_text("Jul 2025")
    ticks = chart.locator("g.xtick text").all_text_contents()
    assert ticks and all("2024" not in tick for tick in ticks), ticks
