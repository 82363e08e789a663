"""Plotly chart builders: DataFrames in, figures out. No Streamlit calls, so tests call them directly."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from monitor.derived import METRIC_LABELS, QUALIFIER_WORDS

# Paul Tol's "muted" scheme: distinct for colour-blind readers, and apart from the actor colours.
CATEGORY_COLOURS = {
    "diplomacy": "#332288",
    "treaty": "#117733",
    "military": "#CC6677",
    "economy": "#999933",
    "commemoration": "#88CCEE",
    "statement": "#AA4499",
    "context": "#888888",
}
# The qualifier is drawn in the marker's shape, so "over" never reads as an exact count.
QUALIFIER_SYMBOLS = {
    "exact": "circle",
    "about": "circle-open",
    "over": "triangle-up-open",
    "at_least": "triangle-up-open-dot",
    "up_to": "triangle-down-open",
    "range": "line-ew-open",
}
DETAIL_FROM = pd.Timestamp("2022-01-01")
FONT = {"family": "sans-serif", "size": 13}


def _hover_event() -> str:
    return "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[3]} · %{y}<extra></extra>"


def timeline_figure(events: pd.DataFrame, lanes: pd.DataFrame, highlight: str | None = None) -> go.Figure:
    """Events on one lane per actor, coloured by category: 1953-2021 as a compact context band
    above a detailed 2022-2025 panel. Month- and year-precision events are drawn as spans.

    ``events`` needs event_id, title, when, category, date_start, span_end (``monitor.derived.with_labels``);
    ``lanes`` has one row per (event_id, lane) pair. ``highlight`` rings one event and marks its date.
    """
    rows = lanes.merge(events, on="event_id")
    panels = [
        ("1953–2021 (context)", rows.loc[rows["date_start"] < DETAIL_FROM], 1953, 2022),
        ("2022–2025 (detail)", rows.loc[rows["date_start"] >= DETAIL_FROM], 2022, 2026),
    ]
    panels = [panel for panel in panels if not panel[1].empty] or panels[1:]
    lane_order = list(lanes["lane"].value_counts().index[::-1])  # busiest lane on top
    figure = make_subplots(
        rows=len(panels),
        cols=1,
        subplot_titles=[title for title, *_ in panels],
        vertical_spacing=0.12,
        row_heights=[0.4, 0.6] if len(panels) == 2 else [1.0],
    )
    shown_categories: set[str] = set()
    for row_number, (_, panel, first_year, last_year) in enumerate(panels, start=1):
        for category, group in panel.groupby("category", sort=True):
            colour = CATEGORY_COLOURS.get(str(category), "#444444")
            spans = group.loc[group["span_end"] > group["date_start"]]
            if not spans.empty:
                xs, ys = [], []
                for start, end, lane in zip(spans["date_start"], spans["span_end"], spans["lane"], strict=True):
                    xs += [start, end + pd.Timedelta(days=1), None]
                    ys += [lane, lane, None]
                figure.add_trace(
                    go.Scatter(
                        x=xs,
                        y=ys,
                        mode="lines",
                        line={"color": colour, "width": 10},
                        opacity=0.45,
                        hoverinfo="skip",
                        showlegend=False,
                        legendgroup=str(category),
                    ),
                    row=row_number,
                    col=1,
                )
            middle = group["date_start"] + (group["span_end"] - group["date_start"]) / 2
            figure.add_trace(
                go.Scatter(
                    x=middle,
                    y=group["lane"],
                    mode="markers",
                    name=str(category),
                    legendgroup=str(category),
                    showlegend=category not in shown_categories,
                    marker={"color": colour, "size": 11, "line": {"color": "white", "width": 1}},
                    customdata=group[["event_id", "title", "when", "category"]].to_numpy(),
                    hovertemplate=_hover_event(),
                ),
                row=row_number,
                col=1,
            )
            shown_categories.add(str(category))
        chosen = panel.loc[panel["event_id"] == highlight]
        if not chosen.empty:
            middle = chosen["date_start"] + (chosen["span_end"] - chosen["date_start"]) / 2
            figure.add_trace(
                go.Scatter(
                    x=middle,
                    y=chosen["lane"],
                    mode="markers",
                    name="selected event",
                    showlegend=False,
                    marker={"size": 22, "color": "rgba(0,0,0,0)", "line": {"color": "#1F2933", "width": 3}},
                    hoverinfo="skip",
                ),
                row=row_number,
                col=1,
            )
            figure.add_vline(
                x=middle.iloc[0], line={"color": "#1F2933", "width": 1, "dash": "dash"}, row=row_number, col=1
            )
        figure.update_xaxes(
            range=[pd.Timestamp(f"{first_year}-01-01"), pd.Timestamp(f"{last_year}-01-01")],
            row=row_number,
            col=1,
            showgrid=True,
            title_text="Date",
        )
        # Each panel lists only its own lanes, so 2022-2025 has no empty Soviet Union row.
        own_lanes = [lane for lane in lane_order if lane in set(panel["lane"])]
        figure.update_yaxes(categoryorder="array", categoryarray=own_lanes, row=row_number, col=1)
    lanes_count = max(len(lane_order), 1)
    figure.update_layout(
        height=min(260 + 70 * lanes_count * len(panels), 1100),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"title": {"text": "Category"}, "orientation": "h", "y": -0.08},
        hoverlabel={"align": "left"},
        font=FONT,
        clickmode="event+select",
        dragmode="pan",
    )
    return figure


def figures_figure(
    claims: pd.DataFrame, metric: str, milestones: pd.DataFrame, marked: tuple[pd.Timestamp, str] | None = None
) -> go.Figure:
    """Every claim for one metric at its as-of date, coloured by claimant's state; ranges as
    low-high bars; the qualifier in the marker's shape; milestones as labelled vertical lines.

    ``claims`` comes from ``monitor.derived.claims_with_claimants``; ``marked`` is a (date, title) drawn
    as a solid line, for the event selected elsewhere.
    """
    rows = claims.loc[claims["metric"] == metric].sort_values("as_of")
    figure = go.Figure()
    for (claimant, interested), group in rows.groupby(["claimant_name", "interested_party"], sort=True):
        is_range = group["value_low"] < group["value_high"]
        suffix = " ◆ party to the war" if interested else ""
        figure.add_trace(
            go.Scatter(
                x=group["as_of"],
                y=group["value_high"],
                mode="markers",
                name=f"{claimant}{suffix}",
                marker={
                    "color": group["colour"].iloc[0],
                    "size": 13,
                    "symbol": group["qualifier"].map(QUALIFIER_SYMBOLS).fillna("circle"),
                    "line": {"width": 3 if interested else 1, "color": group["colour"].iloc[0]},
                },
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [0] * len(group),
                    "arrayminus": (group["value_high"] - group["value_low"]).where(is_range, 0).tolist(),
                    "color": group["colour"].iloc[0],
                    "thickness": 3,
                    "width": 6,
                },
                customdata=group[["figure", "chain", "scope"]].fillna("—").to_numpy(),
                hovertemplate=(
                    "<b>%{customdata[0]}</b> (%{customdata[2]}) as of %{x|%-d %b %Y}<br>%{customdata[1]}<extra></extra>"
                ),
            )
        )
    label = METRIC_LABELS.get(metric, metric)
    dates = pd.concat([rows["as_of"], milestones["date_start"]])
    margin = pd.Timedelta(days=20)
    window = (dates.min() - margin, dates.max() + margin) if not rows.empty else None
    if window is not None:
        figure.update_xaxes(range=list(window))
    _add_milestones(figure, milestones)
    # A selected event is marked only when it falls in the chart's window: a 1953 event must not stretch it.
    if marked is not None and window is not None and window[0] <= pd.Timestamp(marked[0]) <= window[1]:
        figure.add_vline(x=marked[0], line={"color": "#D55E00", "width": 2})
        figure.add_annotation(
            x=marked[0],
            yref="paper",
            y=0.02,
            # Label on the side with room, so it is never cut at the chart's edge.
            xanchor="right" if pd.Timestamp(marked[0]) > window[0] + (window[1] - window[0]) / 2 else "left",
            yanchor="bottom",
            showarrow=False,
            text=f"selected: {marked[1]}",
            font={"size": 11, "color": "#D55E00"},
            bgcolor="rgba(255,255,255,0.85)",
        )
    figure.update_layout(
        title={"text": f"{label}: North Korean personnel as reported, by claimant", "x": 0},
        xaxis={"title": "Date the figure describes (as of)", "type": "date"},
        yaxis={"title": f"{label} (people)", "rangemode": "tozero", "tickformat": ","},
        height=520,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"title": {"text": "Claimant"}, "orientation": "h", "y": -0.2},
        font=FONT,
    )
    return figure


def _add_milestones(figure: go.Figure, milestones: pd.DataFrame) -> None:
    # Numbered lines stay readable however close the milestones fall; milestone_key() spells them out.
    for number, date in enumerate(milestones["date_start"], start=1):
        figure.add_vline(x=date, line={"color": "#666666", "width": 1, "dash": "dot"})
        figure.add_annotation(
            x=date,
            yref="paper",
            y=1.0,
            yanchor="bottom",
            showarrow=False,
            text=str(number),
            font={"size": 11, "color": "#1F2933"},
            bgcolor="#FFFFFF",
            bordercolor="#666666",
            borderwidth=1,
        )


def milestone_key(milestones: pd.DataFrame) -> str:
    """The numbered milestones as one line of text, for the caption under the chart."""
    return " · ".join(
        f"{number} = {date:%-d %b %Y}: {title}"
        for number, (date, title) in enumerate(zip(milestones["date_start"], milestones["title"], strict=True), 1)
    )


QUALIFIER_MARKS = {
    "exact": "● filled circle",
    "about": "○ open circle",
    "over": "△ open triangle up",
    "at_least": "△ open triangle up with a dot",
    "up_to": "▽ open triangle down",
    "range": "│ bar from low to high",
}


def qualifier_legend() -> pd.DataFrame:
    """What each marker shape means, for the table beside the chart."""
    return pd.DataFrame(
        {"wording": [QUALIFIER_WORDS.get(q) or q for q in QUALIFIER_MARKS], "marker": list(QUALIFIER_MARKS.values())}
    )


def disagreement_figure(table: pd.DataFrame) -> go.Figure:
    """One bar per metric and period from the lowest to the highest figure, labelled with the spread."""
    rows = table.iloc[::-1]  # widest spread on top
    labels = rows["figure"] + " · " + rows["period"]
    figure = go.Figure(
        go.Bar(
            y=labels,
            x=rows["spread"],
            base=rows["lowest"],
            orientation="h",
            marker={"color": "#0072B2", "opacity": 0.75},
            text=[
                f"{low:,.0f} – {high:,.0f} ({pct:.0f}%)"
                for low, high, pct in zip(rows["lowest"], rows["highest"], rows["spread_pct"], strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            customdata=rows[["who_says"]].to_numpy(),
            hovertemplate="%{y}<br>%{customdata[0]}<extra></extra>",
        )
    )
    figure.update_layout(
        title={"text": "Lowest to highest figure among claimants, per period", "x": 0},
        # One tick per power of ten keeps a log axis legible; the bar labels carry the exact figures.
        xaxis={"title": "Reported figure (people, log scale)", "type": "log", "tickformat": ",", "dtick": 1},
        height=max(260, 60 + 38 * len(rows)),
        margin={"l": 10, "r": 160, "t": 50, "b": 10},
        font=FONT,
    )
    return figure
