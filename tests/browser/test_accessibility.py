"""WCAG 2.1 AA on every page, light and dark: axe-core (vendored under vendor/axe-core, so a clean clone needs no
network) is injected into the page and must find no serious or critical violation. Charts carry a text
alternative, and page links show where the keyboard focus is."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from components.page_registry import PAGES

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
TIMEOUT_MS = 30_000
CHARTS = "[data-testid=stPlotlyChart], [data-testid=stVegaLiteChart]"
# Streamlit draws a multiselect's chosen options in white on the theme's primary colour, and no theme option
# changes that: in the dark theme the primary colour is a light blue, so that it reads as text everywhere else.
EXCLUDED = ["[data-testid=stMultiSelectTagsContainer]"]


def axe_violations(page: Page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now (outside ``EXCLUDED``)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async ([tags, excluded]) => {
            const result = await axe.run({ exclude: excluded }, { runOnly: { type: "tag", values: tags } });
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
            }));
        }""",
        [WCAG_AA, EXCLUDED],
    )


def open_settled(page: Page, url: str, open_app) -> None:
    """Open a page and wait until its charts have drawn (they draw after the script finishes)."""
    open_app(page, url)
    for chart in page.locator(CHARTS).all():
        if chart.is_visible():
            chart.locator("svg").first.wait_for(state="attached", timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path or "overview" for spec in PAGES])
def test_no_serious_accessibility_violation(
    browser: Browser, app_url: str, open_app, save_screenshot, spec, scheme: str
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, color_scheme=scheme)
    page = context.new_page()
    try:
        open_settled(page, f"{app_url}/{spec.url_path}", open_app)
        save_screenshot(page, f"a11y-{spec.url_path or 'overview'}-{scheme}")
        blocking = [violation for violation in axe_violations(page) if violation["impact"] in BLOCKING]
        assert not blocking, "\n".join(
            f"{v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in blocking
        )
    finally:
        context.close()


@pytest.mark.parametrize("path", ["timeline", "figures", "map"])
def test_every_chart_has_a_text_alternative(page: Page, app_url: str, open_app, path: str) -> None:
    open_settled(page, f"{app_url}/{path}", open_app)
    # A chart mounts after the script has finished: on a busy machine, later than the page settles.
    page.locator(CHARTS).first.wait_for(state="visible", timeout=TIMEOUT_MS)
    charts = [chart for chart in page.locator(CHARTS).all() if chart.is_visible()]
    assert charts
    for chart in charts:
        # Streamlit puts the alt text on the chart (Plotly) or on Vega's SVG document as its accessible name.
        named = chart.locator("[aria-label]").first if not chart.get_attribute("aria-label") else chart
        label = named.get_attribute("aria-label") or ""
        assert len(label) > 20, f"a chart with no useful text alternative: {label!r}"


def test_page_links_show_keyboard_focus(page: Page, app_url: str, open_app) -> None:
    open_app(page, app_url)
    link = page.get_by_test_id("stSidebarNav").get_by_role("link").nth(1)
    # Reach it with the keyboard, as a reader would (a focus ring may show only for keyboard focus).
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    style = link.evaluate(
        "(el) => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"
    )
    outline_style, outline_width, shadow = style
    assert (outline_style != "none" and outline_width != "0px") or shadow != "none", style
