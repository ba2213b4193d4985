"""Output 6, coal-exit exposure: coal jobs, craft demand, value added and jobs per district and
year (``06_coal_exposure_levels``); where the sweep has the counterfactual scenario without coal
exit, the paired hit per district with CIs, craft jobs per coal job lost (Fieller CI) and the
rank of the hardest-hit districts (``06_coal_exposure``), drawn as one bar figure."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.study_outputs.common import RUN, Figures, StudyOutput, Sweep, Tables, yearly
from sim.analysis import figures as fig
from sim.analysis.comparison import Comparison
from sim.analysis.pairing import pair_rows, paired_differences
from sim.analysis.statistics import ratio_interval, seed_means

COAL_JOBS = ["coal_direct_jobs", "coal_dependent_jobs"]


def coal_exposure(s: Sweep, counterfactual: str = "no_coal_exit") -> tuple[pd.DataFrame, ...]:
    """Levels per district and year; with the counterfactual in the sweep, the paired hit."""
    d = yearly(s.districts, ["district_id"], [*COAL_JOBS, "coal_jobless_households"], [])
    # value added real (base-year prices, the headline) and nominal (at the craft prices)
    g = yearly(
        s.groups,
        ["district_id"],
        ["employees", "firms"],
        ["value_added_base_prices_eur", "value_added_eur", "demand_eur"],
    ).rename(columns={"value_added_base_prices_eur": "value_added_real_eur"})
    per_run = d.merge(g, on=["run_id", *RUN, "seed", "year", "district_id"])
    per_run["coal_jobs"] = per_run[COAL_JOBS].sum(axis=1)
    metrics = [
        "coal_jobs",
        *COAL_JOBS,
        "coal_jobless_households",
        "employees",
        "firms",
        "value_added_real_eur",
        "value_added_eur",
        "demand_eur",
    ]
    levels = s.stamped(seed_means(per_run, [*RUN, "district_id", "year"], metrics))
    levels = levels.rename(
        columns=lambda c: (
            c.replace("employees", "craft_employees")
            .replace("firms", "craft_firms")
            .replace("value_added_real_eur", "craft_value_added_real_eur")
            .replace("value_added_eur", "craft_value_added_nominal_eur")
            .replace("demand_eur", "craft_demand_eur")
        )
    )
    if counterfactual not in set(s.runs["scenario"]) or s.runs["scenario"].nunique() < 2:
        return (levels,)
    years = [y for y in (2035, 2045) if y in s.years] or [s.last_year]
    region = per_run.groupby(["run_id", *RUN, "seed", "year"])[metrics].sum().reset_index()
    frame = pd.concat([per_run, region.assign(district_id="all")], ignore_index=True)
    frame = frame[frame["year"].isin(years)]
    units = {
        "coal_jobs": "jobs",
        "employees": "persons",
        "firms": "firms",
        "value_added_real_eur": "EUR/year",
        "value_added_eur": "EUR/year",
        "demand_eur": "EUR/year",
    }
    diff = paired_differences(frame, "scenario", counterfactual, ["district_id", "year"], units)
    wide = diff.pivot_table(
        index=["scenario", "intervention", "district_id", "year", "n_pairs"],
        columns="metric",
        values=["mean_diff", "ci_low", "ci_high"],
    )
    wide.columns = [
        f"{metric}_change" + ("" if stat == "mean_diff" else f"_{stat}")
        for stat, metric in wide.columns
    ]
    wide = wide.reset_index()
    # relative hit and absorption: per district, from the paired runs
    keys = ["scenario", "intervention", "district_id", "year"]
    paired = pair_rows(frame, "scenario", counterfactual, ["district_id", "year"], suffix="__cf")
    rows = []
    for (scen, inter, district, year), m in paired.groupby(keys):
        lost = m["coal_jobs__cf"] - m["coal_jobs"]
        va = m["value_added_real_eur"] - m["value_added_real_eur__cf"]
        nominal = m["value_added_eur"] - m["value_added_eur__cf"]
        jobs = m["employees"] - m["employees__cf"]
        ratio, lo, hi, note = ratio_interval(
            jobs, lost, zero_note="craft employment unchanged in every pair"
        )
        cf_va, cf_nominal = m["value_added_real_eur__cf"].mean(), m["value_added_eur__cf"].mean()
        rows.append(
            {
                "scenario": scen,
                "intervention": inter,
                "district_id": district,
                "year": year,
                "coal_jobs_lost": lost.mean(),
                "craft_value_added_real_change_pct": 100 * va.mean() / cf_va if cf_va else np.nan,
                "craft_value_added_nominal_change_pct": (
                    100 * nominal.mean() / cf_nominal if cf_nominal else np.nan
                ),
                "craft_jobs_per_coal_job_lost": ratio,
                "craft_jobs_per_coal_job_lost_ci_low": lo,
                "craft_jobs_per_coal_job_lost_ci_high": hi,
                "note": note,
            }
        )
    hit = wide.merge(pd.DataFrame(rows), on=keys)
    hit["rank_hardest_hit"] = (
        hit[hit["district_id"] != "all"]
        .groupby(["scenario", "intervention", "year"])["craft_value_added_real_change_pct"]
        .rank(method="min")
    )
    hit = hit.rename(
        columns=lambda c: (
            c.replace("employees_change", "craft_employees_change")
            .replace("firms_change", "craft_firms_change")
            .replace("value_added_real_eur_change", "craft_value_added_real_change_eur")
            .replace("value_added_eur_change", "craft_value_added_nominal_change_eur")
            .replace("demand_eur_change", "craft_demand_change_eur")
        )
    )
    hit = hit.assign(counterfactual=f"scenario={counterfactual}")
    return levels, s.stamped(hit.sort_values(["scenario", "year", "rank_hardest_hit"]))


def draw_coal_exposure(s: Sweep, t: Tables, c: Comparison | None, out: Path) -> Figures:
    """Craft value added against no coal exit per district, where the sweep has the latter."""
    if "06_coal_exposure" not in t:
        return {}
    hit = t["06_coal_exposure"]
    part = hit[(hit["year"] == hit["year"].max()) & (hit["district_id"] != "all")]
    part = part.assign(arm=lambda d: d["scenario"] + " / " + d["intervention"])
    name = "06_coal_exposure"
    path = fig.bars(
        part,
        "district_id",
        "arm",
        "craft_value_added_real_change_eur",
        f"craft value added (base-year prices) vs no coal exit, {int(part['year'].max())} "
        "[EUR/year]",
        "Coal-exit exposure of the crafts (95 % CI, paired seeds)",
        s.caption,
        out / f"{name}.png",
        err=(
            "craft_value_added_real_change_eur_ci_low",
            "craft_value_added_real_change_eur_ci_high",
        ),
    )
    return {name: path}


OUTPUT = StudyOutput(
    tables=("06_coal_exposure_levels", "06_coal_exposure"),
    compute=lambda s, c: coal_exposure(s),
    draw=draw_coal_exposure,
    figures=("06_coal_exposure.png",),
)
