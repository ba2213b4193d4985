"""Paired comparison: numbers equal a direct pandas computation, pairing beats Welch on the same
runs, every output is written, bad sweep folders give clear errors, and the study outputs and an
experiment command work end to end."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from scipy import stats

from sim.analysis import paired_comparison, ratio_interval, welch_interval
from tests.conftest import ROOT, run_cli

TINY = ["region=small", "households_per_agent=50", "end=2026Q4"]
SEEDS = (0, 1, 2)
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    results = tmp_path_factory.mktemp("results")
    proc = run_cli(
        "-m",
        *TINY,
        "intervention=none,innovation_transfer",
        f"seed={','.join(map(str, SEEDS))}",
        "hydra/launcher=basic",
        f"results_dir={results}",
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return results / "baseline"


@pytest.fixture(scope="module")
def comparison(sweep):
    return paired_comparison(sweep, {"intervention": "none"})


def compare_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim.compare", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def by_hand(sweep, table: str) -> pd.DataFrame:
    """Each run's table read straight from its folder, with the manifest's run columns."""
    frames = []
    for manifest_path in sorted(sweep.glob("*/manifest.json")):
        manifest = json.loads(manifest_path.read_text())
        df = pd.read_parquet(manifest_path.parent / f"{table}.parquet")
        frames.append(df.assign(intervention=manifest["intervention"], seed=manifest["seed"]))
    return pd.concat(frames, ignore_index=True)


def paired_by_hand(per_run: pd.Series) -> tuple[float, float, float, np.ndarray, np.ndarray]:
    """per_run indexed by (intervention, seed) -> mean diff and t-interval, and both arms."""
    arm = per_run.xs("innovation_transfer").sort_index().to_numpy(float)
    base = per_run.xs("none").sort_index().to_numpy(float)
    d = arm - base
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d))
    return d.mean(), d.mean() - half, d.mean() + half, arm, base


def row(df: pd.DataFrame, **where) -> pd.Series:
    mask = np.ones(len(df), dtype=bool)
    for k, v in where.items():
        mask &= df[k] == v
    assert mask.sum() == 1, (where, mask.sum())
    return df[mask].iloc[0]


def test_contract_columns(comparison):
    c = comparison
    assert {"arm", "metric", "unit", "mean_diff", "ci_low", "ci_high", "n_pairs"} <= set(
        c.headline.columns
    )
    assert {"arm", "quarter", "metric", "mean_diff", "ci_low", "ci_high"} <= set(c.over_time)
    assert {
        "arm",
        "district_id",
        "settlement_type",
        "trade_group",
        "metric",
        "mean_diff",
        "ci_low",
        "ci_high",
    } <= set(c.by_district)
    assert {"arm", "place_id", "lat", "lon", "value_added_change_eur", "unmet_demand_eur"} <= set(
        c.places
    )
    assert c.arms == ["innovation_transfer"]
    assert set(c.headline["n_pairs"]) == {len(SEEDS)}


def test_headline_numbers_equal_a_direct_pandas_computation(sweep, comparison):
    g = by_hand(sweep, "groups")
    last_q = g["quarter"].max()
    employees = g[g["quarter"] == last_q].groupby(["intervention", "seed"])["employees"].sum()
    mean, lo, hi, arm, base = paired_by_hand(employees)
    r = row(comparison.headline, metric=f"employees_{last_q}")
    assert (r["mean_diff"], r["ci_low"], r["ci_high"]) == pytest.approx((mean, lo, hi))
    # the unpaired (Welch) interval of the same runs, as scipy computes it
    welch = stats.ttest_ind(arm, base, equal_var=False).confidence_interval(0.95)
    assert (r["unpaired_ci_low"], r["unpaired_ci_high"]) == pytest.approx((welch.low, welch.high))

    rural = g[(g["settlement_type"] == "rural") & (g["year"] == 2026)]
    rural_va = rural.groupby(["intervention", "seed"])["value_added_eur"].sum()
    mean, lo, hi, _, _ = paired_by_hand(rural_va)
    r = row(comparison.headline, metric="rural_value_added_eur_2026")
    assert (r["mean_diff"], r["ci_low"], r["ci_high"]) == pytest.approx((mean, lo, hi))
    # the real headline beside it: turnover at base-year prices minus inputs
    real = rural["value_added_base_prices_eur"]
    mean, lo, hi, _, _ = paired_by_hand(real.groupby([rural["intervention"], rural["seed"]]).sum())
    r = row(comparison.headline, metric="rural_value_added_real_eur_2026")
    assert (r["mean_diff"], r["ci_low"], r["ci_high"]) == pytest.approx((mean, lo, hi))

    closures = g.groupby(["intervention", "seed"])[
        ["closures_no_successor", "closures_losses", "closures_other"]
    ].sum()
    mean, *_ = paired_by_hand(closures.sum(axis=1))
    assert row(comparison.headline, metric="closures_total")["mean_diff"] == pytest.approx(mean)

    d = by_hand(sweep, "districts")
    cost = d.groupby(["intervention", "seed"])["intervention_cost_eur"].sum()
    cost_diff = cost.xs("innovation_transfer").sort_index() - cost.xs("none").sort_index()
    real = g["value_added_base_prices_eur"]  # cost per EUR of real value added
    va = real.groupby([g["intervention"], g["seed"]]).sum()
    va_diff = va.xs("innovation_transfer").sort_index() - va.xs("none").sort_index()
    assert cost_diff.mean() > 0  # the intervention has a budget, the baseline none
    r = row(comparison.headline, metric="cost_per_eur_value_added")
    if va_diff.mean() > 0:
        assert r["mean_diff"] == pytest.approx(cost_diff.mean() / va_diff.mean())
    else:
        assert math.isnan(r["mean_diff"]) and "<= 0" in r["note"]


def test_time_district_and_place_numbers_equal_pandas(sweep, comparison):
    g = by_hand(sweep, "groups")
    q = "2025Q3"
    va = g[g["quarter"] == q].groupby(["intervention", "seed"])["value_added_eur"].sum()
    mean, lo, hi, _, _ = paired_by_hand(va)
    r = row(comparison.over_time, quarter=q, metric="value_added_eur")
    assert (r["mean_diff"], r["ci_low"], r["ci_high"]) == pytest.approx((mean, lo, hi))

    cell = g[
        (g["year"] == 2026)
        & (g["district_id"] == "burgenlandkreis")
        & (g["settlement_type"] == "rural")
        & (g["trade_group"] == "ausbau")
    ]
    unmet = cell.groupby(["intervention", "seed"])["unmet_demand_eur"].sum()
    mean, lo, hi, _, _ = paired_by_hand(unmet)
    r = row(
        comparison.by_district,
        year=2026,
        district_id="burgenlandkreis",
        settlement_type="rural",
        trade_group="ausbau",
        metric="unmet_demand_eur",
    )
    assert (r["mean_diff"], r["ci_low"], r["ci_high"]) == pytest.approx((mean, lo, hi))
    firms = g[(g["quarter"] == "2026Q4") & (g["district_id"] == "halle")]
    mean, *_ = paired_by_hand(firms.groupby(["intervention", "seed"])["firms"].sum())
    r = row(
        comparison.by_district,
        year=2026,
        district_id="halle",
        settlement_type="all",
        trade_group="all",
        metric="firms",
    )
    assert r["mean_diff"] == pytest.approx(mean)

    p = by_hand(sweep, "places")
    p = p[p["quarter"].str.startswith("2026")]
    place = comparison.places.sort_values("unmet_demand_eur").iloc[-1]
    at = p[p["place_id"] == place["place_id"]].groupby(["intervention", "seed"])
    mean, *_ = paired_by_hand(at["value_added_eur"].sum())
    assert place["value_added_change_eur"] == pytest.approx(mean)
    unmet = at["unmet_demand_eur"].sum().xs("innovation_transfer").mean()
    assert place["unmet_demand_eur"] == pytest.approx(unmet)
    assert place["lat"] > 50 and place["lon"] > 11  # coordinates of the region's places


def test_pairing_by_seed_narrows_the_interval(comparison):
    h = comparison.headline.dropna(subset=["unpaired_ci_low"])
    for metric in ("employees_2026Q4", "value_added_eur_2026", "firms_2026Q4"):
        r = row(h, metric=metric)
        paired = r["ci_high"] - r["ci_low"]
        unpaired = r["unpaired_ci_high"] - r["unpaired_ci_low"]
        assert paired < unpaired, (metric, paired, unpaired)


def test_compare_command_writes_every_output(sweep, tmp_path, comparison):
    out = tmp_path / "report"
    proc = compare_cli(sweep, "--baseline", "intervention=none", "--out", out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    names = {p.name for p in out.iterdir()}
    expected = {
        "headline.csv",
        "over_time.csv",
        "by_district.csv",
        "places.csv",
        "ranking.csv",
        "comparison.xlsx",
        "summary.md",
        "time_paths__baseline.png",
        "districts__employees.png",
        "districts__value_added_real_eur.png",
        "map__innovation_transfer__baseline.png",
    }
    assert expected <= names
    assert not [n for n in names if ".tmp-" in n]
    for png in out.glob("*.png"):
        assert png.read_bytes()[:8] == PNG and png.stat().st_size > 5000
    headline = pd.read_csv(out / "headline.csv")
    pd.testing.assert_series_equal(
        headline["mean_diff"], comparison.headline["mean_diff"], check_names=False
    )
    commit = json.loads(next(sweep.glob("*/manifest.json")).read_text())["git_commit"]
    for csv in out.glob("*.csv"):
        df = pd.read_csv(csv)
        assert {"baseline", "seeds", "code_version", "scenario", "intervention"} <= set(df)
        assert set(df["seeds"]) == {"0-2"} and df["code_version"].str.startswith(commit[:12]).all()
    book = load_workbook(out / "comparison.xlsx", read_only=True)
    assert book.sheetnames == [
        "about",
        "headline",
        "ranking",
        "by_district",
        "over_time",
        "places",
        "focal_points",
    ]
    places_header = [c.value for c in next(book["places"].iter_rows(max_row=1))]
    assert "value_added_change [EUR]" in places_header and "lat [deg N]" in places_header
    summary = (out / "summary.md").read_text()
    assert "innovation_transfer" in summary and "intervention=none" in summary
    assert "3 paired seeds" in summary and commit[:12] in summary
    assert "employees_2026Q4" in summary
    assert "# Paired comparison" in proc.stdout


def test_metric_filter_and_scenario_baseline(sweep, tmp_path):
    out = tmp_path / "only"
    proc = compare_cli(sweep, "--metric", "employees", "--no-figures", "--out", out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert set(pd.read_csv(out / "over_time.csv")["metric"]) == {"employees"}
    assert not list(out.glob("*.png"))
    bad = compare_cli(sweep, "--metric", "jobs")
    assert bad.returncode == 2 and "allowed:" in bad.stderr and "employees" in bad.stderr


def corrupt_copy(sweep, dest):
    shutil.copytree(sweep, dest)
    victim = sorted(p for p in dest.iterdir() if p.is_dir() and p.name[0] not in "._")[0]
    (victim / "manifest.json").write_text('{"status": "compl')
    return dest, victim


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("missing", "does not exist"),
        ("empty", "has no finished runs"),
        ("corrupt", "corrupt run folder"),
        ("baseline_key", "key one of intervention, scenario"),
        ("baseline_value", "values present: innovation_transfer, none"),
        ("only_baseline", "nothing to compare it with"),
    ],
)
def test_bad_sweep_folders_give_a_clear_error(sweep, tmp_path, case, expected):
    args = []
    target = sweep
    if case == "missing":
        target = tmp_path / "no_such_sweep"
    elif case == "empty":
        target = tmp_path / "empty"
        target.mkdir()
    elif case == "corrupt":
        target, victim = corrupt_copy(sweep, tmp_path / "corrupt")
        expected = f"corrupt run folder.*{victim.name}.*manifest.json is corrupt"
    elif case == "baseline_key":
        args = ["--baseline", "seed=0"]
    elif case == "baseline_value":
        args = ["--baseline", "intervention=rural_hubs"]
    elif case == "only_baseline":
        target = tmp_path / "only_none"
        target.mkdir()
        for run in sweep.glob("*__none__*"):
            shutil.copytree(run, target / run.name)
    proc = compare_cli(target, *args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ")
    assert re.search(expected, proc.stderr), proc.stderr


def test_ratio_interval_is_honest_about_zero_and_unclear_denominators():
    cost = np.array([100.0, 100.0, 100.0, 100.0])
    est, lo, hi, note = ratio_interval(cost, np.array([9.0, 10.0, 11.0, 10.0]))
    assert est == pytest.approx(10.0) and lo < 10.0 < hi and note == ""
    # Fieller's interval: the ratios r where the mean of cost - r * jobs is not significant
    for r in (lo, hi):
        d = cost - r * np.array([9.0, 10.0, 11.0, 10.0])
        t = d.mean() / (d.std(ddof=1) / 2)
        assert abs(t) == pytest.approx(stats.t.ppf(0.975, 3))
    est, lo, hi, note = ratio_interval(cost, np.array([-1.0, -2.0, 0.5, -1.0]))
    assert math.isnan(est) and "<= 0" in note
    est, lo, hi, note = ratio_interval(cost, np.array([5.0, -4.0, 6.0, -3.0]))
    assert est == pytest.approx(100 / 1.0) and math.isnan(lo) and "unbounded" in note
    est, _, _, note = ratio_interval(np.zeros(3), np.ones(3))
    assert math.isnan(est) and "no cost" in note
    diff, lo, hi = welch_interval([1.0, 2.0, 3.0], [0.0, 0.0, 1.0])
    ci = stats.ttest_ind([1.0, 2.0, 3.0], [0.0, 0.0, 1.0], equal_var=False).confidence_interval()
    assert (diff, lo, hi) == pytest.approx((5 / 3, ci.low, ci.high))


def test_study_outputs_from_the_policy_sweep(sweep, comparison, tmp_path):
    from experiments.study import STUDY_OUTPUTS, write_outputs

    written = write_outputs(sweep, tmp_path, comparison=comparison)
    names = {p.name for p in tmp_path.iterdir()}
    for stem in (
        "01_development_paths",
        "02_rural_value_creation",
        "03_demand_focal_points_places",
        "03_demand_focal_points_trade_groups",
        "03_demand_focal_points_place_groups",
        "04_transfer_structures",
        "05_succession_gap",
        "06_coal_exposure_levels",
    ):
        assert f"{stem}.csv" in names, stem
        df = pd.read_csv(tmp_path / f"{stem}.csv")
        assert {"scenario", "intervention", "seeds", "code_version"} <= set(df), stem
    assert "study_outputs.xlsx" in names
    assert sum(p.suffix == ".png" for p in written.values()) >= 5
    # every figure written is one its output declares in the registry
    declared = [
        re.escape(pattern).replace(r"\{scenario\}", "[a-z_]+").replace(r"\{year\}", "[0-9]{4}")
        for output in STUDY_OUTPUTS.values()
        for pattern in output.figures
    ]
    for path in written.values():
        if path.suffix == ".png":
            assert any(re.fullmatch(p, path.name) for p in declared), path.name

    g = by_hand(sweep, "groups")
    rural = pd.read_csv(tmp_path / "02_rural_value_creation.csv")
    r = row(rural, intervention="none", district_id="saalekreis", year=2026)
    cell = g[(g["intervention"] == "none") & (g["district_id"] == "saalekreis")]
    share = []
    change = []
    nominal = []
    for _, run in cell.groupby("seed"):
        # the headline is real (base-year prices); nominal beside it
        va = run.groupby(["year", "settlement_type"])["value_added_base_prices_eur"].sum()
        share.append(100 * va[2026]["rural"] / va[2026].sum())
        change.append(100 * (va[2026]["rural"] / va[2025]["rural"] - 1))
        va = run.groupby(["year", "settlement_type"])["value_added_eur"].sum()
        nominal.append(100 * (va[2026]["rural"] / va[2025]["rural"] - 1))
    assert r["rural_share_pct"] == pytest.approx(np.mean(share))
    assert r["rural_change_vs_2025_pct"] == pytest.approx(np.mean(change))
    assert r["rural_change_nominal_vs_2025_pct"] == pytest.approx(np.mean(nominal))
    assert r["seeds"] == "0-2" and r["n_seeds"] == 3

    gap = pd.read_csv(tmp_path / "05_succession_gap.csv")
    r = row(gap, intervention="none", district_id="halle", year=2025)
    cell = g[(g["intervention"] == "none") & (g["district_id"] == "halle") & (g["year"] == 2025)]
    routes = ["successions_family", "successions_employee", "successions_external"]
    per_seed = cell.groupby("seed")[[*routes, "closures_no_successor"]].sum()
    assert r["owners_retiring"] == pytest.approx(per_seed.sum(axis=1).mean())
    assert r["closures_no_successor"] == pytest.approx(per_seed["closures_no_successor"].mean())

    focal = pd.read_csv(tmp_path / "03_demand_focal_points_places.csv")
    top = focal[(focal["intervention"] == "none") & (focal["year"] == 2026)]
    assert list(top["rank"].head(3)) == [1, 2, 3]
    assert top["unmet_demand_eur"].is_monotonic_decreasing
    areas = pd.read_csv(tmp_path / "03_demand_focal_points_trade_groups.csv")
    use = areas["capacity_use_pct"].dropna()
    assert use.between(30, 100).all() and use.median() > 60
    # the backlog rises with capacity use (the queue relation), an idle area has none
    ordered = areas.dropna(subset=["capacity_use_pct"]).sort_values("capacity_use_pct")
    assert ordered["order_backlog_weeks"].is_monotonic_increasing

    transfer = pd.read_csv(tmp_path / "04_transfer_structures.csv")
    assert set(transfer["district_id"]) == {"all", "halle", "saalekreis", "burgenlandkreis"}


def test_an_experiment_command_runs_its_sweep_and_writes_its_outputs(tmp_path):
    """The coal-exit experiment at toy size, paired against the counterfactual scenario within
    two interventions; then the same sweep compared the other way (intervention vs none within
    two scenarios): both directions of pairing, with several contexts."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "experiments.coal_exit_variants",
            *TINY[:2],
            "end=2025Q4",
            "scenario=no_coal_exit,early_exit",  # command-line overrides win over the config
            "intervention=none,rural_hubs",
            "seed=0,1",
            "hydra/launcher=basic",
            f"results_dir={tmp_path}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    sweep = tmp_path / "coal_exit_variants"
    index = pd.read_parquet(sweep / "index.parquet")
    assert len(index) == 8 and set(index["scenario"]) == {"no_coal_exit", "early_exit"}
    assert set(index["households_per_agent"]) == {50.0}
    report = sweep / "_report"
    hit = pd.read_csv(report / "06_coal_exposure.csv")
    assert set(hit["scenario"]) == {"early_exit"}
    assert set(hit["intervention"]) == {"none", "rural_hubs"}
    assert (hit["counterfactual"] == "scenario=no_coal_exit").all()
    assert {
        "coal_jobs_lost",
        "craft_value_added_real_change_eur",
        "craft_value_added_nominal_change_eur",
        "craft_jobs_per_coal_job_lost",
    } <= (set(hit))
    headline = pd.read_csv(report / "comparison" / "headline.csv")
    assert set(headline["arm"]) == {"early_exit"} and set(headline["baseline"]) == {
        "scenario=no_coal_exit"
    }
    assert set(headline["intervention"]) == {"none", "rural_hubs"}
    assert (report / "06_coal_exposure.png").read_bytes()[:8] == PNG
    assert (report / "comparison" / "time_paths__rural_hubs.png").is_file()
    assert "scenario=no_coal_exit" in (report / "comparison" / "summary.md").read_text()

    from experiments.study import write_outputs

    by_policy = paired_comparison(sweep, {"intervention": "none"})
    assert by_policy.meta["contexts"] == ["early_exit", "no_coal_exit"]
    written = by_policy.write(tmp_path / "by_policy")
    written.update(
        write_outputs(sweep, tmp_path / "by_policy", ("transfer_structures",), by_policy)
    )
    assert (tmp_path / "by_policy" / "04_transfer_structures.png").is_file()
    assert (tmp_path / "by_policy" / "districts__employees.png").is_file()
    ranking = pd.read_csv(tmp_path / "by_policy" / "04_transfer_structures.csv")
    assert set(ranking["scenario"]) == {"early_exit", "no_coal_exit"}
