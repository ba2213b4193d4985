"""Morris elementary effects and Sobol indices of the headline outputs (SALib).

Morris (screening): for each input and output, mu* (mean absolute elementary effect) and sigma
(their spread: non-linearity or interactions). Outputs differ in units, so inputs are ranked by
mu* divided by the output's standard deviation over the design (``mu_star_norm``), taking the
largest over the outputs. Only complete trajectories enter (a trajectory with a missing or
failed run is left out). Sobol: first-order (S1) and total (ST) indices from Saltelli's scheme.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from sim.sensitivity.design import Design
from sim.sensitivity.ranges import problem


def complete_trajectories(design: Design, y: pd.DataFrame) -> np.ndarray:
    """Row mask of the Morris trajectories whose every row has a value in every column."""
    k = len(design.inputs) + 1
    ok = y.notna().all(axis=1).to_numpy()
    per_trajectory = ok.reshape(-1, k).all(axis=1)
    return np.repeat(per_trajectory, k)


def morris_indices(design: Design, y: pd.DataFrame) -> pd.DataFrame:
    """Long table: output, key, mu, mu_star, mu_star_conf, sigma, mu_star_norm, trajectories."""
    from SALib.analyze import morris

    spec = problem(design.inputs)
    mask = complete_trajectories(design, y)
    n = int(mask.sum()) // (len(design.inputs) + 1)
    if n == 0:
        raise ValueError("no complete Morris trajectory: every trajectory has a missing run")
    frames = []
    for output in y.columns:
        values = y[output].to_numpy(dtype=float)[mask]
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # sigma of a single trajectory
            res = morris.analyze(
                spec, design.samples[mask], values, num_levels=design.levels, seed=design.seed
            )
        sd = float(np.std(values))
        frame = pd.DataFrame(
            {
                "output": output,
                "key": spec["names"],
                "mu": res["mu"],
                "mu_star": res["mu_star"],
                "mu_star_conf": res["mu_star_conf"],
                "sigma": res["sigma"],
            }
        )
        frame["mu_star_norm"] = frame["mu_star"] / sd if sd > 0 else 0.0
        frame["trajectories"] = n
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def ranking(indices: pd.DataFrame) -> pd.DataFrame:
    """Inputs by their largest normalised mu* over the outputs (most influential first)."""
    best = indices.groupby("key")["mu_star_norm"].max().rename("max_mu_star_norm")
    top_output = indices.loc[indices.groupby("key")["mu_star_norm"].idxmax()]
    table = best.to_frame().join(top_output.set_index("key")["output"].rename("on_output"))
    table = table.sort_values("max_mu_star_norm", ascending=False)
    table.insert(0, "rank", range(1, len(table) + 1))
    return table.reset_index()


def sobol_indices(design: Design, y: pd.DataFrame) -> pd.DataFrame:
    """Long table: output, key, S1, S1_conf, ST, ST_conf. Every row of the design needs a
    value (Saltelli's estimators pair the rows)."""
    from SALib.analyze import sobol

    missing = y.isna().any(axis=1)
    if missing.any():
        raise ValueError(
            f"{int(missing.sum())} of {len(y)} Sobol design rows have no finished run; run the "
            f"stage again to finish them"
        )
    spec = problem(design.inputs)
    frames = []
    for output in y.columns:
        res = sobol.analyze(
            spec, y[output].to_numpy(dtype=float), calc_second_order=False, seed=design.seed
        )
        frames.append(
            pd.DataFrame(
                {
                    "output": output,
                    "key": spec["names"],
                    "S1": res["S1"],
                    "S1_conf": res["S1_conf"],
                    "ST": res["ST"],
                    "ST_conf": res["ST_conf"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
