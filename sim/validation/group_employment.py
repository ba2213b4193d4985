"""The hindcast's craft persons by trade group: do the building trades shed the most?

The official quarterly statistic of Sachsen-Anhalt gives the persons employed at the end of Q4
2024 against Q4 2023 for each of the seven trade groups of the zulassungspflichtige Handwerk
(``hindcast_evidence.csv``, measures ``hwb_persons_change_pct_yoy_<group>`` [S]): Bauhaupt
-3.8 %, Ausbau -2.1 %, the five other groups from +0.2 % (motor trades) to -2.6 %; all Anlage A
-2.1 %. The model's construction cycle scales only the building trades' demand; the other
groups move with people, incomes and the shared labour pool. So the rows test the pattern
across trades, not only the total, which the state rows of ``sim.validation.hindcast`` test.

Two rows, the building trades and the five others: a single group's one-year change in the
model's Sachsen-Anhalt districts moves by 2-6 points between seeds (the food and health trades
have 1,600-2,800 persons there), so a row per group would be decided by the seed. The data of
a set are the groups' changes weighted by the model's persons of each group in the state at
the start of the year [E: the model's group sizes stand for the Land's Anlage A ones]. None of
these figures is used in a fit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.datasets import load_districts
from sim.demography_checks import Check
from sim.vocabulary import TRADE_GROUPS

MEASURE = "hwb_persons_change_pct_yoy_"
STATE = "Sachsen-Anhalt"
FROM_QUARTER, TO_QUARTER = "2023Q4", "2024Q4"
TOLERANCE = 1.5
WHY = (
    "1.5 points in one year, as the other one-year rows of a state: Anlage A only and the "
    "whole Land (with HWK Magdeburg), against all trades of the model's HWK Halle districts"
)


def persons_by_group(groups: pd.DataFrame, state: str, quarters: list[str]) -> pd.DataFrame:
    """Trade group x quarter: craft persons (staff with owners, and apprentices) in ``state``'s
    districts at the end of each of ``quarters``."""
    states = load_districts().set_index("district_id")["state"]
    g = groups[groups["district_id"].astype(str).map(states) == state]
    g = g[g["quarter"].astype(str).isin(quarters)]
    persons = g.assign(persons=g["employees"] + g["apprentices"])
    table = persons.groupby(["trade_group", "quarter"], observed=True)["persons"].sum()
    return table.unstack("quarter")


SETS = {
    "building trades (Bauhaupt, Ausbau)": ("bauhaupt", "ausbau"),
    "the five other trade groups": tuple(
        g for g in TRADE_GROUPS if g not in ("bauhaupt", "ausbau")
    ),
}


def group_employment_checks(groups: pd.DataFrame, evidence: pd.DataFrame) -> list[Check]:
    """One row per set of ``SETS`` whose groups all have a figure in ``evidence`` (its
    ``validate`` rows): the model's change Q4 2023 -> Q4 2024 in the state's districts against
    the official changes weighted by the model's persons at Q4 2023; none when the run holds
    neither quarter or not the state."""
    rows = evidence[evidence["measure"].str.startswith(MEASURE)]
    data = rows.set_index(rows["measure"].str.removeprefix(MEASURE))["value"].astype(float)
    table = persons_by_group(groups, STATE, [FROM_QUARTER, TO_QUARTER])
    if table.empty or not {FROM_QUARTER, TO_QUARTER} <= set(table.columns.astype(str)):
        return []
    table.columns = table.columns.astype(str)
    source = rows.iloc[0] if len(rows) else None
    out = []
    for label, members in SETS.items():
        if source is None or not set(members) <= set(data.index) & set(table.index):
            continue
        start = table.loc[list(members), FROM_QUARTER]
        end = table.loc[list(members), TO_QUARTER]
        observed = float(np.average(data[list(members)], weights=start))
        figures = ", ".join(f"{g} {data[g]:+.1f}" for g in members)
        out.append(
            Check(
                f"hindcast: persons employed, {label}, {STATE} ({source['unit']}), model "
                f"{FROM_QUARTER}->{TO_QUARTER}",
                STATE,
                round(observed, 3),
                100 * (end.sum() / start.sum() - 1),
                TOLERANCE,
                WHY,
                f"hindcast_evidence.csv {source['source_id']} [{source['tag']}]: {figures} % "
                "(StaLa Sachsen-Anhalt, Q4 2024 against Q4 2023, Anlage A), weighted by the "
                "model's persons at Q4 2023 [E]",
                "validate",
            )
        )
    return out
