"""Rural hubs: cooperation and innovation places (shared workshops, Kooperationsorte).

Hubs sit in rural places and serve the firms of rural places and small towns within their
reach (``SERVED``); the cities' firms have the chambers and institutes next door and are not
a rural programme's clients.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions import register_lever
from sim.interventions.base import Lever, LeverParams
from sim.vocabulary import RURAL, TOWN

SERVED = (TOWN, RURAL)  # settlement types whose firms a rural hub serves


@dataclass
class RuralHubsParams(LeverParams):
    """Rural cooperation and innovation places (shared workshops, Kooperationsorte)."""

    budget_eur_per_year: float = 1_500_000.0
    cost_per_hub_year_eur: float = 250_000.0
    hub_reach_minutes: float = 30.0
    advisors_per_hub: float = 1.0  # a hub manager who advises and brokers links [E]
    innovation_gain_per_quarter: float = 0.01
    cooperation_capacity_gain: float = 0.03


@register_lever
class RuralHubs(Lever):
    name = "rural_hubs"
    Params = RuralHubsParams
    order = 40

    def __init__(self, params, ctx) -> None:
        super().__init__(params, ctx)
        self.hub_places = np.array([], dtype=int)
        self.hubs: list = []

    def results(self) -> dict[str, float | int | list]:
        return {"hubs": [h.institution_id for h in self.hubs]}

    def init(self) -> None:
        """Hubs at the rural places with most craft firms within reach (one per place)."""
        c, region = self.params, self.ctx.region
        n_hubs = int(c.budget_eur_per_year // c.cost_per_hub_year_eur)
        t = self.ctx.firms.table
        rural = np.flatnonzero(region.place_settlement == RURAL)
        if n_hubs == 0 or len(rural) == 0:
            return
        firms_at = np.bincount(t.place[t.alive], minlength=region.n_places)
        served = np.isin(region.place_settlement, SERVED)
        reach = (region.minutes[rural] <= c.hub_reach_minutes) & served[None, :]
        chosen = []
        covered = np.zeros(region.n_places, dtype=bool)
        # greedy: each next hub where it reaches most firms not yet covered
        for _ in range(min(n_hubs, len(rural))):
            gain = reach @ (firms_at * ~covered)
            best = int(np.argmax(gain))
            if gain[best] <= 0:
                break
            chosen.append(rural[best])
            covered |= reach[best]
        for place in chosen:
            self.hubs.append(
                self.ctx.open_institution(
                    f"rural_hub_{region.places.place_id[place]}",
                    "rural_hub",
                    int(place),
                    c.advisors_per_hub,
                    reach_minutes=c.hub_reach_minutes,
                    serves_settlements=SERVED,
                )
            )
        near = covered[t.place] & t.alive
        self.ctx.firms.grant_capacity_bonus(near, c.cooperation_capacity_gain)
        self.hub_places = np.array(chosen, dtype=int)

    def _hub_reach(self) -> np.ndarray:
        """The places a hub serves: rural places and small towns within its reach."""
        region = self.ctx.region
        reach = region.minutes[self.hub_places] <= self.params.hub_reach_minutes
        served = np.isin(region.place_settlement, SERVED)
        return np.flatnonzero(reach.any(axis=0) & served)

    def start_quarter(self, quarter: int) -> None:
        """Hubs are paid; firms within reach learn and share the workshop."""
        if not self.hubs:
            return
        c, ctx = self.params, self.ctx
        t = ctx.firms.table
        hub_district = ctx.region.place_district[self.hub_places]
        ctx.ledger.add_at(self.name, hub_district, c.cost_per_hub_year_eur / 4.0)
        near = np.isin(t.place, self._hub_reach()) & t.alive
        ctx.firms.learn(near, c.innovation_gain_per_quarter)
        # firms founded near a hub since it opened join its shared workshop as well
        ctx.firms.grant_capacity_bonus(near, c.cooperation_capacity_gain)
