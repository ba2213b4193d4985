"""Reliability (issue 15): names are not paths, a finished folder is never reused for other
settings, config values have declared domains, user errors give messages (disk faults before
the model runs), comparisons refuse runs of other settings, and a run is verified before it is
called complete or skipped on resume."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field

import pandas as pd
import pytest

from sim.analysis.comparison import paired_comparison
from sim.analysis.pairing import check_settings, run_pairs
from sim.config import ConfigError, load_config
from sim.config_domains import (
    Domain,
    check_group_overrides,
    domain_of,
    numeric_fields,
    undeclared_domains,
)
from sim.store import (
    MANIFEST,
    TABLES,
    ResultsError,
    build_index,
    check_writable,
    config_hash,
    finished_runs,
    is_finished,
    verify_run,
    write_run,
)
from tests.conftest import SMALL, run_cli

FAST = [*SMALL[:-2], "end=2025Q4"]


# ---- 1, 7: run_id, batch and scenario names are names, not paths ------------------------------
@pytest.mark.parametrize("key", ["run_id", "batch", "scenario.name"])
@pytest.mark.parametrize(
    "value",
    ["../escape", "/tmp/abs", "a/b", "..", ".", ".hidden", ".failed", "_report", "index.parquet",
     "manifest.json", "Index.Parquet"],
)  # fmt: skip
def test_names_that_would_leave_their_folder_are_refused(key, value):
    with pytest.raises(ConfigError, match=rf"'{key}' has invalid value .*plain name"):
        load_config([*SMALL, f"{key}='{value}'"])


def test_the_reserved_names_are_the_stores_own_files():
    from sim.config_domains import RESERVED_NAMES
    from sim.store import INDEX

    assert set(RESERVED_NAMES) == {INDEX, MANIFEST}


def test_a_path_as_run_id_writes_nothing_outside_the_results_folder(tmp_path):
    results = tmp_path / "results"
    proc = run_cli(*FAST, f"results_dir={results}", "run_id=../../escaped")
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: config key 'run_id'") and "Traceback" not in proc.stderr
    assert not (tmp_path / "escaped").exists() and not list(results.rglob("manifest.json"))


# ---- 2: a finished folder is never reused for other settings ------------------------------------
def test_a_fixed_run_id_reused_with_other_settings_is_refused_and_kept(tmp_path):
    proc = run_cli(*FAST, f"results_dir={tmp_path}", "run_id=fixed", "seed=0")
    assert proc.returncode == 0, proc.stderr
    manifest = (tmp_path / "baseline" / "fixed" / MANIFEST).read_text()
    proc = run_cli(*FAST, f"results_dir={tmp_path}", "run_id=fixed", "seed=1")
    assert proc.returncode == 2
    assert "holds a finished run of other settings" in proc.stderr and "seed: 0 vs 1" in proc.stderr
    assert (tmp_path / "baseline" / "fixed" / MANIFEST).read_text() == manifest
    # the same settings again: kept, not run again
    proc = run_cli(*FAST, f"results_dir={tmp_path}", "run_id=fixed", "seed=0")
    assert proc.returncode == 0 and "already finished" in proc.stdout + proc.stderr


def test_a_fixed_run_id_in_a_sweep_is_refused_before_anything_runs(tmp_path):
    proc = run_cli("-m", *FAST, f"results_dir={tmp_path}", "run_id=same", "seed=0,1")
    assert proc.returncode == 2 and "'run_id'" in proc.stderr and "batch=NAME" in proc.stderr
    assert not (tmp_path / "baseline").exists()


# ---- 4: declared domains ------------------------------------------------------------------------
def test_every_numeric_config_field_has_a_declared_domain():
    assert undeclared_domains() == [], "declare a domain in sim/config_domains.py DOMAINS"


def test_a_new_numeric_field_is_found_and_can_declare_its_domain_inline():
    @dataclass
    class Inner:
        declared: float = field(default=0.5, metadata={"domain": Domain(0, 1)})
        undeclared: int = 3
        text: str = "x"

    @dataclass
    class Outer:
        inner: Inner = field(default_factory=Inner)

    found = numeric_fields(Outer)
    assert set(found) == {"inner.declared", "inner.undeclared"}
    assert domain_of("inner.declared", found["inner.declared"]) == Domain(0, 1)
    assert domain_of("inner.undeclared", found["inner.undeclared"]) is None


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("households_per_agent=nan", "'households_per_agent' has invalid value nan"),
        (
            "model.price_adjustment=inf",
            "'model.price_adjustment' has invalid value inf; allowed: a finite",
        ),
        ("scenario.coal_exit.closure_shift_years=-inf", "closure_shift_years' has invalid value"),
        ("model.firm.shed_probability=1.5", "shed_probability' has invalid value 1.5; allowed"),
        ("model.firm.retirement_age_sd=-3", "retirement_age_sd' has invalid value -3"),
        ("seed=-1", "'seed' has invalid value -1; allowed: an integer >= 0"),
        ("intervention.rural_hubs.cost_per_hub_year_eur=0", "cost_per_hub_year_eur"),
        ("+foo=1", "unknown config key 'foo'"),
        ("++model.firm.typo_rate=0.1", "unknown config key 'model.firm.typo_rate'"),
        ("+scenario.coal_exit.extra=1", "unknown config key 'scenario.coal_exit.extra'"),
        ("scenario=[baseline,early_exit]", "choose one scenario"),
        ("region=[small,full]", "choose one region"),
        ("scenario=scenario_schema", "'scenario_schema' is the schema"),
        ("intervention=intervention_schema", "'intervention_schema' is the schema"),
        ("intervention=[rural_hubs,intervention_schema]", "'intervention_schema' is the schema"),
    ],
)
def test_values_outside_their_domain_are_refused_naming_key_and_allowed(override, expected):
    with pytest.raises(ConfigError, match=expected.replace("[", r"\[").replace("+", r"\+")):
        load_config([*SMALL, override])


def test_a_sweep_over_single_scenarios_and_combined_interventions_is_fine():
    check_group_overrides(["scenario=baseline,early_exit", "intervention=[rural_hubs,none]"])
    with pytest.raises(ConfigError, match="choose one scenario"):
        check_group_overrides(["scenario=[baseline,early_exit],late_exit"])


@pytest.mark.parametrize("override", ["+foo=1", "households_per_agent=nan", "scenario=[a,b]"])
def test_the_command_line_refuses_them_before_any_run(override, tmp_path):
    proc = run_cli(*FAST, f"results_dir={tmp_path}", override)
    assert proc.returncode == 2 and proc.stderr.startswith("error: ")
    assert "Traceback" not in proc.stderr
    assert not list(tmp_path.rglob(MANIFEST))


# ---- 5: disk faults before the model runs, messages not tracebacks ----------------------------
@pytest.mark.parametrize("where", ["file", "under_file"])
def test_an_unwritable_results_dir_is_a_message_before_hydra_starts(where, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    target = blocker if where == "file" else blocker / "results"
    proc = run_cli(*FAST, f"results_dir={target}")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: results folder") and "Traceback" not in proc.stderr


def test_too_little_free_space_is_refused(tmp_path):
    with pytest.raises(ResultsError, match="MB free"):
        check_writable(tmp_path, min_free=10**18)
    assert check_writable(tmp_path / "new" / "sub") == tmp_path / "new" / "sub"


def test_the_disk_is_checked_before_the_model_is_built(tmp_path, monkeypatch):
    import sim.model
    import sim.run

    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    cfg = load_config([*FAST, f"results_dir={blocker}"])

    def no_model(*args, **kwargs):
        raise AssertionError("the model ran although the results could not be written")

    monkeypatch.setattr(sim.model, "RegionModel", no_model)
    with pytest.raises(ResultsError, match="blocker/baseline cannot be written: Not a directory"):
        sim.run.execute(cfg)


# ---- 6: a run is verified before it is called complete ------------------------------------------
def fake_tables(n: int = 3) -> dict[str, pd.DataFrame]:
    return {t: pd.DataFrame({"quarter": ["2025Q1"] * n, "x": range(n)}) for t in TABLES}


def fake_run(folder, run_id, scenario="baseline", intervention="none", seed=0, config=None):
    cfg = {
        "region": {"name": "small"},
        "households_per_agent": 20,
        "start": "2025Q1",
        "end": "2025Q4",
        "seed": seed,
        "scenario": {"name": scenario},
        "intervention": {"label": intervention},
        "model": {"firm": {"capacity_slack": 0.03}},
        **(config or {}),
    }
    manifest = {
        "run_id": run_id,
        "scenario": scenario,
        "intervention": intervention,
        "seed": seed,
        "config_hash": config_hash(cfg),
        "config": cfg,
    }
    return write_run(folder / run_id, fake_tables(), manifest)


def edit_manifest(run_dir, change):
    path = run_dir / MANIFEST
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        ("truncate_table", "places.parquet cannot be read"),
        ("remove_table", "districts.parquet is missing"),
        ("rows", "groups.parquet has 3 rows, the manifest records 99"),
        ("no_seed", "has no 'seed'"),
        ("seed_text", "'seed' is 'zero', not of type int"),
        ("config_edited", "config_hash does not match"),
        ("not_object", "not a JSON object"),
    ],
)
def test_a_damaged_run_is_not_finished_and_is_reported_corrupt(tmp_path, damage, expected):
    run = fake_run(tmp_path, "r1")
    assert verify_run(run) == [] and is_finished(run)
    if damage == "truncate_table":
        data = (run / "places.parquet").read_bytes()
        (run / "places.parquet").write_bytes(data[: len(data) // 2])
    elif damage == "remove_table":
        (run / "districts.parquet").unlink()
    elif damage == "rows":
        edit_manifest(run, lambda m: m["tables"]["groups"].update(rows=99))
    elif damage == "no_seed":
        edit_manifest(run, lambda m: m.pop("seed"))
    elif damage == "seed_text":
        edit_manifest(run, lambda m: m.update(seed="zero"))
    elif damage == "config_edited":
        edit_manifest(run, lambda m: m["config"].update(households_per_agent=1))
    elif damage == "not_object":
        (run / MANIFEST).write_text("[1, 2]")
    assert any(expected in p for p in verify_run(run)), verify_run(run)
    assert not is_finished(run)
    row = build_index(tmp_path).iloc[0]
    assert row["status"] == "corrupt"


def test_resume_refuses_a_damaged_folder_instead_of_skipping_it(tmp_path):
    import sim.run

    cfg = load_config([*FAST, f"results_dir={tmp_path}", "run_id=r1"])
    run = fake_run(tmp_path / "baseline", "r1")
    (run / "groups.parquet").write_bytes(b"PAR1 broken")
    with pytest.raises(ResultsError, match="exists but is not a finished run.*groups.parquet"):
        sim.run.execute(cfg)
    assert (run / MANIFEST).is_file()  # nothing removed


def test_a_run_that_does_not_read_back_is_not_renamed_into_place(tmp_path, monkeypatch):
    def broken_write(self, path, **kwargs):
        open(path, "wb").write(b"PAR1")  # what a full disk or a dying device leaves

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken_write)
    with pytest.raises(ResultsError, match="did not read back correctly.*cannot be read"):
        fake_run(tmp_path, "r1")
    assert list(tmp_path.iterdir()) == []  # neither the run nor a temporary folder


def test_a_write_error_is_a_results_error_and_leaves_nothing(tmp_path, monkeypatch):
    def full_disk(self, path, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full_disk)
    with pytest.raises(ResultsError, match="No space left on device.*nothing of this run"):
        fake_run(tmp_path, "r1")
    assert list(tmp_path.iterdir()) == []


# ---- 3: a comparison refuses runs whose settings differ beyond the compared dimension ----------
def fake_sweep(tmp_path, arm_config=None, base_config=None):
    for seed in (0, 1):
        fake_run(tmp_path, f"b{seed}", seed=seed, config=base_config)
        fake_run(tmp_path, f"a{seed}", intervention="hubs", seed=seed, config=arm_config)
    return finished_runs(tmp_path)


def test_arms_that_differ_only_in_the_compared_dimension_and_seed_pair(tmp_path):
    runs = fake_sweep(tmp_path, arm_config={"intervention": {"label": "hubs", "budget": 2}})
    check_settings(runs, "intervention")
    assert len(run_pairs(runs, "intervention", "none")) == 2
    # fake tables: the comparison gets past the settings and stops where it reads the tables
    with pytest.raises(ResultsError, match="lack the column"):
        paired_comparison(tmp_path)


def test_arms_with_another_setting_are_refused_naming_it(tmp_path):
    fake_sweep(tmp_path, arm_config={"model": {"firm": {"capacity_slack": 0.05}}})
    with pytest.raises(ResultsError, match=r"setting 'model.firm.capacity_slack' \(0.05 vs 0.03"):
        paired_comparison(tmp_path)


@pytest.mark.parametrize("key", ["intervention", "scenario"])
def test_every_comparison_checks_the_settings_of_its_runs(tmp_path, key):
    """Not only when pairing reads a ``path`` column: the comparison's own check of its runs."""
    fake_sweep(tmp_path)
    model = {"firm": {"capacity_slack": 0.03}, "loyal_share": 0.9}
    fake_run(tmp_path, "c0", scenario="early", config={"model": model})
    with pytest.raises(ResultsError, match="'model.loyal_share'"):
        paired_comparison(tmp_path, baseline={key: "none" if key == "intervention" else "x"})
    with pytest.raises(ResultsError, match="no 'path' column"):
        check_settings(finished_runs(tmp_path).drop(columns="path"), key)


def test_an_arm_named_like_another_with_other_parameters_is_refused(tmp_path):
    runs = fake_sweep(tmp_path)
    shutil.rmtree(tmp_path / "a1")
    other = {"intervention": {"label": "hubs", "budget": 5}}
    fake_run(tmp_path, "a1", intervention="hubs", seed=1, config=other)
    runs = finished_runs(tmp_path)
    with pytest.raises(ResultsError, match="'intervention.budget'.*although both are"):
        check_settings(runs, "intervention")
    with pytest.raises(ResultsError, match="'intervention.budget'.*although both are"):
        paired_comparison(tmp_path)


def test_the_compare_command_names_the_setting(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    model = {"firm": {"capacity_slack": 0.03}, "loyal_share": 0.4}
    fake_sweep(tmp_path, base_config={"model": model})
    proc = subprocess.run(
        [sys.executable, "-m", "sim.compare", str(tmp_path), "--no-figures"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and proc.stderr.startswith("error: runs ")
    assert "'model.loyal_share'" in proc.stderr and "Traceback" not in proc.stderr
