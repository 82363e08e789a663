"""Self-describing charts: every chart is drawn with its title and a source line inside the figure, a short text
alternative for screen readers, and buttons that save it as PNG or SVG in the reader's browser.

The title and source line are part of the figure (Plotly's title, Vega's title and subtitle), so whatever saves
the image (these buttons, Plotly's camera, Streamlit's "Download as PNG") carries them. Saving is client-side:
Community Cloud cannot run a server-side browser. Plotly saves through its own ``toImage`` (the camera button's
path, asked for the format wanted); a Vega chart is drawn as SVG, which is saved as it is or painted into a PNG.
Nothing is fetched from the network.
"""

from __future__ import annotations

import math
import re
import textwrap
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
import streamlit.components.v2 as components_v2

from components.charts import plotly_text
from monitor.citation import DASHBOARD_NAME, data_cutoff, day_text
from monitor.loading import Dataset

SOURCE_NOTE = "figures as reported by each claimant"
# A title line longer than this is wrapped: Plotly and Vega never wrap, and a 390 px phone fits ~44 characters.
TITLE_WIDTH = 44
TITLE_LINE_PX = 22
SOURCE_SIZE = 11
SOURCE_LINE_PX = 15
# The modebar stands upright at the top right, in the margin the title block makes, so it covers neither the
# left-aligned title nor the plot; four buttons fit there (dragging still zooms or pans, a double-click resets).
PLOTLY_CONFIG = {
    "displaylogo": False,
    "modeBarButtons": [["toImage", "zoomIn2d", "zoomOut2d", "resetScale2d"]],
}
# The title block is at least this tall, so the upright modebar ends above the plot.
MODEBAR_PX = 112
# A legend above the plot: its title and entries take a line each this tall, two entries to a line on a phone.
LEGEND_LINE_PX = 29
LEGEND_PER_PHONE_LINE = 2
PANEL_TITLE_PX = 24


def source_lines(dataset: Dataset) -> list[str]:
    """The source line in three short lines (each fits a phone): product and version, cut-off, what the figures are."""
    cutoff = data_cutoff(dataset)  # the footer's and the citation's cut-off: one rule (monitor/citation.py)
    return [
        f"Source: {DASHBOARD_NAME} v{dataset.version},",
        f"data to {day_text(cutoff)};" if cutoff is not None else "no dated rows;",
        SOURCE_NOTE,
    ]


def source_line(dataset: Dataset) -> str:
    """The source line as one sentence."""
    return " ".join(source_lines(dataset))


def title_lines(title: str) -> list[str]:
    """A title wrapped to lines that fit a phone."""
    return textwrap.wrap(title, TITLE_WIDTH, break_long_words=False) or [""]


def framed_figure(figure: go.Figure, title: str, sources: list[str]) -> go.Figure:
    """A copy of ``figure`` (its traces shared, not copied) with ``title`` wrapped at its top left and the source
    lines under it, in the title's colour (the theme's text colour, so they read in light and dark mode). The
    figure grows by the room they take, so its plot keeps its height."""
    layout = figure.layout.to_plotly_json()
    lines = [plotly_text(line) for line in title_lines(title)]
    small = [
        f"<span style='font-size:{SOURCE_SIZE}px;font-weight:normal'>{plotly_text(line)}</span>" for line in sources
    ]
    old_title = layout.get("title") or {}
    had_title = bool(old_title.get("text"))
    extra = TITLE_LINE_PX * (len(lines) - (1 if had_title else 0)) + SOURCE_LINE_PX * len(sources) + 8
    margin = dict(layout.get("margin") or {})
    top = margin.get("t", 80)
    margin["t"] = max(top + extra + (0 if had_title else 12), MODEBAR_PX)
    height = (layout.get("height") or 450) + margin["t"] - top
    layout.update(
        title={
            "text": "<br>".join(lines + small),
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            # A few pixels below the top: at y=1 Plotly cuts the first line's ascenders.
            "y": 1 - 8 / height,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 14, "l": 4},
            "font": {"size": 16},
        },
        margin=margin,
        height=height,
        modebar={"orientation": "v"},
    )
    legend = layout.get("legend") or {}
    if legend.get("yanchor") == "bottom" and (legend.get("y") or 0) > 1:
        # A legend above the plot would sit in the title block: it goes just under it, with room below for as
        # many lines as a phone wraps it to and for the first panel's title (Plotly's automargin knows neither).
        entries = sum(1 for trace in figure.data if trace.showlegend is not False and trace.name)
        room = LEGEND_LINE_PX * (1 + math.ceil(entries / LEGEND_PER_PHONE_LINE)) + PANEL_TITLE_PX
        layout["legend"] = {
            **legend,
            "yref": "container",
            "y": 1 - (margin["t"] - 4) / (height + room),
            "yanchor": "top",
        }
        layout["margin"] = {**margin, "t": margin["t"] + room}
        layout["height"] = height + room
    return go.Figure(data=figure.data, layout=layout, _validate=False)


def _text_colour(theme: str) -> str:
    """The text colour of .streamlit/config.toml's light or dark theme."""
    return st.get_option(f"theme.{theme}.textColor") or ("#0E141B" if theme == "light" else "#E4E7EB")


def framed_spec(spec: dict, title: str, sources: list[str]) -> dict:
    """A copy of a Vega-Lite spec with ``title`` (wrapped) and the source lines as its subtitle, drawn as SVG."""
    usermeta = dict(spec.get("usermeta") or {})
    usermeta["embedOptions"] = {**usermeta.get("embedOptions", {}), "renderer": "svg"}
    own = spec.get("title")
    own_subtitle = own.get("subtitle") if isinstance(own, dict) else None
    own_subtitle = [own_subtitle] if isinstance(own_subtitle, str) else list(own_subtitle or [])
    return {
        **spec,
        "title": {
            "text": title_lines(title),
            "subtitle": own_subtitle + sources,  # the chart's own subtitle (a key to the map) first
            "anchor": "start",
            "subtitleFontSize": SOURCE_SIZE,
            # Vega's default subtitle grey is unreadable on a dark page: the theme's text colour, chosen from the
            # background Streamlit gives the chart (light or dark theme).
            "subtitleColor": {
                "expr": f"luminance(background) > 0.4 ? '{_text_colour('light')}' : '{_text_colour('dark')}'"
            },
            "subtitlePadding": 4,
        },
        "usermeta": usermeta,
        **({"layer": [_unnamed_marks(layer) for layer in spec["layer"]]} if "layer" in spec else {}),
        **({"mark": _unnamed_marks(spec)["mark"]} if "mark" in spec else {}),
    }


def _unnamed_marks(layer: dict) -> dict:
    """A layer whose marks are hidden from screen readers: the chart's text alternative names it as a whole, and
    Vega's unnamed mark groups (role graphics-symbol) would each read as an image with no name."""
    if "layer" in layer:
        return {**layer, "layer": [_unnamed_marks(inner) for inner in layer["layer"]]}
    mark = layer.get("mark")
    if mark is None:
        return layer
    return {**layer, "mark": {**(mark if isinstance(mark, dict) else {"type": mark}), "aria": False}}


def figure_title(figure: go.Figure) -> str:
    """The title a builder gave its figure, as plain text ("" if none)."""
    text = figure.layout.title.text or ""
    return re.sub(r"<[^>]+>", " ", text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


def figure_alt(figure: go.Figure, title: str) -> str:
    """A short text alternative: the title, and what the chart draws (its legend's entries, else its rows)."""
    names = list(
        dict.fromkeys(str(trace.name) for trace in figure.data if trace.name and trace.showlegend is not False)
    )
    kind = "Legend"
    if not names:
        names, kind = [str(name) for name in (figure.layout.yaxis.categoryarray or ())], "Rows"
    if not names:
        return f"Chart: {title}."
    shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    return f"Chart: {title}. {kind} ({len(names)}): {shown}."


def file_stem(title: str) -> str:
    """A file name for a saved chart: the title's words, lower case."""
    return "-".join(re.findall(r"[a-z0-9]+", title.lower()))[:80] or "chart"


def show_plotly(
    figure: go.Figure,
    dataset: Dataset,
    *,
    key: str,
    title: str | None = None,
    alt: str | None = None,
    **kwargs: Any,
) -> Any:
    """``st.plotly_chart`` for every Plotly chart: titled (``title``, else the figure's own), with the source line,
    a text alternative (``alt``, else one from the title and legend) and the save buttons. ``kwargs`` go to
    ``st.plotly_chart`` (``on_select``, ``selection_mode``...)."""
    title = title or figure_title(figure)
    framed = framed_figure(figure, title, source_lines(dataset))
    config = {**PLOTLY_CONFIG, "toImageButtonOptions": {"format": "png", "filename": file_stem(title), "scale": 2}}
    shown = st.plotly_chart(
        framed, key=key, width="stretch", config=config, alt=alt or figure_alt(figure, title), **kwargs
    )
    save_buttons(key, title)
    return shown


def show_vega(spec: Any, dataset: Dataset, *, key: str, alt: str, title: str | None = None, **kwargs: Any) -> Any:
    """``st.vega_lite_chart`` for every Vega-Lite chart (a spec dict, or an Altair chart): titled (``title``, else
    the spec's own), with the source line as its subtitle, a text alternative and the save buttons. ``kwargs`` go to
    ``st.vega_lite_chart`` (``on_select``...)."""
    spec = spec if isinstance(spec, dict) else spec.to_dict()
    own = spec.get("title")
    title = title or (own.get("text") if isinstance(own, dict) else own) or ""
    title = " ".join(title) if isinstance(title, list) else str(title)
    shown = st.vega_lite_chart(
        spec=framed_spec(spec, title, source_lines(dataset)), key=key, width="stretch", alt=alt, **kwargs
    )
    save_buttons(key, title)
    return shown


def map_alt(spec: Any, places: pd.DataFrame, flows: pd.DataFrame) -> str:
    """A map's text alternative: its title, its busiest places and how many flows it draws."""
    own = spec.get("title") if isinstance(spec, dict) else None
    title = own.get("text") if isinstance(own, dict) else own
    busiest = places.nlargest(5, "events")
    named = ", ".join(f"{name} ({events:,})" for name, events in zip(busiest["name"], busiest["events"], strict=True))
    text = f"Map: {title or 'places of the events'}. {len(places):,} places sized by event count"
    text += f", the most: {named}" if named else ""
    if not flows.empty:
        widest = flows.nlargest(1, "highest")["place"].iloc[0]
        text += f"; {len(flows):,} arcs of people sent from North Korea, the widest to {widest}"
    return text + ". The Tables tab lists every place and flow."


_SAVE_HTML = """<div class="save" role="group">
<span class="label">Save this chart:</span>
<button type="button" data-format="png">PNG</button>
<button type="button" data-format="svg">SVG</button>
</div>"""

_SAVE_CSS = """
.save { display: flex; gap: 0.5rem; align-items: center; justify-content: flex-end; flex-wrap: wrap;
  font-family: var(--st-font, sans-serif); font-size: 0.875rem; color: var(--st-text-color); }
.save button { font: inherit; color: var(--st-text-color); background: var(--st-secondary-background-color);
  border: 1px solid var(--st-border-color, #8a949e); border-radius: 0.4rem; padding: 0.15rem 0.7rem;
  min-height: 2rem; cursor: pointer; }
.save button:hover { border-color: var(--st-primary-color); }
.save button:focus-visible { outline: 2px solid var(--st-primary-color); outline-offset: 2px; }
"""

# Plotly saves through its camera button's own path (its ``toImage``), asked for the format wanted; a Vega chart
# (drawn as SVG) is saved from its SVG, on the page's background so a dark-mode image stays readable.
_SAVE_JS = """
export default function (component) {
  const { data, parentElement } = component;
  const group = parentElement.querySelector(".save");
  // The chart is the element drawn just before these buttons (a Vega chart without a selection has no key class).
  const chart = () =>
    document.querySelector(".st-key-" + CSS.escape(data.key)) ||
    document.querySelector(".st-key-" + CSS.escape(data.key + "-save"))?.previousElementSibling;
  const fileName = (format) => data.stem + "." + format;
  group.setAttribute("aria-label", "Save the chart " + data.title);
  const download = (href, name) => {
    const link = document.createElement("a");
    link.href = href;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  };
  const savePlotly = (plot, format) => {
    const context = plot._context;
    const before = context.toImageButtonOptions;
    context.toImageButtonOptions = { ...before, format, filename: data.stem };
    try {
      plot.querySelector('.modebar-btn[data-title^="Download plot"]').click();
    } finally {
      context.toImageButtonOptions = before;
    }
  };
  const vegaSvg = (svg) => {
    const copy = svg.cloneNode(true);
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    const box = svg.getBoundingClientRect();
    copy.setAttribute("width", box.width);
    copy.setAttribute("height", box.height);
    const background = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    background.setAttribute("width", "100%");
    background.setAttribute("height", "100%");
    const page = document.querySelector(".stApp") || document.body;
    background.setAttribute("fill", getComputedStyle(page).backgroundColor);
    copy.insertBefore(background, copy.firstChild);
    return { text: new XMLSerializer().serializeToString(copy), width: box.width, height: box.height };
  };
  const saveVega = (svg, format) => {
    const image = vegaSvg(svg);
    const url = URL.createObjectURL(new Blob([image.text], { type: "image/svg+xml" }));
    if (format === "svg") {
      download(url, fileName("svg"));
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      return;
    }
    const picture = new Image();
    picture.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(image.width * 2);
      canvas.height = Math.round(image.height * 2);
      const context = canvas.getContext("2d");
      context.scale(2, 2);
      context.drawImage(picture, 0, 0, image.width, image.height);
      URL.revokeObjectURL(url);
      canvas.toBlob((blob) => {
        const png = URL.createObjectURL(blob);
        download(png, fileName("png"));
        setTimeout(() => URL.revokeObjectURL(png), 1000);
      }, "image/png");
    };
    picture.src = url;
  };
  group.querySelectorAll("button").forEach((button) => {
    button.setAttribute("aria-label", "Save the chart " + data.title + " as " + button.dataset.format.toUpperCase());
    button.onclick = () => {
      const element = chart();
      if (!element) return;
      const plot = element.querySelector(".js-plotly-plot");
      const svg = element.querySelector("svg.marks");
      if (plot) savePlotly(plot, button.dataset.format);
      else if (svg) saveVega(svg, button.dataset.format);
    };
  });
}
"""

_save_component = components_v2.component("chart_save", html=_SAVE_HTML, css=_SAVE_CSS, js=_SAVE_JS)


def save_buttons(chart_key: str, title: str) -> None:
    """PNG and SVG buttons for the chart drawn with ``chart_key``, saved in the browser as ``<title words>.png``."""
    _save_component(key=f"{chart_key}-save", data={"key": chart_key, "title": title, "stem": file_stem(title)})
