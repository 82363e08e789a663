"""What the README and the upload page say about where an upload goes matches what the web server does.

Streamlit 1.67 serves uploads through Starlette, whose multipart parser spools a file larger than
``MultiPartParser.spool_max_size`` to a temporary file before Streamlit reads it into memory.
"""

from __future__ import annotations

from pathlib import Path

from starlette.formparsers import MultiPartParser

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
UPLOAD_PAGE = (ROOT / "pages" / "upload.py").read_text(encoding="utf-8")
FALSE_CLAIMS = ("never saved on the server", "never written to disk", "never touch disk")


def test_the_readme_says_what_the_server_does_with_a_large_upload():
    spooled_from = MultiPartParser.spool_max_size
    assert spooled_from == 1024 * 1024, "the web server changed how it buffers uploads: update the README"
    assert "spools a larger one to an unnamed temporary file" in README
    assert f"up to {spooled_from // (1024 * 1024)} MiB in memory" in README


def test_no_page_or_readme_claims_an_upload_never_reaches_the_disk():
    for text in (README, UPLOAD_PAGE):
        assert not any(claim in " ".join(text.split()) for claim in FALSE_CLAIMS)
