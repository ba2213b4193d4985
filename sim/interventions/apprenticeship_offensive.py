"""Apprenticeship offensive: a training bonus per new apprenticeship contract.

Programmes: the federal *Ausbildungsprämie* of the "Bundesprogramm Ausbildungsplätze sichern"
(2020-2023: 2,000-6,000 EUR per contract) and its forerunner, the *Ausbildungsbonus* (2008-2010).
Unit cost and effect size with their ranges and sources: ``sim/data/lever_evidence.csv``.

The budget funds ``budget / bonus`` new contracts a year in the targeted firms. Of the funded
contracts, the share ``additional_share_of_funded_contracts`` (``a``) exists only because of
the bonus (the rest is deadweight, which the evaluations measure), so the year's intake rises by
``a x funded`` contracts: the intake multiplier of a district is ``1 + a x funded_d /
expected_d`` with ``expected_d`` the district's expected contracts. The model's apprentice
intake takes one multiplier per district, so within a district the extra contracts are spread
over all firms, in proportion to their staff (the bonus is booked for the targeted firms'
contracts only). Dropout is unchanged by default: the bonus programmes did not address it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions import register_lever
from sim.interventions.base import Lever, LeverParams


@dataclass
class ApprenticeshipOffensiveParams(LeverParams):
    """A training bonus per new contract in the targeted firms, up to the budget."""

    budget_eur_per_year: float = 2_000_000.0
    bonus_per_new_contract_eur: float = 4_000.0  # Ausbildungsprämie 2021 (keep level) [S]
    # share of funded contracts that the bonus causes (1 - deadweight; Ausbildungsbonus [S])
    additional_share_of_funded_contracts: float = 0.29
    dropout_reduction: float = 0.0  # relative fall of dropout where all contracts are funded


@register_lever
class ApprenticeshipOffensive(Lever):
    name = "apprenticeship_offensive"
    Params = ApprenticeshipOffensiveParams
    order = 30

    def __init__(self, params, ctx) -> None:
        super().__init__(params, ctx)
        n_d = len(ctx.region.districts)
        self.multiplier = np.ones(n_d)
        self.funded_share = 0.0  # share of the targeted firms' contracts the budget funds
        self.new_contracts = 0  # in the targeted firms, over the run
        self.funded_contracts = 0.0  # bonuses paid, over the run

    def results(self) -> dict[str, float | int | list]:
        return {
            "funded_share_of_new_contracts": float(self.funded_share),
            "new_contracts": self.new_contracts,
            "funded_contracts": float(self.funded_contracts),
        }

    def _expected(self, mask: np.ndarray) -> np.ndarray:
        """Expected new contracts a year per district among the firms in ``mask``."""
        t, ctx = self.ctx.firms.table, self.ctx
        n_d = len(self.multiplier)
        alive = t.alive
        staff_d = np.bincount(t.district[alive], t.staff[alive], minlength=n_d)
        firms_d = np.bincount(t.district[alive], minlength=n_d)
        mean_staff = np.maximum(staff_d / np.maximum(firms_d, 1), 1.0)
        weight = np.where(mask, t.staff / mean_staff[t.district], 0.0)
        rate = ctx.apprentice_intake_rate
        return np.bincount(t.district, weight, minlength=n_d) * rate

    def start_quarter(self, quarter: int) -> None:
        """Before each training year: how many contracts the budget funds, per district."""
        c = self.params
        target = self.target_firms()
        expected_target = self._expected(target)  # before the bonus
        expected_all = self._expected(self.ctx.firms.table.alive)
        a = c.additional_share_of_funded_contracts
        # funded contracts include the extra ones the bonus brings: E / (1 - a) at full cover
        wanted = expected_target.sum() / max(1.0 - a, 1e-9)
        funded = min(self.budget_per_year / c.bonus_per_new_contract_eur, wanted)
        self.funded_share = funded / wanted if wanted > 0 else 0.0
        funded_d = expected_target / max(1.0 - a, 1e-9) * self.funded_share
        extra = a * funded_d
        self.multiplier = 1.0 + np.divide(
            extra, expected_all, out=np.zeros_like(extra), where=expected_all > 0
        )

    def intake_multiplier(self) -> np.ndarray:
        return self.multiplier

    def dropout_multiplier(self) -> float:
        return 1.0 - self.params.dropout_reduction * self.funded_share

    def book_new_contracts(self, intake: np.ndarray) -> None:
        """A bonus for each funded new contract of the targeted firms, never more than the
        year's budget (all contracts start in Q3, the training year's start)."""
        if intake.sum() == 0:
            return
        c, ctx = self.params, self.ctx
        target = self.target_firms()
        mine = np.where(target[: len(intake)], intake, 0)
        self.new_contracts += int(mine.sum())
        per_district = np.bincount(ctx.firms.table.district, mine, minlength=ctx.ledger.n_districts)
        bonus = per_district * self.funded_share * c.bonus_per_new_contract_eur
        if bonus.sum() > self.budget_per_year:
            bonus *= self.budget_per_year / bonus.sum()
        self.funded_contracts += bonus.sum() / c.bonus_per_new_contract_eur
        ctx.ledger.add(self.name, bonus)
