"""Every file the app writes for a reader to take away: CSV that a spreadsheet opens safely, JSON with plain dates.

One CSV writer for all of them (templates, the dataset zip, the explorer's downloads). It writes UTF-8 with a
byte-order mark, so Excel reads the accents and Cyrillic right, and neutralises every *text* cell a spreadsheet
would run as a formula, as OWASP recommends (https://owasp.org/www-community/attacks/CSV_Injection): a cell that
begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so
``=HYPERLINK("http://x","y")`` is written ``'=HYPERLINK("http://x","y")`` and shows as text. Numbers, dates and
booleans are never touched: ``-5`` in a number column stays ``-5``.

Round trip: the loader strips the byte-order mark and nothing else, so a neutralised cell uploaded again keeps
its apostrophe as part of its text; writing it once more adds nothing (a cell beginning with ``'`` is not a
formula), so download → upload → download is stable after the first pass. The curated data has no text cell that
needs neutralising (tests/monitor/test_export.py), so its zip re-uploads to the very same tables.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, with an apostrophe before it; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return NEUTRALISER + value
    return value


def _neutralised(values: pd.Series) -> pd.Series:
    """``neutralise`` over a column, looking only at the cells that need it (a 100,000-row export stays fast)."""
    try:
        formulas = values.str.startswith(FORMULA_PREFIXES, na=False)
    except AttributeError:  # no text in the column at all
        return values
    if not formulas.any():
        return values
    return values.mask(formulas, values[formulas].map(neutralise))


def text_columns_of(frame: pd.DataFrame) -> list[str]:
    """The columns holding text (not numbers, dates or booleans): only these can carry a formula."""
    return [
        column
        for column in frame.columns
        if not (
            pd.api.types.is_numeric_dtype(frame[column])
            or pd.api.types.is_bool_dtype(frame[column])
            or pd.api.types.is_datetime64_any_dtype(frame[column])
        )
    ]


def csv_bytes(frame: pd.DataFrame, text_columns: Iterable[str] | None = None) -> bytes:
    """The frame as Excel-safe CSV: UTF-8 with a byte-order mark, formula text neutralised, ``\\r\\n`` line ends
    (RFC 4180: then a cell holding a lone carriage return is quoted, as it must be, and survives a reload).

    ``text_columns`` names the columns to neutralise (default: every column that is not numeric, boolean or a
    date); a caller that has turned every value into text, as the dataset writer does, says which were text.
    """
    columns = text_columns_of(frame) if text_columns is None else list(text_columns)
    safe = frame.assign(**{column: _neutralised(frame[column]) for column in columns}) if columns else frame
    text = safe.to_csv(index=False, lineterminator="\r\n", date_format="%Y-%m-%d")
    return codecs.BOM_UTF8 + text.encode("utf-8")


def json_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as a JSON list of records, dates as plain ISO dates (``2024-10-17``, no time or zone)."""
    dates = [column for column in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[column])]
    plain = frame.assign(**{column: frame[column].dt.strftime("%Y-%m-%d") for column in dates}) if dates else frame
    return plain.to_json(orient="records", force_ascii=False, indent=1).encode("utf-8")
