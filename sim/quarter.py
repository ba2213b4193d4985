"""What one quarter's phases hand on to the next ones (``RegionModel.step`` makes it anew)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.metrics import QuarterFlows
from sim.scenarios.base import DemandParts


@dataclass
class Quarter:
    """What one quarter's phases hand on to the next ones (made anew every step)."""

    q: int
    demand: DemandParts | None = None
    prices: np.ndarray | None = None  # (D, G) craft price index the demand was bought at
    cleared: dict[str, np.ndarray] = field(default_factory=dict)
    accounts: dict[str, np.ndarray] = field(default_factory=dict)
    value_added: np.ndarray | None = None
    labour: dict[str, np.ndarray] = field(default_factory=dict)
    labour_flows: dict[str, np.ndarray] = field(default_factory=dict)
    workforce: dict[str, np.ndarray] = field(default_factory=dict)  # employees' ages per cell
    events: dict[str, np.ndarray] = field(default_factory=dict)

    def flows(
        self, district_stats: dict[str, np.ndarray], intervention_cost: np.ndarray
    ) -> QuarterFlows:
        """What the recorder keeps of this quarter."""
        return QuarterFlows(
            revenue=self.cleared["revenue"],
            value_added=self.value_added,
            wages=self.accounts["wages"],
            inputs=self.accounts["inputs"],
            inputs_base_prices=self.accounts["inputs_base_prices"],
            volume=self.accounts["volume"],
            capacity=self.accounts["capacity"],
            demand=self.demand.total,
            served=self.cleared["served"],
            unmet=self.cleared["unmet"],
            household_demand=self.demand.household,
            business_demand=self.demand.business,
            district_stats=district_stats,
            events=self.events,
            labour=self.labour_flows,
            workforce=self.workforce,
            intervention_cost_eur=intervention_cost,
        )
