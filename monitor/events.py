"""Events as pages show them: labelled, ranked, found by id, with their sources and lanes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from monitor.actors import lane_names
from monitor.labels import date_labels
from monitor.loading import Dataset

MAX_MILESTONES = 8


def with_labels(dataset: Dataset, events: pd.DataFrame) -> pd.DataFrame:
    """Events with their title, span end, a readable date and the place name, for charts and tables.

    ``events`` are rows of ``dataset.events`` or of a view (which leaves the title out: it is looked up here)."""
    places = dataset.indexed("places")["name"]
    if "title" not in events:
        titles = dataset.rows("events", events.index.to_numpy(), ["title"])["title"]
        events = events.assign(title=titles.set_axis(events.index))
    return events.assign(
        span_end=dataset.event_span_end.loc[events.index],
        when=date_labels(events["date_start"], events["date_precision"], events["date_end"]),
        place=events["place_id"].map(places),
    )


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


def key_events(events: pd.DataFrame, since: str = "2024-01-01", limit: int = MAX_MILESTONES) -> pd.DataFrame:
    """Treaty and military milestones (importance 3) since a date: the labelled lines on the figures chart.

    At most ``limit`` (the earliest), so a large dataset cannot bury the chart under lines."""
    milestone = (events["importance"] == 3) & events["category"].isin(["treaty", "military"])
    # Chosen on the dates alone, then only those rows are taken: a table's text is never copied.
    starts = events["date_start"].to_numpy(dtype="datetime64[ns]")
    rows = np.flatnonzero(
        milestone.to_numpy(dtype=bool, na_value=False) & (starts >= np.datetime64(pd.Timestamp(since), "ns"))
    )
    earliest = rows[np.argsort(starts[rows], kind="stable")[:limit]]  # as nsmallest: ties keep table order
    return events.iloc[earliest].sort_values("date_start")


def place_event_counts(dataset: Dataset, events: pd.DataFrame) -> pd.DataFrame:
    """Places named by the events, with how many events each has (most first)."""
    counts = events["place_id"].value_counts().rename("events")
    counts = counts.loc[counts > 0].set_axis(counts.index[counts > 0].astype(str))  # a category may be unused
    places = dataset.indexed("places").join(counts, how="inner")
    return places.reset_index().sort_values("events", ascending=False, ignore_index=True)


def event_lanes(dataset: Dataset, events: pd.DataFrame) -> pd.DataFrame:
    """One row per (event, state lane): people and organisations are drawn in their state's lane.

    ``events`` are rows of ``dataset.events`` (or of a view of it): their index is their row position.
    """
    links = dataset.event_actors
    chosen = np.zeros(len(dataset.events), dtype=bool)
    chosen[events.index.to_numpy()] = True
    links = links.loc[chosen[links["event_row"].to_numpy()]]
    # Lanes are worked out once per actor (a few dozen), then looked up by category code.
    lanes = lane_names(dataset.actors)
    categories = links["actor_id"].cat.categories
    lane_of = np.array([lanes.get(actor, actor) for actor in categories], dtype=object)
    frame = pd.DataFrame(
        {
            "event_id": dataset.events["event_id"].to_numpy()[links["event_row"].to_numpy()],
            "lane": lane_of[links["actor_id"].cat.codes.to_numpy()],
        }
    )
    return frame.drop_duplicates(ignore_index=True)
