"""The compare view's projection ranges: where the runs' paths lie, apart from the CI of the mean.

The paired comparison above it shows the 95 % CI of the mean difference (it narrows with more
seeds); this panel shows the level of one headline series for the chosen arm and its baseline
as the median and 5-95 % of runs (``sim.analysis.bands``: seeds and parameter samples alike),
which is what a report may quote as a range.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import solara
from matplotlib.figure import Figure

from sim.analysis.bands import HEADLINE, PROJECTION_RANGE, band_columns, sweep_bands
from sim.ui import charts
from sim.ui.live import Chart
from sim.vocabulary import quarter_to_year

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


def projection_figure(bands: pd.DataFrame, metric: str, arms: list[tuple[str, str]]) -> Figure:
    """Median (line) and 5-95 % of runs (band) of ``metric`` per quarter, one colour per arm."""
    fig = charts._figure(bottom=0.12)
    ax = fig.add_subplot()
    low, mid, high = band_columns(metric)
    scale = 1e6 if metric.endswith("_eur") else 1.0
    for (scenario, intervention), colour in zip(arms, ("#c62828", "#546e7a"), strict=False):
        d = bands[(bands["scenario"] == scenario) & (bands["intervention"] == intervention)]
        if d.empty:
            continue
        d = d.sort_values("quarter")
        x = quarter_to_year(d["quarter"])
        label = f"{scenario} / {intervention} (n={int(d['n_runs'].max())})"
        ax.fill_between(x, d[low] / scale, d[high] / scale, color=colour, alpha=0.18, lw=0)
        ax.plot(x, d[mid] / scale, color=colour, lw=1.4, label=label)
    charts._finish(ax, f"Projection range: {metric}", LABELS.get(metric, metric))
    fig.text(0.01, 0.01, PROJECTION_RANGE, fontsize=7, color="#555")
    return fig


@solara.component
def ProjectionRanges(sweep_dir: Path, key: str, arm: str, baseline: str, context: str, cache):
    """Select a headline series; draw the arm's and the baseline's projection range."""
    metric = solara.use_reactive("value_added_base_prices_eur")
    bands = cache((str(sweep_dir), "bands"), lambda: sweep_bands(sweep_dir))
    arms = arms_to_draw(key, arm, baseline, context)
    solara.Select("Projection range of", list(HEADLINE), value=metric)
    Chart(
        lambda: projection_figure(bands, metric.value, arms),
        [str(sweep_dir), metric.value, *arms],
        classes=["sim-compare-bands"],
    )
