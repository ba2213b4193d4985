"""Draws of the base-year firm population: firm sizes, stratified uniforms, integer shares.

Pure functions, used by ``FirmLifecycle.populate`` and tested without a model
(tests/test_structure_data.py).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq
from scipy.stats import norm


def stratified_uniform(rng: np.random.Generator, n: int) -> np.ndarray:
    """n uniforms with exactly one in each interval [k/n, (k+1)/n), in random order.

    Drawing base-year traits through their inverse distribution with these keeps the sample's
    shares at the target (no sampling noise in calibrated stocks) while every firm still gets
    a random value.
    """
    return (rng.permutation(n) + rng.random(n)) / max(n, 1)


# base-year firm sizes: persons (staff incl. the owner) = 1 + floor(exp(mu + sigma z)), a
# discretised lognormal whose mean per trade group is the district's persons per firm. The shape
# (model.firm.firm_size_sigma) is fitted [F] so that the firms comparable to the
# Handwerkszaehlung (the largest HWZ/register share of each state's firms, sim.structure_checks)
# hold 46 % of their persons in firms of 20+ persons, as in Thueringen 2016 (TLS [S]); a
# geometric size (shape of the earlier model) gave 17 %. Sizes are capped at
# model.firm.firm_size_cap persons. The two names below only repeat the config's defaults for
# checks and tests that size firms without a config (tests/test_parameter_literals.py keeps
# them equal); the model reads the config.
FIRM_SIZE_SIGMA = 1.5
FIRM_SIZE_CAP = 250


def lognormal_sizes(
    mean: np.ndarray, group: np.ndarray, u: np.ndarray, sigma: float, cap: int = FIRM_SIZE_CAP
) -> np.ndarray:
    """Persons per firm >= 1 (at most ``cap``) from uniforms ``u``, with the mean ``mean`` (per
    firm, constant within a group) met per group: the location of the lognormal is solved on
    the drawn sample, so a district's persons are reproduced up to rounding."""
    z = norm.ppf(np.clip(u, 1e-12, 1 - 1e-12))
    sizes = np.ones(len(u), dtype=np.int64)
    for g in np.unique(group):
        idx = np.flatnonzero(group == g)
        target = float(mean[idx[0]])
        if target <= 1.0:
            continue

        def draw(mu: float, zz=z[idx]) -> np.ndarray:
            return np.minimum(1 + np.floor(np.exp(mu + sigma * zz)), cap)

        mu = brentq(lambda m, d=draw, t=target: d(m).mean() - t, -30.0, 30.0, xtol=1e-6)
        sizes[idx] = draw(mu).astype(np.int64)
    return sizes


def largest_remainder(total: int, shares: np.ndarray) -> np.ndarray:
    """Integers that sum to ``total`` and follow ``shares`` as closely as possible."""
    raw = total * shares / shares.sum()
    out = np.floor(raw).astype(int)
    out[np.argsort(raw - out)[::-1][: total - out.sum()]] += 1
    return out
