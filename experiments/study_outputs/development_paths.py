"""Output 1, development paths: firms, employees, apprentices, turnover and value added per
district, settlement type (and ``all``) and year; one figure of value added per scenario.

Turnover and value added in real terms (base-year prices: ``*_base_prices_eur``, the headline
and the figure) and nominal (at the model's craft prices) beside them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.study_outputs.common import RUN, Figures, StudyOutput, Sweep, Tables, yearly
from sim.analysis import figures as fig
from sim.analysis.comparison import Comparison
from sim.analysis.statistics import seed_means


def development_paths(s: Sweep) -> pd.DataFrame:
    stocks = ["firms", "employees", "apprentices"]
    flows = [
        "turnover_base_prices_eur",
        "value_added_base_prices_eur",
        "turnover_eur",
        "value_added_eur",
    ]
    by = ["district_id", "settlement_type"]
    per_run = yearly(s.groups, by, stocks, flows)
    totals = yearly(s.groups, ["district_id"], stocks, flows).assign(settlement_type="all")
    per_run = pd.concat([per_run, totals], ignore_index=True)
    return s.stamped(seed_means(per_run, [*RUN, *by, "year"], stocks + flows))


def draw_development_paths(s: Sweep, t: Tables, c: Comparison | None, out: Path) -> Figures:
    """Value added by district and settlement type over the years, one figure per scenario."""
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
            f"Craft value added (real) by district and settlement type: {scen}, {ref}",
            s.caption,
            out / f"{name}.png",
            band=("value_added_base_prices_eur_ci_low", "value_added_base_prices_eur_ci_high"),
        )
    return written


OUTPUT = StudyOutput(
    tables=("01_development_paths",),
    compute=lambda s, c: (development_paths(s),),
    draw=draw_development_paths,
    figures=("01_development_paths__{scenario}.png",),
)
