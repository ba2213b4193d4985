"""Projection ranges (sim.analysis.bands): percentiles over runs, clipping, labels, figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis.bands import (
    CI_OF_MEAN,
    PROJECTION_RANGE,
    band_columns,
    labels,
    percentile_bands,
    with_bands,
)
from sim.analysis.statistics import seed_means


def _runs() -> pd.DataFrame:
    """Two arms; arm a has 101 runs with values 0..100 (percentiles known exactly)."""
    a = pd.DataFrame({"arm": "a", "seed": range(101), "x": np.arange(101.0)})
    a["y"] = a["x"] - 50.0  # crosses zero: p05 = -45
    b = pd.DataFrame({"arm": "b", "seed": range(3), "x": [1.0, 2.0, 3.0], "y": [0.0, 0.0, 0.0]})
    return pd.concat([a, b], ignore_index=True)


def test_percentiles_of_known_input():
    out = percentile_bands(_runs(), ["arm"], ["x", "y"]).set_index("arm")
    assert out.loc["a", ["x_p05", "x_p50", "x_p95"]].tolist() == [5.0, 50.0, 95.0]
    assert out.loc["a", ["y_p05", "y_p50", "y_p95"]].tolist() == [-45.0, 0.0, 45.0]
    # three runs, linear interpolation: 5 % of the way from 1 to 2 ...
    assert out.loc["b", "x_p05"] == pytest.approx(1.1)
    assert out.loc["b", "x_p50"] == 2.0 and out.loc["b", "x_p95"] == pytest.approx(2.9)
    assert out.loc["a", "n_runs"] == 101 and out.loc["b", "n_runs"] == 3


def test_counts_and_money_are_clipped_at_zero():
    runs = _runs()
    clipped = percentile_bands(runs, ["arm"], ["y"], non_negative=["y"]).set_index("arm")
    assert clipped.loc["a", "y_p05"] == 0.0 and clipped.loc["a", "y_p95"] == 45.0
    with pytest.raises(ValueError, match="not banded"):
        percentile_bands(runs, ["arm"], ["x"], non_negative=["y"])
    # the CI of the mean of a count whose runs scatter around 0 would reach below zero
    means = seed_means(runs, ["arm"], ["y"])
    assert means.set_index("arm").loc["b", "y_ci_low"] == 0.0  # no spread: exactly 0
    runs.loc[runs["arm"] == "b", "y"] = [0.0, 0.0, 3.0]
    means = seed_means(runs, ["arm"], ["y"])
    assert (means["y_ci_low"] < 0).any()
    out = with_bands(means, runs, ["arm"], ["y"], non_negative=["y"])
    assert (out["y_ci_low"] >= 0).all() and (out[list(band_columns("y"))] >= 0).all().all()


def test_band_is_wider_than_the_ci_of_the_mean_and_does_not_narrow_with_runs():
    rng = np.random.default_rng(1)
    runs = pd.DataFrame({"arm": "a", "seed": range(400), "x": rng.normal(100, 10, 400)})
    small, large = runs.iloc[:40], runs
    widths = []
    for part in (small, large):
        out = with_bands(seed_means(part, ["arm"], ["x"]), part, ["arm"], ["x"]).iloc[0]
        band, ci = out["x_p95"] - out["x_p05"], out["x_ci_high"] - out["x_ci_low"]
        assert band > 3 * ci
        widths.append((band, ci))
    assert widths[1][1] < widths[0][1] / 2  # the CI narrows with 10x the runs
    assert widths[1][0] == pytest.approx(2 * 1.645 * 10, rel=0.15)  # the band does not


def test_labels_tell_the_two_intervals_apart():
    table = labels(["employees"]).set_index("column")["interval"]
    assert table["employees_p05"] == table["employees_p95"] == PROJECTION_RANGE
    assert table["employees_ci_low"] == CI_OF_MEAN
    assert PROJECTION_RANGE != CI_OF_MEAN and "runs" in PROJECTION_RANGE


def test_figure_draws_band_and_median(tmp_path):
    from sim.analysis import figures as fig

    runs = pd.DataFrame(
        {
            "panel": "p",
            "line": "l",
            "year": np.repeat([2025, 2026, 2027], 20),
            "seed": np.tile(range(20), 3),
            "v": np.arange(60.0),
        }
    )
    keys = ["panel", "line", "year"]
    table = with_bands(seed_means(runs, keys, ["v"]), runs, keys, ["v"], non_negative=["v"])
    path = fig.lines_by_panel(
        table, "panel", "line", "year", "v", "v", "t", "c", tmp_path / "f.png",
        band=("v_ci_low", "v_ci_high"), projection=band_columns("v"),
    )  # fmt: skip
    assert path.stat().st_size > 1000


@pytest.fixture(scope="module")
def tiny_sweep(tmp_path_factory):
    from tests.conftest import run_cli

    results = tmp_path_factory.mktemp("results")
    proc = run_cli(
        "-m",
        "region=small",
        "households_per_agent=50",
        "end=2025Q4",
        "intervention=none,innovation_transfer",  # two arms: sim.compare needs a baseline
        "seed=0",
        "hydra/launcher=basic",
        f"results_dir={results}",
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return results / "baseline"


def test_study_outputs_and_compare_carry_the_projection_range(tiny_sweep, tmp_path):
    from experiments.study_outputs.common import Sweep
    from experiments.study_outputs.development_paths import development_paths
    from experiments.study_outputs.rural_value_creation import rural_value_creation
    from sim.analysis.bands import sweep_bands
    from sim.compare import main

    s = Sweep(tiny_sweep)
    dev = development_paths(s)
    for m in ("employees", "firms", "value_added_base_prices_eur", "unmet_demand_eur"):
        low, mid, high = (dev[c] for c in band_columns(m))
        assert (low >= 0).all() and (low <= mid).all() and (mid <= high).all(), m
        assert not (dev[f"{m}_ci_low"] < 0).any(), m  # NaN here: one seed per arm
    # by hand: Halle's employees at the end of 2025 in the one run of each arm
    g = s.groups[(s.groups["quarter"] == "2025Q4") & (s.groups["district_id"] == "halle")]
    per_arm = g.groupby("intervention")["employees"].sum()
    rows = dev[(dev["district_id"] == "halle") & (dev["settlement_type"] == "all")]
    for row in rows.itertuples():
        value = per_arm[row.intervention]
        assert row.employees_p05 == row.employees_p50 == row.employees_p95 == value
        assert row.n_runs == 1
    rural = rural_value_creation(s)
    assert (rural["rural_value_added_real_eur_p05"] >= 0).all()
    assert {"rural_share_pct_p50", "rural_change_vs_2025_pct_p95"} <= set(rural)
    from experiments.study_outputs.development_paths import OUTPUT

    _, legend = OUTPUT.compute(s, None)  # the interval legend written beside the table
    assert set(legend["interval"]) == {PROJECTION_RANGE, CI_OF_MEAN}
    assert set(legend["column"]) <= set(dev.columns)
    bands = sweep_bands(tiny_sweep)
    assert (bands["n_runs"] == 1).all() and len(bands) == 8  # 4 quarters, two arms
    assert main([str(tiny_sweep), "--bands", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "bands.csv").is_file() and (tmp_path / "bands.png").stat().st_size > 1000


def test_compare_view_projection_figure_draws_arm_and_baseline_bands():
    from sim.ui.bands_view import arms_to_draw, projection_figure

    rows = []
    for scenario, intervention, level in (
        ("baseline", "rural_hubs", 2.0),
        ("baseline", "none", 1.0),
    ):
        for q in ("2025Q1", "2025Q2", "2025Q3"):
            rows.append(
                {
                    "scenario": scenario,
                    "intervention": intervention,
                    "quarter": q,
                    "n_runs": 3,
                    "employees_p05": level - 0.5,
                    "employees_p50": level,
                    "employees_p95": level + 0.5,
                }
            )
    bands = pd.DataFrame(rows)
    arms = arms_to_draw("intervention", "rural_hubs", "none", "baseline")
    assert arms == [("baseline", "rural_hubs"), ("baseline", "none")]
    assert arms_to_draw("scenario", "early_exit", "baseline", "none")[1] == ("baseline", "none")
    fig = projection_figure(bands, "employees", arms)
    medians = [list(t.y) for t in fig.data if "median" in t.name]
    assert medians == [[2.0, 2.0, 2.0], [1.0, 1.0, 1.0]]
    assert len([t for t in fig.data if t.fill == "toself"]) == 2  # one band per arm
    assert "n=3" in [t.name for t in fig.data if "median" in t.name][0]
