"""DPRK–Russia Alignment Monitor: navigation, data loading and the filters every page shares."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from components.data import current_dataset, release_previous_rerun, session_upload, show_data_error
from components.filters import sidebar_filters
from components.navigation import navigation
from components.render import render_page_end, show_notices
from components.selection import sync_from_url
from components.style import apply_style
from monitor import DataValidationError
from monitor.filtering import apply_filters
from monitor.process import configure_process

configure_process()  # process-wide choices (Arrow's allocator, the csv field limit); safe on every rerun

st.set_page_config(
    page_title="DPRK–Russia Alignment Monitor",
    page_icon=str(Path(__file__).parent / "static" / "icon.png"),
    layout="wide",
)

pages = navigation()
apply_style()

loaded = current_dataset()
if isinstance(loaded, DataValidationError):
    show_data_error(loaded)
    st.stop()

show_notices(st.sidebar, loaded)
sync_from_url(loaded)
# The previous rerun's view goes first, so a large dataset never holds two filtered copies at once.
st.session_state.pop("view", None)
release_previous_rerun(loaded)
view = apply_filters(loaded, sidebar_filters(loaded))
uploaded = session_upload() is not None
if uploaded:
    st.sidebar.caption("Data: your upload (this session only)")
st.sidebar.caption(view.summary)
st.session_state["view"] = view
# Every page ends with how to cite it and the footer. Drawn into a slot below the page before the page runs, so a
# page that stops early (st.stop) still has them; drawn again after it, with what the page put in the URL.
page_area, page_end = st.container(), st.empty()
render_page_end(page_end, loaded, pages.title, pages.url_path)
try:
    with page_area:
        pages.run()
    render_page_end(page_end, loaded, pages.title, pages.url_path)
finally:
    if uploaded:
        # An upload is held by the upload store alone, so a closed tab's data goes soon after its session
        # (components/data.py); the session state Streamlit keeps for a reconnection must not hold it too.
        st.session_state.pop("view", None)
