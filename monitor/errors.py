"""Problems found in data files, each pinned to a file, a row and a column."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Control characters, and the other characters that end a line for str.splitlines() or a terminal (NEL, the
# Unicode line and paragraph separators): shown escaped, so a cell can never forge a line of the report.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with every control or line-ending character written as its escape (``\\n``, ``\\x1b``)."""
    return _UNPRINTABLE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one cell (or row, or file).

    ``row`` counts the header as row 1, as a spreadsheet does, so the first data row is 2.
    ``row`` is 0 and ``column`` is ``"*"`` when the problem concerns the whole file or row.
    """

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        """One line, whatever the file name, column or message hold."""
        return one_line(f"{self.file}:{self.row}:{self.column}: {self.message}")


class DataValidationError(Exception):
    """Raised with every problem found, so a curator can fix them all in one pass."""

    def __init__(self, problems: list[Problem], stopped: str = "") -> None:
        self.problems = sorted(set(problems), key=reading_order)
        # Where validation stopped once it had found enough problems to act on ("" when it checked everything).
        self.stopped = stopped
        super().__init__(self.report())

    def __reduce__(self) -> tuple[type, tuple[list[Problem], str]]:
        # Rebuild from the problems, not the message, so the error survives Streamlit's cache pickling.
        return (type(self), (self.problems, self.stopped))

    @property
    def count(self) -> str:
        """How many problems, as a reader should take it: '1,000 or more' when validation stopped early."""
        return f"{len(self.problems):,} or more" if self.stopped else f"{len(self.problems):,}"

    def report(self, limit: int | None = None) -> str:
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [str(problem) for problem in shown]
        hidden = len(self.problems) - len(shown)
        if hidden:
            lines.append(f"... and {hidden} more problem(s)")
        if self.stopped:
            lines.append(f"... validation stopped after {len(self.problems):,} problems: {self.stopped}")
        return "\n".join(lines)


_FILE_ORDER = ("sources.csv", "actors.csv", "places.csv", "events.csv", "claims.csv", "story.csv")


def reading_order(problem: Problem) -> tuple[int, str, int, str, str]:
    file_rank = _FILE_ORDER.index(problem.file) if problem.file in _FILE_ORDER else len(_FILE_ORDER)
    return (file_rank, problem.file, problem.row, problem.column, problem.message)
