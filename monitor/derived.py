"""Tables derived from the filtered rows: what the pages chart and count. No Streamlit here."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from monitor.loading import Dataset

PERSONNEL_METRICS = ("troops_deployed", "troops_reconstruction", "workers", "killed", "wounded", "casualties")
MOVEMENT_METRICS = ("troops_deployed", "troops_reconstruction", "workers")
METRIC_LABELS = {
    "troops_deployed": "Troops deployed",
    "troops_reconstruction": "Reconstruction personnel (deminers, builders)",
    "workers": "Workers",
    "killed": "Killed",
    "wounded": "Wounded",
    "casualties": "Casualties (killed and wounded)",
    "captured": "Captured",
    "drones_launched": "Drones launched",
    "artillery_shells": "Artillery shells",
    "missiles": "Missiles",
}
QUALIFIER_WORDS = {
    "about": "about",
    "at_least": "at least",
    "over": "over",
    "up_to": "up to",
    "range": "",
    "exact": "",
}
ORIGIN_PLACE = "pyongyang"
UNNAMED_ACTOR = "unnamed-sources"
# Figures that say how many there are (not a new batch, a plan or a subset): what headlines compare.
HEADLINE_SCOPES = ("total", "present")
SCOPE_LABELS = {
    "total": "totals to date",
    "present": "in a place at the time",
    "additional": "additional batches",
    "planned": "plans and expectations",
    "partial": "sub-periods and subsets",
}


def format_figure(value_low: float, value_high: float, qualifier: str) -> str:
    """A figure as a reader says it: 'over 11,000', '11,000–12,000', 'about 600'."""
    figure = f"{value_low:,.0f}" if value_low == value_high else f"{value_low:,.0f}–{value_high:,.0f}"
    word = QUALIFIER_WORDS.get(qualifier, "")
    return f"{word} {figure}".strip()


def date_label(start: pd.Timestamp, end: pd.Timestamp | None, precision: str) -> str:
    """A date as precise as the sources allow: '19 Jun 2024', 'Oct 2024', '1995', '26 Jul – 18 Aug 2001'."""
    formats = {"day": "%-d %b %Y", "month": "%b %Y", "year": "%Y"}
    text = start.strftime(formats.get(precision, "%-d %b %Y"))
    if end is not None and not pd.isna(end) and end != start:
        text = f"{text} – {end.strftime(formats['day'])}"
    return text


def with_labels(dataset: Dataset, events: pd.DataFrame) -> pd.DataFrame:
    """Events with their span end, a readable date and the place name, for charts and tables."""
    places = dataset.places.set_index("place_id")["name"]
    return events.assign(
        span_end=dataset.event_span_end.loc[events.index],
        when=date_labels(events),
        place=events["place_id"].map(places),
    )


def date_labels(events: pd.DataFrame) -> pd.Series:
    """date_label() for every event at once (vectorised: a large table has no per-row Python loop)."""
    start, end, precision = events["date_start"], events["date_end"], events["date_precision"]
    text = start.dt.strftime("%-d %b %Y")
    text = text.mask(precision == "month", start.dt.strftime("%b %Y"))
    text = text.mask(precision == "year", start.dt.strftime("%Y"))
    spans = end.notna() & (end != start)
    return text.mask(spans, text + " – " + end.dt.strftime("%-d %b %Y")).astype(object)


def claims_with_claimants(dataset: Dataset, claims: pd.DataFrame) -> pd.DataFrame:
    """Claims with the claimant actor's name, state and colour, and the figure in words."""
    actors = dataset.actors.set_index("actor_id")
    state = claims["claimant_actor"].map(actors["state"]).fillna(claims["claimant_actor"])
    own_colour = claims["claimant_actor"].map(actors["colour"])
    source_names = dataset.sources.set_index("source_id")["publisher"]
    return claims.assign(
        claimant_name=claims["claimant_actor"].map(actors["name"]),
        claimant_state=state,
        colour=own_colour.fillna(state.map(actors["colour"])),
        figure=[
            format_figure(low, high, qualifier)
            for low, high, qualifier in zip(claims["value_low"], claims["value_high"], claims["qualifier"], strict=True)
        ],
        read_in=claims["source_id"].map(source_names),
    ).pipe(lambda frame: frame.assign(chain=claim_chain(frame)))


def claim_chain(claims: pd.DataFrame) -> pd.Series:
    """Original claimant → who relayed it → where we read it, one line per claim."""
    relayed = claims["relayed_by"].fillna("directly")
    return claims["claimant"] + " → " + relayed + " → " + claims["read_in"].fillna(claims["source_id"])


def latest_by_claimant(claims: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Each claimant's most recent figure for a metric (latest as-of date, then latest report)."""
    rows = claims.loc[claims["metric"] == metric]
    ordered = rows.sort_values(["as_of", "reported_on", "value_high"])
    return ordered.groupby("claimant_actor", sort=False).tail(1).sort_values("value_high", ascending=False)


@dataclass(frozen=True)
class Headline:
    """The spread of the latest figures for one metric, and who reports them."""

    metric: str
    low: float
    high: float
    claimants: tuple[str, ...]
    first_as_of: pd.Timestamp
    last_as_of: pd.Timestamp

    @property
    def text(self) -> str:
        return format_figure(self.low, self.high, "exact" if self.low == self.high else "range")


def headline(dataset: Dataset, claims: pd.DataFrame, metric: str = "troops_deployed") -> Headline | None:
    """The spread of each claimant's latest total or in-place figure (plans and new batches left out)."""
    latest = latest_by_claimant(claims.loc[claims["scope"].isin(HEADLINE_SCOPES)], metric)
    if latest.empty:
        return None
    names = dataset.actors.set_index("actor_id")["name"]
    return Headline(
        metric=metric,
        low=float(latest["value_low"].min()),
        high=float(latest["value_high"].max()),
        claimants=tuple(latest["claimant_actor"].map(names).fillna(latest["claimant_actor"])),
        first_as_of=latest["as_of"].min(),
        last_as_of=latest["as_of"].max(),
    )


def place_event_counts(dataset: Dataset, events: pd.DataFrame) -> pd.DataFrame:
    """Places named by the events, with how many events each has (most first)."""
    counts = events["place_id"].value_counts().rename("events")
    places = dataset.places.set_index("place_id").join(counts, how="inner")
    return places.reset_index().sort_values("events", ascending=False, ignore_index=True)


def movement_flows(dataset: Dataset, claims: pd.DataFrame) -> pd.DataFrame:
    """People sent from North Korea, per destination and metric: the range of reported figures.

    Only claims that name a place are drawn: a figure with no destination is not placed on the map.
    """
    moved = claims.loc[
        claims["metric"].isin(MOVEMENT_METRICS) & claims["place_id"].notna() & (claims["subject"] == "PRK")
    ]
    columns = ["metric", "place_id", "lowest", "highest", "claims", "origin_lat", "origin_lon", "lat", "lon", "place"]
    if moved.empty:
        return pd.DataFrame(columns=columns)
    grouped = moved.groupby(["metric", "place_id"], as_index=False).agg(
        lowest=("value_low", "min"), highest=("value_high", "max"), claims=("claim_id", "count")
    )
    places = dataset.places.set_index("place_id")
    origin = places.loc[ORIGIN_PLACE] if ORIGIN_PLACE in places.index else None
    return grouped.assign(
        origin_lat=origin["lat"] if origin is not None else pd.NA,
        origin_lon=origin["lon"] if origin is not None else pd.NA,
        lat=grouped["place_id"].map(places["lat"]),
        lon=grouped["place_id"].map(places["lon"]),
        place=grouped["place_id"].map(places["name"]),
    )[columns]


def source_usage(dataset: Dataset) -> pd.DataFrame:
    """Every source with how many events and claims cite it."""
    event_citations = dataset.events["source_ids"].explode().value_counts()
    claim_citations = dataset.claims["source_id"].value_counts()
    sources = dataset.sources
    return sources.assign(
        events=sources["source_id"].map(event_citations).fillna(0).astype(int),
        claims=sources["source_id"].map(claim_citations).fillna(0).astype(int),
    )


def event_sources(dataset: Dataset, event_id: str) -> pd.DataFrame:
    """The sources of one event, in the order the event lists them."""
    event = dataset.events.loc[dataset.events["event_id"] == event_id]
    if event.empty:
        return dataset.sources.iloc[0:0]
    order = list(event.iloc[0]["source_ids"])
    sources = dataset.sources.set_index("source_id").loc[order]
    return sources.reset_index()


MAX_MILESTONES = 8


def key_events(events: pd.DataFrame, since: str = "2024-01-01", limit: int = MAX_MILESTONES) -> pd.DataFrame:
    """Treaty and military milestones (importance 3) since a date: the labelled lines on the figures chart.

    At most ``limit`` (the earliest), so a large dataset cannot bury the chart under lines."""
    milestone = (events["importance"] == 3) & events["category"].isin(["treaty", "military"])
    chosen = events.loc[milestone & (events["date_start"] >= pd.Timestamp(since))]
    return chosen.nsmallest(limit, "date_start").sort_values("date_start")


def event_lanes(dataset: Dataset, events: pd.DataFrame) -> pd.DataFrame:
    """One row per (event, state lane): people and organisations are drawn in their state's lane."""
    actors = dataset.actors.set_index("actor_id")
    links = dataset.event_actors.loc[dataset.event_actors["event_id"].isin(events["event_id"])]
    state = links["actor_id"].map(actors["state"]).fillna(links["actor_id"])
    lanes = links.assign(lane=state.map(actors["name"]).fillna(state))[["event_id", "lane"]]
    return lanes.drop_duplicates(ignore_index=True)


PERIOD_CODES = {"month": "M", "quarter": "Q", "half-year": "2Q", "year": "Y"}


def period_labels(dates: pd.Series, granularity: str) -> pd.Series:
    """'2025', '2025-H1', '2025-Q3' or '2025-07' for each date."""
    if granularity == "half-year":
        return dates.dt.year.astype(str) + "-H" + ((dates.dt.month > 6) + 1).astype(str)
    return dates.dt.to_period(PERIOD_CODES[granularity]).astype(str)


def claimant_key(claims: pd.DataFrame) -> pd.Series:
    """Who a figure belongs to when comparing claimants: the claimant actor, except that unnamed sources
    are kept apart per source (two unnamed estimates may come from different people)."""
    unnamed = claims["claimant_actor"] == UNNAMED_ACTOR
    return claims["claimant_actor"].where(~unnamed, claims["claimant_actor"] + ":" + claims["source_id"])


def disagreements(dataset: Dataset, claims: pd.DataFrame, granularity: str = "year") -> pd.DataFrame:
    """Where claimants disagree: for each metric and period, each claimant's latest figure in that period,
    kept when at least two claimants give different figures; lowest, highest, spread and who says what.
    A claimant's own updates within a period are not a disagreement, so only its latest figure counts."""
    columns = ["metric", "period", "claimants", "lowest", "highest", "spread", "spread_pct", "who_says"]
    if claims.empty:
        return pd.DataFrame(columns=columns)
    enriched = claims_with_claimants(dataset, claims).assign(
        period=lambda frame: period_labels(frame["as_of"], granularity), key=claimant_key
    )
    latest = enriched.sort_values(["as_of", "reported_on"]).groupby(["metric", "period", "key"]).tail(1)
    rows = []
    for (metric, period), group in latest.groupby(["metric", "period"], sort=True):
        if len(group) < 2 or len(group[["value_low", "value_high"]].drop_duplicates()) < 2:
            continue
        lowest, highest = float(group["value_low"].min()), float(group["value_high"].max())
        ordered = group.sort_values(["value_high", "as_of"])
        rows.append(
            {
                "metric": metric,
                "period": period,
                "claimants": len(group),
                "lowest": lowest,
                "highest": highest,
                "spread": highest - lowest,
                "spread_pct": (highest - lowest) / lowest * 100 if lowest else float("nan"),
                "who_says": "; ".join(
                    f"{name}: {figure} ({day:%-d %b %Y})"
                    for name, figure, day in zip(
                        ordered["claimant_name"], ordered["figure"], ordered["as_of"], strict=True
                    )
                ),
            }
        )
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(["spread_pct", "metric"], ascending=[False, True], ignore_index=True)
