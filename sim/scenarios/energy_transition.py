"""Energy transition: retrofit, heat-pump and PV work grows as a part of Ausbau demand.

A base share of Ausbau demand is energy-transition work (ZVEH autumn 2023: PV and storage
7.1 %, heat pumps 2.8 %, charging points 4.5 % of electrical-craft turnover [S]; the electrical
trades are part of Ausbau, so ~10 % of Ausbau is the default [E]). That part grows by
``retrofit_growth_per_year``; the rest of Ausbau demand follows households and businesses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.vocabulary import year_of

if TYPE_CHECKING:
    from sim.model import RegionModel


class EnergyTransition:
    def __init__(self, model: RegionModel) -> None:
        self.model = model
        self.cfg = model.cfg.scenario.energy_transition

    def _grown_share(self, quarter: int) -> float:
        years = year_of(quarter) - year_of(self.model.start_quarter)
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
