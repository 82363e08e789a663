"""Claims as readers compare them: whose figure it is, where it was read, which are relays or parts.

One rule each, used by every page: who a figure belongs to (``claimant_key``), what it was read in
(``first_source``, ``source_kinds``), when a part stands beside its total (``beside_total``), how many
independent origins a set of figures has (``origins``), and what was known on a date (``known_on``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from monitor.actors import state_of
from monitor.filtering import claim_columns
from monitor.labels import figure_labels
from monitor.loading import Dataset
from monitor.schema import METRICS

UNNAMED_ACTOR = "unnamed-sources"
# Figures read only in these kinds of source are opinion, not reporting: a reader may leave them out.
OPINION_KINDS = ("blog", "op-ed")
ORIGIN_PLACE = "pyongyang"
MOVEMENT_METRICS = ("troops_deployed", "troops_reconstruction", "workers")


def metrics_in_group(group: str) -> list[str]:
    """The metric ids of one group of the schema ('personnel', 'arms'), in the schema's order."""
    return [metric for metric, about in METRICS.items() if about.group == group]


def first_source(claims: pd.DataFrame) -> pd.Series:
    """The source each claim's excerpt quotes: the first of its ``source_ids``."""
    lists = claims["source_ids"]
    if isinstance(lists.dtype, pd.ArrowDtype):
        firsts = pc.list_element(pa.array(lists.array), 0).to_numpy(zero_copy_only=False)
        return pd.Series(firsts, index=claims.index, dtype=object)
    return lists.map(lambda ids: ids[0] if ids is not None and len(ids) else None).astype(object)


def report_counts(claims: pd.DataFrame) -> pd.Series:
    """How many of our sources report each claim (relays of one statement)."""
    lists = claims["source_ids"]
    if isinstance(lists.dtype, pd.ArrowDtype):
        lengths = pc.list_value_length(pa.array(lists.array)).to_numpy(zero_copy_only=False)
        return pd.Series(lengths, index=claims.index).fillna(0)
    return lists.map(lambda ids: len(ids) if ids is not None else 0)


def claimant_key(claims: pd.DataFrame) -> pd.Series:
    """Who a figure belongs to when figures are compared or drawn as one claimant's line: the claimant actor,
    except that unnamed sources are kept apart per source (two unnamed estimates may come from different
    people). The one rule for every page."""
    unnamed = (claims["claimant_actor"] == UNNAMED_ACTOR).to_numpy()
    key = claims["claimant_actor"].astype(object)
    if unnamed.any():
        key = key.where(~unnamed, key + ":" + first_source(claims).fillna(""))
    return key


def beside_total(claims: pd.DataFrame, all_claims: pd.DataFrame) -> pd.Series:
    """True for a part (``part_of``) whose total counts the same thing, in the same scope and place: drawn or
    compared beside its total it would count people twice, so charts, comparisons and headlines leave it out.
    A part of another scope (8,000 in Kursk of 10,000 in Russia) is a figure of its own kind and stays."""
    if "part_of" not in claims or claims["part_of"].isna().all():
        return pd.Series(False, index=claims.index)
    compared = ["metric", "scope", "place_id"]
    # Only the columns compared: a copy of every column would read (and page in) all the claims' text.
    totals = all_claims[["claim_id", *compared]].drop_duplicates("claim_id").set_index("claim_id")
    named = claims["part_of"]
    same = pd.Series(True, index=claims.index)
    for column in compared:
        theirs = named.map(totals[column])
        same &= (theirs == claims[column]) | (theirs.isna() & claims[column].isna())
    return (named.notna() & named.isin(totals.index) & same).astype(bool)


def source_kinds(dataset: Dataset, claims: pd.DataFrame) -> pd.DataFrame:
    """Per claim: the kind of its first source, and whether every source is a blog or an op-ed (``opinion_only``).
    Vectorised over the claims' links: tens of thousands of claims take milliseconds."""
    kinds = dataset.indexed("sources")["kind"]
    links = claims["source_ids"].explode()
    opinion = links.map(kinds).isin(OPINION_KINDS).groupby(level=0).all()
    return pd.DataFrame(
        {
            "read_in_kind": first_source(claims).map(kinds),
            "opinion_only": opinion.reindex(claims.index, fill_value=False).astype(bool),
        },
        index=claims.index,
    )


def claimant_names(dataset: Dataset, claims: pd.DataFrame, keys: pd.Series) -> pd.Series:
    """A claimant's name as a legend shows it: the actor's name, and for unnamed sources the outlet that cites
    them, so two unnamed estimates never share a legend entry. Named once for the whole dataset (worked out on
    first use): a claimant keeps its name, as it keeps its colour, whatever the filters leave out; claims that are
    not the dataset's are named among themselves."""
    named = dataset.memo("claimant_names", lambda: _names_by_key(dataset, dataset.claims))
    names = keys.map(named).astype(object)
    unknown = names.isna().to_numpy()
    if unknown.any():
        names[unknown] = keys[unknown].map(_names_by_key(dataset, claims.loc[unknown])).to_numpy()
    return names


def _names_by_key(dataset: Dataset, claims: pd.DataFrame) -> pd.Series:
    """Each claimant key's name (``claimant_names``), indexed by key."""
    # Only the columns that decide: the claims' prose is never copied or read.
    claims = claims[["claimant_actor", "source_ids", "as_of"]]
    keys = claimant_key(claims)
    actors = dataset.indexed("actors")
    names = claims["claimant_actor"].map(actors["name"]).fillna(claims["claimant_actor"]).astype(object)
    unnamed = (claims["claimant_actor"] == UNNAMED_ACTOR).to_numpy()
    if unnamed.any():
        publishers = first_source(claims).map(dataset.indexed("sources")["publisher"]).fillna("unknown outlet")
        names = names.where(~unnamed, "Unnamed sources in " + publishers.astype(object))
        # Two unnamed sources in one outlet: number them, in date order, so each keeps its own entry.
        firsts = claims.assign(_key=keys, _name=names).sort_values("as_of", kind="stable").drop_duplicates("_key")
        ordinal = firsts.groupby("_name").cumcount()
        clash = firsts["_name"].map(firsts["_name"].value_counts()) > 1
        renamed = firsts["_name"].where(~clash, firsts["_name"] + " (" + (ordinal + 1).astype(str) + ")")
        return pd.Series(renamed.to_numpy(dtype=object), index=firsts["_key"].to_numpy(dtype=object))
    return pd.Series(names.to_numpy(), index=keys.to_numpy(dtype=object)).groupby(level=0).first()


def claims_with_claimants(dataset: Dataset, claims: pd.DataFrame) -> pd.DataFrame:
    """Claims with what every page shows next to a figure: the claimant's key and name, state and state
    colour, the figure in words, the outlet and kind of source it was read in, how many sources report it,
    whether it is a part drawn beside its total, and the claimant chain."""
    actors = dataset.indexed("actors")
    states = state_of(dataset.actors)
    keys = claimant_key(claims)
    state = claims["claimant_actor"].map(states).fillna(claims["claimant_actor"])
    own_colour = claims["claimant_actor"].map(actors["colour"])
    first = first_source(claims)
    enriched = claims.assign(
        claimant_key=keys,
        claimant_name=claimant_names(dataset, claims, keys),
        claimant_state=state,
        colour=own_colour.fillna(state.map(actors["colour"])),
        figure=figure_labels(claims),
        source_id=first,
        read_in=first.map(dataset.indexed("sources")["publisher"]),
        reports=report_counts(claims).astype(int),
        beside_total=beside_total(claims, dataset.claims),
    )
    enriched = enriched.join(source_kinds(dataset, claims))
    return enriched.assign(chain=claim_chain(enriched))


def claim_chain(claims: pd.DataFrame) -> pd.Series:
    """Original claimant → who relayed it → where we read it (and how many other outlets), one line per claim."""
    relayed = claims["relayed_by"].fillna("directly")
    read_in = claims["read_in"].fillna(claims["source_id"]).astype(object)
    others = claims["reports"] - 1
    more = np.where(others > 0, " (+" + others.astype(str) + " more)", "")
    return claims["claimant"] + " → " + relayed + " → " + read_in + more


def origins(claims: pd.DataFrame) -> tuple[int, int]:
    """(reports, independent origins) of a set of claims: every source that reports a figure is a report; an
    origin is one claimant speaking on one day, however many outlets relayed it and however many figures it gave.
    """
    if claims.empty:
        return 0, 0
    reports = int(report_counts(claims).sum())
    keys = claims["claimant_key"] if "claimant_key" in claims else claimant_key(claims)
    return reports, int(pd.DataFrame({"key": keys, "day": claims["reported_on"]}).drop_duplicates().shape[0])


def known_on(claims: pd.DataFrame, date: pd.Timestamp | None) -> pd.DataFrame:
    """The claims already made on ``date`` (reported on or before it): what a reader could know that day."""
    if date is None or pd.isna(date):
        return claims
    return claims.loc[(claims["reported_on"] <= pd.Timestamp(date)).to_numpy()]


def without_opinion_only(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims from ``claims_with_claimants`` minus those read only in blogs and op-eds."""
    return claims.loc[~claims["opinion_only"].to_numpy(dtype=bool)]


def latest_by_claimant(claims: pd.DataFrame) -> pd.DataFrame:
    """Each claimant's (``claimant_key``'s) newest figure: latest as-of date, then latest report."""
    keys = claims["claimant_key"] if "claimant_key" in claims else claimant_key(claims)
    # Sorted and grouped on the few columns that decide, then the rows taken: a wide table is not sorted whole.
    decide = ["as_of", "reported_on", "value_high"]
    narrow = pd.DataFrame({column: claims[column].array for column in decide} | {"_key": keys.array})
    ordered = narrow.sort_values(decide, kind="stable")
    return claims.iloc[ordered.groupby("_key", sort=False).tail(1).index.to_numpy()]


def movement_flows(dataset: Dataset, claims: pd.DataFrame) -> pd.DataFrame:
    """People sent from North Korea, per destination and metric: the range of reported figures.

    Only claims that name a place are drawn: a figure with no destination is not placed on the map. A part
    beside its total is left out, so it never widens or doubles the flow.
    """
    moved = claims.loc[
        claims["metric"].isin(MOVEMENT_METRICS) & claims["place_id"].notna() & (claims["subject"] == "PRK")
    ]
    moved = moved.loc[~beside_total(moved, dataset.claims).to_numpy()]
    columns = ["metric", "place_id", "lowest", "highest", "claims", "origin_lat", "origin_lon", "lat", "lon", "place"]
    if moved.empty:
        return pd.DataFrame(columns=columns)
    grouped = moved.groupby(["metric", "place_id"], as_index=False, observed=True).agg(
        lowest=("value_low", "min"), highest=("value_high", "max"), claims=("claim_id", "count")
    )
    places = dataset.indexed("places")
    origin = places.loc[ORIGIN_PLACE] if ORIGIN_PLACE in places.index else None
    return grouped.assign(
        origin_lat=origin["lat"] if origin is not None else pd.NA,
        origin_lon=origin["lon"] if origin is not None else pd.NA,
        lat=grouped["place_id"].map(places["lat"]),
        lon=grouped["place_id"].map(places["lon"]),
        place=grouped["place_id"].map(places["name"]),
    )[columns]


def select_claims(
    claims: pd.DataFrame,
    metrics: list[str] | tuple[str, ...],
    scopes: list[str] | tuple[str, ...],
    *,
    parties: bool = True,
    known: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """The claims a reader chose: these metrics and scopes, parties to the war in or out, known on a date."""
    mask = claims["metric"].isin(list(metrics)).to_numpy() & claims["scope"].isin(list(scopes)).to_numpy()
    if not parties:
        mask &= ~claims["interested_party"].fillna(False).to_numpy(dtype=bool)
    return known_on(claims.loc[mask], known)


@dataclass(frozen=True)
class ClaimChoices:
    """Which claims a reader lets count: from parties to the war, only those known on a date, and those read only
    in blogs and op-eds. Hashable, so it keys what sessions share."""

    parties: bool = True
    known: pd.Timestamp | None = None
    opinion: bool = True


def chosen_claims(
    dataset: Dataset,
    claims: pd.DataFrame,
    metrics: list[str] | tuple[str, ...],
    scopes: list[str] | tuple[str, ...],
    choices: ClaimChoices = ClaimChoices(),
) -> pd.DataFrame:
    """``select_claims`` enriched for display (``claims_with_claimants``), and without the figures read only in
    blogs and op-eds unless ``choices.opinion``: what the overview, figures and disagreement pages show."""
    selected = select_claims(claims, metrics, scopes, parties=choices.parties, known=choices.known)
    enriched = _with_claimants_of_dataset(dataset, selected)
    return enriched if choices.opinion else without_opinion_only(enriched)


def _with_claimants_of_dataset(dataset: Dataset, claims: pd.DataFrame) -> pd.DataFrame:
    """``claims_with_claimants`` of rows of ``dataset.claims``, taken from what it gives for every claim (worked
    out once per dataset: a reader's every filter change made it again, 320 ms for 50,000 claims at 1M events)."""
    positions = dataset.claims.index.get_indexer(claims.index)
    if (positions < 0).any():
        return claims_with_claimants(dataset, claims)
    added, dtypes = dataset.memo("claims_with_claimants", lambda: _added_for_every_claim(dataset))
    taken = added.iloc[positions]
    return claims.assign(
        **{column: taken[column].astype(dtype).set_axis(claims.index) for column, dtype in dtypes.items()}
    )


def _added_for_every_claim(dataset: Dataset) -> tuple[pd.DataFrame, dict[str, object]]:
    """The columns ``claims_with_claimants`` adds, for every claim of the dataset, and their types. Kept as
    categories (a few thousand claimants, figures and chains among 100,000 claims: ~6 MB, not 42)."""
    columns = claim_columns(dataset)
    claims = dataset.claims[columns]
    added = claims_with_claimants(dataset, claims).drop(columns=columns)
    dtypes = added.dtypes.to_dict()
    compact = {
        column: added[column].astype("category")
        for column in added.columns
        if added[column].dtype == object or pd.api.types.is_string_dtype(added[column].dtype)
    }
    return added.assign(**compact), dtypes


def available_metrics(dataset: Dataset, group: str) -> list[str]:
    """The metrics of a group that the dataset has claims for, in the schema's order."""
    present = set(dataset.memo("claim_metrics", lambda: set(dataset.claims["metric"].unique())))
    return [metric for metric in metrics_in_group(group) if metric in present]


def claimant_order(dataset: Dataset, metric: str) -> list[str]:
    """The claimant keys of one metric in the whole dataset, by name: charts colour claimants in this order, so a
    claimant keeps its colour whatever the filters leave out. Worked out once per dataset and metric."""

    def build() -> list[str]:
        # Without the prose: copying it for most of the claims would page all of it in (54 MB at 1M events).
        rows = dataset.claims.loc[dataset.claims["metric"] == metric, claim_columns(dataset)]
        keys = claimant_key(rows)
        names = claimant_names(dataset, rows, keys)
        return list(pd.DataFrame({"key": keys, "name": names}).drop_duplicates("key").sort_values("name")["key"])

    return dataset.memo(f"claimant_order:{metric}", build)
