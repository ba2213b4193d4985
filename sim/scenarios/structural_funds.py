"""Structural funds (InvKG): public investment per district, part of which is craft work.

``sim/data/structural_funds.csv`` gives each district's allocation for 2020-2038. By the end of
2024 only about 5.5 % of the programme had been paid out (IWH/RWI interim evaluation 2025, [S]),
so the model spreads the unpaid 94.5 % evenly over 2025-2038 [E]; ``craft_share_of_funds`` of it
becomes public demand for Bauhaupt and Ausbau in the district's places, by population.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.datasets import DATA_DIR, load_structural_funds
from sim.scenarios.base import ScenarioProcess
from sim.vocabulary import year_of

PAID_BY_2024 = 0.055  # IWH/RWI interim evaluation, 05.11.2025 [S]
SPEND_YEARS = (2025, 2038)  # programme end (InvKG s1) [V*]
FUNDS_MIX = {"bauhaupt": 0.6, "ausbau": 0.4}  # funded projects are mainly construction [E]


class StructuralFunds(ScenarioProcess):
    """Args: cfg: ``scenario.structural_funds``; districts: the modelled districts;
    place_district: district index per place; place_share_in_district: each place's share of
    its district's population (funded projects are spread by population)."""

    name = "structural_funds"

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
        districts = districts["district_id"]
        years = SPEND_YEARS[1] - SPEND_YEARS[0] + 1
        per_quarter = funds.reindex(districts).fillna(0.0).to_numpy() * 1e6 * (1 - PAID_BY_2024)
        self.per_quarter_district = per_quarter / years / 4.0
        self.source = DATA_DIR / "structural_funds.csv"

    def exogenous_demand(self, quarter: int) -> dict[str, dict[str, np.ndarray]]:
        return {"public": self.public_demand(quarter)}

    def public_demand(self, quarter: int) -> dict[str, np.ndarray]:
        """Craft demand from funded projects per trade group and place (EUR per quarter)."""
        n = len(self.place_district)
        if not self.cfg.enabled or not SPEND_YEARS[0] <= int(year_of(quarter)) <= SPEND_YEARS[1]:
            return {g: np.zeros(n) for g in FUNDS_MIX}
        district_total = self.per_quarter_district * self.cfg.craft_share_of_funds * self.cfg.scale
        by_place = district_total[self.place_district] * self.place_share_in_district
        return {g: by_place * share for g, share in FUNDS_MIX.items()}
