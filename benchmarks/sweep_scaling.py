"""Parallel efficiency of a Hydra sweep through the joblib launcher, 1, 2, ... workers.

    .venv/bin/python benchmarks/sweep_scaling.py                    # about 3 minutes on 2 cores
    .venv/bin/python benchmarks/sweep_scaling.py --workers 1,2,4,8,16 --runs 256  # 16 cores

A fixed sweep (``--runs`` seeds of ``region=small`` to ``--end``, 1:1 households) is run by the
real command line, once per worker count K, each into a fresh results folder (finished runs are
skipped, so a reused folder would measure nothing)::

    python -m sim.run -m seed=range(R) region=small end=... progress=false \
        hydra/launcher=joblib hydra.launcher.n_jobs=K results_dir=<fresh tmp>

Wall time is the whole command (Hydra start, composition of every job, the joblib pool).
Speed-up S_K = T_1 / T_K and parallel efficiency S_K / K; target (issue 7): >= 0.85 at 2
workers. Each K also shows the sweep's model seconds (sum of the runs' ``wall_seconds`` from
their manifests) and the rest, ``wall - model / K``: start-up (Hydra, imports, the joblib
pool) and per-run overhead (composition, writing results), which Amdahl's law charges against
efficiency. With 32 runs to 2045Q4 it is under a tenth of the serial time; in the study's own
sweeps (full region, ~20 s a run) it is far smaller. With ``--repeats`` > 1 the worker counts
are run in alternating order and the fastest wall time per K is used (noise on a shared
machine only ever adds time). The results of every K are compared with K = 1 table by table:
a parallel sweep must give identical numbers.

The target is checked at 16 workers when they are measured, else at 2. From the 1- and
2-worker sweeps the script also projects (Amdahl, labelled an estimate) the efficiency at 4 to
32 workers and how many runs a sweep needs for the target there: a few seconds of serial
start-up are a small share of 32 runs on 2 workers but not on 16, hence ``--runs 256`` there.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import DEVICE_NOTE, ROOT, ForeignLoad, print_machine, write_result

TARGET = 0.85


def run_sweep(k: int, runs: int, end: str, region: str, extra: list[str], workdir: Path) -> dict:
    results = workdir / f"k{k}_{time.monotonic_ns()}"
    cmd = [
        sys.executable,
        "-m",
        "sim.run",
        "-m",
        f"seed=range({runs})",
        f"region={region}",
        f"end={end}",
        "progress=false",
        "hydra/launcher=joblib",
        f"hydra.launcher.n_jobs={k}",
        f"results_dir={results}",
        *extra,
    ]
    load = os.getloadavg()[0]
    with ForeignLoad() as foreign:
        clock = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - clock
    if proc.returncode != 0:
        raise RuntimeError(f"sweep with {k} workers failed:\n{proc.stdout[-3000:]}{proc.stderr}")
    manifests = run_manifests(results)
    if len(manifests) != runs:
        raise RuntimeError(f"{k} workers: {len(manifests)} finished runs, expected {runs}")
    run_walls = [json.loads(m.read_text())["wall_seconds"] for m in manifests]
    return {
        "workers": k,
        "wall_seconds": wall,
        "runs_finished": len(manifests),
        "sum_of_run_seconds": sum(run_walls),
        "load_average_before": load,
        "foreign_cpu_share": foreign.share,
        "results_dir": results,
    }


def run_manifests(results: Path) -> list[Path]:
    """Manifests of the finished runs under a results folder (not Hydra's own files)."""
    return sorted(
        p
        for p in results.rglob("manifest.json")
        if not any(part.startswith(".") for part in p.relative_to(results).parts)
    )


def same_results(a: Path, b: Path) -> bool:
    """Every run's tables are identical in the two sweeps' results folders."""
    import pandas as pd

    runs_a = [m.parent.relative_to(a) for m in run_manifests(a)]
    runs_b = [m.parent.relative_to(b) for m in run_manifests(b)]
    if runs_a != runs_b or not runs_a:
        return False
    for run in runs_a:
        for table in sorted((a / run).glob("*.parquet")):
            if not pd.read_parquet(table).equals(pd.read_parquet(b / run / table.name)):
                return False
    return True


def amdahl_projection(best: dict[int, dict], runs: int) -> dict | None:
    """Efficiency at more workers, from the serial part the 1- and 2-worker sweeps imply.

    T_K = S + W / K with S the serial part (start-up in the launching process) and W the work
    that spreads over the workers; T_1 and T_2 give S = 2 T_2 - T_1. Efficiency at K workers
    for R runs of w seconds: (S + R w) / (K (S + R w / K)); it reaches the target from
    R >= S (target K - 1) / ((1 - target) w) runs.
    """
    if 1 not in best or 2 not in best:
        return None
    t1, t2 = best[1]["wall_seconds"], best[2]["wall_seconds"]
    serial = max(2 * t2 - t1, 0.0)
    if t1 - serial <= 0:  # 2 workers were no faster than 1 (a loaded machine): no estimate
        return None
    per_run = (t1 - serial) / runs
    rows = []
    for k in (4, 8, 16, 32):
        rows.append(
            {
                "workers": k,
                "efficiency_at_these_runs": t1 / (k * (serial + runs * per_run / k)),
                "runs_for_target": math.ceil(serial * (TARGET * k - 1) / ((1 - TARGET) * per_run)),
            }
        )
    return {"serial_seconds": serial, "seconds_per_run": per_run, "rows": rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--workers", default="1,2", help="worker counts, comma separated")
    ap.add_argument("--runs", type=int, default=32, help="runs in the sweep (seeds)")
    # the study horizon: each run does the model's real work, so fixed start-up is small
    ap.add_argument("--end", default="2045Q4", help="last quarter of each run (from 2025Q1)")
    ap.add_argument("--region", default="small", help="region config of every run")
    ap.add_argument("--name", default="sweep_scaling", help="results/<name>.json")
    ap.add_argument("--repeats", type=int, default=1, help="sweeps per worker count")
    ap.add_argument("extra", nargs="*", help="further Hydra overrides for every run")
    args = ap.parse_args()
    print_machine()
    workers = [int(k) for k in args.workers.split(",")]
    if workers[0] != 1:
        workers = [1, *[k for k in workers if k != 1]]
    cores = len(os.sched_getaffinity(0))
    print(
        f"sweep: {args.runs} runs, region={args.region}, 2025Q1-{args.end}, "
        f"overrides: {' '.join(args.extra) or 'none'}; "
        f"workers {workers}; {args.repeats} repeat(s); {cores} usable cores"
    )
    if max(workers) > cores:
        print(f"  note: more workers than the {cores} cores of this machine")

    work = Path(tempfile.mkdtemp(prefix="sweep_scaling_"))
    sweeps: dict[int, list[dict]] = {k: [] for k in workers}
    try:
        for rep in range(args.repeats):
            order = workers if rep % 2 == 0 else workers[::-1]
            for k in order:
                r = run_sweep(k, args.runs, args.end, args.region, args.extra, work)
                sweeps[k].append(r)
                print(
                    f"  repeat {rep + 1}, {k:>2} worker(s): {r['wall_seconds']:6.1f} s "
                    f"(others used {100 * r['foreign_cpu_share']:.0f} % of the machine)",
                    flush=True,
                )
        best = {k: min(sweeps[k], key=lambda r: r["wall_seconds"]) for k in workers}
        identical = {
            k: same_results(best[1]["results_dir"], best[k]["results_dir"]) for k in workers[1:]
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)

    t1 = best[1]["wall_seconds"]
    print(
        f"\n  {'workers':>7} {'wall s':>8} {'model s':>8} {'other s':>8} {'speed-up':>9} "
        f"{'efficiency':>11} {'identical':>10} {'others':>7}"
    )
    table = []
    for k in workers:
        t = best[k]["wall_seconds"]
        speedup = t1 / t
        row = {
            "workers": k,
            "wall_seconds": t,
            "all_wall_seconds": [r["wall_seconds"] for r in sweeps[k]],
            "speedup": speedup,
            "efficiency": speedup / k,
            "sum_of_run_seconds": best[k]["sum_of_run_seconds"],
            "overhead_seconds": t - best[k]["sum_of_run_seconds"] / k,
            "identical_to_serial": identical.get(k, True),
            "foreign_cpu_share": best[k]["foreign_cpu_share"],
        }
        table.append(row)
        print(
            f"  {k:>7} {t:>8.1f} {row['sum_of_run_seconds']:>8.1f} {row['overhead_seconds']:>8.1f} "
            f"{speedup:>9.2f} {speedup / k:>11.2f} "
            f"{str(row['identical_to_serial']):>10} {100 * row['foreign_cpu_share']:>6.0f}%"
        )
    # issue 7: >= 0.85 at 16 workers on the 16-core machine; at 2 workers on a 2-core one
    target_workers = 16 if 16 in workers else 2
    eff_target = next((r["efficiency"] for r in table if r["workers"] == target_workers), None)
    ok = eff_target is not None and eff_target >= TARGET
    if eff_target is not None:
        print(
            f"\nparallel efficiency at {target_workers} workers = {eff_target:.2f} "
            f"(target >= {TARGET}): {'MET' if ok else 'NOT MET'}"
        )
    else:
        print(f"\ntarget not measured: --workers has no {target_workers}")
    projection = amdahl_projection(best, args.runs)
    if projection:
        print(
            f"\nestimate, not a measurement (Amdahl from the 1- and 2-worker sweeps: "
            f"{projection['serial_seconds']:.1f} s serial, {projection['seconds_per_run']:.2f} s "
            "a run; assumes the runs themselves scale, as they do on this machine):"
        )
        for row in projection["rows"]:
            print(
                f"  {row['workers']:>3} workers: efficiency {row['efficiency_at_these_runs']:.2f} "
                f"with {args.runs} runs; >= {TARGET} from {row['runs_for_target']} runs"
            )
    worst = max(r["foreign_cpu_share"] for r in table)
    if worst > 0.05:
        print(
            f"WARNING: other processes used up to {100 * worst:.0f} % of the machine during these "
            "sweeps; the efficiency is understated; rerun on an idle machine"
        )
    print(f"note: {DEVICE_NOTE}")
    write_result(
        args.name,
        {
            "sweep": {
                "runs": args.runs,
                "region": args.region,
                "start": "2025Q1",
                "end": args.end,
                "extra_overrides": args.extra,
                "launcher": "hydra/launcher=joblib (loky processes)",
                "repeats": args.repeats,
            },
            "usable_cores": cores,
            "table": table,
            "target_workers": target_workers,
            "efficiency_at_target_workers": eff_target,
            "max_foreign_cpu_share": worst,
            "target": f"efficiency >= {TARGET} at {target_workers} workers",
            "amdahl_projection_estimate": projection,
            "target_met": ok,
            "note": DEVICE_NOTE,
        },
    )


if __name__ == "__main__":
    main()
