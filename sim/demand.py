"""Craft demand per place and trade group: households, businesses, the public sector.

Quantities at base-year prices times the price they are bought at: total demand answers the
craft price relative to consumer prices, households' spending (their income and ages) and the
population. Base-year demand is fitted so that it equals the firms' base output (plus the base
year's excess demand), split by customer type (``trade_groups.csv``); households' part follows
their spending, businesses' part the working-age population, the public part the population.
The scenario processes scale the base parts (the construction cycle), add their own demand
(coal sector, structural funds) and shape it (energy transition); a lever may award extra
public orders locally.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.agents.household import Households
from sim.region import Region
from sim.scenarios.base import DemandParts, ScenarioProcess
from sim.vocabulary import TRADE_GROUPS


def population_shares(region: Region) -> tuple[np.ndarray, np.ndarray]:
    """Each place's share of the region's and of its district's population."""
    pop = region.places["population"].to_numpy(float)
    district_pop = np.bincount(region.place_district, pop)
    return pop / pop.sum(), pop / district_pop[region.place_district]


class CraftDemand:
    """Args:
    groups: ``trade_groups.csv`` (customer shares per group).
    region: the places.
    households: whose spending is the private demand.
    scenarios: the scenario processes, in the order they act.
    base_output_by_group: the firms' base-year output per group (EUR per quarter).
    base_excess_demand: base-year demand above that output (``model.base_excess_demand``).
    base_stats: the households' base-year summary (population, working-age population).
    start_quarter: the first simulated quarter.
    """

    def __init__(
        self,
        groups: pd.DataFrame,
        region: Region,
        households: Households,
        scenarios: Sequence[ScenarioProcess],
        base_output_by_group: np.ndarray,
        base_excess_demand: float,
        base_stats: dict[str, np.ndarray],
        start_quarter: int,
        demand_price_elasticity: float,
        public_price_elasticity: float,
    ) -> None:
        self.region = region
        self.demand_price_elasticity = demand_price_elasticity
        self.public_price_elasticity = public_price_elasticity
        self.households = households
        self.scenarios = scenarios
        self.base_population = base_stats["population"].copy()
        self.base_working_age = base_stats["working_age_population"].copy()
        output = base_output_by_group * (1.0 + base_excess_demand)
        private = output * groups["customer_private"].to_numpy(float)
        business = output * groups["customer_business"].to_numpy(float)
        public = output * groups["customer_public"].to_numpy(float)
        # spending shares are fitted to the base year (docs/ODD.md, calibration)
        self.spend_share = private / households.spending().sum()
        place_share, _ = population_shares(region)
        # the scenarios' own base-year demand is part of the fitted total, not on top of it
        own = [s.exogenous_demand(start_quarter) for s in scenarios]
        self.business_base = np.zeros((region.n_places, len(TRADE_GROUPS)))
        self.public_base = np.zeros_like(self.business_base)
        for gi, name in enumerate(TRADE_GROUPS):
            coal_g = sum(o["business"][name].sum() for o in own if name in o.get("business", {}))
            funds_g = sum(o["public"][name].sum() for o in own if name in o.get("public", {}))
            self.business_base[:, gi] = max(business[gi] - coal_g, 0.0) * place_share
            self.public_base[:, gi] = max(public[gi] - funds_g, 0.0) * place_share

    def add_shaper(self, process: ScenarioProcess) -> None:
        """A process whose ``shape_demand`` acts after the scenarios' (the hindcast's observed
        output); added after the market's calibration, so the base year is not rescaled."""
        self.scenarios = (*self.scenarios, process)

    def base_total(self, quarter: int, stats: dict[str, np.ndarray]) -> np.ndarray:
        """Demand of ``quarter`` (place x group) at base-year prices, no lever's orders."""
        n = (len(self.region.districts), len(TRADE_GROUPS))
        return self.compose(quarter, stats, 0.0, np.ones(n), 1.0, with_cycle=False).total

    def compose(
        self,
        quarter: int,
        stats: dict[str, np.ndarray],
        local_share: float,
        prices: np.ndarray,
        consumer_index: float,
        with_cycle: bool = True,
    ) -> DemandParts:
        """This quarter's demand parts (origin place x trade group, nominal EUR).

        ``stats``: the households' summary this quarter; ``local_share``: extra public demand
        awarded within the ordering district, relative to public demand (a lever's);
        ``prices``: ``(D, G)`` craft price index of each district's firms (last quarter's);
        ``consumer_index``: the consumer price index G. Each part is a quantity at base-year
        prices times the price it is bought at: households' and businesses' quantity falls with
        the craft price relative to consumer prices (``demand_price_elasticity``), the public
        budget's with ``public_price_elasticity``; the scenarios' own orders are fixed
        quantities, or nominal budgets (``ScenarioProcess.demand_in_base_prices``).
        ``with_cycle``: whether the scenarios' cycle factors (``ScenarioProcess.demand_cycle``)
        scale the base parts; the market's calibration composes the base year without them.
        """
        hh = self.households
        spend_place = hh.by_place(hh.spending())
        household = spend_place[:, None] * self.spend_share[None, :]
        district_idx = self.region.place_district
        pop_index = stats["population"] / self.base_population
        work_index = stats["working_age_population"] / self.base_working_age
        business = self.business_base * work_index[district_idx][:, None]
        public = self.public_base * pop_index[district_idx][:, None]
        if with_cycle:  # the construction cycle scales the base parts, not the scenarios' orders
            for scenario in self.scenarios:
                factors = scenario.demand_cycle(quarter)
                household = household * factors.get("household", 1.0)
                business = business * factors.get("business", 1.0)
                public = public * factors.get("public", 1.0)
        price = prices[district_idx]  # (P, G): the price customers of each place face
        relative = price / consumer_index
        private_factor = price * relative ** (-self.demand_price_elasticity)
        public_factor = price * relative ** (-self.public_price_elasticity)
        public = public * public_factor
        parts = DemandParts(
            household=household * private_factor,
            business=business * private_factor,
            public=public,
            local=public * local_share,  # before the scenarios' public demand is added
            segment=np.zeros_like(household),
        )
        for scenario in self.scenarios:
            paid = price if scenario.demand_in_base_prices else np.ones_like(price)
            for part, by_group in scenario.exogenous_demand(quarter).items():
                target = getattr(parts, part)
                for gi, name in enumerate(TRADE_GROUPS):
                    if name in by_group:
                        target[:, gi] += by_group[name] * paid[:, gi]
        for scenario in self.scenarios:
            scenario.shape_demand(quarter, parts)
        return parts
