"""Pass/fail checks of the craft market against the chambers' surveys and price statistics.

Same form as ``sim.demography_checks``: data, model, tolerance with its reason, verdict, and
whether the figure was used to fit or only to validate. What was fitted: the capacity headroom
(``model.firm.capacity_slack`` = 1 / 0.80 - 1) to the ZDH's capacity use of Q2 2024, and the
backlog scale to the ZDH's order backlog of the same quarter. Everything here is other data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.costs import cost_weights, hindcast
from sim.datasets import load_trade_groups, read_csv
from sim.demography_checks import Check, chamber_rows
from sim.market import order_backlog_weeks

EVIDENCE = ["topic", "area", "year", "measure", "value"]


def _evidence() -> pd.DataFrame:
    return read_csv("market_evidence.csv", EVIDENCE)


def zdh_survey(data: pd.DataFrame | None = None) -> pd.DataFrame:
    """ZDH business survey quarters with both capacity use (%) and backlog (weeks)."""
    data = _evidence() if data is None else data
    zdh = data[(data["topic"] == "capacity") & (data["area"] == "DE")].copy()
    zdh["quarter"] = zdh["measure"].str.extract(r"(Q\d)$")[0]
    zdh["kind"] = np.where(zdh["measure"].str.contains("auslastung", case=False), "use", "weeks")
    wide = zdh.pivot_table(index=["year", "quarter"], columns="kind", values="value").dropna()
    return wide.reset_index()


def backlog_scale_weeks(data: pd.DataFrame | None = None) -> float:
    """Weeks of backlog per unit of queue ``rho / (1 - rho)``, fitted to ZDH Q2 2024 [S]."""
    z = zdh_survey(data)
    fit = z[(z["year"] == 2024) & (z["quarter"] == "Q2")].iloc[0]
    rho = fit["use"] / 100.0
    return float(fit["weeks"] * (1.0 - rho) / rho)


def _chamber_rows(groups: pd.DataFrame, chamber: str, first_quarters: int) -> pd.DataFrame:
    g = chamber_rows(groups, chamber)
    return g[g["quarter"].isin(sorted(g["quarter"].unique())[:first_quarters])]


def capacity_use_check(groups: pd.DataFrame) -> list[Check]:
    """Capacity use, order backlog: HWK Halle's districts in the model's first year against the
    chamber's survey; the backlog relation against the ZDH quarters not used to fit it."""
    g = _chamber_rows(groups, "hwk_halle", 4)
    if g.empty:
        return []
    data = _evidence()
    halle = data[(data["topic"] == "capacity") & (data["area"] == "HWK_Halle")]
    years = halle["year"].isin([2022, 2023])
    use_data = halle[halle["measure"].str.contains("Auslastung, Q") & years]
    weeks_data = halle[halle["measure"].str.contains("Auftragsreichweite, Q") & years]
    turnover, capacity = g["turnover_eur"].sum(), g["capacity_eur"].sum()
    scale = backlog_scale_weeks(data)
    model_weeks = float(order_backlog_weeks(np.array([turnover]), np.array([capacity]), scale)[0])
    z = zdh_survey(data)
    held_out = z[~((z["year"] == 2024) & (z["quarter"] == "Q2"))]
    predicted = order_backlog_weeks(
        held_out["use"].to_numpy(), np.full(len(held_out), 100.0), scale
    )
    return [
        Check(
            "capacity use (turnover served / turnover possible), HWK Halle districts, first "
            "year (%)",
            "hwk_halle",
            float(use_data["value"].astype(float).mean()),
            float(100 * turnover / capacity),
            5.0,
            "a survey answer (firms' own reading of their capacity use); 5 points",
            "HWK Halle Konjunkturumfrage, Auslastung Q3 2022, Q2 and Q3 2023 [S] "
            "(market_evidence.csv); the headroom was fitted to the ZDH's national figure",
            "validate",
        ),
        Check(
            "order backlog, HWK Halle districts, first year (weeks)",
            "hwk_halle",
            float(weeks_data["value"].astype(float).mean()),
            model_weeks,
            2.0,
            "survey answers of one chamber move by 1-2 weeks between quarters; 2 weeks",
            "HWK Halle Konjunkturumfrage, Auftragsreichweite Q2 and Q3 2023 [S]; backlog from "
            "capacity use by the queue relation fitted to ZDH Q2 2024",
            "validate",
        ),
        Check(
            "order backlog from capacity use, ZDH quarters 2022-2025 not fitted, mean "
            "absolute error (weeks)",
            "DE",
            0.0,
            float(np.abs(predicted - held_out["weeks"].to_numpy()).mean()),
            1.0,
            "the survey's backlog moves by about 1 week between quarters; 1 week",
            f"ZDH Konjunkturbericht, {len(held_out)} quarters with capacity use and "
            "Auftragsreichweite [S/V] (market_evidence.csv)",
            "validate",
        ),
    ]


def price_hindcast_check(kappa: float, speed: float, surplus_share: float) -> list[Check]:
    """The price rule on observed costs 2022-2023 against the 2023 craft price indices.

    Costs: tariff wages (Tarifindex incl. one-off payments), producer prices excluding energy
    (materials), consumer prices (surplus), each an annual average [D/S] (cost_indices.csv,
    market_evidence.csv); utilisation from the ZDH's capacity use (no scarcity: about 80 % in
    both years). The price starts at its unit cost in 2022Q1, so the check is the 2023 change.
    """
    costs = read_csv("cost_indices.csv", ["series", "area", "year", "measure", "value", "kind"])
    annual = costs[costs["kind"] == "annual_avg_change"]

    def series(measure: str, years: list[int]) -> np.ndarray:
        rows = annual[(annual["area"] == "DE") & (annual["measure"] == measure)]
        return rows.set_index("year").loc[years, "value"].astype(float).to_numpy() / 100.0

    years = [2022, 2023]
    wages = series("Tarifverdienste Gesamtwirtschaft mit Sonderzahlungen", years)
    inputs = np.array(
        [series("EPI ohne Energie", [2022])[0], series("EPI ohne Energie (base 2021)", [2023])[0]]
    )
    cpi = _evidence()
    cpi = cpi[(cpi["topic"] == "cpi") & cpi["year"].isin(years)].set_index("year")
    consumer = cpi.loc[years, "value"].astype(float).to_numpy() / 100.0
    groups = load_trade_groups()
    building = groups.loc[["bauhaupt", "ausbau"]]
    share = float(np.average(building["input_share"], weights=building["share_of_firms"]))
    weights = cost_weights(np.array([share]), surplus_share)[0]
    model = float(hindcast(wages, inputs, consumer, np.ones(2), weights, kappa, speed)[0])
    observed = annual[
        annual["measure"].isin(
            [
                "Baupreisindex Wohngebaeude (Neubau, incl. VAT)",
                "Instandhaltung Wohngebaeude Thueringen",
                "Ausbauarbeiten Thueringen",
            ]
        )
        & (annual["year"] == 2023)
    ]["value"].astype(float)
    return [
        Check(
            "craft price change 2023 from costs 2022-2023, building and finishing trades (%)",
            "DE/TH",
            float(observed.mean()),
            model,
            3.0,
            "the observed indices for 2023 spread over 8.5-14.1 %; 3 points",
            "Baupreisindex Wohngebaeude DE, Instandhaltung and Ausbau Thueringen 2023 [D/S]; "
            "costs: Destatis Tarifindex, Erzeugerpreise ohne Energie, VPI [D] "
            "(cost_indices.csv)",
            "validate",
        )
    ]
