"""The Datasette peer: its database selects the same rows in the same order as our filters, its report compares
step by step, and (when Datasette is installed) the served job answers every step. No timings are asserted."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.generate import generate
from benchmarks.peer_datasette import (
    TARGET_PEER_RATIO,
    build_database,
    datasette_installed,
    format_report,
    peer_report,
    state_members,
    steps,
    where_clause,
)
from benchmarks.run import PEER_SKIPPED, peer_comparisons, peer_target
from monitor.explorer import matching_events
from monitor.filtering import Filters, apply_filters
from monitor.loading import load_dataset


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("peer") / "data-200"
    generate(200, path, seed=3, text="short")
    return path


@pytest.fixture(scope="module")
def database(folder: Path) -> tuple[Path, dict[str, object]]:
    db = folder.parent / "peer.db"
    return db, build_database(folder, db)


def test_the_database_holds_every_event_and_link_with_the_indexes_it_states(folder, database):
    db, record = database
    dataset = load_dataset(folder)
    assert record["events"] == 200 and record["links"] == len(dataset.event_actors)
    with sqlite3.connect(db) as connection:
        assert connection.execute("select count(*) from events").fetchone()[0] == 200
        assert connection.execute("select count(*) from event_actors").fetchone()[0] == record["links"]
        indexes = {row[0] for row in connection.execute("select name from sqlite_master where type = 'index'")}
        # actors as a JSON array: what Datasette's _facet_array reads
        first = connection.execute("select actors from events where id = 1").fetchone()[0]
    assert set(record["indexes"]) <= indexes
    assert first.startswith("[")
    assert record["db_mb"] > 0 and not db.with_suffix(".partial").exists()


def test_every_step_selects_our_rows_in_our_order(folder, database):
    """Same rows as the explorer: the actor filter with members, overlapping dates, sorted by date (file order
    breaking ties, as our stable sort)."""
    db, _ = database
    dataset = load_dataset(folder)
    plan = steps(state_members(folder))
    assert [step["name"] for step in plan][:2] == ["PRK + RUS, all dates", "PRK + RUS, 2024-01..2024-12"]
    assert plan[-1]["actors"] == [] and plan[-1]["dates"] is None
    with sqlite3.connect(db) as connection:
        for step in plan:
            change = step["change"]
            months = step["dates"]
            filters = Filters(
                actors=tuple(step["selected"]),
                **({"start": pd.Timestamp(months[0]), "end": pd.Timestamp(months[1])} if months else {}),
            )
            events, by_date = matching_events(dataset, apply_filters(dataset, filters).events, "")
            ours = list(events.iloc[by_date]["event_id"])
            theirs = [
                row[0]
                for row in connection.execute(
                    f"select event_id from events where {where_clause(step)} order by date_start, id"
                )
            ]
            assert theirs == ours, (step["name"], change)


def _explorer(ms: list[float], counts: list[int], peak: float) -> dict[str, object]:
    reruns = [
        {"ms": value, "summary": f"showing {count:,} of 1,000 events · 3 of 9 claims"}
        for value, count in zip(ms, counts, strict=True)
    ]
    return {
        "page": "pages/explorer.py",
        "size": "1k",
        "ok": True,
        "reruns": reruns,
        "median_rerun_ms": sorted(ms)[len(ms) // 2],
        "peak_rss_mb": peak,
    }


def _peer(ms: list[float], counts: list[int], peak: float) -> dict[str, object]:
    names = [f"step {number}" for number in range(len(ms))]
    step_rows = [
        {
            "name": name,
            "median_page_ms": value,
            "p95_page_ms": value * 2,
            "median_next_ms": 1.0,
            "median_html_ms": None,
            "count": count,
        }
        for name, value, count in zip(names, ms, counts, strict=True)
    ]
    return {"ok": True, "steps": step_rows, "median_page_ms": sorted(ms)[len(ms) // 2], "server_peak_mb": peak}


def test_the_report_divides_ours_by_the_peers_per_step_and_judges_the_medians():
    report = peer_report(
        _peer([100, 50, 80, 20, 200], [900, 100, 500, 10, 1000], 100.0),
        _explorer([150, 40, 80, 30, 100], [900, 100, 500, 10, 1000], 400.0),
    )
    assert [row["ratio"] for row in report["steps"]] == [1.5, 0.8, 1.0, 1.5, 0.5]
    assert report["ratio"] == 80 / 80 and report["memory_ratio"] == 4.0
    assert report["same_rows"] and report["met"] is (TARGET_PEER_RATIO >= 1.0)
    lines = format_report(report, "1k")
    assert len(lines) == 2 + 5 + 2 and "x 1.00" in lines[-1] and "x 4.00" in lines[-2]

    slower = peer_report(
        _peer([10] * 5, [900, 100, 500, 10, 1000], 100.0), _explorer([40] * 5, [900, 99, 500, 10, 1000], 400.0)
    )
    assert slower["met"] is False and not slower["same_rows"]
    assert "DIFFER 99 vs 100" in "\n".join(format_report(slower))


def test_the_runner_judges_the_explorer_against_the_peer_at_each_size_measured():
    explorer = {**_explorer([40] * 5, [1] * 5, 300.0), "size": "1M"}
    report = {"results": [explorer], "peer": {"1M": _peer([80] * 5, [1] * 5, 200.0), "10k": {"ok": False}}}
    comparisons = peer_comparisons(report)
    assert list(comparisons) == ["1M"]
    target = peer_target(comparisons)
    assert target["met"] is True and "1M: x 0.50" in target["detail"] and "memory x 1.50" in target["detail"]
    assert peer_target({})["met"] is None
    assert peer_target({"1k": comparisons["1M"]})["met"] is None, "only 1M is judged"
    assert "pip install -r benchmarks/requirements-peer.txt" in PEER_SKIPPED


@pytest.mark.skipif(not datasette_installed(), reason="datasette not installed (benchmarks/requirements-peer.txt)")
@pytest.mark.parametrize("facet", ["links", "array"])
def test_the_served_peer_answers_every_step_with_a_page_a_count_and_an_actor_facet(folder, database, facet):
    from benchmarks.peer_datasette import run_peer

    db, _ = database
    result = run_peer(folder, db, rounds=1, page_size=20, facet=facet)
    counts = {}
    with sqlite3.connect(db) as connection:
        for step in steps(state_members(folder)):
            counts[step["name"]] = connection.execute(
                f"select count(*) from events where {where_clause(step)}"
            ).fetchone()[0]
    for step in result["steps"]:
        assert step["count"] == counts[step["name"]]
        assert step["rows"] == min(20, step["count"]) and step["facet_timed_out"] == []
        assert step["facet_values"] > 0 or step["count"] == 0
        assert len(step["page_ms"]) == 1
    assert result["server_peak_mb"] > 0
