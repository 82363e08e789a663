"""Load a dataset: every table read and checked (monitor.table_reading), then the rules across tables.

Every problem is collected (never the first only) and reported as ``file:row:column: message``.
Nothing is dropped: a dataset either loads whole or raises :class:`DataValidationError`.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from monitor.actors import state_of
from monitor.cache import EntryWriter, content_key, give_back, read_cached
from monitor.changelog import readable_release
from monitor.errors import DataValidationError, Problem, reading_order
from monitor.files import (
    LargeFile,
    UnreadableDataError,
    UnreadableFileError,
    read_folder_files,
    read_regular_file,
)
from monitor.places import check_place_countries
from monitor.schema import PARTIES_TO_THE_WAR, TABLES, TableSpec
from monitor.table_reading import (
    FIRST_DATA_ROW,
    MAX_PROBLEMS,
    ProblemBudget,
    TextSink,
    read_large_table,
    read_table,
    shorten,
)


@dataclass
class Dataset:
    """The validated tables, with dates parsed and ``;`` lists split into Arrow list columns.

    Read-only once built: the app shares one instance between sessions (and may map it from a cache file).
    ``events`` has a RangeIndex, so an event's index label is its row position.
    """

    sources: pd.DataFrame
    actors: pd.DataFrame
    places: pd.DataFrame
    events: pd.DataFrame
    claims: pd.DataFrame
    story: pd.DataFrame = field(default_factory=lambda: empty_table(TABLES["story"]))
    version: str = "unversioned"
    latest_changes: str = ""
    # Things a curator should know that do not stop the data loading (an old file format read for one release).
    notices: tuple[str, ...] = ()
    # Derived from events when not given (the cache stores them too, so a cached load builds nothing).
    event_actors: pd.DataFrame | None = None
    event_span_end: pd.Series | None = None
    _memo: dict[str, Any] = field(init=False, default_factory=dict, repr=False, compare=False)
    # Sessions share one Dataset on several threads: a value is built once, not once per racing session.
    # Reentrant: a derived value may be built from another (claimant names read the indexed actors).
    _memo_lock: threading.RLock = field(init=False, default_factory=threading.RLock, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.events = self.events.reset_index(drop=True)
        if self.event_actors is None:
            self.event_actors = link_table(self.events["actors"])
            given_back(self.events["actors"])  # read whole once, then used a few rows at a time
        if self.event_span_end is None:
            self.event_span_end = span_end(self.events)

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def indexed(self, name: str) -> pd.DataFrame:
        """A table indexed by its id column (sources by source_id...), built once: lookups on every rerun."""
        return self.memo(f"indexed:{name}", lambda: self.table(name).set_index(TABLES[name].columns[0]))

    def rows(self, name: str, positions: np.ndarray, columns: list[str]) -> pd.DataFrame:
        """``columns`` of table ``name`` at row ``positions``, reading only those rows' cells.

        A large table's prose is memory-mapped in chunks (it was written as it was validated), and Arrow's take
        on a chunked column first joins its chunks: a copy of the whole column (at a million events, 667 MB of
        prose for 500 rows shown). Each chunk is taken from on its own instead, and the pages of the prose read
        are given back once its rows are copied out (monitor.cache.give_back)."""
        table = self.table(name)
        return pd.DataFrame(
            {column: _take(table[column], positions) for column in columns}, index=pd.RangeIndex(len(positions))
        )

    def memo(self, key: str, build: Callable[[], Any]) -> Any:
        """A value derived from the (read-only) tables, built on first use and kept with the dataset.

        Only data belongs here (arrays, frames): the core knows nothing of charts or widgets."""
        if key not in self._memo:
            with self._memo_lock:
                if key not in self._memo:
                    self._memo[key] = build()
        return self._memo[key]


def _take(values: pd.Series, positions: np.ndarray) -> pd.Series:
    chunks = _stored_chunks(values)
    if chunks is None:
        return values.take(positions).reset_index(drop=True)
    if len(chunks) <= 1:
        taken = values.take(positions).reset_index(drop=True)
        given_back(values)
        return taken
    starts = np.cumsum([0, *(len(chunk) for chunk in chunks)])
    positions = np.asarray(positions, dtype=np.int64)
    which = np.searchsorted(starts, positions, side="right") - 1
    order = np.argsort(which, kind="stable")
    pieces = []
    for number in np.unique(which):
        chunk = chunks[number]
        pieces.append(chunk.take(pyarrow.array(positions[order][which[order] == number] - starts[number])))
        # The rows read are copied out: the pages of the prose they were read from need not stay in memory.
        give_back(chunk)
    # Gathered chunk by chunk, then put back in the order asked for (a few rows: cheap).
    gathered = pyarrow.chunked_array(pieces, type=chunks[0].type).combine_chunks()
    taken = gathered.take(pyarrow.array(np.argsort(order, kind="stable")))
    if isinstance(values.array, pd.arrays.ArrowStringArray):
        wrapped = pd.arrays.ArrowStringArray(taken, dtype=values.dtype)  # the same str dtype (NaN for empty)
    else:
        wrapped = pd.arrays.ArrowExtensionArray(taken)
    return pd.Series(wrapped, name=values.name)


def scanned(values: pd.Series) -> Iterator[pd.Series]:
    """``values`` in the pieces it is stored in, for a scan of every row (a search): the pages of each piece are
    given back when the next is asked for, so a scan of a million events' prose holds one chunk of it in memory,
    not the column (monitor.cache.give_back)."""
    chunks = _stored_chunks(values)
    if not chunks:
        yield values
        return
    start = 0
    for chunk in chunks:
        try:
            yield values.iloc[start : start + len(chunk)]
        finally:
            give_back(chunk)
        start += len(chunk)


def given_back(values: pd.Series) -> None:
    """Give back the pages of a column read in place from a cached file once a scan of all of it is done
    (monitor.cache.give_back): read whole, a million events' actor lists would otherwise stay in memory."""
    for chunk in _stored_chunks(values) or []:
        give_back(chunk)


def _stored_chunks(values: pd.Series) -> list[pyarrow.Array] | None:
    """An Arrow-backed column's chunks as they are stored (None for a NumPy-backed column). Not wrapped in a new
    ChunkedArray: that checks each chunk, which reads a page of every chunk (and the kernel maps its neighbours:
    24 MB of a million events' prose per column)."""
    array = values.array
    if not isinstance(array, pd.arrays.ArrowExtensionArray | pd.arrays.ArrowStringArray):
        return None
    arrow = pyarrow.array(array, from_pandas=True)
    return arrow.chunks if isinstance(arrow, pyarrow.ChunkedArray) else [arrow]


def link_table(lists: pd.Series) -> pd.DataFrame:
    """One row per (row, item) of a list column: ``event_row`` (position) and ``actor_id`` (categorical).

    Integer rows and category codes keep a filter over a million events a few vectorised array operations.
    Built chunk by chunk and coded against the few distinct ids, so no copy of the list column is made.
    """
    rows, codes = [], []
    offset = 0
    # An Arrow list column, as every loaded table has (LIST_DTYPE): its chunks, without a copy.
    chunks = pyarrow.chunked_array(pyarrow.array(lists.array)).chunks
    categories = pyarrow.array(
        sorted(set().union(*(pc.unique(pc.list_flatten(chunk)).to_pylist() for chunk in chunks))), pyarrow.string()
    )
    for chunk in chunks:
        rows.append(pc.list_parent_indices(chunk).to_numpy().astype(np.int32) + offset)
        # int32 holds any number of actors; pandas narrows the codes to what the categories need.
        codes.append(pc.index_in(pc.list_flatten(chunk), value_set=categories).to_numpy().astype(np.int32))
        offset += len(chunk)
    actor_ids = pd.Categorical.from_codes(
        np.concatenate(codes) if codes else np.array([], np.int32), categories=categories.to_pylist()
    )
    event_rows = np.concatenate(rows) if rows else np.array([], np.int32)
    return pd.DataFrame({"event_row": event_rows, "actor_id": actor_ids})


def span_end(events: pd.DataFrame) -> pd.Series:
    """Last day each event covers: its date_end, else the end of its month or year when less precise."""
    start = events["date_start"].to_numpy(dtype="datetime64[ns]")
    by_month = (events["date_precision"] == "month").to_numpy(dtype=bool)
    by_year = (events["date_precision"] == "year").to_numpy(dtype=bool)
    one_day = np.timedelta64(1, "D")
    month_end = ((start.astype("datetime64[M]") + 1).astype("datetime64[D]") - one_day).astype("datetime64[ns]")
    year_end = ((start.astype("datetime64[Y]") + 1).astype("datetime64[D]") - one_day).astype("datetime64[ns]")
    end = np.where(by_month, month_end, np.where(by_year, year_end, start))
    computed = pd.Series(end, index=events.index, dtype="datetime64[ns]")
    return events["date_end"].fillna(computed).rename("span_end")


def load_dataset(path: str | Path, *, use_cache: bool = True) -> Dataset:
    """Load and validate every table in ``path``; raise one error listing every problem.

    Validated tables are cached beside the files (``monitor.cache``): later loads of unchanged files skip
    parsing and validation. ``use_cache=False`` validates the files again (and refreshes the cache).
    A table file larger than STREAM_FROM_BYTES is validated block by block, its prose streamed to the cache and
    read back memory-mapped, so a million events validate in bounded memory.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise DataValidationError([Problem(str(folder), 0, "*", "data folder not found")])
    release, release_notices = readable_release(folder / "CHANGELOG.md")
    about = {"version": read_version(folder), "latest_changes": release.changes}
    cached = read_cached(folder, DERIVED_TABLES) if use_cache else None
    if cached is not None:
        return _dataset_from_cache(cached, about, release_notices)
    # Regular files only: a FIFO, a broken link or an unreadable file is a clear error, not a hang or a crash.
    files = read_folder_files(folder, [spec.file_name for spec in TABLES.values()], whole_up_to=STREAM_FROM_BYTES)
    notices: list[str] = []
    digests: dict[str, str | None] = {}
    with EntryWriter(folder) as entry:
        frames = validated_tables(files, where=str(folder), notices=notices, text_sink=entry, digests=digests)
        del files  # the raw bytes of a large folder are not needed while the cache is written
        # The entry is named by the bytes validated, even if a file changes meanwhile.
        key = content_key(digests)
        streamed = [name for name, spec in TABLES.items() if not set(spec.long_text_columns) <= set(frames[name])]
        dataset = Dataset(**frames, **about, notices=(*release_notices, *notices))
        derived = {"event_actors": dataset.event_actors, "event_span_end": dataset.event_span_end.to_frame()}
        if streamed:  # prose was never held: read back from the entry, memory-mapped
            stored = entry.read_back({**frames, **derived}, key, publish=not notices)
            return _dataset_from_cache(stored, about, (*release_notices, *notices))
        if not notices:  # a file in an old format is read afresh each time, so its notice is never lost in a cache
            entry.publish({**frames, **derived}, key)
    return dataset


def _dataset_from_cache(frames: dict[str, pd.DataFrame], about: dict[str, str], notices: tuple[str, ...]) -> Dataset:
    derived: dict[str, Any] = {}
    if "event_actors" in frames:
        span_end = frames.pop("event_span_end")["span_end"]
        derived = {"event_actors": frames.pop("event_actors"), "event_span_end": span_end}
    return Dataset(**frames, **derived, **about, notices=notices)


# A table file larger than this is validated as a stream of row blocks (monitor.table_reading.read_large_table).
STREAM_FROM_BYTES = 64 << 20

# Stored in the cache with the tables: their names and columns.
DERIVED_TABLES = {"event_actors": ("event_row", "actor_id"), "event_span_end": ("span_end",)}
# Columns with a handful of distinct values are stored as categories once validated: a byte or two per event
# instead of a string, in memory, in the cache and in every filtered copy.
CODED_EVENT_COLUMNS = ("date_precision", "category", "status", "place_id")


def load_tables(
    files: Mapping[str, bytes | None],
    *,
    where: str = "the upload",
    version: str = "unversioned",
    changes: str = "",
    max_rows: int | None = None,
) -> Dataset:
    """Validate tables given as raw CSV bytes by file name (a folder's files, or an upload).

    ``max_rows`` refuses a table with more data rows, counted before any frame is built."""
    notices: list[str] = []
    frames = validated_tables(files, where=where, notices=notices, max_rows=max_rows)
    return Dataset(**frames, version=version, latest_changes=changes, notices=tuple(notices))


def validated_tables(
    files: Mapping[str, bytes | None],
    *,
    where: str,
    notices: list[str] | None = None,
    max_rows: int | None = None,
    max_problems: int = MAX_PROBLEMS,
    text_sink: TextSink | None = None,
    digests: dict[str, str | None] | None = None,
) -> dict[str, pd.DataFrame]:
    """Every table parsed and validated, by table name; raise one error listing the problems.

    A required file that is absent (None or not a key) is a problem; an optional one loads as an empty table.
    A file in the previous format loads, and ``notices`` (when given) receives what was read differently.
    After ``max_problems`` problems validation stops, and the error says what was left unchecked.
    A :class:`LargeFile` is read as a stream: its prose columns go to ``text_sink`` chunk by chunk and its
    frame holds the other columns. ``digests`` (when given) receives each file's SHA-256 (None: absent).
    """
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    budget = ProblemBudget(max_problems)
    for spec in TABLES.values():
        data = files.get(spec.file_name)
        if digests is not None and not isinstance(data, LargeFile):
            digests[spec.file_name] = None if data is None else hashlib.sha256(data).hexdigest()
        if budget.spent:
            if data is not None:
                budget.stop(f"{spec.file_name} was not checked")
            continue
        if data is None:
            if spec.optional:
                frames[spec.name] = empty_table(spec)
            else:
                problems.append(budget.take([Problem(spec.file_name, 0, "*", f"file is missing from {where}")])[0])
            continue
        if isinstance(data, LargeFile):
            if text_sink is None:
                raise ValueError(f"{spec.file_name} is read as a stream, which needs somewhere to put its prose")
            frame, table_problems, digest = read_large_table(
                data.path, spec, notices, budget=budget, text_sink=text_sink
            )
            if digests is not None:
                digests[spec.file_name] = digest
        else:
            frame, table_problems = read_table(data, spec, notices, max_rows=max_rows, budget=budget)
        problems.extend(table_problems)
        if frame is not None:
            frames[spec.name] = frame
    if budget.spent:
        budget.stop("the checks across tables (ids, parts, dates) were not run")
    else:
        problems.extend(check_references(frames))
    if problems:
        raise _limited_error(problems, max_problems, budget.stopped)
    if "events" in frames:
        frames["events"] = frames["events"].astype(dict.fromkeys(CODED_EVENT_COLUMNS, "category"))
    return frames


def _limited_error(problems: list[Problem], max_problems: int, stopped: list[str]) -> DataValidationError:
    """The error for ``problems``, at most ``max_problems`` of them in reading order."""
    if len(problems) > max_problems:
        problems = sorted(problems, key=reading_order)[:max_problems]
        stopped = stopped or ["problems after these were not listed"]
    return DataValidationError(problems, stopped="; ".join(stopped))


def empty_table(spec: TableSpec) -> pd.DataFrame:
    """A table with the spec's columns and dtypes and no rows."""
    return pd.DataFrame({name: pd.Series(dtype=column.dtype.type) for name, column in spec.schema.columns.items()})


def read_version(folder: Path) -> str:
    """The dataset version recorded in ``datapackage.json``, if the folder has one."""
    descriptor = folder / "datapackage.json"
    try:
        data = read_regular_file(descriptor)
    except UnreadableFileError as error:
        raise UnreadableDataError([error]) from None
    try:
        return str(json.loads(data).get("version", "unversioned")) if data is not None else "unversioned"
    except (ValueError, AttributeError):
        return "unversioned"


def check_references(frames: dict[str, pd.DataFrame]) -> list[Problem]:
    """Cross-table rules: every id a row names exists, places lie in their country, and the interested-party flag
    is consistent."""
    problems: list[Problem] = []
    for spec in TABLES.values():
        frame = frames.get(spec.name)
        if frame is None:
            continue
        for column in spec.columns:
            target = spec.schema.columns[column].metadata.get("references")
            if not target:
                continue
            target_table, target_column = target.split(".")
            if target_table not in frames:
                continue
            values = frame[column]
            if spec.column_kind(column) == "list":
                values = values.explode()
            unknown = values.notna() & ~_is_in(values, frames[target_table][target_column])
            for index, value in values[unknown].items():
                problems.append(
                    Problem(
                        spec.file_name,
                        int(index) + FIRST_DATA_ROW,
                        column,
                        f"unknown id '{shorten(value)}' (not in {TABLES[target_table].file_name})",
                    )
                )
    if "places" in frames:
        problems.extend(check_place_countries(frames["places"], first_row=FIRST_DATA_ROW))
    if "claims" in frames and "actors" in frames:
        problems.extend(_check_interested_party(frames["claims"], frames["actors"]))
    if "claims" in frames:
        problems.extend(_check_parts(frames["claims"]))
        problems.extend(_check_one_claim_per_statement(frames["claims"]))
        if "sources" in frames:
            problems.extend(_check_reported_before_published(frames["claims"], frames["sources"]))
    return problems


def _is_in(values: pd.Series, known: pd.Series) -> np.ndarray:
    """True where a value is one of ``known``, by Arrow's hash lookup: pandas' isin on text builds a Python
    object per known id (9 s for a million events' references)."""
    value_set = pc.unique(_arrow_text(known.dropna()))
    return pc.fill_null(pc.is_in(_arrow_text(values), value_set), False).to_numpy(zero_copy_only=False)


def _arrow_text(values: pd.Series) -> pyarrow.Array | pyarrow.ChunkedArray:
    # Arrow-backed columns (text, exploded lists) convert without a copy.
    return pyarrow.array(values.array, from_pandas=True).cast(pyarrow.string())


def _claims_problem(index: int, column: str, message: str) -> Problem:
    return Problem("claims.csv", int(index) + FIRST_DATA_ROW, column, message)


def _check_parts(claims: pd.DataFrame) -> list[Problem]:
    """A part names a total of its own metric that is not itself a part, and is not larger than it."""
    parts = claims.loc[claims["part_of"].notna()]
    if parts.empty:
        return []
    totals = claims.drop_duplicates("claim_id").set_index("claim_id")
    problems = []
    for index, part in parts.iterrows():
        if part["part_of"] not in totals.index or part["part_of"] == part["claim_id"]:
            continue  # an unknown id, or the claim itself, is reported by its own rule
        total = totals.loc[part["part_of"]]
        if total["metric"] != part["metric"]:
            problems.append(
                _claims_problem(
                    index,
                    "part_of",
                    f"names a total of another metric ({total['metric']}); a part and its total count the same thing",
                )
            )
        elif pd.notna(total["part_of"]):
            problems.append(
                _claims_problem(
                    index, "part_of", f"names '{part['part_of']}', which is itself a part; name the whole total"
                )
            )
        elif part["value_high"] > total["value_high"]:
            problems.append(_claims_problem(index, "part_of", "a part's figure is above its total's"))
    return problems


# The fields that say the same claimant gave the same figure for the same moment: one statement.
STATEMENT_FIELDS = ["claimant_actor", "metric", "value_low", "value_high", "scope", "as_of"]


def _check_one_claim_per_statement(claims: pd.DataFrame) -> list[Problem]:
    """Two rows with one claimant, metric, figure, scope and as-of date are one statement read twice."""
    repeated = claims.duplicated(STATEMENT_FIELDS, keep="first")
    if not repeated.any():
        return []
    first_row = claims.groupby(STATEMENT_FIELDS, dropna=False, sort=False).ngroup()
    first_of_group = claims.index.to_series().groupby(first_row.to_numpy()).transform("min")
    return [
        _claims_problem(
            index,
            "claim_id",
            f"same claimant_actor, metric, figure, scope and as_of as row {int(first_of_group[index]) + FIRST_DATA_ROW}"
            ": one statement is one claim; list every place it was read in source_ids",
        )
        for index in claims.index[repeated.to_numpy()]
    ]


def _check_reported_before_published(claims: pd.DataFrame, sources: pd.DataFrame) -> list[Problem]:
    """A statement cannot be made after every source that reports it was published."""
    published = sources.drop_duplicates("source_id").set_index("source_id")["published"]
    links = claims["source_ids"].explode().dropna()
    if links.empty:
        return []
    # Looked up by position: an unknown id (reported on its own) is simply undated here.
    found = published.reindex(links.astype(str).to_numpy())
    dates = pd.Series(found.to_numpy(dtype="datetime64[ns]"), index=links.index)
    # Only when every cited source is dated: an undated source may be the late one.
    dated = dates.notna().groupby(level=0).all()
    latest = dates.groupby(level=0).max()
    reported = claims["reported_on"].loc[latest.index]
    late = dated & reported.notna() & (reported > latest)
    return [
        _claims_problem(
            index,
            "reported_on",
            f"is after the publication date of every source it cites (latest {latest[index]:%Y-%m-%d}); "
            "date a claim to the statement itself",
        )
        for index in late.index[late.to_numpy()]
    ]


def _check_interested_party(claims: pd.DataFrame, actors: pd.DataFrame) -> list[Problem]:
    # A duplicate actor_id is reported on its own; the first row of each id decides here.
    claimant_state = claims["claimant_actor"].map(state_of(actors))
    expected = claimant_state.isin(PARTIES_TO_THE_WAR)
    wrong = claims["interested_party"].notna() & claimant_state.notna() & (claims["interested_party"] != expected)
    return [
        Problem(
            "claims.csv",
            int(index) + FIRST_DATA_ROW,
            "interested_party",
            f"must be {str(bool(expected[index])).lower()}: the claimant's state is {claimant_state[index]}",
        )
        for index in claims.index[wrong.fillna(False).astype(bool)]
    ]
