"""The compare view's projection ranges: where the runs' paths lie, apart from the CI of the mean.

The paired comparison above it shows the 95 % CI of the mean difference (it narrows with more
seeds); this panel shows the level of one headline series for the chosen arm and its baseline
as the median and 5-95 % of runs (``sim.analysis.bands``: seeds and parameter samples alike),
which is what a report may quote as a range. A parameter sweep (runs that differ in a setting,
not in scenario or intervention) has no pairs: :func:`ParameterRanges` draws one range per
value of the swept setting instead.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import solara

from sim.analysis.bands import HEADLINE, percentile_bands, sweep_bands
from sim.store import load
from sim.ui.compare_plots import parameter_figure, projection_figure
from sim.ui.plotly_chart import PlotlyChart

LABELS = {
    "value_added_base_prices_eur": "value added at base-year prices [M EUR/quarter]",
    "rural_value_added_real_eur": "rural value added, base-year prices [M EUR/quarter]",
    "employees": "craft persons",
    "firms": "firms",
    "unmet_demand_eur": "unmet demand [M EUR/quarter]",
}


def arms_to_draw(key: str, arm: str, baseline: str, context: str) -> list[tuple[str, str]]:
    """``(scenario, intervention)`` of the arm and of its baseline within ``context``."""
    if key == "intervention":
        return [(context, arm), (context, baseline)]
    return [(arm, context), (baseline, context)]


def parameter_bands(sweep_dir: Path, parameter: str) -> pd.DataFrame:
    """The projection range of the headline series per value of a swept setting and quarter,
    over every finished run (``parameter`` a column ``sim.store.load`` adds, e.g.
    ``model.price_elasticity``)."""
    columns = [
        "quarter",
        "settlement_type",
        *[m for m in HEADLINE if m != "rural_value_added_real_eur"],
    ]
    g = load(sweep_dir, "groups", columns=columns, strict=False)
    if parameter not in g:
        raise KeyError(f"{parameter} is not a setting the sweep varies")
    g["rural_value_added_real_eur"] = g["value_added_base_prices_eur"].where(
        g["settlement_type"] == "rural", 0.0
    )
    g[parameter] = g[parameter].astype(str)
    keys = [parameter, "quarter"]
    metrics = list(HEADLINE)
    per_run = g.groupby(["run_id", *keys], observed=True)[metrics].sum().reset_index()
    return percentile_bands(per_run, keys, metrics, non_negative=metrics)


@solara.component
def ProjectionRanges(sweep_dir: Path, key: str, arm: str, baseline: str, context: str, cache):
    """Select a headline series; draw the arm's and the baseline's projection range."""
    metric = solara.use_reactive("value_added_base_prices_eur")
    bands = cache((str(sweep_dir), "bands"), lambda: sweep_bands(sweep_dir))
    arms = arms_to_draw(key, arm, baseline, context)
    solara.Select("Projection range of", list(HEADLINE), value=metric)
    PlotlyChart(
        lambda: projection_figure(bands, metric.value, arms, LABELS.get(metric.value, "")),
        [str(sweep_dir), metric.value, *arms],
        classes=["sim-compare-bands"],
    )


@solara.component
def ParameterRanges(sweep_dir: Path, parameter: str, cache, scan: int = 0):
    """A parameter sweep: the projection range of a headline series per value of ``parameter``."""
    metric = solara.use_reactive("value_added_base_prices_eur")
    bands = cache(
        (str(sweep_dir), "parameter_bands", parameter, scan),
        lambda: parameter_bands(sweep_dir, parameter),
    )
    solara.Info(
        f"The runs differ in the setting {parameter}, not in scenario or intervention: there "
        "are no pairs to compare, so the view shows the projection range per value.",
        dense=True,
    )
    solara.Select("Projection range of", list(HEADLINE), value=metric)
    PlotlyChart(
        lambda: parameter_figure(bands, metric.value, parameter, LABELS.get(metric.value, "")),
        [str(sweep_dir), parameter, metric.value, scan],
        classes=["sim-compare-bands"],
    )
