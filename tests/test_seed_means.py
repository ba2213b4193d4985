"""seed_means counts the runs of a group, not its distinct seeds: a parameter sweep at one seed
(many samples, each seed 0) gets an interval (issue 14)."""

import math

import pandas as pd
import pytest
from scipy import stats

from sim.analysis.statistics import seed_means


def test_a_one_seed_parameter_sweep_has_an_interval_over_its_runs():
    runs = pd.DataFrame(
        {
            "arm": ["none"] * 4 + ["hubs"],
            "seed": [0, 0, 0, 0, 0],
            "model.loyal_share": [0.4, 0.45, 0.5, 0.55, 0.5],
            "v": [1.0, 2.0, 3.0, 6.0, 5.0],
        }
    )
    out = seed_means(runs, ["arm"], ["v"]).set_index("arm")
    half = stats.t.ppf(0.975, 3) * pd.Series([1.0, 2.0, 3.0, 6.0]).std() / 2
    assert out.loc["none", "v"] == 3.0
    assert (out.loc["none", "v_ci_low"], out.loc["none", "v_ci_high"]) == pytest.approx(
        (3.0 - half, 3.0 + half)
    )
    assert math.isnan(out.loc["hubs", "v_ci_low"])  # one run: no interval


def test_a_run_without_a_value_is_not_counted():
    runs = pd.DataFrame({"g": ["a"] * 3, "seed": [0, 1, 2], "v": [1.0, 3.0, float("nan")]})
    out = seed_means(runs, ["g"], ["v"]).iloc[0]
    half = stats.t.ppf(0.975, 1) * math.sqrt(2.0) / math.sqrt(2)
    assert out["v"] == 2.0
    assert (out["v_ci_low"], out["v_ci_high"]) == pytest.approx((2.0 - half, 2.0 + half))
