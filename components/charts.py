"""Plotly chart builders: DataFrames in, figures out. No Streamlit calls, so tests call them directly.

Figures are built from plain dicts in one go (``_figure``) rather than with ``make_subplots``/``add_trace``:
Plotly validates every property it is handed, which cost more than everything else on a rerun (55 ms of a
60 ms timeline on the shipped data). What these builders produce is checked by their tests instead.
Above a size a chart draws an aggregate (counts, ranges per period) instead of one mark per row, so the
JSON sent to the browser stays small whatever the data size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from monitor.aggregate import EventKeys, LaneCounts, claim_ranges, lane_period_counts
from monitor.compare import claim_bounds
from monitor.labels import QUALIFIER_WORDS, metric_label, metric_unit
from monitor.periods import range_label
from monitor.schema import FIRST_DATE, LAST_DATE

# Paul Tol's "muted" scheme: distinct for colour-blind readers, and apart from the actor colours. Diplomacy is a
# lighter indigo than Tol's #332288, which all but vanished on the dark theme (1.5:1; this one 3.5:1, 5.1:1 on white).
CATEGORY_COLOURS = {
    "diplomacy": "#6C5FC7",
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
_CATEGORY_ORDER = {name: number for number, name in enumerate(CATEGORY_COLOURS)}
# (role, first day, day after the last; None: open): the compact context panel, then the detail.
TIMELINE_PANELS = [("context", None, DETAIL_FROM), ("detail", DETAIL_FROM, None)]
# Above this many events shown, the timeline draws counts per lane and period instead of one marker per event.
# Measured (benchmarks/run.py, 2 cores): one marker per event costs ~0.05 ms and ~0.36 kB of chart per event
# (1,526 events: 76 ms and 478 kB a rerun; 1,648: 103 ms and 588 kB), so 2,000 stay near 125 ms and 0.75 MB, and
# 3,000 would pass 1 MB. The counts view costs 30-70 kB and a few tens of ms at any size (1M events included).
TIMELINE_MAX_EVENTS = 2_000
# Above this many claims of one metric, the figures chart draws each claimant's range per period. One marker per
# claim costs ~0.15 kB and ~13 µs (1,500 claims: ~20 ms, 225 kB; 6,000: ~37 ms, 870 kB) and no longer reads;
# the ranges cost ~15 ms and 30-50 kB at any size.
FIGURES_MAX_CLAIMS = 1_500
# The legend names at most this many claimants, those with the most figures drawn; the others are one grey trace
# whose hover names each. A trace per claimant cost ~0.6 ms of Plotly per rerun, twice (1,660 claimants at 1M
# events: most of a second), and a legend of 1,660 names reads as nothing. The shipped data has at most 10 a metric.
FIGURES_NAMED_CLAIMANTS = 12
# Pixels from the bottom of the figures chart's plot to its legend: the axis title and sideways year labels.
LEGEND_GAP_PX = 110
# Sequential blues for counts: light is few, dark is many (readable in grey too).
COUNT_SCALE = [[0.0, "#DEEBF7"], [0.35, "#9ECAE1"], [0.7, "#3182BD"], [1.0, "#08306B"]]


def _figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure from plain dicts, without Plotly's per-property validation (the builders' tests check them)."""
    return go.Figure(data=data, layout=layout, _validate=False)


def _axis_suffix(row: int) -> str:
    return "" if row == 1 else str(row)


def _panel_layout(
    titles: list[str], spacing: float = 0.12, heights: list[float] | None = None
) -> tuple[dict, list[tuple[float, float]]]:
    """Stacked panels sharing the width, as ``make_subplots(rows=n, row_heights=heights)`` lays them out (by
    default 0.4 and 0.6 of two panels): the axes of each panel, its title as an annotation, and each panel's
    vertical domain."""
    heights = heights or ([0.4, 0.6] if len(titles) == 2 else [1.0])
    usable = 1.0 - spacing * (len(titles) - 1)
    domains, top = [], 1.0
    for share in heights:
        low = max(top - share * usable, 0.0)
        domains.append((round(low, 6), round(top, 6)))
        top = low - spacing
    layout: dict = {"annotations": []}
    for row, (title, (low, high)) in enumerate(zip(titles, domains, strict=True), start=1):
        suffix = _axis_suffix(row)
        layout[f"xaxis{suffix}"] = {"anchor": f"y{suffix}", "domain": [0.0, 1.0]}
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "domain": [low, high]}
        layout["annotations"].append(
            {
                "font": {"size": 16},
                "showarrow": False,
                "text": title,
                "x": 0.5,
                "xanchor": "center",
                "xref": "paper",
                "y": high,
                "yanchor": "bottom",
                "yref": "paper",
            }
        )
    return layout, domains


def _vline(x: object, row: int | None = None, **line: object) -> dict:
    """A vertical line across a panel (or the whole plot), as ``add_vline`` makes it."""
    suffix = _axis_suffix(row or 1)
    return {
        "type": "line",
        "x0": x,
        "x1": x,
        "xref": f"x{suffix}",
        "y0": 0,
        "y1": 1,
        "yref": f"y{suffix} domain",
        "line": dict(line),
    }


def _lane_divider(y: float, row: int) -> dict:
    """A thin horizontal line across a panel, between two lanes."""
    suffix = _axis_suffix(row)
    return {
        "type": "line",
        "x0": 0,
        "x1": 1,
        "xref": f"x{suffix} domain",
        "y0": y,
        "y1": y,
        "yref": f"y{suffix}",
        "line": {"color": "#E3E6EA", "width": 1},
        "layer": "below",
    }


# Arrays up to this length are handed to Plotly as lists: it checks every NumPy array it serialises (~40 µs each),
# which for short ones costs more than the values (36 claimants × 5 arrays: 8.7 ms in to_dict, as lists 3.6 ms).
PLAIN_MAX = 300


def _plain(values: np.ndarray) -> list | np.ndarray:
    """A short array as a list; a long one as it is (Plotly sends numeric arrays as compact base64)."""
    return values.tolist() if len(values) <= PLAIN_MAX else values


def _dates(values: pd.Series | np.ndarray) -> np.ndarray:
    """Dates to seconds precision: Plotly writes them as short ISO strings."""
    return np.asarray(values, dtype="datetime64[s]")


def _epoch_ms(values: np.ndarray) -> np.ndarray:
    """Dates as milliseconds since 1970 (floats): on a date axis Plotly reads them as dates, and sends them as
    8 bytes each (base64) instead of a 21-character ISO string."""
    return np.asarray(values, dtype="datetime64[ms]").astype(np.int64).astype(np.float64)


# Events of one lane are stacked so none hides another: two share a row of their lane only when this share of
# the panel's width lies between them: three dots on a desktop screen, and on a phone (a plot ~250 px wide) still
# more than a dot's radius, so the dot under a finger is the one Plotly picks.
DODGE_SHARE = 1 / 30
# An event dated only to a month or a year is drawn as a band at least this share of the panel wide (two dots on a
# desktop screen), so it reads as one: in 1953-2021 a month is under a pixel.
MIN_BAND_SHARE = 1 / 50
ROW_PX = 16  # one stacked row of a lane
BAND_PX = 9  # a band's thickness
DOT_PX, SPAN_DOT_PX = 11, 7  # a dated event's dot; the smaller dot in the middle of a band
LANE_LABEL_CHARS = 18  # longer lane names wrap, so phones keep room for the dots
MAX_STACK = 12  # rows a lane stacks at most: thousands of events would make the chart metres tall


@dataclass(frozen=True)
class _LaneRows:
    """One row per (event, lane) the timeline draws, as arrays in the same order."""

    lanes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray  # the last day (datetime64[ns]); equal to the start for a one-day event
    hover: np.ndarray  # event_id, title, when, lane (escaped text, event_id first: the page reads clicks by it)
    codes: np.ndarray  # category, as a position in ``categories``
    categories: list[str]
    imprecise: np.ndarray  # dated only to a month or a year: drawn as a band however narrow the month looks


def _lane_rows(events: pd.DataFrame, lanes: pd.DataFrame) -> _LaneRows:
    """The (event, lane) pairs as plain arrays: a DataFrame merge and its column lookups cost more than the
    rest of the figure on the shipped data."""
    where = pd.Index(events["event_id"]).get_indexer(lanes["event_id"])
    found = where >= 0
    where = where[found]
    lane_names = lanes["lane"].to_numpy(dtype=object)[found]
    escaped = {
        column: np.array([plotly_text(value) for value in events[column]], dtype=object) for column in ("title", "when")
    }
    hover = np.column_stack(
        [
            events["event_id"].to_numpy(dtype=object)[where],
            escaped["title"][where],
            escaped["when"][where],
            np.array([plotly_text(value) for value in lane_names], dtype=object),
        ]
    )
    precision = events["date_precision"] if "date_precision" in events else pd.Series("day", index=events.index)
    # Categories in the legend's fixed order, whatever the filter leaves.
    categories = sorted(
        set(events["category"]), key=lambda name: (_CATEGORY_ORDER.get(name, len(_CATEGORY_ORDER)), name)
    )
    codes = pd.Index(categories).get_indexer(events["category"].to_numpy(dtype=object)[where])
    return _LaneRows(
        lanes=lane_names,
        starts=events["date_start"].to_numpy(dtype="datetime64[ns]")[where],
        ends=events["span_end"].to_numpy(dtype="datetime64[ns]")[where],
        hover=hover,
        codes=codes,
        categories=[str(category) for category in categories],
        imprecise=(precision != "day").to_numpy(dtype=bool)[where],
    )


def _timeline_windows(
    starts: np.ndarray, period: tuple[pd.Timestamp, pd.Timestamp] | None
) -> list[tuple[str, np.datetime64, np.datetime64, np.ndarray]]:
    """The panels to draw: (title, first day, day after the last, rows in it). Each panel's dates are its part
    of the filter's period (1953-2021 as context, 2022 on in detail); a panel without events is left out."""
    first, last = period or (FIRST_DATE, LAST_DATE)
    after = pd.Timestamp(last).normalize() + pd.Timedelta(days=1)
    early = starts < np.datetime64(DETAIL_FROM, "ns")
    windows = []
    for (role, low, high), rows in zip(TIMELINE_PANELS, (early, ~early), strict=True):
        low = max(pd.Timestamp(first).normalize(), low or FIRST_DATE)
        high = min(after, high or LAST_DATE + pd.Timedelta(days=1))
        if low < high:
            windows.append((role, np.datetime64(low, "ns"), np.datetime64(high, "ns"), np.flatnonzero(rows)))
    shown = [window for window in windows if len(window[3])] or windows[-1:]
    return [(_panel_title(role, low, high, len(shown)), low, high, rows) for role, low, high, rows in shown]


def _panel_title(role: str, low: object, high: object, panels: int) -> str:
    """'1953–2021 (context)', or only the dates ('Oct 2024') when the panel is alone."""
    dates = range_label(pd.Timestamp(low), pd.Timestamp(high) - pd.Timedelta(days=1))
    return f"{dates} ({role})" if panels > 1 else dates


def dodge_levels(lanes: np.ndarray, lows: np.ndarray, highs: np.ndarray, most: int = MAX_STACK) -> np.ndarray:
    """The row of its lane each item is drawn in (0, 1, 2, …), so that items of a lane whose [low, high]
    extents overlap share no row: in order of low end, each goes in the first row free by then. A lane has at most
    ``most`` rows: beyond, an item goes in the row free soonest (thousands of events may overlap there)."""
    levels = np.zeros(len(lanes), dtype=np.int64)
    starts, ends = np.asarray(lows).astype(np.int64), np.asarray(highs).astype(np.int64)  # plain ints compare fast
    row_ends: dict[object, list[int]] = {}
    for position in np.lexsort((ends, starts, lanes.astype(str))).tolist():
        taken = row_ends.setdefault(lanes[position], [])
        low = starts[position]
        level = next((number for number, end in enumerate(taken) if end < low), len(taken))
        if level == len(taken) and level >= most:
            level = taken.index(min(taken))
        if level == len(taken):
            taken.append(int(ends[position]))
        taken[level] = max(taken[level], int(ends[position]))
        levels[position] = level
    return levels


def _lane_label(lane: str) -> str:
    """A lane's name for the axis, escaped, wrapped after about ``LANE_LABEL_CHARS`` characters."""
    words, lines = str(lane).split(), [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > LANE_LABEL_CHARS:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return "<br>".join(plotly_text(line) for line in lines)


def _lane_axis(lanes: np.ndarray, levels: np.ndarray, lane_order: list[str]) -> tuple[np.ndarray, dict, list, float]:
    """Where each row is drawn: lanes from the top (in ``lane_order``), each as tall as its stacked rows plus a
    row of room. Returns each row's y, the y axis (lane names at the lanes' middles), the lines between lanes,
    and the height in rows."""
    present = set(lanes)
    order = [lane for lane in lane_order if lane in present]
    labels = {lane: _lane_label(lane) for lane in order}
    deepest = pd.Series(levels).groupby(lanes).max()
    depth = {lane: max(labels[lane].count("<br>"), int(deepest[lane])) + 1 for lane in order}  # room for a long name
    tops, top = {}, 0.0
    for lane in order:
        tops[lane] = top + 0.5  # half a row of room above and below each lane
        top += depth[lane] + 1
    y = np.array([tops[lane] for lane in lanes], dtype=float) + levels
    axis = {
        "tickmode": "array",
        "tickvals": [tops[lane] + (depth[lane] - 1) / 2 for lane in order],
        "ticktext": [labels[lane] for lane in order],
        "range": [top - 0.5, -0.5],  # the first lane on top
        "showgrid": False,
        "zeroline": False,
    }
    dividers = [tops[lane] - 1 for lane in order[1:]]
    return y, axis, dividers, top


@dataclass(frozen=True)
class _Panel:
    """One panel of the timeline, laid out: its rows of ``_LaneRows`` and where each is drawn."""

    title: str
    low: np.datetime64  # first day shown
    high: np.datetime64  # day after the last
    positions: np.ndarray  # the rows of ``_LaneRows`` in this panel
    x: np.ndarray  # each row's dot: the middle of its part inside the panel
    bands: np.ndarray  # (2, rows): where each row's band starts and ends
    banded: np.ndarray  # whether a row is drawn as a band (it lasts more than its first day)
    small: np.ndarray  # whether its dot is small, so an imprecise date's band shows round it
    y: np.ndarray
    axis: dict  # the panel's y axis: lane names
    dividers: list[float]  # lines between lanes
    depth: float  # height in stacked rows


def _panel(
    rows: _LaneRows, title: str, low: np.datetime64, high: np.datetime64, positions: np.ndarray, order: list[str]
) -> _Panel:
    """Lay out the rows at ``positions`` on a panel from ``low`` to ``high``: each row's dot and band, widened
    for a month or a year too narrow to see, then stacked in rows of its lane so that none covers another."""
    gap = (high - low) * DODGE_SHARE
    starts, ends = rows.starts[positions], rows.ends[positions]
    imprecise = rows.imprecise[positions]
    first = np.maximum(starts, low)
    after = np.minimum(ends + np.timedelta64(1, "D"), high)
    banded = ends > starts
    middles = np.where(banded, first + (after - first) / 2, first)
    narrowest = (high - low) * MIN_BAND_SHARE
    half = np.where(imprecise, np.maximum((after - first) / 2, narrowest / 2), (after - first) / 2)
    bands = np.stack([middles - half, middles + half])
    lows = np.where(banded, bands[0], middles) - gap / 2
    highs = np.where(banded, bands[1], middles) + gap / 2
    levels = dodge_levels(rows.lanes[positions], lows, highs)
    y, axis, dividers, depth = _lane_axis(rows.lanes[positions], levels, order)
    return _Panel(title, low, high, positions, middles, bands, banded, imprecise & banded, y, axis, dividers, depth)


def _event_traces(rows: _LaneRows, panel: _Panel, axes: dict, legend_shown: set[str]) -> list[dict]:
    """Per category: a trace of bands (behind) and a trace of dots (hover and click), on one panel's axes."""
    traces: list[dict] = []
    codes = rows.codes[panel.positions]
    for code, category in enumerate(rows.categories):
        colour = CATEGORY_COLOURS.get(category, "#444444")
        chosen = np.flatnonzero(codes == code)
        if not len(chosen):
            continue
        spans = chosen[panel.banded[chosen]]
        if len(spans):
            xs = np.full(len(spans) * 3, None, dtype=object)
            xs[0::3], xs[1::3] = list(_dates(panel.bands[0, spans])), list(_dates(panel.bands[1, spans]))
            ys = np.full(len(spans) * 3, None, dtype=object)
            ys[0::3] = ys[1::3] = panel.y[spans]
            traces.append(
                {
                    "type": "scatter",
                    "x": _plain(xs),
                    "y": _plain(ys),
                    "mode": "lines",
                    "line": {"color": colour, "width": BAND_PX},
                    "opacity": 0.45,
                    "hoverinfo": "skip",
                    "showlegend": False,
                    "legendgroup": category,
                    **axes,
                }
            )
        traces.append(
            {
                "type": "scatter",
                "x": _plain(_epoch_ms(panel.x[chosen])),
                "y": _plain(panel.y[chosen]),
                "mode": "markers",
                "name": category,
                "legendgroup": category,
                "showlegend": category not in legend_shown,
                "marker": {
                    "color": colour,
                    "size": _plain(np.where(panel.small[chosen], SPAN_DOT_PX, DOT_PX)),
                    "line": {"color": "white", "width": 1},
                },
                "customdata": _plain(rows.hover[panel.positions[chosen]]),
                "hovertemplate": _hover_event(category),
                **axes,
            }
        )
        legend_shown.add(category)
    return traces


def _selected_marks(
    rows: _LaneRows, panel: _Panel, highlight: str | None, axes: dict, row_number: int
) -> tuple[list[dict], list[dict]]:
    """A ring round the selected event's dots and a dashed line at its date, on one panel."""
    chosen = rows.hover[panel.positions, 0] == highlight if highlight else np.zeros(len(panel.positions), bool)
    x, y = panel.x, panel.y
    if not chosen.any():
        return [], []
    ring = {
        "type": "scatter",
        "x": _dates(x[chosen]),
        "y": y[chosen],
        "mode": "markers",
        "name": "selected event",
        "showlegend": False,
        "marker": {"size": 19, "color": "rgba(0,0,0,0)", "line": {"color": SELECTED_COLOUR, "width": 2.5}},
        "hoverinfo": "skip",
        **axes,
    }
    line = _vline(str(_dates(x[chosen][:1])[0]), row_number, color=SELECTED_COLOUR, width=1, dash="dash")
    return [ring], [line]


def _hover_event(category: str) -> str:
    # The category is the trace's own (one of the schema's fixed names), so it is written once, not per point.
    return "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>" + category + " · %{customdata[3]}<extra></extra>"


def timeline_figure(
    events: pd.DataFrame,
    lanes: pd.DataFrame,
    highlight: str | None = None,
    period: tuple[pd.Timestamp, pd.Timestamp] | None = None,
) -> go.Figure:
    """Events on one lane per state, coloured by category: 1953-2021 as a compact context panel above
    2022 on in detail, each panel spanning its part of ``period`` (the filter's first and last day; default
    the whole dataset). Events dated to a month or a year, or lasting days, are bands with a small dot. Events
    of a lane on the same or nearby days are stacked in rows of the lane, so each can be seen and clicked.

    ``events`` needs event_id, title, when, category, date_start, span_end (``monitor.events.with_labels``);
    ``lanes`` has one row per (event_id, lane) pair. ``highlight`` rings one event and marks its date.
    One marker per (event, lane): for more than ``TIMELINE_MAX_EVENTS`` events, draw ``timeline_counts_figure``.
    """
    rows = _lane_rows(events, lanes)
    order = list(lanes["lane"].value_counts().index)  # busiest lane on top
    panels = [_panel(rows, *window, order) for window in _timeline_windows(rows.starts, period)]
    heights = [max(panel.depth, 2.0) * ROW_PX for panel in panels]
    spacing_px = 90  # the upper panel's dates and the lower panel's title
    plot_px = sum(heights) + spacing_px * (len(panels) - 1)
    layout, _ = _panel_layout(
        [panel.title for panel in panels], spacing_px / plot_px, [height / sum(heights) for height in heights]
    )
    data: list[dict] = []
    shapes: list[dict] = []
    legend_shown: set[str] = set()
    for row_number, panel in enumerate(panels, start=1):
        suffix = _axis_suffix(row_number)
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        data += _event_traces(rows, panel, axes, legend_shown)
        rings, lines = _selected_marks(rows, panel, highlight, axes, row_number)
        data += rings
        shapes += lines + [_lane_divider(level, row_number) for level in panel.dividers]
        pad = (panel.high - panel.low) * 0.015  # so dots at the edges are whole
        layout[f"xaxis{suffix}"].update(
            range=[str(_dates(np.array([panel.low - pad]))[0]), str(_dates(np.array([panel.high + pad]))[0])],
            showgrid=True,
            type="date",
        )
        layout[f"yaxis{suffix}"].update(panel.axis)
    layout.update(
        height=int(plot_px) + 150,
        margin={"l": 10, "r": 10, "t": 40, "b": 30},
        # Above the first panel's title, so the colours are read before the dots, without scrolling; Plotly widens
        # the top margin to fit it (three lines on a phone).
        legend={
            "title": {"text": "Category"},
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1 + 34 / plot_px,
            "yanchor": "bottom",
        },
        hoverlabel={"align": "left"},
        font=FONT,
        clickmode="event+select",
        dragmode="pan",
        shapes=shapes,
    )
    return _figure(data, layout)


def _count_cells(counts: LaneCounts, lanes: list[str]) -> dict:
    """The heatmap of one panel: events per (lane, period), None where there are none, with the period's
    label and the count per category in each cell for the hover (numbers, not text: a tenth of the bytes)."""
    order = [counts.lanes.index(lane) for lane in lanes]
    by_category = counts.counts[order]
    present = [number for number, name in enumerate(counts.categories) if by_category[..., number].any()]
    ordered = sorted(present, key=lambda number: _CATEGORY_ORDER.get(counts.categories[number], len(_CATEGORY_ORDER)))
    totals = by_category.sum(axis=2)
    labels = counts.labels
    breakdown = "".join(
        f"<br>{counts.categories[number]}: %{{customdata[{place}]:,}}" for place, number in enumerate(ordered)
    )
    return {
        "z": [[total or None for total in row] for row in totals.tolist()],
        "text": [labels] * len(lanes),
        "customdata": by_category[:, :, ordered].tolist(),
        "hovertemplate": "<b>%{y}</b> · %{text}<br><b>%{z:,} events</b>" + breakdown + "<extra></extra>",
    }


def timeline_counts_figure(keys: EventKeys, highlight: pd.Timestamp | None = None) -> go.Figure:
    """The timeline for many events: per panel, one strip per lane, shaded by the events in each period.

    Each panel counts per the finest period that fits in ``monitor.aggregate.MAX_BINS`` columns (years for
    1953-2021, months for 2022-2025 by default; weeks or days when the events span less); the hover gives
    the count by category. ``keys`` are the events' ``monitor.aggregate.EventKeys``; ``highlight`` is a date
    marked with a dashed line.
    """
    counted = lane_period_counts(keys, [(first, last) for _, first, last in TIMELINE_PANELS])
    panels = [(spec, counts) for spec, counts in zip(TIMELINE_PANELS, counted, strict=True) if counts is not None]
    totals: dict[str, int] = {}
    for _, counts in panels:
        for lane, number in zip(counts.lanes, counts.counts.sum(axis=(1, 2)), strict=True):
            totals[lane] = totals.get(lane, 0) + int(number)
    lane_order = sorted(totals, key=lambda lane: (totals[lane], lane))  # busiest lane on top
    titles = [
        f"{_panel_title(role, counts.edges[0], counts.edges[-1], len(panels))} · events per {counts.period}"
        for (role, _, _), counts in panels
    ]
    layout, domains = _panel_layout(titles)
    data: list[dict] = []
    shapes: list[dict] = []
    for row_number, ((_, first, last), counts) in enumerate(panels, start=1):
        suffix = _axis_suffix(row_number)
        lanes = [lane for lane in lane_order if lane in counts.lanes]
        cells = _count_cells(counts, lanes)
        low, high = domains[row_number - 1]
        data.append(
            {
                "type": "heatmap",
                "x": _dates(counts.edges),
                "y": lanes,
                **cells,
                "hoverongaps": False,
                "xgap": 1,
                "ygap": 6,
                "coloraxis": f"coloraxis{suffix}",
                "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
            }
        )
        layout[f"coloraxis{suffix}"] = {
            "colorscale": COUNT_SCALE,
            "cmin": 0,
            "cmax": int(counts.counts.sum(axis=2).max()),
            "colorbar": {
                "title": {"text": f"events<br>per {counts.period}", "side": "top"},
                "len": high - low,
                "y": (low + high) / 2,
                "yanchor": "middle",
                "thickness": 12,
                "tickformat": ",",
            },
        }
        layout[f"xaxis{suffix}"].update(
            range=[str(_dates(counts.edges[:1])[0]), str(_dates(counts.edges[-1:])[0])],
            showgrid=False,
            title={"text": "Date"},
            type="date",
        )
        layout[f"yaxis{suffix}"].update(type="category", categoryorder="array", categoryarray=lanes)
        if highlight is not None and (first is None or highlight >= first) and (last is None or highlight < last):
            shapes.append(
                _vline(str(pd.Timestamp(highlight).date()), row_number, color="#1F2933", width=2, dash="dash")
            )
    lanes_count = max(len(lane_order), 1)
    layout.update(
        height=min(260 + 45 * lanes_count * len(panels), 1000),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        hoverlabel={"align": "left"},
        font=FONT,
        dragmode="pan",
        shapes=shapes,
    )
    return _figure(data, layout)


# Distinct colours for the claimants of one chart (Okabe–Ito, then Paul Tol's), none too pale on white or dark:
# Tol's wine and indigo are lightened (#882255, #332288 were 2.1:1 and 1.5:1 on the dark theme).
CLAIMANT_COLOURS = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#B0406A",
    "#117733",
    "#6C5FC7",
    "#AA4499",
    "#44AA99",
    "#999933",
)
# A claimant's revision line: its scope in the dash (totals solid, in-place counts dotted...).
SCOPE_DASHES = {
    "total": "solid",
    "present": "dot",
    "planned": "dash",
    "additional": "dashdot",
    "partial": "longdash",
    "rate": "longdashdot",
}
# The selected event's line: a neutral slate that no claimant has, seen on both themes (4.5:1 on white, 4:1 on the
# dark background; the near-black it replaces vanished in dark mode).
SELECTED_COLOUR = "#6B7785"
# Claimants the legend does not name (FIGURES_NAMED_CLAIMANTS): a light grey behind the named ones' colours.
OTHERS_COLOUR = "#8B949E"
_SCOPE_ORDER = {scope: number for number, scope in enumerate(SCOPE_DASHES)}
PARTY_MARK = " ◆"


def plotly_text(text: object) -> str:
    """Data text for a Plotly label: its HTML-like tags shown as text, never rendered."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plotly_texts(values: np.ndarray) -> np.ndarray:
    """``plotly_text`` over an array of data text (hover columns, lane names), as an object array."""
    return np.vectorize(plotly_text, otypes=[object])(values) if values.size else values


def claimant_colours(keys: list[str]) -> dict[str, str]:
    """A colour per claimant key, in the order given (the dataset's, so a claimant keeps its colour under filters)."""
    return {key: CLAIMANT_COLOURS[number % len(CLAIMANT_COLOURS)] for number, key in enumerate(keys)}


def figures_figure(
    claims: pd.DataFrame,
    metric: str,
    milestones: pd.DataFrame,
    marked: tuple[pd.Timestamp, str] | None = None,
    colours: dict[str, str] | None = None,
) -> go.Figure:
    """Each claimant's figures for one metric over time, as one revision line per claimant and scope: a step
    from each figure to the next (a figure stands until the claimant revises it); the wording in the marker's
    shape; a range as a bar from low to high; milestones as numbered lines whose labels never overlap.

    ``claims`` come from ``monitor.claims.claims_with_claimants``; a part drawn beside its own total is left
    out (it would count people twice). ``colours`` maps claimant keys to colours (``claimant_colours``).
    ``marked`` is a (date, title) drawn as a solid line, for the event selected elsewhere. Above
    ``FIGURES_MAX_CLAIMS`` claims, each claimant's figures are drawn per period instead, lowest to highest.
    """
    rows = claims.loc[(claims["metric"] == metric).to_numpy() & ~claims["beside_total"].to_numpy(dtype=bool)]
    label = metric_label(metric)
    colours = colours or claimant_colours(sorted(rows["claimant_key"].unique()))
    named_keys = named_claimants(rows)
    named = rows["claimant_key"].isin(named_keys).to_numpy()
    if not named.all():
        # More claimants than the palette's 12 colours: no colour can stay a claimant's under every filter, so
        # the named ones get distinct colours, in the legend's order.
        order = rows.loc[named].drop_duplicates("claimant_key").sort_values("claimant_name", kind="stable")
        colours = claimant_colours(list(order["claimant_key"]))
    if len(rows) > FIGURES_MAX_CLAIMS:
        data, period = _claim_range_traces(rows, colours, named_keys)
        title = f"{label}: lowest to highest figure per {period}, by claimant ({len(rows):,} claims)"
    else:
        data = _others_revision_trace(rows.loc[~named].sort_values(["as_of", "reported_on"], kind="stable"))
        data += _revision_traces(rows.loc[named].sort_values(["as_of", "reported_on"], kind="stable"), colours)
        title = f"{label}: figures over time"
    window = _date_window(rows, milestones)
    levels = milestone_levels(milestones["date_start"], window)
    shapes, annotations = _milestone_marks(milestones, levels)
    unit = metric_unit(metric)
    layout: dict = {
        "title": {"text": title, "x": 0, "xanchor": "left", "y": 0.99, "yanchor": "top"},
        "xaxis": {"title": {"text": "As of (the date the figure describes)"}, "type": "date", "automargin": True},
        "yaxis": {
            "title": {"text": f"{label} ({unit})" if unit else label},
            "rangemode": "tozero",
            "tickformat": ",",
            "automargin": True,
        },
        "height": 560,
        # Room above the plot for the title and each row of milestone numbers.
        "margin": {"l": 10, "r": 10, "t": 56 + 20 * (max(levels, default=-1) + 1), "b": 10},
        "legend": {"title": {"text": "Claimant"}, "orientation": "h", "yanchor": "top"},
        "hoverlabel": {"align": "left"},
        "font": FONT,
        "shapes": shapes,
        "annotations": annotations,
    }
    shown_in_legend = sum(1 for trace in data if trace.get("showlegend", True))  # FIGURES_NAMED_CLAIMANTS + 1 at most
    # A legend below wraps to one claimant a line on a phone: room for it, so the plot keeps its height there.
    layout["height"] = 560 + 18 * shown_in_legend
    # The legend starts a fixed distance under the plot, clear of the axis title and of year labels that a phone
    # turns sideways: in the plot's own units that depends on the plot's height (milestone rows take from it).
    plot_px = layout["height"] - layout["margin"]["t"] - LEGEND_GAP_PX
    layout["legend"]["y"] = -LEGEND_GAP_PX / max(plot_px, 200)
    if window is not None:
        layout["xaxis"]["range"] = [str(window[0].date()), str(window[1].date())]
    # A selected event is marked only when it falls in the chart's window: a 1953 event must not stretch it.
    if marked is not None and window is not None and window[0] <= pd.Timestamp(marked[0]) <= window[1]:
        # Dark, not a claimant's colour: the selected event must not read as one of the lines.
        shapes.append(_vline(str(pd.Timestamp(marked[0]).date()), color=SELECTED_COLOUR, width=2))
        annotations.append(_marked_label(marked, window))
    return _figure(data, layout)


def _date_window(rows: pd.DataFrame, milestones: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The x range: every figure and milestone, with a margin."""
    if rows.empty:
        return None
    dates = np.concatenate(
        [rows["as_of"].to_numpy(dtype="datetime64[ns]"), milestones["date_start"].to_numpy(dtype="datetime64[ns]")]
    )
    margin = pd.Timedelta(days=20)
    return pd.Timestamp(dates.min()) - margin, pd.Timestamp(dates.max()) + margin


def _marked_label(marked: tuple[pd.Timestamp, str], window: tuple[pd.Timestamp, pd.Timestamp]) -> dict:
    when = pd.Timestamp(marked[0])
    return {
        "x": str(when.date()),
        "xref": "x",
        "yref": "paper",
        "y": 0.02,
        # Label on the side with room, so it is never cut at the chart's edge.
        "xanchor": "right" if when > window[0] + (window[1] - window[0]) / 2 else "left",
        "yanchor": "bottom",
        "showarrow": False,
        "text": f"selected: {marked[1]}",
        # Dark text on its own light chip, readable on both themes.
        "font": {"size": 11, "color": "#1F2933"},
        "bgcolor": "rgba(255,255,255,0.85)",
    }


def _legend_name(claimant: str, interested: bool) -> str:
    """A claimant as the legend and the comparison chart name it: escaped, ◆ for a party to the war."""
    return f"{plotly_text(claimant)}{PARTY_MARK}" if interested else plotly_text(claimant)


@dataclass(frozen=True)
class _Claimant:
    """How one claimant's traces look: its colour, its legend entry, and a thicker outline for a party to the war."""

    name: str
    colour: str
    interested: bool

    def legend(self, shown: bool = True) -> dict:
        """The trace's legend name and group."""
        return {
            "name": _legend_name(self.name, self.interested),
            "legendgroup": plotly_text(self.name),
            "showlegend": shown,
        }

    def markers(self, symbol: object, size: int) -> dict:
        """Markers in the claimant's colour, shaped by the wording."""
        line = {"width": 3 if self.interested else 1.5, "color": self.colour}
        return {"color": self.colour, "size": size, "symbol": symbol, "line": line}

    def range_bars(self, high: np.ndarray, below: np.ndarray) -> dict:
        """A bar from each marker down to its low figure, with no cap: a cap would cross an open marker."""
        return _range_bars(np.zeros(len(high)), below, self.colour)


def _range_bars(above: np.ndarray | list, below: np.ndarray | list, colour: str) -> dict:
    """A bar from each marker down to its low figure (``below`` it; ``above`` is zeros, or None in a gap), with no
    cap: a cap would cross an open marker."""
    return {
        "type": "data",
        "symmetric": False,
        "array": _plain(above) if isinstance(above, np.ndarray) else above,
        "arrayminus": _plain(below) if isinstance(below, np.ndarray) else below,
        "color": colour,
        "thickness": 2.5,
        "width": 0,
    }


def named_claimants(rows: pd.DataFrame, most: int = FIGURES_NAMED_CLAIMANTS) -> set[str]:
    """The claimant keys a figures chart names in its legend: all, or the ``most`` with the most figures among
    ``rows`` (ties by name); the others are drawn as one grey trace."""
    codes, keys = pd.factorize(rows["claimant_key"].astype(object).to_numpy())
    if len(keys) <= most:
        return set(keys)
    names = rows["claimant_name"].astype(object).to_numpy()[np.unique(codes, return_index=True)[1]]
    ranked = pd.DataFrame({"claims": np.bincount(codes), "name": names}, index=keys)
    return set(ranked.sort_values(["claims", "name"], ascending=[False, True], kind="stable").index[:most])


def _others(count: int) -> dict:
    """The legend entry of the claimants not named: listed last, drawn first (under the named ones)."""
    name = f"{count:,} other claimant{'s' if count != 1 else ''}"
    return {"name": name, "legendgroup": "other claimants", "showlegend": True, "legendrank": 2000}


def _others_revision_trace(rows: pd.DataFrame) -> list[dict]:
    """The claimants the legend does not name, as one grey trace: each one's figures in date order joined by
    steps, a gap between claimants, the claimant's name in the hover. ``rows`` are in date order (at most
    ``FIGURES_MAX_CLAIMS``: the range chart draws more)."""
    if rows.empty:
        return []
    keys = rows["claimant_key"].astype(object).to_numpy()
    # Each claimant's rows together, in date order within; a gap (None) after each claimant's last row.
    order = np.lexsort((np.arange(len(rows)), pd.factorize(keys)[0]))
    rows, keys = rows.iloc[order], keys[order]
    gap_after = np.append(keys[1:] != keys[:-1], True).tolist()

    def spaced(values: list, gap: object = None) -> list:
        out: list = []
        for value, last in zip(values, gap_after, strict=True):
            out += [value, gap] if last else [value]
        return out

    high = rows["value_high"].to_numpy(dtype=float)
    below = np.where(rows["value_low"].to_numpy(dtype=float) < high, high - rows["value_low"].to_numpy(float), 0.0)
    hover = plotly_texts(
        rows[["figure", "chain", "scope", "read_in_kind", "claimant_name"]].fillna("—").to_numpy(dtype=object)
    )
    symbols = rows["qualifier"].map(QUALIFIER_SYMBOLS).fillna("circle").tolist()
    return [
        {
            "type": "scatter",
            "x": spaced(_epoch_ms(rows["as_of"].to_numpy(dtype="datetime64[ns]")).tolist()),
            "y": spaced(high.tolist()),
            "mode": "lines+markers",
            "line": {"color": OTHERS_COLOUR, "width": 1, "shape": "hv"},
            "connectgaps": False,
            **_others(len(set(keys))),
            "marker": {"color": OTHERS_COLOUR, "size": 8, "symbol": spaced(symbols, "circle")},
            "error_y": _range_bars(spaced([0.0] * len(high)), spaced(below.tolist()), OTHERS_COLOUR),
            "customdata": spaced(hover.tolist()),
            "hovertemplate": (
                "<b>%{customdata[4]}</b>: %{customdata[0]} (%{customdata[2]}) as of %{x|%-d %b %Y}"
                "<br>%{customdata[1]}<br>read in: %{customdata[3]}<extra></extra>"
            ),
        }
    ]


def _revision_traces(rows: pd.DataFrame, colours: dict[str, str]) -> list[dict]:
    """One trace per claimant and scope: its figures in date order joined by steps, one legend entry per claimant.
    The columns are read once, then sliced per trace (pandas per trace took most of the shipped figures rerun)."""
    if rows.empty:
        return []
    high = rows["value_high"].to_numpy(dtype=float)
    low = rows["value_low"].to_numpy(dtype=float)
    columns = {
        "x": _epoch_ms(rows["as_of"].to_numpy(dtype="datetime64[ns]")),
        "high": high,
        "below": np.where(low < high, high - low, 0.0),
        "symbols": rows["qualifier"].map(QUALIFIER_SYMBOLS).fillna("circle").to_numpy(dtype=object),
        "hover": plotly_texts(rows[["figure", "chain", "scope", "read_in_kind"]].fillna("—").to_numpy(dtype=object)),
    }
    keys = rows["claimant_key"].astype(object).to_numpy()
    names = rows["claimant_name"].astype(object).to_numpy()
    parties = rows["interested_party"].fillna(False).to_numpy(dtype=bool)
    scopes = rows["scope"].astype(object).to_numpy()
    data: list[dict] = []
    for key, positions in pd.Series(np.arange(len(rows))).groupby(keys, sort=False).indices.items():
        first = positions[0]
        claimant = _Claimant(str(names[first]), colours.get(key, CLAIMANT_COLOURS[0]), bool(parties[first]))
        by_scope = pd.Series(positions).groupby(scopes[positions], sort=False).indices
        ordered = sorted(by_scope.items(), key=lambda item: _SCOPE_ORDER.get(item[0], 99))
        # The legend entry is drawn from the first trace: a claimant's totals (a solid line) when it has any.
        for number, (scope, within) in enumerate(ordered):
            picked = {name: values[positions[within]] for name, values in columns.items()}
            data.append(_revision_trace(picked, claimant, scope, in_legend=number == 0))
    return sorted(data, key=lambda trace: trace["legendgroup"].lower())


def _revision_trace(columns: dict[str, np.ndarray], claimant: _Claimant, scope: str, in_legend: bool) -> dict:
    """One claimant's figures of one scope in date order, stepping from each to its next revision."""
    return {
        "type": "scatter",
        "x": _plain(columns["x"]),
        "y": _plain(columns["high"]),
        "mode": "lines+markers",
        "line": {"color": claimant.colour, "width": 2, "dash": SCOPE_DASHES.get(scope, "solid"), "shape": "hv"},
        **claimant.legend(shown=in_legend),
        "marker": claimant.markers(_plain(columns["symbols"]), 12),
        "error_y": claimant.range_bars(columns["high"], columns["below"]),
        "customdata": _plain(columns["hover"]),
        "hovertemplate": (
            "<b>%{customdata[0]}</b> (%{customdata[2]}) as of %{x|%-d %b %Y}<br>%{customdata[1]}"
            "<br>read in: %{customdata[3]}<extra></extra>"
        ),
    }


def _claim_range_traces(rows: pd.DataFrame, colours: dict[str, str], named_keys: set[str]) -> tuple[list[dict], str]:
    """One trace per named claimant (``named_claimants``), one grey trace for the others: per period a bar from
    the claimant's lowest to its highest figure, a square at the top."""
    ranges, period = claim_ranges(rows)
    starts = ranges["start"].to_numpy(dtype="datetime64[ns]")
    middles = _epoch_ms(starts + (ranges["end"].to_numpy(dtype="datetime64[ns]") - starts) / 2)
    high = ranges["highest"].to_numpy(dtype=float)
    below = high - ranges["lowest"].to_numpy(dtype=float)
    # Claims in the period, the lowest figure, and whose they are (escaped), for the hover.
    hover = np.column_stack(
        [
            ranges["claims"].to_numpy(dtype=float),
            ranges["lowest"].to_numpy(dtype=float),
            plotly_texts(ranges["claimant_name"].astype(object).to_numpy()),
        ]
    ).astype(object)
    labels = ranges["label"].to_numpy(dtype=object)

    def trace(positions: np.ndarray, colour: str, legend: dict, marker: dict) -> dict:
        return {
            "type": "scatter",
            "x": _plain(middles[positions]),
            "y": _plain(high[positions]),
            "mode": "markers",
            **legend,
            "marker": marker,
            "error_y": _range_bars(np.zeros(len(positions)), below[positions], colour),
            "text": list(labels[positions]),
            "customdata": hover[positions].tolist(),
            "hovertemplate": (
                "<b>%{customdata[1]:,.0f} – %{y:,.0f}</b> in %{text}"
                "<br>%{customdata[0]:,} claims<extra>%{customdata[2]}</extra>"
            ),
        }

    is_named = ranges["claimant_key"].astype(object).isin(named_keys).to_numpy()
    others = np.flatnonzero(~is_named)
    data = []
    if len(others):
        unnamed = len(set(ranges["claimant_key"].astype(object).to_numpy()[others]))
        data.append(
            trace(others, OTHERS_COLOUR, _others(unnamed), {"color": OTHERS_COLOUR, "size": 6, "symbol": "square"})
        )
    for (key, name, interested), positions in sorted(
        ranges.loc[is_named].groupby(["claimant_key", "claimant_name", "interested_party"], sort=True).indices.items()
    ):
        claimant = _Claimant(str(name), colours.get(key, CLAIMANT_COLOURS[0]), bool(interested))
        positions = np.flatnonzero(is_named)[positions]
        data.append(trace(positions, claimant.colour, claimant.legend(), claimant.markers("square", 8)))
    return data, period


# Milestone numbers closer than this share of the date window go on separate rows above the plot.
MILESTONE_MIN_GAP = 0.045


def milestone_levels(dates: pd.Series, window: tuple[pd.Timestamp, pd.Timestamp] | None) -> list[int]:
    """The row of each milestone's number label: the lowest row whose last label is far enough to the left, so no
    two labels ever overlap, however close the milestones fall."""
    if window is None or dates.empty:
        return [0] * len(dates)
    span = max((window[1] - window[0]).days, 1)
    last_on_row: list[float] = []
    levels = []
    for date in dates:
        position = (pd.Timestamp(date) - window[0]).days / span
        row = next((row for row, last in enumerate(last_on_row) if position - last >= MILESTONE_MIN_GAP), None)
        if row is None:
            row = len(last_on_row)
            last_on_row.append(position)
        else:
            last_on_row[row] = position
        levels.append(row)
    return levels


def _milestone_marks(milestones: pd.DataFrame, levels: list[int]) -> tuple[list[dict], list[dict]]:
    # Numbered lines stay readable however close the milestones fall; milestone_key() spells them out.
    shapes, annotations = [], []
    for number, (date, level) in enumerate(zip(milestones["date_start"], levels, strict=True), start=1):
        when = str(pd.Timestamp(date).date())
        shapes.append(_vline(when, color="#666666", width=1, dash="dot"))
        annotations.append(
            {
                "x": when,
                "xref": "x",
                "yref": "paper",
                "y": 1.0,
                "yshift": 2 + 20 * level,
                "yanchor": "bottom",
                "showarrow": False,
                "text": str(number),
                "font": {"size": 11, "color": "#1F2933"},
                "bgcolor": "#FFFFFF",
                "bordercolor": "#666666",
                "borderwidth": 1,
            }
        )
    return shapes, annotations


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


def comparison_figure(rows: pd.DataFrame, title: str, colours: dict[str, str] | None = None) -> go.Figure:
    """The figures of one comparison as intervals on one number line, a claimant per row: a point for a figure,
    a bar for a range, an open-ended bar with an arrow for a bound ("over 3,000" runs to the right edge).

    ``rows`` are claims from ``claims_with_claimants`` (one comparison's ``claim_ids``)."""
    rows = rows.sort_values("value_high", kind="stable")
    colours = colours or claimant_colours(sorted(rows["claimant_key"].unique()))
    lows, highs = claim_bounds(rows)
    finite = np.concatenate([rows["value_low"].to_numpy(dtype=float), rows["value_high"].to_numpy(dtype=float)])
    right = float(np.nanmax(finite)) * 1.25 if len(finite) else 1.0
    names = [
        _legend_name(name, bool(party))
        for name, party in zip(rows["claimant_name"], rows["interested_party"], strict=True)
    ]
    # The bars are shapes and the marks one trace: a trace per claimant cost Plotly ~1.5 ms each, twice a rerun.
    bars, annotations, points, symbols, marker_colours, hovers = [], [], [], [], [], []
    for position, row in enumerate(rows.itertuples(index=False)):
        colour = colours.get(row.claimant_key, CLAIMANT_COLOURS[0])
        low, high = lows[position], min(highs[position], right)
        when = f"{pd.Timestamp(row.as_of):%-d %b %Y}"
        hovers.append(
            f"<b>{plotly_text(row.figure)}</b> as of {when}<br>{plotly_text(row.chain)}"
            f"<br>read in: {plotly_text(row.read_in_kind)}"
        )
        bars.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "y",
                "x0": low,
                "x1": high,
                "y0": names[position],
                "y1": names[position],
                "line": {"color": colour, "width": 10},
                "opacity": 0.45,
                "layer": "below",
            }
        )
        points.append(float(row.value_low if row.qualifier in ("over", "at_least") else row.value_high))
        symbols.append(QUALIFIER_SYMBOLS.get(row.qualifier, "circle"))
        marker_colours.append(colour)
        # The claimant and figure above its bar, from the left edge: it fits a phone, where axis labels would not.
        arrow = " →" if highs[position] == np.inf else ""
        annotations.append(
            {
                "x": 0,
                "y": names[position],
                "xref": "paper",
                "yref": "y",
                "xanchor": "left",
                "yanchor": "bottom",
                "align": "left",
                "text": f"<b>{plotly_text(names[position])}</b><br>{plotly_text(row.figure)} · as of {when}{arrow}",
                "showarrow": False,
                "yshift": 8,
                "font": {"size": 12},
            }
        )
    data = [
        {
            "type": "scatter",
            "x": points,
            "y": names,
            "mode": "markers",
            "marker": {
                "color": marker_colours,
                "size": 14,
                "symbol": symbols,
                "line": {"width": 1.5, "color": marker_colours},
            },
            "text": hovers,
            "hovertemplate": "%{text}<extra></extra>",
            "showlegend": False,
        }
    ]
    layout = {
        "title": {"text": title, "x": 0, "xanchor": "left"},
        "xaxis": {
            "title": {"text": "Reported figure (a bar shows what the wording allows)"},
            "range": [0, right],
            "tickformat": ",",
            "automargin": True,
        },
        "yaxis": {
            "type": "category",
            "categoryorder": "array",
            "categoryarray": names,
            "showticklabels": False,
            "range": [-0.5, len(names) - 0.1],
        },
        "height": 130 + 90 * len(rows),
        "margin": {"l": 10, "r": 30, "t": 50, "b": 10},
        "annotations": annotations,
        "shapes": bars,
        "font": FONT,
        "showlegend": False,
    }
    return _figure(data, layout)
