"""Policy interventions: the levers a chamber or ministry can fund, each with a budget.

Each lever is switched on by selecting its config (``intervention=innovation_transfer`` or a
list to combine them). The model calls the hooks below at fixed points of its step; each lever
books what it actually spends per district and quarter (never more than its budget), so the
comparison can report cost per job kept and per EUR of value added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents.transfer import TransferInstitution
from sim.config import active_interventions
from sim.vocabulary import RURAL

if TYPE_CHECKING:
    from sim.model import RegionModel


class Interventions:
    def __init__(self, model: RegionModel) -> None:
        self.model = model
        self.cfg = model.cfg.intervention
        self.active = active_interventions(self.cfg)
        n_districts = len(model.region.districts)
        self._cost = np.zeros(n_districts)
        self._succession_cases_left = 0
        self.hubs: list[TransferInstitution] = []
        if "innovation_transfer" in self.active:
            self._add_advisors()
        if "rural_hubs" in self.active:
            self._open_hubs()
        self.apprentice_coverage = 0.0
        if "apprenticeship_offensive" in self.active:
            c = self.cfg.apprenticeship_offensive
            # the budget funds bonuses for this share of the (raised) new contracts a year
            firms = np.bincount(model.firms.table.district, minlength=n_districts)
            contracts = float((model.apprentice_intake_rate * firms).sum()) * (
                1 + c.intake_rate_gain
            )
            wanted = c.bonus_per_new_contract_eur * contracts
            self.apprentice_coverage = min(1.0, c.budget_eur_per_year / wanted) if wanted else 0.0

    # ---- set-up -----------------------------------------------------------------------------
    def _add_advisors(self) -> None:
        """Extra advisors go to the chambers in proportion to their current advisors."""
        c = self.cfg.innovation_transfer
        extra = (
            c.budget_eur_per_year * (1 - c.voucher_share_of_budget) / c.cost_per_advisor_year_eur
        )
        chambers = [i for i in self.model.institutions if i.kind == "chamber"]
        total = sum(i.advisors for i in chambers)
        for inst in chambers:
            inst.advisors += extra * inst.advisors / total

    def _open_hubs(self) -> None:
        """Hubs at the rural places with most craft firms within reach (one per place)."""
        m, c = self.model, self.cfg.rural_hubs
        n_hubs = int(c.budget_eur_per_year // c.cost_per_hub_year_eur)
        t = m.firms.table
        rural = np.flatnonzero(m.region.place_settlement == RURAL)
        if n_hubs == 0 or len(rural) == 0:
            return
        firms_at = np.bincount(t.place[t.alive], minlength=m.region.n_places)
        reach = m.region.minutes[rural] <= c.hub_reach_minutes
        chosen = []
        covered = np.zeros(m.region.n_places, dtype=bool)
        # greedy: each next hub where it reaches most firms not yet covered
        for _ in range(min(n_hubs, len(rural))):
            gain = reach @ (firms_at * ~covered)
            best = int(np.argmax(gain))
            if gain[best] <= 0:
                break
            chosen.append(rural[best])
            covered |= reach[best]
        for place in chosen:
            hub = TransferInstitution(
                m,
                f"rural_hub_{m.region.places.place_id[place]}",
                "rural_hub",
                int(place),
                c.advisors_per_hub,
                None,
                reach_minutes=c.hub_reach_minutes,
            )
            self.hubs.append(hub)
            m.institutions.append(hub)
        near = covered[t.place] & t.alive
        t.capacity_bonus[near] += c.cooperation_capacity_gain
        self.hub_places = np.array(chosen, dtype=int)

    # ---- hooks called by the model ----------------------------------------------------------
    def start_quarter(self, quarter: int) -> None:
        m = self.model
        self._cost = np.zeros(len(m.region.districts))
        t = m.firms.table
        if "innovation_transfer" in self.active:
            c = self.cfg.innovation_transfer
            advisor_cost = c.budget_eur_per_year * (1 - c.voucher_share_of_budget) / 4.0
            self._book_by_firms(advisor_cost, t.alive)
            n_vouchers = int(c.budget_eur_per_year * c.voucher_share_of_budget / c.voucher_eur / 4)
            rng = m.streams.for_quarter("vouchers", quarter)
            u = rng.random(len(t))
            candidates = np.flatnonzero(t.alive)
            if n_vouchers and len(candidates):
                # vouchers go to applicants: the less digitalised firms apply more [E]
                w = 1.0 - t.innovation[candidates]
                key = np.log(np.maximum(u[candidates], 1e-300)) / np.maximum(w, 1e-12)
                n = min(n_vouchers, len(candidates))
                got = candidates[np.argpartition(-key, n - 1)[:n]]
                t.innovation[got] += c.voucher_innovation_gain * (1 - t.innovation[got])
                self._book_rows(c.voucher_eur, got)
        if "succession_support" in self.active:
            c = self.cfg.succession_support
            self._succession_cases_left = int(c.budget_eur_per_year / 4 / c.cost_per_case_eur)
        if "rural_hubs" in self.active and self.hubs:
            c = self.cfg.rural_hubs
            hub_district = m.region.place_district[self.hub_places]
            np.add.at(self._cost, hub_district, c.cost_per_hub_year_eur / 4.0)
            near = np.isin(t.place, self._hub_reach()) & t.alive
            t.innovation[near] += c.innovation_gain_per_quarter * (1 - t.innovation[near])
            # firms founded near a hub since it opened join its shared workshop as well
            t.capacity_bonus[near] = np.maximum(t.capacity_bonus[near], c.cooperation_capacity_gain)
        if "local_procurement" in self.active:
            c = self.cfg.local_procurement
            pop = m.household_stats["population"]
            self._cost += c.budget_eur_per_year / 4.0 * pop / pop.sum()

    def _hub_reach(self) -> np.ndarray:
        reach = self.model.region.minutes[self.hub_places] <= self.cfg.rural_hubs.hub_reach_minutes
        return np.flatnonzero(reach.any(axis=0))

    def intake_multiplier(self) -> float:
        """Intake rises in the share of contracts the budget can fund (``apprentice_coverage``)."""
        gain = self.cfg.apprenticeship_offensive.intake_rate_gain
        return 1.0 + gain * self.apprentice_coverage

    def dropout_multiplier(self) -> float:
        reduction = self.cfg.apprenticeship_offensive.dropout_reduction
        return 1.0 - reduction * self.apprentice_coverage

    def book_new_contracts(self, intake: np.ndarray) -> None:
        """A training bonus for each funded new contract, never more than the year's budget."""
        if "apprenticeship_offensive" not in self.active or intake.sum() == 0:
            return
        c = self.cfg.apprenticeship_offensive
        t = self.model.firms.table
        per_district = np.bincount(t.district, intake, minlength=len(self._cost))
        bonus = per_district * self.apprentice_coverage * c.bonus_per_new_contract_eur
        if bonus.sum() > c.budget_eur_per_year:
            bonus *= c.budget_eur_per_year / bonus.sum()
        self._cost += bonus

    def succession_probabilities(self, row: int, p: dict[str, float]) -> dict[str, float]:
        """Supported cases: the exchange finds an employee or external buyer more often."""
        if "succession_support" not in self.active or self._succession_cases_left <= 0:
            return p
        c = self.cfg.succession_support
        self._succession_cases_left -= 1
        self._book_rows(c.cost_per_case_eur, np.array([row]))
        closure = max(0.0, 1.0 - sum(p.values()))
        out = dict(p)
        out["external"] += c.external_match_gain * closure
        return out

    def local_public_share(self) -> float:
        """Extra public demand, relative to public demand, awarded within the buyer's district.

        Lots split so that small local firms can bid bring work to the crafts that would
        otherwise go to large general contractors; these orders go only to firms of the
        ordering district (see ``Market``).
        """
        if "local_procurement" not in self.active:
            return 0.0
        return self.cfg.local_procurement.public_demand_uplift

    def cost_by_district(self) -> np.ndarray:
        return self._cost.copy()

    # ---- book-keeping -----------------------------------------------------------------------
    def _book_rows(self, eur_each: float, rows: np.ndarray) -> None:
        t = self.model.firms.table
        np.add.at(self._cost, t.district[rows], eur_each)

    def _book_by_firms(self, eur: float, mask: np.ndarray) -> None:
        t = self.model.firms.table
        n = np.bincount(t.district[mask], minlength=len(self._cost)).astype(float)
        if n.sum() > 0:
            self._cost += eur * n / n.sum()
