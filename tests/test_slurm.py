"""Sweeps on a real single-node SLURM cluster (scripts/slurm_cluster.sh), through the preset
``hydra/launcher=slurm``: every run complete in the store and COMPLETED in ``sacct``; a task
cancelled with ``scancel`` mid-sweep ends the sweep with a summary naming it as failed (exit
status 1, no traceback, no hang), and re-running the command completes it.

The module starts the cluster with the script (installing SLURM with apt if missing) and stops
it at the end, unless it was already up. Skipped where SLURM cannot be started: not root, or
the packages missing and not installable (the script exits 2 and says why).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from sim.store import read_index, verify_run
from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "slurm_cluster.sh"
# small and short: the cluster path is under test, not the model; 2 CPUs run 2 tasks at once
SWEEP = ["region=small", "households_per_agent=50", "end=2025Q2"]
SWEEP_TIMEOUT_S = 240  # a hung launcher fails the test instead of hanging CI


def _cannot_start() -> str | None:
    if os.name != "posix" or os.geteuid() != 0:
        return "SLURM test needs root (scripts/slurm_cluster.sh starts system daemons)"
    if shutil.which("apt-get") is None and shutil.which("slurmctld") is None:
        return "SLURM is not installed and there is no apt-get to install it"
    return None


def _script(command: str, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SCRIPT), command], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def cluster():
    reason = _cannot_start()
    if reason:
        pytest.skip(reason)
    was_up = _script("status", 30).returncode == 0
    # generous: a first start may install the packages
    up = _script("up", 900)
    if up.returncode == 2:
        pytest.skip(f"SLURM cannot be started here: {up.stderr.strip()[-500:]}")
    assert up.returncode == 0, up.stdout + up.stderr
    yield
    if not was_up:
        down = _script("down", 120)
        assert down.returncode == 0, down.stdout + down.stderr


def _command(results: Path, seeds: str, name: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "sim.run",
        "-m",
        "hydra/launcher=slurm",
        f"hydra.launcher.name={name}",
        *SWEEP,
        f"seed={seeds}",
        f"results_dir={results}",
    ]


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "HYDRA_FULL_ERROR": "0"}


def _sweep(results: Path, seeds: str, name: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        _command(results, seeds, name),
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=SWEEP_TIMEOUT_S,
    )


def _array_ids(results: Path) -> list[str]:
    """The SLURM ids (``<array>_<task>``) of the sweeps' tasks, from submitit's folders."""
    folders = results.glob(".hydra/multirun_*/.submitit/*_*")
    return sorted(p.name for p in folders if re.fullmatch(r"\d+_\d+", p.name))


def _sacct_states(ids: list[str]) -> dict[str, str]:
    """``sacct`` state of each task; accounting reaches slurmdbd a moment after the job ends."""
    states: dict[str, str] = {}
    for _ in range(40):
        out = subprocess.run(
            ["sacct", "-n", "-X", "-P", "-o", "JobID,State", "-j", ",".join(ids)],
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout
        states = dict(line.split("|", 1) for line in out.splitlines() if "|" in line)
        if all(states.get(i, "").split(" ")[0] not in ("", "RUNNING", "PENDING") for i in ids):
            break
        time.sleep(0.5)
    return {i: states.get(i, "missing").split(" ")[0] for i in ids}


def _squeue_state(job: str) -> str:
    out = subprocess.run(
        ["squeue", "-h", "-r", "-j", job, "-o", "%T"], capture_output=True, text=True, timeout=30
    ).stdout
    return out.strip()


def _assert_all_complete(results: Path, n: int) -> None:
    index = read_index(results / "baseline")
    assert len(index) == n, index
    assert (index["status"] == "complete").all(), index[["run_id", "status", "error"]]
    for run_id in index["run_id"]:
        assert verify_run(results / "baseline" / run_id) == []


def test_sweep_runs_as_slurm_array(cluster, tmp_path):
    proc = _sweep(tmp_path, "range(4)", "simtest_sweep")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "with SlurmLauncher" in proc.stderr
    assert "[sweep] finished: 4 run, 0 already finished, 0 failed" in proc.stderr
    _assert_all_complete(tmp_path, 4)
    ids = _array_ids(tmp_path)
    assert len(ids) == 4, ids
    assert set(_sacct_states(ids).values()) == {"COMPLETED"}, _sacct_states(ids)
    # the preset's resources reached SLURM: one CPU and mem_gb per task, not the whole node
    preset = OmegaConf.load(ROOT / "conf" / "hydra" / "launcher" / "slurm.yaml")
    out = subprocess.run(
        ["sacct", "-n", "-X", "-P", "-o", "ReqMem,AllocCPUS", "-j", ",".join(ids)],
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout
    assert set(out.split()) == {f"{preset.mem_gb}G|{preset.cpus_per_task}"}, out


def test_cancelled_task_is_a_failed_run_and_rerun_completes_it(cluster, tmp_path):
    name = f"simtest_cancel_{os.getpid()}"
    proc = subprocess.Popen(
        _command(tmp_path, "range(2)", name),
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # the array's id once submitted, then task 1 once it runs: cancelled mid-run
        task, deadline = None, time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            out = subprocess.run(
                ["squeue", "-h", "-r", "-n", name, "-o", "%i %T"],
                capture_output=True,
                text=True,
                timeout=30,
            ).stdout.split()
            jobs = dict(zip(out[::2], out[1::2], strict=True))
            task = next((j for j, s in jobs.items() if j.endswith("_1") and s == "RUNNING"), None)
            if task:
                break
            time.sleep(0.3)
        assert task, f"task 1 of the array never ran: {proc.poll()=}"
        subprocess.run(["scancel", task], check=True, timeout=30)
        out, err = proc.communicate(timeout=SWEEP_TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 1, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    assert "UncompletedJobError" in err and "CANCELLED" in err
    # the sweep's own summary, naming the cancelled run by its job number and settings
    assert "[sweep] finished: 1 run, 0 already finished, 1 failed" in err, err[-3000:]
    failed = [line for line in err.splitlines() if line.startswith("[sweep] failed:")]
    assert len(failed) == 1 and "job #1 (" in failed[0] and "seed=1" in failed[0], failed
    assert "error: 1 run(s) of the sweep failed" in err
    assert _sacct_states([task]) == {task: "CANCELLED"}
    assert not _squeue_state(task)  # nothing left in the queue
    index = read_index(tmp_path / "baseline")
    assert list(index["status"]) == ["complete"], index  # the cancelled run left nothing

    rerun = _sweep(tmp_path, "range(2)", name)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert "[sweep] finished: 1 run, 1 already finished, 0 failed" in rerun.stderr
    _assert_all_complete(tmp_path, 2)
