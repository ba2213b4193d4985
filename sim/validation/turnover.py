"""A run's real turnover per state and year, from its ``groups`` table: what the hindcast's
output rows compare (the conditional hindcast's own change, the construction cycle's
regional row)."""

from __future__ import annotations

import pandas as pd

from sim.datasets import load_districts


def turnover_by_state_year(
    groups: pd.DataFrame, years: list[int], trade_group: str | None = None
) -> pd.Series:
    """(state, year) -> real turnover (at base-year prices) of the state's districts, of one
    trade group or all; every year in ``years`` needs four quarters in the table."""
    states = load_districts().set_index("district_id")["state"]
    g = groups.assign(
        state=groups["district_id"].astype(str).map(states),
        year=groups["quarter"].astype(str).str[:4].astype(int),
    )
    if trade_group is not None:
        g = g[g["trade_group"] == trade_group]
    quarters = g.groupby("year")["quarter"].nunique()
    if not (quarters.reindex(years) == 4).all():
        raise ValueError(f"real turnover changes need four quarters in {years}: {quarters}")
    return g.groupby(["state", "year"])["turnover_base_prices_eur"].sum()
