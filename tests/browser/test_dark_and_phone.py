"""Dark mode follows the reader's system, and charts read in it; on a 390 px phone no page scrolls sideways and
no chart title is clipped or covered by the chart's toolbar."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from components.page_registry import PAGES

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000
PHONE = {"width": 390, "height": 844}


def luminance(css: str) -> float:
    parts = [float(part) for part in css[css.index("(") + 1 : -1].split(",")[:3]]
    return sum(weight * value / 255 for weight, value in zip((0.2126, 0.7152, 0.0722), parts, strict=True))


def test_dark_system_preference_gives_a_dark_page_and_dark_charts(browser: Browser, app_url: str, open_app) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, color_scheme="dark")
    page = context.new_page()
    try:
        open_app(page, f"{app_url}/figures")
        background = page.get_by_test_id("stApp").evaluate("(el) => getComputedStyle(el).backgroundColor")
        assert luminance(background) < 0.2, background
        chart = page.locator(".st-key-figures_chart .js-plotly-plot")
        chart.locator(".main-svg").first.wait_for(state="attached", timeout=TIMEOUT_MS)
        paper = chart.locator("rect.bg, .main-svg > rect").first.evaluate("(el) => getComputedStyle(el).fill")
        assert paper in ("transparent", "rgba(0, 0, 0, 0)") or luminance(paper) < 0.2, paper
        title = chart.locator(".gtitle").first.evaluate("(el) => getComputedStyle(el).fill")
        assert luminance(title) > 0.7, title
    finally:
        context.close()


def phone_page(page: Page) -> None:
    """No sideways scroll; every drawn Plotly title inside its chart and clear of the chart's toolbar."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways ({width} px)"
    for chart in page.locator(".js-plotly-plot").all():
        if not chart.is_visible():
            continue
        chart.locator(".gtitle").first.wait_for(state="attached", timeout=TIMEOUT_MS)
        box, title = chart.bounding_box(), chart.locator(".gtitle").first.bounding_box()
        assert box["x"] <= title["x"] and title["x"] + title["width"] <= box["x"] + box["width"] + 1, "title clipped"
        assert box["y"] <= title["y"], "title clipped at the top"
        modebar = chart.locator(".modebar").first
        if modebar.count():
            bar = modebar.bounding_box()
            if bar:
                apart = title["x"] + title["width"] <= bar["x"] or bar["y"] >= title["y"] + title["height"]
                overlap = (
                    not apart and bar["y"] < title["y"] + title["height"] and bar["x"] < title["x"] + title["width"]
                )
                assert not overlap, "the chart's toolbar covers its title"


@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path or "overview" for spec in PAGES])
def test_a_phone_sees_every_page_without_sideways_scroll_or_clipped_titles(
    browser: Browser, app_url: str, open_app, save_screenshot, spec
) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{app_url}/{spec.url_path}")
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
        page.locator("h1").first.wait_for(state="visible", timeout=60_000)
        page.wait_for_timeout(1500)
        save_screenshot(page, f"phone-{spec.url_path or 'overview'}")
        phone_page(page)
    finally:
        context.close()


def test_a_phone_reaches_the_filters_from_a_labelled_control(browser: Browser, app_url: str) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{app_url}/timeline")
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
        page.get_by_role("button", name="Expand sidebar").click()
        filters = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Event categories")
        filters.wait_for(state="visible", timeout=TIMEOUT_MS)
        filters.scroll_into_view_if_needed()  # the last filter, below the period control, inside the sidebar
        expect(filters).to_be_in_viewport(ratio=1, timeout=TIMEOUT_MS)  # wholly, once the sidebar has slid in
        box = filters.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], "the filter is off screen"
    finally:
        context.close()


def test_the_settings_menu_lets_a_reader_choose_the_theme(page: Page, app_url: str, open_app) -> None:
    open_app(page, app_url)
    page.get_by_role("button", name="Main menu").click()
    menu = page.get_by_role("menu", name="Main menu")
    for choice in ("System", "Light", "Dark"):
        expect(menu.get_by_role("menuitemradio", name=choice)).to_be_visible()
    # It follows the system until the reader chooses.
    expect(menu.get_by_role("menuitemradio", name="System")).to_be_checked()
    menu.get_by_role("menuitemradio", name="Dark").click()
    app = page.get_by_test_id("stApp")
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor === 'rgb(18, 22, 28)'",
        timeout=TIMEOUT_MS,
    )
    assert luminance(app.evaluate("(el) => getComputedStyle(el).backgroundColor")) < 0.2
