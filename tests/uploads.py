"""Helpers for tests that upload data: the minimal fixture as uploaded files, and driving the upload page."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from streamlit.testing.v1 import AppTest

from components.data import UPLOAD_KEY, UPLOADS
from monitor import Dataset

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"
CURATED_EVENTS = Path(__file__).resolve().parents[1] / "data" / "events.csv"
UPLOAD_PAGE = "pages/upload.py"


# Text that would be markup, a link or a style if any renderer took it as such (tests/security, tests/browser).
ANCHOR = '<a href="http://127.0.0.1:9/n">linked</a>'
BOLD = "<b>bold</b>"
STYLED = '<span style="font-size:90px;cursor:url(http://127.0.0.1:9/c)">big</span>'
BARE = "see https://evil.example/x or www.evil.example or a@evil.example"  # no commas: the files are CSV
# The data's own markup (the charts' source line is a span of ours, so "<span" alone is no sign).
HOSTILE_MARKUP = (ANCHOR, BOLD, STYLED, '<a href="http://127.0.0.1', '<span style="font-size:90px')
# Every kind of name a chart draws: actors (timeline lanes, map), claimants (legends), places, titles, figures.
REPLACED_BY_HOSTILE_TEXT = {
    "North Korea,": f"North Korea {ANCHOR},",
    "Russia,": f"Russia {STYLED},",
    "unnamed intelligence estimates": f"estimates {BOLD} {STYLED}",
    "Kim Jong Un": f"Kim {ANCHOR}",
    "Treaty signed": f"Treaty {STYLED} {BARE}",
    "Deployment reported": f"Deployment {ANCHOR}",
    "The two leaders sign a treaty.": f"The two leaders sign. {BARE}",
}


def fixture_files(replace: dict[str, str] | None = None) -> dict[str, bytes]:
    """The minimal fixture's CSVs by file name, with text replaced in every file."""
    files = {}
    for path in sorted(MINIMAL.glob("*.csv")):
        text = path.read_text(encoding="utf-8")
        for old, new in (replace or {}).items():
            text = text.replace(old, new)
        files[path.name] = text.encode("utf-8")
    return files


def as_zip(files: dict[str, bytes], folder: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"{folder}{name}", data)
    return buffer.getvalue()


def session_upload_of(app: AppTest) -> Dataset | None:
    """The session's upload: held by the server's upload store, not in session state."""
    return UPLOADS.get(app.session_state[UPLOAD_KEY]) if UPLOAD_KEY in app.session_state else None


def dataset_in_use(app: AppTest) -> Dataset:
    """The dataset the session's pages show: its upload, else the curated data of its last view."""
    uploaded = session_upload_of(app)
    return uploaded if uploaded is not None else app.session_state["view"].dataset


def upload(app: AppTest, files: dict[str, bytes]) -> AppTest:
    """Choose ``files`` in the upload page's file input, as a browser user would, and run."""
    chosen = [(name, data, "application/zip" if name.endswith(".zip") else "text/csv") for name, data in files.items()]
    return app.file_uploader[0].set_value(chosen).run()


def realistic_events(limit_bytes: int) -> bytes:
    """Curated events resampled under new ids, up to ``limit_bytes``: text as long as ours."""
    curated = (CURATED_EVENTS).read_bytes().decode().splitlines(keepends=True)
    header, rows = curated[0], curated[1:]
    out, size, number = [header], len(header), 0
    while True:
        row = rows[number % len(rows)]
        row = f"gen-{number}{row[row.index(',') :]}"
        if size + len(row.encode()) > limit_bytes:
            return "".join(out).encode()
        out.append(row)
        size += len(row.encode())
        number += 1
