"""Story mode: a guided sequence through the key events, 1953–2025, read from data/story.csv."""

from __future__ import annotations

import streamlit as st

from components.chart_export import map_alt, show_plotly, show_vega
from components.charts import claimant_colours, figures_figure, timeline_figure
from components.maps import map_chart
from components.memo import built_for
from components.render import current_view, escape, render_event_detail
from components.selection import select_event
from components.story_steps import around_place, show_step_in_url, step_in_url
from monitor.claims import claimant_order, claims_with_claimants, movement_flows
from monitor.compare import HEADLINE_SCOPES
from monitor.events import event_lanes, key_events, place_event_counts, with_labels

view = current_view()
dataset = view.dataset
story = dataset.story.sort_values("step")

st.title("Story: 1953–2025 in key events")
if story.empty:
    st.info("This dataset has no story.csv, so there is no guided story to show.", icon=":material/menu_book:")
    st.stop()

steps = [int(step) for step in story["step"]]
# The URL's ?step= is written here, from the step shown, at the end of every run: a widget bound to the URL would
# race the ?event= this page also writes (fast keys left the page on one step and the link on another). A ?step=
# the page did not write itself (a shared link, the browser's back button) is taken as the step to show.
linked = step_in_url(steps)
if linked is not None:
    st.session_state["step"] = linked
if st.session_state.get("step") not in steps:
    st.session_state["step"] = steps[0]


def move(offset: int) -> None:
    position = steps.index(st.session_state["step"]) + offset
    st.session_state["step"] = steps[min(max(position, 0), len(steps) - 1)]


st.caption(
    "A fixed sequence through the record, one event per step; the sidebar filters do not apply here. "
    "Each step selects its event, so the timeline, map and figures pages open on it too."
)
back, picker, forward = st.columns([1, 4, 1], vertical_alignment="bottom")
back.button(
    "Previous",
    on_click=move,
    args=(-1,),
    icon=":material/arrow_back:",
    width="stretch",
    disabled=st.session_state["step"] == steps[0],
)
forward.button(
    "Next",
    on_click=move,
    args=(1,),
    icon=":material/arrow_forward:",
    width="stretch",
    disabled=st.session_state["step"] == steps[-1],
)
picker.select_slider("Step", options=steps, key="step")

current = story.loc[story["step"] == st.session_state["step"]].iloc[0]


def build_step(event_id: str) -> dict[str, object]:
    """Everything drawn for one step. It depends on the data alone (the sidebar filters do not apply here), so
    each step is built once per dataset and kept with it: a rerun of this page only sends what is built."""
    # Only the story's own events are labelled: the dataset may hold a million.
    events = with_labels(dataset, dataset.events.loc[dataset.events["event_id"].isin(story["event_id"])])
    event = events.loc[events["event_id"] == event_id].iloc[0]
    places = place_event_counts(dataset, dataset.events.loc[dataset.events["event_id"] == event_id])
    chart, chart_alt = None, ""
    if not places.empty:
        no_flows = movement_flows(dataset, dataset.claims.iloc[0:0])
        # Framed on the step's place, so each step's map shows where it happened.
        title = f"Where it happened: {places['name'].iloc[0]}"
        chart = map_chart(places, no_flows, selected_place=event["place_id"], bbox=around_place(places), title=title)
        chart_alt = map_alt(chart, places, no_flows)
    troops = dataset.claims.loc[dataset.claims["scope"].isin(list(HEADLINE_SCOPES))]
    claims = claims_with_claimants(dataset, troops.loc[troops["metric"] == "troops_deployed"])
    first_figure = claims["as_of"].min() if not claims.empty else None
    return {
        "event": event,
        "timeline": timeline_figure(events, event_lanes(dataset, events), highlight=event_id),
        "map": chart,
        "map_alt": chart_alt,
        "first_figure": first_figure,
        "figures": figures_figure(
            claims,
            "troops_deployed",
            key_events(dataset.events),
            marked=(event["date_start"], event["title"]),
            colours=claimant_colours(claimant_order(dataset, "troops_deployed")),
        ),
    }


built = built_for(dataset, f"story-step:{current['event_id']}", lambda: build_step(current["event_id"]))
event = built["event"]
select_event(event["event_id"])
show_step_in_url(int(current["step"]))

st.markdown(f"#### Step {int(current['step'])} of {len(steps)} · {escape(event['when'])}")
st.info(escape(current["narration"]), icon=":material/auto_stories:")

timeline_tab, map_tab, figures_tab, detail_tab = st.tabs(["Timeline", "Map", "Figures", "Event and sources"])
with timeline_tab:
    show_plotly(built["timeline"], dataset, key="story_timeline", title="The story's key events by actor")
with map_tab:
    if built["map"] is None:
        st.caption("This event has no single place on the map.")
    else:
        show_vega(built["map"], dataset, key="story_map", alt=built["map_alt"])
with figures_tab:
    if built["first_figure"] is not None and event["date_start"] < built["first_figure"]:
        st.caption(f"The reported figures start in {built['first_figure']:%B %Y}; this step comes before them.")
    show_plotly(built["figures"], dataset, key="story_figures")
with detail_tab:
    render_event_detail(dataset, event)
