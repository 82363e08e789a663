"""Every page in headless Chromium, with no network beyond the local server: no exception, a title,
and a main chart or table that really drew something. Each test leaves a screenshot."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

pytestmark = pytest.mark.browser

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TALL_VIEWPORT = {"width": 1400, "height": 1700}
PLOTLY_POINTS = ".js-plotly-plot .scatterlayer .point"  # Plotly draws markers as <path class="point">
TIMEOUT_MS = 30_000


@pytest.fixture
def external_requests(context: BrowserContext) -> list[str]:
    """Abort every request that leaves the machine, and list them: the app must work offline."""
    attempted: list[str] = []

    def handle(route: Route) -> None:
        url = route.request.url
        if urlparse(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            attempted.append(url)
            route.abort("internetdisconnected")

    context.route("**/*", handle)
    return attempted


def expect_table(page: Page) -> None:
    frame = page.get_by_test_id("stMain").get_by_test_id("stDataFrame").first
    expect(frame).to_be_visible(timeout=TIMEOUT_MS)
    expect(frame.locator("canvas").first).to_be_attached(timeout=TIMEOUT_MS)
    assert frame.bounding_box()["height"] > 50, "the table has rows"


def expect_plotly_points(page: Page) -> None:
    points = page.locator(PLOTLY_POINTS)
    points.first.wait_for(state="attached", timeout=TIMEOUT_MS)
    assert points.count() > 0


def expect_maps(page: Page) -> None:
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts).to_have_count(2, timeout=TIMEOUT_MS)
    # The Korean zoom comes first (a phone shows it without scrolling), then the whole region.
    for index, (least_borders, chart) in enumerate(zip((10, 40), charts.all(), strict=True)):
        # Vega renders after the script finishes: wait for the places layer, the last layer to draw.
        chart.locator("svg g.mark-symbol path").first.wait_for(state="attached", timeout=TIMEOUT_MS)
        borders = chart.locator("svg g.mark-shape path").count()
        assert chart.locator("svg path").count() > least_borders
        # The borders come from static/ by URL (app/static/basemap/countries.geojson), not with the chart.
        assert borders > least_borders, f"map {index}: the vendored basemap drew only {borders} shapes"
        assert chart.locator("svg g.mark-symbol path").count() > 0, f"map {index}: no place circles"
        # The shipped figures send troops to Kursk: Vega draws their arcs from one row per flow.
        assert chart.locator("svg g.mark-line path").count() > 0, f"map {index}: no flow arcs"


# Timeline, map and figures open with an event selected, so their screenshots show the linked selection.
SELECTED = "event=nis-troop-deployment-2024"
PAGES: dict[str, tuple[str, Callable[[Page], None]]] = {
    "": ("overview", expect_table),
    f"timeline?{SELECTED}": ("timeline", expect_plotly_points),
    f"map?{SELECTED}": ("map", expect_maps),
    f"figures?{SELECTED}": ("figures", expect_plotly_points),
    "disagreement": ("disagreement", expect_plotly_points),
    "story?step=16": ("story", expect_plotly_points),
    "explorer": ("explorer", expect_table),
    "sources": ("sources", expect_table),
}


@pytest.mark.parametrize("path", list(PAGES), ids=[name for name, _ in PAGES.values()])
def test_page_renders_offline(page, app_url, open_app, save_screenshot, external_requests, path):
    name, expect_main_chart = PAGES[path]
    # Tall before loading: Streamlit scrolls inside its own container, so the screenshot shows only the viewport.
    page.set_viewport_size(TALL_VIEWPORT)
    open_app(page, f"{app_url}/{path}")

    assert page.get_by_test_id("stException").count() == 0
    expect(page.locator("h1").first).to_be_visible()
    expect_main_chart(page)
    assert page.get_by_test_id("stException").count() == 0
    assert external_requests == [], f"the page tried to reach the network: {external_requests}"
    page.wait_for_timeout(300)  # let the table canvases paint before the screenshot
    save_screenshot(page, name)
