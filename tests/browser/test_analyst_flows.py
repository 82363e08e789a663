"""One real-browser flow per analyst feature: linked selection, story mode, disagreement view,
interested-party toggle, claimant chain, date precision drawn, dataset versions."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000
SCRIPT_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def settle(page: Page) -> None:
    page.wait_for_selector(SCRIPT_DONE, timeout=60_000)


def nav(page: Page, label: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=label, exact=True).click()
    page.locator("h1").filter(has_text=label.split(" ")[0]).first.wait_for(timeout=TIMEOUT_MS)
    settle(page)


def test_linked_selection_follows_the_event_from_timeline_to_map_and_figures(page, app_url, open_app):
    open_app(page, f"{app_url}/timeline?event=dprk-acknowledges-troops-2025")
    expect(page.get_by_role("heading", name="North Korea acknowledges sending troops")).to_be_visible()
    nav(page, "Map")
    assert "event=dprk-acknowledges-troops-2025" in page.url
    expect(page.get_by_text("Selected on the timeline: North Korea acknowledges")).to_be_visible()
    nav(page, "Figures by source")
    page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT_MS)
    expect(page.locator(".js-plotly-plot .annotation-text").filter(has_text="selected:")).to_have_count(1)


def test_story_mode_steps_forward(page, app_url, open_app):
    open_app(page, f"{app_url}/story")
    expect(page.get_by_text("Step 1 of")).to_be_visible()
    page.get_by_role("button", name="Next").click()
    settle(page)
    expect(page.get_by_text("Step 2 of")).to_be_visible(timeout=TIMEOUT_MS)
    assert "step=2" in page.url
    page.get_by_role("tab", name="Event and sources").click()
    expect(page.get_by_text("Sources", exact=True)).to_be_visible()


def test_disagreement_view_compares_figures_at_a_date(page, app_url, open_app):
    open_app(page, f"{app_url}/disagreement")
    page.locator(".js-plotly-plot .scatterlayer .point").first.wait_for(state="attached", timeout=TIMEOUT_MS)
    expect(page.locator(".js-plotly-plot .gtitle").filter(has_text="figures as of")).to_be_visible()
    # The window is bound to the URL, so a shared link reopens the same comparisons.
    open_app(page, f"{app_url}/disagreement?window=90")
    expect(page.get_by_test_id("stSlider").get_by_text("90", exact=True)).to_be_visible(timeout=TIMEOUT_MS)


def test_interested_party_toggle_changes_the_chart(page, app_url, open_app):
    open_app(page, f"{app_url}/figures")
    legend = page.locator(".js-plotly-plot .legendtext")
    legend.first.wait_for(timeout=TIMEOUT_MS)
    assert legend.filter(has_text="◆").count() > 0
    page.get_by_text("Include parties to the war").click()
    settle(page)
    expect(legend.filter(has_text="◆")).to_have_count(0, timeout=TIMEOUT_MS)
    assert "parties=false" in page.url


def test_known_on_date_is_kept_in_the_url(page, app_url, open_app):
    open_app(page, f"{app_url}/figures?known=2024-11-01")
    page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT_MS)
    expect(page.get_by_text("Known on 1 Nov 2024: only figures reported on or before that day.")).to_be_visible()
    assert "known=2024-11-01" in page.url


def test_claimant_chain_shows_on_hover(page, app_url, open_app):
    open_app(page, f"{app_url}/figures")
    point = page.locator(".js-plotly-plot .scatterlayer .point").first
    point.wait_for(timeout=TIMEOUT_MS)
    point.hover(force=True)
    expect(page.locator(".js-plotly-plot .hoverlayer").get_by_text("→").first).to_be_visible(timeout=TIMEOUT_MS)


def test_month_precision_events_are_drawn_as_bands(page, app_url, open_app):
    open_app(page, f"{app_url}/timeline?period=2014")
    page.locator(".js-plotly-plot .scatterlayer .point").first.wait_for(timeout=TIMEOUT_MS)
    # The span of a month- or year-precision event is a thick line trace, drawn as a path with a stroke.
    assert page.locator(".js-plotly-plot .scatterlayer .js-line").count() > 0


def test_sources_page_shows_what_changed_in_this_version(page, app_url, open_app):
    open_app(page, f"{app_url}/sources")
    expect(page.get_by_text("What changed in version")).to_be_visible()
