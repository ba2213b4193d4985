"""Global sensitivity analysis (issue 14): Morris screening of every uncertain input, then
Sobol indices of the most influential ones; see README.md in this folder."""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from experiments.runner import _override
from sim.sensitivity.analysis import morris_indices, ranking, sobol_indices
from sim.sensitivity.design import STAGES, Design, make_design, point_name, write_points
from sim.sensitivity.outputs import load_runs, sample_outputs
from sim.sensitivity.ranges import read_ranges, uncertain_inputs
from sim.sensitivity.report import write_report

BATCH = "sensitivity"
# feasible on a laptop; the study's design is region=full households_per_agent=20 (README.md)
SETTINGS = ("region=small", "households_per_agent=50", "end=2045Q4", "progress=false")


def parse_args(argv: list[str] | None) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog="python -m experiments.sensitivity",
        description="Morris screening over every range of docs/parameter_ranges.csv, then "
        "Sobol indices of the top inputs, through the Hydra launchers.",
        epilog="Other arguments are Hydra overrides for the runs, e.g. region=full "
        "households_per_agent=20 hydra/launcher=submitit_slurm",
    )
    parser.add_argument("--stage", choices=STAGES, default="morris")
    parser.add_argument("--trajectories", type=int, default=2, help="Morris trajectories")
    parser.add_argument("--samples", type=int, default=16, help="Sobol base sample (2^k)")
    parser.add_argument("--top", type=int, default=8, help="inputs of the Sobol stage")
    parser.add_argument("--seeds", type=int, default=1, help="seeds per design point")
    parser.add_argument("--levels", type=int, default=4, help="Morris grid levels")
    parser.add_argument("--design-seed", type=int, default=0, help="seed of the sampler")
    parser.add_argument(
        "--levers",
        default="",
        help="comma-separated levers: adds their parameters and "
        "their effect vs none as outputs (one run per point and lever)",
    )
    parser.add_argument("--keys", default="", help="comma-separated inputs (default: all)")
    parser.add_argument("--no-run", action="store_true", help="only analyse finished runs")
    args, overrides = parser.parse_known_args(argv)
    flags = [o for o in overrides if o.startswith("-")]
    if flags:
        parser.error(f"unknown option(s) {flags}; Hydra overrides look like key=value")
    return args, overrides


def sweep_dir_of(overrides: list[str]) -> Path:
    return Path(_override(overrides, "results_dir", "results")) / _override(
        overrides, "batch", BATCH
    )


def stage_inputs(args: argparse.Namespace, levers: tuple[str, ...], report: Path):
    """Morris: every uncertain input. Sobol: ``--keys``, else the top ``--top`` of the Morris
    ranking in the report folder."""
    ranges = read_ranges()
    keys = tuple(k for k in args.keys.split(",") if k)
    if args.stage == "sobol" and not keys:
        path = report / "morris_ranking.csv"
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: run the Morris stage first")
        keys = tuple(pd.read_csv(path)["key"].head(args.top))
    return uncertain_inputs(ranges, levers, keys)


def run_sweep(design: Design, folder: Path, arm: str, args, overrides: list[str]) -> int:
    """Every point x seed of one arm through ``python -m sim.run -m`` (the Hydra launcher)."""
    write_points(design, folder, arm)
    pattern = point_name(design.stage, arm, 0)[:-5] + "*"
    cmd = [sys.executable, "-m", "sim.run", "-m", "--config-dir", str((folder / "conf").resolve())]
    cmd += [f"experiment=glob({pattern})", f"intervention={arm}", f"batch={BATCH}"]
    cmd += [*SETTINGS, f"seed=range({args.seeds})", *overrides]
    print(f"[sensitivity] running: {shlex.join(cmd)}", file=sys.stderr, flush=True)
    return subprocess.call(cmd)


def main(argv: list[str] | None = None) -> int:
    args, overrides = parse_args(argv)
    levers = tuple(x for x in args.levers.split(",") if x)
    sweep_dir = sweep_dir_of(overrides)
    report = sweep_dir / "_report"
    folder = sweep_dir / "_design" / args.stage
    inputs = stage_inputs(args, levers, report)
    n = args.trajectories if args.stage == "morris" else args.samples
    design = make_design(args.stage, inputs, n, args.design_seed, args.levels)
    design.save(folder)
    print(
        f"[sensitivity] {args.stage}: {len(inputs)} inputs, {len(design.samples)} design rows "
        f"x {len(levers) + 1} arm(s) x {args.seeds} seed(s)",
        file=sys.stderr,
    )
    rc = 0
    clock = time.perf_counter()
    if not args.no_run:
        for arm in ("none", *levers):
            rc = max(rc, run_sweep(design, folder, arm, args, overrides))
    runs = load_runs(sweep_dir)
    y, found = sample_outputs(design, runs, levers)
    report.mkdir(parents=True, exist_ok=True)
    y.assign(seeds=found).to_csv(report / f"{args.stage}_outputs.csv")
    if args.stage == "morris":
        indices = morris_indices(design, y)
        ranking(indices).to_csv(report / "morris_ranking.csv", index=False)
    else:
        indices = sobol_indices(design, y)
    indices.to_csv(report / f"{args.stage}_indices.csv", index=False)
    written = write_report(report, args.stage, design, indices, y, runs, overrides)
    print(
        f"[sensitivity] wrote {len(written)} files to {report} "
        f"({time.perf_counter() - clock:.0f} s)"
    )
    if rc:
        print(
            "[sensitivity] some runs failed; run the same command again to retry them",
            file=sys.stderr,
        )
    return 1 if rc else 0
