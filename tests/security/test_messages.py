"""Every problem is one line of the report: a newline, carriage return or terminal escape in a cell is shown
escaped, so a hostile cell cannot forge file:row:column lines (in the app, the CLI or a CI log)."""

from __future__ import annotations

import re

import pytest
from conftest import set_cell

from monitor import DataValidationError, load_dataset
from monitor.cli import main
from monitor.errors import Problem

FORGERY = "not a date\nevents.csv:3:title: forged line\r\x1b[2K\x1b]8;;https://evil.example\x07\u2028\x85end"
LINE = re.compile(r"^[\w.]+\.csv:\d+:[\w*]+: ")


def test_a_problem_is_one_line_with_control_characters_escaped():
    line = str(Problem("events.csv", 2, "date_start", f"'{FORGERY}' is not a date"))
    assert len(line.splitlines()) == 1
    assert "\\n" in line and "\\r" in line and "\\x1b" in line and "\\x07" in line
    assert "\\u2028" in line and "\\x85" in line
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", line)


def test_a_forged_cell_gives_one_report_line_per_problem(edit):
    folder = edit("events.csv", 2, "date_start", FORGERY)
    with pytest.raises(DataValidationError) as error:
        load_dataset(folder)
    lines = error.value.report().splitlines()
    assert len(lines) == len(error.value.problems)
    assert all(LINE.match(line) for line in lines), lines
    assert not any("forged line" in line and line.startswith("events.csv:3:title") for line in lines)


def test_the_command_line_prints_one_line_per_problem(minimal_dir, capsys):
    set_cell(minimal_dir, "places.csv", 2, "lat", "100\nplaces.csv:9:lat: forged")
    assert main(["validate", str(minimal_dir)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1].endswith(f"problem(s) in {minimal_dir}")
    assert all(LINE.match(line) for line in lines[:-1]), lines
    assert any("\\n" in line for line in lines)
