"""Smoke test of the benchmarks: generated data validates, and the worker measures a page and the baseline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from child_process import python_json

from benchmarks.common import PROJECT_ROOT
from benchmarks.generate import generate
from benchmarks.run import add_ratios, check_targets
from monitor.datapackage import render_datapackage
from monitor.loading import load_dataset


def test_generated_data_at_1k_is_valid_and_in_proportion(tmp_path: Path):
    folder = tmp_path / "data-1k"
    counts = generate(1000, folder, seed=1)
    assert counts["claims"] == 100 and counts["sources"] == 50
    dataset = load_dataset(folder)  # raises DataValidationError listing every problem
    events = dataset.events
    assert len(events) == 1000 and events["event_id"].is_unique
    assert set(events["date_precision"]) == {"day", "month", "year"}
    assert (events["date_start"] >= "2022-01-01").mean() > 0.5, "denser after 2022"
    assert events["excerpt"].dropna().str.len().max() <= 200
    assert (folder / "datapackage.json").read_text(encoding="utf-8") == render_datapackage(folder)
    validated = subprocess.run(
        [sys.executable, "-m", "monitor", "validate", str(folder)], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert validated.returncode == 0, validated.stderr


def test_realistic_text_is_ours_in_length_and_spread_and_the_short_text_is_shorter(tmp_path: Path):
    curated = load_dataset(PROJECT_ROOT / "data")
    real_counts = generate(5_000, tmp_path / "real", seed=2)
    short_counts = generate(5_000, tmp_path / "short", seed=2, text="short")
    realistic = load_dataset(tmp_path / "real")
    for table, column in (("events", "summary"), ("events", "title"), ("claims", "excerpt"), ("sources", "title")):
        ours = curated.table(table)[column].dropna().str.len()
        drawn = realistic.table(table)[column].dropna().str.len()
        # Drawn from our own cells: the same median length, within sampling noise, and no cell longer than ours.
        assert abs(drawn.median() - ours.median()) <= 0.15 * ours.median() + 5, (table, column)
        assert drawn.max() <= ours.max()
        share_empty = curated.table(table)[column].isna().mean()
        assert abs(realistic.table(table)[column].isna().mean() - share_empty) < 0.05, (table, column)
    assert short_counts["csv_bytes"] < real_counts["csv_bytes"]


def _worker(*arguments: str) -> dict:
    return python_json(
        ["-m", "benchmarks.worker", *arguments, "--reruns", "5"],
        timeout=120,
        env={"MONITOR_DATA_DIR": str(PROJECT_ROOT / "data")},
    )


@pytest.mark.slow  # a benchmark subprocess per case
@pytest.mark.parametrize("arguments", [("--page", "pages/overview.py"), ("--app", "benchmarks/naive_app.py")])
def test_worker_measures_first_run_reruns_bytes_and_memory_on_the_shipped_data(arguments):
    result = _worker(*arguments)
    assert result["ok"], result
    assert result["first_run_s"] > 0 and len(result["rerun_ms"]) == 5
    assert result["median_bytes"] > 0 and result["peak_rss_mb"] > 50
    summaries = [run["summary"] for run in result["reruns"]]
    assert len(set(summaries)) > 2, f"the filter changes must change what is shown: {summaries}"


def test_targets_are_judged_per_page_and_against_the_naive_baseline():
    results = [
        {"size": "shipped", "page": "naive", "median_rerun_ms": 100.0},
        {"size": "shipped", "page": "pages/overview.py", "median_rerun_ms": 40.0, "first_run_s": 1.0},
        {"size": "shipped", "page": "pages/map.py", "median_rerun_ms": 60.0, "first_run_s": 2.0},
    ]
    add_ratios(results)
    assert results[1]["ratio_to_naive"] == pytest.approx(0.4)
    targets = {item["target"]: item for item in check_targets(results)}
    assert targets["rerun on the shipped data <= 50 ms, every page"]["met"] is False
    assert targets["first run of the first page <= 1.5 s on the shipped data"]["met"] is True
    assert targets["rerun <= 300 ms at 1M events"]["met"] is None
