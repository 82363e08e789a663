"""Charts save as PNG and SVG in the browser, with their title and source line drawn into the image."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

SOURCE = "Source: DPRK–Russia Alignment Monitor v"
TIMEOUT_MS = 30_000


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def save(page: Page, chart_key: str, fmt: str, folder: Path) -> Path:
    buttons = page.locator(f".st-key-{chart_key}-save")
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        buttons.get_by_role("button", name=f"as {fmt.upper()}").click()
    path = folder / download.value.suggested_filename
    download.value.save_as(path)
    return path


@pytest.mark.parametrize(
    ("path", "chart_key", "stem"), [("figures", "figures_chart", "troops-deployed-figures-over-time")]
)
def test_a_plotly_chart_saves_as_png_and_svg_with_its_source_line(
    page: Page, app_url: str, open_app, tmp_path: Path, path: str, chart_key: str, stem: str
) -> None:
    open_app(page, f"{app_url}/{path}")
    chart = page.locator(f".st-key-{chart_key} .js-plotly-plot")
    chart.locator(".main-svg").first.wait_for(state="attached", timeout=TIMEOUT_MS)
    svg = save(page, chart_key, "svg", tmp_path)
    assert svg.name == f"{stem}.svg"
    text = svg.read_text(encoding="utf-8")
    assert SOURCE in text and "figures as reported by each claimant" in text
    assert "Troops deployed: figures over time" in text
    png = save(page, chart_key, "png", tmp_path)
    box = chart.bounding_box()
    width, height = png_size(png)
    # Saved at twice the size drawn, so it stays sharp on a slide.
    assert abs(width - 2 * box["width"]) <= 4 and abs(height - 2 * box["height"]) <= 4, (width, height, box)


def test_the_map_saves_as_png_and_svg_with_its_source_line(page: Page, app_url: str, open_app, tmp_path: Path) -> None:
    open_app(page, f"{app_url}/map")
    chart = page.locator(".st-key-map svg.marks")
    page.locator(".st-key-map svg g.mark-symbol path").first.wait_for(state="attached", timeout=TIMEOUT_MS)
    svg = save(page, "map", "svg", tmp_path)
    text = svg.read_text(encoding="utf-8")
    assert SOURCE in text and "figures as reported by each claimant" in text
    png = save(page, "map", "png", tmp_path)
    box = chart.bounding_box()
    width, height = png_size(png)
    assert abs(width - 2 * box["width"]) <= 4 and abs(height - 2 * box["height"]) <= 4, (width, height, box)


def test_the_story_map_saves_though_it_has_no_key_class(page: Page, app_url: str, open_app, tmp_path: Path) -> None:
    open_app(page, f"{app_url}/story?step=16")
    page.get_by_role("tab", name="Map").click()
    page.get_by_role("tabpanel").locator("svg g.mark-symbol path").first.wait_for(state="attached", timeout=TIMEOUT_MS)
    svg = save(page, "story_map", "svg", tmp_path)
    text = svg.read_text(encoding="utf-8")
    assert "Where it happened: Seoul" in text and SOURCE in text
