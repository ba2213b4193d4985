"""Demand focal points per place x trade group: where each trade group's unmet demand gathers.

Reads the ``place_groups`` table (``sim.metrics``: unmet demand per year, place and trade group,
nominal and at base-year prices). A place is a focal point of a trade group when a large share
of the group's unmet demand in the region comes from its customers; the tables rank places per
trade group and give that share and the cumulative share of the places ranked so far (how
concentrated the group's shortage is). Values of several runs (seeds) are averaged before the
ranking, so the ranks are those of the expected unmet demand, not of one draw.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.datasets import load_places
from sim.store import ResultsError, load
from sim.vocabulary import TRADE_GROUPS

VALUES = ("unmet_demand_eur", "unmet_demand_base_prices_eur")
TOP = 5  # places listed per trade group and year: the head of a concentrated distribution
# below this a year's unmet demand of a place and group is a rounding residue of the market's
# clearing (demand - served, about 1e-9 EUR either side of zero), not demand left unserved
RESIDUE_EUR = 1.0


def without_residue(values: pd.Series) -> pd.Series:
    """Unmet demand with rounding residues (< ``RESIDUE_EUR``) set to zero."""
    return values.where(values >= RESIDUE_EUR, 0.0)


def rank_unmet(frame: pd.DataFrame, by: list[str], column: str = "unmet_demand_eur") -> pd.Series:
    """Rank within ``by`` by ``column``, 1 = most unmet demand; <NA> where there is none (under
    ``RESIDUE_EUR``): a ranking of rounding residues would name places that lack nothing."""
    has = frame[column] >= RESIDUE_EUR
    ranks = frame[has].groupby(by, observed=True)[column].rank(ascending=False, method="first")
    return ranks.reindex(frame.index).astype("Int64")


def read_place_groups(
    sweep_dir, years: list[int] | None = None, complete_only: bool = True
) -> pd.DataFrame | None:
    """The sweep's ``place_groups`` rows of ``years`` (all if None), keys as strings; only
    complete years (all four quarters summed) unless ``complete_only`` is False. None where the
    runs have no such table (made before it was recorded)."""
    try:
        frame = load(sweep_dir, "place_groups")
    except ResultsError:
        return None
    if complete_only:
        frame = frame[frame["quarters"] == 4]
    if years is not None:
        frame = frame[frame["year"].isin(years)]
    keys = ["place_id", "district_id", "trade_group", "scenario", "intervention"]
    return frame.assign(**{k: frame[k].astype(str) for k in keys if k in frame})


def sweep_focal_points(sweep_dir, years: list[int], top: int = TOP) -> pd.DataFrame | None:
    """``focal_points`` of a sweep per scenario, intervention and year (complete years among
    ``years``), with the place names; None where the runs have no ``place_groups`` table."""
    per_group = read_place_groups(sweep_dir, years)
    if per_group is None:
        return None
    out = focal_points(per_group, ["scenario", "intervention", "year"], top)
    names = load_places()[["place_id", "name"]]
    out = out.merge(names, on="place_id", how="left")
    first = ["scenario", "intervention", "year", "trade_group", "rank", "place_id", "name"]
    return out[first + [c for c in out.columns if c not in first]]


def with_group_shares(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """``frame`` plus ``group_unmet_demand_eur`` (the trade group's regional total within
    ``by``) and ``share_of_group_pct`` (the place's part of it; 0 where the group has none).
    Rounding residues of the market (under ``RESIDUE_EUR``) count as zero."""
    unmet = without_residue(frame["unmet_demand_eur"])
    total = unmet.groupby([frame[k] for k in [*by, "trade_group"]], observed=True).transform("sum")
    share = np.divide(
        100 * unmet.to_numpy(float),
        total.to_numpy(float),
        out=np.zeros(len(frame)),
        where=total.to_numpy(float) > 0,
    )
    return frame.assign(group_unmet_demand_eur=total.to_numpy(float), share_of_group_pct=share)


def focal_points(place_groups: pd.DataFrame, by: list[str], top: int = TOP) -> pd.DataFrame:
    """The ``top`` places per trade group and ``by`` (e.g. scenario, intervention, year) by
    unmet demand, averaged over the runs first.

    Args:
        place_groups: Rows of the ``place_groups`` table (``read_place_groups``) with the
            columns of ``by`` and ``run_id``.
        by: The columns that define one ranking besides the trade group.
        top: Places kept per ranking (only places with unmet demand of at least
            ``RESIDUE_EUR`` a year are ranked).

    Returns:
        One row per ranking and place: ``by``, trade_group, rank (1 = most unmet demand),
        place_id, district_id, the unmet demand (nominal and at base-year prices, EUR/year),
        the group's regional unmet demand, ``share_of_group_pct`` and ``cumulative_share_pct``
        (places ranked so far), ``n_runs``.
    """
    keys = [*by, "trade_group", "place_id", "district_id"]
    n_runs = place_groups.groupby(by, observed=True)["run_id"].nunique().rename("n_runs")
    # every run records every place and group, so the mean over rows is the mean over runs
    mean = place_groups.groupby(keys, observed=True)[list(VALUES)].mean()
    mean = with_group_shares(mean.reset_index(), by)
    mean = mean[mean["unmet_demand_eur"] >= RESIDUE_EUR]
    mean = mean.sort_values([*by, "trade_group", "unmet_demand_eur"], ascending=False)
    ranking = mean.groupby([*by, "trade_group"], observed=True)
    mean["rank"] = ranking.cumcount() + 1
    mean["cumulative_share_pct"] = ranking["share_of_group_pct"].cumsum()
    out = mean[mean["rank"] <= top].merge(n_runs.reset_index(), on=by, how="left")
    first = [*by, "trade_group", "rank", "place_id", "district_id"]
    out = out[first + [c for c in out.columns if c not in first]]
    return out.sort_values([*by, "trade_group", "rank"], ignore_index=True)


def wide_by_group(place_groups: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per ``by`` and place: one column per trade group and value (``unmet_demand_<group>_eur``,
    ``unmet_demand_<group>_base_prices_eur``, ``unmet_share_<group>_pct`` = the place's share of
    the group's regional unmet demand within ``by``), for map layers (one row per place)."""
    shares = with_group_shares(place_groups, by)
    columns = {
        "unmet_demand_eur": "unmet_demand_{}_eur",
        "unmet_demand_base_prices_eur": "unmet_demand_{}_base_prices_eur",
        "share_of_group_pct": "unmet_share_{}_pct",
    }
    wide = shares.pivot_table(
        index=[*by, "place_id"],
        columns="trade_group",
        values=list(columns),
        aggfunc="sum",
        observed=True,
        fill_value=0.0,
    )
    wide.columns = [columns[value].format(group) for value, group in wide.columns]
    ordered = [c.format(g) for g in TRADE_GROUPS for c in columns.values()]  # group by group
    return wide[[c for c in ordered if c in wide]].reset_index()


def shares_of_means(wide: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """``unmet_share_<group>_pct`` of a table of run means (one row per place) recomputed as
    each place's part of the group's mean unmet demand within ``by``: the mean of the runs'
    shares would not add up to 100 % where a group has unmet demand in some runs only, and
    the focal points (``focal_points``) rank the means too. Range columns stay as they are."""
    out = wide.copy()
    for group in TRADE_GROUPS:
        column = f"unmet_demand_{group}_eur"
        if column not in out:
            continue
        unmet = without_residue(out[column])
        total = unmet.groupby([out[k] for k in by]).transform("sum").to_numpy(float)
        out[f"unmet_share_{group}_pct"] = np.divide(
            100 * unmet.to_numpy(float), total, out=np.zeros(len(out)), where=total > 0
        )
    return out
