"""Output 2, rural value creation: rural value added per district (and ``all``), its share of
the district's crafts and its change against the base year; one bar figure for the last year.

Real terms (base-year prices, ``value_added_base_prices_eur``) are the headline; the nominal
values (at the model's craft prices) and their change stand beside them.

Two intervals, labelled apart (``sim.analysis.bands``): the 95 % CI of the seed mean
(``*_ci_low``, ``*_ci_high``) and, for real rural value added and its change, the projection
range over the arm's runs, seeds and parameter samples alike (``*_p05``, ``*_p50``, ``*_p95``).
Value added (money) never has a bound below zero; its change in % may well be negative."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.study_outputs.common import RUN, Figures, StudyOutput, Sweep, Tables, yearly
from sim.analysis import figures as fig
from sim.analysis.bands import CI_OF_MEAN, PROJECTION_RANGE, band_columns, labels, with_bands
from sim.analysis.comparison import Comparison
from sim.analysis.statistics import seed_means

# (value added column in the groups table, suffix of this output's columns)
TERMS = (("value_added_base_prices_eur", "real"), ("value_added_eur", "nominal"))


def rural_value_creation(s: Sweep) -> pd.DataFrame:
    rural = s.groups["settlement_type"] == "rural"
    g = s.groups.assign(
        **{
            f"rural_value_added_{term}_eur": s.groups[column].where(rural, 0.0)
            for column, term in TERMS
        },
        **{f"district_value_added_{term}_eur": s.groups[column] for column, term in TERMS},
    )
    flows = [
        f"{part}_value_added_{term}_eur" for _, term in TERMS for part in ("rural", "district")
    ]
    per_run = yearly(g, ["district_id"], [], flows)
    region = per_run.groupby(["run_id", *RUN, "seed", "year"])[flows].sum().reset_index()
    per_run = pd.concat([per_run, region.assign(district_id="all")], ignore_index=True)
    per_run["rural_share_pct"] = (
        100
        * per_run["rural_value_added_real_eur"]
        / per_run["district_value_added_real_eur"].replace(0, np.nan)
    )
    base = per_run[per_run["year"] == s.base_year].set_index(["run_id", "district_id"])
    keys = per_run.set_index(["run_id", "district_id"]).index
    changes = []
    for _, term in TERMS:
        column = f"rural_value_added_{term}_eur"
        base_va = keys.map(base[column])
        name = f"rural_change_vs_{s.base_year}_pct"
        name = name if term == "real" else name.replace("change", "change_nominal")
        per_run[name] = 100 * (
            per_run[column].to_numpy() / np.where(base_va > 0, base_va, np.nan) - 1
        )
        changes.append(name)
    keys = [*RUN, "district_id", "year"]
    out = seed_means(per_run, keys, [*flows, "rural_share_pct", *changes])
    banded = ["rural_value_added_real_eur", "rural_share_pct", changes[0]]
    out = with_bands(out, per_run, keys, banded, non_negative=["rural_value_added_real_eur"])
    for column in flows:  # money: the CI of the mean never below zero either
        out[f"{column}_ci_low"] = out[f"{column}_ci_low"].clip(lower=0.0)
    return s.stamped(out)


def draw_rural_value_creation(s: Sweep, t: Tables, c: Comparison | None, out: Path) -> Figures:
    """Change of rural value added against the base year, per district and arm."""
    table = t["02_rural_value_creation"]
    change = f"rural_change_vs_{s.base_year}_pct"
    part = table[table["year"] == s.last_year].assign(
        arm=lambda d: d["scenario"] + " / " + d["intervention"]
    )
    name = "02_rural_value_creation"
    path = fig.bars(
        part,
        "district_id",
        "arm",
        change,
        f"rural craft value added at {s.base_year} prices, {s.last_year} vs {s.base_year} [%]",
        "Rural value creation: change against the base year\n"
        f"bars: mean, whiskers: {CI_OF_MEAN}; grey line: {PROJECTION_RANGE}",
        s.caption,
        out / f"{name}.png",
        err=(f"{change}_ci_low", f"{change}_ci_high"),
        projection=(band_columns(change)[0], band_columns(change)[2]),
    )
    return {name: path}


def _compute(s: Sweep, c: Comparison | None) -> tuple[pd.DataFrame, ...]:
    table = rural_value_creation(s)
    banded = [c.removesuffix("_p50") for c in table.columns if c.endswith("_p50")]
    return table, labels(banded)  # the legend of the interval columns


OUTPUT = StudyOutput(
    tables=("02_rural_value_creation", "02_intervals"),
    compute=_compute,
    draw=draw_rural_value_creation,
    figures=("02_rural_value_creation.png",),
)
