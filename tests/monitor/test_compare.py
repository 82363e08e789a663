"""The like-for-like rules, on crafted claims (tests/crafted.py): same moment, same definition, bounds as bounds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from crafted import crafted_folder
from hypothesis import given, note, settings
from hypothesis import strategies as st

from monitor import load_dataset
from monitor.claims import claims_with_claimants, known_on
from monitor.compare import (
    HEADLINE_MAX_PLACES,
    OPEN_ABOVE,
    bounds,
    claim_bounds,
    compare_pair,
    comparisons,
    counted_from_bucket,
    headline,
    headline_places,
    not_comparable_reason,
    relation,
)


@pytest.fixture(scope="module")
def claims(tmp_path_factory):
    dataset = load_dataset(crafted_folder(tmp_path_factory.mktemp("crafted") / "data"), use_cache=False)
    return claims_with_claimants(dataset, dataset.claims).set_index("claim_id", drop=False)


@pytest.fixture(scope="module")
def table(claims):
    return comparisons(claims)


def of_metric(table, metric):
    return table.loc[table["metric"] == metric]


def test_two_claimants_nine_months_apart_are_not_a_disagreement(claims, table):
    assert of_metric(table, "workers").empty
    reason = not_comparable_reason(claims.loc["nis-january"], claims.loc["us-october"])
    assert reason.startswith("not the same moment: 274 days apart")
    # A reader who widens the window to a year sees them compared.
    assert len(of_metric(comparisons(claims, window_days=365), "workers")) == 1


def test_two_claimants_three_days_apart_with_4000_and_6000_are_a_50_percent_disagreement(claims, table):
    (row,) = of_metric(table, "troops_deployed").itertuples()
    assert (row.claimants, row.consistent, row.gap, row.gap_pct) == (2, False, 2000, 50)
    assert row.relation == "differ by 2,000 (50 % of the lower)"
    assert row.date == pd.Timestamp("2025-03-04") and row.first_as_of == pd.Timestamp("2025-03-01")
    assert set(row.claim_ids) == {"nis-close", "us-close"}
    verdict = compare_pair(claims.loc["nis-close"], claims.loc["us-close"])
    assert verdict.comparable and verdict.relation.gap_pct == 50


def test_two_lower_bounds_are_not_a_spread(claims, table):
    (row,) = of_metric(table, "casualties").itertuples()
    assert row.consistent and row.gap == 0 and pd.isna(row.gap_pct)
    assert row.relation == "consistent: lower bounds only, all true if at least 3,000"


def test_a_total_against_an_in_place_count_is_not_comparable(claims, table):
    reason = not_comparable_reason(claims.loc["nis-close"], claims.loc["zelensky-in-kursk"])
    assert reason == "not comparable: total vs in place"
    assert "zelensky-in-kursk" not in of_metric(table, "troops_deployed")["claim_ids"].iloc[0]


def test_a_relayed_statement_counts_as_one_origin(table):
    (row,) = of_metric(table, "killed").itertuples()
    assert (row.reports, row.origins) == (4, 2)  # NIS read in three outlets, the US in one


def test_the_known_on_filter_drops_a_figure_reported_the_day_after(claims):
    known = known_on(claims, pd.Timestamp("2025-01-13"))
    assert "nis-wounded" in known.index and "us-wounded-later" not in known.index
    assert of_metric(comparisons(known), "wounded").empty
    assert len(of_metric(comparisons(claims), "wounded")) == 1


def test_a_part_is_never_compared_or_set_beside_its_total(claims, table):
    assert claims.at["shoigu-builders", "beside_total"] and not claims.at["shoigu-total", "beside_total"]
    (row,) = of_metric(table, "troops_reconstruction").itertuples()
    assert "shoigu-builders" not in row.claim_ids
    reason = not_comparable_reason(claims.loc["shoigu-builders"], claims.loc["shoigu-total"])
    assert reason == "not comparable: one is a part of the other"


def test_a_claimants_own_figures_are_revisions_not_disagreements(claims):
    reason = not_comparable_reason(claims.loc["nis-relayed"], claims.loc["nis-wounded"])
    assert reason.startswith("not comparable: killed vs wounded")
    same = claims.loc["nis-close"].copy()
    same["claim_id"], same["value_low"], same["value_high"] = "nis-later", 5000.0, 5000.0
    assert (
        not_comparable_reason(claims.loc["nis-close"], same)
        == "the same claimant: a revision over time, not a disagreement"
    )


def test_subsets_and_sub_periods_are_never_compared(claims):
    a = claims.loc["nis-close"].copy()
    b = claims.loc["us-close"].copy()
    a["scope"] = b["scope"] = "partial"
    assert not_comparable_reason(a, b) == "not comparable: each subset or sub-period counts its own thing"


def test_totals_counted_from_different_quarters_are_not_comparable(claims):
    a = claims.loc["nis-close"].copy()
    b = claims.loc["us-close"].copy()
    a["counted_from"], b["counted_from"] = pd.Timestamp("2023-08-01"), pd.Timestamp("2024-01-01")
    assert not_comparable_reason(a, b) == "not comparable: counted from Aug 2023 vs Jan 2024"
    b["counted_from"] = pd.Timestamp("2023-09-01")  # "since August" and "since September 2023": one quarter
    assert not_comparable_reason(a, b) is None


@pytest.mark.parametrize(
    ("qualifier", "expected"),
    [
        ("exact", (5.0, 5.0)),
        ("about", (5.0, 5.0)),
        ("over", (5.0, OPEN_ABOVE)),
        ("at_least", (5.0, OPEN_ABOVE)),
        ("up_to", (0.0, 5.0)),
    ],
)
def test_bounds_follow_the_wording(qualifier, expected):
    assert bounds(qualifier, 5, 5) == expected


def test_a_point_inside_a_bound_is_consistent_and_outside_it_differs():
    inside = relation(np.array([9000.0, 0.0]), np.array([9000.0, 10000.0]))  # 9,000 and "as many as 10,000"
    assert inside.consistent and inside.text == "consistent: all true at 9,000"
    outside = relation(np.array([12000.0, 0.0]), np.array([12000.0, 10000.0]))  # 12,000 and "as many as 10,000"
    assert not outside.consistent and outside.gap == 2000 and outside.gap_pct == 20
    overlap = relation(np.array([11000.0, 10000.0]), np.array([12000.0, OPEN_ABOVE]))  # 11,000–12,000, over 10,000
    assert overlap.text == "consistent: all true between 11,000 and 12,000"


def test_the_headline_keeps_totals_and_in_place_counts_apart(claims):
    groups = {group.scope: group for group in headline(claims, "troops_deployed")}
    assert set(groups) == {"total", "present"}
    assert groups["total"].text == "4,000–6,000" and list(groups["total"].entries["claim_id"]) == [
        "us-close",
        "nis-close",
    ]
    assert groups["present"].text == "11,000"
    assert headline(claims.iloc[0:0], "troops_deployed") == []


def test_the_headline_leaves_out_figures_older_than_the_cutoff_and_parts(claims):
    old = claims.loc["nis-close"].copy()
    old["claim_id"], old["claimant_key"], old["as_of"] = "old", "somebody", pd.Timestamp("2024-01-01")
    with_old = pd.concat([claims, old.to_frame().T]).astype({"beside_total": bool, "as_of": "datetime64[ns]"})
    (total,) = [group for group in headline(with_old, "troops_deployed") if group.scope == "total"]
    assert "old" not in set(total.entries["claim_id"]) and total.cutoff == pd.Timestamp("2024-09-02")
    (planned,) = headline(claims.assign(scope=claims["scope"].replace("planned", "total")), "troops_reconstruction")
    assert "shoigu-builders" not in set(planned.entries["claim_id"])


def test_in_place_counts_whose_place_is_not_recorded_are_never_compared(claims):
    nowhere = claims.loc["zelensky-in-kursk"].copy()
    nowhere["claim_id"], nowhere["claimant_key"], nowhere["place_id"] = "nowhere", "someone", None
    other = nowhere.copy()
    other["claim_id"], other["claimant_key"], other["value_low"], other["value_high"] = "other", "else", 2000.0, 2000.0
    assert not_comparable_reason(nowhere, other) == "not comparable: the place of an in-place count is not recorded"
    both = pd.concat([claims, nowhere.to_frame().T, other.to_frame().T]).astype(
        {
            "beside_total": bool,
            "as_of": "datetime64[ns]",
            "reported_on": "datetime64[ns]",
            "counted_from": "datetime64[ns]",
        }
    )
    compared = {claim for ids in comparisons(both)["claim_ids"] for claim in ids}
    assert not compared & {"nowhere", "other"}
    (in_place,) = [group for group in headline(both, "troops_deployed") if group.scope == "present"]
    assert in_place.place == "kursk" and list(in_place.entries["claim_id"]) == ["zelensky-in-kursk"]


def test_the_headline_shows_the_places_with_the_newest_in_place_counts_only(claims):
    kursk = claims.loc["zelensky-in-kursk"]
    copies = []
    for number in range(HEADLINE_MAX_PLACES + 2):  # place-0 has the oldest figure, place-4 the newest
        copy = kursk.copy()
        copy["claim_id"], copy["place_id"] = f"in-place-{number}", f"place-{number}"
        copy["as_of"] = kursk["as_of"] - pd.Timedelta(days=10 * (HEADLINE_MAX_PLACES + 2 - number))
        copies.append(copy.to_frame().T)
    many = pd.concat([claims, *copies]).astype({"beside_total": bool, "as_of": "datetime64[ns]"})
    assert headline_places(many, "troops_deployed") == ["kursk", "place-4", "place-3", "place-2", "place-1", "place-0"]
    shown = [group.place for group in headline(many, "troops_deployed") if group.scope == "present"]
    assert shown == ["kursk", "place-3", "place-4"]  # the newest three, in the order of their ids
    assert headline_places(claims, "troops_deployed") == ["kursk"]


# ---- comparisons() against the definition, on random claims -------------------------------------------------

CLAIMANTS = ["alpha", "bravo", "charlie", "delta"]
FIRST_DAY = pd.Timestamp("2024-10-01")


def definition_comparisons(claims: pd.DataFrame, window_days: int) -> set[tuple]:
    """``comparisons`` spelled out the slow way: at every date of every group, each claimant's newest figure so
    far if it is recent enough; a set of figures is kept at the last date it stands whole."""
    usable = claims.loc[
        claims["scope"].isin(["total", "present"]) & ~claims["beside_total"] & claims["place_id"].notna()
    ]
    ordered = usable.sort_values(["as_of", "reported_on"], kind="stable")
    found = set()
    for key, rows in ordered.groupby(["metric", "scope", "place_id", "quarter"], sort=True):
        dates = sorted(set(rows["as_of"]))
        sets = []
        for date in dates:
            newest = {}
            for row in rows.loc[rows["as_of"] <= date].itertuples():
                newest[row.claimant_key] = row  # later rows are newer
            sets.append(
                frozenset(row.claim_id for row in newest.values() if row.as_of >= date - pd.Timedelta(days=window_days))
            )
        for number, (date, members) in enumerate(zip(dates, sets, strict=True)):
            if len(members) >= 2 and (number == len(dates) - 1 or not members <= sets[number + 1]):
                found.add((*key, date, members))
    return found


def _text(value: object) -> str:
    return "" if pd.isna(value) else str(value)


@st.composite
def random_claims(draw) -> pd.DataFrame:
    rows = []
    for number in range(draw(st.integers(0, 24))):
        scope = draw(st.sampled_from(["total", "present", "partial"]))
        low = float(draw(st.integers(0, 50)) * 100)
        qualifier = draw(st.sampled_from(["exact", "about", "over", "at_least", "up_to", "range"]))
        high = low + (float(draw(st.integers(1, 20)) * 100) if qualifier == "range" else 0.0)
        as_of = FIRST_DAY + pd.Timedelta(days=draw(st.integers(0, 90)))
        rows.append(
            {
                "claim_id": f"c{number}",
                "as_of": as_of,
                "reported_on": as_of + pd.Timedelta(days=draw(st.integers(0, 3))),
                "claimant_key": draw(st.sampled_from(CLAIMANTS)),
                "metric": draw(st.sampled_from(["troops_deployed", "casualties"])),
                "scope": scope,
                "place_id": draw(st.sampled_from(["kursk", "donetsk"])) if scope == "present" else None,
                "counted_from": draw(st.sampled_from([pd.NaT, pd.Timestamp("2024-08-01"), pd.Timestamp("2024-11-15")])),
                "qualifier": qualifier,
                "value_low": low,
                "value_high": high,
                "beside_total": draw(st.booleans()) and draw(st.booleans()),
                "source_ids": ["s1"] * draw(st.integers(1, 3)),
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "claim_id",
            "as_of",
            "reported_on",
            "claimant_key",
            "metric",
            "scope",
            "place_id",
            "counted_from",
            "qualifier",
            "value_low",
            "value_high",
            "beside_total",
            "source_ids",
        ],
    )
    frame = frame.astype(
        {
            "as_of": "datetime64[ns]",
            "reported_on": "datetime64[ns]",
            "counted_from": "datetime64[ns]",
            "beside_total": bool,
            "value_low": float,
            "value_high": float,
        }
    )
    return frame.assign(
        claimant_name=frame["claimant_key"].str.title(), figure=frame["value_high"].map("{:,.0f}".format)
    )


@given(random_claims(), st.integers(0, 40))
@settings(max_examples=300, deadline=None, database=None)
def test_comparisons_are_the_sets_of_figures_the_definition_finds(claims, window_days):
    note(claims.drop(columns=["source_ids", "claimant_name", "figure"]).to_string())
    table = comparisons(claims, window_days)
    bucket = claims.assign(quarter=counted_from_bucket(claims["counted_from"]), place_id=claims["place_id"].fillna(""))
    bucket = bucket.loc[(bucket["scope"] != "present") | (bucket["place_id"] != "")]
    expected = definition_comparisons(bucket.assign(place_id=bucket["place_id"]), window_days)
    got = {
        (row.metric, row.scope, _text(row.place), _text(row.counted_from), row.date, frozenset(row.claim_ids))
        for row in table.itertuples()
    }
    assert got == expected
    assert len(got) == len(table)
    values = claims.set_index("claim_id")
    for row in table.itertuples():
        members = values.loc[list(row.claim_ids)]
        assert members["claimant_key"].is_unique and row.claimants == row.origins == len(members)
        assert list(members["value_high"]) == sorted(members["value_high"])  # lowest figure first
        assert row.reports == members["source_ids"].map(len).sum()
        lows, highs = claim_bounds(members)
        assert row.relation == relation(lows, highs).text
