"""Generated views of the schema: the Frictionless Data Package descriptor and the data dictionary."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from monitor.changelog import latest_release
from monitor.schema import LIST_SEPARATOR, TABLES, TableSpec

PACKAGE_NAME = "dprk-russia-alignment-monitor"
PACKAGE_TITLE = "DPRK-Russia Alignment Monitor"
# The data tables' licence (the code is MIT, see LICENSE at the repository root).
DATA_LICENCE = "CC BY 4.0"
DATA_LICENCE_ID = "CC-BY-4.0"
DATA_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
_RELEASE = re.compile(r"\d+\.\d+\.\d+")
_FRICTIONLESS_TYPES = {
    "string": "string",
    "url": "string",
    "list": "string",
    "date": "date",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
}


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def column_constraints(column: pa.Column) -> dict[str, Any]:
    """Frictionless constraints read off the pandera column's own checks."""
    constraints: dict[str, Any] = {"required": not column.nullable}
    if column.unique:
        constraints["unique"] = True
    for check in column.checks:
        stats = check.statistics or {}
        if "allowed_values" in stats:
            constraints["enum"] = list(stats["allowed_values"])
        if stats.get("min_value") is not None and check.name != "str_length":
            constraints["minimum"] = _plain(stats["min_value"])
        if stats.get("max_value") is not None:
            key = "maxLength" if check.name == "str_length" else "maximum"
            constraints[key] = _plain(stats["max_value"])
        if "pattern" in stats:
            # Frictionless patterns are implicitly anchored.
            constraints["pattern"] = str(stats["pattern"]).removeprefix("^").removesuffix("$")
    return constraints


def _field(spec: TableSpec, name: str) -> dict[str, Any]:
    column = spec.schema.columns[name]
    kind = column.metadata["kind"]
    field: dict[str, Any] = {
        "name": name,
        "type": _FRICTIONLESS_TYPES[kind],
        "description": column.description,
        "constraints": column_constraints(column),
    }
    if kind == "url":
        field["format"] = "uri"
    if kind == "boolean":
        field["trueValues"], field["falseValues"] = ["true"], ["false"]
    if kind == "list":
        field["description"] += f" Items are separated by '{LIST_SEPARATOR}'."
    return field


def _foreign_keys(spec: TableSpec) -> list[dict[str, Any]]:
    keys = []
    for name, column in spec.schema.columns.items():
        target = column.metadata.get("references")
        if not target or column.metadata["kind"] == "list":
            continue  # Frictionless keys cannot name the items of a ';' list
        table, target_column = target.split(".")
        resource = "" if table == spec.name else table
        keys.append({"fields": name, "reference": {"resource": resource, "fields": target_column}})
    return keys


def build_datapackage(version: str) -> dict[str, Any]:
    """The Frictionless Data Package descriptor for every table, from the schema alone."""
    resources = []
    for spec in TABLES.values():
        table_schema: dict[str, Any] = {
            "fields": [_field(spec, name) for name in spec.columns],
            "primaryKey": spec.primary_key,
            "missingValues": [""],
        }
        foreign_keys = _foreign_keys(spec)
        if foreign_keys:
            table_schema["foreignKeys"] = foreign_keys
        resources.append(
            {
                "name": spec.name,
                "path": spec.file_name,
                "title": spec.title,
                "description": spec.description,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": PACKAGE_TITLE,
        "version": version,
        "description": (
            "Dated events and reported figures on North Korea-Russia relations, 1953-2025. "
            "Contested figures are recorded as claims with their claimant, never as facts."
        ),
        "licenses": [{"name": DATA_LICENCE_ID, "path": DATA_LICENCE_URL}],
        "resources": resources,
    }


def render_datapackage(data_folder: Path) -> str:
    """The descriptor text for a data folder, versioned by its CHANGELOG.md."""
    return descriptor_text(latest_release(data_folder / "CHANGELOG.md").version)


def descriptor_text(version: str) -> str:
    """``datapackage.json`` as written to disk or into a download (an upload's states no licence)."""
    descriptor = build_datapackage(version)
    if not is_release(version):
        del descriptor["licenses"]
    return json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"


def is_release(version: str) -> bool:
    """Whether a dataset version names a release of the curated data (x.y.z from its CHANGELOG.md), to which the
    data licence applies; an upload ("your upload") or an unversioned folder is not one."""
    return bool(_RELEASE.fullmatch(version))


def licence_text(version: str) -> str:
    """The LICENSE file of a data download: what the tables' licence allows and how to attribute them."""
    if not is_release(version):
        return (
            f"These tables ({version}) are not a release of the {PACKAGE_TITLE} dataset: they were uploaded to the\n"
            "dashboard, and no licence is stated for them. Rows that came from the curated dataset remain under its\n"
            f"licence, {DATA_LICENCE} ({DATA_LICENCE_URL}).\n"
        )
    return (
        f"The tables in this archive ({PACKAGE_TITLE}, dataset version {version}) are licensed under the Creative\n"
        f"Commons Attribution 4.0 International licence ({DATA_LICENCE}): {DATA_LICENCE_URL}\n"
        f"Full text: {DATA_LICENCE_URL}legalcode\n\n"
        f'You may share and adapt them for any purpose, provided you credit "{PACKAGE_TITLE}, dataset version\n'
        f'{version}", link to the licence and say what you changed.\n\n'
        "The articles and statements cited remain their publishers' property: the tables quote them only in short\n"
        "excerpts, with their source.\n"
    )


def data_dictionary() -> pd.DataFrame:
    """One row per column of every table: the data dictionary page shows exactly this."""
    rows = []
    for spec in TABLES.values():
        for name in spec.columns:
            field = _field(spec, name)
            constraints = dict(field["constraints"])
            required = constraints.pop("required")
            references = spec.schema.columns[name].metadata.get("references", "")
            rows.append(
                {
                    "table": spec.file_name,
                    "column": name,
                    "type": spec.column_kind(name),
                    "required": required,
                    "rules": "; ".join(f"{key}: {_rule_text(value)}" for key, value in constraints.items()),
                    "references": references,
                    "description": field["description"],
                }
            )
    return pd.DataFrame(rows)


def _rule_text(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
