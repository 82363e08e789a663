"""Use your own data: upload CSVs in the same schema, kept in this session only."""

from __future__ import annotations

import streamlit as st

st.title("Use your own data")
st.info("Coming soon: upload CSV files in the dashboard's schema.", icon=":material/upload_file:")
