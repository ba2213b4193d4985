"""Rural hubs: regional cooperation centres in rural places (demonstrators, shared workshop).

Programme: the regional cooperation and transfer centres of *Mittelstand-Digital* (formerly
*Mittelstand 4.0-Kompetenzzentren*, BMWK), here as small rural branches: a hub manager who
advises and brokers cooperation, and a shared workshop. Unit costs and effect sizes with their
ranges and sources: ``sim/data/lever_evidence.csv``.

Hubs sit in rural places (of the targeted districts) and serve the firms of rural places and
small towns within their reach (``SERVED``, narrowed by the lever's ``settlement_types``); the
cities' firms have the chambers and institutes next door and are not a rural programme's
clients. The firms a hub has advised within the advice memory are its *users*: they share its
workshop (extra capacity) and learn from its demonstrators each quarter. When the programme
ends, the hubs close and their users lose the workshop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions import register_lever
from sim.interventions.base import Lever, LeverParams
from sim.vocabulary import RURAL, SETTLEMENT_TYPES, TOWN

SERVED = (TOWN, RURAL)  # settlement types whose firms a rural hub may serve


@dataclass
class RuralHubsParams(LeverParams):
    """Rural cooperation centres (a manager and a shared workshop)."""

    budget_eur_per_year: float = 3_000_000.0
    cost_per_hub_year_eur: float = 450_000.0  # a quarter of a Mittelstand 4.0 centre [E]
    hub_reach_minutes: float = 30.0
    advisors_per_hub: float = 1.0  # a hub manager who advises and brokers links [E]
    innovation_gain_per_quarter: float = 0.01  # users learn from the demonstrators [E]
    cooperation_capacity_gain: float = 0.03  # users' extra output from the workshop [E]
    # a firm uses the hub (workshop, demonstrators) for this long after its last advice [E]
    user_memory_quarters: int = 8


@register_lever
class RuralHubs(Lever):
    name = "rural_hubs"
    Params = RuralHubsParams
    order = 40
    settlement_types_served = tuple(SETTLEMENT_TYPES[s] for s in SERVED)

    def __init__(self, params, ctx) -> None:
        super().__init__(params, ctx)
        # the targeted settlement types (town and rural unless narrowed)
        self.served = tuple(
            s for s in SERVED if not params.settlement_types or s in self.settlement_codes
        )
        self.hub_places = np.array([], dtype=int)
        self.hubs: list = []
        self.last_use = np.zeros(0, dtype=int)  # per firm row: last quarter advised by a hub
        self.consultations = 0

    def results(self) -> dict[str, float | int | list]:
        return {"hubs": [h.institution_id for h in self.hubs], "consultations": self.consultations}

    def _choose_places(self) -> list[int]:
        """Rural places of the targeted districts with most served firms within reach."""
        c, region = self.params, self.ctx.region
        n_hubs = int(self.budget_per_year // c.cost_per_hub_year_eur)
        t = self.ctx.firms.table
        places = self.target_places()
        rural = np.flatnonzero((region.place_settlement == RURAL) & places)
        if n_hubs == 0 or len(rural) == 0 or not self.served:
            return []
        mine = self.target_firms() & np.isin(t.settlement, self.served)
        firms_at = np.bincount(t.place[mine], minlength=region.n_places)
        reach = region.minutes[rural] <= c.hub_reach_minutes
        chosen = []
        covered = np.zeros(region.n_places, dtype=bool)
        # greedy: each next hub where it reaches most served firms not yet covered
        for _ in range(min(n_hubs, len(rural))):
            gain = reach @ (firms_at * ~covered)
            best = int(np.argmax(gain))
            if gain[best] <= 0:
                break
            chosen.append(int(rural[best]))
            covered |= reach[best]
        return chosen

    def on_start(self, quarter: int) -> None:
        c, region = self.params, self.ctx.region
        chosen = self._choose_places()
        for place in chosen:
            hub = self.ctx.open_institution(
                f"rural_hub_{region.places.place_id[place]}",
                "rural_hub",
                place,
                c.advisors_per_hub,
                reach_minutes=c.hub_reach_minutes,
                serves_districts=self.district_codes,
                serves_settlements=self.served,
            )
            hub.advise = self._recording(hub.advise)
            self.hubs.append(hub)
        self.hub_places = np.array(chosen, dtype=int)

    def _recording(self, advise):
        """The hub's advice, noting its users (the firms it advised) for the workshop."""

        def advise_and_note(quarter: int, rng: np.random.Generator, u: np.ndarray) -> np.ndarray:
            rows = advise(quarter, rng, u)
            if len(self.last_use) < len(self.ctx.firms.table):
                grown = np.full(len(self.ctx.firms.table), -(10**6), dtype=int)
                grown[: len(self.last_use)] = self.last_use
                self.last_use = grown
            self.last_use[rows] = quarter
            self.consultations += len(rows)
            return rows

        return advise_and_note

    def on_end(self, quarter: int) -> None:
        """The hubs close: no more advice, and the users lose the shared workshop."""
        for hub in self.hubs:
            hub.add_advisors(-hub.advisors)
        self._workshop([])
        self.hubs = []
        self.hub_places = np.array([], dtype=int)

    def users(self, quarter: int) -> np.ndarray:
        """Live firm rows advised by a hub within the last ``user_memory_quarters``."""
        t = self.ctx.firms.table
        recent = np.zeros(len(t), dtype=bool)
        n = min(len(self.last_use), len(t))
        recent[:n] = quarter - self.last_use[:n] < self.params.user_memory_quarters
        return np.flatnonzero(recent & t.alive)

    def start_quarter(self, quarter: int) -> None:
        """Hubs are paid; their users learn and share the workshop."""
        if not self.hubs:
            return
        c, ctx = self.params, self.ctx
        hub_district = ctx.region.place_district[self.hub_places]
        ctx.ledger.add_at(self.name, hub_district, c.cost_per_hub_year_eur / 4.0)
        users = self.users(quarter)
        ctx.firms.learn(users, c.innovation_gain_per_quarter)
        self._workshop(users)

    def _workshop(self, users) -> None:
        """Only current users share the workshop: lapsed users (and, when the programme ends,
        all) lose the bonus, through ``CraftFirms.withdraw_capacity_bonus`` where the firms
        have that writer (issue 13 hook); without it, a firm keeps its bonus once granted."""
        firms = self.ctx.firms
        users = np.asarray(users, dtype=int)
        withdraw = getattr(firms, "withdraw_capacity_bonus", None)
        if withdraw is not None:
            had = np.flatnonzero(firms.table.capacity_bonus > 0)
            withdraw(np.setdiff1d(had, users))
        firms.grant_capacity_bonus(users, self.params.cooperation_capacity_gain)
