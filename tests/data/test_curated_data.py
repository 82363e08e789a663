"""The curated tables themselves: what the second curation pass promised stays true."""

from __future__ import annotations

import pytest

from components.charts import figures_figure
from monitor import data_dir, load_dataset
from monitor.claims import claims_with_claimants, movement_flows
from monitor.compare import comparisons, headline
from monitor.loading import STATEMENT_FIELDS
from monitor.schema import LEGACY_DATE_BASIS, METRICS


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(data_dir(), use_cache=False)


@pytest.fixture(scope="module")
def claims(dataset):
    return claims_with_claimants(dataset, dataset.claims)


def test_no_two_claims_share_claimant_metric_figure_scope_and_date(dataset):
    assert not dataset.claims.duplicated(STATEMENT_FIELDS).any()


def test_every_claim_says_how_its_date_was_fixed(dataset):
    basis = dataset.claims["date_basis"]
    assert basis.notna().all() and not (basis == LEGACY_DATE_BASIS).any()
    assert dataset.notices == ()


def test_the_record_covers_arms_as_well_as_people(dataset):
    arms = dataset.claims.loc[dataset.claims["metric"].map(lambda metric: METRICS[metric].group) == "arms"]
    assert len(arms) >= 15 and arms["claimant_actor"].nunique() >= 4
    assert len(dataset.events) >= 120 and len(dataset.claims) >= 100


def test_no_chart_headline_comparison_or_flow_adds_a_part_to_its_total(dataset, claims):
    parts = claims.loc[claims["beside_total"]]
    assert not parts.empty  # Shoigu's builders and deminers, among others
    part_ids = set(parts["claim_id"])
    for metric in parts["metric"].unique():
        figure = figures_figure(claims, metric, dataset.events.iloc[0:0])
        drawn = sum(len(trace.x) for trace in figure.data)
        assert drawn == int(((claims["metric"] == metric) & ~claims["beside_total"]).sum())
        for group in headline(claims, metric):
            assert not set(group.entries["claim_id"]) & part_ids
    for row in comparisons(claims).itertuples():
        assert not set(row.claim_ids) & part_ids
    flows = movement_flows(dataset, dataset.claims)
    reconstruction = flows.loc[flows["metric"] == "troops_reconstruction"]
    # Shoigu's 6,000 is drawn once, never as 6,000 + 5,000 + 1,000.
    assert (reconstruction["highest"] <= 6000).all()
