"""The two outcomes of interest per design sample and seed, from the finished runs.

(a) ``rural_ratio``: rural craft value added at base-year prices in the last complete year over
    the first (2045 over 2025), in the arm without the lever; of interest where it falls below
    the stated threshold (``--rural-threshold``, 0.85 by default).
(b) ``gain_per_eur``: the lever's real value added gained per EUR of support, both discounted at
    the study's rate (``sim.analysis.comparison.present_values``), lever arm minus the arm
    without it, same sample and seed; of interest where it falls below 1 (the lever stops
    paying off in value added).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.scenario_discovery.design import sample_of
from sim.analysis.comparison import present_values
from sim.analysis.loading import complete_years
from sim.store import finished_runs, load

GROUP_COLUMNS = [
    "quarter",
    "year",
    "settlement_type",
    "employees",
    "turnover_base_prices_eur",
    "value_added_base_prices_eur",
]


def cases(sweep_dir: Path, design: pd.DataFrame, lever: str) -> pd.DataFrame:
    """One row per sample and seed: the design inputs, ``rural_ratio`` (arm ``none``) and
    ``gain_per_eur`` (``lever`` vs ``none``; NaN where the pair is incomplete)."""
    runs = finished_runs(sweep_dir)
    samples = sample_of(runs, design)
    groups = load(sweep_dir, "groups", columns=GROUP_COLUMNS)
    districts = load(sweep_dir, "districts", columns=["quarter", "year", "intervention_cost_eur"])
    for df in (groups, districts):
        df["quarter"] = df["quarter"].astype(str)
    groups["settlement_type"] = groups["settlement_type"].astype(str)
    keys = ["run_id", "intervention", "seed"]
    years = complete_years(sorted(groups["quarter"].unique()))
    rural = groups[(groups["settlement_type"] == "rural") & groups["year"].isin(years)]
    va = rural.groupby([*keys, "year"])["value_added_base_prices_eur"].sum().unstack("year")
    ratio = (va[years[-1]] / va[years[0]].where(va[years[0]] > 0)).rename("rural_ratio")
    pv = present_values(groups, districts).set_index(keys)
    per_run = pd.concat([ratio, pv[["cost", "real_value_added"]]], axis=1).reset_index()
    per_run["sample"] = per_run["run_id"].map(samples)
    per_run = per_run.dropna(subset=["sample"]).astype({"sample": int})
    none = per_run[per_run["intervention"] == "none"].set_index(["sample", "seed"])
    arm = per_run[per_run["intervention"] == lever].set_index(["sample", "seed"])
    out = pd.DataFrame({"rural_ratio": none["rural_ratio"]})
    d_cost = arm["cost"] - none["cost"]
    d_va = arm["real_value_added"] - none["real_value_added"]
    out["lever_cost_pv_eur"] = d_cost
    out["lever_real_value_added_pv_eur"] = d_va
    out["gain_per_eur"] = d_va / d_cost.where(d_cost > 0)
    out = out.reset_index().merge(design, on="sample", how="left")
    out.attrs.update(base_year=years[0], last_year=years[-1])
    return out.sort_values(["sample", "seed"]).reset_index(drop=True)


def summary(values: pd.Series) -> str:
    """``median (5-95 %: low-high), n`` of a series, for the report."""
    v = values.dropna()
    if v.empty:
        return "no cases"
    lo, mid, hi = np.percentile(v, [5, 50, 95])
    return f"median {mid:.3g} (5-95 % of cases: {lo:.3g} to {hi:.3g}), n = {len(v)}"


def per_sample(table: pd.DataFrame) -> pd.DataFrame:
    """One row per sample: the outcomes averaged over its seeds (the gain per EUR as the ratio
    of the mean value added gained to the mean cost, as the study's lever returns), so that
    PRIM separates the inputs' effect from seed noise."""
    outcomes = ["rural_ratio", "lever_cost_pv_eur", "lever_real_value_added_pv_eur"]
    inputs = [c for c in table.columns if c not in {*outcomes, "gain_per_eur", "seed"}]
    out = table.groupby(inputs, dropna=False)[outcomes].mean().reset_index()
    cost = out["lever_cost_pv_eur"]
    out["gain_per_eur"] = out["lever_real_value_added_pv_eur"] / cost.where(cost > 0)
    out["n_seeds"] = table.groupby(inputs, dropna=False).size().to_numpy()
    return out.sort_values("sample").reset_index(drop=True)
