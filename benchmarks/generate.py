"""Synthetic data in the exact schema of ``monitor.schema``, at any size, for the benchmarks.

    python -m benchmarks.generate --events 100000 --out benchmarks/results/data-100k [--seed 0] [--text short]

Writes all five CSV tables, a CHANGELOG.md and the datapackage.json rendered from the schema, so the
folder validates (``python -m monitor validate DIR``) and the app reads it through ``MONITOR_DATA_DIR``.
Actors are the real ``data/actors.csv``; places are the real ``data/places.csv`` plus one synthetic place per
thousand events (inside the map's region); claims are about N/10 and sources about N/20. Events spread over
1953-2025 with 60 % of them in 2022-2025, mostly day-precise. Everything is vectorised (numpy, pandas):
1M events take about ten seconds, most of it writing the CSV text.

Text is realistic by default: titles, summaries, excerpts, notes and date bases are drawn from the curated
tables' own cells, so their lengths and spread, and the share left empty, are ours (1M events is then about
800 MB of CSV). ``--text short`` writes the earlier short synthetic text, which the tests use for speed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.common import PROJECT_ROOT, parse_size
from monitor.datapackage import render_datapackage
from monitor.loading import STATEMENT_FIELDS
from monitor.places import country_at, country_borders
from monitor.schema import (
    CLAIM_SCOPES,
    DATE_PRECISIONS,
    EVENT_CATEGORIES,
    EVENT_STATUSES,
    EXCERPT_MAX_CHARS,
    FIRST_DATE,
    LAST_DATE,
    METRICS,
    PARTIES_TO_THE_WAR,
    PLACE_KINDS,
    QUALIFIERS,
    SOURCE_KINDS,
    TABLES,
)

REAL_DATA = PROJECT_ROOT / "data"
# Where synthetic places go (west, south, east, north), and how many go to each country, relatively.
SYNTHETIC_BOX = (30.0, 35.0, 145.0, 65.0)
PLACE_COUNTRIES = {"RUS": 5, "PRK": 2, "CHN": 1.5, "KOR": 0.5, "UKR": 1}
DETAIL_FROM = np.datetime64("2022-01-01", "D")
WAR_FROM = np.datetime64("2022-02-24", "D")
FIRST = np.datetime64(FIRST_DATE.date(), "D")
LAST = np.datetime64(LAST_DATE.date(), "D")

PUBLISHERS = [
    "Reuters",
    "Associated Press",
    "AFP",
    "BBC",
    "The Guardian",
    "Kyiv Independent",
    "Yonhap",
    "NK News",
    "KCNA",
    "TASS",
    "RIA Novosti",
    "Interfax",
    "Korea Herald",
    "Korea JoongAng Daily",
    "The Times",
    "Financial Times",
    "New York Times",
    "Washington Post",
    "Al Jazeera",
    "Deutsche Welle",
    "Le Monde",
    "Nikkei Asia",
    "Kyodo News",
    "38 North",
    "CSIS",
    "RUSI",
    "Wilson Center",
    "CIA CREST",
    "Meduza",
    "Novaya Gazeta",
    "Ukrainska Pravda",
    "Radio Free Asia",
    "Voice of America",
    "Daily NK",
    "The Diplomat",
    "Foreign Policy",
    "Politico",
    "Bloomberg",
    "CNN",
    "NHK",
]
AUTHORS = ["A. Kim", "B. Lee", "C. Ivanova", "D. Smith", "E. Park", "F. Petrov", "G. Shevchenko", "H. Choi"]
SUMMARIES = [
    "Officials of both governments met and issued a joint statement on further co-operation.",
    "A delegation travelled for talks on trade, transport links and cultural exchanges.",
    "Reports said equipment and personnel were moved; the governments concerned did not comment.",
    "A commemorative ceremony was held, attended by diplomats and veterans' representatives.",
    "An agreement was signed covering economic assistance and the repayment of earlier credits; its terms "
    "were only partly published.",
    "Statements by several governments described the event differently; the sources disagree on the details.",
    "Analysts cited satellite imagery showing increased rail and port activity over several weeks.",
    "The two sides announced a programme of exchanges and a schedule for further meetings.",
]
EXCERPTS = [
    "The two sides agreed to strengthen co-operation.",
    "According to officials, the talks lasted several hours and covered a wide range of issues.",
    "A spokesperson said the visit would deepen ties between the two countries in trade, science and culture, "
    "and that further meetings were planned.",
    "Satellite images appear to show a significant increase in rail traffic at the border crossing.",
    "x" * EXCERPT_MAX_CHARS,  # the longest excerpt the schema allows
    "It was the first such visit in years, officials said.",
    "The statement did not give a figure.",
    "Intelligence officials estimated the number at several thousand, though they said the figure was "
    "uncertain and could change as more information became available to them.",
]
NOTES = [
    "Sources differ on the exact date.",
    "Figure given as a range by one source and as a single number by another.",
    "Synthetic note: repeated, contested wording, kept for the benchmark's search and table sizes.",
]
CATEGORY_WEIGHTS = {
    "diplomacy": 0.30,
    "treaty": 0.05,
    "military": 0.25,
    "economy": 0.15,
    "commemoration": 0.08,
    "statement": 0.12,
    "context": 0.05,
}
METRIC_WEIGHTS = {
    "troops_deployed": 0.35,
    "troops_reconstruction": 0.08,
    "workers": 0.07,
    "killed": 0.10,
    "wounded": 0.07,
    "casualties": 0.15,
    "captured": 0.04,
    "drones_launched": 0.04,
    "artillery_shells": 0.04,
    "containers": 0.02,
    "ballistic_missiles": 0.02,
    "ballistic_missiles_fired": 0.01,
    "artillery_systems": 0.01,
}
DATE_BASES = [
    "Briefing to lawmakers on that day, per the agency's report of the same evening",
    "Press conference on that day, per the wire story",
    "Statement posted on the ministry's website that day",
    "Interview published that day",
]
LEAD_ACTOR_WEIGHTS = {"PRK": 10.0, "RUS": 8.0, "SUN": 2.0, "kim-jong-un": 4.0, "putin": 4.0, "CHN": 1.5}
CLAIMANT_WEIGHTS = {
    "nis": 21.0,
    "zelensky": 11.0,
    "us-government": 11.0,
    "hur": 9.0,
    "ukrainian-government": 5.0,
    "south-korean-government": 5.0,
    "unnamed-sources": 4.0,
    "GBR": 3.0,
    "shoigu": 3.0,
    "kcna": 1.0,
    "kim-jong-un": 1.0,
}


def sizes_for(events: int) -> dict[str, int]:
    """How many rows each table gets for ``events`` events."""
    return {
        "events": events,
        "claims": max(events // 10, 1),
        "sources": max(events // 20, 3),
        "extra_places": events // 1000,
    }


def _choice(rng: np.random.Generator, values: list | tuple, size: int, weights: dict | None = None) -> np.ndarray:
    probabilities = None
    if weights is not None:
        raw = np.array([weights.get(value, 0.0) for value in values], dtype=float)
        probabilities = raw / raw.sum()
    return np.asarray(values, dtype=object)[rng.choice(len(values), size=size, p=probabilities)]


def _dates_text(days: np.ndarray) -> np.ndarray:
    """datetime64[D] as YYYY-MM-DD text; NaT as an empty cell (None)."""
    text = np.datetime_as_string(days, unit="D").astype(object)
    text[np.isnat(days)] = None
    return text


def _uniform_days(rng: np.random.Generator, first: np.datetime64, last: np.datetime64, size: int) -> np.ndarray:
    span = int((last - first).astype(int)) + 1
    return first + rng.integers(0, span, size=size).astype("timedelta64[D]")


def _sometimes(rng: np.random.Generator, pool: list[str], size: int, share: float) -> np.ndarray:
    """A value from ``pool`` in ``share`` of the rows, else an empty cell."""
    values = np.asarray(pool, dtype=object)[rng.integers(0, len(pool), size=size)]
    values[rng.random(size) >= share] = None
    return values


def _ids(prefix: str, count: int, width: int = 7) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(1, count + 1).astype(str), width)).astype(object)


def _join(parts: list[np.ndarray], counts: np.ndarray, separator: str = ";") -> np.ndarray:
    """Join the first ``counts[i]`` of the parts of each row with ``separator``."""
    joined = pd.Series(parts[0], dtype=object)
    for position, part in enumerate(parts[1:], start=2):
        extra = separator + pd.Series(part, dtype=object)
        joined = joined + extra.where(counts >= position, "")
    return joined.to_numpy(dtype=object)


def make_sources(rng: np.random.Generator, count: int) -> pd.DataFrame:
    ids = _ids("src-", count)
    published = np.where(
        rng.random(count) < 0.7,
        _uniform_days(rng, DETAIL_FROM, LAST, count),
        _uniform_days(rng, FIRST, LAST, count),
    ).astype("datetime64[D]")
    published[rng.random(count) < 0.1] = np.datetime64("NaT")
    urls = np.char.add("https://example.org/articles/", ids.astype(str)).astype(object)
    urls[rng.random(count) < 0.05] = None
    return pd.DataFrame(
        {
            "source_id": ids,
            "kind": _choice(rng, SOURCE_KINDS, count),
            "title": np.char.add("Synthetic article ", np.arange(1, count + 1).astype(str)).astype(object),
            "publisher": _choice(rng, PUBLISHERS, count),
            "author": _sometimes(rng, AUTHORS, count, 0.3),
            "published": _dates_text(published),
            "url": urls,
            "text_ref": np.full(count, None, dtype=object),
            "notes": _sometimes(rng, NOTES, count, 0.05),
        }
    )


def synthetic_locations(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A country for each synthetic place, and a point inside it (validation checks places against the borders)
    and inside the main map's box (components.maps.REGION_BBOX), as real places are: drawn uniformly over the
    part of the country's bounding box in SYNTHETIC_BOX, drawn again until it lands in the country."""
    country = _choice(rng, list(PLACE_COUNTRIES), count, PLACE_COUNTRIES)
    lat, lon = np.empty(count), np.empty(count)
    for name in PLACE_COUNTRIES:
        west, south, east, north = country_borders()[name].bounds
        west, south = max(west, SYNTHETIC_BOX[0]), max(south, SYNTHETIC_BOX[1])
        east, north = min(east, SYNTHETIC_BOX[2]), min(north, SYNTHETIC_BOX[3])
        todo = np.flatnonzero(country == name)
        while len(todo):
            draw_lat = np.round(rng.uniform(south, north, len(todo)), 4)
            draw_lon = np.round(rng.uniform(west, east, len(todo)), 4)
            inside = country_at(draw_lat, draw_lon, (name,)) == name
            lat[todo[inside]], lon[todo[inside]] = draw_lat[inside], draw_lon[inside]
            todo = todo[~inside]
    return lat, lon, country


def make_places(rng: np.random.Generator, real: pd.DataFrame, extra: int) -> pd.DataFrame:
    if extra == 0:
        return real
    ids = _ids("place-", extra, width=5)
    lat, lon, country = synthetic_locations(rng, extra)
    synthetic = pd.DataFrame(
        {
            "place_id": ids,
            "name": np.char.add("Synthetic place ", np.arange(1, extra + 1).astype(str)).astype(object),
            "name_local": np.full(extra, None, dtype=object),
            "lat": lat.astype(str),
            "lon": lon.astype(str),
            "country": country,
            "kind": _choice(rng, PLACE_KINDS, extra),
            "coords_source": np.char.add("https://example.org/places/", ids.astype(str)).astype(object),
            "notes": np.full(extra, None, dtype=object),
        }
    )
    return pd.concat([real, synthetic], ignore_index=True)


def _actor_combinations(rng: np.random.Generator, actor_ids: list[str], count: int = 400) -> np.ndarray:
    """A pool of plausible ';' actor lists: a lead (PRK, RUS, their leaders...) and 1-4 others."""
    leads = _choice(rng, actor_ids, count, LEAD_ACTOR_WEIGHTS)
    combos = []
    for lead in leads:
        others = [actor for actor in actor_ids if actor != lead]
        extra = rng.choice(others, size=int(rng.choice([1, 2, 3, 4], p=[0.2, 0.4, 0.3, 0.1])), replace=False)
        partner = "RUS" if lead in ("PRK", "kim-jong-un") else "PRK"
        members = list(dict.fromkeys([lead, partner, *extra]))
        combos.append(";".join(members))
    return np.asarray(combos, dtype=object)


def make_events(
    rng: np.random.Generator, count: int, actor_ids: list[str], place_ids: np.ndarray, source_ids: np.ndarray
) -> pd.DataFrame:
    recent = rng.random(count) < 0.6
    start = np.where(
        recent,
        _uniform_days(rng, DETAIL_FROM, LAST, count),
        _uniform_days(rng, FIRST, DETAIL_FROM - np.timedelta64(1, "D"), count),
    ).astype("datetime64[D]")
    start.sort()  # chronological, as the curated file is
    precision = _choice(rng, DATE_PRECISIONS, count, {"day": 0.86, "month": 0.11, "year": 0.03})
    by_month, by_year = precision == "month", precision == "year"
    start[by_month] = start[by_month].astype("datetime64[M]").astype("datetime64[D]")
    start[by_year] = start[by_year].astype("datetime64[Y]").astype("datetime64[D]")
    end = np.full(count, np.datetime64("NaT"), dtype="datetime64[D]")
    spans = (precision == "day") & (rng.random(count) < 0.08)
    end[spans] = np.minimum(start[spans] + rng.integers(1, 22, spans.sum()).astype("timedelta64[D]"), LAST)
    category = _choice(rng, EVENT_CATEGORIES, count, CATEGORY_WEIGHTS)
    numbers = np.arange(1, count + 1).astype(str)
    place = place_ids[rng.integers(0, len(place_ids), count)].astype(object)
    place[rng.random(count) < 0.15] = None
    first_source = rng.integers(0, len(source_ids), count)
    source_count = rng.choice([1, 2, 3], size=count, p=[0.4, 0.4, 0.2])
    source_lists = _join([source_ids[(first_source + offset) % len(source_ids)] for offset in range(3)], source_count)
    return pd.DataFrame(
        {
            "event_id": _ids("ev-", count),
            "date_start": _dates_text(start),
            "date_end": _dates_text(end),
            "date_precision": precision,
            "title": (pd.Series(category).str.capitalize() + " event " + numbers).to_numpy(dtype=object),
            "summary": np.asarray(SUMMARIES, dtype=object)[rng.integers(0, len(SUMMARIES), count)],
            "category": category,
            "status": _choice(rng, EVENT_STATUSES, count, {"confirmed": 0.6, "reported": 0.3, "disputed": 0.1}),
            "place_id": place,
            "actors": _actor_combinations(rng, actor_ids)[rng.integers(0, 400, count)],
            "source_ids": source_lists,
            "excerpt": _sometimes(rng, EXCERPTS, count, 0.5),
            "importance": rng.choice([1, 2, 3], size=count, p=[0.5, 0.35, 0.15]),
            "notes": _sometimes(rng, NOTES, count, 0.1),
        }
    )


def _sources_published_after(
    rng: np.random.Generator, sources: pd.DataFrame, reported_on: np.ndarray, per_claim: int
) -> list[np.ndarray]:
    """``per_claim`` source ids per claim, each published on or after the claim's report (or undated), as the
    validator requires of a statement and the outlets that report it."""
    published = pd.to_datetime(sources["published"]).to_numpy(dtype="datetime64[D]")
    order = np.argsort(np.where(np.isnat(published), np.datetime64("2262-01-01"), published), kind="stable")
    ordered_dates = published[order]
    dated = int((~np.isnat(ordered_dates)).sum())
    first_allowed = np.searchsorted(ordered_dates[:dated], reported_on, side="left")
    ids = sources["source_id"].to_numpy(dtype=object)[order]
    picks = []
    for _ in range(per_claim):
        span = len(ids) - first_allowed  # undated sources sort last, so there is always one to pick
        picks.append(ids[first_allowed + (rng.random(len(reported_on)) * span).astype(np.int64)])
    return picks


def make_claims(
    rng: np.random.Generator, count: int, actors: pd.DataFrame, place_ids: np.ndarray, sources: pd.DataFrame
) -> pd.DataFrame:
    metric = _choice(rng, list(METRICS), count, METRIC_WEIGHTS)
    qualifier = _choice(
        rng, QUALIFIERS, count, {"exact": 0.2, "about": 0.3, "over": 0.15, "at_least": 0.1, "up_to": 0.1, "range": 0.15}
    )
    scale = np.where(np.isin(metric, ["artillery_shells", "containers", "drones_launched"]), 1000, 100)
    low = rng.integers(1, 150, count) * scale
    is_range = qualifier == "range"
    high = low + np.where(is_range, rng.integers(1, 50, count) * scale, 0)
    as_of = np.where(
        rng.random(count) < 0.92,
        _uniform_days(rng, WAR_FROM, LAST, count),
        _uniform_days(rng, FIRST, LAST, count),
    ).astype("datetime64[D]")
    reported_on = np.minimum(as_of + rng.integers(0, 31, count).astype("timedelta64[D]"), LAST)
    actor_ids = list(actors["actor_id"])
    claimant = _choice(rng, actor_ids, count, {a: CLAIMANT_WEIGHTS.get(a, 0.3) for a in actor_ids})
    names = actors.set_index("actor_id")["name"]
    states = actors.set_index("actor_id")["state"].replace("", np.nan)
    claimant_state = pd.Series(claimant).map(states)
    interested = np.where(claimant_state.isin(PARTIES_TO_THE_WAR), "true", "false").astype(object)
    place = place_ids[rng.integers(0, len(place_ids), count)].astype(object)
    place[rng.random(count) >= 0.35] = None
    claims = pd.DataFrame(
        {
            "claim_id": _ids("cl-", count),
            "metric": metric,
            "subject": _choice(rng, ["PRK", "RUS"], count, {"PRK": 0.9, "RUS": 0.1}),
            "value_low": low,
            "value_high": high,
            "qualifier": qualifier,
            "scope": _choice(
                rng,
                list(CLAIM_SCOPES),
                count,
                {"total": 0.5, "present": 0.2, "additional": 0.1, "planned": 0.1, "partial": 0.08, "rate": 0.02},
            ),
            "counted_from": np.full(count, None, dtype=object),
            "as_of": _dates_text(as_of),
            "as_of_precision": np.full(count, "day", dtype=object),
            "reported_on": _dates_text(reported_on),
            "claimant": pd.Series(claimant).map(names).to_numpy(dtype=object),
            "claimant_actor": claimant,
            "relayed_by": _sometimes(rng, PUBLISHERS, count, 0.5),
            "source_ids": _join(_sources_published_after(rng, sources, reported_on, 2), rng.integers(1, 3, count)),
            "part_of": np.full(count, None, dtype=object),
            "date_basis": np.asarray(DATE_BASES, dtype=object)[rng.integers(0, len(DATE_BASES), count)],
            "interested_party": interested,
            "place_id": place,
            "excerpt": _sometimes(rng, EXCERPTS, count, 0.6),
            "notes": _sometimes(rng, NOTES, count, 0.15),
        }
    )
    # Random draws can repeat one claimant's figure for one day; the validator rightly calls that one statement.
    claims = claims.drop_duplicates(STATEMENT_FIELDS, ignore_index=True)
    return claims.assign(claim_id=_ids("cl-", len(claims)))


TEXT_KINDS = ("realistic", "short")
# The text columns drawn from the curated tables in realistic mode.
REALISTIC_COLUMNS = {
    "events": ("title", "summary", "excerpt", "notes"),
    "claims": ("excerpt", "notes", "date_basis"),
    "sources": ("title", "notes"),
}


def drawn_text(rng: np.random.Generator, table: str, column: str, count: int) -> np.ndarray:
    """``count`` cells drawn from the curated ``table.column``: its filled cells, and as many empty ones as it has
    (never empty when the schema requires the column)."""
    cells = pd.read_csv(REAL_DATA / TABLES[table].file_name, dtype=str, keep_default_na=False)[column]
    filled = cells.loc[cells.str.strip() != ""].to_numpy(dtype=object)
    values = filled[rng.integers(0, len(filled), count)]
    if TABLES[table].schema.columns[column].nullable:
        values[rng.random(count) < 1 - len(filled) / len(cells)] = None
    return values


def with_realistic_text(rng: np.random.Generator, table: str, frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(**{column: drawn_text(rng, table, column, len(frame)) for column in REALISTIC_COLUMNS[table]})


def _write(frame: pd.DataFrame, path: Path, columns: list[str]) -> None:
    """CSV as a spreadsheet writes it: quotes only where needed, empty cells for missing values."""
    frame[columns].to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def generate(events: int, out: str | Path, seed: int = 0, text: str = "realistic") -> dict[str, int]:
    """Write a complete, valid dataset with ``events`` events into ``out``; return the row counts and the
    size of its CSV files (``csv_bytes``). ``text`` is "realistic" (drawn from the curated tables) or "short"."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    counts = sizes_for(events)
    shutil.copyfile(REAL_DATA / "actors.csv", folder / "actors.csv")
    actors = pd.read_csv(REAL_DATA / "actors.csv", dtype=str, keep_default_na=False)
    real_places = pd.read_csv(REAL_DATA / "places.csv", dtype=str, keep_default_na=False).replace("", None)
    places = make_places(rng, real_places, counts["extra_places"])
    sources = make_sources(rng, counts["sources"])
    source_ids = sources["source_id"].to_numpy(dtype=object)
    place_ids = places["place_id"].to_numpy(dtype=object)
    event_rows = make_events(rng, events, list(actors["actor_id"]), place_ids, source_ids)
    claim_rows = make_claims(rng, counts["claims"], actors, place_ids, sources)
    if text == "realistic":
        sources = with_realistic_text(rng, "sources", sources)
        event_rows = with_realistic_text(rng, "events", event_rows)
        claim_rows = with_realistic_text(rng, "claims", claim_rows)
    elif text != "short":
        raise ValueError(f"text must be one of {TEXT_KINDS}, not {text!r}")
    for name, frame in (("sources", sources), ("places", places), ("events", event_rows), ("claims", claim_rows)):
        _write(frame, folder / TABLES[name].file_name, TABLES[name].columns)
    (folder / "CHANGELOG.md").write_text(
        "# Dataset changelog\n\n"
        f"## 0.{events}.{seed} - synthetic\n\n"
        f"- Synthetic benchmark data: {events} events, seed {seed} (python -m benchmarks.generate).\n",
        encoding="utf-8",
    )
    (folder / "datapackage.json").write_text(render_datapackage(folder), encoding="utf-8")
    return {
        "events": events,
        "claims": len(claim_rows),
        "sources": len(sources),
        "places": len(places),
        "actors": len(actors),
        "csv_bytes": sum(path.stat().st_size for path in folder.glob("*.csv")),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--events", required=True, type=parse_size, help="number of events (1000, 10k, 1M)")
    parser.add_argument("--out", required=True, type=Path, help="folder to write (created if missing)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--text", choices=TEXT_KINDS, default="realistic", help="text drawn from ours, or short")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate(args.events, args.out, args.seed, args.text)
    csv_mb = counts.pop("csv_bytes") / 1e6
    summary = ", ".join(f"{count} {name}" for name, count in counts.items()) + f" ({csv_mb:,.1f} MB of CSV)"
    print(f"wrote {args.out}: {summary} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
