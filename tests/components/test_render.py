"""Small render helpers of components/render.py that pages share."""

from __future__ import annotations

import pandas as pd

from components.render import dash_if_missing


def test_a_cell_with_no_value_shows_a_dash_not_none():
    values = pd.Series(["Kursk region", None, "", float("nan")], dtype=object)
    assert dash_if_missing(values).tolist() == ["Kursk region", "—", "—", "—"]
