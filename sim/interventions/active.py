"""The levers active in a run, called together: the model talks to this, not to each lever."""

from __future__ import annotations

import math

import numpy as np
from omegaconf import DictConfig, OmegaConf

from sim.interventions import lever_classes
from sim.interventions.base import Lever, LeverContext


def lever_params(section, params_class):
    """A lever's config section as its typed ``Params`` (a DictConfig or a dataclass)."""
    if isinstance(section, DictConfig):
        return OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(params_class), section))
    return section


class Interventions:
    """Builds the enabled levers from ``cfg.intervention`` and combines their hooks.

    Multipliers multiply, shares add, succession support passes each case through every lever
    in turn, costs go to one ledger (``ctx.ledger``).
    """

    def __init__(self, intervention_cfg, ctx: LeverContext) -> None:
        self.ctx = ctx
        self.levers: list[Lever] = []
        for name, cls in lever_classes().items():
            section = getattr(intervention_cfg, name, None)  # a lever registered later: off
            if section is None or not section.enabled:
                continue
            self.levers.append(cls(lever_params(section, cls.Params), ctx))
        for lever in self.levers:
            lever.init()

    @property
    def active(self) -> list[str]:
        return [lever.name for lever in self.levers]

    def start_quarter(self, quarter: int) -> None:
        self.ctx.ledger.reset()
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

    def support_succession(self, row: int, p: dict[str, float]) -> dict[str, float]:
        for lever in self.levers:
            p = lever.support_succession(row, p)
        return p

    def cost_by_district(self) -> np.ndarray:
        """What all levers spent this quarter, per district (EUR)."""
        return self.ctx.ledger.total.copy()

    def cost_by_lever(self) -> dict[str, np.ndarray]:
        return {name: cost.copy() for name, cost in self.ctx.ledger.by_lever.items()}
