"""Succession support: the chambers' succession advice and a takeover grant.

Programmes: the chambers' succession moderators and business exchanges (*Nachfolgemoderation*,
*Betriebsbörsen*, nexxt-change) and a takeover grant modelled on the *Meistergründungsprämie*
(NRW 7,500 EUR; Thüringen 5,000 EUR plus 2,500 EUR with an extra job). Unit costs and effect
sizes with their ranges and sources: ``sim/data/lever_evidence.csv``.

Each retiring owner of a targeted firm is a case while the quarter's budget lasts (in the random
order of the succession phase). A case costs the advice; the grant is paid for the case's
expected external takeover (the lever sees route probabilities, not the draw, so it books the
expected grant: unbiased over cases). The effect is set by the grant's additionality ``a``:
of the supported takeovers, the share ``a`` would not have happened without the support, so
the external route rises from ``p_ext`` to ``p_ext / (1 - a)``, taken from the closure
probability.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions import register_lever
from sim.interventions.base import Lever, LeverParams


@dataclass
class SuccessionSupportParams(LeverParams):
    """Succession advice by the chambers and a takeover grant for external successors."""

    budget_eur_per_year: float = 1_500_000.0
    advice_cost_per_case_eur: float = 2_000.0  # a moderator's time per case [E]
    grant_per_takeover_eur: float = 7_500.0  # Meistergründungsprämie NRW [S]
    # share of supported takeovers that the support causes (1 - deadweight)
    additional_share_of_takeovers: float = 0.53


@register_lever
class SuccessionSupport(Lever):
    name = "succession_support"
    Params = SuccessionSupportParams
    order = 20

    def __init__(self, params, ctx) -> None:
        super().__init__(params, ctx)
        self.budget_left = 0.0
        self.cases_supported = 0
        self.grants_expected = 0.0  # expected takeovers funded (grants paid)
        self.extra_takeovers_expected = 0.0  # of which caused by the support
        self._target = np.zeros(0, dtype=bool)

    def results(self) -> dict[str, float | int | list]:
        return {
            "cases_supported": self.cases_supported,
            "grants_paid": float(self.grants_expected),
            "extra_takeovers": float(self.extra_takeovers_expected),
        }

    def start_quarter(self, quarter: int) -> None:
        """The quarter's budget; unused money lapses at the quarter's end."""
        self.budget_left = self.budget_per_year / 4.0
        self._target = self.target_firms()

    def support_succession(self, row: int, p: dict[str, float]) -> dict[str, float]:
        """A supported case: an external buyer is found more often (see the module doc)."""
        c = self.params
        if row >= len(self._target) or not self._target[row]:
            return p
        closure = max(0.0, 1.0 - sum(p.values()))
        a = c.additional_share_of_takeovers
        external = min(p["external"] / (1.0 - a) if a < 1 else np.inf, p["external"] + closure)
        cost = c.advice_cost_per_case_eur + c.grant_per_takeover_eur * external
        if cost > self.budget_left:
            return p
        self.budget_left -= cost
        self.cases_supported += 1
        self.grants_expected += external
        self.extra_takeovers_expected += external - p["external"]
        self.ctx.ledger.add_for_firms(self.name, np.array([row]), cost)
        return {**p, "external": external}
