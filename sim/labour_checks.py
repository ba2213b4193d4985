"""The labour pool's fit and the craft employment checks of the projection's first years.

The fit (``first_year_persons_check``, ``model.firm.pool_inflow_shortfall_per_year``): the
Handwerkszaehlung counted craft persons (Anlage A and B1, staff including owners, plus
apprentices) for 2021 and 2022: Sachsen-Anhalt -1.00 %, Sachsen -1.17 % (``hindcast_evidence.csv``,
rows ``hwz_persons_change_pct`` [V/S/D]). The pool's inflow shortfall is fitted so that the
model's craft persons in those two states' districts change by their persons-weighted mean in
the model's first year (from the first quarter to the same quarter a year later): the last
counted pace is carried to the base year [E]. Thueringen has no 2022 count; its district runs
at the fitted rate.

The checks (``employment_trend_check``): the first year against 2025's observed pace (the
chamber's and the official statistic's; neither used in the fit), the first five years against
the official count's 2016-2022 trend.
"""

from __future__ import annotations

import pandas as pd

from sim.datasets import load_craft_people, load_districts
from sim.demography_checks import Check, first_years
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


def _persons_rate(groups: pd.DataFrame, quarters: int) -> tuple[float, int] | None:
    """Craft persons (staff with owners, and apprentices) in HWK Halle's districts: their change
    a year (%) from the first recorded quarter over at most ``quarters``, and the quarters."""
    counts = first_years(groups, "hwk_halle", ["employees", "apprentices"], quarters)
    if counts is None:
        return None
    start, end, n = counts
    return 100 * ((end.sum() / start.sum()) ** (4 / n) - 1), n


def employment_trend_check(groups: pd.DataFrame) -> list[Check]:
    """Craft employment in HWK Halle's districts (Sachsen-Anhalt's in the model), per year: the
    model's first year against the latest observed year, from the chamber and from the official
    statistic; the first five years against the official count's longer trend.

    The model starts at the end of 2024 and its labour pool is fitted to the Handwerkszaehlung's
    2021 -> 2022 change (``sim.labour_checks``); the 2025 figures were not used. The chamber's
    pace end 2022 -> mid 2025 (-3.6 %/yr) is a slump pace; it is compared where its years are
    simulated, in the hindcast (``sim.validation.hindcast``), not with the projection's years.
    """
    first = _persons_rate(groups, 4)
    five = _persons_rate(groups, 20)
    if first is None or five is None:
        return []
    (rate_first, _), (rate_five, n) = first, five
    c = load_craft_people()
    hwz = c[(c["area"] == "sachsen_anhalt") & (c["measure"] == "persons_employed_hwz")]
    hwz = hwz.set_index("year")["value"]
    hwz_rate = 100 * ((hwz[2022] / hwz[2016]) ** (1 / 6) - 1)
    trend = c[c["topic"] == "craft_employment_trend"]
    chamber_yoy = trend[(trend["area"] == "hwk_halle") & (trend["measure"] == "growth_rate_yoy")]
    official = trend[
        (trend["area"] == "sachsen_anhalt")
        & trend["measure"].str.startswith("hwb_persons_change_yoy_q")
        & (trend["year"] == 2025)
    ]
    return [
        Check(
            "craft persons employed, HWK Halle districts, first year (%/yr)",
            "hwk_halle",
            round(100 * float(chamber_yoy["value"].iloc[0]), 2),
            rate_first,
            1.5,
            "the chamber's latest year (mid 2024 -> mid 2025) against the model's first (2025); "
            "1.5 points: both counts are rounded to 500 (up to 0.8 points on 59,500) and the "
            "windows overlap by half a year",
            "HWK Halle 59,500 (mid 2024) -> 58,000 (mid 2025) [S]; rate [D] (craft_people.csv "
            "SRC_HALLEON_DTS_HWK_HALLE_2025)",
            "validate",
        ),
        Check(
            "craft persons (Anlage A, Handwerksberichterstattung), Sachsen-Anhalt, 2025 "
            "against the model's first year in its districts (%/yr)",
            "hwk_halle",
            round(100 * float(official["value"].astype(float).mean()), 2),
            rate_first,
            1.0,
            "1 point a year, as the hindcast's official row: administrative data, but Anlage A "
            "only and the whole Land (with HWK Magdeburg); the quarters' windows (Q1 2024 -> "
            "Q3 2025) and the model's (2025) overlap",
            "StaLa Sachsen-Anhalt, persons employed at the quarter's end against a year before, "
            "Q1-Q3 2025: -1.9, -1.8, -1.9 % [S]; mean [D] (craft_people.csv STALA_ST_HWB_2025)",
            "validate",
        ),
        Check(
            f"craft persons (Handwerkszaehlung), Sachsen-Anhalt's districts, first {n / 4:g} "
            "years (%/yr)",
            "hwk_halle",
            round(float(hwz_rate), 2),
            rate_five,
            1.0,
            "the official count's 2016-2022 trend against the model's first years; 1 point a "
            "year (the 2021 series break, HwO 2020)",
            "Handwerkszaehlung Sachsen-Anhalt 138,602 (2016) [V] -> 134,865 (2022) [D] "
            "(craft_people.csv); the chamber's own count fell faster (72,000 -> 63,500)",
            "validate",
        ),
    ]
