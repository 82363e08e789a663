"""Map: where the events happened, and the people North Korea sent, drawn on a vendored basemap."""

from __future__ import annotations

import streamlit as st

from components.maps import CLICK_KEYS, render_map_tables, render_maps, render_place_events, ringed_place
from components.render import current_view, empty_state
from components.selection import follow_place_clicks, selected_event, selected_place, show_in_url
from monitor.claims import movement_flows
from monitor.events import place_event_counts

view = current_view()
dataset = view.dataset
show_in_url()

st.title("Map")
st.caption(
    "Circles: places of the events in the filter. Arcs: people sent from North Korea as reported, as wide as the "
    "highest figure for that destination (the Tables tab gives the full range). Borders: Natural Earth 1:50m "
    "(public domain), which draws Crimea as part of Russia. Click a circle to list its events (the timeline then "
    "shows only that place); double-click to clear."
)
places = place_event_counts(dataset, view.events)
flows = movement_flows(dataset, view.claims)
if places.empty and flows.empty:
    empty_state("events or figures")
    st.stop()

for key in CLICK_KEYS:
    follow_place_clicks(key)
picked = selected_place(dataset)
event = selected_event(dataset)
ringed = ringed_place(picked, event)

map_tab, table_tab = st.tabs(["Map", "Tables"])
with map_tab:
    render_maps(dataset, places, flows, ringed)
    render_place_events(view, ringed, event)
with table_tab:
    render_map_tables(places, flows)
