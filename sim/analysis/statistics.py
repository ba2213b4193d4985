"""Confidence intervals for paired and unpaired seed differences, and seed-list labels.

Pure functions of numbers: nothing here knows about runs, sweeps or files. Every interval is
two-sided at ``LEVEL`` (95 %) unless the caller passes another level.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

LEVEL = 0.95


def t_interval(
    mean: ArrayLike, sd: ArrayLike, n: ArrayLike, level: float = LEVEL
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided t-interval for a mean, element-wise.

    Args:
        mean: Sample means.
        sd: Sample standard deviations (ddof = 1).
        n: Sample sizes; the degrees of freedom are n - 1.
        level: Confidence level.

    Returns:
        (low, high), NaN where fewer than two observations.
    """
    mean, sd, n = (np.asarray(x, dtype=float) for x in (mean, sd, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        q = stats.t.ppf(0.5 + level / 2, np.where(n >= 2, n - 1, np.nan))
        half = q * sd / np.sqrt(n)
    return mean - half, mean + half


def welch_interval(a: ArrayLike, b: ArrayLike, level: float = LEVEL) -> tuple[float, float, float]:
    """Mean difference a - b with the Welch (unequal variance, unpaired) t-interval.

    Shown beside the paired interval to make visible what pairing by seed gains.

    Returns:
        (difference, low, high); the bounds are NaN when either sample has fewer than two values.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    diff = a.mean() - b.mean()
    if len(a) < 2 or len(b) < 2:
        return diff, math.nan, math.nan
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return diff, diff, diff
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = stats.t.ppf(0.5 + level / 2, df) * se
    return diff, diff - half, diff + half


def ratio_interval(
    num: ArrayLike,
    den: ArrayLike,
    level: float = LEVEL,
    zero_note: str = "no cost difference between the arms",
) -> tuple[float, float, float, str]:
    """Ratio of mean paired differences mean(num) / mean(den) with Fieller's interval.

    The estimate is NaN when mean(den) <= 0 or num is zero throughout (a cost per job *kept*
    needs jobs kept, and a cost); the interval is NaN when the denominator is not significantly
    above zero, where Fieller's interval is unbounded.

    Args:
        num: Paired differences of the numerator (e.g. cost), one per pair.
        den: Paired differences of the denominator (e.g. jobs kept), same pairs and order.
        level: Confidence level.
        zero_note: The note when ``num`` is zero in every pair.

    Returns:
        (estimate, low, high, note); ``note`` says why a value is NaN, else it is empty.
    """
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    n = len(num)
    if n == 0:
        return math.nan, math.nan, math.nan, "no pairs"
    a, b = num.mean(), den.mean()
    if np.allclose(num, 0.0):
        return math.nan, math.nan, math.nan, zero_note
    if b <= 0:
        return math.nan, math.nan, math.nan, "nothing kept: the mean difference is <= 0"
    est = a / b
    if n < 2:
        return est, math.nan, math.nan, "interval needs at least 2 pairs"
    cov = np.cov(np.vstack([num, den]), ddof=1) / n
    q = stats.t.ppf(0.5 + level / 2, n - 1) ** 2
    qa, qb, qab = b * b - q * cov[1, 1], a * b - q * cov[0, 1], a * a - q * cov[0, 0]
    disc = qb * qb - qa * qab
    if qa <= 0 or disc < 0:
        return est, math.nan, math.nan, "interval unbounded: the difference is not significant"
    root = math.sqrt(disc)
    return est, (qb - root) / qa, (qb + root) / qa, ""


def seed_means(
    per_run: pd.DataFrame, by: list[str], metrics: list[str], level: float = LEVEL
) -> pd.DataFrame:
    """Mean over a group's runs with its t-interval, per ``by`` group.

    ``n`` is the number of runs in the group with a value (the rows the mean and the sd are
    taken over), not the number of distinct seeds: in a parameter sweep at one seed each sample
    is a run of its own, and the interval is that of the ensemble's mean. It narrows as runs
    are added; the spread of the projection is ``sim.analysis.bands``' percentile range.

    Args:
        per_run: One row per run and ``by`` group, with the metrics (e.g. a ``seed`` column).
        by: Grouping columns (e.g. scenario, intervention, district_id, year).
        metrics: Metric columns to average.
        level: Confidence level.

    Returns:
        ``by`` columns, then ``metric``, ``metric_ci_low``, ``metric_ci_high`` for each metric.
    """
    grouped = per_run.groupby(by)
    out = grouped[metrics].mean()
    sd = grouped[metrics].std(ddof=1)
    n = grouped[metrics].count()  # runs with a value, per metric (NaN rows do not count)
    for m in metrics:
        lo, hi = t_interval(out[m], sd[m], n[m], level)
        out[f"{m}_ci_low"], out[f"{m}_ci_high"] = lo, hi
    cols = [c for m in metrics for c in (m, f"{m}_ci_low", f"{m}_ci_high")]
    return out[cols].reset_index()


def describe_seeds(seeds: Iterable[int]) -> str:
    """A compact label of a set of seeds: [0, 1, 2, 5] -> '0-2,5'."""
    seeds = sorted({int(s) for s in seeds})
    parts, start = [], None
    for i, s in enumerate(seeds):
        if start is None:
            start = s
        if i + 1 == len(seeds) or seeds[i + 1] != s + 1:
            parts.append(f"{start}" if start == s else f"{start}-{s}")
            start = None
    return ",".join(parts)
