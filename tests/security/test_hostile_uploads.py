"""Hostile uploads: files of a few kilobytes that once cost minutes and gigabytes are refused or stopped early.

Each file is built here. The fast cases check the verdict (the exact message, the cap on problems); the slow
ones measure, in a fresh process running the same function the upload page runs, the peak memory a file of
each kind costs above that process's idle state.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from child_process import python_json
from uploads import as_zip, fixture_files, realistic_events

from components.upload import validate_upload
from monitor import DataValidationError
from monitor.bundle import MAX_UNZIPPED_BYTES, MAX_UPLOAD_BYTES, MAX_UPLOAD_ROWS
from monitor.schema import TABLES
from monitor.table_reading import MAX_PROBLEMS, has_more_rows_than, read_table, without_trailing_blank_lines

PROJECT_ROOT = Path(__file__).resolve().parents[2]
EVENTS_HEADER = ",".join(TABLES["events"].columns).encode()
EMPTY_ROW = b"x" + b"," * (len(TABLES["events"].columns) - 1) + b"\n"


def refusal(named_bytes: list[tuple[str, bytes]]) -> DataValidationError:
    with pytest.raises(DataValidationError) as raised:
        validate_upload(named_bytes)
    return raised.value


def test_millions_of_blank_lines_at_the_end_cost_nothing():
    zipped = as_zip({"events.csv": EVENTS_HEADER + b"\n" + b"\n" * 20_000_000})
    assert len(zipped) < 100_000
    dataset, _ = validate_upload([("blank.zip", zipped)])  # the header alone: a valid, empty events table
    assert dataset.events.empty


def test_blank_lines_and_empty_cells_at_the_end_are_dropped_before_parsing():
    data = EVENTS_HEADER + b"\n" + b"\n,,,\r\n  \n" * 1_000
    assert without_trailing_blank_lines(data) == EVENTS_HEADER + b"\n"
    # A filled last line keeps its own empty cells, and a file without trailing blank lines is not copied.
    assert without_trailing_blank_lines(b"a,b\n1,,\n\n,,\n") == b"a,b\n1,,\n"
    clean = b"a,b\n1,2\n"
    assert without_trailing_blank_lines(clean) is clean
    # A line break inside a quoted last cell is text, not a blank line.
    assert without_trailing_blank_lines(b'a,b\n1,"x\n\n"\n\n') == b'a,b\n1,"x\n\n"\n'


@pytest.mark.parametrize(
    "events",
    [
        EVENTS_HEADER + b"\n" + EMPTY_ROW * (MAX_UPLOAD_ROWS + 1),  # near-empty rows, zipped to a few KB
        EVENTS_HEADER + b"\n" + b"\n" * 10_000_000 + EMPTY_ROW,  # blank lines before the data
    ],
    ids=["near-empty rows", "blank lines before a row"],
)
def test_more_rows_than_the_limit_are_refused_before_any_frame_is_built(events):
    error = refusal([("rows.zip", as_zip({"events.csv": events}))])
    assert [str(problem) for problem in error.problems] == [
        f"events.csv:0:*: has more than {MAX_UPLOAD_ROWS:,} rows; the limit is {MAX_UPLOAD_ROWS:,}"
    ]


def test_rows_are_counted_as_records_not_line_breaks():
    quoted = b'a,b\n1,"two\nlines"\n2,x\n'  # four line breaks, two data rows
    assert has_more_rows_than(quoted, 1)
    assert not has_more_rows_than(quoted, 2)
    assert has_more_rows_than(b"a\n" + b"\n" * 1_000_000 + b"1\n", 10)  # stops reading after 12 records


def test_a_file_wrong_everywhere_stops_after_the_problem_cap_and_says_what_was_not_checked():
    rows = b"".join(b"x%d" % number + EMPTY_ROW[1:] for number in range(20_000))
    error = refusal([("events.csv", EVENTS_HEADER + b"\n" + rows)])
    assert len(error.problems) == MAX_PROBLEMS
    assert error.count == f"{MAX_PROBLEMS:,} or more"
    assert error.stopped.startswith("events.csv rows ")
    assert "were not fully checked" in error.stopped
    assert "the checks across tables (ids, parts, dates) were not run" in error.stopped
    assert error.report().splitlines()[-1].startswith(f"... validation stopped after {MAX_PROBLEMS:,} problems: ")


def test_repeated_ids_are_capped_too():
    error = refusal([("events.csv", EVENTS_HEADER + b"\n" + EMPTY_ROW * 20_000)])
    assert len(error.problems) == MAX_PROBLEMS
    assert str(error.problems[0]).startswith(
        "events.csv:2:event_id: duplicate event_id 'x' (rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 19990 more)"
    )


def test_the_problems_found_are_those_of_the_whole_file_path():
    """Chunked validation reports what validating the whole table at once reported, row for row."""
    files = fixture_files()
    lines = files["events.csv"].decode().splitlines()
    header, first = lines[0], lines[1]
    bad_rows = [first.replace(first.split(",")[0], f"ev-{number}", 1) for number in range(2_500)]
    bad_rows[10] = bad_rows[10].replace("ev-10", "ev-11")  # a repeated id across the first chunk
    bad_rows[2_400] = bad_rows[2_400].replace("ev-2400", "ev-11")  # and one in a later chunk
    data = "\n".join([header, *bad_rows]).encode()
    _, problems = read_table(data, TABLES["events"])
    assert [str(problem) for problem in problems if problem.column == "event_id"] == [
        "events.csv:12:event_id: duplicate event_id 'ev-11' (rows 12, 13, 2402)",
        "events.csv:13:event_id: duplicate event_id 'ev-11' (rows 12, 13, 2402)",
        "events.csv:2402:event_id: duplicate event_id 'ev-11' (rows 12, 13, 2402)",
    ]


# A child process validates one file the way the upload page does and prints its peak memory above idle.
_MEASURE = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from monitor.process import configure_process
    configure_process()
    from components.upload import validate_upload
    from monitor import DataValidationError

    def status(field):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024

    files = [(name, open(path, "rb").read()) for name, path in json.loads(sys.argv[1])]
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from here
    idle = status("VmRSS")
    try:
        validate_upload(files)
        verdict = "valid"
    except DataValidationError as error:
        verdict = error.count
    print(json.dumps({"verdict": verdict, "above_idle_mb": status("VmHWM") - idle}))
    """
)
# Peak memory an upload may add to the server (the bound), measured above the process after imports
# and after the upload's bytes are in memory, as they are in the server when validation starts.
UPLOAD_PEAK_LIMIT_MB = 300


def _peak_above_idle(tmp_path: Path, named_bytes: dict[str, bytes]) -> dict:
    paths = []
    for name, data in named_bytes.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths.append((name, str(path)))
    return python_json(["-c", _MEASURE, json.dumps(paths)], timeout=600)


EXPECTED_VERDICTS = {
    "blank lines": "valid",
    "near-empty rows": "1",
    "1.3 million rows": "1",
    "wrong everywhere": f"{MAX_PROBLEMS:,} or more",
    "largest realistic upload": "valid",
}


@pytest.mark.slow
@pytest.mark.parametrize(
    "case",
    ["blank lines", "near-empty rows", "1.3 million rows", "wrong everywhere", "largest realistic upload"],
)
def test_an_upload_within_the_size_limits_costs_at_most_300_mb(tmp_path, case):
    if case == "blank lines":
        files = {"a.zip": as_zip({"events.csv": EVENTS_HEADER + b"\n" + b"\n" * (MAX_UNZIPPED_BYTES - 1_000)})}
    elif case == "near-empty rows":
        files = {"a.zip": as_zip({"events.csv": EVENTS_HEADER + b"\n" + EMPTY_ROW * 200_000})}
    elif case == "1.3 million rows":
        files = {"events.csv": EVENTS_HEADER + b"\n" + EMPTY_ROW * 1_300_000}
        assert len(files["events.csv"]) < MAX_UPLOAD_BYTES
    elif case == "wrong everywhere":
        rows = b"".join(b"x%d" % number + EMPTY_ROW[1:] for number in range(MAX_UPLOAD_ROWS))
        files = {"a.zip": as_zip({"events.csv": EVENTS_HEADER + b"\n" + rows})}
    else:
        files = {"a.zip": as_zip({"events.csv": realistic_events(MAX_UNZIPPED_BYTES)})}
    assert sum(len(data) for data in files.values()) <= MAX_UPLOAD_BYTES
    measured = _peak_above_idle(tmp_path, files)
    print(f"{case}: {measured}")
    assert measured["verdict"] == EXPECTED_VERDICTS[case]
    assert measured["above_idle_mb"] <= UPLOAD_PEAK_LIMIT_MB


def test_the_readme_states_the_limits_the_code_applies():
    from monitor.bundle import MAX_HELD_UPLOAD_BYTES, MAX_UPLOAD_MB, MAX_ZIP_ENTRIES, MEGABYTE

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for row in (
        f"| size, all files at once | {MAX_UPLOAD_MB} MB",
        f"| unzipped | {MAX_UNZIPPED_BYTES // MEGABYTE} MB, {MAX_ZIP_ENTRIES} files |",
        f"| rows per table | {MAX_UPLOAD_ROWS:,} |",
        f"| problems listed | {MAX_PROBLEMS:,} |",
        f"| memory for all sessions' uploads | {MAX_HELD_UPLOAD_BYTES // MEGABYTE} MB |",
    ):
        assert row in readme
