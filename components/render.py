"""Small render functions shared by pages. Data text is always escaped Markdown or a table cell,
never HTML, and only http(s) links are ever made clickable."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from monitor.derived import date_label, event_sources
from monitor.filtering import View
from monitor.loading import Dataset
from monitor.schema import URL_PATTERN

_SAFE_URL = re.compile(URL_PATTERN)
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=])")


def current_view() -> View:
    """The filtered view app.py computed for this rerun."""
    if "view" not in st.session_state:
        # Until some run has called st.navigation, Streamlit treats a pages/ folder the legacy way and runs a
        # deep-linked page (/map) without app.py. Leave that mode for good and rerun through app.py.
        PagesManager.uses_pages_directory = False
        st.rerun()
    return st.session_state["view"]


def safe_url(url: object) -> str | None:
    """The URL if it is http(s), else None: a javascript: or data: link never becomes clickable."""
    return url if isinstance(url, str) and _SAFE_URL.match(url) else None


def escape(text: object) -> str:
    """Data text as literal Markdown: no formatting, links or HTML can sneak in."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))


def link_column(label: str = "Link") -> st.column_config.LinkColumn:
    return st.column_config.LinkColumn(label, display_text="open ↗", validate=r"^https?://")


def with_safe_links(frame: pd.DataFrame, column: str = "url") -> pd.DataFrame:
    """Blank any non-http(s) URL before a table turns it into a link."""
    return frame.assign(**{column: frame[column].map(safe_url)})


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
    """Summary, actors, place and every source of one event."""
    names = dataset.actors.set_index("actor_id")["name"]
    places = dataset.places.set_index("place_id")["name"]
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
        first = dataset.sources.set_index("source_id").loc[event["source_ids"][0]]
        st.markdown(f"> {escape(event['excerpt'])}\n>\n> — {escape(first['publisher'])}")
    if isinstance(event["notes"], str):
        st.markdown(f"**Where sources differ:** {escape(event['notes'])}")
    st.markdown("**Sources**")
    render_sources_list(event_sources(dataset, event["event_id"]))


def download_buttons(frame: pd.DataFrame, name: str, key: str) -> None:
    """CSV and JSON downloads of exactly the rows and columns shown."""
    export = frame.copy()
    for column in export.columns:
        if export[column].map(lambda value: isinstance(value, tuple)).any():
            export[column] = export[column].map(lambda value: ";".join(value) if isinstance(value, tuple) else value)
    left, right = st.columns(2)
    left.download_button(
        f"Download {len(export)} rows as CSV",
        export.to_csv(index=False).encode("utf-8"),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}-csv",
        icon=":material/download:",
    )
    right.download_button(
        f"Download {len(export)} rows as JSON",
        export.to_json(orient="records", date_format="iso", force_ascii=False, indent=1).encode("utf-8"),
        file_name=f"{name}.json",
        mime="application/json",
        key=f"{key}-json",
        icon=":material/download:",
    )
