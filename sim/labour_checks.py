"""The labour pool's fit: craft persons in the model's first year against the official count's
last counted year (``model.firm.pool_inflow_shortfall_per_year``).

The Handwerkszaehlung counted craft persons (Anlage A and B1, staff including owners, plus
apprentices) for 2021 and 2022: Sachsen-Anhalt -1.00 %, Sachsen -1.17 % (``hindcast_evidence.csv``,
rows ``hwz_persons_change_pct`` [V/S/D]). The pool's inflow shortfall is fitted so that the
model's craft persons in those two states' districts change by their persons-weighted mean in
the model's first year (from the first quarter to the same quarter a year later): the last
counted pace is carried to the base year [E]. Thueringen has no 2022 count; its district runs
at the fitted rate.
"""

from __future__ import annotations

import pandas as pd

from sim.datasets import load_districts
from sim.demography_checks import Check
from sim.validation.hindcast import load_evidence

STATES = {"Sachsen-Anhalt": "sachsen_anhalt", "Sachsen": "sachsen"}


def official_last_year() -> pd.Series:
    """The Handwerkszaehlung's change 2021 -> 2022 (%) per state of ``STATES``."""
    e = load_evidence()
    rows = e[e["measure"] == "hwz_persons_change_pct"].set_index("area")["value"].astype(float)
    return pd.Series({state: rows[key] for state, key in STATES.items()})


def first_year_persons_check(groups: pd.DataFrame) -> list[Check]:
    """The fit row (``fit``): a check of the wiring, not of the model."""
    quarters = sorted(groups["quarter"].unique())
    if len(quarters) < 5:
        return []
    state = load_districts().set_index("district_id")["state"]
    g = groups[groups["quarter"].isin([quarters[0], quarters[4]])]
    g = g.assign(state=g["district_id"].map(state), persons=g["employees"] + g["apprentices"])
    g = g[g["state"].isin(list(STATES))]
    if g.empty:
        return []
    per = g.groupby(["state", "quarter"], observed=True)["persons"].sum().unstack()
    start, end = per[quarters[0]], per[quarters[4]]
    data = official_last_year().reindex(per.index)
    weighted = float((data * start).sum() / start.sum())
    return [
        Check(
            f"craft persons, Sachsen-Anhalt's and Sachsen's districts, first year "
            f"({quarters[0]}->{quarters[4]}, %)",
            "+".join(per.index.str.lower()),
            round(weighted, 3),
            float(100 * (end.sum() / start.sum() - 1)),
            0.5,
            "fitted (model.firm.pool_inflow_shortfall_per_year, on the mean of seeds 0-2); 0.5 "
            "points: a single run's first year moves by about 0.3 points between seeds",
            "Handwerkszaehlung 2021 -> 2022: Sachsen-Anhalt -1.00 %, Sachsen -1.17 % "
            "(hindcast_evidence.csv STALA_ST_HWZ, STALA_SN_HWZ_2022), weighted by the model's "
            "persons",
            "fit",
        )
    ]
