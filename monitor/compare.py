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
    return relation_of(float(np.max(lows)), float(np.min(highs)), bool(np.all(lows == highs)))


def relation_of(highest_low: float, lowest_high: float, points: bool) -> Relation:
    """``relation`` from what it reads of the intervals: the highest lower end, the lowest upper end, and whether
    every interval is a point."""
    consistent, gap, gap_pct, text = relations(np.array([highest_low]), np.array([lowest_high]), np.array([points]))
    pct = None if np.isnan(gap_pct[0]) else float(gap_pct[0])
    return Relation(bool(consistent[0]), float(gap[0]), pct, text[0])


def relations(
    highest_low: np.ndarray, lowest_high: np.ndarray, points: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """``relation_of`` for many sets of figures at once (tens of thousands of comparisons): whether each is
    consistent, its gap, the gap as a percentage of the lower figure (NaN when none), and its words."""
    consistent = highest_low <= lowest_high
    gap = np.where(consistent, 0.0, highest_low - lowest_high)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap_pct = np.where(~consistent & (lowest_high > 0), gap / lowest_high * 100, np.nan)
    texts = []
    for high_low, low_high, point, agrees, apart, pct in zip(
        highest_low.tolist(),
        lowest_high.tolist(),
        points.tolist(),
        consistent.tolist(),
        gap.tolist(),
        gap_pct.tolist(),
        strict=True,
    ):
        if not agrees:
            share = f" ({pct:.0f} % of the lower)" if pct == pct else ""  # NaN: no lower figure to share
            texts.append(f"differ by {apart:,.0f}{share}")
        elif point:
            texts.append("agree")
        elif low_high == OPEN_ABOVE:
            texts.append(f"consistent: lower bounds only, all true if at least {high_low:,.0f}")
        elif high_low == low_high:
            texts.append(f"consistent: all true at {high_low:,.0f}")
        else:
            texts.append(f"consistent: all true between {high_low:,.0f} and {low_high:,.0f}")
    return consistent, gap, gap_pct, texts


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
    ordered = usable.sort_values(["as_of", "reported_on"], kind="stable")  # later rows are newer
    group_columns = ["metric_group", "scope_group", "place_group", "counted_from_group"]
    groups = ordered.groupby(group_columns, sort=True, observed=True).ngroup().to_numpy(dtype=np.int64)
    days = ordered["as_of"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    owners = pd.factorize(ordered["claimant_key"].astype(object))[0]
    moments, members = _snapshots(groups, owners, days, window_days)
    if not len(moments):
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    keys = ordered[group_columns].to_numpy(dtype=object)[np.unique(groups, return_index=True)[1]]
    return _comparison_table(ordered, keys, moments, members)


@dataclass(frozen=True)
class _Moments:
    """The comparisons found: for each, its group (a row of the group keys) and its date (whole days)."""

    group: np.ndarray
    day: np.ndarray

    def __len__(self) -> int:
        return len(self.day)


def _snapshots(
    groups: np.ndarray, owners: np.ndarray, days: np.ndarray, window_days: int
) -> tuple[_Moments, tuple[np.ndarray, np.ndarray]]:
    """The comparisons of ``comparisons``, found with array operations (a loop per date took most of a second at
    a million events), and their members as (comparison number, row position) pairs.

    Rows are claims in date order. A claim stands from its own date until the day before its claimant's next
    figure in the group, and at most ``window_days`` after its date: so at each date of its group it is either
    in the comparison or not, over one unbroken run of dates. A comparison is kept at a date when two or more
    figures stand and one of them no longer stands at the group's next date (or there is no next date); each
    claimant stands with at most one figure, so a comparison's members are distinct claimants."""
    positions = np.arange(len(days))
    # Each claim's claimant's next figure in the group: sorted by group, claimant, then date order.
    by_owner = np.lexsort((positions, owners, groups))
    next_day = np.full(len(days), np.iinfo(np.int64).max)
    same = (groups[by_owner][1:] == groups[by_owner][:-1]) & (owners[by_owner][1:] == owners[by_owner][:-1])
    next_day[by_owner[:-1][same]] = days[by_owner[1:][same]]
    first_day, last_day = int(days.min()), int(days.max())
    span = last_day - first_day + 1
    # One number per (group, date), in group order then date order; a group's dates never reach the next's.
    moment_keys = np.unique(groups * span + (days - first_day))
    stands_until = np.minimum(np.minimum(next_day - 1, days + window_days), last_day)
    standing = stands_until >= days  # a claim revised on its own date never stands
    start = np.searchsorted(moment_keys, groups * span + (days - first_day))
    end = np.searchsorted(moment_keys, groups * span + (stands_until - first_day), side="right") - 1
    start, end, claim = start[standing], end[standing], positions[standing]
    count = np.cumsum(
        np.bincount(start, minlength=len(moment_keys) + 1) - np.bincount(end + 1, minlength=len(moment_keys) + 1)
    )
    moment_group = moment_keys // span
    last_of_group = np.append(moment_group[1:] != moment_group[:-1], True)
    leaves = np.bincount(end, minlength=len(moment_keys)) > 0
    kept = np.flatnonzero((count[: len(moment_keys)] >= 2) & (leaves | last_of_group))
    # Each standing claim belongs to the kept comparisons between its first and last date.
    low, high = np.searchsorted(kept, start), np.searchsorted(kept, end, side="right")
    sizes = high - low
    run_starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    comparison = np.repeat(low, sizes) + (np.arange(int(sizes.sum())) - run_starts)
    moments = _Moments(group=moment_group[kept], day=moment_keys[kept] % span + first_day)
    return moments, (comparison, np.repeat(claim, sizes))


def _comparison_table(
    ordered: pd.DataFrame, keys: np.ndarray, moments: _Moments, members: tuple[np.ndarray, np.ndarray]
) -> pd.DataFrame:
    """One row per comparison, from arrays worked out once (tens of thousands of comparisons at a million events)."""
    comparison, at = members
    lows, highs = claim_bounds(ordered)
    value_high = ordered["value_high"].to_numpy(dtype=float)
    as_of = ordered["as_of"].to_numpy(dtype="datetime64[ns]")
    # Each comparison's figures lowest first, then oldest, then in date order: every figure ranked once, then
    # the pairs sorted on one number (a four-key lexsort of 350,000 pairs took 45 ms).
    rank = np.empty(len(ordered), dtype=np.int64)
    rank[np.lexsort((np.arange(len(ordered)), as_of, value_high))] = np.arange(len(ordered))
    order = np.argsort(comparison * len(ordered) + rank[at])
    comparison, at = comparison[order], at[order]
    bounds_at = np.flatnonzero(np.r_[True, comparison[1:] != comparison[:-1]])
    sizes = np.diff(np.r_[bounds_at, len(at)])
    highest_low = np.maximum.reduceat(lows[at], bounds_at)
    lowest_high = np.minimum.reduceat(highs[at], bounds_at)
    points = np.logical_and.reduceat(lows[at] == highs[at], bounds_at)
    consistent, gap, gap_pct, texts = relations(highest_low, lowest_high, points)
    # "Who says what" of each figure in a comparison, written once per figure (not for every claim).
    used, inverse = np.unique(at, return_inverse=True)
    members = ordered.iloc[used]
    says = (
        (
            members["claimant_name"].astype(object)
            + ": "
            + members["figure"].astype(object)
            + " ("
            + formatted_dates(members["as_of"], "%-d %b %Y")
            + ")"
        )
        .to_numpy(dtype=object)[inverse]
        .tolist()
    )
    ids = ordered["claim_id"].to_numpy(dtype=object)[at].tolist()
    # Slices of Python lists: np.split made a view per comparison and took a third of the time.
    runs = list(zip(bounds_at.tolist(), (bounds_at + sizes).tolist(), strict=True))
    group_keys = keys[moments.group]
    table = pd.DataFrame(
        {
            "metric": group_keys[:, 0],
            "scope": group_keys[:, 1],
            "place": np.where(group_keys[:, 2] == "", None, group_keys[:, 2]),  # a total has no place
            "counted_from": np.where(group_keys[:, 3] == "", None, group_keys[:, 3]),
            "date": moments.day.astype("datetime64[D]").astype("datetime64[ns]"),
            "first_as_of": np.minimum.reduceat(as_of[at], bounds_at),
            # One figure per claimant (the newest standing), so each is its own claimant and its own origin.
            "claimants": sizes,
            "reports": np.add.reduceat(report_counts(ordered).to_numpy(dtype=np.int64)[at], bounds_at),
            "origins": sizes,
            "consistent": consistent,
            "gap": gap,
            "gap_pct": gap_pct,
            # Kept as Python strings: pandas' Arrow strings cost 140 ms to build for 20,000 comparisons (some
            # 17 MB of "who says what" at a million events), and a table shows one page of them.
            "relation": pd.Series(texts, dtype=object),
            "who_says": pd.Series(["; ".join(says[start:end]) for start, end in runs], dtype=object),
            "claim_ids": [tuple(ids[start:end]) for start, end in runs],
        },
        columns=COMPARISON_COLUMNS,
    )
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
