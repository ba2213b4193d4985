"""Output 6, coal-exit exposure: where the coal exit hits the crafts and how much they absorb.

Tables:

* ``06_coal_exposure_levels``: per district and year, mean over seeds: coal jobs, households'
  income, craft demand by customer (households, businesses incl. the coal sites, the public
  sector incl. structural funds), craft turnover and value added at base-year prices (real, the
  headline) and at current craft prices (nominal), craft employees and firms;
* ``06_coal_exposure``: where the sweep has the counterfactual without coal exit, the paired hit
  (arm - counterfactual, same seed) per district (and ``all``) and year, with 95 % CIs; the
  relative hit, craft jobs per coal job lost (Fieller CI), the rank of the hardest-hit districts,
  and each arm's multiplier and closure shift (from its runs' config);
* ``06_coal_exposure_multiplier``: the hit at the low, central and high multiplier and its change
  per unit of the multiplier (``coal_exposure_multiplier``).

Figures: the hit per district in the last year, per arm; the hit over time per district; the
multiplier's effect on the region over time.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.study_outputs.coal_exposure_multiplier import (
    draw_multiplier,
    multiplier_sensitivity,
)
from experiments.study_outputs.common import RUN, Figures, StudyOutput, Sweep, Tables, yearly
from sim.analysis import figures as fig
from sim.analysis.comparison import Comparison
from sim.analysis.pairing import pair_rows, paired_differences
from sim.analysis.statistics import ratio_interval, seed_means
from sim.store import read_manifest

COAL_JOBS = ["coal_direct_jobs", "coal_dependent_jobs"]
DISTRICT_STOCKS = [*COAL_JOBS, "coal_jobless_households"]
DISTRICT_FLOWS = [
    "household_income_eur",
    "household_craft_demand_eur",
    "business_craft_demand_eur",
    "public_craft_demand_eur",
]
GROUP_STOCKS = ["employees", "firms"]
GROUP_FLOWS = [
    "value_added_base_prices_eur",
    "value_added_eur",
    "turnover_base_prices_eur",
    "demand_eur",
]
METRICS = ["coal_jobs", *DISTRICT_STOCKS, *DISTRICT_FLOWS, *GROUP_STOCKS, *GROUP_FLOWS]
UNITS = {
    "coal_jobs": "jobs",
    "household_income_eur": "EUR/year",
    "household_craft_demand_eur": "EUR/year",
    "business_craft_demand_eur": "EUR/year",
    "public_craft_demand_eur": "EUR/year",
    "employees": "persons",
    "firms": "firms",
    "value_added_base_prices_eur": "EUR/year",
    "value_added_eur": "EUR/year",
    "turnover_base_prices_eur": "EUR/year",
    "demand_eur": "EUR/year",
}
# the study's names: craft quantities say so; real = base-year prices, nominal = craft prices
NAMES = {
    "employees": "craft_employees",
    "firms": "craft_firms",
    "value_added_base_prices_eur": "craft_value_added_real_eur",
    "value_added_eur": "craft_value_added_nominal_eur",
    "turnover_base_prices_eur": "craft_turnover_real_eur",
    "demand_eur": "craft_demand_eur",
}


def study_name(metric: str) -> str:
    return NAMES.get(metric, metric)


def change_name(metric: str) -> str:
    """``craft_value_added_real_eur`` -> ``craft_value_added_real_change_eur``."""
    name = study_name(metric)
    return name[:-4] + "_change_eur" if name.endswith("_eur") else name + "_change"


def exposure_per_run(groups: pd.DataFrame, districts: pd.DataFrame) -> pd.DataFrame:
    """One row per run, district and year (and ``all`` for the region): the metrics."""
    d = yearly(districts, ["district_id"], DISTRICT_STOCKS, DISTRICT_FLOWS)
    g = yearly(groups, ["district_id"], GROUP_STOCKS, GROUP_FLOWS)
    per_run = d.merge(g, on=["run_id", *RUN, "seed", "year", "district_id"])
    per_run["district_id"] = per_run["district_id"].astype(str)
    per_run["coal_jobs"] = per_run[COAL_JOBS].sum(axis=1)
    region = per_run.groupby(["run_id", *RUN, "seed", "year"])[METRICS].sum().reset_index()
    out = pd.concat([per_run, region.assign(district_id="all")], ignore_index=True)
    # each run's coal jobs in the first year: an arm with another multiplier than the
    # counterfactual starts with other dependent jobs (see ``coal_jobs_lost``)
    first = out.sort_values("year").groupby(["run_id", "district_id"])["coal_jobs"]
    out["coal_jobs_base"] = first.transform("first")
    return out


def coal_jobs_lost(paired: pd.DataFrame) -> pd.Series:
    """Coal jobs the arm lost to the closures: the counterfactual's jobs now (which fall only as
    workers retire), scaled to the arm's first-year jobs, minus the arm's jobs now."""
    ratio = np.divide(
        paired["coal_jobs_base"].to_numpy(float),
        paired["coal_jobs_base__cf"].to_numpy(float),
        out=np.zeros(len(paired)),
        where=paired["coal_jobs_base__cf"].to_numpy(float) > 0,
    )
    return paired["coal_jobs__cf"] * ratio - paired["coal_jobs"]


def coal_settings(runs: pd.DataFrame) -> pd.DataFrame:
    """Per scenario, from its first run's config: the multiplier, the closure shift and whether
    the coal exit is on."""
    rows = []
    for scenario, group in runs.groupby("scenario", sort=True):
        cfg = read_manifest(Path(group["path"].iloc[0])).get("config", {})
        coal = cfg.get("scenario", {}).get("coal_exit", {})
        rows.append(
            {
                "scenario": str(scenario),
                "coal_multiplier": float(coal.get("indirect_jobs_per_direct_job", np.nan)),
                "closure_shift_years": float(coal.get("closure_shift_years", np.nan)),
                "coal_exit_enabled": bool(coal.get("enabled", True)),
            }
        )
    return pd.DataFrame(rows)


def paired_hit(per_run: pd.DataFrame, counterfactual: str) -> pd.DataFrame:
    """Arm - counterfactual per district and year, paired by seed, with CIs and ratios."""
    diff = paired_differences(per_run, "scenario", counterfactual, ["district_id", "year"], UNITS)
    wide = diff.pivot_table(
        index=["scenario", "intervention", "district_id", "year", "n_pairs"],
        columns="metric",
        values=["mean_diff", "ci_low", "ci_high"],
    )
    wide.columns = [
        change_name(metric) + ("" if stat == "mean_diff" else f"_{stat}")
        for stat, metric in wide.columns
    ]
    wide = wide.reset_index()
    keys = ["scenario", "intervention", "district_id", "year"]
    paired = pair_rows(per_run, "scenario", counterfactual, ["district_id", "year"], "__cf")
    rows = []
    for (scen, inter, district, year), m in paired.groupby(keys):
        lost = coal_jobs_lost(m)
        jobs = m["employees"] - m["employees__cf"]
        ratio, lo, hi, note = ratio_interval(
            jobs, lost, zero_note="craft employment unchanged in every pair"
        )
        row = {
            "scenario": scen,
            "intervention": inter,
            "district_id": district,
            "year": year,
            "coal_jobs_lost": lost.mean(),
            "craft_jobs_per_coal_job_lost": ratio,
            "craft_jobs_per_coal_job_lost_ci_low": lo,
            "craft_jobs_per_coal_job_lost_ci_high": hi,
            "note": note,
        }
        for metric in ("value_added_base_prices_eur", "value_added_eur", "demand_eur"):
            base = m[f"{metric}__cf"].mean()
            change = (m[metric] - m[f"{metric}__cf"]).mean()
            name = change_name(metric).replace("_change_eur", "_change_pct")
            row[name] = 100 * change / base if base else np.nan
        rows.append(row)
    hit = wide.merge(pd.DataFrame(rows), on=keys)
    hit["rank_hardest_hit"] = (
        hit[hit["district_id"] != "all"]
        .groupby(["scenario", "intervention", "year"])["craft_value_added_real_change_pct"]
        .rank(method="min")
    )
    return hit.assign(counterfactual=f"scenario={counterfactual}")


def coal_exposure(s: Sweep, counterfactual: str = "no_coal_exit") -> tuple[pd.DataFrame, ...]:
    """Levels per district and year; with the counterfactual in the sweep, the paired hit and,
    where arms differ only in the multiplier, the multiplier's effect."""
    per_run = exposure_per_run(s.groups, s.districts)
    districts_only = per_run[per_run["district_id"] != "all"]
    levels = seed_means(districts_only, [*RUN, "district_id", "year"], METRICS)
    levels = s.stamped(levels.rename(columns=_level_name))
    if counterfactual not in set(s.runs["scenario"]) or s.runs["scenario"].nunique() < 2:
        return (levels,)
    settings = coal_settings(s.runs)
    hit = paired_hit(per_run, counterfactual).merge(settings, on="scenario", how="left")
    hit = s.stamped(hit.sort_values(["scenario", "intervention", "year", "rank_hardest_hit"]))
    sens = multiplier_sensitivity(per_run, settings, counterfactual, UNITS, change_name)
    if sens is None:
        return levels, hit
    return levels, hit, s.stamped(sens)


def _level_name(column: str) -> str:
    for suffix in ("_ci_low", "_ci_high"):
        if column.endswith(suffix):
            return study_name(column[: -len(suffix)]) + suffix
    return study_name(column)


def draw_coal_exposure(s: Sweep, t: Tables, c: Comparison | None, out: Path) -> Figures:
    """The hit per district in the last year and over time; the multiplier's effect."""
    if "06_coal_exposure" not in t:
        return {}
    hit = t["06_coal_exposure"].assign(arm=lambda d: d["scenario"] + " / " + d["intervention"])
    value = "craft_value_added_real_change_eur"
    err = (f"{value}_ci_low", f"{value}_ci_high")
    last = hit[(hit["year"] == hit["year"].max()) & (hit["district_id"] != "all")]
    year = int(last["year"].max())
    paths = {
        "06_coal_exposure": fig.bars(
            last,
            "district_id",
            "arm",
            value,
            f"craft value added (base-year prices) vs no coal exit, {year} [EUR/year]",
            "Coal-exit exposure of the crafts (95 % CI, paired seeds)",
            s.caption,
            out / "06_coal_exposure.png",
            err=err,
        )
    }
    if hit["year"].nunique() > 1:
        paths["06_coal_exposure_over_time"] = fig.lines_by_panel(
            hit,
            "district_id",
            "arm",
            "year",
            value,
            "EUR/year vs no coal exit",
            "Craft value added (base-year prices) against no coal exit (95 % CI, paired seeds)",
            s.caption,
            out / "06_coal_exposure_over_time.png",
            band=err,
        )
    if "06_coal_exposure_multiplier" in t:
        paths.update(draw_multiplier(t["06_coal_exposure_multiplier"], s.caption, out))
    return paths


OUTPUT = StudyOutput(
    tables=("06_coal_exposure_levels", "06_coal_exposure", "06_coal_exposure_multiplier"),
    compute=lambda s, c: coal_exposure(s),
    draw=draw_coal_exposure,
    figures=(
        "06_coal_exposure.png",
        "06_coal_exposure_over_time.png",
        "06_coal_exposure_multiplier.png",
    ),
)
