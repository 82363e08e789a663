"""A real peer for the explorer page: Datasette over SQLite, doing the explorer's job on the same events.

    python -m benchmarks.peer_datasette --data /work/bigdata/data-1M [--out benchmarks/results/peer-1M.json]
        [--db PATH] [--rebuild] [--rounds 5] [--page-size 100] [--no-html] [--fts]

Needs ``pip install -r benchmarks/requirements-peer.txt`` (Datasette is a benchmark-only add-on).

1. **Build** (timed, with the builder's peak memory) a SQLite database from the folder's CSV files, as a Datasette
   user tuning for this job would: ``events`` (every column; ``actors`` and ``source_ids`` as JSON arrays, the
   form sqlite-utils gives lists, so ``_facet_array=actors`` is Datasette's own array facet; plus ``span_end``,
   the last day an event covers, so a period filter selects the same rows as ours), ``event_actors`` (event rowid,
   actor id: the link table the actor filter uses), ``actors`` and ``places`` (foreign keys, so place ids get
   labels). Indexes, and why:

   * ``events(date_start, span_end)``: the page is sorted by date and the period filter is an overlap on
     (date_start, span_end); both are answered from the index (rowid breaks ties, in file order as ours).
   * ``event_actors(event, actor_id)``: the actor filter, a correlated EXISTS per event (a page is then read in
     date order and stops when full), and the reverse lookup (a row's actors) Datasette's foreign-key pages use.
   * ``event_actors(actor_id, event)``: an actor's events (the facet's and a link's "rows from" pages).
   * ``events(event_id)`` unique: a record opened by its id (the explorer's ``?event=`` link).
   * ``events(place_id)``: the place labels and a place's events.
   * ``ANALYZE`` so the planner knows the selectivities. With ``--fts``, an FTS5 index of title, summary,
     excerpt and notes for the search box (Datasette's ``_search=``; token search, where ours is substring).

2. **Serve** it with ``datasette serve -i`` (immutable: read-only, as a published dataset runs) on loopback, with
   ``suggest_facets off`` (suggestions are extra queries on every page, which a tuned deployment turns off) and
   time limits raised so the facet and the count always finish (Datasette's defaults, 1 s per query and 200 ms
   per facet, would give up and return a partial page instead).

3. **Time the explorer's job** over HTTP: the benchmark worker's filter changes in order (benchmarks/worker.py:
   North Korea + Russia; 2024; the 2020s; October 2024; everything again; the selections accumulate as in the
   sidebar). Each step is the ``/<db>/events.json`` table page (the filtered rows sorted by date, one page, the
   filtered count) and the facet count by actor: a column facet on the link table, a second request, by default;
   Datasette's array facet on the same page with ``--facet array`` (see ``step_urls``); then the next page
   (Datasette's keyset ``next_url``: a page and its count). One cold round, then ``--rounds`` warm rounds: median
   and p95 per step. The HTML table page of each step is timed too (``--no-html`` to skip). The
   server's peak memory is its VmHWM (/proc/<pid>/status).

The actor filter is "any of the selected actors or their members" (monitor.actors.with_members), passed as a
``_where`` (a correlated EXISTS on the link table); a state's members are read from actors.csv. Standard
library only (the runner imports ``peer_report`` from here and must stay free of pandas).
"""

from __future__ import annotations

import argparse
import calendar
import csv
import json
import os
import resource
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from importlib import metadata, util
from pathlib import Path

from benchmarks.worker import FILTER_CHANGES

STEP_COUNT = 5  # the worker's five filter changes, as benchmarks.run measures them
# A peer page within this factor of ours (ours / Datasette, median over the steps) meets the bar.
TARGET_PEER_RATIO = 1.0
INDEXES = {
    "events_date": "CREATE INDEX events_date ON events(date_start, span_end)",
    "events_event_id": "CREATE UNIQUE INDEX events_event_id ON events(event_id)",
    "events_place": "CREATE INDEX events_place ON events(place_id)",
    "event_actors_actor": "CREATE INDEX event_actors_actor ON event_actors(actor_id, event)",
    "event_actors_event": "CREATE INDEX event_actors_event ON event_actors(event, actor_id)",
}
SERVER_SETTINGS = {
    "suggest_facets": "off",
    "sql_time_limit_ms": "120000",
    "facet_time_limit_ms": "120000",
    "default_page_size": "100",
    "max_returned_rows": "1000",
}


def datasette_installed() -> bool:
    """Whether Datasette can be run from this interpreter (without importing it)."""
    return util.find_spec("datasette") is not None


# --- the database -----------------------------------------------------------------------------------------


def _span_end(start: str, end: str, precision: str) -> str:
    """Last day an event covers: its date_end, else the end of its month or year (monitor.loading.span_end)."""
    if end:
        return end
    if precision == "month" and len(start) >= 7:
        year, month = int(start[:4]), int(start[5:7])
        return f"{start[:7]}-{calendar.monthrange(year, month)[1]:02d}"
    if precision == "year" and len(start) >= 4:
        return f"{start[:4]}-12-31"
    return start


def _ids(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(";") if item.strip()]


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _copy_table(connection: sqlite3.Connection, path: Path, table: str, key: str) -> list[str]:
    """A small table as text columns with ``key`` as its primary key; returns the columns."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        columns = next(reader)
        definition = ", ".join(f'"{name}" TEXT{" PRIMARY KEY" if name == key else ""}' for name in columns)
        connection.execute(f'CREATE TABLE "{table}" ({definition})')
        marks = ", ".join("?" * len(columns))
        connection.executemany(f'INSERT INTO "{table}" VALUES ({marks})', ([v or None for v in row] for row in reader))
    return columns


def build_database(folder: Path, db: Path, *, fts: bool = False) -> dict[str, object]:
    """Write ``db`` from the folder's CSV files (replacing it); return what was built, how long it took and the
    database's size. The events are streamed: the builder holds one batch of rows at a time."""
    started = time.perf_counter()
    db.parent.mkdir(parents=True, exist_ok=True)
    partial = db.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    connection = sqlite3.connect(partial)
    connection.execute("PRAGMA journal_mode = OFF")  # a one-off bulk load into a new file: nothing to roll back
    connection.execute("PRAGMA synchronous = OFF")
    _copy_table(connection, folder / "actors.csv", "actors", "actor_id")
    _copy_table(connection, folder / "places.csv", "places", "place_id")
    with (folder / "events.csv").open(encoding="utf-8", newline="") as handle:
        columns = next(csv.reader(handle))
    kinds = {"importance": "INTEGER", "place_id": "TEXT REFERENCES places(place_id)"}
    definition = ", ".join(f'"{name}" {kinds.get(name, "TEXT")}' for name in columns)
    connection.execute(f"CREATE TABLE events (id INTEGER PRIMARY KEY, {definition}, span_end TEXT)")
    connection.execute(
        "CREATE TABLE event_actors (event INTEGER NOT NULL REFERENCES events(id), "
        "actor_id TEXT NOT NULL REFERENCES actors(actor_id))"
    )
    insert = f"INSERT INTO events VALUES ({', '.join('?' * (len(columns) + 2))})"
    events = links = 0
    batch: list[tuple[object, ...]] = []
    link_batch: list[tuple[int, str]] = []

    def flush() -> None:
        connection.executemany(insert, batch)
        connection.executemany("INSERT INTO event_actors VALUES (?, ?)", link_batch)
        batch.clear()
        link_batch.clear()

    for row in _rows(folder / "events.csv"):
        events += 1
        actors = _ids(row["actors"])
        values: list[object] = [events]
        for name in columns:
            cell = row[name]
            if name in ("actors", "source_ids"):
                values.append(json.dumps(_ids(cell)))
            elif name == "importance":
                values.append(int(cell) if cell else None)
            else:
                values.append(cell or None)
        values.append(_span_end(row["date_start"], row["date_end"], row["date_precision"]))
        batch.append(tuple(values))
        link_batch.extend((events, actor) for actor in dict.fromkeys(actors))  # id = file order, from 1
        links += len(dict.fromkeys(actors))
        if len(batch) >= 20_000:
            flush()
    flush()
    loaded = time.perf_counter()
    for statement in INDEXES.values():
        connection.execute(statement)
    if fts:
        connection.execute("CREATE VIRTUAL TABLE events_fts USING fts5(title, summary, excerpt, notes, content=events)")
        connection.execute(
            "INSERT INTO events_fts(rowid, title, summary, excerpt, notes) "
            "SELECT rowid, title, summary, excerpt, notes FROM events"
        )
    connection.execute("ANALYZE")
    connection.commit()
    connection.close()
    partial.replace(db)
    finished = time.perf_counter()
    return {
        "events": events,
        "links": links,
        "fts": fts,
        "build_s": round(finished - started, 2),
        "load_s": round(loaded - started, 2),
        "index_s": round(finished - loaded, 2),
        "db_mb": round(db.stat().st_size / 1e6, 1),
        "indexes": list(INDEXES) + (["events_fts (FTS5)"] if fts else []),
    }


def _folder_key(folder: Path) -> dict[str, list[int]]:
    """What the database was built from: each CSV file's size and modification time."""
    return {p.name: [p.stat().st_size, p.stat().st_mtime_ns] for p in sorted(folder.glob("*.csv"))}


def ensure_database(folder: Path, db: Path, *, rebuild: bool = False, fts: bool = False) -> dict[str, object]:
    """The database for the folder, built when missing or stale; the build's record (kept beside it)."""
    marker = db.with_suffix(".json")
    wanted = {"folder": str(folder.resolve()), "files": _folder_key(folder), "fts": fts}
    if not rebuild and db.is_file() and marker.is_file():
        recorded = json.loads(marker.read_text())
        if {key: recorded.get(key) for key in wanted} == wanted:
            return {**recorded, "reused": True}
    # The builder's own peak, measured in a child so the figure is the build's alone.
    command = [sys.executable, "-m", "benchmarks.peer_datasette", "--build-only", "--data", str(folder)]
    command += ["--db", str(db)] + (["--fts"] if fts else [])
    process = subprocess.run(command, capture_output=True, text=True, check=False)
    if process.returncode != 0:
        raise RuntimeError(f"building {db} failed:\n{process.stderr[-3000:]}")
    record = {**wanted, **json.loads(process.stdout.strip().splitlines()[-1])}
    marker.write_text(json.dumps(record))
    return {**record, "reused": False}


# --- the steps --------------------------------------------------------------------------------------------


def state_members(folder: Path) -> dict[str, list[str]]:
    """Each state's people and organisations (actors.csv ``state``), as monitor.actors.with_members reads them."""
    members: dict[str, list[str]] = {}
    for row in _rows(folder / "actors.csv"):
        if row.get("state"):
            members.setdefault(row["state"], []).append(row["actor_id"])
    return members


def _month_end(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{month}-{calendar.monthrange(year, number)[1]:02d}"


def steps(members: dict[str, list[str]], count: int = STEP_COUNT) -> list[dict[str, object]]:
    """The worker's filter changes as filters on the events, the selections accumulating as in the sidebar:
    ``actors`` (the selected ones and their members; empty for all) and ``dates`` (first and last day; None for
    all). "Everything" (period 'all', no actor) is no filter at all, as a Datasette user would ask for it."""
    actors: list[str] = []
    months: tuple[str, str] | None = None
    out = []
    for change in FILTER_CHANGES[:count]:
        if "actor" in change:
            actors = list(change["actor"])
        if "months" in change:
            months = None if change.get("period") == "all" else tuple(change["months"])
        name = " + ".join(actors) if actors else "all actors"
        name += f", {months[0]}..{months[1]}" if months else ", all dates"
        out.append(
            {
                "name": name,
                "change": change,
                "selected": list(actors),
                "actors": sorted({*actors, *(member for actor in actors for member in members.get(actor, []))}),
                "dates": (f"{months[0]}-01", _month_end(months[1])) if months else None,
            }
        )
    return out


def _actor_clause(actors: list[str]) -> str:
    quoted = ", ".join("'" + actor.replace("'", "''") + "'" for actor in actors)
    # A correlated EXISTS on the (event, actor_id) index, not "id in (select event ...)": SQLite can then walk
    # the date index in page order and stop after one page (4 ms instead of 1.8 s for the first page at 1M).
    return f"exists (select 1 from event_actors where event = events.id and actor_id in ({quoted}))"


def where_clause(step: dict[str, object]) -> str:
    """The step's filter on ``events`` as one SQL condition ('1' for everything): what the page's ``_where`` and
    column filters add up to, and what the link-table facet counts within."""
    conditions = [_actor_clause(step["actors"])] if step["actors"] else []
    if step["dates"]:
        conditions.append(f"span_end >= '{step['dates'][0]}' and date_start <= '{step['dates'][1]}'")
    return " and ".join(conditions) or "1"


def step_urls(base: str, step: dict[str, object], page_size: int, facet: str, html: bool = False) -> list[str]:
    """The requests of one step. The page: events sorted by date, one page, the filtered count, place labels.
    The actor facet, by ``facet``:

    * ``array``: Datasette's own array facet on the same table page (``_facet_array=actors``), one request. Its
      SQL dedupes every row's array items with ``select distinct j.value, inner.*``, i.e. over the whole row with
      its long text, so its cost grows with the text.
    * ``links``: a second request, a plain column facet on the link table (``event_actors?_facet=actor_id``,
      indexed), for the same events; ``_size=0`` and ``_nocount`` as only the counts are wanted. This is how a
      Datasette user gets a many-to-many facet without the array facet's cost (a front end would ask for both).
    """
    page: dict[str, str] = {"_sort": "date_start", "_size": str(page_size), "_labels": "on"}
    if step["actors"]:
        page["_where"] = _actor_clause(step["actors"])
    if step["dates"]:
        page["span_end__gte"], page["date_start__lte"] = step["dates"]
    suffix = "" if html else ".json"
    if facet == "array":
        return [f"{base}/events{suffix}?{urllib.parse.urlencode({**page, '_facet_array': 'actors'})}"]
    urls = [f"{base}/events{suffix}?{urllib.parse.urlencode(page)}"]
    if not html:
        links = {"_facet": "actor_id", "_size": "0", "_nocount": "1", "_facet_size": "100"}
        if step["dates"]:
            links["_where"] = f"event in (select id from events where {where_clause(step)})"
        elif step["actors"]:
            # Without a period the selected actors' own links name the events: one index range, not a pass over
            # every event with a subquery each (5 s instead of 11 s at 1M).
            quoted = ", ".join("'" + actor.replace("'", "''") + "'" for actor in step["actors"])
            links["_where"] = f"event in (select event from event_actors where actor_id in ({quoted}))"
        urls.append(f"{base}/event_actors.json?{urllib.parse.urlencode(links)}")
    return urls


# --- the server -------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def start_server(db: Path, port: int, timeout: float = 300) -> tuple[subprocess.Popen, float]:
    """``datasette serve -i`` on loopback; returns the process and its start-up seconds (until it answers)."""
    settings = [item for name, value in SERVER_SETTINGS.items() for item in ("--setting", name, value)]
    command = [sys.executable, "-m", "datasette", "serve", "-i", str(db), "--host", "127.0.0.1", "--port", str(port)]
    started = time.perf_counter()
    process = subprocess.Popen(command + settings, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"datasette exited: {process.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=5) as response:
                response.read()
            return process, time.perf_counter() - started
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"datasette did not answer within {timeout:.0f} s")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def fetch(url: str) -> tuple[float, bytes]:
    """Milliseconds to the last byte of one GET, and the body."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=600) as response:
        body = response.read()
    return (time.perf_counter() - started) * 1000, body


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def measure(
    base: str, plan: list[dict[str, object]], rounds: int, page_size: int, html: bool, facet: str = "links"
) -> list[dict[str, object]]:
    """One cold round, then ``rounds`` warm rounds of every step: the page (with its facet: one request or two,
    timed one after the other), the next page (the page's ``next_url``), and optionally the HTML table page."""
    results = [
        {"name": step["name"], "change": step["change"], "page_ms": [], "next_ms": [], "html_ms": []} for step in plan
    ]
    for number in range(rounds + 1):
        for step, result in zip(plan, results, strict=True):
            urls = step_urls(base, step, page_size, facet)
            timed = [fetch(url) for url in urls]
            page_ms = sum(ms for ms, _ in timed)
            page = json.loads(timed[0][1])
            facets = json.loads(timed[-1][1]).get("facet_results", {})
            next_url = page.get("next_url")
            next_ms = fetch(next_url)[0] if next_url else None
            html_ms = sum(fetch(url)[0] for url in step_urls(base, step, page_size, facet, html=True)) if html else None
            if number == 0:
                found = facets.get("actors" if facet == "array" else "actor_id", {})
                result.update(
                    urls=urls,
                    cold_page_ms=page_ms,
                    cold_next_ms=next_ms,
                    cold_html_ms=html_ms,
                    count=page.get("filtered_table_rows_count"),
                    rows=len(page.get("rows", [])),
                    facet_values=len(found.get("results", [])),
                    facet_timed_out=json.loads(timed[-1][1]).get("facets_timed_out", []),
                    json_bytes=sum(len(body) for _, body in timed),
                )
                continue
            result["page_ms"].append(page_ms)
            if next_ms is not None:
                result["next_ms"].append(next_ms)
            if html_ms is not None:
                result["html_ms"].append(html_ms)
    for result in results:
        for key in ("page_ms", "next_ms", "html_ms"):
            values = result[key]
            result[f"median_{key}"] = statistics.median(values) if values else None
            result[f"p95_{key}"] = _percentile(values, 0.95) if values else None
    return results


def run_peer(
    folder: Path,
    db: Path,
    *,
    rounds: int = 5,
    page_size: int = 100,
    html: bool = True,
    rebuild: bool = False,
    fts: bool = False,
    facet: str = "links",
) -> dict[str, object]:
    """Build (or reuse) the database, serve it, time every step; everything in one dict."""
    build = ensure_database(folder, db, rebuild=rebuild, fts=fts)
    plan = steps(state_members(folder))
    port = _free_port()
    process, startup_s = start_server(db, port)
    try:
        rss_started_mb = status_kb(process.pid, "VmRSS") / 1024
        # Datasette names a database by its file's stem.
        step_results = measure(f"http://127.0.0.1:{port}/{db.stem}", plan, rounds, page_size, html, facet)
        peak_mb = status_kb(process.pid, "VmHWM") / 1024
        rss_end_mb = status_kb(process.pid, "VmRSS") / 1024
    finally:
        stop_server(process)
    pages = [step["median_page_ms"] for step in step_results if step["median_page_ms"] is not None]
    return {
        "peer": "datasette",
        "version": metadata.version("datasette"),
        "sqlite": sqlite3.sqlite_version,
        "data_dir": str(folder),
        "db": str(db),
        "build": build,
        "settings": {
            **SERVER_SETTINGS,
            "immutable": True,
            "rounds": rounds,
            "page_size": page_size,
            "html": html,
            "facet": facet,
        },
        "server_startup_s": round(startup_s, 2),
        "server_rss_started_mb": round(rss_started_mb, 1),
        "server_rss_end_mb": round(rss_end_mb, 1),
        "server_peak_mb": round(peak_mb, 1),
        "steps": step_results,
        "median_page_ms": statistics.median(pages) if pages else None,
        "load_average": os.getloadavg()[0],
        "ok": True,
    }


# --- the comparison ---------------------------------------------------------------------------------------


def _events_shown(summary: str) -> int | None:
    """'showing 12,345 of 1,000,000 events · ...' -> 12345."""
    words = summary.split()
    if len(words) > 1 and words[0] == "showing":
        try:
            return int(words[1].replace(",", ""))
        except ValueError:
            return None
    return None


def peer_report(peer: dict[str, object], explorer: dict[str, object]) -> dict[str, object]:
    """Our explorer page against the peer, step by step: ours / Datasette's (wall clock, medians), with the
    rows each selected, and the memory ratio (our worker's peak over the server's). ``met`` when our median
    rerun over the steps is within TARGET_PEER_RATIO of the peer's median page."""
    ours = explorer.get("reruns", [])
    rows = []
    for index, step in enumerate(peer.get("steps", [])):
        mine = ours[index] if index < len(ours) else {}
        ours_ms, theirs_ms = mine.get("ms"), step.get("median_page_ms")
        our_count = _events_shown(str(mine.get("summary", "")))
        rows.append(
            {
                "step": step["name"],
                "ours_ms": ours_ms,
                "peer_ms": theirs_ms,
                "peer_p95_ms": step.get("p95_page_ms"),
                "peer_next_ms": step.get("median_next_ms"),
                "peer_html_ms": step.get("median_html_ms"),
                "ratio": ours_ms / theirs_ms if ours_ms is not None and theirs_ms else None,
                "ours_events": our_count,
                "peer_events": step.get("count"),
                "same_rows": our_count == step.get("count") if our_count is not None else None,
            }
        )
    our_median, peer_median = explorer.get("median_rerun_ms"), peer.get("median_page_ms")
    our_peak, peer_peak = explorer.get("peak_rss_mb"), peer.get("server_peak_mb")
    ratio = our_median / peer_median if our_median is not None and peer_median else None
    return {
        "steps": rows,
        "ours_median_ms": our_median,
        "peer_median_ms": peer_median,
        "ratio": ratio,
        "ours_peak_mb": our_peak,
        "peer_peak_mb": peer_peak,
        "memory_ratio": our_peak / peer_peak if our_peak is not None and peer_peak else None,
        "same_rows": all(row["same_rows"] for row in rows if row["same_rows"] is not None),
        "target": TARGET_PEER_RATIO,
        "met": ratio <= TARGET_PEER_RATIO if ratio is not None else None,
    }


def format_report(report: dict[str, object], size: str = "") -> list[str]:
    """The comparison as printed lines: one per step, then the medians, memory and the verdict."""

    def number(value: object, pattern: str) -> str:
        return pattern.format(value) if isinstance(value, int | float) else "-"

    where = f" at {size}" if size else ""
    lines = [
        f"Explorer vs Datasette{where} (ours = explorer page rerun; peer = the .json table page with its count and"
        " actor facet: one request, or two with --facet links)",
        f"  {'step':<40} {'ours ms':>8} {'peer ms':>8} {'p95':>7} {'next':>7} {'html':>7} {'x peer':>7}  rows",
    ]
    for row in report["steps"]:
        rows_note = {True: "same", False: f"DIFFER {row['ours_events']} vs {row['peer_events']}", None: "?"}[
            row["same_rows"]
        ]
        lines.append(
            f"  {row['step'][:40]:<40} {number(row['ours_ms'], '{:.0f}'):>8} {number(row['peer_ms'], '{:.0f}'):>8} "
            f"{number(row['peer_p95_ms'], '{:.0f}'):>7} {number(row['peer_next_ms'], '{:.0f}'):>7} "
            f"{number(row['peer_html_ms'], '{:.0f}'):>7} {number(row['ratio'], '{:.2f}'):>7}  {rows_note}"
        )
    verdict = {True: "MET   ", False: "MISSED", None: "n/a   "}[report["met"]]
    lines += [
        f"  median: ours {number(report['ours_median_ms'], '{:.0f}')} ms, "
        f"peer {number(report['peer_median_ms'], '{:.0f}')} ms; "
        f"peak memory: ours {number(report['ours_peak_mb'], '{:.0f}')} MB, peer "
        f"{number(report['peer_peak_mb'], '{:.0f}')} MB (x {number(report['memory_ratio'], '{:.2f}')})",
        f"  {verdict} explorer rerun <= {report['target']} x Datasette's page{where}: "
        f"x {number(report['ratio'], '{:.2f}')}",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peer_datasette", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a data folder (events.csv, actors.csv, ...)")
    parser.add_argument("--db", type=Path, help="SQLite file (default benchmarks/results/peer-<folder>.db)")
    parser.add_argument("--out", type=Path, help="write the measurements here as JSON")
    parser.add_argument("--rounds", type=int, default=5, help="warm rounds after the cold one")
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--facet", choices=("links", "array"), default="links", help="the actor facet (see step_urls)")
    parser.add_argument("--no-html", action="store_true", help="time only the .json pages")
    parser.add_argument("--fts", action="store_true", help="also build an FTS5 index for the search box")
    parser.add_argument("--rebuild", action="store_true", help="build the database even if it is up to date")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--explorer", type=Path, help="a worker's JSON for pages/explorer.py at this size: print the comparison"
    )
    args = parser.parse_args(argv)
    from benchmarks.common import RESULTS

    db = args.db or RESULTS / f"peer-{args.data.resolve().name}.db"
    if args.build_only:
        record = build_database(args.data, db, fts=args.fts)
        record["build_peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        print(json.dumps(record))
        return 0
    if not datasette_installed():
        print("datasette not installed (pip install -r benchmarks/requirements-peer.txt)", file=sys.stderr)
        return 2
    result = run_peer(
        args.data,
        db,
        rounds=args.rounds,
        page_size=args.page_size,
        html=not args.no_html,
        rebuild=args.rebuild,
        fts=args.fts,
        facet=args.facet,
    )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1))
    build = result["build"]
    print(
        f"database: {build['db_mb']} MB, built in {build['build_s']} s (peak {build.get('build_peak_mb', '-')} MB)"
        f"{' (reused)' if build.get('reused') else ''}; server up in {result['server_startup_s']} s, "
        f"peak {result['server_peak_mb']} MB"
    )
    for step in result["steps"]:
        print(
            f"  {step['name']:<40} {step['count']:>9,} events  page {step['median_page_ms']:.0f} ms "
            f"(p95 {step['p95_page_ms']:.0f}, cold {step['cold_page_ms']:.0f}), next "
            f"{step['median_next_ms'] or 0:.0f} ms"
            + (f", html {step['median_html_ms']:.0f} ms" if step["median_html_ms"] is not None else "")
        )
    if args.explorer:
        explorer = json.loads(args.explorer.read_text())
        print("\n".join(format_report(peer_report(result, explorer))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
