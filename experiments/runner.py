"""One command per study experiment: run its sweep, then make its comparison and study outputs.

``python -m experiments.<name> [--no-run] [--out DIR] [HYDRA_OVERRIDES ...]``

1. runs ``python -m sim.run -m experiment=<name> HYDRA_OVERRIDES`` in a subprocess, i.e. the
   sweep of ``conf/experiment/<name>.yaml`` through the real Hydra launcher (joblib on this
   machine's cores by default; ``hydra/launcher=submitit_slurm`` for a cluster). Finished runs
   are skipped, so an interrupted experiment resumes where it stopped;
2. pairs the runs with the experiment's baseline (``sim.compare``) and writes the comparison to
   ``<results_dir>/<name>/_report/comparison/``;
3. writes the experiment's study outputs (``experiments/study.py``) to
   ``<results_dir>/<name>/_report/``.

Overrides change the experiment, e.g. ``seed='range(30)'`` for more seeds,
``households_per_agent=1`` for every household as an agent, ``region=small`` for a quick look.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sim.compare import paired_comparison
from sim.store import ResultsError


@dataclass(frozen=True)
class Experiment:
    name: str
    question: str
    baseline: dict[str, str]
    outputs: tuple[str, ...]


def _override(overrides: list[str], key: str, default: str) -> str:
    """The value of a plain ``key=value`` override (the last one wins), or ``default``."""
    value = default
    for item in overrides:
        if item.startswith(f"{key}="):
            value = item.split("=", 1)[1]
    return value


def _sweep_dir(overrides: list[str], experiment: str) -> Path:
    """Where the sweep's runs go: ``<results_dir>/<batch>``, with the batch the experiment's
    config sets (``conf/experiment/<name>.yaml``) unless ``batch=`` is given."""
    from omegaconf import OmegaConf

    from sim.config import CONF_DIR

    own = OmegaConf.load(CONF_DIR / "experiment" / f"{experiment}.yaml").get("batch", experiment)
    return Path(_override(overrides, "results_dir", "results")) / _override(
        overrides, "batch", str(own)
    )


def main(experiment: Experiment, argv: list[str] | None = None) -> int:
    from experiments.study import write_outputs

    parser = argparse.ArgumentParser(
        prog=f"python -m experiments.{experiment.name}",
        description=experiment.question,
        epilog="Other arguments are Hydra overrides for the sweep, e.g. seed='range(30)' "
        "households_per_agent=1 hydra/launcher=submitit_slurm",
    )
    parser.add_argument("--no-run", action="store_true", help="only analyse finished runs")
    parser.add_argument("--out", help="output folder (default <results_dir>/<name>/_report)")
    args, overrides = parser.parse_known_args(argv)
    flags = [o for o in overrides if o.startswith("-")]
    if flags:
        parser.error(f"unknown option(s) {flags}; Hydra overrides look like key=value")
    sweep_dir = _sweep_dir(overrides, experiment.name)
    out = Path(args.out) if args.out else sweep_dir / "_report"
    sweep_rc = 0
    if not args.no_run:
        cmd = [sys.executable, "-m", "sim.run", "-m", f"experiment={experiment.name}"]
        cmd += overrides
        print(f"[{experiment.name}] running: {shlex.join(cmd)}", file=sys.stderr, flush=True)
        clock = time.perf_counter()
        sweep_rc = subprocess.call(cmd)
        print(
            f"[{experiment.name}] sweep ended (exit {sweep_rc}) after "
            f"{time.perf_counter() - clock:.0f} s",
            file=sys.stderr,
            flush=True,
        )
        if sweep_rc != 0 and not sweep_dir.is_dir():
            return sweep_rc
    try:
        comparison = paired_comparison(sweep_dir, experiment.baseline)
        written = comparison.write(out / "comparison")
        written.update(write_outputs(sweep_dir, out, experiment.outputs, comparison))
    except ResultsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(comparison.summary_markdown())
    print(f"[{experiment.name}] wrote {len(written)} files to {out}:")
    for path in sorted(set(written.values())):
        print(f"  {path}")
    if sweep_rc != 0:
        print(
            f"[{experiment.name}] some runs failed (see {sweep_dir / 'index.parquet'}); the "
            f"outputs use the finished runs. Run the same command again to retry them.",
            file=sys.stderr,
        )
    return 1 if sweep_rc else 0
