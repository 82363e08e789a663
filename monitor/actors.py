"""Actors and the states they belong to: one rule for lanes, claimant states and actor filters.

A person or organisation counts for its state (Kim Jong Un for North Korea, the NIS for South Korea); an
actor with no state (the UN, NATO, unnamed sources) stands for itself. The timeline draws one lane per
state, the filters select a state's people with it, and the interested-party rule reads the same state.
"""

from __future__ import annotations

import pandas as pd


def state_of(actors: pd.DataFrame) -> pd.Series:
    """Each actor id's state id: its own id for a state or for an actor that belongs to none."""
    table = actors.drop_duplicates("actor_id").set_index("actor_id")
    ids = pd.Series(table.index, index=table.index)
    return table["state"].where(table["state"].notna() & (table["state"] != ""), ids)


def lane_names(actors: pd.DataFrame) -> dict[str, str]:
    """Each actor id's timeline lane: the name of its state, or its own name (its id) when it has none."""
    names = actors.drop_duplicates("actor_id").set_index("actor_id")["name"]
    states = state_of(actors)
    return dict(zip(states.index, states.map(names).fillna(states), strict=True))


def with_members(actors: pd.DataFrame, selected: tuple[str, ...] | list[str] | set[str]) -> set[str]:
    """The selected actor ids plus the people and organisations of any selected state."""
    members = actors.loc[actors["state"].isin(list(selected)), "actor_id"]
    return set(selected) | set(members)
