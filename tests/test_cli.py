"""The command line as a user runs it: results folders, manifests, and clean errors."""

import json
import os

import pandas as pd
import pytest

from sim.store import ResultsError, read_run
from sim.vocabulary import TRADE_GROUPS
from tests.conftest import SMALL, run_cli

FAST = [*SMALL[:-2], "end=2025Q4"]  # region=small, 20 households per agent, one year


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    proc = run_cli(*FAST, f"results_dir={out}", "seed=3")
    assert proc.returncode == 0, proc.stderr
    runs = list((out / "baseline").iterdir())
    assert len(runs) == 1
    return out, runs[0], proc


def test_cli_writes_a_complete_readable_results_folder(finished_run):
    _, run_dir, proc = finished_run
    assert run_dir.name.startswith("baseline__none__seed3__")
    assert {p.name for p in run_dir.iterdir()} == {
        "manifest.json",
        "groups.parquet",
        "districts.parquet",
        "places.parquet",
        "place_groups.parquet",
    }
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["seed"] == 3 and manifest["scenario"] == "baseline"
    assert manifest["config"]["region"]["name"] == "small"
    for key in (
        "git_commit",
        "packages",
        "started_at",
        "finished_at",
        "wall_seconds",
        "phase_seconds",
        "config_hash",
    ):
        assert key in manifest, key
    assert manifest["packages"]["mesa"].startswith("3.5")
    reach = manifest["market_reach_half_times"]
    assert set(reach) == set(TRADE_GROUPS) and min(reach.values()) >= 3.0
    groups = read_run(run_dir, "groups")
    assert len(groups) == 4 * 3 * 3 * 7
    assert {
        "value_added_eur",
        "unmet_demand_eur",
        "turnover_eur",
        "closures_no_successor",
        "successions_family",
        "apprentices",
        "employees",
        "firms",
    } <= set(groups.columns)
    assert len(read_run(run_dir, "districts")) == 4 * 3
    places = read_run(run_dir, "places")
    assert {"place_id", "value_added_eur", "unmet_demand_eur", "settlement_type"} <= set(
        places.columns
    )
    assert "results:" in proc.stdout


@pytest.mark.parametrize(
    ("override", "folder"),
    [("batch=mine", "mine"), ("experiment=policy_comparison", "policy_comparison")],
)
def test_batch_names_the_results_folder_and_leaves_the_run_id_alone(
    finished_run, override, folder, tmp_path
):
    """``batch`` is where runs go (an experiment config sets it); the same settings keep the
    same run id, whatever the folder."""
    _, run_dir, _ = finished_run
    # the experiment config also sets households_per_agent and progress; the command line wins
    proc = run_cli(*FAST, "seed=3", "progress=true", override, f"results_dir={tmp_path}")
    assert proc.returncode == 0, proc.stderr
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == [folder]
    runs = list((tmp_path / folder).iterdir())
    assert [p.name for p in runs] == [run_dir.name]
    manifest = json.loads((runs[0] / "manifest.json").read_text())
    assert manifest["batch"] == folder and manifest["config"]["batch"] == folder
    assert "experiment" not in manifest["config"]  # a config group, not a key


def test_the_summary_file_override_joins_the_other_overrides():
    from sim.run import _with_override

    assert _with_override(["-m", "a=1", "b=2", "--cfg", "job"], "x=0") == [
        "-m",
        "a=1",
        "b=2",
        "x=0",
        "--cfg",
        "job",
    ]
    # no overrides yet: first, so that a flag with an optional value (--info) does not take it
    assert _with_override(["--info"], "x=0") == ["x=0", "--info"]


def test_finished_run_is_not_overwritten(finished_run):
    out, run_dir, _ = finished_run
    stamp = os.stat(run_dir / "manifest.json").st_mtime_ns
    proc = run_cli(*FAST, f"results_dir={out}", "seed=3")
    assert proc.returncode == 0, proc.stderr
    assert "already finished" in proc.stdout + proc.stderr
    assert os.stat(run_dir / "manifest.json").st_mtime_ns == stamp


def test_a_corrupt_results_folder_gives_a_clear_error(finished_run, tmp_path):
    _, run_dir, _ = finished_run
    broken = tmp_path / "broken"
    broken.mkdir()
    for f in run_dir.iterdir():
        (broken / f.name).write_bytes(f.read_bytes())
    (broken / "groups.parquet").write_bytes(b"not parquet")
    with pytest.raises(ResultsError, match="groups.parquet is corrupt"):
        read_run(broken, "groups")
    (broken / "manifest.json").write_text("{")
    with pytest.raises(ResultsError, match="manifest.json is corrupt"):
        read_run(broken, "districts")
    with pytest.raises(ResultsError, match="allowed: groups, districts, places"):
        read_run(run_dir, "nonsense")


def test_a_half_written_run_folder_is_refused_not_overwritten(tmp_path):
    run_root = tmp_path / "baseline"
    proc = run_cli(*FAST, f"results_dir={tmp_path}", "run_id=fixed")
    assert proc.returncode == 0, proc.stderr
    (run_root / "fixed" / "manifest.json").unlink()  # as if damaged by hand
    proc = run_cli(*FAST, f"results_dir={tmp_path}", "run_id=fixed")
    assert proc.returncode == 2
    assert "not a finished run" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (run_root / "fixed" / "groups.parquet").exists()


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("scenario.coal_exit.closure_year_shift=2", "closure_year_shift"),
        ("scenario=nonsense", "baseline"),  # Hydra lists the available scenarios
        ("seed=abc", "seed"),
        ("start=2025Q5", "start"),
        ("households_per_agent=0", "households_per_agent"),
        ("scenario.demography.variant=medium", "official_mid"),
        ("region.districts=[halle,atlantis]", "atlantis"),
    ],
)
def test_config_errors_name_the_problem_and_exit_non_zero(override, expected, tmp_path):
    proc = run_cli(*FAST, override, f"results_dir={tmp_path}")
    assert proc.returncode != 0
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not any(tmp_path.rglob("manifest.json"))


def test_missing_data_file_gives_a_clear_error(tmp_path, monkeypatch):
    import sim.datasets as datasets

    datasets.load_districts.cache_clear()
    monkeypatch.setattr(datasets, "DATA_DIR", tmp_path)
    with pytest.raises(datasets.DataError, match="data file missing: .*districts.csv"):
        datasets.load_districts()
    datasets.load_districts.cache_clear()


def test_results_are_parquet_with_snake_case_columns(finished_run):
    _, run_dir, _ = finished_run
    for name in ("groups", "districts", "places"):
        df = pd.read_parquet(run_dir / f"{name}.parquet")
        for col in df.columns:
            assert col == col.lower() and " " not in col, col
