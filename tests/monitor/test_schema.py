"""Each schema rule rejects a crafted bad cell, reported at its exact file:row:column."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from monitor import DataValidationError, load_dataset
from monitor.cache import cache_root
from monitor.schema import TABLES

BAD_CELLS = [
    # (file, row, column, bad value, words the message must contain)
    ("sources.csv", 2, "source_id", "has space", "no spaces"),
    ("sources.csv", 3, "source_id", "seed-a", "duplicate source_id 'seed-a' (rows 2, 3)"),
    ("sources.csv", 2, "kind", "rumour", "must be one of"),
    ("sources.csv", 2, "title", "", "must not be empty"),
    ("sources.csv", 2, "published", "2024-02-30", "is not a date"),
    ("sources.csv", 2, "url", "javascript:alert(1)", "http(s) URL"),
    ("sources.csv", 2, "url", "data:text/html,hi", "http(s) URL"),
    ("sources.csv", 2, "url", "ftp://example.org/x", "http(s) URL"),
    ("actors.csv", 2, "kind", "tribe", "must be one of"),
    ("actors.csv", 3, "name", "North Korea", "duplicate name 'North Korea' (rows 2, 3)"),
    ("actors.csv", 2, "colour", "red", "colour like"),
    ("actors.csv", 2, "state", "RUS", "state must be its own id"),
    ("actors.csv", 5, "colour", "", "needs a colour"),
    ("actors.csv", 4, "state", "XYZ", "unknown id 'XYZ' (not in actors.csv)"),
    ("places.csv", 2, "lat", "91", "between -90 and 90"),
    ("places.csv", 3, "lon", "-180.5", "between -180 and 180"),
    ("places.csv", 2, "lat", "north", "is not a number"),
    ("places.csv", 2, "country", "ZZZ", "unknown id 'ZZZ'"),
    ("places.csv", 2, "kind", "planet", "must be one of"),
    ("events.csv", 2, "date_start", "1952-12-31", "between 1953-01-01 and 2025-12-31"),
    ("events.csv", 2, "date_start", "2026-01-01", "between 1953-01-01 and 2025-12-31"),
    ("events.csv", 2, "date_start", "19/06/2024", "is not a date"),
    ("events.csv", 2, "date_start", "", "must not be empty"),
    ("events.csv", 2, "date_end", "2024-06-18", "date_end is before date_start"),
    ("events.csv", 3, "date_start", "2024-10-15", "1st of its month"),
    ("events.csv", 2, "date_precision", "week", "must be one of"),
    ("events.csv", 2, "category", "gossip", "must be one of"),
    ("events.csv", 2, "status", "true", "must be one of"),
    ("events.csv", 2, "place_id", "atlantis", "unknown id 'atlantis' (not in places.csv)"),
    ("events.csv", 2, "actors", "PRK;NOPE", "unknown id 'NOPE' (not in actors.csv)"),
    ("events.csv", 2, "actors", "", "must not be empty"),
    ("events.csv", 2, "source_ids", "ref-b;missing", "unknown id 'missing' (not in sources.csv)"),
    ("events.csv", 2, "excerpt", "x" * 201, "at most 200 characters"),
    ("events.csv", 2, "importance", "4", "must be 1, 2 or 3"),
    ("events.csv", 2, "importance", "2.5", "not a whole number"),
    ("claims.csv", 2, "metric", "morale", "must be one of"),
    ("claims.csv", 2, "value_low", "-1", "must not be negative"),
    ("claims.csv", 2, "value_low", "11,000", "is not a number"),
    ("claims.csv", 2, "value_low", "many", "is not a number"),
    ("claims.csv", 3, "value_high", "10000", "value_low is above value_high"),
    ("claims.csv", 2, "qualifier", "roughly", "must be one of"),
    ("claims.csv", 2, "qualifier", "range", "qualifier 'range' needs"),
    ("claims.csv", 2, "scope", "guess", "must be one of: total, present"),
    ("claims.csv", 2, "reported_on", "2025-07-12", "reported_on is before as_of"),
    ("claims.csv", 2, "as_of", "2031-01-01", "between 1953-01-01 and 2025-12-31"),
    ("claims.csv", 2, "interested_party", "maybe", "is not true or false"),
    ("claims.csv", 3, "interested_party", "false", "must be true: the claimant's state is PRK"),
    ("claims.csv", 2, "source_ids", "ref-b;nowhere", "unknown id 'nowhere' (not in sources.csv)"),
    ("claims.csv", 2, "claimant_actor", "ghost", "unknown id 'ghost' (not in actors.csv)"),
    ("claims.csv", 2, "subject", "", "must not be empty"),
    ("claims.csv", 2, "place_id", "mars", "unknown id 'mars' (not in places.csv)"),
    # A statement cannot be dated after every source that reports it (seed-a was published on 2025-07-13).
    ("claims.csv", 2, "reported_on", "2025-07-20", "is after the publication date of every source it cites"),
    ("claims.csv", 2, "part_of", "nope", "unknown id 'nope' (not in claims.csv)"),
    ("claims.csv", 2, "part_of", "seed-a-troops", "a claim cannot be part of itself"),
    ("claims.csv", 3, "part_of", "seed-a-troops", "a part's figure is above its total's"),
    ("claims.csv", 3, "as_of", "2024-12-15", "a month-precision as_of must be the 1st of its month"),
    ("claims.csv", 2, "as_of_precision", "week", "must be one of: day, month, year"),
    ("claims.csv", 2, "counted_from", "2025-08-01", "counted_from is after as_of"),
    ("claims.csv", 2, "date_basis", "", "must not be empty"),
    ("claims.csv", 2, "source_ids", "", "must not be empty"),
]


def problems_after(edit, file_name: str, row: int, column: str, value: str) -> list[str]:
    folder = edit(file_name, row, column, value)
    with pytest.raises(DataValidationError) as caught:
        load_dataset(folder)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize(("file_name", "row", "column", "value", "words"), BAD_CELLS)
def test_each_rule_rejects_a_bad_cell_at_its_exact_position(edit, file_name, row, column, value, words):
    problems = problems_after(edit, file_name, row, column, value)
    position = f"{file_name}:{row}:{column}: "
    matching = [problem for problem in problems if problem.startswith(position)]
    assert matching, f"nothing reported at {position}; got {problems}"
    assert any(words in problem for problem in matching), matching


def test_one_bad_cell_gives_one_problem(edit):
    problems = problems_after(edit, "claims.csv", 3, "value_high", "10000")
    assert problems == ["claims.csv:3:value_high: value_low is above value_high"]


def test_every_problem_is_collected_not_only_the_first(minimal_dir, edit):
    edit("events.csv", 2, "importance", "9")
    edit("claims.csv", 3, "metric", "vibes")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(minimal_dir)
    assert [f"{p.file}:{p.row}:{p.column}" for p in caught.value.problems] == [
        "events.csv:2:importance",
        "claims.csv:3:metric",
    ]


def test_the_valid_fixture_passes(minimal_dir):
    dataset = load_dataset(minimal_dir)
    assert len(dataset.events) == 2


def test_every_column_says_how_it_is_parsed_and_what_it_means():
    for spec in TABLES.values():
        assert spec.primary_key == spec.columns[0]
        for name, column in spec.schema.columns.items():
            assert column.metadata["kind"] in {"string", "url", "date", "integer", "number", "boolean", "list"}, name
            assert column.description, f"{spec.name}.{name} has no description"


def test_one_statement_recorded_twice_is_rejected(edit):
    folder = edit("claims.csv", 3, "claim_id", "ref-b-range")  # a duplicate id is its own problem; make a copy
    lines = (folder / "claims.csv").read_text(encoding="utf-8").splitlines()
    copy = lines[1].replace("seed-a-troops,", "seed-a-troops-again,", 1)
    (folder / "claims.csv").write_text("\n".join([lines[0], lines[1], copy]) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(folder)
    assert [str(problem) for problem in caught.value.problems] == [
        "claims.csv:3:claim_id: same claimant_actor, metric, figure, scope and as_of as row 2: one statement is one "
        "claim; list every place it was read in source_ids"
    ]


def test_a_part_must_count_the_same_thing_as_its_total(edit):
    folder = edit("claims.csv", 3, "metric", "workers")
    folder = edit("claims.csv", 2, "part_of", "ref-b-range")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(folder)
    assert "claims.csv:2:part_of: names a total of another metric (workers)" in str(caught.value)


LEGACY_HEADER = (
    "claim_id,metric,subject,value_low,value_high,qualifier,scope,as_of,reported_on,claimant,claimant_actor,"
    "relayed_by,source_id,interested_party,place_id,excerpt,notes"
)


def test_a_claims_file_in_the_1x_format_loads_with_a_deprecation_notice(minimal_dir):
    (minimal_dir / "claims.csv").write_text(
        LEGACY_HEADER + "\nold-row,troops_deployed,PRK,11000,11000,over,total,2025-07-13,2025-07-13,someone,unnamed,,"
        "seed-a,false,kursk,,\n",
        encoding="utf-8",
    )
    dataset = load_dataset(minimal_dir)
    row = dataset.claims.iloc[0]
    assert list(row["source_ids"]) == ["seed-a"] and row["as_of_precision"] == "day"
    assert row["date_basis"] == "not stated (file in the 1.x format)" and pd.isna(row["part_of"])
    (notice,) = dataset.notices
    assert (
        notice.startswith("claims.csv is in the previous (1.x) format")
        and "'source_id' is read as 'source_ids'" in notice
    )
    assert not cache_root(minimal_dir).exists()  # read afresh each time, so the notice is never lost


def test_a_1x_file_with_a_bad_cell_still_names_its_file_row_and_column(minimal_dir):
    (minimal_dir / "claims.csv").write_text(
        LEGACY_HEADER + "\nold-row,troops_deployed,PRK,11000,11000,over,total,2025-07-13,2025-07-13,someone,unnamed,,"
        "nowhere,false,kursk,,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as caught:
        load_dataset(minimal_dir)
    assert [str(problem) for problem in caught.value.problems] == [
        "claims.csv:2:source_ids: unknown id 'nowhere' (not in sources.csv)"
    ]


def test_the_new_format_without_a_new_column_is_an_error_not_a_guess(minimal_dir):
    text = (minimal_dir / "claims.csv").read_text(encoding="utf-8")
    columns = text.splitlines()[0].split(",")
    drop = columns.index("date_basis")
    records = list(csv.reader(io.StringIO(text)))
    kept = [[cell for number, cell in enumerate(record) if number != drop] for record in records]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(kept)
    (minimal_dir / "claims.csv").write_text(buffer.getvalue(), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(minimal_dir)
    assert "claims.csv:1:date_basis: required column is missing from the header" in str(caught.value)
