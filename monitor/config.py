"""Where the data lives."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR_VARIABLE = "MONITOR_DATA_DIR"


def data_dir() -> Path:
    """The data folder: ``$MONITOR_DATA_DIR`` when set, else the project's ``data/``."""
    override = os.environ.get(DATA_DIR_VARIABLE, "").strip()
    return Path(override).expanduser().resolve() if override else PROJECT_ROOT / "data"
