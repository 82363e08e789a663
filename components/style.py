"""The app's one stylesheet: a visible keyboard focus ring on the sidebar's page links (WCAG 2.4.7).

Streamlit draws no outline when a page link has keyboard focus, and no theme option adds one. This is the only
place the app passes HTML to Streamlit: a constant written here, never data (tests/test_security.py checks).
"""

from __future__ import annotations

import streamlit as st

FOCUS_STYLE = """<style>
[data-testid="stSidebarNav"] a:focus-visible {
  outline: 2px solid var(--st-primary-color, #0072B2);
  outline-offset: 2px;
  border-radius: 0.4rem;
}
</style>"""


def apply_style() -> None:
    st.html(FOCUS_STYLE)
