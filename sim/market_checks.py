"""Pass/fail checks of the craft market against the chambers' surveys (issue 13, first rows).

Same form as ``sim.demography_checks``: data, model, tolerance with its reason, verdict, and
whether the figure was used to fit (none here) or only to validate.
"""

from __future__ import annotations

import pandas as pd

from sim.datasets import load_districts, read_csv
from sim.demography_checks import Check


def capacity_use_check(groups: pd.DataFrame) -> list[Check]:
    """Turnover served relative to the turnover the firms could serve, HWK Halle's districts,
    the model's first year, against the chamber's business survey (Auslastung, Q3 2022 and
    Q3 2023: 83 % [S], ``market_evidence.csv``)."""
    d = load_districts()
    g = groups[groups["district_id"].isin(d.loc[d["chamber"] == "hwk_halle", "district_id"])]
    g = g[g["quarter"].isin(sorted(g["quarter"].unique())[:4])]
    if g.empty:
        return []
    data = read_csv("market_evidence.csv", ["topic", "area", "year", "measure", "value"])
    halle = data[(data["topic"] == "capacity") & (data["area"] == "HWK_Halle")]
    q3 = halle[halle["measure"].str.contains("Auslastung, Q3") & halle["year"].isin([2022, 2023])]
    use = 100 * g["turnover_eur"].sum() / g["capacity_eur"].sum()
    return [
        Check(
            "capacity use (turnover served / turnover possible), HWK Halle districts, first "
            "year (%)",
            "hwk_halle",
            float(q3["value"].astype(float).mean()),
            float(use),
            5.0,
            "a survey answer (firms' own reading of their capacity use); 5 points",
            "HWK Halle Konjunkturumfrage, Auslastung Q3 2022 and Q3 2023: 83 % [S] "
            "(market_evidence.csv)",
            "validate",
        )
    ]
