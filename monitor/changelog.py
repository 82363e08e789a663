"""The dataset's ``CHANGELOG.md``: its newest ``## x.y.z - date`` section names the version and what changed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from monitor.files import UnreadableFileError, read_regular_text

_VERSION_HEADING = re.compile(r"^##\s+\[?(\d+\.\d+\.\d+)\]?")
NO_VERSION = "0.0.0"


@dataclass(frozen=True)
class Release:
    """The newest section of a changelog: its version and its body as written."""

    version: str
    changes: str


def latest_release(changelog: Path) -> Release:
    """The first ``## x.y.z`` section of the file (the newest), or version 0.0.0 with no changes when there is
    no file. A file that cannot be read (not UTF-8, not a regular file) raises :class:`UnreadableFileError`."""
    text = read_regular_text(changelog)
    if text is None:
        return Release(NO_VERSION, "")
    version: str | None = None
    body: list[str] = []
    for line in text.splitlines():
        if line.startswith("## "):
            if version is not None:
                break
            match = _VERSION_HEADING.match(line)
            version = match.group(1) if match else NO_VERSION
        elif version is not None:
            body.append(line)
    return Release(version or NO_VERSION, "\n".join(body).strip())


def readable_release(changelog: Path) -> tuple[Release, tuple[str, ...]]:
    """:func:`latest_release`, or no release and a notice saying why when the file cannot be read: the release
    notes are a courtesy, so a broken changelog never stops the data from loading."""
    try:
        return latest_release(changelog), ()
    except UnreadableFileError as error:
        return Release(NO_VERSION, ""), (f"{changelog.name} {error.reason}: its release notes are skipped",)


@dataclass(frozen=True)
class Block:
    """One block of a release's summary as a reader sees it: a heading, a list item or a paragraph."""

    kind: str  # "heading", "item" or "paragraph"
    text: str


def summary_blocks(changes: str) -> list[Block]:
    """A release's summary (the part before its row-by-row list) as blocks, each wrapped line joined to its block
    and code marks dropped: the page shows prose, the download keeps the Markdown as written."""
    blocks: list[Block] = []
    for line in changes.split("\n### Every change", 1)[0].splitlines():
        text = line.strip().replace("`", "")
        if not text:
            blocks.append(Block("break", ""))
        elif text.startswith("#"):
            blocks.append(Block("heading", text.lstrip("#").strip()))
        elif text.startswith("- "):
            blocks.append(Block("item", text[2:]))
        elif blocks and blocks[-1].kind in ("item", "paragraph"):
            blocks[-1] = Block(blocks[-1].kind, f"{blocks[-1].text} {text}")
        else:
            blocks.append(Block("paragraph", text))
    return [block for block in blocks if block.kind != "break"]
