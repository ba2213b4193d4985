"""Energy transition: retrofit, heat-pump and PV work grows as a part of Ausbau demand.

A base share of Ausbau demand is energy-transition work (ZVEH autumn 2023: PV and storage
7.1 %, heat pumps 2.8 %, charging points 4.5 % of electrical-craft turnover [S]; the electrical
trades are part of Ausbau, so ~10 % of Ausbau is the default [E]). That part grows by
``retrofit_growth_per_year``; the rest of Ausbau demand follows households and businesses.
"""

from __future__ import annotations

from sim.scenarios.base import DemandParts, ScenarioProcess
from sim.vocabulary import AUSBAU, year_of


class EnergyTransition(ScenarioProcess):
    """Args: cfg: ``scenario.energy_transition``; start_quarter: the first simulated quarter."""

    name = "energy_transition"

    def __init__(self, cfg, start_quarter: int) -> None:
        self.cfg = cfg
        self.first_quarter = start_quarter

    def _grown_share(self, quarter: int) -> float:
        years = year_of(quarter) - year_of(self.first_quarter)
        return (
            self.cfg.base_share_of_ausbau_demand
            * (1.0 + self.cfg.retrofit_growth_per_year) ** years
        )

    def segment_share(self, quarter: int) -> float:
        """Share of (grown) Ausbau demand that is energy-transition work."""
        if not self.cfg.enabled:
            return self.cfg.base_share_of_ausbau_demand
        return self._grown_share(quarter) / self.ausbau_multiplier(quarter)

    def ausbau_multiplier(self, quarter: int) -> float:
        """Ausbau demand relative to what households and businesses alone would ask for."""
        if not self.cfg.enabled:
            return 1.0
        share = self.cfg.base_share_of_ausbau_demand
        return 1.0 - share + self._grown_share(quarter)

    def shape_demand(self, quarter: int, parts: DemandParts) -> None:
        """Households' and businesses' Ausbau demand grows; its energy part is the segment."""
        energy = self.ausbau_multiplier(quarter)
        parts.household[:, AUSBAU] *= energy
        parts.business[:, AUSBAU] *= energy
        parts.segment[:, AUSBAU] = (
            parts.household[:, AUSBAU] + parts.business[:, AUSBAU]
        ) * self.segment_share(quarter)
