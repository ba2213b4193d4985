"""Sweeps through Hydra's real launchers: parallel (joblib), resume after a kill, serial = parallel,
failures recorded without losing the other runs, submitit_local as the cluster stand-in, and the
study experiment configs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.store import is_finished, load, read_index
from sim.sweep import PROGRESS_FILE, SweepCallback, SweepSummary, count_jobs, progress_line
from tests.conftest import ROOT, run_cli

TINY = ["region=small", "households_per_agent=50", "end=2026Q4"]
SWEEP = ["intervention=none,innovation_transfer", "seed=range(3)"]


def visible_runs(sweep_dir: Path) -> list[Path]:
    return sorted(p for p in sweep_dir.iterdir() if p.is_dir() and p.name[0] not in "._")


def sweep_cmd(results: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "sim.run", "-m", *TINY, *SWEEP, f"results_dir={results}", *extra]


@pytest.fixture(scope="module")
def killed_and_resumed(tmp_path_factory):
    """A joblib sweep killed after its first finished run, then run again to the end."""
    results = tmp_path_factory.mktemp("parallel")
    sweep_dir = results / "baseline"
    cmd = sweep_cmd(results, "hydra.launcher.n_jobs=2")
    with open(results / "killed.log", "w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 240
        finished: list[Path] = []
        while time.monotonic() < deadline and proc.poll() is None:
            if sweep_dir.is_dir():
                finished = [p for p in visible_runs(sweep_dir) if is_finished(p)]
                if finished:
                    break
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)  # the launcher and its joblib workers
        proc.wait(timeout=30)
    before = {p.name: (p / "manifest.json").stat().st_mtime_ns for p in visible_runs(sweep_dir)}
    # every folder named like a run is a finished run, whatever the kill interrupted
    assert all(is_finished(sweep_dir / name) for name in before)
    resumed = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    return sweep_dir, before, resumed


def test_killed_sweep_resumes_to_exactly_the_missing_runs(killed_and_resumed):
    sweep_dir, before, resumed = killed_and_resumed
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert 1 <= len(before) < 6, f"the kill should land mid-sweep, found {len(before)} runs"
    runs = visible_runs(sweep_dir)
    assert len(runs) == 6 and all(is_finished(p) for p in runs)
    assert not [p for p in sweep_dir.iterdir() if ".tmp-" in p.name]  # no half-written leftovers
    for name, stamp in before.items():  # finished runs are not run again nor overwritten
        assert (sweep_dir / name / "manifest.json").stat().st_mtime_ns == stamp
    # progress display: runs done / total, with the resumed runs counted as already finished
    assert "[sweep] 6/6 runs done" in resumed.stderr
    assert f"{len(before)} already finished" in resumed.stderr
    index = pd.read_parquet(sweep_dir / "index.parquet")
    assert len(index) == 6 and index["run_id"].is_unique
    assert set(index["status"]) == {"complete"}
    assert set(index["run_id"]) == {p.name for p in runs}
    assert sorted(zip(index["intervention"], index["seed"], strict=True)) == sorted(
        (i, s) for i in ("none", "innovation_transfer") for s in range(3)
    )


def test_the_progress_display_shows_an_eta_while_running(killed_and_resumed):
    sweep_dir, _, resumed = killed_and_resumed
    assert "[sweep] 6 runs with JoblibLauncher" in resumed.stderr
    text = (sweep_dir.parent / "killed.log").read_text()
    assert "[sweep] 6 runs with JoblibLauncher" in text
    line = progress_line(
        [{"status": "complete"}, {"status": "skipped"}, {"status": "failed"}], 6, 20.0
    )
    # 3 of 6 done, 2 of them newly run in 20 s: the other 3 take about 30 s
    assert line.startswith("[sweep] 3/6 runs done (1 run, 1 already finished, 1 failed)")
    assert line.endswith("ETA 0:00:30")


def test_serial_and_parallel_sweeps_give_identical_tables(killed_and_resumed, tmp_path):
    parallel_dir, _, _ = killed_and_resumed
    proc = subprocess.run(
        sweep_cmd(tmp_path, "hydra/launcher=basic"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "BasicLauncher" in proc.stderr
    serial_dir = tmp_path / "baseline"
    assert [p.name for p in visible_runs(serial_dir)] == [
        p.name for p in visible_runs(parallel_dir)
    ]
    for table in ("groups", "districts", "places"):
        a = load(serial_dir, table).sort_values(["run_id", "quarter"], kind="stable")
        b = load(parallel_dir, table).sort_values(["run_id", "quarter"], kind="stable")
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def test_submitit_local_launcher_runs_a_sweep(killed_and_resumed, tmp_path):
    """The SLURM launcher's local twin: each job in its own process, submitted by submitit."""
    parallel_dir, _, _ = killed_and_resumed
    proc = run_cli(
        "-m",
        *TINY,
        "intervention=none",
        "seed=0,1",
        "hydra/launcher=submitit_local",
        "hydra.launcher.timeout_min=10",
        f"results_dir={tmp_path}",
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "[sweep] 2 runs with LocalLauncher" in proc.stderr
    sweep_dir = tmp_path / "baseline"
    assert len(list((tmp_path / ".hydra").glob("multirun_*/.submitit/*"))) >= 2
    index = read_index(sweep_dir)
    assert list(index["status"]) == ["complete", "complete"]
    # same configs as two runs of the joblib sweep: same run ids, same numbers
    for run in visible_runs(sweep_dir):
        pd.testing.assert_frame_equal(
            pd.read_parquet(run / "groups.parquet"),
            pd.read_parquet(parallel_dir / run.name / "groups.parquet"),
        )


def test_a_failing_run_is_recorded_and_the_others_finish(tmp_path):
    proc = run_cli(
        "-m",
        "region=small",
        "households_per_agent=50",
        "end=2025Q2,2024Q4",  # the second ends before it starts: the run raises
        "hydra/launcher=basic",
        f"results_dir={tmp_path}",
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "1 run(s) of the sweep failed" in proc.stderr
    assert "config key 'end' has invalid value '2024Q4'" in proc.stderr
    index = read_index(tmp_path / "baseline")
    assert sorted(index["status"]) == ["complete", "failed"]
    failed = index[index["status"] == "failed"].iloc[0]
    assert "invalid value '2024Q4'" in failed["error"]
    assert failed["scenario"] == "baseline" and failed["seed"] == 0
    stored = pd.read_parquet(tmp_path / "baseline" / "index.parquet")
    assert sorted(stored["status"]) == ["complete", "failed"]


def test_a_failed_run_is_retried_and_a_finished_one_is_not(tmp_path):
    sweep_dir = tmp_path / "baseline"
    (sweep_dir / "b").mkdir(parents=True)
    (sweep_dir / "b" / "groups.parquet").write_text("left over from a crash")
    args = ["-m", *TINY[:2], "end=2025Q2", "run_id=a,b", "hydra.launcher.n_jobs=2"]
    proc = run_cli(*args, f"results_dir={tmp_path}")
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert f"{sweep_dir / 'b'} exists but is not a finished run" in proc.stderr
    index = read_index(sweep_dir).set_index("run_id")
    assert index.loc["a", "status"] == "complete"
    assert index.loc["b", "status"] == "corrupt"
    assert "not a finished run" in index.loc["b", "error"]
    assert (sweep_dir / ".failed" / "b.json").is_file()
    stamp = (sweep_dir / "a" / "manifest.json").stat().st_mtime_ns

    (sweep_dir / "b" / "groups.parquet").unlink()  # the user clears the debris
    (sweep_dir / "b").rmdir()
    proc = run_cli(*args, f"results_dir={tmp_path}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "1 already finished" in proc.stderr
    assert (sweep_dir / "a" / "manifest.json").stat().st_mtime_ns == stamp
    index = pd.read_parquet(sweep_dir / "index.parquet")
    assert sorted(index["run_id"]) == ["a", "b"] and set(index["status"]) == {"complete"}
    assert not (sweep_dir / ".failed" / "b.json").exists()


def test_the_sweep_summary_is_handed_over_in_the_file_the_command_names(tmp_path):
    """The callback writes what the sweep did to ``summary_file`` (``sim.run.cli`` names a fresh
    temporary one and reads it for its message and exit code); without one it writes nothing."""
    from omegaconf import OmegaConf

    hydra_dir = tmp_path / "multirun"
    config = OmegaConf.create(
        {
            "hydra": {
                "sweep": {"dir": str(hydra_dir)},
                "sweeper": {"_target_": "some.OtherSweeper"},  # not counted: total unknown
                "launcher": {"_target_": "some.Launcher"},
                "overrides": {"task": []},
            }
        }
    )
    records = [
        {"status": "complete", "run_dir": str(tmp_path / "a" / "r1")},
        {"status": "failed", "run_dir": str(tmp_path / "a" / "r2"), "error": "ValueError: x"},
        {"status": "skipped", "run_dir": str(tmp_path / "b" / "r3")},
    ]
    summary_file = tmp_path / "private" / "summary.json"
    for target in (summary_file, None):
        callback = SweepCallback(enabled=False, summary_file=target and str(target))
        callback.on_multirun_start(config)
        (hydra_dir / PROGRESS_FILE).write_text("".join(f"{json.dumps(r)}\n" for r in records))
        callback.on_multirun_end(config)
    summary = SweepSummary.read(summary_file)
    assert summary == SweepSummary(
        total=None,
        counts={"complete": 1, "skipped": 1, "failed": 1},
        failed=[records[1]],
        sweep_dirs=[tmp_path / "a", tmp_path / "b"],
    )
    assert sorted(p.name for p in hydra_dir.iterdir()) == [PROGRESS_FILE]  # nothing else
    assert SweepSummary.read(tmp_path / "nowhere.json") is None  # a sweep that did not end
    assert not [p for p in summary_file.parent.iterdir() if ".tmp-" in p.name]


@pytest.mark.parametrize(
    ("args", "expected", "code"),
    [
        (["scenario=baseline,nonsense"], "strong_decline", 1),  # Hydra lists the scenarios
        (["experiment=nonsense"], "allowed: coal_exit_variants", 2),
        (["experiment=policy_comparison,nonsense"], "experiment=nonsense is not a study", 2),
        (["+experiment=policy_comparison"], "with experiment=policy_comparison (without '+'", 2),
        (["seed=range(2)", "model.firm.nonsense=1"], "allowed:", 2),
    ],
)
def test_bad_sweep_input_is_refused_with_a_clear_message(args, expected, code, tmp_path):
    proc = run_cli("-m", *TINY, *args, f"results_dir={tmp_path}")
    assert proc.returncode == code
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not list(tmp_path.rglob("manifest.json"))


EXPERIMENTS = {
    "policy_comparison": {"scenario": 2, "intervention": 8, "seed": 6},
    "policy_equal_budget": {"scenario": 2, "intervention": 6, "seed": 4},
    "coal_exit_variants": {"scenario": 6, "intervention": 1, "seed": 8},
    "demography_variants": {"scenario": 2, "intervention": 3, "seed": 8},
    "construction_variants": {"scenario": 2, "intervention": 2, "seed": 8},
}


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_experiment_configs_define_their_sweep(name):
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    from sim.config import CONF_DIR, register_configs, validate

    register_configs()
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose("config", overrides=[f"experiment={name}"], return_hydra_config=True)
        job = compose("config", overrides=[f"experiment={name}"])
    GlobalHydra.instance().clear()
    assert cfg.hydra.runtime.choices.experiment == name
    assert cfg.batch == name and job.batch == name  # its runs go to <results_dir>/<name>/
    sizes = EXPERIMENTS[name]
    assert count_jobs(cfg) == sizes["scenario"] * sizes["intervention"] * sizes["seed"]
    assert cfg.hydra.sweeper.params.seed == f"range({sizes['seed']})"
    assert job.end == "2045Q4" and job.households_per_agent == 20  # feasible on a laptop
    validate(job)
    readme = (ROOT / "experiments" / name / "README.md").read_text()
    assert f"python -m experiments.{name}" in readme
    assert (ROOT / "experiments" / name / "__main__.py").is_file()


@pytest.fixture
def sweeper(monkeypatch):
    """The project's sweeper on the real config, counting the jobs it composes in full."""
    from hydra import compose, initialize_config_dir
    from hydra._internal.callbacks import Callbacks
    from hydra.core.global_hydra import GlobalHydra
    from hydra.types import HydraContext

    from sim.config import CONF_DIR, register_configs

    register_configs()
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base=None):
        # imported after Hydra's plugin scan, which re-executes the module it subclasses
        from hydra_plugins.sim_sweeper.sim_sweeper import SimBasicSweeper

        loader = GlobalHydra.instance().config_loader()
        sweeper = SimBasicSweeper(max_batch_size=None, params=None)
        sweeper.hydra_context = HydraContext(config_loader=loader, callbacks=Callbacks())
        sweeper.config = compose("config", return_hydra_config=True)
        composed = []
        full = loader.load_sweep_config

        def counting(master_config, sweep_overrides):
            composed.append(sweep_overrides)
            return full(master_config=master_config, sweep_overrides=sweep_overrides)

        monkeypatch.setattr(loader, "load_sweep_config", counting)
        yield sweeper, composed


def test_the_sweeper_composes_one_job_per_structure_and_checks_every_value(sweeper):
    from hydra.errors import ConfigCompositionException

    sweeper, composed = sweeper
    grid = [
        [f"scenario={s}", f"seed={i}", f"households_per_agent={w}"]
        for s in ("baseline", "strong_decline")
        for i in range(50)
        for w in (1, 10)
    ]
    sweeper.validate_batch_is_legal(grid)
    assert composed == [grid[0], grid[100]]  # one per scenario (a config group)

    # a bad value or key later in the sweep is still refused before anything runs,
    # with Hydra's own message
    with pytest.raises(ConfigCompositionException, match="households_per_agent=abc"):
        sweeper.validate_batch_is_legal([["households_per_agent=1"], ["households_per_agent=abc"]])
    with pytest.raises(ConfigCompositionException, match="model.firm.nonsense"):
        sweeper.validate_batch_is_legal([["seed=0"], ["model.firm.nonsense=1"]])
    with pytest.raises(ConfigCompositionException, match="nonsense"):
        sweeper.validate_batch_is_legal([["scenario=baseline"], ["scenario=nonsense"]])


def test_the_sweeper_composes_an_experiment_choice_and_checks_batch_as_a_value(sweeper):
    from hydra.core.override_parser.overrides_parser import OverridesParser

    sweeper, composed = sweeper
    parsed = OverridesParser.create().parse_overrides(["experiment=policy_comparison", "batch=a"])
    assert [sweeper._is_plain(o) for o in parsed] == [False, True]  # a group, a plain key
    grid = [["experiment=policy_comparison", f"seed={i}", "batch=a"] for i in range(3)]
    sweeper.validate_batch_is_legal(grid)
    assert composed == [grid[0]]
