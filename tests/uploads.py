"""Helpers for tests that upload data: the minimal fixture as uploaded files, and driving the upload page."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from streamlit.testing.v1 import AppTest

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"
UPLOAD_PAGE = "pages/upload.py"


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


def upload(app: AppTest, files: dict[str, bytes]) -> AppTest:
    """Choose ``files`` in the upload page's file input, as a browser user would, and run."""
    chosen = [(name, data, "application/zip" if name.endswith(".zip") else "text/csv") for name, data in files.items()]
    return app.file_uploader[0].set_value(chosen).run()
