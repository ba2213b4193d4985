"""Structural funds (InvKG Finanzhilfen): public investment per district on the programme's
schedule, part of which is craft work.

``sim/data/structural_funds.csv`` gives each district's allocation for 2020-2038 and
``structural_funds_periods.csv`` the law's three funding periods (InvKG s6: the Revier's 1,100,
900 and 800 M EUR for 2020-2026, 2027-2032 and 2033-2038). Each period's money is committed
evenly over its quarters and paid ``payout_lag_years`` later (4 years: with that lag, 5.6 % of
the Revier's money is paid by the end of 2024, as observed for all coal regions, 5.5 %, IWH/RWI
interim evaluation 2025 [S]; the lag is fitted to it [D]); payouts after ``payout_end_year``
lapse. A district receives its allocation in the same proportions over time. Of each payout,
``craft_share_of_funds`` becomes public demand for Bauhaupt and Ausbau in the district's places,
by population. See ``sim/data/SOURCES_coal.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.datasets import DATA_DIR, load_structural_funds, read_csv
from sim.scenarios.base import ScenarioProcess
from sim.vocabulary import parse_quarter

PERIODS_FILE = "structural_funds_periods.csv"


def payout_schedule(periods: pd.DataFrame, lag_years: float, end_year: int) -> dict[int, float]:
    """Quarter index -> share of the Revier's total money paid in that quarter.

    Each period's money is committed evenly over the quarters of its years and paid
    ``round(4 * lag_years)`` quarters later; quarters after ``end_year`` pay nothing (that money
    lapses), so the shares sum to at most 1.
    """
    total = float(periods["revier_eur_million"].sum())
    lag = int(round(4 * lag_years))
    last = parse_quarter(f"{int(end_year)}Q4")
    out: dict[int, float] = {}
    for p in periods.itertuples():
        first_q = parse_quarter(f"{int(p.first_year)}Q1")
        n = 4 * (int(p.last_year) - int(p.first_year) + 1)
        per_quarter = float(p.revier_eur_million) / total / n
        for q in range(first_q + lag, first_q + lag + n):
            if q <= last:
                out[q] = out.get(q, 0.0) + per_quarter
    return out


class StructuralFunds(ScenarioProcess):
    """Args: cfg: ``scenario.structural_funds``; districts: the modelled districts;
    place_district: district index per place; place_share_in_district: each place's share of
    its district's population (funded projects are spread by population)."""

    name = "structural_funds"
    demand_in_base_prices = False  # InvKG money is a nominal budget

    def __init__(
        self,
        cfg,
        districts: pd.DataFrame,
        place_district: np.ndarray,
        place_share_in_district: np.ndarray,
    ) -> None:
        self.cfg = cfg
        self.place_district = place_district
        self.place_share_in_district = place_share_in_district
        funds = load_structural_funds()
        funds = funds.set_index("district_id")["funds_eur_million_2020_2038"]
        self.allocation_eur = (
            funds.reindex(districts["district_id"]).fillna(0.0).to_numpy() * 1e6
        )  # per modelled district, 2020-2038
        periods = read_csv(
            PERIODS_FILE, ["period", "first_year", "last_year", "revier_eur_million"]
        )
        self.schedule = payout_schedule(periods, cfg.payout_lag_years, cfg.payout_end_year)
        self.source = DATA_DIR / "structural_funds.csv"

    def exogenous_demand(self, quarter: int) -> dict[str, dict[str, np.ndarray]]:
        return {"public": self.public_demand(quarter)}

    def paid(self, quarter: int) -> np.ndarray:
        """Money paid out to projects in each district this quarter (EUR)."""
        if not self.cfg.enabled:
            return np.zeros_like(self.allocation_eur)
        return self.allocation_eur * self.schedule.get(quarter, 0.0) * self.cfg.scale

    def public_demand(self, quarter: int) -> dict[str, np.ndarray]:
        """Craft demand from funded projects per trade group and place (EUR per quarter)."""
        district_total = self.paid(quarter) * self.cfg.craft_share_of_funds
        by_place = district_total[self.place_district] * self.place_share_in_district
        bauhaupt = self.cfg.bauhaupt_share_of_craft_work  # the rest is Ausbau [E]
        return {"bauhaupt": by_place * bauhaupt, "ausbau": by_place * (1.0 - bauhaupt)}
