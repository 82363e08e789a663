"""Crafted claims for the comparison rules: a data folder built from the minimal fixture plus the claims given.

Each scenario of the like-for-like rules sits in its own metric, so scenarios never meet in one comparison.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from monitor.schema import TABLES

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"

EXTRA_ACTORS = [
    # actor_id, name, kind, state, colour
    ("KOR", "South Korea", "state", "KOR", "#009E73"),
    ("UKR", "Ukraine", "state", "UKR", "#E69F00"),
    ("USA", "United States", "state", "USA", "#CC79A7"),
    ("nis", "National Intelligence Service", "organisation", "KOR", ""),
    ("zelensky", "Volodymyr Zelensky", "person", "UKR", ""),
    ("kyiv-officials", "Ukrainian government", "organisation", "UKR", ""),
    ("washington", "US government", "organisation", "USA", ""),
    ("unnamed-sources", "Anonymous officials", "organisation", "", "#999999"),
]
EXTRA_SOURCES = [
    # source_id, kind, publisher, published
    ("wire-1", "news", "Wire One", "2025-12-31"),
    ("wire-2", "news", "Wire Two", "2025-12-31"),
    ("wire-3", "news", "Wire Three", "2025-12-31"),
    ("blog-1", "blog", "A Blog", "2025-12-31"),
]
DEFAULTS = {
    "subject": "PRK",
    "qualifier": "exact",
    "scope": "total",
    "counted_from": "",
    "as_of_precision": "day",
    "relayed_by": "",
    "source_ids": "wire-1",
    "part_of": "",
    "date_basis": "crafted for a test",
    "place_id": "",
    "excerpt": "",
    "notes": "",
}
PARTIES = {"zelensky": "true", "kyiv-officials": "true", "kim-jong-un": "true"}

# The scenarios the issue names, one metric each.
SCENARIOS = [
    # Two claimants three days apart, 4,000 and 6,000: a 50 % disagreement.
    {"claim_id": "nis-close", "metric": "troops_deployed", "value": 4000, "as_of": "2025-03-01", "claimant": "nis"},
    {
        "claim_id": "us-close",
        "metric": "troops_deployed",
        "value": 6000,
        "as_of": "2025-03-04",
        "claimant": "washington",
    },
    # An in-place count beside those totals: never compared with them.
    {
        "claim_id": "zelensky-in-kursk",
        "metric": "troops_deployed",
        "value": 11000,
        "as_of": "2025-03-02",
        "claimant": "zelensky",
        "scope": "present",
        "place_id": "kursk",
    },
    # Two lower bounds a few days apart: consistent, no spread.
    {
        "claim_id": "kyiv-over-200",
        "metric": "casualties",
        "value": 200,
        "as_of": "2024-12-18",
        "claimant": "kyiv-officials",
        "qualifier": "over",
    },
    {
        "claim_id": "zelensky-over-3000",
        "metric": "casualties",
        "value": 3000,
        "as_of": "2024-12-23",
        "claimant": "zelensky",
        "qualifier": "over",
    },
    # Two claimants nine months apart: a change over time, not a disagreement.
    {"claim_id": "nis-january", "metric": "workers", "value": 4000, "as_of": "2024-01-10", "claimant": "nis"},
    {"claim_id": "us-october", "metric": "workers", "value": 9000, "as_of": "2024-10-10", "claimant": "washington"},
    # One statement relayed by three outlets, and a second claimant the same week: 4 reports, 2 origins.
    {
        "claim_id": "nis-relayed",
        "metric": "killed",
        "value": 300,
        "as_of": "2025-01-13",
        "claimant": "nis",
        "source_ids": "wire-1;wire-2;wire-3",
    },
    {
        "claim_id": "us-killed",
        "metric": "killed",
        "value": 1000,
        "as_of": "2025-01-15",
        "claimant": "washington",
        "qualifier": "about",
    },
    # A figure reported the day after a known-on date, and a total with a part of it from the same statement.
    {"claim_id": "nis-wounded", "metric": "wounded", "value": 2700, "as_of": "2025-01-13", "claimant": "nis"},
    {
        "claim_id": "us-wounded-later",
        "metric": "wounded",
        "value": 2000,
        "as_of": "2025-01-14",
        "claimant": "washington",
    },
    {
        "claim_id": "shoigu-total",
        "metric": "troops_reconstruction",
        "value": 6000,
        "as_of": "2025-06-17",
        "claimant": "kim-jong-un",
        "scope": "planned",
    },
    {
        "claim_id": "shoigu-builders",
        "metric": "troops_reconstruction",
        "value": 5000,
        "as_of": "2025-06-17",
        "claimant": "kim-jong-un",
        "scope": "planned",
        "part_of": "shoigu-total",
    },
    {
        "claim_id": "nis-planned",
        "metric": "troops_reconstruction",
        "value": 6000,
        "as_of": "2025-06-20",
        "claimant": "nis",
        "scope": "planned",
    },
    # A figure read only in a blog.
    {
        "claim_id": "blog-estimate",
        "metric": "captured",
        "value": 2,
        "as_of": "2025-01-11",
        "claimant": "unnamed-sources",
        "source_ids": "blog-1",
    },
]


def claim_row(spec: dict) -> dict[str, str]:
    """A claims.csv row from a short spec: value, claimant and as_of, the rest defaulted."""
    row = {**DEFAULTS, **{key: str(value) for key, value in spec.items() if key not in ("value", "claimant")}}
    value = str(spec["value"])
    claimant = spec["claimant"]
    row.update(
        value_low=value,
        value_high=value,
        claimant=claimant,
        claimant_actor=claimant,
        reported_on=row.get("reported_on", spec["as_of"]),
        interested_party=PARTIES.get(claimant, "false"),
    )
    return row


def crafted_folder(target: Path, claims: list[dict] | None = None) -> Path:
    """A valid data folder: the minimal fixture's tables, more actors and sources, and the crafted claims."""
    shutil.copytree(MINIMAL, target, ignore=shutil.ignore_patterns(".cache"))
    with (target / "actors.csv").open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for actor_id, name, kind, state, colour in EXTRA_ACTORS:
            writer.writerow([actor_id, name, "", kind, state, colour, ""])
    with (target / "sources.csv").open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for source_id, kind, publisher, published in EXTRA_SOURCES:
            writer.writerow([source_id, kind, f"Title of {source_id}", publisher, "", published, "", "", ""])
    with (target / "claims.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=TABLES["claims"].columns)
        writer.writeheader()
        for spec in SCENARIOS if claims is None else claims:
            writer.writerow(claim_row(spec))
    return target
