"""sim.analysis on toy tables: the one pairing (same seed, same context, unmatched rows left out),
paired differences equal a hand computation, seed labels and means, report writers, and the study
registry's checks. No model runs: every frame here is written by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis.pairing import (
    other_dimension,
    pair_rows,
    paired_differences,
    run_pairs,
    unpaired_count,
)
from sim.analysis.reports import with_unit_headers, write_csv
from sim.analysis.statistics import describe_seeds, seed_means


def runs(*rows: tuple[str, str, int, float]) -> pd.DataFrame:
    """Runs as (scenario, intervention, seed, value) rows, with a run_id."""
    df = pd.DataFrame(rows, columns=["scenario", "intervention", "seed", "value"])
    return df.assign(run_id=[f"r{i}" for i in range(len(df))])


@pytest.fixture
def sweep() -> pd.DataFrame:
    """Two scenarios x two interventions; the baseline intervention is ``none``.

    ``hubs`` in ``early`` has seed 2 without a baseline partner; ``none`` in ``late`` has seed 1
    without an arm partner; ``late`` / ``hubs`` seed 0 is paired within ``late`` only.
    """
    return runs(
        ("early", "none", 0, 10.0),
        ("early", "none", 1, 20.0),
        ("early", "hubs", 0, 13.0),
        ("early", "hubs", 1, 24.0),
        ("early", "hubs", 2, 99.0),
        ("late", "none", 0, 100.0),
        ("late", "none", 1, 200.0),
        ("late", "hubs", 0, 101.0),
    )


def test_pairs_share_seed_and_context(sweep):
    pairs = pair_rows(sweep, "intervention", "none")
    got = pairs[["scenario", "intervention", "seed", "value", "value__base"]]
    expected = pd.DataFrame(
        {
            "scenario": ["early", "early", "late"],
            "intervention": ["hubs", "hubs", "hubs"],
            "seed": [0, 1, 0],
            "value": [13.0, 24.0, 101.0],
            "value__base": [10.0, 20.0, 100.0],
        }
    )
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected)
    # each pair joins an arm run to a baseline run, never a run to itself
    assert (pairs["run_id"] != pairs["run_id__base"]).all()


def test_unmatched_runs_are_left_out(sweep):
    pairs = run_pairs(sweep, "intervention", "none")
    assert list(pairs.columns) == ["arm", "scenario", "intervention", "seed"]
    assert 2 not in set(pairs["seed"])  # early / hubs seed 2 has no baseline
    assert len(pairs) == 3
    # 8 runs: 3 pairs use 6, seed 2's arm run and late / none seed 1 stay unpaired
    assert unpaired_count(sweep, pairs, "intervention") == 2


def test_pairing_by_scenario_swaps_key_and_context(sweep):
    pairs = run_pairs(sweep, "scenario", "early")
    # late vs early within each intervention: none seeds 0, 1 and hubs seed 0
    assert sorted(map(tuple, pairs.to_numpy().tolist())) == [
        ("late", "late", "hubs", 0),
        ("late", "late", "none", 0),
        ("late", "late", "none", 1),
    ]
    rows = pair_rows(sweep, "scenario", "early")
    assert list(rows["value"] - rows["value__base"]) == [90.0, 180.0, 88.0]


def test_pairs_agree_on_the_by_columns():
    frame = pd.DataFrame(
        {
            "scenario": ["s"] * 6,
            "intervention": ["none", "none", "x", "x", "x", "none"],
            "seed": [0, 0, 0, 0, 0, 1],
            "district_id": ["a", "b", "a", "b", "c", "a"],
            "jobs": [1.0, 2.0, 5.0, 7.0, 9.0, 3.0],
        }
    )
    pairs = pair_rows(frame, "intervention", "none", ["district_id"], suffix="__cf")
    assert list(pairs["district_id"]) == ["a", "b"]  # c has no baseline row, seed 1 no arm row
    assert list(pairs["jobs"] - pairs["jobs__cf"]) == [4.0, 5.0]


def test_paired_differences_equal_a_hand_computation():
    rng = np.random.default_rng(0)
    base = rng.normal(100, 10, 5)
    arm = base + rng.normal(3, 1, 5)
    frame = pd.DataFrame(
        {
            "scenario": "s",
            "intervention": ["none"] * 5 + ["x"] * 5,
            "seed": [*range(5), *range(5)],
            "jobs": [*base, *arm],
        }
    )
    out = paired_differences(frame, "intervention", "none", [], {"jobs": "persons"})
    assert len(out) == 1
    r = out.iloc[0]
    d = arm - base
    half = stats.t.ppf(0.975, 4) * d.std(ddof=1) / math.sqrt(5)
    assert (r["arm"], r["intervention"], r["scenario"], r["unit"]) == ("x", "x", "s", "persons")
    assert r["n_pairs"] == 5
    assert (r["mean_diff"], r["ci_low"], r["ci_high"]) == pytest.approx(
        (d.mean(), d.mean() - half, d.mean() + half)
    )


def test_a_single_pair_has_no_interval(sweep):
    late = sweep[sweep["scenario"] == "late"]
    out = paired_differences(late, "intervention", "none", [], {"value": "EUR"})
    r = out.iloc[0]
    assert r["n_pairs"] == 1 and r["mean_diff"] == 1.0
    assert math.isnan(r["ci_low"]) and math.isnan(r["ci_high"])


def test_unknown_pairing_key_is_refused():
    with pytest.raises(ValueError, match="intervention, scenario"):
        other_dimension("seed")


def test_seed_labels_and_means():
    assert describe_seeds([5, 0, 2, 1, 1]) == "0-2,5"
    assert describe_seeds([]) == ""
    per_run = pd.DataFrame({"g": ["a", "a", "a", "b"], "seed": [0, 1, 2, 0], "v": [1, 2, 3, 4.0]})
    out = seed_means(per_run, ["g"], ["v"]).set_index("g")
    half = stats.t.ppf(0.975, 2) * 1.0 / math.sqrt(3)
    assert out.loc["a", "v"] == 2.0
    assert (out.loc["a", "v_ci_low"], out.loc["a", "v_ci_high"]) == pytest.approx(
        (2 - half, 2 + half)
    )
    assert math.isnan(out.loc["b", "v_ci_low"])  # one seed: no interval


def test_report_headers_and_atomic_csv(tmp_path):
    df = pd.DataFrame(
        {"value_added_eur": [1.0], "employees_kept_ci_low": [0.5], "n_pairs": [3], "arm": ["x"]}
    )
    assert list(with_unit_headers(df).columns) == [
        "value_added [EUR]",
        "employees_kept_ci_low [persons]",
        "n_pairs [seeds]",
        "arm",
    ]
    path = write_csv(df, tmp_path / "t.csv")
    pd.testing.assert_frame_equal(pd.read_csv(path), df)
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]  # no temporary file left


def test_unknown_study_output_names_the_allowed_ones(tmp_path):
    from experiments.study import OUTPUTS, write_outputs

    with pytest.raises(ValueError, match="unknown study output.*'jobs'.*allowed: ") as info:
        write_outputs(tmp_path / "no_sweep_needed", tmp_path, ("succession_gap", "jobs"))
    assert all(name in str(info.value) for name in OUTPUTS)
