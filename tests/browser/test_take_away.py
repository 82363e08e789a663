"""Citing and taking the data away, in a real browser: the citation names the version and the address bar's URL,
a claim's link opens its card, the whole dataset downloads as one zip, and a formula uploaded comes back inert."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from monitor import load_dataset
from monitor.citation import data_cutoff, day_text

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000
DATA = Path(__file__).resolve().parents[2] / "data"
HYPERLINK = '=HYPERLINK("http://x","y")'
CLAIM = "dod-2024-11-04-troops-kursk"
CURATED = load_dataset(DATA)
VERSION, CUTOFF = CURATED.version, day_text(data_cutoff(CURATED))


def view_citation(page: Page) -> Locator:
    """Open the 'Cite this view' expander and return its code block."""
    expander = page.get_by_test_id("stExpander").filter(has_text="Cite this view")
    expander.get_by_text("Cite this view").click()
    code = expander.get_by_test_id("stCode")
    expect(code).to_be_visible(timeout=TIMEOUT_MS)
    return code


def test_the_citation_names_the_version_and_the_url_of_the_view(page, app_url, open_app, save_screenshot):
    open_app(page, f"{app_url}/timeline?category=treaty")
    code = view_citation(page)
    expect(code).to_contain_text(f"dataset version {VERSION}, data to {CUTOFF}; CC BY 4.0")
    expect(code).to_contain_text(f"{app_url}/timeline?category=treaty (accessed")
    expect(page.get_by_text(f"Data to {CUTOFF} · version {VERSION} · CC BY 4.0")).to_be_visible()

    # A filter changed in the sidebar reaches the citation's URL, as the address bar shows it.
    actors = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text="Actors")
    actors.locator("input").click()
    actors.locator("input").fill("North Korea")
    page.get_by_role("option", name="North Korea", exact=True).click()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"actor=North\+Korea"), timeout=TIMEOUT_MS)
    expect(
        page.get_by_test_id("stExpander").filter(has_text="Cite this view").get_by_test_id("stCode")
    ).to_contain_text(re.compile(r"/timeline\?(?=.*category=treaty)(?=.*actor=North\+Korea)"), timeout=TIMEOUT_MS)
    save_screenshot(page, "cite-view")


def test_a_claim_link_opens_its_card_with_a_citation_that_links_back(page, app_url, open_app, save_screenshot):
    open_app(page, f"{app_url}/explorer?claim={CLAIM}")
    card = page.get_by_test_id("stVerticalBlock").filter(has=page.get_by_text("Cite this claim")).last
    expect(card.locator("h3")).to_have_text("at least 10,000 — troops deployed, in place", timeout=TIMEOUT_MS)
    expect(card.get_by_test_id("stCode")).to_contain_text(f"{app_url}/explorer?claim={CLAIM}")
    save_screenshot(page, "claim-card")


def test_the_sources_page_downloads_the_whole_dataset_with_its_descriptor(page, app_url, open_app):
    open_app(page, f"{app_url}/sources")
    with page.expect_download() as download_info:
        page.get_by_role("button", name=f"Download the whole dataset (version {VERSION}, zip)").click()
    download = download_info.value
    assert download.suggested_filename == f"dprk-russia-monitor-data-{VERSION}.zip"
    with zipfile.ZipFile(download.path()) as archive:
        names = archive.namelist()
        assert {"datapackage.json", "CHANGELOG.md", "LICENSE", "events.csv", "claims.csv"} <= set(names)
        assert json.loads(archive.read("datapackage.json"))["version"] == VERSION
        assert archive.read("CHANGELOG.md") == (DATA / "CHANGELOG.md").read_bytes()
        assert archive.read("events.csv").startswith(codecs.BOM_UTF8)


def events_with_a_formula() -> bytes:
    """The curated events.csv with the first event's summary replaced by a spreadsheet formula."""
    rows = list(csv.DictReader(io.StringIO((DATA / "events.csv").read_text(encoding="utf-8-sig"))))
    rows[0]["summary"] = HYPERLINK
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_a_formula_uploaded_comes_back_inert(page, app_url, open_app):
    open_app(page, f"{app_url}/upload")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        [{"name": "events.csv", "mimeType": "text/csv", "buffer": events_with_a_formula()}]
    )
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        "Every page now shows your upload", timeout=TIMEOUT_MS
    )
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download your dataset (zip)").click()
    with zipfile.ZipFile(download_info.value.path()) as archive:
        events = archive.read("events.csv")
    assert events.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(events.decode("utf-8-sig"), newline="")))
    assert rows[0]["summary"] == "'" + HYPERLINK  # an apostrophe first: a spreadsheet shows it as text
    assert not any(value.startswith("=") for row in rows for value in row.values())


def test_selecting_a_row_in_the_explorer_opens_that_record_and_puts_it_in_the_url(page, app_url, open_app):
    open_app(page, f"{app_url}/explorer?category=treaty")
    page.get_by_role("tab", name=re.compile(r"^Events \(\d+\)$")).click()
    grid = page.get_by_test_id("stDataFrame").filter(visible=True).first
    box = grid.bounding_box()
    assert box
    # The grid is drawn on a canvas: click the selection box of the first row (below the header row).
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)
    expect(page).to_have_url(re.compile(r"[?&]event=[\w-]+"), timeout=TIMEOUT_MS)
    event_id = re.search(r"[?&]event=([\w-]+)", page.url)[1]
    card = page.get_by_test_id("stVerticalBlock").filter(has=page.get_by_text("Cite this event")).last
    expect(card.get_by_test_id("stCode")).to_contain_text(f"/explorer?event={event_id}", timeout=TIMEOUT_MS)
