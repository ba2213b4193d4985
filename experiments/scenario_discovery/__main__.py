"""``python -m experiments.scenario_discovery [--samples N] [--no-run] [HYDRA_OVERRIDES ...]``

1. draws a Latin hypercube of ``--samples`` points over the inputs of ``design.INPUTS`` (saved
   as ``design.csv``; the same ``--design-seed`` gives the same design, so a rerun resumes);
2. runs each sample through Hydra's launcher, ``python -m sim.run -m
   experiment=scenario_discovery <the sample's overrides> HYDRA_OVERRIDES``: the sweep of
   ``conf/experiment/scenario_discovery.yaml`` (with and without the lever, its seeds); finished
   runs are skipped;
3. computes the outcomes per sample and seed (``outcomes.py``) and runs PRIM
   (``sim.analysis.discovery``) for (a) rural real value added in the last year below
   ``--rural-threshold`` of the first and (b) the lever's real value added per EUR below 1;
4. writes ``cases.csv``, ``boxes.csv``, ``trajectory_<outcome>.csv``, ``peeling_<outcome>.png``
   and ``summary.md`` to ``<results_dir>/scenario_discovery/_report/``.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
from pathlib import Path

import pandas as pd

from experiments.runner import _sweep_dir
from experiments.scenario_discovery.design import INPUTS, latin_hypercube, overrides
from experiments.scenario_discovery.outcomes import cases, per_sample, summary
from sim.analysis import figures as fig
from sim.analysis.discovery import MIN_COVERAGE, find_box
from sim.store import ResultsError

NAME = "scenario_discovery"
LEVER = "innovation_transfer"  # the arm swept beside "none" in the experiment's config


def run_samples(design: pd.DataFrame, extra: list[str]) -> int:
    """Each sample's sweep through the Hydra launcher; the number of samples that failed."""
    failed = 0
    for row in design.itertuples(index=False):
        cmd = [sys.executable, "-m", "sim.run", "-m", f"experiment={NAME}"]
        cmd += overrides(pd.Series(row._asdict())) + extra
        print(f"[{NAME}] sample {row.sample + 1}/{len(design)}: {shlex.join(cmd[3:])}", flush=True)
        failed += subprocess.call(cmd, stdout=subprocess.DEVNULL) != 0
    return failed


def discover(table: pd.DataFrame, outcome: str, label: str, out: Path, caption: str) -> dict:
    """PRIM for one boolean outcome column; writes its trajectory and figure, returns a row."""
    x = table[[inp.name for inp in INPUTS]]
    y = table[outcome].to_numpy(bool)
    row = {"outcome": outcome, "definition": label, "cases": len(y), "of_interest": int(y.sum())}
    try:
        box = find_box(x, y)
    except ValueError as exc:
        return {**row, "note": str(exc)}
    box.trajectory.to_csv(out / f"trajectory_{outcome}.csv", index_label="step")
    fig.peeling_trajectory(
        box.trajectory, f"PRIM peeling trajectory: {label}", caption, out / f"peeling_{outcome}.png"
    )
    limits = box.limits.assign(**row, coverage=box.coverage, density=box.density, mass=box.mass)
    return {**row, "limits": limits, "coverage": box.coverage, "density": box.density}


def _markdown(results: list[dict], table: pd.DataFrame, args, caption: str) -> str:
    lines = [
        "# Scenario discovery (PRIM)",
        "",
        f"{caption}. Cases: one per design sample, its outcomes averaged over its seeds "
        f"({table['sample'].nunique()} samples; per seed in cases_by_seed.csv). Box chosen: "
        f"the densest on the peeling trajectory that covers at least "
        f"{MIN_COVERAGE:.0%} of the cases of interest. Coverage: share of the cases of interest "
        f"inside the box; density: share of the box's cases that are of interest.",
        "",
        f"- rural real value added, last over first year: {summary(table['rural_ratio'])}",
        f"- {LEVER}: real value added per EUR of support (discounted): "
        f"{summary(table['gain_per_eur'])}",
        "",
    ]
    for r in results:
        lines += [f"## {r['definition']}", ""]
        lines.append(f"{r['of_interest']} of {r['cases']} samples.")
        if "note" in r:
            lines += ["", f"No box: {r['note']}.", ""]
            continue
        lines += [
            "",
            f"Box: coverage {r['coverage']:.2f}, density {r['density']:.2f}.",
            "",
            "| input | min | max | values | qp value |",
            "|---|---|---|---|---|",
        ]
        for b in r["limits"].itertuples():
            cells = [b.input, f"{b.min:.3g}", f"{b.max:.3g}", str(b.values), f"{b.qp_value:.2g}"]
            lines.append("| " + " | ".join("" if c == "nan" else c for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m experiments.{NAME}", description=__doc__)
    parser.add_argument("--samples", type=int, default=24, help="Latin hypercube size")
    parser.add_argument("--design-seed", type=int, default=0)
    parser.add_argument(
        "--rural-threshold",
        type=float,
        default=0.85,
        help="(a): rural real value added, last over first year, below this (default 0.85)",
    )
    parser.add_argument(
        "--lever-threshold",
        type=float,
        default=1.0,
        help="(b): the lever's real value added per EUR of support below this (default 1)",
    )
    parser.add_argument("--no-run", action="store_true", help="only analyse finished runs")
    parser.add_argument("--out", help=f"output folder (default <results_dir>/{NAME}/_report)")
    args, extra = parser.parse_known_args(argv)
    if any(o.startswith("-") for o in extra):
        parser.error(f"unknown option(s) {extra}; Hydra overrides look like key=value")
    sweep_dir = _sweep_dir(extra, NAME)
    out = Path(args.out) if args.out else sweep_dir / "_report"
    out.mkdir(parents=True, exist_ok=True)
    design = latin_hypercube(args.samples, args.design_seed)
    design.to_csv(out / "design.csv", index=False)
    pd.DataFrame([vars(i) for i in INPUTS]).to_csv(out / "inputs.csv", index=False)
    failed = 0 if args.no_run else run_samples(design, extra)
    try:
        runs = cases(sweep_dir, design, LEVER)
    except (ResultsError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    runs.to_csv(out / "cases_by_seed.csv", index=False)
    table = per_sample(runs)
    x, g = args.rural_threshold, args.lever_threshold
    first, last = runs.attrs["base_year"], runs.attrs["last_year"]
    table["rural_below_threshold"] = table["rural_ratio"] < x
    table["lever_below_threshold"] = table["gain_per_eur"] < g
    table.to_csv(out / "cases.csv", index=False)
    caption = f"{sweep_dir} | {len(table)} samples x {runs['seed'].nunique()} seed(s) | {LEVER}"
    results = [
        discover(
            table.dropna(subset=["rural_ratio"]),
            "rural_below_threshold",
            f"rural real value added {last} below {x:.0%} of {first}",
            out,
            caption,
        ),
        discover(
            table.dropna(subset=["gain_per_eur"]),
            "lever_below_threshold",
            f"{LEVER}: real value added gained per EUR of support below {g:g}",
            out,
            caption,
        ),
    ]
    limits = [r["limits"] for r in results if "limits" in r]
    boxes = pd.concat(limits, ignore_index=True) if limits else pd.DataFrame()
    boxes.to_csv(out / "boxes.csv", index=False)
    text = _markdown(results, table, args, caption)
    (out / "summary.md").write_text(text + "\n")
    print(text)
    if failed:
        print(f"[{NAME}] {failed} sample sweep(s) failed; rerun to retry", file=sys.stderr)
    return 1 if failed else 0


raise SystemExit(main())
