"""The explorer's downloads as the buttons send them (components/render.py download_buttons)."""

from __future__ import annotations

import io
import json
import re

import pandas as pd

from components.render import with_lists_as_text
from monitor import data_dir, load_dataset
from monitor.explorer import claims_for_download
from monitor.export import csv_bytes, json_bytes
from monitor.filtering import Filters

EVERYTHING = Filters(actors=(), start=pd.Timestamp("1953-01-01"), end=pd.Timestamp("2025-12-31"), categories=())


def test_the_claims_downloads_hold_every_claim_as_csv_and_as_json_with_plain_dates():
    dataset = load_dataset(data_dir())
    rows = with_lists_as_text(claims_for_download(dataset, EVERYTHING, "", 10_000))
    as_csv = csv_bytes(rows)
    assert as_csv.startswith(b"\xef\xbb\xbf")
    read_back = pd.read_csv(io.BytesIO(as_csv), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(read_back["claim_id"]) == list(rows["claim_id"])
    records = json.loads(json_bytes(rows))
    assert [record["claim_id"] for record in records] == list(rows["claim_id"])
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", record["as_of"]) for record in records)
    assert all(isinstance(record["source_ids"], str) for record in records)  # lists as the CSV files write them
