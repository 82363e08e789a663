"""python -m monitor against files that are not regular, readable UTF-8: it never hangs or shows a traceback.

Exit codes: 1 only when the data is invalid; 2, with one line naming the file, when a file cannot be read
(a FIFO, a broken link, a permission error, a changelog that is not UTF-8 where its version is needed).
"""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT

from monitor.cli import main

CANNOT_READ = 2
FIFO_TIMEOUT_SECONDS = 60  # a hang fails the test instead of blocking the run


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=FIFO_TIMEOUT_SECONDS,
        stdin=subprocess.DEVNULL,
    )


def one_error_line(stderr: str, path: Path, reason: str) -> None:
    assert stderr.splitlines() == [f"error: {path}: {reason}"], stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize("command", ["validate", "datapackage"])
def test_a_fifo_named_datapackage_json_is_neither_read_nor_written(minimal_dir, command):
    os.mkfifo(minimal_dir / "datapackage.json")
    completed = run_cli(command, str(minimal_dir))
    assert completed.returncode == CANNOT_READ
    one_error_line(
        completed.stderr, minimal_dir / "datapackage.json", "is not a regular file (it is a named pipe (FIFO))"
    )


def test_a_fifo_named_datapackage_json_is_not_read_by_the_check(minimal_dir, capsys):
    os.mkfifo(minimal_dir / "datapackage.json")
    assert main(["datapackage", "--check", str(minimal_dir)]) == CANNOT_READ
    one_error_line(
        capsys.readouterr().err, minimal_dir / "datapackage.json", "is not a regular file (it is a named pipe (FIFO))"
    )


def test_a_fifo_for_a_table_exits_2(minimal_dir, capsys):
    (minimal_dir / "events.csv").unlink()
    os.mkfifo(minimal_dir / "events.csv")
    assert main(["validate", str(minimal_dir)]) == CANNOT_READ
    one_error_line(
        capsys.readouterr().err, minimal_dir / "events.csv", "is not a regular file (it is a named pipe (FIFO))"
    )


def test_a_broken_link_exits_2(minimal_dir, capsys):
    (minimal_dir / "claims.csv").unlink()
    (minimal_dir / "claims.csv").symlink_to(minimal_dir / "gone.csv")
    assert main(["validate", str(minimal_dir)]) == CANNOT_READ
    one_error_line(
        capsys.readouterr().err, minimal_dir / "claims.csv", "is a broken symbolic link (its target does not exist)"
    )


@pytest.fixture
def unreadable(monkeypatch):
    """Make a file unreadable: by its mode, or (root reads any mode) by refusing to open it."""

    def apply(path: Path) -> None:
        if os.geteuid() != 0:
            path.chmod(0)
            return
        real_os_open, real_io_open = os.open, io.open

        def refuse(opener):
            def opened(file, *args, **kwargs):
                if not isinstance(file, int) and os.fspath(file) == os.fspath(path):
                    raise PermissionError(errno.EACCES, "Permission denied", str(path))
                return opener(file, *args, **kwargs)

            return opened

        monkeypatch.setattr(os, "open", refuse(real_os_open))
        monkeypatch.setattr(io, "open", refuse(real_io_open))

    return apply


def test_a_permission_error_exits_2_naming_the_file(minimal_dir, unreadable, capsys):
    unreadable(minimal_dir / "events.csv")
    assert main(["validate", str(minimal_dir)]) == CANNOT_READ
    one_error_line(capsys.readouterr().err, minimal_dir / "events.csv", "cannot be opened: Permission denied")


BAD_CHANGELOG = b"# Changelog\n\n## 1.2.3 - 2025-01-01\n\n- \xff\n"


def test_a_changelog_that_is_not_utf8_is_a_notice_for_validate(minimal_dir, capsys):
    (minimal_dir / "CHANGELOG.md").write_bytes(BAD_CHANGELOG)
    assert main(["validate", str(minimal_dir)]) == 0
    output = capsys.readouterr()
    assert "valid" in output.out
    assert output.err.splitlines() == ["notice: CHANGELOG.md is not UTF-8 (byte 0xff): its release notes are skipped"]


def test_a_changelog_that_is_not_utf8_stops_the_datapackage_commands(minimal_dir, capsys):
    (minimal_dir / "CHANGELOG.md").write_bytes(BAD_CHANGELOG)
    for command in (["datapackage", "--check"], ["datapackage"]):
        assert main([*command, str(minimal_dir)]) == CANNOT_READ
        one_error_line(capsys.readouterr().err, minimal_dir / "CHANGELOG.md", "is not UTF-8 (byte 0xff)")
    assert not (minimal_dir / "datapackage.json").exists()


def test_a_source_text_that_is_not_utf8_ends_the_audit_with_one_line_and_exit_2(minimal_dir, tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "seed_a.txt").write_bytes(b"caf\xe9 over 11,000 troops")  # Latin-1, not UTF-8
    completed = run_cli("audit", str(minimal_dir), "--texts", str(texts))
    assert completed.returncode == CANNOT_READ
    one_error_line(completed.stderr, texts / "seed_a.txt", "is not UTF-8 (byte 0xe9)")
