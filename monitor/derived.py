"""Tables derived from the filtered rows: what the pages chart and count. No Streamlit here."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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


def figure_labels(claims: pd.DataFrame) -> pd.Series:
    """format_figure() for every claim at once: each distinct number is formatted once, then looked up."""
    low = claims["value_low"].to_numpy(dtype=float, na_value=np.nan)
    high = claims["value_high"].to_numpy(dtype=float, na_value=np.nan)
    numbers, codes = np.unique(np.concatenate([low, high]), return_inverse=True)
    text = np.array([f"{number:,.0f}" for number in numbers], dtype=object)
    low_text, high_text = text[codes[: len(low)]], text[codes[len(low) :]]
    figure = np.where(low == high, low_text, low_text + "–" + high_text)
    prefix = {qualifier: f"{word} " if word else "" for qualifier, word in QUALIFIER_WORDS.items()}
    words = claims["qualifier"].map(prefix).fillna("").to_numpy(dtype=object)
    return pd.Series(words + figure, index=claims.index, dtype=object)


def date_label(start: pd.Timestamp, end: pd.Timestamp | None, precision: str) -> str:
    """A date as precise as the sources allow: '19 Jun 2024', 'Oct 2024', '1995', '26 Jul – 18 Aug 2001'."""
    formats = {"day": "%-d %b %Y", "month": "%b %Y", "year": "%Y"}
    text = start.strftime(formats.get(precision, "%-d %b %Y"))
    if end is not None and not pd.isna(end) and end != start:
        text = f"{text} – {end.strftime(formats['day'])}"
    return text


def with_labels(dataset: Dataset, events: pd.DataFrame) -> pd.DataFrame:
    """Events with their title, span end, a readable date and the place name, for charts and tables.

    ``events`` are rows of ``dataset.events`` or of a view (which leaves the title out: it is looked up here)."""
    places = dataset.indexed("places")["name"]
    if "title" not in events:
        events = events.assign(title=dataset.events["title"].take(events.index.to_numpy()).set_axis(events.index))
    return events.assign(
        span_end=dataset.event_span_end.loc[events.index],
        when=date_labels(events),
        place=events["place_id"].map(places),
    )


def date_labels(events: pd.DataFrame) -> pd.Series:
    """date_label() for every event at once. Each distinct date is formatted once (a million events share
    a few thousand dates), then looked up."""
    start, end, precision = events["date_start"], events["date_end"], events["date_precision"]
    text = _formatted(start, "%-d %b %Y")
    text = text.mask(precision == "month", _formatted(start, "%b %Y"))
    text = text.mask(precision == "year", _formatted(start, "%Y"))
    spans = end.notna() & (end != start)
    return text.mask(spans, text + " – " + _formatted(end, "%-d %b %Y")).astype(object)


def _formatted(dates: pd.Series, pattern: str) -> pd.Series:
    codes, uniques = pd.factorize(dates)
    labels = np.append(pd.DatetimeIndex(uniques).strftime(pattern).to_numpy(dtype=object), None)
    return pd.Series(labels[codes], index=dates.index, dtype=object)


def claims_with_claimants(dataset: Dataset, claims: pd.DataFrame) -> pd.DataFrame:
    """Claims with the claimant actor's name, state and colour, and the figure in words."""
    actors = dataset.indexed("actors")
    state = claims["claimant_actor"].map(actors["state"]).fillna(claims["claimant_actor"])
    own_colour = claims["claimant_actor"].map(actors["colour"])
    source_names = dataset.indexed("sources")["publisher"]
    return claims.assign(
        claimant_name=claims["claimant_actor"].map(actors["name"]),
        claimant_state=state,
        colour=own_colour.fillna(state.map(actors["colour"])),
        figure=figure_labels(claims),
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
    names = dataset.indexed("actors")["name"]
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
    counts = counts.loc[counts > 0].set_axis(counts.index[counts > 0].astype(str))  # a category may be unused
    places = dataset.indexed("places").join(counts, how="inner")
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
    places = dataset.indexed("places")
    origin = places.loc[ORIGIN_PLACE] if ORIGIN_PLACE in places.index else None
    return grouped.assign(
        origin_lat=origin["lat"] if origin is not None else pd.NA,
        origin_lon=origin["lon"] if origin is not None else pd.NA,
        lat=grouped["place_id"].map(places["lat"]),
        lon=grouped["place_id"].map(places["lon"]),
        place=grouped["place_id"].map(places["name"]),
    )[columns]


def source_usage(dataset: Dataset) -> pd.DataFrame:
    """Every source with how many events and claims cite it, most cited first (worked out once per dataset)."""

    def build() -> pd.DataFrame:
        lists = pa.array(dataset.events["source_ids"].array)
        counted = pc.value_counts(pc.list_flatten(lists))
        by_source = pd.Series(counted.field("counts").to_numpy(), index=counted.field("values").to_pylist())
        claim_citations = dataset.claims["source_id"].value_counts()
        sources = dataset.sources
        usage = sources.assign(
            events=sources["source_id"].map(by_source).fillna(0).astype(int),
            claims=sources["source_id"].map(claim_citations).fillna(0).astype(int),
        )
        return usage.sort_values(["events", "claims"], ascending=False, kind="stable")

    return dataset.memo("source_usage", build)


def _contains(values: pd.Series, query: str) -> np.ndarray:
    return values.str.contains(query, case=False, regex=False).fillna(False).to_numpy(dtype=bool)


def search_events(dataset: Dataset, events: pd.DataFrame, query: str) -> pd.DataFrame:
    """Rows of ``events`` (a view's) whose title, summary, notes, category or place name contains the query
    (case-insensitive, plain text). Searched in the dataset's columns, vectorised, and looked up by position."""
    if not query:
        return events
    table = dataset.events
    hits = np.zeros(len(table), dtype=bool)
    for column in ("title", "summary", "notes", "category"):
        hits |= _contains(table[column], query)
    places = dataset.places
    hits |= table["place_id"].isin(places.loc[_contains(places["name"], query), "place_id"]).to_numpy()
    return events.loc[hits[events.index.to_numpy()]]


def search_claims(dataset: Dataset, claims: pd.DataFrame, query: str) -> pd.DataFrame:
    """Claims whose claimant, relayer, metric, notes, excerpt or source publisher contains the query."""
    if not query:
        return claims
    hits = np.zeros(len(claims), dtype=bool)
    for column in ("claimant", "relayed_by", "metric", "notes", "excerpt"):
        hits |= _contains(claims[column], query)
    sources = dataset.sources
    hits |= claims["source_id"].isin(sources.loc[_contains(sources["publisher"], query), "source_id"]).to_numpy()
    return claims.loc[hits]


def cited_sources(dataset: Dataset, events: pd.DataFrame, claims: pd.DataFrame) -> set[str]:
    """Every source id that the events (rows of ``dataset.events`` or of a view) and the claims cite."""
    cited = set(claims["source_id"].dropna())
    if len(events):
        # The dataset's Arrow list column, flattened without a loop or a copy; each item kept if its row is.
        lists = pa.array(dataset.events["source_ids"].array)
        chosen = np.zeros(len(lists), dtype=bool)
        chosen[events.index.to_numpy()] = True
        rows = pc.list_parent_indices(lists).to_numpy()
        cited |= set(pc.unique(pc.list_flatten(lists).filter(pa.array(chosen[rows]))).to_pylist())
    return cited


def most_important(events: pd.DataFrame, limit: int = 15, *, newest_first: bool = False) -> pd.DataFrame:
    """The ``limit`` events of highest importance, earliest (or newest) first within a level.

    Ranked on two numeric arrays, then only the chosen rows are taken: a big table is neither sorted nor copied."""
    importance = events["importance"].fillna(0).to_numpy(dtype=np.int64)
    starts = events["date_start"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    starts = -starts if newest_first else starts
    chosen: list[np.ndarray] = []
    for level in np.unique(importance)[::-1]:
        wanted = limit - sum(map(len, chosen))
        if wanted <= 0:
            break
        rows = np.flatnonzero(importance == level)
        # Stable: ties keep table order. Timsort is linear on the date-sorted tables people usually have.
        chosen.append(rows[np.argsort(starts[rows], kind="stable")[:wanted]])
    return events.iloc[np.concatenate(chosen)] if chosen else events.iloc[0:0]


def find_event(dataset: Dataset, event_id: str | None) -> pd.Series | None:
    """One event's full row (text columns included), or None when no event has that id."""
    if not event_id:
        return None
    rows = dataset.events.loc[dataset.events["event_id"] == event_id]
    return rows.iloc[0] if not rows.empty else None


def event_sources(dataset: Dataset, event_id: str) -> pd.DataFrame:
    """The sources of one event, in the order the event lists them."""
    event = dataset.events.loc[dataset.events["event_id"] == event_id]
    if event.empty:
        return dataset.sources.iloc[0:0]
    order = list(event.iloc[0]["source_ids"])
    sources = dataset.indexed("sources").loc[order]
    return sources.reset_index()


MAX_MILESTONES = 8


def key_events(events: pd.DataFrame, since: str = "2024-01-01", limit: int = MAX_MILESTONES) -> pd.DataFrame:
    """Treaty and military milestones (importance 3) since a date: the labelled lines on the figures chart.

    At most ``limit`` (the earliest), so a large dataset cannot bury the chart under lines."""
    milestone = (events["importance"] == 3) & events["category"].isin(["treaty", "military"])
    chosen = events.loc[milestone & (events["date_start"] >= pd.Timestamp(since))]
    return chosen.nsmallest(limit, "date_start").sort_values("date_start")


def event_lanes(dataset: Dataset, events: pd.DataFrame) -> pd.DataFrame:
    """One row per (event, state lane): people and organisations are drawn in their state's lane.

    ``events`` are rows of ``dataset.events`` (or of a view of it): their index is their row position.
    """
    links = dataset.event_actors
    chosen = np.zeros(len(dataset.events), dtype=bool)
    chosen[events.index.to_numpy()] = True
    links = links.loc[chosen[links["event_row"].to_numpy()]]
    # Lanes are worked out once per actor (a few dozen), then looked up by category code.
    actors = dataset.indexed("actors")
    categories = pd.Series(links["actor_id"].cat.categories)
    state = categories.map(actors["state"]).fillna(categories)
    lane_of = state.map(actors["name"]).fillna(state).to_numpy(dtype=object)
    lanes = pd.DataFrame(
        {
            "event_id": dataset.events["event_id"].to_numpy()[links["event_row"].to_numpy()],
            "lane": lane_of[links["actor_id"].cat.codes.to_numpy()],
        }
    )
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
    A claimant's own updates within a period are not a disagreement, so only its latest figure counts.

    Grouped aggregates over one sort, no loop per group: 100,000 claims take a fraction of a second."""
    columns = ["metric", "period", "claimants", "lowest", "highest", "spread", "spread_pct", "who_says"]
    if claims.empty:
        return pd.DataFrame(columns=columns)
    needed = ["metric", "as_of", "reported_on", "claimant_actor", "claimant", "relayed_by", "source_id"]
    # Only the columns used: every step below copies what it is given.
    enriched = claims_with_claimants(dataset, claims[[*needed, "value_low", "value_high", "qualifier"]]).assign(
        period=lambda frame: period_labels(frame["as_of"], granularity), key=claimant_key
    )
    groups = ["metric", "period"]
    latest = enriched.sort_values(["as_of", "reported_on"], kind="stable").groupby([*groups, "key"]).tail(1)
    table = latest.groupby(groups).agg(
        claimants=("key", "size"), lowest=("value_low", "min"), highest=("value_high", "max")
    )
    figures = latest[[*groups, "value_low", "value_high"]].drop_duplicates().groupby(groups).size()
    table = table.loc[(table["claimants"] >= 2) & (figures.reindex(table.index) >= 2)]
    if table.empty:
        return pd.DataFrame(columns=columns)
    shown = latest.set_index(groups).loc[table.index].reset_index()
    shown = shown.sort_values([*groups, "value_high", "as_of"], kind="stable")
    says = (
        shown["claimant_name"].astype(object)
        + ": "
        + shown["figure"]
        + " ("
        + _formatted(shown["as_of"], "%-d %b %Y")
        + ")"
    )
    table = table.assign(
        lowest=table["lowest"].astype(float),
        highest=table["highest"].astype(float),
        who_says=says.groupby([shown["metric"], shown["period"]], sort=False).agg("; ".join),
    )
    table = table.assign(spread=table["highest"] - table["lowest"])
    table = table.assign(spread_pct=(table["spread"] / table["lowest"] * 100).where(table["lowest"] != 0, float("nan")))
    table = table.reset_index()[columns]
    return table.sort_values(["spread_pct", "metric"], ascending=[False, True], ignore_index=True)
