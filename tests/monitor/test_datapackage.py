"""The Frictionless descriptor and the data dictionary are generated from the one schema."""

from __future__ import annotations

import json

from monitor.config import PROJECT_ROOT
from monitor.datapackage import build_datapackage, data_dictionary, render_datapackage
from monitor.schema import METRICS, TABLES


def test_descriptor_describes_every_table_and_column():
    descriptor = build_datapackage("9.9.9")
    assert descriptor["version"] == "9.9.9"
    resources = {resource["name"]: resource for resource in descriptor["resources"]}
    assert set(resources) == set(TABLES)
    for name, spec in TABLES.items():
        fields = resources[name]["schema"]["fields"]
        assert [field["name"] for field in fields] == spec.columns
        assert resources[name]["path"] == spec.file_name
        assert resources[name]["schema"]["primaryKey"] == spec.primary_key


def test_constraints_come_from_the_pandera_checks():
    claims = next(r for r in build_datapackage("1.0.0")["resources"] if r["name"] == "claims")
    fields = {field["name"]: field for field in claims["schema"]["fields"]}
    assert fields["metric"]["constraints"]["enum"] == list(METRICS)
    assert fields["value_low"]["constraints"]["minimum"] == 0
    assert fields["as_of"]["constraints"]["minimum"] == "1953-01-01"
    assert fields["excerpt"]["constraints"]["maxLength"] == 200
    assert fields["excerpt"]["constraints"]["required"] is False
    assert fields["claim_id"]["constraints"]["unique"] is True
    keys = claims["schema"]["foreignKeys"]
    assert {"fields": "part_of", "reference": {"resource": "", "fields": "claim_id"}} in keys  # a part names its total
    assert "source_ids" not in {key["fields"] for key in keys}  # a ';' list cannot be a Frictionless key


def test_metric_labels_and_units_reach_the_descriptor():
    claims = next(r for r in build_datapackage("2.0.0")["resources"] if r["name"] == "claims")
    metric = next(field for field in claims["schema"]["fields"] if field["name"] == "metric")
    assert "containers = Containers of munitions shipped (containers)" in metric["description"]


def test_shipped_descriptor_is_up_to_date_with_the_schema():
    shipped = (PROJECT_ROOT / "data" / "datapackage.json").read_text(encoding="utf-8")
    assert shipped == render_datapackage(PROJECT_ROOT / "data"), "run: python -m monitor datapackage"
    assert json.loads(shipped)["version"] != "0.0.0"


def test_data_dictionary_has_a_row_per_column():
    dictionary = data_dictionary()
    assert len(dictionary) == sum(len(spec.columns) for spec in TABLES.values())
    events_actors = dictionary.query("table == 'events.csv' and column == 'actors'").iloc[0]
    assert events_actors["references"] == "actors.actor_id"
    assert events_actors["type"] == "list"
