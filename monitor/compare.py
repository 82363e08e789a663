"""The comparison rules: when two reported figures describe the same thing at the same moment, and how
far they then agree. Pure functions over claims from ``monitor.claims.claims_with_claimants``.

In the order a reader needs them (the sources-and-method page says the same in plain words):

1. **Same definition.** Figures are compared only within one metric and one scope (a total with a total, an
   in-place count with an in-place count in the same recorded place, counted from the same quarter). Subsets and
   sub-periods (scope ``partial``) are never compared, and a part is never set beside its own total.
2. **Same moment.** Figures disagree only when both describe the same moment: their as-of dates lie within a
   window (31 days unless the reader sets another) and each is its claimant's newest figure at that moment.
   Figures further apart are a change over time, drawn as revision lines, never a spread.
3. **Bounds are bounds.** "over 200" is the interval [200, ∞), "as many as 8,000" is [0, 8,000], "about 600"
   the point 600. Figures agree when their intervals share a value; otherwise they differ by the gap between
   them, as a share of the lower figure. Two lower bounds always share a value: no percentage is made of them.
4. **Independent origins.** One claimant speaking on one day is one origin, however many outlets relayed it.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from monitor.claims import latest_by_claimant, origins, report_counts
from monitor.labels import SCOPE_NOUNS, format_figure, formatted_dates, metric_label

DEFAULT_WINDOW_DAYS = 31
# Scopes whose figures can be set side by side; a subset or sub-period counts its own thing each time.
COMPARED_SCOPES = ("total", "present", "planned", "additional", "rate")
# The headline keeps figures no older than this before the newest one of their scope.
HEADLINE_CUTOFF_DAYS = 183
HEADLINE_SCOPES = {"total": "Sent in total", "present": "In a place at the time"}
# In-place counts of at most this many places (those with the newest figures) stand in a headline: a dataset
# with counts in a thousand places would otherwise put a thousand numbers side by side (and take seconds).
HEADLINE_MAX_PLACES = 3
OPEN_ABOVE = math.inf


def bounds(qualifier: str, value_low: float, value_high: float) -> tuple[float, float]:
    """The interval a worded figure asserts: a point, a range, a lower bound [x, ∞) or an upper bound [0, x]."""
    if qualifier in ("over", "at_least"):
        return float(value_low), OPEN_ABOVE
    if qualifier == "up_to":
        return 0.0, float(value_high)
    return float(value_low), float(value_high)


def claim_bounds(claims: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``bounds`` of every claim at once: (lower ends, upper ends)."""
    qualifier = claims["qualifier"].astype(object).to_numpy()
    low = claims["value_low"].to_numpy(dtype=float, na_value=np.nan)
    high = claims["value_high"].to_numpy(dtype=float, na_value=np.nan)
    lower_bound = np.isin(qualifier, ["over", "at_least"])
    upper_bound = qualifier == "up_to"
    return np.where(upper_bound, 0.0, low), np.where(lower_bound, OPEN_ABOVE, high)


@dataclass(frozen=True)
class Relation:
    """How a set of figures for one moment relate: whether their intervals share a value, and the gap if not."""

    consistent: bool
    gap: float  # 0 when consistent
    gap_pct: float | None  # the gap as a percentage of the lower figure; None when consistent
    text: str


def relation(lows: np.ndarray, highs: np.ndarray) -> Relation:
    """Compare intervals: they agree if one value lies in all of them, else they differ by the widest gap."""
    highest_low, lowest_high = float(np.max(lows)), float(np.min(highs))
    if highest_low <= lowest_high:
        points = bool(np.all(lows == highs))
        if points:
            text = "agree"
        elif lowest_high == OPEN_ABOVE:
            text = f"consistent: lower bounds only, all true if at least {highest_low:,.0f}"
        elif highest_low == lowest_high:
            text = f"consistent: all true at {highest_low:,.0f}"
        else:
            text = f"consistent: all true between {highest_low:,.0f} and {lowest_high:,.0f}"
        return Relation(True, 0.0, None, text)
    gap = highest_low - lowest_high
    pct = gap / lowest_high * 100 if lowest_high > 0 else None
    share = f" ({pct:.0f} % of the lower)" if pct is not None else ""
    return Relation(False, gap, pct, f"differ by {gap:,.0f}{share}")


def _counted_from_text(date: object) -> str:
    return "not stated" if date is None or pd.isna(date) else f"{pd.Timestamp(date):%b %Y}"


def counted_from_bucket(dates: pd.Series) -> pd.Series:
    """The quarter a total counts from ('2023Q3'), or '' when the statement gives no start: totals are compared
    only within one bucket ("since August" and "since September 2023" are one)."""
    return dates.dt.to_period("Q").astype(str).where(dates.notna(), "")


def comparison_groups(claims: pd.DataFrame) -> pd.DataFrame:
    """The key of the group each claim can be compared within: metric, scope, place (for in-place counts) and
    the quarter a total counts from."""
    place = claims["place_id"].astype(object).where(claims["scope"] == "present", "")
    return pd.DataFrame(
        {
            "metric": claims["metric"].astype(object),
            "scope": claims["scope"].astype(object),
            "place": place.fillna("").astype(object),
            "counted_from": counted_from_bucket(claims["counted_from"]),
        },
        index=claims.index,
    )


def unplaced_counts(claims: pd.DataFrame) -> pd.Series:
    """In-place counts whose place is not recorded: "in eastern Russia", "toward Kursk" and "near the border" may
    all be such, so they are never compared with each other or set in a headline range."""
    return (claims["scope"] == "present") & claims["place_id"].isna()


def not_comparable_reason(a: pd.Series, b: pd.Series, window_days: int = DEFAULT_WINDOW_DAYS) -> str | None:
    """Why two claims (rows of ``claims_with_claimants``) cannot be set side by side, or None when they can."""
    if a["claim_id"] == b["claim_id"]:
        return "the same figure"
    if a["metric"] != b["metric"]:
        return f"not comparable: {metric_label(a['metric']).lower()} vs {metric_label(b['metric']).lower()}"
    if a["scope"] != b["scope"]:
        return f"not comparable: {SCOPE_NOUNS[a['scope']]} vs {SCOPE_NOUNS[b['scope']]}"
    if a["scope"] not in COMPARED_SCOPES:
        return "not comparable: each subset or sub-period counts its own thing"
    if a.get("part_of") == b["claim_id"] or b.get("part_of") == a["claim_id"]:
        return "not comparable: one is a part of the other"
    if a["scope"] == "present" and (pd.isna(a["place_id"]) or pd.isna(b["place_id"])):
        return "not comparable: the place of an in-place count is not recorded"
    if a["scope"] == "present" and a["place_id"] != b["place_id"]:
        return f"not comparable: in {a['place_id']} vs in {b['place_id']}"
    groups = comparison_groups(pd.DataFrame([a, b]))
    if groups["counted_from"].iloc[0] != groups["counted_from"].iloc[1]:
        return (
            f"not comparable: counted from {_counted_from_text(a['counted_from'])} "
            f"vs {_counted_from_text(b['counted_from'])}"
        )
    if a["claimant_key"] == b["claimant_key"]:
        return "the same claimant: a revision over time, not a disagreement"
    apart = abs((pd.Timestamp(a["as_of"]) - pd.Timestamp(b["as_of"])).days)
    if apart > window_days:
        return f"not the same moment: {apart:,} days apart (window {window_days} days), a change over time"
    return None


@dataclass(frozen=True)
class PairVerdict:
    """Two figures set side by side: comparable or not (and why), and how they relate when they are."""

    comparable: bool
    reason: str
    relation: Relation | None


def compare_pair(a: pd.Series, b: pd.Series, window_days: int = DEFAULT_WINDOW_DAYS) -> PairVerdict:
    """The verdict for two claims: the reason they are not comparable, or how their figures relate."""
    reason = not_comparable_reason(a, b, window_days)
    if reason is not None:
        return PairVerdict(False, reason, None)
    lows, highs = claim_bounds(pd.DataFrame([a, b]))
    found = relation(lows, highs)
    return PairVerdict(True, found.text, found)


COMPARISON_COLUMNS = [
    "metric",
    "scope",
    "place",
    "counted_from",
    "date",
    "first_as_of",
    "claimants",
    "reports",
    "origins",
    "consistent",
    "gap",
    "gap_pct",
    "relation",
    "who_says",
    "claim_ids",
]


# The columns of claims_with_claimants that comparisons() and _comparison_table() read.
_COMPARED_COLUMNS = [
    "claim_id",
    "as_of",
    "reported_on",
    "claimant_key",
    "claimant_name",
    "figure",
    "qualifier",
    "value_low",
    "value_high",
    "source_ids",
]
_GROUP_COLUMNS = ["metric", "scope", "place_id", "counted_from"]  # what comparison_groups() reads


def comparisons(claims: pd.DataFrame, window_days: int = DEFAULT_WINDOW_DAYS) -> pd.DataFrame:
    """Every moment at which two or more claimants gave comparable figures: one row per comparison at a date.

    For each comparison group (``comparison_groups``) and each as-of date D in it, each claimant's newest
    figure on or before D is taken if it is no older than ``window_days`` before D; two or more such claimants
    make a comparison at D. A comparison whose every figure still stands at the next date is that next
    comparison's, so each row is a distinct set of figures, dated by its newest one.
    ``claims`` come from ``claims_with_claimants`` (parts beside their totals are left out here).
    """
    chosen = (
        claims["scope"].isin(COMPARED_SCOPES).to_numpy()
        & ~claims["beside_total"].to_numpy(bool)
        & ~unplaced_counts(claims).to_numpy()
    )
    # Only what the comparisons read is copied: tens of thousands of claims are joined and sorted below.
    usable = claims[[*_COMPARED_COLUMNS, *_GROUP_COLUMNS]].loc[chosen]
    if usable.empty:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    usable = usable[_COMPARED_COLUMNS].join(comparison_groups(usable).add_suffix("_group"))
    group_columns = ["metric_group", "scope_group", "place_group", "counted_from_group"]
    # Row positions in date order; every snapshot below is a list of these positions. Dates as whole days
    # (Python ints): the loop compares them hundreds of thousands of times at a million events.
    ordered = usable.sort_values(["as_of", "reported_on"], kind="stable")
    snapshots: list[tuple[tuple, np.datetime64, list[int]]] = []
    all_days = ordered["as_of"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    all_owners = ordered["claimant_key"].to_numpy(dtype=object)
    for key, positions in ordered.groupby(group_columns, sort=True, observed=True).indices.items():
        owners = all_owners[positions].tolist()
        if len(set(owners)) < 2:
            continue
        days = all_days[positions].tolist()
        newest: dict[object, tuple[int, int]] = {}
        previous: frozenset = frozenset()
        previous_day: int | None = None
        cursor = 0
        for moment in sorted(set(days)):
            while cursor < len(days) and days[cursor] <= moment:
                newest[owners[cursor]] = (days[cursor], int(positions[cursor]))  # later rows are newer
                cursor += 1
            oldest = moment - window_days
            current = frozenset(position for day, position in newest.values() if day >= oldest)
            if previous_day is not None and len(previous) >= 2 and not previous <= current:
                snapshots.append((key, np.datetime64(previous_day, "D"), sorted(previous)))
            previous, previous_day = current, moment
        if len(previous) >= 2:
            snapshots.append((key, np.datetime64(previous_day, "D"), sorted(previous)))
    if not snapshots:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    return _comparison_table(ordered, snapshots)


def _comparison_table(ordered: pd.DataFrame, snapshots: list[tuple[tuple, np.datetime64, list[int]]]) -> pd.DataFrame:
    """One row per snapshot, from arrays worked out once: thousands of comparisons take a fraction of a second."""
    lows, highs = claim_bounds(ordered)
    value_high = ordered["value_high"].to_numpy(dtype=float)
    as_of = ordered["as_of"].to_numpy(dtype="datetime64[ns]")
    keys = ordered["claimant_key"].to_numpy(dtype=object)
    reported = ordered["reported_on"].to_numpy(dtype="datetime64[ns]")
    reports = report_counts(ordered).to_numpy(dtype=np.int64)
    ids = ordered["claim_id"].to_numpy(dtype=object)
    says = (
        ordered["claimant_name"].astype(object)
        + ": "
        + ordered["figure"].astype(object)
        + " ("
        + formatted_dates(ordered["as_of"], "%-d %b %Y")
        + ")"
    ).to_numpy(dtype=object)
    rows = []
    for (metric, scope, place, counted_from), moment, members in snapshots:
        at = np.asarray(members)
        at = at[np.lexsort((as_of[at], value_high[at]))]  # lowest figure first, then oldest
        found = relation(lows[at], highs[at])
        rows.append(
            {
                "metric": metric,
                "scope": scope,
                "place": place or None,
                "counted_from": counted_from or None,
                "date": pd.Timestamp(moment),
                "first_as_of": pd.Timestamp(as_of[at].min()),
                "claimants": len(set(keys[at])),
                "reports": int(reports[at].sum()),
                "origins": len(set(zip(keys[at], reported[at], strict=True))),
                "consistent": found.consistent,
                "gap": found.gap,
                "gap_pct": found.gap_pct,
                "relation": found.text,
                "who_says": "; ".join(says[at]),
                "claim_ids": tuple(ids[at]),
            }
        )
    table = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    return table.sort_values(["date", "metric", "scope"], ascending=[False, True, True], ignore_index=True)


@dataclass(frozen=True)
class HeadlineGroup:
    """One scope's part of a headline: each claimant's newest figure since the cut-off, and how they relate."""

    scope: str
    label: str
    place: str | None  # the place of an in-place group (its counts are compared only within one place)
    newest: pd.Timestamp
    cutoff: pd.Timestamp
    entries: pd.DataFrame  # one row per claimant (rows of claims_with_claimants), highest figure first
    relation: Relation

    # Cached: a headline is shared by every session showing the same view (components/claims.py).
    @functools.cached_property
    def text(self) -> str:
        """The figures' span as a headline number: '11,000–15,000', or the one figure with its wording."""
        if len(self.entries) == 1:
            row = self.entries.iloc[0]
            return format_figure(row["value_low"], row["value_high"], row["qualifier"])
        low, high = float(self.entries["value_low"].min()), float(self.entries["value_high"].max())
        return format_figure(low, high, "exact" if low == high else "range")

    @functools.cached_property
    def reports_and_origins(self) -> tuple[int, int]:
        return origins(self.entries)


def _headline_claims(claims: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The claims a headline of ``metric`` draws on: no parts beside their totals, no unplaced in-place counts."""
    return claims.loc[
        (claims["metric"] == metric).to_numpy()
        & ~claims["beside_total"].to_numpy(bool)
        & ~unplaced_counts(claims).to_numpy()
    ]


def headline_places(claims: pd.DataFrame, metric: str = "troops_deployed") -> list[str]:
    """The places with in-place counts of ``metric`` that a headline could show, newest figure first (ties by id)."""
    chosen = _headline_claims(claims, metric)
    present = chosen.loc[(chosen["scope"] == "present").to_numpy()]
    if present.empty:
        return []
    newest = present.groupby(present["place_id"].astype(object))["as_of"].max()
    return list(newest.sort_index().sort_values(ascending=False, kind="stable").index)


def headline(
    claims: pd.DataFrame,
    metric: str = "troops_deployed",
    cutoff_days: int = HEADLINE_CUTOFF_DAYS,
    max_places: int = HEADLINE_MAX_PLACES,
    places: list[str] | None = None,
) -> list[HeadlineGroup]:
    """What the newest figures of a metric say, one group per headline scope ('sent in total') and, for counts in
    a place, per recorded place ('in Kursk at the time'): each claimant's newest figure of the group, if it is no
    older than ``cutoff_days`` before the group's newest. Parts beside their totals and in-place counts with no
    recorded place are left out; the claims given are those the reader chose (parties, known on a date). At most
    ``max_places`` places, those with the newest figures (``places``: ``headline_places``, when a caller has them
    already), in the order of their ids."""
    chosen = _headline_claims(claims, metric)
    ranked = headline_places(claims, metric) if places is None else places
    groups = []
    for scope, label in HEADLINE_SCOPES.items():
        scoped = chosen.loc[(chosen["scope"] == scope).to_numpy()]
        for place in sorted(ranked[:max_places]) if scope == "present" else [None]:
            rows = scoped if place is None else scoped.loc[(scoped["place_id"] == place).to_numpy()]
            if rows.empty:
                continue
            newest = rows["as_of"].max()
            cutoff = newest - pd.Timedelta(days=cutoff_days)
            latest = latest_by_claimant(rows)
            latest = latest.loc[(latest["as_of"] >= cutoff).to_numpy()].sort_values("value_high", ascending=False)
            lows, highs = claim_bounds(latest)
            groups.append(HeadlineGroup(scope, label, place, newest, cutoff, latest, relation(lows, highs)))
    return groups
