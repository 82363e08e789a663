"""Small render functions shared by pages. Data text is always escaped Markdown or a table cell,
never HTML, and only http(s) links are ever made clickable."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.cite import render_record_citation, render_view_citation
from components.navigation import leave_legacy_mode
from monitor.changelog import summary_blocks
from monitor.citation import footer_text
from monitor.events import event_sources, find_event
from monitor.export import csv_bytes, json_bytes
from monitor.filtering import EVENT_DETAIL_COLUMNS, View
from monitor.labels import date_label
from monitor.loading import Dataset
from monitor.schema import is_web_url, list_cells

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=])")


def current_view() -> View:
    """The filtered view app.py computed for this rerun."""
    if "view" not in st.session_state:
        # A deep-linked page run without app.py (Streamlit's legacy pages/ mode): rerun through app.py.
        leave_legacy_mode()
        st.rerun()
    return st.session_state["view"]


def safe_url(url: object) -> str | None:
    """The URL if it passes the schema's link rule, else None: a javascript: or data: link, or one that could
    end a Markdown link early, never becomes clickable (the rule is applied again here: a cache or a test
    fixture may hand over rows the validator never saw)."""
    return url if is_web_url(url) else None


# Streamlit's Markdown (remark-gfm) turns bare URLs, "www." names and e-mail addresses in text into links
# after escapes are read, so a backslash cannot stop it; an invisible word joiner inside the pattern does.
_AUTOLINKS = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)")
_WORD_JOINER = "\u2060"


def escape(text: object) -> str:
    """Data text as literal Markdown: no formatting, links (bare URLs included) or HTML can sneak in."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", _AUTOLINKS.sub(_WORD_JOINER, str(text)))


def dash_if_missing(values: pd.Series) -> pd.Series:
    """Cells with no value (a total's place, an event with no recorded place) as a dash: a table's grey "None"
    reads as a value lost by mistake."""
    text = values.astype(object)
    return text.where(values.notna() & (text != ""), "—")


def link_column(label: str = "Link") -> st.column_config.LinkColumn:
    return st.column_config.LinkColumn(label, display_text="open ↗", validate=r"^https?://")


def with_safe_links(frame: pd.DataFrame, column: str = "url") -> pd.DataFrame:
    """Blank any non-http(s) URL before a table turns it into a link."""
    return frame.assign(**{column: frame[column].map(safe_url)})


def nothing_to_show(message: str) -> None:
    """A page whose data has nothing of its kind (an empty table, whatever the filters)."""
    st.info(f"Nothing to show: {message}", icon=":material/info:")


def empty_state(what: str) -> None:
    st.info(
        f"No {what} match the current filters. Widen the period or clear some actors in the sidebar.",
        icon=":material/filter_alt_off:",
    )


def render_sources_list(sources: pd.DataFrame) -> None:
    """Each source as publisher, date, link and the excerpt we quote from it."""
    for source in sources.itertuples(index=False):
        published = source.published.strftime("%-d %b %Y") if not pd.isna(source.published) else "date unknown"
        url = safe_url(source.url)
        title = escape(source.title)
        heading = f"[{title}]({url})" if url else title
        st.markdown(f"- **{escape(source.publisher)}**, {published}: {heading}")
        if isinstance(source.notes, str):
            st.caption(escape(source.notes))


def render_event_detail(dataset: Dataset, event: pd.Series) -> None:
    """Summary, actors, place and every source of one event (a row of the dataset or of a view)."""
    if not set(EVENT_DETAIL_COLUMNS) <= set(event.index):
        event = find_event(dataset, event["event_id"])  # a view's row lacks the text columns
    names = dataset.indexed("actors")["name"]
    places = dataset.indexed("places")["name"]
    when = date_label(event["date_start"], event["date_end"], event["date_precision"])
    st.subheader(escape(event["title"]), anchor=False)
    place = (
        places.get(event["place_id"], "no single place") if isinstance(event["place_id"], str) else "no single place"
    )
    st.caption(
        f"{escape(when)} · {escape(event['category'])} · {escape(place)} · status: {escape(event['status'])}"
        f" · precision: {escape(event['date_precision'])}"
    )
    st.markdown(escape(event["summary"]))
    st.markdown("**Actors:** " + ", ".join(escape(names.get(actor, actor)) for actor in event["actors"]))
    if isinstance(event["excerpt"], str):
        first = dataset.indexed("sources").loc[event["source_ids"][0]]
        st.markdown(f"> {escape(event['excerpt'])}\n>\n> — {escape(first['publisher'])}")
    if isinstance(event["notes"], str):
        st.markdown(f"**Where sources differ:** {escape(event['notes'])}")
    st.markdown("**Sources**")
    render_sources_list(event_sources(dataset, event["event_id"]))
    render_record_citation(dataset, "event", event["event_id"], event["title"])


def render_latest_changes(dataset: Dataset) -> None:
    """The newest changelog section: its summary on the page, every row-by-row change in a download."""
    with st.expander(f"What changed in version {escape(dataset.version)} (from data/CHANGELOG.md)", expanded=True):
        for block in summary_blocks(dataset.latest_changes):
            if block.kind == "heading":
                st.markdown(f"**{escape(block.text)}**")
            else:
                st.markdown(("- " if block.kind == "item" else "") + escape(block.text))
        st.download_button(
            "Download every change, row by row (Markdown)",
            data=dataset.latest_changes.encode("utf-8"),
            file_name=f"changes-{dataset.version}.md",
            mime="text/markdown",
            icon=":material/download:",
            key="download_changes",
        )


def render_page_end(slot: DeltaGenerator, dataset: Dataset, page_title: str, url_path: str) -> None:
    """The end of every page (app.py): how to cite the view, then the footer (cut-off, version, licence). ``slot``
    is an ``st.empty``: drawing again replaces what it held."""
    with slot.container():
        st.divider()
        render_view_citation(dataset, page_title, url_path)
        st.caption(escape(footer_text(dataset)))


def show_notices(container: DeltaGenerator, dataset: Dataset) -> None:
    """What the loader read differently (a file in an older format), as warnings: nothing is silently assumed."""
    for notice in dataset.notices:
        container.warning(escape(notice), icon=":material/warning:")


PAGE_ROWS = 500
# A page of rows that each carry a paragraph (an event's summary, a comparison's "who says what": ~2 kB each with
# text as long as ours): 500 of them sent 1.0-1.1 MB a rerun.
PROSE_PAGE_ROWS = 200
DOWNLOAD_MAX_ROWS = 100_000  # a bigger export would not fit a small server's memory: narrow the filters instead


def page_of(
    frame: pd.DataFrame, key: str, what: str, order: np.ndarray | None = None, page_rows: int = PAGE_ROWS
) -> pd.DataFrame:
    """The rows of one page of a long table (in ``order``, row positions, when given), with a page picker
    when there is more than one page. A table never sends more than ``page_rows`` rows, however many match,
    and only the page's rows are copied."""
    pages = max(1, -(-len(frame) // page_rows))
    first, last = 0, len(frame)
    if pages > 1:
        picker, note = st.columns([1, 4], vertical_alignment="bottom")
        number = picker.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, value=1, step=1, key=key)
        first = (min(int(number), pages) - 1) * page_rows
        last = min(first + page_rows, len(frame))
        note.caption(f"{what.capitalize()} {first + 1:,}–{last:,} of {len(frame):,}.")
    return frame.iloc[order[first:last]] if order is not None else frame.iloc[first:last]


def with_lists_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """List columns as ';'-joined text, as in the CSV files: exports read back the same, and a table shows
    (and serialises) plain text instead of Arrow lists."""
    lists = [column for column in frame.columns if isinstance(frame[column].dtype, pd.ArrowDtype)]
    joined = {column: list_cells(frame[column]) for column in lists}
    return frame.assign(**joined) if joined else frame


def download_buttons(build: Callable[[int], pd.DataFrame], rows: int, name: str, key: str) -> None:
    """CSV and JSON downloads of every matching row (up to DOWNLOAD_MAX_ROWS), built only when a button is
    clicked: a rerun never formats a large table for a download nobody asked for. ``build(n)`` gives the first
    n rows as they should be exported."""
    limit = min(rows, DOWNLOAD_MAX_ROWS)
    what = f"{rows:,} rows" if rows == limit else f"the first {limit:,} of {rows:,} rows"
    left, right = st.columns(2)
    left.download_button(
        f"Download {what} as CSV",
        lambda: csv_bytes(with_lists_as_text(build(limit))),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}-csv",
        icon=":material/download:",
    )
    right.download_button(
        f"Download {what} as JSON",
        lambda: json_bytes(with_lists_as_text(build(limit))),
        file_name=f"{name}.json",
        mime="application/json",
        key=f"{key}-json",
        icon=":material/download:",
    )
