"""DPRK–Russia Alignment Monitor: navigation, data loading and the filters every page shares."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from components.data import UPLOAD_KEY, current_dataset, release_previous_rerun, show_data_error
from components.filters import sidebar_filters
from components.selection import sync_from_url
from monitor import DataValidationError
from monitor.filtering import apply_filters

PAGES = Path(__file__).parent / "pages"

st.set_page_config(
    page_title="DPRK–Russia Alignment Monitor",
    page_icon=str(Path(__file__).parent / "static" / "icon.png"),
    layout="wide",
)

navigation = st.navigation(
    [
        st.Page(PAGES / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page(PAGES / "timeline.py", title="Timeline 1953–2025", icon=":material/timeline:", url_path="timeline"),
        st.Page(PAGES / "map.py", title="Map", icon=":material/map:", url_path="map"),
        st.Page(PAGES / "figures.py", title="Troop figures by source", icon=":material/groups:", url_path="figures"),
        st.Page(
            PAGES / "disagreement.py",
            title="Where sources disagree",
            icon=":material/compare_arrows:",
            url_path="disagreement",
        ),
        st.Page(PAGES / "story.py", title="Story 1953–2025", icon=":material/auto_stories:", url_path="story"),
        st.Page(
            PAGES / "explorer.py", title="Claims and events explorer", icon=":material/table_view:", url_path="explorer"
        ),
        st.Page(PAGES / "sources.py", title="Sources and method", icon=":material/menu_book:", url_path="sources"),
        st.Page(PAGES / "upload.py", title="Use your own data", icon=":material/upload_file:", url_path="upload"),
    ]
)

loaded = current_dataset()
if isinstance(loaded, DataValidationError):
    show_data_error(loaded)
    st.stop()

sync_from_url(loaded)
# The previous rerun's view goes first, so a large dataset never holds two filtered copies at once.
st.session_state.pop("view", None)
release_previous_rerun(loaded)
view = apply_filters(loaded, sidebar_filters(loaded))
if st.session_state.get(UPLOAD_KEY) is not None:
    st.sidebar.caption("Data: your upload (this session only)")
st.sidebar.caption(view.summary)
st.session_state["view"] = view
navigation.run()
