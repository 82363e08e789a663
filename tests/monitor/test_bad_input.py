"""Every way a data file can be wrong, each a crafted file with the exact ``file:row:column: message`` it gives.

A file only encoded differently (a byte-order mark, CRLF or CR line ends) is accepted. Nothing valid is lost:
a dataset loads whole or not at all, and a bad file never raises anything but DataValidationError.
tests/monitor/test_schema.py covers every schema rule by position and key words, and test_loading.py the
parsed types; this module pins the exact wording the curator and the app's users read.
"""

from __future__ import annotations

import time

import pandas as pd
import pytest

from monitor import DataValidationError, load_dataset, loading, table_reading
from monitor.schema import TABLES

EVENTS_HEADER = (
    "event_id,date_start,date_end,date_precision,title,summary,category,status,place_id,actors,source_ids,"
    "excerpt,importance,notes"
)
A_MILLION = 1_000_000


def problems_in(folder) -> list[str]:
    with pytest.raises(DataValidationError) as caught:
        load_dataset(folder)
    return [str(problem) for problem in caught.value.problems]


def write(folder, file_name: str, data: str | bytes) -> None:
    path = folder / file_name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)


def text_of(folder, file_name: str) -> str:
    return (folder / file_name).read_text(encoding="utf-8")


# --- whole files -------------------------------------------------------------------------------------------------


def test_missing_file(minimal_dir):
    (minimal_dir / "places.csv").unlink()
    assert problems_in(minimal_dir) == [f"places.csv:0:*: file is missing from {minimal_dir}"]


@pytest.mark.parametrize("content", ["", "\n\n", "   \r\n", "\ufeff"])
def test_empty_file(minimal_dir, content):
    write(minimal_dir, "sources.csv", content)
    assert problems_in(minimal_dir) == [
        "sources.csv:0:*: file is empty; expected a header row: "
        "source_id,kind,title,publisher,author,published,url,text_ref,notes"
    ]


def test_header_only_events_is_a_valid_empty_table(minimal_dir):
    write(minimal_dir, "events.csv", EVENTS_HEADER + "\n")
    dataset = load_dataset(minimal_dir)
    assert dataset.events.empty
    assert list(dataset.events.columns) == TABLES["events"].columns
    assert len(dataset.claims) == 2


def test_header_only_actors_makes_every_actor_reference_unknown(minimal_dir):
    write(minimal_dir, "actors.csv", text_of(minimal_dir, "actors.csv").splitlines()[0] + "\n")
    assert problems_in(minimal_dir) == [
        "places.csv:2:country: unknown id 'PRK' (not in actors.csv)",
        "places.csv:3:country: unknown id 'RUS' (not in actors.csv)",
        "events.csv:2:actors: unknown id 'PRK' (not in actors.csv)",
        "events.csv:2:actors: unknown id 'RUS' (not in actors.csv)",
        "events.csv:2:actors: unknown id 'kim-jong-un' (not in actors.csv)",
        "events.csv:3:actors: unknown id 'PRK' (not in actors.csv)",
        "events.csv:3:actors: unknown id 'RUS' (not in actors.csv)",
        "claims.csv:2:claimant_actor: unknown id 'unnamed' (not in actors.csv)",
        "claims.csv:2:subject: unknown id 'PRK' (not in actors.csv)",
        "claims.csv:3:claimant_actor: unknown id 'kim-jong-un' (not in actors.csv)",
        "claims.csv:3:subject: unknown id 'PRK' (not in actors.csv)",
    ]


# --- the header --------------------------------------------------------------------------------------------------


def test_missing_column(minimal_dir):
    frame = pd.read_csv(minimal_dir / "actors.csv", dtype=str, keep_default_na=False).drop(columns="colour")
    frame.to_csv(minimal_dir / "actors.csv", index=False)
    assert problems_in(minimal_dir) == ["actors.csv:1:colour: required column is missing from the header"]


def test_extra_column(minimal_dir):
    lines = text_of(minimal_dir, "places.csv").splitlines()
    write(minimal_dir, "places.csv", "\n".join([lines[0] + ",population"] + [line + ",1" for line in lines[1:]]))
    assert problems_in(minimal_dir) == [
        "places.csv:1:population: unknown column; expected only: "
        "place_id, name, name_local, lat, lon, country, kind, coords_source, notes"
    ]


def test_renamed_column(minimal_dir):
    write(minimal_dir, "events.csv", text_of(minimal_dir, "events.csv").replace("date_start", "date_begin", 1))
    assert problems_in(minimal_dir) == [
        "events.csv:1:date_begin: unknown column; did you mean 'date_start'?",
        "events.csv:1:date_start: required column is missing from the header",
    ]


def test_column_twice(minimal_dir):
    write(minimal_dir, "events.csv", text_of(minimal_dir, "events.csv").replace("notes", "title", 1))
    assert problems_in(minimal_dir) == [
        "events.csv:1:notes: required column is missing from the header",
        "events.csv:1:title: column appears twice in the header",
    ]


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolons"), ("\t", "tabs"), ("|", "pipes")])
def test_another_delimiter(minimal_dir, delimiter, name):
    # csv writes the same cells with another delimiter (quoting the cells that contain it).
    frame = pd.read_csv(minimal_dir / "sources.csv", dtype=str, keep_default_na=False)
    frame.to_csv(minimal_dir / "sources.csv", index=False, sep=delimiter)
    assert problems_in(minimal_dir) == [f"sources.csv:1:*: columns are separated by {name}; use commas"]


# --- encodings and line ends ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bom", "line_end"),
    [(b"\xef\xbb\xbf", "\n"), (b"", "\r\n"), (b"\xef\xbb\xbf", "\r\n"), (b"", "\r")],
    ids=["bom", "crlf", "bom-crlf", "cr"],
)
def test_a_byte_order_mark_or_other_line_ends_are_accepted(minimal_dir, bom, line_end):
    expected = load_dataset(minimal_dir)
    for path in minimal_dir.glob("*.csv"):
        path.write_bytes(bom + path.read_text(encoding="utf-8").replace("\n", line_end).encode("utf-8"))
    dataset = load_dataset(minimal_dir)
    for name in TABLES:
        pd.testing.assert_frame_equal(dataset.table(name), expected.table(name))


def test_row_numbers_are_the_same_with_a_byte_order_mark_and_crlf(minimal_dir, edit):
    edit("events.csv", 3, "date_start", "2024-13-01")
    path = minimal_dir / "events.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8"))
    assert problems_in(minimal_dir) == ["events.csv:3:date_start: '2024-13-01' is not a date; write YYYY-MM-DD"]


def test_latin1_bytes(minimal_dir):
    text = text_of(minimal_dir, "events.csv").replace("Deployment reported", "Déploiement signalé")
    write(minimal_dir, "events.csv", text.encode("latin-1", errors="replace"))
    assert problems_in(minimal_dir) == ["events.csv:3:*: is not UTF-8 (byte 0xe9); save the file as UTF-8"]


def test_latin1_row_counts_a_quoted_line_break_as_one_row(minimal_dir, edit):
    edit("events.csv", 2, "summary", "Two\nlines.")
    text = text_of(minimal_dir, "events.csv").replace("Deployment reported", "Déploiement")
    write(minimal_dir, "events.csv", text.encode("latin-1", errors="replace"))
    assert problems_in(minimal_dir) == ["events.csv:3:*: is not UTF-8 (byte 0xe9); save the file as UTF-8"]


# --- rows --------------------------------------------------------------------------------------------------------


def test_row_with_an_extra_field(minimal_dir):
    write(
        minimal_dir,
        "places.csv",
        text_of(minimal_dir, "places.csv") + "vladivostok,Vladivostok,,43.1,131.9,RUS,city,,,oops\n",
    )
    assert problems_in(minimal_dir) == ["places.csv:4:*: row has 10 fields, more than the header's 9"]


def test_row_with_a_missing_field(minimal_dir):
    write(
        minimal_dir, "places.csv", text_of(minimal_dir, "places.csv") + "vladivostok,Vladivostok,,43.1,131.9,RUS,city\n"
    )
    assert problems_in(minimal_dir) == ["places.csv:4:*: row has 7 fields, fewer than the header's 9"]


def test_an_unclosed_quote_swallows_the_rest_of_the_file(minimal_dir):
    write(minimal_dir, "places.csv", text_of(minimal_dir, "places.csv").replace("Pyongyang,평양", '"Pyongyang,평양', 1))
    assert problems_in(minimal_dir) == ["places.csv:2:*: row has 2 fields, fewer than the header's 9"]


def test_a_blank_row_between_rows(minimal_dir):
    lines = text_of(minimal_dir, "places.csv").splitlines()
    write(minimal_dir, "places.csv", "\n".join([*lines[:2], "", *lines[2:]]) + "\n")
    assert problems_in(minimal_dir) == ["places.csv:3:*: row is blank; delete it or fill it in"]


def test_blank_rows_at_the_end_are_ignored(minimal_dir):
    write(minimal_dir, "places.csv", text_of(minimal_dir, "places.csv") + "\n,,,,,,,,\n\n")
    assert len(load_dataset(minimal_dir).places) == 2


# --- cells -------------------------------------------------------------------------------------------------------

EXACT = [
    # (file, row, column, bad value, every problem the file then gives)
    (
        "events.csv",
        2,
        "date_start",
        "19/06/2024",
        ["events.csv:2:date_start: '19/06/2024' is not a date; write YYYY-MM-DD"],
    ),
    (
        "events.csv",
        2,
        "date_start",
        "2024-02-30",
        ["events.csv:2:date_start: '2024-02-30' is not a date; write YYYY-MM-DD"],
    ),
    (
        "events.csv",
        2,
        "date_start",
        "1952-12-31",
        ["events.csv:2:date_start: '1952-12-31' must be between 1953-01-01 and 2025-12-31"],
    ),
    (
        "events.csv",
        2,
        "date_start",
        "2026-01-01",
        ["events.csv:2:date_start: '2026-01-01' must be between 1953-01-01 and 2025-12-31"],
    ),
    (
        "events.csv",
        3,
        "date_start",
        "9999-12-01",  # beyond what a timestamp holds: still a plain range problem
        ["events.csv:3:date_start: '9999-12-01' must be between 1953-01-01 and 2025-12-31"],
    ),
    (
        "claims.csv",
        2,
        "as_of",
        "1000-01-01",
        ["claims.csv:2:as_of: '1000-01-01' must be between 1953-01-01 and 2025-12-31"],
    ),
    ("events.csv", 2, "date_end", "2024-06-18", ["events.csv:2:date_end: date_end is before date_start"]),
    ("events.csv", 2, "actors", "PRK;NOPE", ["events.csv:2:actors: unknown id 'NOPE' (not in actors.csv)"]),
    (
        "claims.csv",
        3,
        "claimant_actor",
        "ghost",
        ["claims.csv:3:claimant_actor: unknown id 'ghost' (not in actors.csv)"],
    ),
    ("events.csv", 2, "place_id", "atlantis", ["events.csv:2:place_id: unknown id 'atlantis' (not in places.csv)"]),
    (
        "events.csv",
        3,
        "source_ids",
        "seed-a;missing",
        ["events.csv:3:source_ids: unknown id 'missing' (not in sources.csv)"],
    ),
    ("claims.csv", 2, "source_ids", "nowhere", ["claims.csv:2:source_ids: unknown id 'nowhere' (not in sources.csv)"]),
    (
        "events.csv",
        3,
        "event_id",
        "treaty-signed",
        [
            "events.csv:2:event_id: duplicate event_id 'treaty-signed' (rows 2, 3)",
            "events.csv:3:event_id: duplicate event_id 'treaty-signed' (rows 2, 3)",
        ],
    ),
    (
        "claims.csv",
        3,
        "claim_id",
        "seed-a-troops",
        [
            "claims.csv:2:claim_id: duplicate claim_id 'seed-a-troops' (rows 2, 3)",
            "claims.csv:3:claim_id: duplicate claim_id 'seed-a-troops' (rows 2, 3)",
        ],
    ),
    (
        "places.csv",
        3,
        "place_id",
        "pyongyang",  # the events and claims at kursk then name an unknown place
        [
            "places.csv:2:place_id: duplicate place_id 'pyongyang' (rows 2, 3)",
            "places.csv:3:place_id: duplicate place_id 'pyongyang' (rows 2, 3)",
            "events.csv:3:place_id: unknown id 'kursk' (not in places.csv)",
            "claims.csv:2:place_id: unknown id 'kursk' (not in places.csv)",
        ],
    ),
    ("places.csv", 2, "lat", "91", ["places.csv:2:lat: '91' must be between -90 and 90"]),
    ("places.csv", 2, "lat", "-90.01", ["places.csv:2:lat: '-90.01' must be between -90 and 90"]),
    ("places.csv", 3, "lon", "-180.5", ["places.csv:3:lon: '-180.5' must be between -180 and 180"]),
    ("places.csv", 3, "lon", "181", ["places.csv:3:lon: '181' must be between -180 and 180"]),
    ("claims.csv", 3, "value_high", "10000", ["claims.csv:3:value_high: value_low is above value_high"]),
    (
        "claims.csv",
        2,
        "value_high",
        "-1",
        [
            "claims.csv:2:value_high: '-1' must not be negative",
            "claims.csv:2:value_high: value_low is above value_high",
        ],
    ),
    (
        "claims.csv",
        2,
        "value_low",
        "many",
        ["claims.csv:2:value_low: 'many' is not a number; write digits only, with no thousands separator"],
    ),
    (
        "claims.csv",
        2,
        "value_low",
        "11,000",
        ["claims.csv:2:value_low: '11,000' is not a number; write digits only, with no thousands separator"],
    ),
    (
        "claims.csv",
        2,
        "value_low",
        "inf",
        ["claims.csv:2:value_low: 'inf' is not a number; write digits only, with no thousands separator"],
    ),
    ("events.csv", 2, "importance", "1e30", ["events.csv:2:importance: '1e30' must be 1, 2 or 3"]),
    (
        "claims.csv",
        2,
        "qualifier",
        "roughly",
        ["claims.csv:2:qualifier: 'roughly' must be one of: about, at_least, over, up_to, range, exact"],
    ),
    (
        "events.csv",
        2,
        "date_precision",
        "week",
        ["events.csv:2:date_precision: 'week' must be one of: day, month, year"],
    ),
    (
        "events.csv",
        3,
        "excerpt",
        "x" * 201,
        [f"events.csv:3:excerpt: '{'x' * 60}… (201 characters)' must be at most 200 characters"],
    ),
    (
        "sources.csv",
        2,
        "url",
        "javascript:alert(1)",
        [
            "sources.csv:2:url: 'javascript:alert(1)' "
            "must be an http(s) URL with a host, and spaces, quotes, brackets and parentheses written as %20, %27, %28…"
        ],
    ),
    (
        "sources.csv",
        3,
        "url",
        "data:text/html,<script>alert(1)</script>",
        [
            "sources.csv:3:url: 'data:text/html,<script>alert(1)</script>' "
            "must be an http(s) URL with a host, and spaces, quotes, brackets and parentheses written as %20, %27, %28…"
        ],
    ),
    (
        "places.csv",
        2,
        "coords_source",
        "JavaScript:alert(document.cookie)",
        [
            "places.csv:2:coords_source: 'JavaScript:alert(document.cookie)' "
            "must be an http(s) URL with a host, and spaces, quotes, brackets and parentheses written as %20, %27, %28…"
        ],
    ),
]


@pytest.mark.parametrize(("file_name", "row", "column", "value", "expected"), EXACT)
def test_a_bad_cell_gives_its_exact_problems(edit, file_name, row, column, value, expected):
    assert problems_in(edit(file_name, row, column, value)) == expected


def test_a_duplicate_actor_id(edit):
    # The second PRK row was RUS: what named RUS is now unknown, and the state rule sees RUS's own state.
    assert problems_in(edit("actors.csv", 3, "actor_id", "PRK")) == [
        "actors.csv:2:actor_id: duplicate actor_id 'PRK' (rows 2, 3)",
        "actors.csv:3:actor_id: duplicate actor_id 'PRK' (rows 2, 3)",
        "actors.csv:3:state: a state's state must be its own id",
        "actors.csv:3:state: unknown id 'RUS' (not in actors.csv)",
        "places.csv:3:country: unknown id 'RUS' (not in actors.csv)",
        "events.csv:2:actors: unknown id 'RUS' (not in actors.csv)",
        "events.csv:3:actors: unknown id 'RUS' (not in actors.csv)",
    ]


def test_many_duplicates_list_the_first_rows_only(minimal_dir):
    lines = text_of(minimal_dir, "sources.csv").splitlines()
    write(minimal_dir, "sources.csv", "\n".join([*lines, *[lines[1]] * 12]) + "\n")
    problems = problems_in(minimal_dir)
    assert (
        problems[0]
        == "sources.csv:2:source_id: duplicate source_id 'seed-a' (rows 2, 4, 5, 6, 7, 8, 9, 10, 11, 12 and 3 more)"
    )
    assert len(problems) == 13


# --- size ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file_name", "row", "column", "expected"),
    [
        ("events.csv", 2, "title", "must be at most 10,000 characters"),
        ("events.csv", 3, "summary", "must be at most 10,000 characters"),
        ("claims.csv", 2, "notes", "must be at most 10,000 characters"),
        ("events.csv", 2, "event_id", "must be at most 64 characters"),
        ("events.csv", 2, "date_start", "is not a date; write YYYY-MM-DD"),
    ],
)
def test_a_one_million_character_cell(edit, file_name, row, column, expected):
    problems = problems_in(edit(file_name, row, column, "x" * A_MILLION))
    assert f"{file_name}:{row}:{column}: '{'x' * 60}… (1000000 characters)' {expected}" in problems
    assert all(len(problem) < 300 for problem in problems), "the value is shortened in the message"


def test_a_one_million_character_list_cell(edit):
    assert problems_in(edit("events.csv", 2, "actors", "x" * A_MILLION)) == [
        f"events.csv:2:actors: unknown id '{'x' * 60}… (1000000 characters)' (not in actors.csv)"
    ]


def test_a_one_million_character_header_cell(minimal_dir):
    write(minimal_dir, "places.csv", text_of(minimal_dir, "places.csv").replace("notes", "n" * A_MILLION, 1))
    assert problems_in(minimal_dir) == [
        f"places.csv:1:{'n' * 60}… (1000000 characters): unknown column; expected only: "
        "place_id, name, name_local, lat, lon, country, kind, coords_source, notes",
        "places.csv:1:notes: required column is missing from the header",
    ]


def test_a_one_million_character_cell_in_a_ragged_file(minimal_dir):
    write(minimal_dir, "places.csv", text_of(minimal_dir, "places.csv") + "big," + "x" * A_MILLION + "\n")
    assert problems_in(minimal_dir) == ["places.csv:4:*: row has 2 fields, fewer than the header's 9"]


def test_a_ten_thousand_character_title_is_still_fine(edit):
    folder = edit("events.csv", 2, "title", "x" * 10_000)
    assert load_dataset(folder).events["title"].str.len().max() == 10_000


def fifty_megabyte_events(folder) -> int:
    """Rewrite events.csv as ~50 MB of valid rows with unique ids; return the row count."""
    events = pd.read_csv(folder / "events.csv", dtype=str, keep_default_na=False)
    row_bytes = len(events.iloc[:1].to_csv(index=False, header=False).encode())
    count = 51 * 1024 * 1024 // row_bytes  # a little over 50 MB: the ids are shorter than the first row's
    big = events.iloc[[0]].loc[[0] * count].reset_index(drop=True)
    big["event_id"] = "event-" + big.index.astype(str)
    big.to_csv(folder / "events.csv", index=False)
    return count


@pytest.mark.slow  # a 50 MB file: seconds each
def test_a_50_megabyte_file_loads_in_a_sane_time(minimal_dir):
    rows = fifty_megabyte_events(minimal_dir)
    assert (minimal_dir / "events.csv").stat().st_size >= 50 * 1024 * 1024
    started = time.perf_counter()
    dataset = load_dataset(minimal_dir)
    seconds = time.perf_counter() - started
    assert len(dataset.events) == rows
    assert seconds < 90, f"took {seconds:.0f} s"  # about 10 s on a 2-CPU machine


@pytest.mark.slow  # a 50 MB file: seconds each
def test_a_50_megabyte_file_with_one_bad_row_names_it(minimal_dir):
    rows = fifty_megabyte_events(minimal_dir)
    path = minimal_dir / "events.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("late,2030-01-01,,day,Too late,Summary.,treaty,confirmed,pyongyang,PRK,seed-a,,2,\n")
    assert problems_in(minimal_dir) == [
        f"events.csv:{rows + 2}:date_start: '2030-01-01' must be between 1953-01-01 and 2025-12-31"
    ]


@pytest.fixture(autouse=True, params=["whole", "streamed"])
def reading(request, monkeypatch) -> str:
    """Every case read both ways: whole (as uploads and small folders are) and as a stream of small blocks, as a
    table over STREAM_FROM_BYTES is; the problems must be the same, word for word."""
    if request.param == "streamed":
        monkeypatch.setattr(loading, "STREAM_FROM_BYTES", 0)
        # Rows span blocks, and a longer row grows the block; the 50 MB files are read in blocks of a usual size.
        block = table_reading.STREAM_BLOCK_BYTES if request.node.get_closest_marker("slow") else 256
        monkeypatch.setattr(table_reading, "STREAM_BLOCK_BYTES", block)
    return request.param
