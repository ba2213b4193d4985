"""The levers active in a run, called together: the model talks to this, not to each lever."""

from __future__ import annotations

import numpy as np

from sim.interventions import lever_classes
from sim.interventions.base import Lever, LeverContext


class Interventions:
    """Builds the enabled levers and combines their hooks.

    ``enabled``: lever name -> its typed ``Params``, for the levers switched on. Levers act in
    their ``order``, and only in the years they run (``start_year`` to ``end_year``; outside
    them every hook is neutral). Multipliers multiply, shares add, succession support passes
    each case through every lever in turn, costs go to one ledger (``ctx.ledger``).
    """

    def __init__(self, enabled: dict, ctx: LeverContext) -> None:
        self.ctx = ctx
        unknown = set(enabled) - set(lever_classes())
        if unknown:
            raise KeyError(f"no lever registered as {sorted(unknown)}")
        self.levers: list[Lever] = [
            cls(enabled[name], ctx) for name, cls in lever_classes().items() if name in enabled
        ]
        for lever in self.levers:
            lever.init()

    @property
    def active(self) -> list[str]:
        """The levers of this run (whether or not they run this quarter)."""
        return [lever.name for lever in self.levers]

    def _running(self) -> list[Lever]:
        return [lever for lever in self.levers if lever.active]

    def start_quarter(self, quarter: int) -> None:
        self.ctx.ledger.start_quarter()
        for lever in self.levers:
            lever.begin_quarter(quarter)

    def local_public_share(self) -> float | np.ndarray:
        """Extra local public demand relative to public demand: a number, or places x groups."""
        return sum((lever.local_public_share() for lever in self._running()), 0.0)

    def intake_multiplier(self) -> float | np.ndarray:
        """Apprentice intake multiplier: a number, or one per modelled district."""
        out: float | np.ndarray = 1.0
        for lever in self._running():
            out = out * lever.intake_multiplier()
        return out

    def dropout_multiplier(self) -> float:
        out = 1.0
        for lever in self._running():
            out *= lever.dropout_multiplier()
        return out

    def book_new_contracts(self, intake: np.ndarray) -> None:
        for lever in self._running():
            lever.book_new_contracts(intake)

    def book_local_orders(self, eur_by_district: np.ndarray) -> None:
        """The extra public orders of this quarter, split over the levers by their shares."""
        shares = [(lever, lever.local_public_share()) for lever in self._running()]
        shares = [(lever, float(np.mean(s))) for lever, s in shares if np.any(np.asarray(s) > 0)]
        total = sum(s for _, s in shares)
        for lever, share in shares:
            lever.book_local_orders(eur_by_district * share / total)

    def support_succession(self, row: int, p: dict[str, float]) -> dict[str, float]:
        for lever in self._running():
            p = lever.support_succession(row, p)
        return p

    def cost_by_district(self) -> np.ndarray:
        """What all levers spent this quarter, per district (EUR)."""
        return self.ctx.ledger.total.copy()

    def summary(self) -> dict[str, dict]:
        """Per lever over the run so far: its total cost, the budget share of the modelled
        region, and what it did (its results)."""
        return {
            lever.name: {
                "cost_eur": float(self.ctx.ledger.run_total.get(lever.name, 0.0)),
                "budget_share_of_region": lever.budget_share,
            }
            | lever.results()
            for lever in self.levers
        }
