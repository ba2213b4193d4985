"""Succession support: the chambers' succession exchange, matching and transfer grants."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions import register_lever
from sim.interventions.base import Lever, LeverParams


@dataclass
class SuccessionSupportParams(LeverParams):
    """Succession exchange, matching and transfer grants by the chambers."""

    budget_eur_per_year: float = 1_500_000.0
    cost_per_case_eur: float = 15_000.0
    external_match_gain: float = 0.25  # added probability of an external/employee successor


@register_lever
class SuccessionSupport(Lever):
    name = "succession_support"
    Params = SuccessionSupportParams
    order = 20

    def __init__(self, params, ctx) -> None:
        super().__init__(params, ctx)
        self.cases_left = 0
        self.cases_supported = 0

    def results(self) -> dict[str, float | int | list]:
        return {"cases_supported": self.cases_supported}

    def start_quarter(self, quarter: int) -> None:
        """The quarter's budget funds this many cases."""
        c = self.params
        self.cases_left = int(c.budget_eur_per_year / 4 / c.cost_per_case_eur)

    def support_succession(self, row: int, p: dict[str, float]) -> dict[str, float]:
        """Supported cases: the exchange finds an employee or external buyer more often."""
        if self.cases_left <= 0:
            return p
        c = self.params
        self.cases_left -= 1
        self.cases_supported += 1
        self.ctx.ledger.add_for_firms(self.name, np.array([row]), c.cost_per_case_eur)
        closure = max(0.0, 1.0 - sum(p.values()))
        out = dict(p)
        out["external"] += c.external_match_gain * closure
        return out
