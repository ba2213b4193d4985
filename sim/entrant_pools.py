"""Would-be owners per district: the persons of founders' and outside successors' ages.

A founder or an outside buyer of a firm comes from the district's people of founding age. The
entry rate per person of each single year of age is constant at the base year's (the
KfW-Gruendungsmonitor reports founding as a rate per person, by age group): the base year's
entrants are spread over ages as the entrants' age profile ``w`` (normal, truncated to the
configured bounds), so the rate at age ``a`` is proportional to ``w_a / persons0_a``. An
entrant now is therefore aged ``a`` in proportion to ``w_a x persons_a / persons0_a``, and the
entrants' number relative to the base year is the sum of those weights (the baseline's
figures are in the ODD, section 7.11).

A family successor (the owner's own child) and an employee successor (the firm's own staff)
do not come from the district's cohort: their number and ages are not scaled.

``entrant_cohort_elasticity`` is the exponent on each age's ratio ``persons_a / persons0_a``
(1: entry proportional to the persons of each age; 0: the cohort does not act, neither on the
number nor on the ages).
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


def relative_weights(
    persons: np.ndarray, base: np.ndarray, profile: np.ndarray, elasticity: float
) -> np.ndarray:
    """``(D, A)``: entrants by district and single year of age relative to the base year's
    total: ``profile_a x (persons_a / base_a) ** elasticity`` (an age without base-year
    persons keeps its profile weight). Rows sum to the entrants' number relative to the base
    year."""
    ratio = np.divide(persons, base, out=np.ones_like(persons, dtype=float), where=base > 0)
    return profile[None, :] * ratio**elasticity


def ages_from_weights(
    weights: np.ndarray, u: np.ndarray, bounds: tuple[float, float]
) -> np.ndarray:
    """``(R,)`` ages for the uniforms ``u`` ``(R,)``, each from its row of ``weights``
    ``(R, A)`` (by single year of age, even within the year's part inside ``bounds``, the
    lowest and highest age of ``age_weights``): the inverse of the piecewise linear CDF, so
    one uniform gives the year and the place in it. A row without weight has no age (NaN)."""
    cdf = np.cumsum(weights, axis=1)
    total = cdf[:, -1]
    target = u * total
    # the years whose CDF is passed (a year without weight is skipped), at most the oldest
    # year with weight
    oldest = weights.shape[1] - 1 - np.argmax(weights[:, ::-1] > 0, axis=1)
    year = np.minimum((cdf <= target[:, None]).sum(axis=1), oldest)
    rows = np.arange(len(u))
    below = np.where(year > 0, cdf[rows, np.maximum(year - 1, 0)], 0.0)
    in_year = weights[rows, year]
    within = np.clip(
        np.divide(target - below, in_year, out=np.full(len(u), 0.5), where=in_year > 0), 0, 1
    )
    # a year cut by a bound holds its weight only inside the bound (age_weights truncates there)
    low, high = bounds
    start = np.maximum(year, low)
    end = np.maximum(np.minimum(year + 1.0, high), start)
    return np.where(total > 0, start + within * (end - start), np.nan)


class EntrantPools:
    """Founders and outside successors per district, in number and age, from the persons of
    each single year of age relative to the base year.

    Args:
        persons: a callable giving the current ``(D, A)`` persons (the population's table).
        fp: the firm parameters: founders' and successors' age profiles (mean, sd, bounds)
            and ``entrant_cohort_elasticity``.
    """

    def __init__(self, persons: Callable[[], np.ndarray], fp: FirmParams) -> None:
        self._persons = persons
        self._base = persons().astype(float)  # a copy: the table changes in place
        n_ages = self._base.shape[1]
        self._founder_w = age_weights(
            n_ages, fp.founder_age_mean, fp.founder_age_sd, fp.founder_ages
        )
        self._successor_w = age_weights(
            n_ages, fp.successor_age_mean, fp.successor_age_sd, fp.successor_ages
        )
        self.elasticity = fp.entrant_cohort_elasticity

    def founder_weights(self) -> np.ndarray:
        """``(D, A)`` founders by age now relative to the base year's total; rows sum to the
        founders' number relative to the base year."""
        return relative_weights(self._persons(), self._base, self._founder_w, self.elasticity)

    def outside_successor_weights(self) -> np.ndarray:
        """``(D, A)`` outside successors by age now, likewise."""
        return relative_weights(self._persons(), self._base, self._successor_w, self.elasticity)
