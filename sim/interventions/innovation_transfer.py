"""Innovation transfer: the chambers' innovation advisors and digitalisation grants.

Programmes: the chambers' innovation and technology advisors (BIT, *Beauftragte für Innovation
und Technologie*, co-funded by the BMWK and the Länder) and investment grants for digital
projects modelled on *Digital Jetzt* (BMWK) and the *Digitalbonus* (Bayern). Unit costs and
effect sizes with their ranges and sources: ``sim/data/lever_evidence.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions import register_lever
from sim.interventions.base import Lever, LeverParams


@dataclass
class InnovationTransferParams(LeverParams):
    """Innovation advisors at the chambers and digitalisation grants (vouchers)."""

    budget_eur_per_year: float = 2_000_000.0
    # full employer cost of one advisor; the public share of a BIT position is 40,500 [V]
    cost_per_advisor_year_eur: float = 80_000.0
    voucher_share_of_budget: float = 0.5
    voucher_eur: float = 10_000.0  # Digitalbonus Standard grant (up to 10,000 EUR) [S]
    # a grant co-funds a digital project that closes this share of the firm's innovation gap
    voucher_innovation_gain: float = 0.09


@register_lever
class InnovationTransfer(Lever):
    name = "innovation_transfer"
    Params = InnovationTransferParams
    order = 10

    def __init__(self, params, ctx) -> None:
        super().__init__(params, ctx)
        self.advisors: list = []  # one advisory office at each chamber serving the target
        self.advisors_added = 0.0
        self.vouchers_issued = 0
        self.voucher_eur_spent = 0.0
        self._voucher_carry = 0.0  # fractions of a grant carried to the next quarter
        self.recipients: list[np.ndarray] = []  # firm rows granted, per quarter (for checks)

    def results(self) -> dict[str, float | int | list]:
        return {
            "advisors_added": float(self.advisors_added),
            "vouchers_issued": self.vouchers_issued,
            "voucher_eur": self.voucher_eur_spent,
        }

    @property
    def _advisor_budget(self) -> float:
        return self.budget_per_year * (1 - self.params.voucher_share_of_budget)

    def on_start(self, quarter: int) -> None:
        """Advisors join each chamber that serves targeted districts, in proportion to its own
        advisors, as an office at the chamber's seat serving only the targeted districts and
        settlement types (the chambers' other advice is unchanged)."""
        c, ctx = self.params, self.ctx
        if self.advisors:  # the programme runs again: the offices exist
            return
        extra = self._advisor_budget / c.cost_per_advisor_year_eur
        chambers = []
        for inst in ctx.chambers():
            serves = inst.serves_districts
            own = (
                self.district_codes
                if serves is None
                else np.intersect1d(serves, self.district_codes)
            )
            if len(own) and inst.advisors > 0:
                chambers.append((inst, own))
        total = sum(inst.advisors for inst, _ in chambers)
        for inst, own in chambers:
            self.advisors.append(
                ctx.open_institution(
                    f"{inst.institution_id}_innovation_advisors",
                    "innovation_advisors",
                    inst.place,
                    extra * inst.advisors / total,
                    reach_minutes=inst.reach_minutes,
                    serves_districts=own,
                    serves_settlements=tuple(int(s) for s in self.settlement_codes),
                )
            )
        self.advisors_added = extra if chambers else 0.0

    def on_end(self, quarter: int) -> None:
        """The advisors' posts end with the programme."""
        for office in self.advisors:
            office.add_advisors(-office.advisors)
        self.advisors = []

    def start_quarter(self, quarter: int) -> None:
        """Advisors are paid; grants go to applicants among the targeted firms (the less
        digitalised apply more [E]), at most the quarter's voucher budget."""
        c, ctx = self.params, self.ctx
        t = ctx.firms.table
        target = self.target_firms()
        if self.advisors_added > 0:
            ctx.ledger.spread_over_firms(self.name, self._advisor_budget / 4.0, target)
        if quarter % 4 == 0:  # fractions carry over within a year: never above its budget
            self._voucher_carry = 0.0
        self._voucher_carry += self.budget_per_year * c.voucher_share_of_budget / c.voucher_eur / 4
        n_vouchers = int(self._voucher_carry)
        rng = ctx.streams.for_quarter("vouchers", quarter)
        u = rng.random(len(t))
        candidates = np.flatnonzero(target)
        n = min(n_vouchers, len(candidates))
        if n == 0:
            return
        self._voucher_carry -= n
        w = 1.0 - t.innovation[candidates]
        key = np.log(np.maximum(u[candidates], 1e-300)) / np.maximum(w, 1e-12)
        got = candidates[np.argpartition(-key, n - 1)[:n]]
        ctx.firms.learn(got, c.voucher_innovation_gain)
        ctx.ledger.add_for_firms(self.name, got, c.voucher_eur)
        self.vouchers_issued += len(got)
        self.recipients.append(got)
        self.voucher_eur_spent += len(got) * c.voucher_eur
