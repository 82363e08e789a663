"""Names the benchmark modules share; standard library only, so the runner stays a small process."""

from __future__ import annotations

from pathlib import Path

from components.page_registry import DATA_PAGES

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RESULTS = PROJECT_ROOT / "benchmarks" / "results"
APP = PROJECT_ROOT / "app.py"
NAIVE_APP = PROJECT_ROOT / "benchmarks" / "naive_app.py"
DEFAULT_PAGE = "pages/overview.py"
# What generate.py writes; a generated folder of another format is made afresh (2: each synthetic place lies in
# the country it names, which validation now checks; 3: text drawn from the curated tables by default).
GENERATED_FORMAT = 3
# Every page that shows data, from the app's own registry (standard library only).
PAGES = DATA_PAGES


def parse_size(text: str) -> int:
    """'1k' -> 1000, '1M' -> 1000000, '2500' -> 2500."""
    text = text.strip()
    factor = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor != 1 else text) * factor)
