"""Would-be owners per district: the persons of founders' and successors' ages.

A founder or an outside buyer of a firm comes from the district's people of founding age. The
number of start-ups per person of those ages is taken as constant (the KfW-Gruendungsmonitor
reports founding as a rate per person of working age), so start-ups and outside successions
follow the size of those cohorts relative to the base year. In the region that cohort shrinks
by about 11 % to 2035: the children of the early-1990s birth collapse reach their thirties.
A family successor (the owner's own child) and an employee successor (the firm's own staff)
do not depend on the district's cohort and are not scaled.

``pool``: persons weighted by the entrants' age distribution (normal, truncated to the owner
ages of ``sim.owner_ages``), one weight per single year of age. ``EntrantPools`` holds the
base-year pools and gives each quarter's ratio to them, raised to ``elasticity`` (1: start-ups
proportional to the cohort; 0: the cohort does not act).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from scipy.stats import norm

if TYPE_CHECKING:
    from sim.config_model import FirmParams


def age_weights(n_ages: int, mean: float, sd: float, ages: tuple[float, float]) -> np.ndarray:
    """``(A,)``: the share of entrants aged ``a`` (in ``[a, a+1)``) under a normal(mean, sd)
    truncated to ``ages`` (lowest, highest)."""
    low, high = ages
    edges = np.clip(np.arange(n_ages + 1, dtype=float), low, high)
    cdf = norm.cdf((edges - mean) / sd)
    weights = np.diff(cdf)
    return weights / weights.sum()


def pool(persons: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``(D,)``: persons ``(D, A)`` weighted by the entrants' age shares ``(A,)``."""
    return persons @ weights


class EntrantPools:
    """Founders' and outside successors' cohorts relative to the base year, per district.

    Args:
        persons: a callable giving the current ``(D, A)`` persons (the population's table).
        fp: the firm parameters: founders' and successors' age (mean, sd) and
            ``entrant_cohort_elasticity``, the exponent on the ratio to the base year.
    """

    def __init__(self, persons: Callable[[], np.ndarray], fp: FirmParams) -> None:
        self._persons = persons
        n_ages = persons().shape[1]
        founder_age = (fp.founder_age_mean, fp.founder_age_sd)
        successor_age = (fp.successor_age_mean, fp.successor_age_sd)
        self._founder_w = age_weights(n_ages, *founder_age, fp.founder_ages)
        self._successor_w = age_weights(n_ages, *successor_age, fp.successor_ages)
        self.elasticity = fp.entrant_cohort_elasticity
        self._base_founders = pool(persons(), self._founder_w)
        self._base_successors = pool(persons(), self._successor_w)

    def _ratio(self, weights: np.ndarray, base: np.ndarray) -> np.ndarray:
        now = pool(self._persons(), weights)
        ratio = np.divide(now, base, out=np.ones_like(base), where=base > 0)
        return ratio**self.elasticity

    def founders(self) -> np.ndarray:
        """``(D,)`` founders' cohort now / in the base year, to the elasticity."""
        return self._ratio(self._founder_w, self._base_founders)

    def outside_successors(self) -> np.ndarray:
        """``(D,)`` successors' cohort now / in the base year, to the elasticity."""
        return self._ratio(self._successor_w, self._base_successors)
