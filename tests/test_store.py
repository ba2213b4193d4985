"""The results store across runs: load a sweep in one line, list sweeps, the sweep index, and
clear errors for folders that are not sweeps or hold corrupt runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings

import pandas as pd
import pytest

from sim.atomic import temporary_path
from sim.store import (
    ResultsError,
    build_index,
    list_sweeps,
    load,
    read_run,
    record_failure,
    remove_stale_temporaries,
    stale_temporaries,
    update_index,
    write_index,
)
from tests.conftest import ROOT, run_cli

TINY = ["region=small", "households_per_agent=50", "end=2025Q4"]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """Two scenarios x two seeds, run one after the other in one process (basic launcher)."""
    results = tmp_path_factory.mktemp("results")
    proc = run_cli(
        "-m",
        *TINY,
        "scenario=baseline,early_exit",
        "seed=0,1",
        "hydra/launcher=basic",
        f"results_dir={results}",
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return results / "baseline"


def copy_sweep(sweep_dir, dest):
    shutil.copytree(sweep_dir, dest, ignore=shutil.ignore_patterns("index.parquet", ".*"))
    return dest


def test_load_returns_all_finished_runs_with_run_columns(sweep):
    groups = load(sweep, "groups")
    assert list(groups.columns[:4]) == ["run_id", "scenario", "intervention", "seed"]
    assert groups["run_id"].nunique() == 4
    assert set(zip(groups["scenario"], groups["seed"], strict=True)) == {
        (s, i) for s in ("baseline", "early_exit") for i in (0, 1)
    }
    # the same as reading each run folder by hand and stacking
    frames = []
    for run in sorted(p for p in sweep.iterdir() if p.is_dir() and p.name[0] not in "._"):
        df = read_run(run, "groups")
        manifest = pd.read_json(run / "manifest.json", typ="series")
        frames.append(df.assign(run_id=run.name, scenario=manifest["scenario"]))
    by_hand = pd.concat(frames, ignore_index=True)
    assert len(groups) == len(by_hand)
    assert groups.groupby("run_id")["value_added_eur"].sum().to_dict() == pytest.approx(
        by_hand.groupby("run_id")["value_added_eur"].sum().to_dict()
    )
    districts = load(sweep, "districts", columns=["quarter", "district_id", "population"])
    assert list(districts.columns) == [
        "run_id",
        "scenario",
        "intervention",
        "seed",
        "quarter",
        "district_id",
        "population",
    ]


def test_the_sweep_index_lists_every_run_and_its_status(sweep, tmp_path):
    stored = pd.read_parquet(sweep / "index.parquet")  # written by the sweep itself
    assert len(stored) == 4 and set(stored["status"]) == {"complete"}
    assert stored["git_commit"].str.len().eq(40).all()
    other = copy_sweep(sweep, tmp_path / "other")
    runs = sorted(p for p in other.iterdir() if p.is_dir())
    (runs[0] / "manifest.json").write_text("{")  # damaged by hand
    record_failure(
        other / "baseline__none__seed7__abcd1234",
        {"scenario": "baseline", "intervention": "none", "seed": 7},
        RuntimeError("model blew up"),
    )
    path = write_index(other)
    index = pd.read_parquet(path).set_index("run_id")
    assert index["status"].value_counts().to_dict() == {"complete": 3, "corrupt": 1, "failed": 1}
    assert "manifest.json is corrupt" in index.loc[runs[0].name, "error"]
    failed = index.loc["baseline__none__seed7__abcd1234"]
    assert failed["error"] == "RuntimeError: model blew up" and failed["seed"] == 7
    assert not [p for p in other.iterdir() if ".tmp-" in p.name]  # written atomically
    assert build_index(other).equals(pd.read_parquet(path))


def test_updating_one_row_at_a_time_gives_the_rebuilt_index(sweep, tmp_path):
    """What each sweep job does when it ends equals a rebuild from all folders."""
    other = copy_sweep(sweep, tmp_path / "other")
    runs = sorted(p.name for p in other.iterdir() if p.is_dir())
    update_index(other, runs[0])  # no index yet: rebuilt in full
    assert build_index(other).equals(pd.read_parquet(other / "index.parquet"))

    failed = "baseline__none__seed7__abcd1234"
    record_failure(other / failed, {"scenario": "baseline", "seed": 7}, RuntimeError("boom"))
    update_index(other, failed)  # a new failure
    (other / runs[1] / "manifest.json").write_text("{")  # a run damaged since
    update_index(other, runs[1])
    shutil.rmtree(other / runs[2])  # a run removed since
    update_index(other, runs[2])
    index = pd.read_parquet(other / "index.parquet")
    assert build_index(other).equals(index)
    assert index.set_index("run_id")["status"].to_dict() == {
        runs[0]: "complete",
        runs[1]: "corrupt",
        runs[3]: "complete",
        failed: "failed",
    }

    # a run whose job died before updating its row is picked up by the next job's update
    shutil.copytree(other / runs[3], other / "killed_before_its_update")
    update_index(other, runs[0])
    assert build_index(other).equals(pd.read_parquet(other / "index.parquet"))
    assert "killed_before_its_update" in set(pd.read_parquet(other / "index.parquet")["run_id"])

    (other / "index.parquet").write_text("not parquet")  # unreadable: rebuilt in full
    update_index(other, runs[0])
    assert build_index(other).equals(pd.read_parquet(other / "index.parquet"))


def test_list_sweeps_finds_folders_with_finished_runs(sweep, tmp_path):
    results = tmp_path / "results"
    copy_sweep(sweep, results / "policy")
    (results / "empty").mkdir()
    (results / ".hydra").mkdir()
    only_failed = results / "only_failed"
    record_failure(only_failed / "x", {}, "error")
    assert list_sweeps(results) == [results / "policy"]
    assert list_sweeps(tmp_path / "nowhere") == []


def test_a_corrupt_run_is_named_and_can_be_skipped(sweep, tmp_path):
    other = copy_sweep(sweep, tmp_path / "other")
    victim = sorted(p for p in other.iterdir() if p.is_dir())[1]
    (victim / "places.parquet").write_bytes(b"PAR1 not really")
    # one unreadable table makes the run corrupt (issue 15): none of its tables is loaded
    for table in ("groups", "places"):
        with pytest.raises(ResultsError, match=f"corrupt run.*{victim}.*places.parquet cannot"):
            load(other, table)
    (victim / "manifest.json").unlink()
    with pytest.raises(ResultsError, match=f"1 corrupt run folder.*{victim}.*Move or delete"):
        load(other, "groups")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lenient = load(other, "groups", strict=False)
    assert lenient["run_id"].nunique() == 3
    assert any(victim.name in str(w.message) for w in caught)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda t, s: t / "missing", "does not exist"),
        (lambda t, s: (t / "empty").mkdir() or t / "empty", "has no finished runs"),
        (lambda t, s: (t / "f").write_text("") or t / "f", "is a file, not a sweep folder"),
        (lambda t, s: next(p for p in s.iterdir() if p.is_dir()), "single run folder"),
        (lambda t, s: s, "unknown table 'firms'; allowed: groups, districts, places"),
    ],
)
def test_load_explains_what_is_wrong(sweep, tmp_path, make, expected):
    target = make(tmp_path, sweep)
    table = "firms" if target == sweep else "groups"
    with pytest.raises(ResultsError, match=expected):
        load(target, table)


def test_missing_sweep_error_lists_the_sweeps_that_exist(sweep):
    with pytest.raises(ResultsError, match="sweep folders with finished runs in .*: baseline"):
        load(sweep.parent / "basline")


def test_store_command_reports_status_and_exit_code(sweep, tmp_path):
    def status(path):
        return subprocess.run(
            [sys.executable, "-m", "sim.store", str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )

    ok = status(sweep)
    assert ok.returncode == 0 and "4 complete, 0 failed, 0 corrupt" in ok.stdout
    other = copy_sweep(sweep, tmp_path / "other")
    record_failure(other / "r", {}, "it broke")
    bad = status(other)
    assert bad.returncode == 1 and "failed: r: it broke" in bad.stdout
    missing = status(tmp_path / "missing")
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_stale_temporaries_are_those_of_the_one_scheme_and_only_of_that_path(tmp_path):
    """``sim.atomic``'s temporary names, left by killed writers, are found for any process id;
    another run's temporary whose name starts alike is not touched."""
    run = tmp_path / "a"
    index = tmp_path / "index.parquet"
    mine = [tmp_path / ".a.tmp-123", tmp_path / ".a.tmp-4", tmp_path / ".index.tmp-77.parquet"]
    others = [tmp_path / ".a.tmp-123.x", tmp_path / ".ab.tmp-1", tmp_path / ".index.tmp-7.csv"]
    for path in [*mine, *others]:
        path.mkdir() if path.name.startswith(".a") else path.write_text("")
    assert temporary_path(run).name == f".a.tmp-{os.getpid()}"
    assert stale_temporaries(run) == sorted(mine[:2])
    assert stale_temporaries(index) == [mine[2]]
    assert stale_temporaries(tmp_path / "a.x") == [others[0]]
    remove_stale_temporaries(run)
    remove_stale_temporaries(index)
    assert sorted(tmp_path.iterdir()) == sorted(others)
