"""Timeline 1953–2025: one lane per state, coloured by category; select an event to read its sources."""

from __future__ import annotations

import streamlit as st

from components.render import current_view, empty_state
from components.selection import EVENT_KEY, follow_event_clicks, selected_place, show_in_url
from components.timeline import (
    CHART_KEY,
    event_detail,
    event_table,
    place_note,
    timeline_caption,
    timeline_chart,
    too_many_to_draw,
)
from monitor.aggregate import listed_events, with_event
from monitor.filtering import events_at_place

view = current_view()
dataset = view.dataset
show_in_url()
follow_event_clicks(CHART_KEY)
place = selected_place(dataset)
shown = events_at_place(view.events, place)
selected = st.session_state.get(EVENT_KEY)

st.title("Timeline 1953–2025")
timeline_caption(len(shown))
if place:
    place_note(dataset, place)
if shown.empty:
    empty_state("events")
    st.stop()

listed = listed_events(dataset, shown)
chart_tab, table_tab = st.tabs(["Chart", "Table"])
with chart_tab:
    timeline_chart(dataset, shown, (view.filters.start, view.filters.end), selected)
with table_tab:
    event_table(listed, len(shown))
event_detail(dataset, with_event(dataset, listed, shown, selected), too_many_to_draw(len(shown)))
