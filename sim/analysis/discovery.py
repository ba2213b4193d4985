"""Scenario discovery with PRIM (EMA Workbench): the input conditions under which an outcome of
interest happens, as a box of limits on a few inputs, with its coverage and density.

``find_box(x, y)`` peels a box from the whole input space towards the cases where ``y`` holds
(Friedman and Fisher 1999; Bryant and Lempert 2010). Along the peeling trajectory coverage (the
share of all cases of interest inside the box) falls while density (the share of cases inside
the box that are of interest) rises; ``choose`` takes the densest box that still covers at least
``min_coverage`` of the cases (0.5 by default, a common rule; stated in every report).
Categorical inputs (e.g. a demography variant) are restricted to a subset of their values.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_COVERAGE = 0.5  # the chosen box covers at least half of the cases of interest
PEEL_ALPHA = 0.05  # share of the remaining cases peeled off per step (EMA Workbench default)
MASS_MIN = 0.05  # no box holds fewer than 5 % of all cases


@dataclass(frozen=True)
class Box:
    """One PRIM box: the trajectory it was chosen from and its limits.

    Attributes:
        trajectory: One row per peeling step: coverage, density, mass, res_dim (number of
            restricted inputs), n (cases inside); ``chosen`` marks the reported box.
        limits: One row per restricted input: ``input``, ``min``, ``max`` (numeric inputs) or
            ``values`` (categorical inputs, comma-separated), ``qp_value`` (the quasi-p-value
            that the restriction is due to chance; lower is firmer).
        chosen: Index of the chosen step in ``trajectory``.
        n_cases, n_interest: Cases in all and cases where the outcome of interest holds.
    """

    trajectory: pd.DataFrame
    limits: pd.DataFrame
    chosen: int
    n_cases: int
    n_interest: int

    @property
    def coverage(self) -> float:
        return float(self.trajectory.loc[self.chosen, "coverage"])

    @property
    def density(self) -> float:
        return float(self.trajectory.loc[self.chosen, "density"])

    @property
    def mass(self) -> float:
        return float(self.trajectory.loc[self.chosen, "mass"])


def choose(trajectory: pd.DataFrame, min_coverage: float = MIN_COVERAGE) -> int:
    """The densest step whose coverage is at least ``min_coverage`` (ties: higher coverage)."""
    ok = trajectory[trajectory["coverage"] >= min_coverage]
    if ok.empty:
        return 0
    best = ok.sort_values(["density", "coverage"], ascending=False)
    return int(best.index[0])


def _limits(box, i: int) -> pd.DataFrame:
    """The restricted inputs of step ``i`` as a flat table (what EMA Workbench's ``inspect``
    shows, built here because its ``style="data"`` fails on categorical inputs)."""
    rows = []
    init, lims = box.box_lims[0], box.box_lims[i]
    for name in lims.columns:
        values = lims[name]
        if values.tolist() == init[name].tolist():
            continue  # not restricted
        qp = [v for v in box.p_values[i].get(name, []) if v is not None and v >= 0]
        row = {"input": name, "qp_value": max(qp) if qp else np.nan}
        if isinstance(values.iloc[0], set):
            kept = sorted(str(v) for v in values.iloc[0])
            row.update(values=",".join(kept), n_values_of=len(init[name].iloc[0]))
        else:
            row.update(min=float(values.iloc[0]), max=float(values.iloc[1]))
        rows.append(row)
    columns = ["input", "min", "max", "values", "n_values_of", "qp_value"]
    return pd.DataFrame(rows).reindex(columns=columns)


def find_box(
    x: pd.DataFrame,
    y: np.ndarray | pd.Series,
    min_coverage: float = MIN_COVERAGE,
    peel_alpha: float = PEEL_ALPHA,
    mass_min: float = MASS_MIN,
) -> Box:
    """The first PRIM box for ``y`` (boolean, one per row of ``x``) over the inputs ``x``.

    Args:
        x: One row per case (e.g. run or paired sample), one column per input; text or
            categorical columns are treated as categories.
        y: True where the outcome of interest happens.
        min_coverage: The chosen box covers at least this share of the cases of interest.
        peel_alpha, mass_min: PRIM's peeling share per step and smallest box mass.

    Raises:
        ValueError: ``y`` holds in no case or in every case (nothing to discover).
    """
    y = np.asarray(y, dtype=bool)
    if len(y) != len(x):
        raise ValueError(f"x has {len(x)} rows but y has {len(y)} values")
    if not y.any() or y.all():
        raise ValueError(
            f"the outcome of interest holds in {int(y.sum())} of {len(y)} cases: PRIM needs "
            f"cases with and without it"
        )
    x = x.reset_index(drop=True).copy()
    for column in x.columns:
        if not pd.api.types.is_numeric_dtype(x[column]):
            x[column] = pd.Categorical(x[column].astype(str))
    with warnings.catch_warnings():  # EMA Workbench warns about optional extras (ipyparallel)
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        p = prim.Prim(x, y, peel_alpha=peel_alpha, mass_min=mass_min)
        box = p.find_box()
    trajectory = box.peeling_trajectory.reset_index(drop=True)
    trajectory = trajectory[["coverage", "density", "mass", "res_dim", "n"]].copy()
    chosen = choose(trajectory, min_coverage)
    trajectory["chosen"] = trajectory.index == chosen
    return Box(trajectory, _limits(box, chosen), chosen, len(y), int(y.sum()))
