"""Cite this: every page ends with a citation of its view (version, cut-off, its URL with the filters) and the
footer; a claim's permalink (?claim=<id>) opens its card on the explorer, an event's (?event=<id>) its own."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import pytest
from apptest import PAGES, open_page

from components.page_registry import PAGES as REGISTERED
from components.render import escape
from monitor import data_dir, load_dataset
from monitor.citation import data_cutoff, day_text, footer_text

URL_PATHS = {page.path: page.url_path for page in REGISTERED}
TITLES = {page.path: page.title for page in REGISTERED}
CLAIM = "dod-2024-11-04-troops-kursk"
CURATED = load_dataset(data_dir())
VERSION, CUTOFF = CURATED.version, day_text(data_cutoff(CURATED))


def codes(app) -> list[str]:
    return [element.value for element in app.code]


def view_citation(app) -> str:
    return next(text for text in codes(app) if text.startswith("DPRK–Russia Alignment Monitor, “"))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_ends_with_a_citation_of_its_view_and_the_footer(page):
    app = open_page(page)
    assert not app.exception, app.exception
    citation = view_citation(app)
    assert f"“{TITLES[page]}”" in citation
    assert f"dataset version {VERSION}, data to {CUTOFF}; CC BY 4.0" in citation
    # The page's own address, with whatever it keeps in the URL (the story's step is its ?event=).
    assert re.search(rf"http://localhost:8501/{URL_PATHS[page]}(\?\S+)? \(accessed ", citation), citation
    footer = escape(footer_text(CURATED))
    assert app.main.caption[-1].value == footer == escape(f"Data to {CUTOFF} · version {VERSION} · CC BY 4.0")


def test_the_view_url_is_the_query_string_of_the_current_filters(monkeypatch):
    monkeypatch.setenv("MONITOR_BASE_URL", "https://monitor.example.org/")
    # The address bar's own query string, as the browser sends it with each rerun (AppTest has no browser to
    # update it when a widget changes: tests/browser/test_take_away.py checks that path).
    app = open_page("pages/overview.py", {"actor": ["North Korea", "Russia"]})
    assert not app.exception, app.exception
    assert app.sidebar.multiselect(key="actor").value == ["PRK", "RUS"]
    assert "https://monitor.example.org/?actor=North+Korea&actor=Russia (accessed" in view_citation(app)


def test_a_widget_just_changed_is_in_the_citation_as_the_address_bar_will_show_it():
    app = open_page("pages/figures.py")
    app.sidebar.multiselect(key="actor").set_value(["PRK", "RUS"]).run()
    app.toggle(key="parties").set_value(False).run()
    assert not app.exception, app.exception
    url = re.search(r"http://localhost:8501/figures\?(\S+) ", view_citation(app))
    assert url and parse_qs(url[1]) == {"actor": ["North Korea", "Russia"], "parties": ["false"]}
    app.sidebar.multiselect(key="actor").set_value([]).run()  # back to its default: it leaves the address
    assert "actor=" not in view_citation(app)


def test_a_page_that_stops_early_still_ends_with_the_citation():
    app = open_page("pages/figures.py", {"actor": ["Mikhail Gorbachev"]})  # no figures: the page stops early
    assert not app.exception, app.exception
    assert any("No troops deployed figures match" in element.value for element in app.info)
    assert "/figures?actor=Mikhail+Gorbachev (accessed" in view_citation(app)


def test_a_claim_permalink_opens_its_card_with_its_sources_and_citation():
    app = open_page("pages/explorer.py", {"claim": CLAIM})
    assert not app.exception, app.exception
    assert app.tabs[0].label.startswith("Claims")
    assert [header.value for header in app.subheader] == ["at least 10,000 — troops deployed, in place"]
    record = next(text for text in codes(app) if f"({CLAIM})" in text)
    assert f"http://localhost:8501/explorer?claim={CLAIM}" in record
    assert f"dataset version {VERSION}" in record
    assert any(element.value == "**Sources**" for element in app.markdown)


def test_an_unknown_claim_in_a_link_is_said_and_dropped():
    app = open_page("pages/explorer.py", {"claim": "no-such-claim"})
    assert not app.exception, app.exception
    assert f"No claim {escape('no-such-claim')} in this dataset." in [warning.value for warning in app.warning]
    assert "claim" not in app.query_params
    assert not app.subheader


def test_an_event_permalink_opens_its_card_on_the_explorer():
    event = load_dataset(data_dir()).events.iloc[0]
    app = open_page("pages/explorer.py", {"event": event["event_id"]})
    assert not app.exception, app.exception
    assert escape(event["title"]) in [header.value for header in app.subheader]
    record = next(text for text in codes(app) if f"({event['event_id']})" in text)
    assert f"/explorer?event={event['event_id']}" in record


def test_the_sources_page_offers_the_whole_dataset_in_one_click():
    app = open_page("pages/sources.py")
    assert not app.exception, app.exception
    labels = [button.label for button in app.get("download_button")]
    assert f"Download the whole dataset (version {VERSION}, zip)" in labels
