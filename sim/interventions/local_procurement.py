"""Local procurement: public craft orders split into small lots awarded within the district.

Programme: procurement rules that favour small local firms -- lots sized for them (*Losaufteilung*,
sec. 97(4) GWB and the Länder's Mittelstand and procurement laws) and small awards below the
thresholds -- used for an extra programme of public craft orders (repairs, refurbishment of
public buildings). Unit costs and effect sizes with their ranges and sources:
``sim/data/lever_evidence.csv``.

The orders are public money: the budget pays for them and for the administration of the lot
splitting (``admin_share_of_orders``). Each quarter the lever places as many extra orders as the
budget allows, at most ``public_demand_uplift`` of the public craft demand of the targeted
places and trade groups, and only with firms of the ordering district (``Market``). Every
order is booked as the lever's cost where it is ordered (an upper bound of the spending: an
order that no local firm can take stays unmet but is counted).

The public demand of a quarter is known only once demand is composed, after the lever has set
its share; the lever estimates it from its last quarter's orders (at the start, from the base
year's public craft turnover), so a quarter can overshoot the quarter's budget by the growth of
public demand within a quarter, which the next quarter corrects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.datasets import load_trade_groups
from sim.interventions import register_lever
from sim.interventions.base import Lever, LeverParams
from sim.vocabulary import TRADE_GROUPS


@dataclass
class LocalProcurementParams(LeverParams):
    """Extra public craft orders in small local lots, up to the budget."""

    budget_eur_per_year: float = 10_000_000.0  # orders and their administration
    # at most this share of the public craft demand is awarded in extra local lots [E]
    public_demand_uplift: float = 0.05
    admin_share_of_orders: float = 0.044  # administration per EUR of orders (analogue) [S]


@register_lever
class LocalProcurement(Lever):
    name = "local_procurement"
    Params = LocalProcurementParams
    order = 50

    def __init__(self, params, ctx) -> None:
        super().__init__(params, ctx)
        region = ctx.region
        shape = (region.n_places, len(TRADE_GROUPS))
        self.mask = np.zeros(shape)
        self.mask[np.ix_(self.target_places(), np.isin(np.arange(shape[1]), self.group_codes))] = 1
        self.share = 0.0  # this quarter's share of the targeted public demand
        self.public_per_quarter = self._base_public_demand()
        self.orders_eur = 0.0

    def results(self) -> dict[str, float | int | list]:
        return {"orders_eur": float(self.orders_eur)}

    def _base_public_demand(self) -> float:
        """The targeted public craft demand of a base-year quarter (EUR): the firms' base
        output times each group's public customer share, spread over places by population."""
        ctx = self.ctx
        groups = load_trade_groups()
        output = ctx.firms.base_output_by_group(len(TRADE_GROUPS))
        public = output * groups["customer_public"].to_numpy(float)
        pop = ctx.region.places["population"].to_numpy(float)
        place_share = pop / pop.sum()
        return float((place_share[:, None] * public[None, :] * self.mask).sum())

    def start_quarter(self, quarter: int) -> None:
        """This quarter's share: the budget's orders over the expected public demand, capped."""
        c = self.params
        orders = self.budget_per_year / 4.0 / (1.0 + c.admin_share_of_orders)
        wanted = orders / self.public_per_quarter if self.public_per_quarter > 0 else 0.0
        self.share = min(c.public_demand_uplift, wanted)

    def local_public_share(self) -> np.ndarray:
        """Extra public demand, relative to public demand, per place and trade group."""
        return self.mask * self.share

    def book_local_orders(self, eur_by_district: np.ndarray) -> None:
        """The extra orders and their administration are public spending, booked where ordered;
        the orders tell the public demand they were a share of (next quarter's estimate)."""
        total = float(eur_by_district.sum())
        if self.share > 0 and total > 0:
            self.public_per_quarter = total / self.share
        self.orders_eur += total
        self.ctx.ledger.add(self.name, eur_by_district * (1.0 + self.params.admin_share_of_orders))
