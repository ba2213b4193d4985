"""Projection ranges: percentile bands over the runs of an arm, apart from the CI of the mean.

The 95 % CI of the seed mean (``statistics.seed_means``) says how well the *mean* path is known;
it narrows as seeds are added and is the right interval for paired lever comparisons. A
projection range says where the *paths* lie: the 5th, 50th and 95th percentile over every run
of an arm (its seeds, and its parameter samples where the sweep varies parameters). It does not
narrow with more runs, and it is what a report may quote as "the projection lies between".

Columns: ``<metric>_p05``, ``<metric>_p50``, ``<metric>_p95`` (``PROJECTION_RANGE``), beside
``<metric>_ci_low`` / ``<metric>_ci_high`` (``CI_OF_MEAN``). Counts and money are never below
zero: a percentile of non-negative runs is non-negative already, and ``clip`` guards the
metrics that must be non-negative against rounding and interpolation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LOW, MID, HIGH = 5, 50, 95  # percentiles of the projection range
SUFFIXES = (f"_p{LOW:02d}", f"_p{MID:02d}", f"_p{HIGH:02d}")
PROJECTION_RANGE = f"projection range over runs ({LOW}-{HIGH} % of runs; p{MID} = median)"
CI_OF_MEAN = "95 % CI of the seed mean"
# the headline series of the study outputs that get a projection range
HEADLINE = (
    "employees",
    "firms",
    "value_added_base_prices_eur",
    "rural_value_added_real_eur",
    "unmet_demand_eur",
)


def band_columns(metric: str) -> tuple[str, str, str]:
    """``(p05, p50, p95)`` column names of ``metric``."""
    low, mid, high = SUFFIXES
    return f"{metric}{low}", f"{metric}{mid}", f"{metric}{high}"


def percentile_bands(
    per_run: pd.DataFrame,
    by: list[str],
    metrics: list[str],
    non_negative: list[str] | tuple[str, ...] = (),
    low: float = LOW,
    high: float = HIGH,
) -> pd.DataFrame:
    """Median and ``low``-``high`` % percentiles over all runs per ``by`` group.

    Args:
        per_run: One row per run and ``by`` group (seeds and parameter samples alike).
        by: Grouping columns (e.g. scenario, intervention, district_id, year): an arm, a place,
            a year; every run in a group counts once.
        metrics: Metric columns.
        non_negative: Metrics that are counts or money: their bounds are clipped at 0.
        low, high: Percentiles of the band (linear interpolation between runs).

    Returns:
        ``by`` columns, ``n_runs``, then ``<metric>_p05``, ``_p50``, ``_p95`` per metric (the
        suffixes name ``low`` and ``high`` when they differ from 5 and 95).
    """
    unknown = sorted(set(non_negative) - set(metrics))
    if unknown:
        raise ValueError(f"non_negative names metrics that are not banded: {unknown}")
    grouped = per_run.groupby(by, observed=True)[metrics]
    qs = [low / 100, MID / 100, high / 100]
    q = grouped.quantile(qs)  # index: by..., quantile
    out = pd.DataFrame(index=q.index.droplevel(-1).unique())
    names = [f"_p{round(low):02d}", SUFFIXES[1], f"_p{round(high):02d}"]
    for m in metrics:
        values = q[m].unstack(-1)[qs].to_numpy(float)
        if m in non_negative:
            values = np.clip(values, 0.0, None)
        for i, suffix in enumerate(names):
            out[f"{m}{suffix}"] = values[:, i]
    out.insert(0, "n_runs", per_run.groupby(by, observed=True).size())
    return out.reset_index()


def with_bands(
    means: pd.DataFrame,
    per_run: pd.DataFrame,
    by: list[str],
    metrics: list[str],
    non_negative: list[str] | tuple[str, ...] = (),
) -> pd.DataFrame:
    """``means`` (``seed_means`` output) with the projection range of ``metrics`` joined on
    ``by``; the CI of the mean's lower bound of ``non_negative`` metrics is clipped at 0 too."""
    bands = percentile_bands(per_run, by, metrics, [m for m in non_negative if m in metrics])
    out = means.merge(bands, on=by, how="left")
    for m in non_negative:
        if f"{m}_ci_low" in out:
            out[f"{m}_ci_low"] = out[f"{m}_ci_low"].clip(lower=0.0)
    return out


def labels(metrics: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """One row per interval column: which kind of interval it is (for a table's legend)."""
    rows = []
    for m in metrics:
        for column in band_columns(m):
            rows.append({"column": column, "metric": m, "interval": PROJECTION_RANGE})
        for column in (f"{m}_ci_low", f"{m}_ci_high"):
            rows.append({"column": column, "metric": m, "interval": CI_OF_MEAN})
    return pd.DataFrame(rows)


def sweep_bands(sweep_dir, level: str = "quarter") -> pd.DataFrame:
    """The projection range of the region's headline series per arm (scenario, intervention)
    and ``level`` (``quarter``), over every finished run of a sweep folder (``sim.compare
    --bands``): employees, firms, real value added, rural real value added, unmet demand."""
    from sim.analysis.loading import read_table

    g = read_table(sweep_dir, "groups")
    g["rural_value_added_real_eur"] = g["value_added_base_prices_eur"].where(
        g["settlement_type"] == "rural", 0.0
    )
    keys = ["scenario", "intervention", level]
    metrics = list(HEADLINE)
    per_run = g.groupby(["run_id", *keys], observed=True)[metrics].sum().reset_index()
    for col in ("scenario", "intervention"):
        per_run[col] = per_run[col].astype(str)
    return percentile_bands(per_run, keys, metrics, non_negative=metrics)


def write_bands(sweep_dir, out, figures: bool = True) -> dict:
    """``bands.csv`` (and ``bands.png``) of ``sweep_bands`` in the folder ``out``."""
    from pathlib import Path

    from sim.analysis import figures as fig
    from sim.atomic import write_with

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    bands = sweep_bands(sweep_dir)
    written = {"bands": write_with(out / "bands.csv", lambda t: bands.to_csv(t, index=False))}
    if figures:
        title = f"Projection range: {Path(sweep_dir).name}"
        written["bands_png"] = fig.band_paths(bands, title, str(sweep_dir), out / "bands.png")
    return written
