"""What every scenario process may do: the hooks the model calls, in the order of its phases.

A scenario process is an exogenous path the study varies (coal exit, demographic decline,
structural funds, energy transition). It gets its config section and the collaborators it
needs at construction, never the model. The model calls, each quarter and for every process
in ``SCENARIO_ORDER`` (``sim/scenarios/__init__.py``):

1. ``start_quarter(q)`` -- change the world before anyone acts (households age and move, sites
   close);
2. ``demand_cycle(q)`` -- factors on the base demand parts by trade group, before the
   scenarios' own orders are added (the construction cycle);
3. ``exogenous_demand(q)`` -- craft demand the process itself brings, added to the business or
   public part (``{"business": {trade_group: EUR per place}}``);
4. ``shape_demand(q, parts)`` -- change the composed demand parts in place (the energy
   transition enlarges Ausbau demand and marks its know-how segment);
5. ``released_workers()`` -- workers per district the process set free this quarter, part of
   whom join the crafts' labour pool.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class DemandParts:
    """Demand of one quarter by customer, origin place x trade group (EUR this quarter).

    ``segment`` (energy-transition work) and ``local`` (local procurement) are parts of the
    total that the market allocates first, see ``sim.market.Market.clear``.
    """

    household: np.ndarray
    business: np.ndarray
    public: np.ndarray
    local: np.ndarray
    segment: np.ndarray

    @property
    def total(self) -> np.ndarray:
        return self.household + self.business + self.public + self.local


class ScenarioProcess:
    """Base class: every hook does nothing; a process overrides the ones it uses."""

    name: str = ""
    # whether ``exogenous_demand`` is in base-year prices (a quantity: the craft price is paid
    # on top, e.g. a site's maintenance orders) or nominal euros (a budget: it buys less work
    # when craft prices rise, e.g. structural funds)
    demand_in_base_prices: bool = True

    def start_quarter(self, quarter: int) -> None:
        """Exogenous change at the start of the quarter."""

    def demand_cycle(self, quarter: int) -> dict[str, np.ndarray]:
        """Part (household, business, public) -> ``(G,)`` factor on its base demand."""
        return {}

    def exogenous_demand(self, quarter: int) -> dict[str, dict[str, np.ndarray]]:
        """Craft demand the process brings: part -> trade group -> EUR per place."""
        return {}

    def shape_demand(self, quarter: int, parts: DemandParts) -> None:
        """Change this quarter's demand parts in place."""

    def released_workers(self) -> np.ndarray | None:
        """Workers set free this quarter per district (None: none)."""
        return None
