"""Output 1, development paths: firms, employees, apprentices, turnover and value added per
district, settlement type (and ``all``) and year; one figure of value added per scenario.

Turnover and value added in real terms (base-year prices: ``*_base_prices_eur``, the headline
and the figure) and nominal (at the model's craft prices) beside them. Unmet demand (EUR a year)
too.

Two intervals stand beside each mean, labelled apart (``sim.analysis.bands``): the 95 % CI of
the seed mean (``*_ci_low``, ``*_ci_high``: how well the mean path is known; it narrows with
more seeds) and, for the headline series, the projection range over the arm's runs, seeds and
parameter samples alike (``*_p05``, ``*_p50``, ``*_p95``: where the paths lie). Counts and money
are never below zero."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.study_outputs.common import RUN, Figures, StudyOutput, Sweep, Tables, yearly
from sim.analysis import figures as fig
from sim.analysis.bands import (
    CI_OF_MEAN,
    HEADLINE,
    PROJECTION_RANGE,
    band_columns,
    labels,
    with_bands,
)
from sim.analysis.comparison import Comparison
from sim.analysis.statistics import seed_means


def development_paths(s: Sweep) -> pd.DataFrame:
    stocks = ["firms", "employees", "apprentices"]
    flows = [
        "turnover_base_prices_eur",
        "value_added_base_prices_eur",
        "turnover_eur",
        "value_added_eur",
        "unmet_demand_eur",
    ]
    by = ["district_id", "settlement_type"]
    per_run = yearly(s.groups, by, stocks, flows)
    totals = yearly(s.groups, ["district_id"], stocks, flows).assign(settlement_type="all")
    per_run = pd.concat([per_run, totals], ignore_index=True)
    keys = [*RUN, *by, "year"]
    means = seed_means(per_run, keys, stocks + flows)
    banded = [m for m in HEADLINE if m in stocks + flows]
    # every metric here is a count or money: no bound below zero
    return s.stamped(with_bands(means, per_run, keys, banded, non_negative=stocks + flows))


def draw_development_paths(s: Sweep, t: Tables, c: Comparison | None, out: Path) -> Figures:
    """Value added by district and settlement type over the years, one figure per scenario:
    the projection range over runs (5-95 %, light band) around the median (dashed), and the
    mean (solid) with the 95 % CI of the seed mean (darker band)."""
    ref = s.reference_intervention()
    table = t["01_development_paths"]
    written = {}
    for scen in sorted(table["scenario"].unique()):
        part = table[(table["scenario"] == scen) & (table["intervention"] == ref)]
        name = f"01_development_paths__{scen}"
        written[name] = fig.lines_by_panel(
            part,
            "district_id",
            "settlement_type",
            "year",
            "value_added_base_prices_eur",
            f"value added at {s.base_year} prices [EUR/year]",
            f"Craft value added (real) by district and settlement type: {scen}, {ref}\n"
            f"solid: mean, dark band: {CI_OF_MEAN}; dashed: median, light band: "
            f"{PROJECTION_RANGE}",
            s.caption,
            out / f"{name}.png",
            band=("value_added_base_prices_eur_ci_low", "value_added_base_prices_eur_ci_high"),
            projection=band_columns("value_added_base_prices_eur"),
        )
    return written


def intervals(table: pd.DataFrame) -> pd.DataFrame:
    """The legend of the interval columns: projection range over runs vs CI of the mean."""
    return labels([m for m in HEADLINE if f"{m}_p50" in table])


def _compute(s: Sweep, c: Comparison | None) -> tuple[pd.DataFrame, ...]:
    table = development_paths(s)
    return table, intervals(table)


OUTPUT = StudyOutput(
    tables=("01_development_paths", "01_intervals"),
    compute=_compute,
    draw=draw_development_paths,
    figures=("01_development_paths__{scenario}.png",),
)
