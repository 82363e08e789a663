"""Map: where the events happened, and the people North Korea sent, drawn on a vendored basemap."""

from __future__ import annotations

import streamlit as st

from components.chart_export import map_alt, show_vega
from components.maps import INSET_BBOX, REGION_BBOX, inside, map_chart
from components.render import current_view, empty_state, escape, page_of
from components.selection import select_place, selected_event, selected_place, show_in_url
from monitor.claims import movement_flows
from monitor.events import place_event_counts, with_labels
from monitor.labels import metric_label

view = current_view()
dataset = view.dataset
show_in_url()

st.title("Map")
st.caption(
    "Circles: places of the events in the filter, sized by event count. Arcs: people sent from North Korea as "
    "reported (vermillion: troops; amber: reconstruction personnel; pink: workers); an arc's width follows the "
    "highest figure reported for that destination, and the Tables tab gives the full range. Borders: Natural Earth "
    "1:50m (public domain), which draws Crimea as part of Russia. Click a circle to list its events (the timeline "
    "then shows only that place); double-click to clear. Once a place is selected, or an event on the timeline, "
    "its place stays vermillion and the others turn blue."
)
places = place_event_counts(dataset, view.events)
flows = movement_flows(dataset, view.claims)
if places.empty and flows.empty:
    empty_state("events or figures")
    st.stop()

for key in ("map", "inset"):
    # A new click on either map selects its place; clearing that map's selection clears it.
    chosen = st.session_state.get(key, {}).get("selection", {}).get("place", [])
    clicked = chosen[0]["place_id"] if chosen else None
    if clicked != st.session_state.get(f"{key}_last_pick"):
        st.session_state[f"{key}_last_pick"] = clicked
        select_place(clicked)
picked = selected_place(dataset)
event = selected_event(dataset)
ringed = picked or (event["place_id"] if event is not None and isinstance(event["place_id"], str) else None)
map_tab, table_tab = st.tabs(["Map", "Tables"])
with map_tab:
    main_map = map_chart(
        places,
        flows,
        selected_place=ringed,
        outline=INSET_BBOX,
        height=470,
        title="Eastern Europe to the Pacific (dashed box: the inset below)",
    )
    # The spec is a plain dict; the basemap is loaded by URL from static/, so a rerun sends only the places.
    show_vega(main_map, dataset, on_select="rerun", key="map", alt=map_alt(main_map, places, flows))
    elsewhere = places.loc[~inside(places, REGION_BBOX)]
    if not elsewhere.empty:
        st.caption(
            "Outside the map: "
            + ", ".join(f"{escape(row.name)} ({row.events})" for row in elsewhere.itertuples(index=False))
        )
    inset_column, events_column = st.columns(2, gap="medium")
    with inset_column:
        inset_map = map_chart(
            places,
            flows,
            bbox=INSET_BBOX,
            selected_place=ringed,
            height=440,
            title="Korean peninsula and Russian Far East",
        )
        show_vega(inset_map, dataset, on_select="rerun", key="inset", alt=map_alt(inset_map, places, flows))
with table_tab:
    st.dataframe(
        page_of(places, "places_page", "places")[
            ["name", "name_local", "country", "kind", "events", "lat", "lon", "notes"]
        ],
        hide_index=True,
        width="stretch",
    )
    if not flows.empty:
        st.dataframe(
            page_of(flows.sort_values("highest", ascending=False), "flows_page", "flows").assign(
                what=lambda rows: rows["metric"].map(metric_label)
            )[["what", "place", "lowest", "highest", "claims"]],
            hide_index=True,
            width="stretch",
            column_config={
                "lowest": st.column_config.NumberColumn(format="localized"),
                "highest": st.column_config.NumberColumn(format="localized"),
            },
        )

with events_column:
    if picked:
        name = dataset.indexed("places").at[picked, "name"]
        st.subheader(f"Events at {escape(name)}", anchor=False)
        at_place = view.events.loc[view.events["place_id"] == picked].sort_values("date_start")
        events = with_labels(dataset, page_of(at_place, "place_events_page", "events"))
        st.dataframe(events[["when", "title", "category", "status"]], hide_index=True, width="stretch")
    else:
        if event is not None:
            st.caption(f"Selected on the timeline: {escape(event['title'])}")
        st.info("Click a place on either map to list its events here.", icon=":material/touch_app:")
