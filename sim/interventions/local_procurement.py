"""Local procurement: municipal orders awarded to firms within the district."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions import register_lever
from sim.interventions.base import Lever, LeverParams


@dataclass
class LocalProcurementParams(LeverParams):
    """Municipal orders awarded to firms within the district (lots sized for small firms)."""

    budget_eur_per_year: float = 500_000.0  # administration of the lot splitting
    # extra public demand reaching crafts; it is public money and booked as the lever's cost
    public_demand_uplift: float = 0.05


@register_lever
class LocalProcurement(Lever):
    name = "local_procurement"
    Params = LocalProcurementParams
    order = 50

    def start_quarter(self, quarter: int) -> None:
        """The administration of the lot splitting, booked by population."""
        pop = self.ctx.population()
        self.ctx.ledger.add(self.name, self.params.budget_eur_per_year / 4.0 * pop / pop.sum())

    def book_local_orders(self, eur_by_district: np.ndarray) -> None:
        """The extra public orders are public spending: booked where they are ordered."""
        self.ctx.ledger.add(self.name, eur_by_district)

    def local_public_share(self) -> float:
        """Extra public demand, relative to public demand, awarded within the buyer's district.

        Lots split so that small local firms can bid bring work to the crafts that would
        otherwise go to large general contractors; these orders go only to firms of the
        ordering district (see ``Market``).
        """
        return self.params.public_demand_uplift
