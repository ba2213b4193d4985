"""The levers active in a run, called together: the model talks to this, not to each lever."""

from __future__ import annotations

import math

import numpy as np

from sim.interventions import lever_classes
from sim.interventions.base import Lever, LeverContext


class Interventions:
    """Builds the enabled levers and combines their hooks.

    ``enabled``: lever name -> its typed ``Params``, for the levers switched on. Levers act in
    their ``order``. Multipliers multiply, shares add, succession support passes each case
    through every lever in turn, costs go to one ledger (``ctx.ledger``).
    """

    def __init__(self, enabled: dict, ctx: LeverContext) -> None:
        self.ctx = ctx
        self.levers: list[Lever] = [
            cls(enabled[name], ctx) for name, cls in lever_classes().items() if name in enabled
        ]
        unknown = set(enabled) - set(lever_classes())
        if unknown:
            raise KeyError(f"no lever registered as {sorted(unknown)}")
        for lever in self.levers:
            lever.init()

    @property
    def active(self) -> list[str]:
        return [lever.name for lever in self.levers]

    def start_quarter(self, quarter: int) -> None:
        self.ctx.ledger.start_quarter()
        for lever in self.levers:
            lever.start_quarter(quarter)

    def local_public_share(self) -> float:
        return sum((lever.local_public_share() for lever in self.levers), 0.0)

    def intake_multiplier(self) -> float:
        return math.prod((lever.intake_multiplier() for lever in self.levers), start=1.0)

    def dropout_multiplier(self) -> float:
        return math.prod((lever.dropout_multiplier() for lever in self.levers), start=1.0)

    def book_new_contracts(self, intake: np.ndarray) -> None:
        for lever in self.levers:
            lever.book_new_contracts(intake)

    def book_local_orders(self, eur_by_district: np.ndarray) -> None:
        """The extra public orders of this quarter, split over the levers by their shares."""
        total = self.local_public_share()
        for lever in self.levers:
            if total > 0 and lever.local_public_share() > 0:
                lever.book_local_orders(eur_by_district * lever.local_public_share() / total)

    def support_succession(self, row: int, p: dict[str, float]) -> dict[str, float]:
        for lever in self.levers:
            p = lever.support_succession(row, p)
        return p

    def cost_by_district(self) -> np.ndarray:
        """What all levers spent this quarter, per district (EUR)."""
        return self.ctx.ledger.total.copy()

    def summary(self) -> dict[str, dict]:
        """Per active lever over the run so far: its total cost and what it did (its results)."""
        return {
            lever.name: {"cost_eur": float(self.ctx.ledger.run_total.get(lever.name, 0.0))}
            | lever.results()
            for lever in self.levers
        }
