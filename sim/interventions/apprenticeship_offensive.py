"""Apprenticeship offensive: training bonuses and placement support."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions import register_lever
from sim.interventions.base import Lever, LeverParams


@dataclass
class ApprenticeshipOffensiveParams(LeverParams):
    """Training bonuses and placement support."""

    budget_eur_per_year: float = 2_000_000.0
    bonus_per_new_contract_eur: float = 3_000.0
    intake_rate_gain: float = 0.3  # relative rise of intake in firms reached
    dropout_reduction: float = 0.25  # relative fall of dropout


@register_lever
class ApprenticeshipOffensive(Lever):
    name = "apprenticeship_offensive"
    Params = ApprenticeshipOffensiveParams
    order = 30

    def __init__(self, params, ctx) -> None:
        super().__init__(params, ctx)
        self.coverage = 0.0  # share of the year's (raised) new contracts the budget funds
        self.new_contracts = 0  # in the firms, over the run (funded: coverage x this)

    def results(self) -> dict[str, float | int | list]:
        return {"funded_share_of_new_contracts": self.coverage, "new_contracts": self.new_contracts}

    def init(self) -> None:
        c, ctx = self.params, self.ctx
        firms = np.bincount(ctx.firms.table.district, minlength=len(ctx.region.districts))
        contracts = float((ctx.apprentice_intake_rate * firms).sum()) * (1 + c.intake_rate_gain)
        wanted = c.bonus_per_new_contract_eur * contracts
        self.coverage = min(1.0, c.budget_eur_per_year / wanted) if wanted else 0.0

    def intake_multiplier(self) -> float:
        """Intake rises in the share of contracts the budget can fund (``coverage``)."""
        return 1.0 + self.params.intake_rate_gain * self.coverage

    def dropout_multiplier(self) -> float:
        return 1.0 - self.params.dropout_reduction * self.coverage

    def book_new_contracts(self, intake: np.ndarray) -> None:
        """A training bonus for each funded new contract, never more than the year's budget."""
        self.new_contracts += int(intake.sum())
        if intake.sum() == 0:
            return
        c, ctx = self.params, self.ctx
        per_district = np.bincount(
            ctx.firms.table.district, intake, minlength=ctx.ledger.n_districts
        )
        bonus = per_district * self.coverage * c.bonus_per_new_contract_eur
        if bonus.sum() > c.budget_eur_per_year:
            bonus *= c.budget_eur_per_year / bonus.sum()
        ctx.ledger.add(self.name, bonus)
