"""Reliability (issue 15, item 8 and the soak): a sweep's workers end with their parent, even
after a SIGKILL, and a sweep killed at random moments and resumed loses and duplicates no run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.soak_kill_resume import _group_alive, check_folder, soak, sweep_command
from sim.sweep import PARENT_ENV, PARENT_EXIT_CODE
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists() or os.name != "posix",
    reason="needs Linux /proc to see the sweep's processes",
)


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            kids.append(int(stat.parent.name))
    return kids


def _is_loky_worker(pid: int) -> bool:
    try:
        return b"popen_loky_posix" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def test_workers_end_when_the_sweeps_process_is_killed(tmp_path):
    cmd = sweep_command(tmp_path, seeds=2, end="2035Q4")  # runs long enough to be killed mid-way
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        workers: list[int] = []
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            workers = [p for p in _children(proc.pid) if _is_loky_worker(p)]
        assert len(workers) == 2, "the sweep did not start its two joblib workers"
        time.sleep(1.5)  # the workers are inside their first job (the watchdog starts there)
        os.kill(proc.pid, signal.SIGKILL)  # the launching process only, as kill -9 does
        proc.wait()
        deadline = time.monotonic() + 10
        while _group_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = _group_alive(proc.pid)
        assert left == [], f"processes of the killed sweep still running: {left}"
    finally:
        for pid in _group_alive(proc.pid):
            os.kill(pid, signal.SIGKILL)
    state = check_folder(tmp_path / "soak")
    assert not state["corrupt"]  # a run cut short left no visible folder


@pytest.mark.parametrize("parent", ["dead", "alive"])
def test_the_watchdog_ends_a_worker_whose_parent_is_gone(parent):
    code = (
        "import time, sim.sweep as s; started = s.watch_parent(interval_s=0.1); "
        "time.sleep(0.5); print('still running', started)"
    )
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a process id that no longer exists
    env = {**os.environ, PARENT_ENV: str(dead.pid if parent == "dead" else os.getpid())}
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if parent == "dead":
        assert proc.returncode == PARENT_EXIT_CODE and "still running" not in proc.stdout
    else:
        assert proc.returncode == 0 and "still running True" in proc.stdout, proc.stderr


def test_a_sweep_killed_at_random_moments_and_resumed_loses_and_duplicates_nothing(tmp_path):
    """The short version of benchmarks/soak_kill_resume.py."""
    report = soak(tmp_path, rounds=2, seeds=2, end="2025Q4", seed=7, kill_after=(2.0, 7.0))
    assert report["ok"], report
    assert report["lost"] == 0 and report["finished"] == 4 and report["orphans"] == 0
