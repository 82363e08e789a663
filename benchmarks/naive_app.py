"""A deliberately naive dashboard over the same CSV files: the baseline the app is compared with.

What a first version would do: ``st.cache_data`` around ``pandas.read_csv`` (no validation), the period and
actor filters in plain pandas (an ``apply`` over the split actor lists), a plotly express scatter of every
filtered event and ``st.dataframe`` of every filtered event. Same widget keys and option values as app.py's
sidebar, so the benchmark worker drives both the same way.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import plotly.express as px
import streamlit as st

DATA_DIR = Path(os.environ.get("MONITOR_DATA_DIR") or Path(__file__).resolve().parents[1] / "data")


@st.cache_data
def load(folder: str) -> dict[str, pd.DataFrame]:
    path = Path(folder)
    return {
        "events": pd.read_csv(path / "events.csv", parse_dates=["date_start", "date_end"]),
        "claims": pd.read_csv(path / "claims.csv", parse_dates=["as_of", "reported_on"]),
        "sources": pd.read_csv(path / "sources.csv"),
        "actors": pd.read_csv(path / "actors.csv"),
        "places": pd.read_csv(path / "places.csv"),
    }


def periods() -> list[str]:
    years = list(range(2025, 1952, -1))
    decades = sorted({year // 10 * 10 for year in years}, reverse=True)
    months = [f"{year}-{month:02d}" for year in years for month in range(12, 0, -1)]
    return ["all", *(f"{decade}s" for decade in decades), *map(str, years), *months]


def bounds(period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    if period == "all":
        return pd.Timestamp("1953-01-01"), pd.Timestamp("2025-12-31")
    if period.endswith("s"):
        start = pd.Timestamp(f"{period[:4]}-01-01")
        return start, start + pd.DateOffset(years=10) - pd.Timedelta(days=1)
    if "-" in period:
        start = pd.Timestamp(f"{period}-01")
        return start, start + pd.offsets.MonthEnd(0)
    return pd.Timestamp(f"{period}-01-01"), pd.Timestamp(f"{period}-12-31")


tables = load(str(DATA_DIR))
events, actors = tables["events"], tables["actors"]
names = dict(zip(actors["actor_id"], actors["name"], strict=True))

with st.sidebar:
    chosen = st.multiselect("Actors", list(actors["actor_id"]), key="actor", format_func=lambda a: names.get(a, a))
    period = st.selectbox("Period", periods(), key="period")

start, end = bounds(period)
shown = events[(events["date_start"] >= start) & (events["date_start"] <= end)]
if chosen:
    shown = shown[shown["actors"].str.split(";").apply(lambda ids: any(actor in chosen for actor in ids))]
st.sidebar.caption(f"showing {len(shown)} of {len(events)} events")

st.title("DPRK–Russia events (naive baseline)")
st.plotly_chart(
    px.scatter(shown, x="date_start", y="category", color="category", hover_data=["title", "actors"]),
    width="stretch",
)
st.dataframe(shown, width="stretch")
