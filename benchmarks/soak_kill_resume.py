"""Soak: kill a small sweep at random moments and resume it, again and again (issue 15).

Each round starts the same sweep (``python -m sim.run -m``, joblib, 2 workers) and kills it
after a random delay, either the launching process alone with SIGKILL (its workers must then
end by themselves: ``sim.sweep.watch_parent``) or the whole process group. After every kill:

* no process of the sweep is left after a few seconds (no orphan workers);
* every visible run folder is a verified, finished run (a killed run leaves only a hidden
  temporary folder), and no two finished runs have the same scenario, intervention and seed.

At the end the same command runs to completion: every expected run is there exactly once (0
lost, 0 duplicated), nothing is corrupt, no temporary is left, and the index lists them all.
Prints the counts and writes ``benchmarks/results/soak_kill_resume.json``; exit status 1 if
any check failed. ``tests/test_reliability_sweep.py`` runs a short version.

    .venv/bin/python benchmarks/soak_kill_resume.py [--rounds 20] [--seeds 4] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCH = "soak"


def sweep_command(results: Path, seeds: int, end: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "sim.run",
        "-m",
        "region=small",
        "households_per_agent=50",
        f"end={end}",
        "progress=false",
        f"batch={BATCH}",
        "intervention=none,innovation_transfer",
        f"seed=range({seeds})",
        "hydra.launcher.n_jobs=2",
        f"results_dir={results}",
    ]


def _group_alive(pgid: int) -> list[int]:
    """Processes of a process group that are still running (zombies do not count)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            alive.append(int(stat.parent.name))
    return alive


def check_folder(sweep: Path) -> dict:
    """Finished runs, corrupt folders, duplicated (scenario, intervention, seed), temporaries."""
    from sim.store import is_run_folder, read_manifest, verify_run

    finished, corrupt, keys = [], [], {}
    if sweep.is_dir():
        for folder in sorted(p for p in sweep.iterdir() if is_run_folder(p)):
            problems = verify_run(folder)
            if problems:
                corrupt.append(f"{folder.name}: {'; '.join(problems)}")
                continue
            m = read_manifest(folder)
            keys.setdefault((m["scenario"], m["intervention"], m["seed"]), []).append(folder.name)
            finished.append(folder.name)
    temporaries = sorted(p.name for p in sweep.glob(".*.tmp-*")) if sweep.is_dir() else []
    return {
        "finished": finished,
        "corrupt": corrupt,
        "duplicated": [ids for ids in keys.values() if len(ids) > 1],
        "temporaries": temporaries,
    }


def soak(
    results: Path,
    rounds: int,
    seeds: int = 4,
    end: str = "2026Q4",
    seed: int = 1,
    kill_after: tuple[float, float] = (1.0, 12.0),
    grace_s: float = 6.0,
    log=print,
) -> dict:
    """Run the soak into ``results``; returns the report (``ok`` says whether it passed)."""
    rng = random.Random(seed)
    cmd = sweep_command(results, seeds, end)
    sweep = results / BATCH
    report: dict = {"rounds": [], "orphans": 0, "corrupt": 0, "duplicated": 0}
    for i in range(rounds):
        delay = rng.uniform(*kill_after)
        how = rng.choice(("parent", "group"))
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        try:
            proc.wait(timeout=delay)
            ended = "finished before the kill"
        except subprocess.TimeoutExpired:
            if how == "parent":
                os.kill(proc.pid, signal.SIGKILL)
            else:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            ended = f"killed ({how}) after {delay:.1f} s"
        deadline = time.monotonic() + grace_s
        while _group_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        orphans = _group_alive(proc.pid)
        for pid in orphans:  # cleaned up so the next round starts clean; counted as a failure
            os.kill(pid, signal.SIGKILL)
        state = check_folder(sweep)
        row = {
            "round": i,
            "ended": ended,
            "finished": len(state["finished"]),
            "orphans": len(orphans),
            "corrupt": state["corrupt"],
            "duplicated": state["duplicated"],
        }
        report["rounds"].append(row)
        report["orphans"] += len(orphans)
        report["corrupt"] += len(state["corrupt"])
        report["duplicated"] += len(state["duplicated"])
        log(f"round {i}: {ended}; {row['finished']} finished, {len(orphans)} orphan(s), "
            f"{len(state['corrupt'])} corrupt, {len(state['duplicated'])} duplicated")  # fmt: skip
    final = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    state = check_folder(sweep)
    expected = 2 * seeds
    from sim.store import build_index

    index = build_index(sweep) if sweep.is_dir() else None
    complete_rows = 0 if index is None else int((index["status"] == "complete").sum())
    report.update(
        final_returncode=final.returncode,
        expected=expected,
        finished=len(state["finished"]),
        lost=expected - len(state["finished"]),
        final_corrupt=state["corrupt"],
        final_duplicated=state["duplicated"],
        temporaries=state["temporaries"],
        index_complete=complete_rows,
    )
    report["ok"] = (
        final.returncode == 0
        and report["lost"] == 0
        and len(state["finished"]) == expected
        and not state["corrupt"]
        and not state["duplicated"]
        and not state["temporaries"]
        and complete_rows == expected
        and report["orphans"] == 0
        and report["corrupt"] == 0
        and report["duplicated"] == 0
    )
    if final.returncode != 0:
        report["final_stderr"] = final.stderr[-2000:]
    log(f"final: {len(state['finished'])}/{expected} finished, {report['lost']} lost, "
        f"{len(state['duplicated'])} duplicated, {len(state['corrupt'])} corrupt, "
        f"{len(state['temporaries'])} temporaries left, {report['orphans']} orphans in all; "
        f"{'OK' if report['ok'] else 'FAILED'}")  # fmt: skip
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="kills before the final run")
    parser.add_argument("--seeds", type=int, default=4, help="seeds per arm (2 arms)")
    parser.add_argument("--end", default="2026Q4", help="last quarter of each run")
    parser.add_argument("--seed", type=int, default=1, help="seed of the kill moments")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _common import print_machine, write_result

    print_machine()
    clock = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        report = soak(Path(tmp), args.rounds, args.seeds, args.end, args.seed)
    report["seconds"] = round(time.perf_counter() - clock, 1)
    report["settings"] = vars(args)
    write_result("soak_kill_resume", report)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
