"""The hindcast's craft persons by trade group: which trades shed staff in the slump.

The official quarterly statistic of Sachsen-Anhalt gives the persons employed at the end of Q4
2024 against Q4 2023 for each of the seven trade groups of the zulassungspflichtige Handwerk
(``hindcast_evidence.csv``, measures ``hwb_persons_change_pct_yoy_<group>`` [S]): the building
trades lost most (Bauhaupt -3.8 %), the motor trades gained (+0.2 %), all Anlage A -2.1 %. The
model's construction cycle scales only the building trades' demand; the other groups move with
people, incomes and the shared labour pool. So the rows test the pattern across trades, not
only the total, which the state rows of ``sim.validation.hindcast`` test. None of these figures
is used in a fit.
"""

from __future__ import annotations

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
    "whole Land (with HWK Magdeburg), against all trades of the model's HWK Halle districts; "
    "a group's stock is smaller than the state's, so its change moves more between seeds "
    "(model_sd)"
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


def group_employment_checks(groups: pd.DataFrame, evidence: pd.DataFrame) -> list[Check]:
    """One row per trade group with a figure in ``evidence`` (its ``validate`` rows, the area
    as a key ``sachsen_anhalt``): the model's change Q4 2023 -> Q4 2024 in the state's districts
    against the official one; none when the run holds neither quarter or not the state."""
    rows = evidence[evidence["measure"].str.startswith(MEASURE)]
    table = persons_by_group(groups, STATE, [FROM_QUARTER, TO_QUARTER])
    if table.empty or not {FROM_QUARTER, TO_QUARTER} <= set(table.columns.astype(str)):
        return []
    table.columns = table.columns.astype(str)
    out = []
    for group in TRADE_GROUPS:
        row = rows[rows["measure"] == MEASURE + group]
        if row.empty or group not in table.index:
            continue
        row = row.iloc[0]
        start, end = table.loc[group, FROM_QUARTER], table.loc[group, TO_QUARTER]
        out.append(
            Check(
                f"hindcast: persons employed, {group}, {STATE} ({row['unit']}), model "
                f"{FROM_QUARTER}->{TO_QUARTER}",
                STATE,
                float(row["value"]),
                100 * (end / start - 1) if start > 0 else float("nan"),
                TOLERANCE,
                WHY,
                f"hindcast_evidence.csv {row['source_id']} [{row['tag']}]: {row['note']}",
                "validate",
            )
        )
    return out
