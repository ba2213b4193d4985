"""Runs per hour of the sensitivity design on this machine, and the projected wall time of the
full Morris screening (issue 14, item 6).

    .venv/bin/python benchmarks/sensitivity_throughput.py                 # full region, ~5 min
    .venv/bin/python benchmarks/sensitivity_throughput.py --runs 4 region=small

The first ``--runs`` points of the Morris design over every uncertain input
(``docs/parameter_ranges.csv``; ``python -m experiments.sensitivity``) are run side by side
through the real command line and the joblib launcher on all cores, into a fresh results
folder (finished runs would be skipped)::

    python -m sim.run -m --config-dir <points> 'experiment=glob(sa_morris_none_*)' \
        region=full households_per_agent=20 end=2045Q4 progress=false hydra.launcher.n_jobs=<cores>

at the weight the study's experiments use (``households_per_agent=20``, e.g.
conf/experiment/policy_comparison.yaml). Runs per hour = runs / wall time of the whole command
(Hydra start, composition of each job, the worker pool, writing results), so it is what the
design gets. The full design is trajectories x (inputs + 1) x seeds runs; its projected wall
time = runs / (runs per hour), printed for several trajectory counts against the target: the
Morris screening on the full region within 2 hours on 2 cores. A projection, not a timed test:
the machine is shared (the CPU others used meanwhile is printed) and start-up is amortised over
more runs in the real design, so the projection errs long.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, ForeignLoad, fmt_seconds, print_machine, write_result

TARGET_HOURS = 2.0
TARGET_CORES = 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=4, help="design points to run")
    parser.add_argument("--trajectories", default="2,4,10,20", help="designs to project")
    parser.add_argument("--seeds", type=int, default=1, help="seeds per point in the design")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="workers")
    args, extra = parser.parse_known_args()
    sys.path.insert(0, str(ROOT))
    from sim.sensitivity.design import Design, make_design, write_points
    from sim.sensitivity.ranges import read_ranges, uncertain_inputs

    print_machine()
    inputs = uncertain_inputs(read_ranges())
    design = make_design("morris", inputs, 1)
    part = Design("morris", inputs, design.samples[: args.runs], design.levels)
    settings = ["region=full", "households_per_agent=20", "end=2045Q4", "progress=false"]
    with tempfile.TemporaryDirectory(prefix="sens-bench-") as tmp:
        write_points(part, Path(tmp), "none")
        cmd = [sys.executable, "-m", "sim.run", "-m", "--config-dir", f"{tmp}/conf"]
        cmd += ["experiment=glob(sa_morris_none_*)", "intervention=none", "batch=bench"]
        cmd += [*settings, f"results_dir={tmp}/results", f"hydra.launcher.n_jobs={args.jobs}"]
        cmd += extra
        print("running:", " ".join(cmd), flush=True)
        with ForeignLoad() as load:
            clock = time.perf_counter()
            rc = subprocess.call(cmd, cwd=ROOT, stdout=subprocess.DEVNULL)
            wall = time.perf_counter() - clock
    if rc:
        print(f"the sweep failed (exit {rc})", file=sys.stderr)
        return rc
    per_hour = args.runs / wall * 3600
    print(
        f"\n{args.runs} runs on {args.jobs} workers in {fmt_seconds(wall)}: "
        f"{per_hour:.0f} runs per hour ({wall / args.runs:.1f} s a run of the sweep); "
        f"others used {load.share:.0%} of the machine meanwhile"
    )
    per_hour_target = per_hour * TARGET_CORES / args.jobs  # the same machine with 2 cores
    projections = []
    print(
        f"\nfull Morris design, {len(inputs)} inputs, {args.seeds} seed(s), settings "
        f"{' '.join(settings + extra)}; target {TARGET_HOURS:g} h on {TARGET_CORES} cores:"
    )
    for r in (int(x) for x in args.trajectories.split(",")):
        runs = r * (len(inputs) + 1) * args.seeds
        hours = runs / per_hour
        hours_2 = runs / per_hour_target
        projections.append(
            {
                "trajectories": r,
                "runs": runs,
                "hours": hours,
                "hours_on_2_cores": hours_2,
                "ratio_to_target": hours_2 / 2,
            }
        )
        print(
            f"  r = {r:3d}: {runs:5d} runs, {hours:6.2f} h here, {hours_2:6.2f} h on "
            f"{TARGET_CORES} cores = {hours_2 / TARGET_HOURS:.2f} x the target"
        )
    write_result(
        "sensitivity_throughput",
        {
            "runs": args.runs,
            "workers": args.jobs,
            "wall_seconds": wall,
            "runs_per_hour": per_hour,
            "settings": settings + extra,
            "inputs": len(inputs),
            "foreign_cpu_share": load.share,
            "projections": projections,
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
