"""Files in the data folder that are not what they seem (a broken link, a changelog that is not UTF-8): each is a
clear error or a notice on the page, never a traceback for everyone."""

from __future__ import annotations

import os

import pytest
from apptest import open_page

from monitor import DataValidationError, load_dataset


def test_a_broken_link_for_a_table_is_a_clear_error(minimal_dir):
    (minimal_dir / "events.csv").unlink()
    (minimal_dir / "events.csv").symlink_to(minimal_dir / "gone.csv")
    with pytest.raises(DataValidationError) as error:
        load_dataset(minimal_dir)
    assert error.value.report() == "events.csv:0:*: is a broken symbolic link (its target does not exist)"


def test_a_fifo_for_a_table_is_not_read(minimal_dir):
    (minimal_dir / "story.csv").unlink(missing_ok=True)
    os.mkfifo(minimal_dir / "story.csv")
    with pytest.raises(DataValidationError) as error:
        load_dataset(minimal_dir)
    assert error.value.report() == "story.csv:0:*: is not a regular file (it is a named pipe (FIFO))"


def test_a_changelog_that_is_not_utf8_is_skipped_with_a_notice(minimal_dir):
    (minimal_dir / "CHANGELOG.md").write_bytes(b"# Changelog\n\n## 1.2.3 - 2025-01-01\n\n- caf\xe9\n")
    dataset = load_dataset(minimal_dir)
    assert len(dataset.events) == 2
    assert dataset.latest_changes == ""
    assert dataset.notices == ("CHANGELOG.md is not UTF-8 (byte 0xe9): its release notes are skipped",)


@pytest.mark.parametrize("name", ["events.csv", "notes.md"])
def test_the_app_shows_a_broken_link_instead_of_failing(monkeypatch, minimal_dir, name):
    (minimal_dir / name).unlink(missing_ok=True)
    (minimal_dir / name).symlink_to(minimal_dir / "gone.csv")
    monkeypatch.setenv("MONITOR_DATA_DIR", str(minimal_dir))
    app = open_page()
    assert not app.exception
    if name == "events.csv":
        assert "did not pass validation: 1 problem(s)" in app.error[0].value
        assert "events.csv:0:*: is a broken symbolic link" in app.code[0].value
    else:
        assert not app.error
