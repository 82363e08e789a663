"""The data contract: one pandera schema per table, and nothing else that restates it.

Validation (``monitor.loading``), the Frictionless descriptor (``monitor.datapackage``) and the
data dictionary page are all generated from the objects defined here. Each column carries, in
its pandera ``metadata``:

* ``kind``: how the CSV text is parsed (string, url, date, integer, number, boolean, list);
* ``references``: ``"table.column"`` whose values this column must name (cross-table check);
* ``example``: a value used in the downloadable templates (together, the templates are a valid dataset).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pandera.pandas as pa
import pyarrow

FIRST_DATE = pd.Timestamp("1953-01-01")
LAST_DATE = pd.Timestamp("2025-12-31")
LIST_SEPARATOR = ";"
# A list cell ("PRK;RUS") is parsed into an Arrow list: compact, and zero-copy from the cache file.
LIST_DTYPE = pd.ArrowDtype(pyarrow.list_(pyarrow.string()))


def list_cells(values: Iterable[object]) -> list[str]:
    """A list column's cells as the CSV files write them ('PRK;RUS'; an empty cell for no list)."""
    return [
        "" if value is None or value is pd.NA or isinstance(value, float | str) else LIST_SEPARATOR.join(value)
        for value in values
    ]


EXCERPT_MAX_CHARS = 200
# Any other text cell (a title, a summary, notes, a URL): generous, but a runaway cell is an error, not a page.
TEXT_MAX_CHARS = 10_000
ID_PATTERN = r"^[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*$"
ID_MAX_CHARS = 64
# Characters a link may not hold unencoded: white space and controls, and those that end or nest a Markdown
# link or an HTML attribute (a ")" once let "a)![p](http://host/x.png)" load an image). Write them as %28 etc.
URL_FORBIDDEN = re.compile(r"[\x00-\x20\x7f<>\"'()\[\]\\`{}|^]")
# The same rule as a pattern, for tools that take only one (datapackage.json); is_web_url also parses the host.
URL_PATTERN = r"^https?://[^\x00-\x20\x7f<>\"'()\[\]\\`{}|^]+$"
URL_RULE = "must be an http(s) URL with a host, and spaces, quotes, brackets and parentheses written as %20, %27, %28…"
COLOUR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
# Parties to the Russia-Ukraine war: a figure from one of them is flagged as interested.
PARTIES_TO_THE_WAR = ("PRK", "RUS", "UKR")

SOURCE_KINDS = (
    "news",
    "op-ed",
    "analysis",
    "blog",
    "official statement",
    "state media",
    "intelligence briefing",
    "report",
    "reference",
)
ACTOR_KINDS = ("state", "person", "organisation")
PLACE_KINDS = ("city", "spaceport", "region", "border crossing", "site", "port")
EVENT_CATEGORIES = (
    "diplomacy",
    "treaty",
    "military",
    "economy",
    "commemoration",
    "statement",
    "context",
)
EVENT_STATUSES = ("confirmed", "reported", "disputed")
DATE_PRECISIONS = ("day", "month", "year")


@dataclass(frozen=True)
class Metric:
    """What a claim counts: its label on charts, the unit of its figures and the group it is compared in."""

    label: str
    unit: str
    group: str


METRIC_GROUPS = {"personnel": "People", "arms": "Arms and munitions"}
# Ids are stable: data files name them. New kinds of figure get new ids; an id is never reused for another meaning.
METRICS: dict[str, Metric] = {
    "troops_deployed": Metric("Troops deployed", "soldiers", "personnel"),
    "troops_reconstruction": Metric("Reconstruction personnel (deminers, builders)", "people", "personnel"),
    "workers": Metric("Workers", "workers", "personnel"),
    "killed": Metric("Killed", "soldiers", "personnel"),
    "wounded": Metric("Wounded", "soldiers", "personnel"),
    "casualties": Metric("Casualties (killed and wounded)", "soldiers", "personnel"),
    "captured": Metric("Captured", "soldiers", "personnel"),
    "artillery_shells": Metric("Artillery shells supplied", "shells", "arms"),
    "containers": Metric("Containers of munitions shipped", "containers", "arms"),
    "ballistic_missiles": Metric("Ballistic missiles supplied", "missiles", "arms"),
    "ballistic_missiles_fired": Metric("North Korean ballistic missiles fired at Ukraine", "missiles", "arms"),
    "artillery_systems": Metric("Artillery systems supplied (guns, rocket launchers)", "pieces", "arms"),
    "missiles": Metric("Missiles (type not stated)", "missiles", "arms"),
    "drones_launched": Metric("Drones launched at Ukraine", "drones", "arms"),
}
QUALIFIERS = ("about", "at_least", "over", "up_to", "range", "exact")
# What a figure covers; only figures of one scope are compared with each other.
CLAIM_SCOPES: dict[str, str] = {
    "total": "cumulative to date (or to the end of the period it counts from counted_from)",
    "present": "in a place at that moment",
    "additional": "a new batch",
    "planned": "announced or expected",
    "partial": "a sub-period or a subset",
    "rate": "per period, e.g. a year (a rate, not a total)",
}


def is_web_url(text: object) -> bool:
    """True for an absolute http(s) URL with a host and nothing that could end a link early.

    Parsed by urllib (scheme, host, port), not matched by pattern: 'https://' alone, 'https://:80/x' or
    'https://host:99999' are refused."""
    if not isinstance(text, str) or not text.startswith(("http://", "https://")) or URL_FORBIDDEN.search(text):
        return False
    try:
        parts = urllib.parse.urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number in range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _web_urls(values: pd.Series) -> pd.Series:
    # The pattern rules most cells out or in at C speed; only the survivors are parsed one by one.
    candidates = (values.str.match(r"^https?://") & ~values.str.contains(URL_FORBIDDEN.pattern, regex=True)).to_numpy(
        dtype=bool
    )
    result = candidates.copy()
    result[candidates] = [is_web_url(value) for value in values[candidates]]
    return pd.Series(result, index=values.index)


@dataclass(frozen=True)
class TableSpec:
    """One CSV file of the dataset and the schema its rows must satisfy."""

    name: str
    file_name: str
    primary_key: str
    title: str
    description: str
    schema: pa.DataFrameSchema
    optional: bool = False  # an optional table may be absent: it then loads as an empty table
    # The previous format's header, still read for one release: an old column name and its new one, and
    # the text that fills a column the old format did not have. A file in that format loads with a notice.
    legacy_renames: Mapping[str, str] = field(default_factory=dict)
    legacy_defaults: Mapping[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        return list(self.schema.columns)

    def column_kind(self, column: str) -> str:
        return self.schema.columns[column].metadata["kind"]

    @property
    def long_text_columns(self) -> list[str]:
        """The prose columns (``long_text``), in file order."""
        return [name for name, column in self.schema.columns.items() if column.metadata.get("long_text")]


def _column(
    kind: str,
    description: str,
    *,
    required: bool = True,
    checks: list[pa.Check] | None = None,
    unique: bool = False,
    references: str | None = None,
    example: str = "",
    long_text: bool = False,
) -> pa.Column:
    """A pandera column whose dtype follows from how its CSV text is parsed.

    ``long_text`` marks prose (titles, summaries, excerpts, notes): no rule across rows or tables reads it, so a
    large table is validated without holding it (it streams to the cache) and pages read it only for rows shown."""
    dtypes: dict[str, Any] = {
        "string": str,
        "url": str,
        "list": LIST_DTYPE,
        "date": "datetime64[ns]",
        "integer": "Int64",
        "number": "Float64",
        "boolean": "boolean",
    }
    all_checks = list(checks or [])
    if kind in ("string", "url") and not any(check.name in ("str_length", "isin") for check in all_checks):
        all_checks.append(
            pa.Check.str_length(max_value=TEXT_MAX_CHARS, error=f"must be at most {TEXT_MAX_CHARS:,} characters")
        )
    if kind == "url":
        all_checks.append(pa.Check(_web_urls, name="web_url", error=URL_RULE, statistics={"pattern": URL_PATTERN}))
    if kind == "date":
        all_checks.append(
            pa.Check.in_range(
                FIRST_DATE,
                LAST_DATE,
                error=f"must be between {FIRST_DATE.date()} and {LAST_DATE.date()}",
            )
        )
    metadata: dict[str, Any] = {"kind": kind, "example": example}
    if long_text:
        metadata["long_text"] = True
    if references:
        metadata["references"] = references
    return pa.Column(
        dtypes[kind],
        checks=all_checks,
        nullable=not required,
        unique=unique,
        description=description,
        metadata=metadata,
    )


def _identifier(description: str, example: str) -> pa.Column:
    return _column(
        "string",
        description,
        unique=True,
        checks=[
            pa.Check.str_matches(ID_PATTERN, error="must be letters, digits, '-' or '_' (no spaces)"),
            pa.Check.str_length(max_value=ID_MAX_CHARS, error=f"must be at most {ID_MAX_CHARS} characters"),
        ],
        example=example,
    )


def _one_of(values: Iterable[str]) -> pa.Check:
    values = list(values)
    return pa.Check.isin(values, error=f"must be one of: {', '.join(values)}")


def _excerpt(description: str) -> pa.Column:
    return _column(
        "string",
        description,
        required=False,
        long_text=True,
        checks=[
            pa.Check.str_length(
                max_value=EXCERPT_MAX_CHARS,
                error=f"must be at most {EXCERPT_MAX_CHARS} characters",
            )
        ],
    )


def _row_check(column: str, error: str, rule: Any) -> pa.Check:
    """A rule across columns of one row, reported against ``column``."""
    return pa.Check(rule, name=error, error=error, statistics={"column": column})


def _date_matches_precision(date_column: str, precision_column: str) -> Any:
    """A rule: a month-precision date is the 1st of its month, a year-precision date 1 January."""

    def rule(frame: pd.DataFrame) -> pd.Series:
        start = frame[date_column]
        precision = frame[precision_column]
        not_first_of_month = (precision == "month") & (start.dt.day != 1)
        not_first_of_year = (precision == "year") & ((start.dt.day != 1) | (start.dt.month != 1))
        return start.isna() | ~(not_first_of_month | not_first_of_year)

    return rule


def _qualifier_matches_values(frame: pd.DataFrame) -> pd.Series:
    is_range = frame["value_low"] < frame["value_high"]
    says_range = frame["qualifier"] == "range"
    # A low above the high is reported by its own rule; do not report it twice.
    consistent = (is_range == says_range) | (frame["value_low"] > frame["value_high"])
    return frame["value_low"].isna() | frame["value_high"].isna() | consistent.fillna(True)


SOURCES = TableSpec(
    name="sources",
    file_name="sources.csv",
    primary_key="source_id",
    title="Sources",
    description="Every article, statement or reference a row of the dataset cites.",
    schema=pa.DataFrameSchema(
        {
            "source_id": _identifier("Unique id of the source.", "reuters-2025-06-17-shoigu"),
            "kind": _column("string", "What sort of source it is.", checks=[_one_of(SOURCE_KINDS)], example="news"),
            "title": _column(
                "string",
                "Title as published (or a neutral description when it has none).",
                example="Headline",
                long_text=True,
            ),
            "publisher": _column("string", "Outlet, agency or government that published it.", example="Reuters"),
            "author": _column("string", "Named author(s), if any.", required=False),
            "published": _column("date", "Publication date (YYYY-MM-DD).", required=False, example="2025-06-17"),
            "url": _column(
                "url",
                "Public http(s) address; empty only when truly unknown.",
                required=False,
                example="https://example.org/article",
            ),
            "text_ref": _column(
                "string",
                "For the seed articles: the seed file's name, so the excerpt audit can find the text.",
                required=False,
            ),
            "notes": _column("string", "What a reader should know about this source.", required=False, long_text=True),
        },
        strict=True,
    ),
)

ACTORS = TableSpec(
    name="actors",
    file_name="actors.csv",
    primary_key="actor_id",
    title="Actors",
    description="States, people and organisations named by events and claims.",
    schema=pa.DataFrameSchema(
        {
            "actor_id": _identifier(
                "Unique id: ISO 3166 alpha-3 for states (PRK, RUS), a slug for people and organisations.",
                "PRK",
            ),
            "name": _column(
                "string",
                "Name in English; unique, as it labels charts and the shared URL.",
                unique=True,
                example="North Korea",
            ),
            "name_local": _column("string", "Name in the local script, where it helps.", required=False),
            "kind": _column("string", "state, person or organisation.", checks=[_one_of(ACTOR_KINDS)], example="state"),
            "state": _column(
                "string",
                "The state a person or organisation belongs to (a state's own id for a state).",
                required=False,
                references="actors.actor_id",
                example="PRK",
            ),
            "colour": _column(
                "string",
                "Chart colour (#RRGGBB), colour-blind safe; set for states, inherited by their people.",
                required=False,
                checks=[pa.Check.str_matches(COLOUR_PATTERN, error="must be a colour like #1A2B3C")],
                example="#D55E00",
            ),
            "description": _column("string", "Role or office, neutrally worded.", required=False),
        },
        checks=[
            _row_check(
                "state",
                "a state's state must be its own id",
                lambda f: (f["kind"] != "state") | (f["state"] == f["actor_id"]).fillna(False),
            ),
            _row_check(
                "colour",
                "a state, or an actor with no state, needs a colour",
                lambda f: ((f["kind"] != "state") & f["state"].notna()) | f["colour"].notna(),
            ),
        ],
        strict=True,
    ),
)

PLACES = TableSpec(
    name="places",
    file_name="places.csv",
    primary_key="place_id",
    title="Places",
    description="Where events happened, with coordinates for the map.",
    schema=pa.DataFrameSchema(
        {
            "place_id": _identifier("Unique id of the place.", "pyongyang"),
            "name": _column("string", "Name in English.", example="Pyongyang"),
            "name_local": _column("string", "Name in the local script (평양, Пхеньян).", required=False),
            "lat": _column(
                "number",
                "Latitude in decimal degrees (WGS 84); a region is drawn at its administrative centre.",
                checks=[pa.Check.in_range(-90, 90, error="must be between -90 and 90")],
                example="39.02",
            ),
            "lon": _column(
                "number",
                "Longitude in decimal degrees (WGS 84).",
                checks=[pa.Check.in_range(-180, 180, error="must be between -180 and 180")],
                example="125.75",
            ),
            "country": _column(
                "string", "The state it lies in (actor id).", references="actors.actor_id", example="PRK"
            ),
            "kind": _column("string", "What sort of place.", checks=[_one_of(PLACE_KINDS)], example="city"),
            "coords_source": _column(
                "url", "Where the coordinates were read.", required=False, example="https://example.org/place"
            ),
            "notes": _column("string", "What the point stands for when it is not the place itself.", required=False),
        },
        strict=True,
    ),
)

EVENTS = TableSpec(
    name="events",
    file_name="events.csv",
    primary_key="event_id",
    title="Events",
    description="Dated events of the alignment, 1953-2025, in neutral words, each with its sources.",
    schema=pa.DataFrameSchema(
        {
            "event_id": _identifier("Unique id of the event.", "treaty-2024-signed"),
            "date_start": _column(
                "date",
                "First day of the event (YYYY-MM-DD); the 1st of the month or year when less precise.",
                example="2024-06-19",
            ),
            "date_end": _column("date", "Last day, for events that span days.", required=False),
            "date_precision": _column(
                "string",
                "How precisely the sources date it: day, month or year.",
                checks=[_one_of(DATE_PRECISIONS)],
                example="day",
            ),
            "title": _column("string", "Short neutral title (our words).", example="Treaty signed", long_text=True),
            "summary": _column(
                "string", "One or two neutral sentences (our words).", example="Summary.", long_text=True
            ),
            "category": _column("string", "What kind of event.", checks=[_one_of(EVENT_CATEGORIES)], example="treaty"),
            "status": _column(
                "string",
                "confirmed (official record or several independent sources), reported (one source or one side), "
                "disputed (sources contradict each other).",
                checks=[_one_of(EVENT_STATUSES)],
                example="confirmed",
            ),
            "place_id": _column(
                "string", "Where it happened.", required=False, references="places.place_id", example="pyongyang"
            ),
            "actors": _column(
                "list", "Actor ids involved, ';'-separated.", references="actors.actor_id", example="PRK"
            ),
            "source_ids": _column(
                "list",
                "Sources, ';'-separated; the first is the one the excerpt quotes.",
                references="sources.source_id",
                example="reuters-2025-06-17-shoigu",
            ),
            "excerpt": _excerpt("Verbatim passage from the first source (at most 200 characters)."),
            "importance": _column(
                "integer",
                "1 (context) to 3 (milestone).",
                checks=[pa.Check.in_range(1, 3, error="must be 1, 2 or 3")],
                example="2",
            ),
            "notes": _column(
                "string",
                "Where sources disagree, or a seed is wrong, and what others say.",
                required=False,
                long_text=True,
            ),
        },
        checks=[
            _row_check(
                "date_end",
                "date_end is before date_start",
                lambda f: f["date_end"].isna() | f["date_start"].isna() | (f["date_end"] >= f["date_start"]),
            ),
            _row_check(
                "date_start",
                "a month-precision date must be the 1st of its month, a year-precision date 1 January",
                _date_matches_precision("date_start", "date_precision"),
            ),
        ],
        strict=True,
    ),
)


def _metric_description() -> str:
    listed = "; ".join(f"{metric_id} = {metric.label} ({metric.unit})" for metric_id, metric in METRICS.items())
    return f"What is counted: {listed}."


def _scope_description() -> str:
    listed = "; ".join(f"{scope} ({meaning})" for scope, meaning in CLAIM_SCOPES.items())
    return f"What the figure covers: {listed}. Only figures of one scope are compared."


# Text written into date_basis for a claims file in the 1.x format, which had no such column.
LEGACY_DATE_BASIS = "not stated (file in the 1.x format)"

CLAIMS = TableSpec(
    name="claims",
    file_name="claims.csv",
    primary_key="claim_id",
    title="Claims",
    description=(
        "One row per statement of a figure: who said it, when they said it, and every place we read it. "
        "A statement relayed by several outlets is one claim."
    ),
    schema=pa.DataFrameSchema(
        {
            "claim_id": _identifier(
                "Unique id of the claim: claimant, date of the statement, what it counts.",
                "nis-2024-12-19-troops-kursk",
            ),
            "metric": _column("string", _metric_description(), checks=[_one_of(METRICS)], example="troops_deployed"),
            "subject": _column(
                "string", "Whose people or things are counted (actor id).", references="actors.actor_id", example="PRK"
            ),
            "value_low": _column(
                "number", "Lower figure.", checks=[pa.Check.ge(0, error="must not be negative")], example="11000"
            ),
            "value_high": _column(
                "number",
                "Upper figure (equal to value_low for a single figure).",
                checks=[pa.Check.ge(0, error="must not be negative")],
                example="12000",
            ),
            "qualifier": _column(
                "string",
                "How the claimant worded the figure: about (some, about, around, roughly, approximately), over "
                "(more than), at_least (at least, or more), up_to (as many as, up to, nearly), range (two figures), "
                "exact (a bare figure only).",
                checks=[_one_of(QUALIFIERS)],
                example="range",
            ),
            "scope": _column("string", _scope_description(), checks=[_one_of(CLAIM_SCOPES)], example="total"),
            "counted_from": _column(
                "date",
                "Start of the period a figure counts, when the statement gives one ('since August 2023').",
                required=False,
            ),
            "as_of": _column(
                "date",
                "The moment the figure describes: the day of the statement unless it names its own date "
                "('as of March 2025'); written as the 1st of the month or year when less precise.",
                example="2024-12-19",
            ),
            "as_of_precision": _column(
                "string",
                "How precisely the statement dates its figure: day, month or year.",
                checks=[_one_of(DATE_PRECISIONS)],
                example="day",
            ),
            "reported_on": _column(
                "date",
                "The day the claimant said it (the briefing, the post, the interview), not the day an outlet "
                "republished it.",
                example="2024-12-19",
            ),
            "claimant": _column(
                "string",
                "Who originally said it, as specifically as the source allows.",
                example="South Korea's National Intelligence Service",
            ),
            "claimant_actor": _column(
                "string", "Actor id of the claimant.", references="actors.actor_id", example="PRK"
            ),
            "relayed_by": _column(
                "string", "Who passed it on between the claimant and our sources (empty if direct).", required=False
            ),
            "source_ids": _column(
                "list",
                "Every source in which we read this statement, ';'-separated; the first is the one the excerpt quotes.",
                references="sources.source_id",
                example="reuters-2025-06-17-shoigu",
            ),
            "part_of": _column(
                "string",
                "The claim_id of a total, of the same metric and from the same statement, that this figure is a "
                "part of; a part is never added to or compared with its total.",
                required=False,
                references="claims.claim_id",
            ),
            "date_basis": _column(
                "string",
                "How reported_on was fixed, e.g. 'NIS briefing to lawmakers, Thu 19 Dec 2024, per Yonhap'.",
                example="Briefing to lawmakers on that day, per Yonhap",
                long_text=True,
            ),
            "interested_party": _column(
                "boolean",
                "true when the claimant belongs to a party to the war (Russia, Ukraine, North Korea).",
                example="true",
            ),
            "place_id": _column(
                "string", "Where the counted people are.", required=False, references="places.place_id"
            ),
            "excerpt": _excerpt("Verbatim passage from the first source (at most 200 characters)."),
            "notes": _column("string", "Context, conflicts with other sources.", required=False, long_text=True),
        },
        checks=[
            _row_check(
                "value_high",
                "value_low is above value_high",
                lambda f: (
                    f["value_low"].isna() | f["value_high"].isna() | (f["value_low"] <= f["value_high"]).fillna(True)
                ),
            ),
            _row_check(
                "qualifier",
                "qualifier 'range' needs value_low < value_high, and any other qualifier equal values",
                _qualifier_matches_values,
            ),
            _row_check(
                "reported_on",
                "reported_on is before as_of",
                lambda f: f["reported_on"].isna() | f["as_of"].isna() | (f["reported_on"] >= f["as_of"]),
            ),
            _row_check(
                "as_of",
                "a month-precision as_of must be the 1st of its month, a year-precision as_of 1 January",
                _date_matches_precision("as_of", "as_of_precision"),
            ),
            _row_check(
                "counted_from",
                "counted_from is after as_of",
                lambda f: f["counted_from"].isna() | f["as_of"].isna() | (f["counted_from"] <= f["as_of"]),
            ),
            _row_check(
                "part_of",
                "a claim cannot be part of itself",
                lambda f: f["part_of"].isna() | (f["part_of"] != f["claim_id"]).fillna(True),
            ),
        ],
        strict=True,
    ),
    legacy_renames={"source_id": "source_ids"},
    legacy_defaults={
        "counted_from": "",
        "as_of_precision": "day",
        "part_of": "",
        "date_basis": LEGACY_DATE_BASIS,
    },
)

STORY_NARRATION_MAX_CHARS = 400

STORY = TableSpec(
    name="story",
    file_name="story.csv",
    primary_key="step",
    title="Story",
    description="The guided sequence through key events: one row per step, in our own words.",
    optional=True,
    schema=pa.DataFrameSchema(
        {
            "step": _column(
                "integer",
                "Position in the sequence, from 1.",
                unique=True,
                checks=[pa.Check.ge(1, error="must be 1 or more")],
                example="1",
            ),
            "event_id": _column(
                "string", "The event this step shows.", references="events.event_id", example="treaty-2024-signed"
            ),
            "narration": _column(
                "string",
                "A short narration in our own words; facts stay in the event and its sources.",
                checks=[
                    pa.Check.str_length(
                        max_value=STORY_NARRATION_MAX_CHARS,
                        error=f"must be at most {STORY_NARRATION_MAX_CHARS} characters",
                    )
                ],
                example="Where it starts.",
            ),
        },
        strict=True,
    ),
)

TABLES: dict[str, TableSpec] = {spec.name: spec for spec in (SOURCES, ACTORS, PLACES, EVENTS, CLAIMS, STORY)}
