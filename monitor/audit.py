"""Excerpt audit: every quoted excerpt must appear in the text of the source it is attributed to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from monitor.claims import first_source
from monitor.files import read_regular_text
from monitor.loading import Dataset
from monitor.table_reading import FIRST_DATA_ROW

_QUOTE_MARKS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201f": '"',
        "\u2033": '"',
    }
)
_WHITE_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Fold white space and curly quotes only: anything else must match to the letter."""
    return _WHITE_SPACE.sub(" ", text.translate(_QUOTE_MARKS)).strip()


@dataclass(frozen=True)
class AuditResult:
    checked: int
    unchecked: int
    misses: list[str]

    @property
    def passed(self) -> bool:
        return not self.misses


def excerpts_with_sources(dataset: Dataset) -> pd.DataFrame:
    """Each non-empty excerpt with the file, row and source it is attributed to."""
    events = dataset.events.loc[dataset.events["excerpt"].notna()]
    claims = dataset.claims.loc[dataset.claims["excerpt"].notna()]
    quoted = pd.concat(
        [
            pd.DataFrame(
                {
                    "file": "events.csv",
                    "row": events.index + FIRST_DATA_ROW,
                    "source_id": [ids[0] if len(ids) else None for ids in events["source_ids"]],
                    "excerpt": events["excerpt"],
                }
            ),
            pd.DataFrame(
                {
                    "file": "claims.csv",
                    "row": claims.index + FIRST_DATA_ROW,
                    "source_id": first_source(claims),
                    "excerpt": claims["excerpt"],
                }
            ),
        ],
        ignore_index=True,
    )
    text_refs = dataset.indexed("sources")["text_ref"]
    return quoted.assign(text_ref=quoted["source_id"].map(text_refs))


def audit_excerpts(dataset: Dataset, texts_dir: str | Path) -> AuditResult:
    """Check each excerpt whose source has a ``text_ref`` against that text file."""
    folder = Path(texts_dir)
    quoted = excerpts_with_sources(dataset)
    checkable = quoted.loc[quoted["text_ref"].notna()]
    texts: dict[str, str | None] = {}
    misses = []
    for item in checkable.itertuples(index=False):
        if item.text_ref not in texts:
            path = folder / item.text_ref
            text = read_regular_text(path)  # a text that is not UTF-8, or not a file, is named (CLI exit 2)
            texts[item.text_ref] = normalise(text) if text is not None else None
        text = texts[item.text_ref]
        where = f"{item.file}:{item.row}:excerpt"
        if text is None:
            misses.append(f"{where}: text '{item.text_ref}' of source '{item.source_id}' not found in {folder}")
        elif normalise(item.excerpt) not in text:
            misses.append(f"{where}: not found in '{item.text_ref}' (source '{item.source_id}'): {item.excerpt!r}")
    return AuditResult(checked=len(checkable), unchecked=len(quoted) - len(checkable), misses=misses)
