"""The dataset's ``CHANGELOG.md``: its newest ``## x.y.z - date`` section names the version and what changed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_VERSION_HEADING = re.compile(r"^##\s+\[?(\d+\.\d+\.\d+)\]?")
NO_VERSION = "0.0.0"


@dataclass(frozen=True)
class Release:
    """The newest section of a changelog: its version and its body as written."""

    version: str
    changes: str


def latest_release(changelog: Path) -> Release:
    """The first ``## x.y.z`` section of the file (the newest), or version 0.0.0 with no changes."""
    if not changelog.is_file():
        return Release(NO_VERSION, "")
    version: str | None = None
    body: list[str] = []
    for line in changelog.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            if version is not None:
                break
            match = _VERSION_HEADING.match(line)
            version = match.group(1) if match else NO_VERSION
        elif version is not None:
            body.append(line)
    return Release(version or NO_VERSION, "\n".join(body).strip())
