"""Innovation transfer: more chamber advisors and digitalisation vouchers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions import register_lever
from sim.interventions.base import Lever, LeverParams


@dataclass
class InnovationTransferParams(LeverParams):
    """More chamber / transfer-centre advisors and digitalisation vouchers."""

    budget_eur_per_year: float = 2_000_000.0
    cost_per_advisor_year_eur: float = 90_000.0
    voucher_share_of_budget: float = 0.3
    voucher_eur: float = 10_000.0
    voucher_innovation_gain: float = 0.05


@register_lever
class InnovationTransfer(Lever):
    name = "innovation_transfer"
    Params = InnovationTransferParams
    order = 10

    def __init__(self, params, ctx) -> None:
        super().__init__(params, ctx)
        self.advisors_added = 0.0
        self.vouchers_issued = 0

    def results(self) -> dict[str, float | int | list]:
        return {"advisors_added": self.advisors_added, "vouchers_issued": self.vouchers_issued}

    def init(self) -> None:
        """Extra advisors go to the chambers in proportion to their current advisors."""
        c = self.params
        extra = (
            c.budget_eur_per_year * (1 - c.voucher_share_of_budget) / c.cost_per_advisor_year_eur
        )
        chambers = self.ctx.chambers()
        total = sum(i.advisors for i in chambers)
        for inst in chambers:
            inst.add_advisors(extra * inst.advisors / total)
        self.advisors_added = extra if chambers else 0.0

    def start_quarter(self, quarter: int) -> None:
        """Advisors are paid; vouchers go to applicants (the less digitalised apply more [E])."""
        c, ctx = self.params, self.ctx
        t = ctx.firms.table
        advisor_cost = c.budget_eur_per_year * (1 - c.voucher_share_of_budget) / 4.0
        ctx.ledger.spread_over_firms(self.name, advisor_cost, t.alive)
        n_vouchers = int(c.budget_eur_per_year * c.voucher_share_of_budget / c.voucher_eur / 4)
        rng = ctx.streams.for_quarter("vouchers", quarter)
        u = rng.random(len(t))
        candidates = np.flatnonzero(t.alive)
        if n_vouchers and len(candidates):
            w = 1.0 - t.innovation[candidates]
            key = np.log(np.maximum(u[candidates], 1e-300)) / np.maximum(w, 1e-12)
            n = min(n_vouchers, len(candidates))
            got = candidates[np.argpartition(-key, n - 1)[:n]]
            ctx.firms.learn(got, c.voucher_innovation_gain)
            ctx.ledger.add_for_firms(self.name, got, c.voucher_eur)
            self.vouchers_issued += len(got)
