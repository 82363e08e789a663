"""Map: where the events happened, and the people North Korea sent, drawn on a vendored basemap."""

from __future__ import annotations

import streamlit as st

from components.maps import basemap_features, map_chart
from components.render import current_view, empty_state
from monitor.derived import METRIC_LABELS, movement_flows, place_event_counts, with_labels

view = current_view()
dataset = view.dataset

st.title("Map")
st.caption(
    "Circles: places of the events in the filter, sized by event count. Arcs: people sent from North Korea, "
    "as reported; the width follows the highest figure reported for that destination, and the table gives the "
    "full range. Borders: Natural Earth 1:50m (public domain), which draws Crimea as part of Russia. "
    "Click a circle to list its events; double-click to clear."
)
places = place_event_counts(dataset, view.events)
flows = movement_flows(dataset, view.claims)
if places.empty and flows.empty:
    empty_state("events or figures")
    st.stop()

selected = st.session_state.get("map_chart", {}).get("selection", {}).get("place", [])
selected_place = selected[0]["place_id"] if selected else None
chart_tab, table_tab = st.tabs(["Map", "Tables"])
with chart_tab:
    state = st.altair_chart(
        map_chart(basemap_features(), places, flows, selected_place),
        on_select="rerun",
        key="map_chart",
        width="stretch",
    )
with table_tab:
    st.dataframe(
        places[["name", "name_local", "country", "kind", "events", "lat", "lon"]], hide_index=True, width="stretch"
    )
    if not flows.empty:
        st.dataframe(
            flows.assign(what=flows["metric"].map(METRIC_LABELS))[["what", "place", "lowest", "highest", "claims"]],
            hide_index=True,
            width="stretch",
            column_config={
                "lowest": st.column_config.NumberColumn(format="localized"),
                "highest": st.column_config.NumberColumn(format="localized"),
            },
        )

picked = state.selection.get("place", []) if state else []
if picked:
    place_id = picked[0]["place_id"]
    name = dataset.places.set_index("place_id").at[place_id, "name"]
    st.subheader(f"Events at {name}", anchor=False)
    events = with_labels(dataset, view.events.loc[view.events["place_id"] == place_id]).sort_values("date_start")
    st.dataframe(events[["when", "title", "category", "status"]], hide_index=True, width="stretch")
