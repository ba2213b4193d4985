"""Output 6, the multiplier's part: the coal exit's hit at the low, central and high multiplier.

Arms of a sweep that differ only in the multiplier (``scenario.coal_exit.
indirect_jobs_per_direct_job``) and not in the closure timing (``baseline`` 1.0,
``coal_multiplier_low`` 0.6, ``coal_multiplier_high`` 1.4) are each paired with the
counterfactual without coal exit, and their hits are set side by side. The change of the hit
per unit of the multiplier is the paired difference between the arms with the highest and the
lowest multiplier (same seed), divided by the difference of their multipliers, with its 95 %
t-interval: how much the exposure depends on the multiplier's uncertain value.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from sim.analysis import figures as fig
from sim.analysis.pairing import paired_differences

# the channels the multiplier acts through (households' incomes and spending) and their results
SENSITIVITY_METRICS = [
    "household_income_eur",
    "household_craft_demand_eur",
    "demand_eur",
    "value_added_base_prices_eur",
    "value_added_eur",
    "employees",
]
KEYS = ["intervention", "district_id", "year", "metric"]
STATS = {"mean_diff": "", "ci_low": "_ci_low", "ci_high": "_ci_high"}


def multiplier_sensitivity(
    per_run: pd.DataFrame,
    settings: pd.DataFrame,
    counterfactual: str,
    units: dict[str, str],
    change_name: Callable[[str], str],
) -> pd.DataFrame | None:
    """One row per closure timing, intervention, district, year and metric: the hit at each
    multiplier and its change per unit of the multiplier; None where no two arms differ only in
    the multiplier.

    Args:
        per_run: One row per run, district and year (``coal_exposure.exposure_per_run``).
        settings: Per scenario: coal_multiplier, closure_shift_years, coal_exit_enabled.
        counterfactual: The scenario without coal exit.
        units: Metric -> unit.
        change_name: Metric -> the study's name of its change.
    """
    arms = settings[(settings["scenario"] != counterfactual) & settings["coal_exit_enabled"]]
    metrics = {m: units[m] for m in SENSITIVITY_METRICS}
    by = ["district_id", "year"]
    out = []
    for shift, group in arms.groupby("closure_shift_years", sort=True):
        group = group.sort_values(["coal_multiplier", "scenario"])
        group = group.drop_duplicates("coal_multiplier")
        if len(group) < 2:
            continue
        low, high = group.iloc[0], group.iloc[-1]
        middle = group.iloc[1:-1]
        central = middle.iloc[len(middle) // 2] if len(middle) else None
        frame = per_run[per_run["scenario"].isin([low["scenario"], high["scenario"]])]
        slope = paired_differences(frame, "scenario", low["scenario"], by, metrics)
        step = high["coal_multiplier"] - low["coal_multiplier"]
        table = slope[[*KEYS, "unit", *STATS, "n_pairs"]].copy()
        table[list(STATS)] = table[list(STATS)] / step
        table = table.rename(
            columns={k: f"change_per_unit_multiplier{v}" for k, v in STATS.items()}
        )
        frame = per_run[per_run["scenario"].isin([counterfactual, *group["scenario"]])]
        hits = paired_differences(frame, "scenario", counterfactual, by, metrics)
        for label, arm in (("low", low), ("central", central), ("high", high)):
            if arm is None:
                continue
            part = hits[hits["arm"] == arm["scenario"]][[*KEYS, *STATS]]
            part = part.rename(columns={k: f"change_at_{label}{v}" for k, v in STATS.items()})
            table = table.merge(part, on=KEYS, how="left")
            table[f"multiplier_{label}"] = arm["coal_multiplier"]
            table[f"scenario_{label}"] = arm["scenario"]
        # stamped with the seeds of the central arm (or the high one): all arms share them
        table["scenario"] = (central if central is not None else high)["scenario"]
        table["closure_shift_years"] = shift
        table["counterfactual"] = f"scenario={counterfactual}"
        out.append(table)
    if not out:
        return None
    result = pd.concat(out, ignore_index=True)
    result["metric"] = result["metric"].map(change_name)
    first = ["scenario", "intervention", "closure_shift_years", "district_id", "year", "metric"]
    return result[first + [c for c in result.columns if c not in first]]


def draw_multiplier(table: pd.DataFrame, caption: str, out: Path) -> dict[str, Path]:
    """The region's hit over time at each multiplier, one panel per metric (statutory dates
    where the sweep has them, the reference intervention)."""
    shift = 0.0 if (table["closure_shift_years"] == 0).any() else table["closure_shift_years"].min()
    part = table[(table["district_id"] == "all") & (table["closure_shift_years"] == shift)]
    part = part[part["intervention"] == sorted(part["intervention"].unique())[0]]
    rows = []
    for label in ("low", "central", "high"):
        if f"change_at_{label}" not in part:
            continue
        cols = {f"change_at_{label}{v}": f"change{v}" for v in STATS.values()}
        d = part[["metric", "year", *cols]].rename(columns=cols)
        value = part[f"multiplier_{label}"].iloc[0] if len(part) else float("nan")
        rows.append(d.assign(multiplier=f"{value:g} ({part[f'scenario_{label}'].iloc[0]})"))
    if not rows:
        return {}
    long = pd.concat(rows, ignore_index=True)
    path = fig.lines_by_panel(
        long,
        "metric",
        "multiplier",
        "year",
        "change",
        "vs no coal exit (EUR/year; persons)",
        "The region's coal-exit hit at each multiplier (95 % CI, paired seeds)",
        caption,
        out / "06_coal_exposure_multiplier.png",
        band=("change_ci_low", "change_ci_high"),
    )
    return {"06_coal_exposure_multiplier": path}
