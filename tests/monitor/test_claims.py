"""Claims as readers compare them: one claimant rule, relays, parts, source kinds, what was known when."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from crafted import SCENARIOS, crafted_folder

from monitor import load_dataset
from monitor.claims import (
    ClaimChoices,
    available_metrics,
    chosen_claims,
    claimant_key,
    claims_with_claimants,
    first_source,
    movement_flows,
    origins,
    select_claims,
    without_opinion_only,
)


@pytest.fixture
def dataset(minimal_dir):
    return load_dataset(minimal_dir)


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    return load_dataset(crafted_folder(tmp_path_factory.mktemp("crafted") / "data"), use_cache=False)


def test_claims_with_claimants_inherit_their_state_colour_and_read_the_first_source(dataset):
    enriched = claims_with_claimants(dataset, dataset.claims).set_index("claim_id")
    assert enriched.at["ref-b-range", "colour"] == "#D55E00"  # Kim Jong Un -> PRK's colour
    assert enriched.at["seed-a-troops", "colour"] == "#999999"  # stateless: own colour
    assert enriched.at["seed-a-troops", "figure"] == "over 11,000"
    assert enriched.at["ref-b-range", "source_id"] == "ref-b" and enriched.at["ref-b-range", "reports"] == 2
    assert enriched.at["ref-b-range", "chain"] == "Kim Jong Un → directly → Example Reference (+1 more)"


def test_first_source_keeps_the_rows_of_a_subset(dataset):
    subset = dataset.claims.iloc[[1]]
    assert first_source(subset).to_dict() == {1: "ref-b"}


def test_one_claimant_rule_keeps_unnamed_sources_apart_per_source(crafted):
    claims = crafted.claims
    keys = claimant_key(claims).set_axis(claims["claim_id"])
    assert keys["nis-close"] == "nis" and keys["blog-estimate"] == "unnamed-sources:blog-1"
    enriched = claims_with_claimants(crafted, claims).set_index("claim_id")
    assert enriched.at["blog-estimate", "claimant_name"] == "Unnamed sources in A Blog"


def test_a_claimant_keeps_its_name_whatever_subset_is_shown(crafted):
    # Two unnamed sources cited by outlets we do not list share a name: numbered in date order, once for the
    # whole dataset, so the second is "(2)" also on a page whose filters leave out the first.
    blog = crafted.claims.loc[crafted.claims["claim_id"] == "blog-estimate"]
    early, late = blog.copy(), blog.copy()
    early["claim_id"], early["source_ids"], early["as_of"] = "early", [["elsewhere-1"]], pd.Timestamp("2024-01-05")
    late["claim_id"], late["source_ids"], late["as_of"] = "late", [["elsewhere-2"]], pd.Timestamp("2024-02-05")
    claims = pd.concat([crafted.claims, early, late], ignore_index=True)
    dataset = dataclasses.replace(crafted, claims=claims)
    whole = claims_with_claimants(dataset, claims).set_index("claim_id")["claimant_name"]
    assert whole["early"] == "Unnamed sources in unknown outlet (1)"
    assert whole["late"] == "Unnamed sources in unknown outlet (2)"
    only_late = claims_with_claimants(dataset, claims.loc[claims["claim_id"] == "late"])
    assert only_late["claimant_name"].tolist() == ["Unnamed sources in unknown outlet (2)"]
    # Claims that are not the dataset's are named among themselves.
    stranger = late.assign(claim_id="stranger", source_ids=[["elsewhere-3"]])
    assert claims_with_claimants(dataset, stranger)["claimant_name"].tolist() == ["Unnamed sources in unknown outlet"]


def test_chosen_claims_are_enriched_as_claims_with_claimants_would(crafted):
    # chosen_claims takes the added columns from one enrichment of every claim: the same frame, types and all.
    everything = list(crafted.claims["metric"].unique()), list(crafted.claims["scope"].unique())
    for rows in (crafted.claims, crafted.claims.iloc[::2], crafted.claims.iloc[[3, 1]]):
        pd.testing.assert_frame_equal(
            chosen_claims(crafted, rows, *everything), claims_with_claimants(crafted, rows), check_like=False
        )
    # Rows that are not the dataset's are enriched on their own.
    stranger = crafted.claims.iloc[[0]].set_axis([10_000])
    assert chosen_claims(crafted, stranger, *everything)["claim_id"].tolist() == stranger["claim_id"].tolist()


def test_figures_read_only_in_blogs_can_be_left_out(crafted):
    enriched = claims_with_claimants(crafted, crafted.claims)
    assert enriched.set_index("claim_id").at["blog-estimate", "read_in_kind"] == "blog"
    left = set(without_opinion_only(enriched)["claim_id"])
    assert "blog-estimate" not in left and "nis-close" in left
    everything = ["captured", "troops_deployed"], ["total", "present"]
    assert "blog-estimate" in set(chosen_claims(crafted, crafted.claims, *everything)["claim_id"])
    assert set(chosen_claims(crafted, crafted.claims, *everything, ClaimChoices(opinion=False))["claim_id"]) == {
        "nis-close",
        "us-close",
        "zelensky-in-kursk",
    }


def test_available_metrics_are_the_groups_metrics_the_data_has(crafted):
    assert available_metrics(crafted, "personnel") == [
        "troops_deployed",
        "troops_reconstruction",
        "workers",
        "killed",
        "wounded",
        "casualties",
        "captured",
    ]
    assert available_metrics(crafted, "arms") == []


def test_select_claims_by_metric_scope_party_and_known_date(crafted):
    claims = crafted.claims
    chosen = select_claims(claims, ["troops_deployed"], ["total", "present"], parties=False)
    assert set(chosen["claim_id"]) == {"nis-close", "us-close"}
    known = select_claims(claims, ["wounded"], ["total"], known=pd.Timestamp("2025-01-13"))
    assert set(known["claim_id"]) == {"nis-wounded"}


def test_origins_count_one_claimant_on_one_day_once(crafted):
    claims = crafted.claims.set_index("claim_id", drop=False)
    assert origins(claims.loc[["nis-relayed"]]) == (3, 1)
    assert origins(claims.loc[["nis-relayed", "nis-wounded"]]) == (4, 1)  # one briefing, two figures
    assert origins(claims.iloc[0:0]) == (0, 0)


def test_movement_flows_use_only_claims_that_name_a_place(dataset):
    flows = movement_flows(dataset, dataset.claims)
    assert len(flows) == 1
    flow = flows.iloc[0]
    assert (flow["metric"], flow["place_id"], flow["highest"], flow["claims"]) == ("troops_deployed", "kursk", 11000, 1)
    assert (flow["origin_lat"], flow["lat"]) == (39.02, 51.73)


def test_no_flow_adds_a_part_to_its_total(tmp_path):
    in_kursk = [
        {**spec, "place_id": "kursk"} if spec["metric"] == "troops_reconstruction" else spec for spec in SCENARIOS
    ]
    dataset = load_dataset(crafted_folder(tmp_path / "data", in_kursk), use_cache=False)
    flows = movement_flows(dataset, dataset.claims).set_index("metric")
    assert flows.at["troops_reconstruction", "claims"] == 2  # the 6,000 total and NIS's 6,000, not the 5,000 part
    assert flows.at["troops_reconstruction", "highest"] == 6000
