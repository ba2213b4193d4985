"""Firm ages (liability of newness): firms in their first years close for other reasons at the
hazard of the start-ups' five-year survival (``young_firm_hazard``); the base-year register holds
the young share that entry and that survival imply (``young_firm_share``), given to owners of a
founder's age (``base_firm_ages``). Pure functions of parameters, used by
``sim.agents.firm_lifecycle``."""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq
from scipy.stats import norm


def young_firm_hazard(survival: float, years: float) -> float:
    """Yearly hazard of closing in a firm's first ``years`` years, constant, at which
    ``survival`` of a cohort of start-ups is still active after ``years`` (the chambers' five-year
    survival of new A-trade firms)."""
    return float(-np.log(survival) / years)


def young_firm_share(entry_rate: float, survival: float, years: float) -> float:
    """Share of a register of constant size that is younger than ``years``: ``entry_rate``
    founders per firm and year, each cohort thinned at the young hazard (the integral of entry x
    survival over the young ages)."""
    hazard = young_firm_hazard(survival, years)
    if hazard <= 0.0:
        return float(entry_rate * years)
    return float(entry_rate * (1.0 - survival) / hazard)


def base_firm_ages(
    owner_age: np.ndarray,
    owner_density: np.ndarray,
    u_pick: np.ndarray,
    u_age: np.ndarray,
    young_share: float,
    survival: float,
    quarters: int,
    founder_age: tuple[float, float],
) -> np.ndarray:
    """Base-year firms' ages in whole quarters: ``young_share`` of the firms are younger than
    ``quarters`` (1 .. quarters - 1), the others are ``quarters`` old (established; the model
    uses no older age).

    A young firm's owner is its founder, who was ``founder_age`` (mean, sd) at founding, so the
    young firms go to owners whose age fits: an owner aged ``a`` is young with a chance
    proportional to sum_k S(k) f(a - k) / g(a) (Bayes; S: the cohort's survival to age k, f: the
    founders' age density, g: ``owner_density``, the base-year owners' age density), capped at 1,
    drawn by order sampling for an exact count, and the firm's age given its owner's age from
    the same terms. Vectorised: one row of ``quarters - 1`` terms per firm."""
    n = len(owner_age)
    ages = np.full(n, quarters, dtype=np.int64)
    n_young = min(int(round(young_share * n)), n)
    if n_young == 0 or quarters < 2:
        return ages
    k = np.arange(1, quarters)  # quarters since founding
    years = (k - 0.5) / 4.0  # mid-quarter
    survival_k = survival ** (years / (quarters / 4.0))
    mean, sd = founder_age
    terms = survival_k[None, :] * norm.pdf(owner_age[:, None] - years[None, :], mean, sd)
    weight = terms.sum(axis=1) / np.maximum(owner_density, 1e-12)
    # P(young | owner age) = min(1, c x weight), c such that the expected count is n_young
    # (capped where the stock holds fewer owners of a founder's age than the young firms need)
    kth = np.partition(weight, n - n_young)[n - n_young]  # the n_young-th largest weight
    if kth > 0.0:  # bracket: c x sum(weight) = n_young below, n_young weights at 1 above

        def excess(c: float) -> float:
            return np.minimum(1.0, c * weight).sum() - n_young

        low = n_young / weight.sum()
        # no chance capped at the lower end: it is the root (up to rounding, which could
        # otherwise give both ends the same sign)
        scale = low if excess(low) >= -1e-9 else brentq(excess, low, 1.0 / kth)
        chance = np.minimum(1.0, scale * weight)
    else:  # fewer owners of a founder's age than young firms: all of them, the rest at random
        chance = np.where(weight > 0.0, 1.0, 1e-12)
    # order sampling (Ohlsson's sequential Poisson sampling): the n_young smallest u / chance,
    # an exact count with inclusion chances close to ``chance``
    with np.errstate(divide="ignore"):
        keys = u_pick / chance
    young = np.argpartition(keys, n_young - 1)[:n_young]
    cdf = np.cumsum(terms[young], axis=1)
    cdf /= np.maximum(cdf[:, -1:], 1e-300)
    pick = np.minimum((cdf < u_age[young, None]).sum(axis=1), len(k) - 1)
    ages[young] = k[pick]
    return ages
