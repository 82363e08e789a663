"""python -m monitor validate|audit|datapackage: output and exit codes."""

from __future__ import annotations

import subprocess
import sys

from conftest import FIXTURES, PROJECT_ROOT

from monitor.cli import main


def test_validate_prints_counts_and_exits_zero(minimal_dir, capsys):
    assert main(["validate", str(minimal_dir)]) == 0
    assert "valid (version unversioned): 2 events, 2 claims" in capsys.readouterr().out


def test_validate_lists_problems_and_exits_non_zero(edit, capsys):
    folder = edit("places.csv", 3, "lat", "100")
    assert main(["validate", str(folder)]) == 1
    assert "places.csv:3:lat: '100' must be between -90 and 90" in capsys.readouterr().err


def test_validate_honours_the_environment_variable(minimal_dir, monkeypatch, capsys):
    monkeypatch.setenv("MONITOR_DATA_DIR", str(minimal_dir))
    assert main(["validate"]) == 0
    assert str(minimal_dir) in capsys.readouterr().out


def test_audit_exit_codes(minimal_dir, edit, capsys):
    assert main(["audit", "--texts", str(FIXTURES / "texts"), str(minimal_dir)]) == 0
    edit("events.csv", 3, "excerpt", "words the seed never wrote")
    assert main(["audit", "--texts", str(FIXTURES / "texts"), str(minimal_dir)]) == 1
    assert "events.csv:3:excerpt: not found" in capsys.readouterr().err


def test_datapackage_write_then_check(minimal_dir):
    assert main(["datapackage", "--check", str(minimal_dir)]) == 1
    assert main(["datapackage", str(minimal_dir)]) == 0
    assert main(["datapackage", "--check", str(minimal_dir)]) == 0


def test_module_entry_point_runs():
    completed = subprocess.run(
        [sys.executable, "-m", "monitor", "validate", str(FIXTURES / "minimal")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr


def test_validate_reads_the_files_even_when_a_cache_exists(minimal_dir, monkeypatch):
    def refuse(*args: object) -> None:
        raise AssertionError("validate must not read the cache")

    assert main(["validate", str(minimal_dir)]) == 0
    monkeypatch.setattr("monitor.loading.read_cached", refuse)
    assert main(["validate", str(minimal_dir)]) == 0
