"""Security without a browser: data text is escaped, only http(s) links are made, no raw HTML is ever allowed,
the server keeps XSRF protection and an upload size cap, and an upload is never written to disk.

tests/browser/test_security.py proves the same in Chromium: a <script> in a title shows literally and never runs.
"""

from __future__ import annotations

import builtins
import re
import tomllib
from pathlib import Path

import pytest
from apptest import open_page
from uploads import UPLOAD_PAGE, fixture_files, upload

from components.render import escape, link_column, safe_url, with_safe_links
from monitor.bundle import MAX_UPLOAD_MB

PROJECT_ROOT = Path(__file__).resolve().parents[1]
APP_FILES = [
    PROJECT_ROOT / "app.py",
    *sorted(path for folder in ("components", "pages", "monitor") for path in (PROJECT_ROOT / folder).glob("*.py")),
]
HOSTILE = [
    '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">',
    "[click me](javascript:alert(1))",
    "![pixel](data:image/svg+xml,<svg onload=alert(1)>)",
    "<https://evil.example>",
    "**bold** _italic_ `code` ~~gone~~",
    "# heading",
    "> quote",
    "- item",
    "1. item",
    ":red[coloured] :material/home: $x^2$",
    "&lt;script&gt; &amp;",
    "a\n===",
    "back\\slash\\",
    "| a | b |",
]
ESCAPABLE = set(r"""\`*_{}[]()<>#+-.!|~$:&=""")


# The one stylesheet (a keyboard focus ring) is the only HTML the app hands Streamlit: a constant, never data.
STYLE_FILE = PROJECT_ROOT / "components" / "style.py"


@pytest.mark.parametrize("path", APP_FILES, ids=lambda path: str(path.relative_to(PROJECT_ROOT)))
def test_no_raw_html_is_ever_rendered(path):
    code = path.read_text(encoding="utf-8")
    assert "unsafe_allow_html" not in code
    assert not re.search(r"components\.v1|components\.html\(", code)
    if path != STYLE_FILE:
        assert not re.search(r"\bst\.html\(", code)


def test_the_one_stylesheet_is_a_constant_with_no_markup_but_style():
    from components.style import FOCUS_STYLE

    assert re.findall(r"\bst\.html\((.*?)\)", STYLE_FILE.read_text(encoding="utf-8")) == ["FOCUS_STYLE"]
    assert re.fullmatch(r"<style>[^<>]*</style>", FOCUS_STYLE)


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_makes_every_markdown_and_html_character_literal(text):
    escaped = escape(text)
    # Every special character is preceded by a backslash, and removing those gives back the text.
    index = 0
    plain = []
    while index < len(escaped):
        char = escaped[index]
        if char == "\\":
            assert escaped[index + 1] in ESCAPABLE, escaped
            plain.append(escaped[index + 1])
            index += 2
            continue
        assert char not in ESCAPABLE, f"unescaped {char!r} in {escaped!r}"
        plain.append(char)
        index += 1
    # The word joiners that keep a bare URL from becoming a link are invisible: the reader sees the text.
    assert "".join(plain).replace("\u2060", "") == text


def test_escape_turns_missing_values_into_nothing():
    assert escape(None) == ""
    assert escape(float("nan")) == ""
    assert escape(3) == "3"


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.org/a?b=c&d=e#f", "https://example.org/a?b=c&d=e#f"),
        ("http://example.org", "http://example.org"),
        # The schema's rule is written in lower case; an upper-case scheme is not made a link.
        ("HTTPS://EXAMPLE.ORG/x", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_safe_url_keeps_http_links(url, kept):
    assert safe_url(url) == kept


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "ftp://example.org/x",
        "https://example.org/a b",
        'https://example.org/"onmouseover="alert(1)',
        "https://example.org/<script>",
        " https://example.org",
        "",
        None,
        float("nan"),
        42,
    ],
)
def test_safe_url_refuses_everything_else(url):
    assert safe_url(url) is None


def test_tables_blank_unsafe_links_and_only_link_http():
    import pandas as pd

    frame = pd.DataFrame({"url": ["https://example.org", "javascript:alert(1)", None]})
    links = with_safe_links(frame)["url"]
    assert links.iloc[0] == "https://example.org"
    assert links.iloc[1:].isna().all()
    assert link_column()["type_config"]["validate"] == "^https?://"


def test_the_server_keeps_xsrf_protection_and_caps_uploads():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"].get("enableCORS", True) is True
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB == 20  # the same number, in the same unit (MB)


def test_an_upload_is_never_written_to_disk(monkeypatch):
    app = open_page(UPLOAD_PAGE)
    written: list[str] = []
    real_open = builtins.open

    def watching_open(file, mode="r", *args, **kwargs):
        if any(flag in mode for flag in "wax+"):
            written.append(str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", watching_open)
    app = upload(app, fixture_files({"Treaty signed": "Marker"}))
    assert not app.exception
    assert app.success, "the upload was accepted"
    assert written == []
