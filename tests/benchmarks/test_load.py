"""The websocket load client: its arithmetic and guards, and (slow) a real server driven by two sessions."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from conftest import in_own_thread

from benchmarks import load
from benchmarks.load import percentile, stream_url


def test_percentiles_are_nearest_rank():
    values = [float(value) for value in range(1, 51)]
    assert percentile(values, 0.5) == 25 and percentile(values, 0.95) == 48
    assert percentile([3.0], 0.95) == 3.0 and percentile([], 0.5) is None


def test_only_loopback_is_a_target():
    assert stream_url("http://127.0.0.1:8500/") == "ws://127.0.0.1:8500/_stcore/stream"
    assert stream_url("http://localhost:8501/app") == "ws://localhost:8501/app/_stcore/stream"
    for remote in ("http://10.0.0.5:8501", "http://example.org", "http://192.168.1.2:80"):
        with pytest.raises(SystemExit, match="loopback"):
            stream_url(remote)


def test_every_period_is_a_range_of_the_sliders_own_labels():
    from monitor.periods import month_label, month_options

    labels = {month_label(month) for month in month_options()}
    assert all(first in labels and last in labels for first, last in load.PERIODS)


@pytest.mark.slow
def test_two_sessions_load_pages_and_change_the_period_on_a_real_server(tmp_path: Path):
    out = tmp_path / "load.json"
    assert in_own_thread(load.main, ["--sessions", "2", "--timeout", "90", "--out", str(out)]) == 0
    (level,) = json.loads(out.read_text(encoding="utf-8"))["levels"]
    assert level["errors"] == 0 and level["loads"] == 2 and level["filter_changes"] == 6
    assert level["server_rss_peak_mb"] > 0 and level["server_cpu_ms_per_run"] > 0

    # The change is the slider's: the view's summary follows the period picked.
    with load.streamlit_server(None, tmp_path / "server.log") as (base, _, _):
        summaries, exceptions = in_own_thread(
            asyncio.run,
            load.browse(stream_url(base), "timeline", [("Oct 2024", "Oct 2024"), ("Jan 1953", "Dec 2025")], 90),
        )
    assert not exceptions
    assert summaries[0] == summaries[2] != summaries[1], summaries


def test_the_runner_judges_the_goal_at_50_sessions_on_the_shipped_data():
    from benchmarks.run import check_load_target

    def level(sessions: int, errors: int, p95: float) -> dict[str, object]:
        return {
            "sessions": sessions,
            "errors": errors,
            "change_p50_s": p95 / 2,
            "change_p95_s": p95,
            "load_p95_s": 5.0,
            "server_rss_peak_mb": 270.0,
        }

    assert check_load_target({})["met"] is None
    assert check_load_target({"shipped": {"levels": [level(10, 0, 0.5)]}})["met"] is None
    assert check_load_target({"shipped": {"levels": [level(10, 0, 9.0), level(50, 0, 1.9)]}})["met"] is True
    assert check_load_target({"shipped": {"levels": [level(50, 1, 1.0)]}})["met"] is False
    assert check_load_target({"shipped": {"levels": [level(50, 0, 2.5)]}})["met"] is False
    assert check_load_target({"100k": {"levels": [level(50, 0, 1.0)]}})["met"] is None
