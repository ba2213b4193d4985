"""The full region 2025Q1-2045Q4 at 1:1, and how results and time scale with household weights.

    .venv/bin/python benchmarks/full_region.py                 # about 6 minutes on 2 cores
    .venv/bin/python benchmarks/full_region.py --seeds 3 --weights 1,10,100
    .venv/bin/python benchmarks/full_region.py --no-scaling    # full run + Boltzmann only

Targets (issue 7), each measured side by side in this one script:

* the full 84-quarter run at ``households_per_agent=1`` (every household an agent), start-up
  included, takes at most 10 x one step of Mesa's ``BoltzmannWealth`` at N = 1,000,000;
* its peak memory (RSS of the run's own process) is at most 3 GB.

Every run is a fresh process (``_worker.py``): its wall time counts interpreter start, imports,
config composition, model construction, all quarters and the result tables; its peak RSS comes
from ``wait4`` and is not polluted by the Boltzmann model, which runs in this process afterwards.

Scaling: weights 1, 10, 100 with several seeds each. Results must agree in expectation: per
headline metric of 2045, mean and 95 % t-interval over seeds per weight, whether the weight-1
mean lies in each interval, and the difference to weight 1 in units of its standard error
(Welch). Time should fall with the weight; the firm side (22,000 firms, 435 places) does not
depend on it, so the script prints the time per phase too.
"""

from __future__ import annotations

import argparse
import math
import statistics

from _common import (
    boltzmann,
    fmt_seconds,
    mean_ci,
    print_machine,
    run_worker,
    write_result,
)

TIME_FACTOR = 10.0  # full run <= 10 Boltzmann steps
# phases whose work is per household row (the rest is per firm, place or institution and does
# not depend on households_per_agent): the split that bounds the speed-up from the weight
HOUSEHOLD_PHASES = ("demography", "demand")
# "close to proportionally": at least this share of the ideal speed-up (weight / 1)
PROPORTIONAL_SHARE = 0.5
MEMORY_GB = 3.0
METRICS = (
    "value_added_eur",
    "rural_value_added_eur",
    "employees",
    "firms",
    "unmet_demand_eur",
    "demand_eur",
    "population",
)


def _fmt(x: float) -> str:
    a = abs(x)
    if a >= 1e9:
        return f"{x / 1e9:.3f} bn"
    if a >= 1e6:
        return f"{x / 1e6:.2f} M"
    return f"{x:,.0f}"


def print_full(r: dict) -> None:
    s = r["start"]
    q = r["quarters"]
    print(
        f"  agents at start: {s['household_agents']:,} households + {s['mesa_agents']:,} Mesa "
        f"agents (firms, institutions); at end {r['end']['household_agents']:,} + "
        f"{r['end']['mesa_agents']:,}"
    )
    print(
        f"  wall {fmt_seconds(r['process_wall_seconds'])} = imports+config "
        f"{fmt_seconds(r['import_and_config_seconds'])} + construction "
        f"{fmt_seconds(r['build_seconds'])} + {q} quarters and tables "
        f"{fmt_seconds(r['run_seconds'])} (+ interpreter start)"
    )
    print(
        f"  quarter: median {fmt_seconds(statistics.median(r['step_seconds']))}, "
        f"max {fmt_seconds(max(r['step_seconds']))}"
    )
    total = sum(r["phase_seconds"].values())
    print("  time per phase (all quarters):")
    for k, v in sorted(r["phase_seconds"].items(), key=lambda kv: -kv[1]):
        print(f"    {k:<13} {v:7.2f} s  {100 * v / total:5.1f} %  {1000 * v / q:6.1f} ms/quarter")
    print(
        f"  agents x quarters per second: {r['agent_quarters'] / r['run_seconds']:,.0f} "
        f"(quarters only), {r['agent_quarters'] / r['process_wall_seconds']:,.0f} (whole wall)"
    )
    print(
        f"  peak RSS {r['process_peak_rss_mb']:,.0f} MiB "
        f"(after construction {r['peak_rss_after_build_mb']:,.0f} MiB)"
    )


def scaling_table(runs: dict[float, list[dict]]) -> dict:
    """Mean, CI and agreement with weight 1 per metric and weight; time per weight."""
    weights = sorted(runs)
    base_w = weights[0]
    table: dict = {}
    for metric in METRICS:
        if any(metric not in r["headline"] for rs in runs.values() for r in rs):
            continue
        rows = {}
        base_mean, _, base_se = mean_ci([r["headline"][metric] for r in runs[base_w]])
        for w in weights:
            mean, half, se = mean_ci([r["headline"][metric] for r in runs[w]])
            diff_se = math.sqrt(se**2 + base_se**2) if w != base_w else math.nan
            z = (mean - base_mean) / diff_se if diff_se and diff_se > 0 else math.nan
            rows[f"{w:g}"] = {
                "mean": mean,
                "ci95_half_width": half,
                "base_mean_in_ci": bool(abs(base_mean - mean) <= half) if half == half else None,
                "diff_to_base_in_se": z,
                "relative_diff_to_base": (mean - base_mean) / base_mean if base_mean else math.nan,
            }
        table[metric] = rows
    timing = {}
    base_t = statistics.fmean(r["model_seconds"] for r in runs[base_w])
    for w in weights:
        t = statistics.fmean(r["model_seconds"] for r in runs[w])
        phases: dict[str, float] = {}
        for r in runs[w]:
            for k, v in r["phase_seconds"].items():
                phases[k] = phases.get(k, 0.0) + v / len(runs[w])
        household_s = sum(v for k, v in phases.items() if k in HOUSEHOLD_PHASES)
        timing[f"{w:g}"] = {
            "model_seconds_mean": t,
            "household_phase_seconds_mean": household_s,
            "other_phase_seconds_mean": sum(phases.values()) - household_s,
            "process_wall_seconds_mean": statistics.fmean(
                r["process_wall_seconds"] for r in runs[w]
            ),
            "speedup_vs_weight_1": base_t / t,
            "proportional_speedup": w / base_w,
            "household_agents_at_start": statistics.fmean(
                r["start"]["household_agents"] for r in runs[w]
            ),
            "peak_rss_mb_mean": statistics.fmean(r["process_peak_rss_mb"] for r in runs[w]),
            "phase_seconds_mean": phases,
        }
    base = timing[f"{base_w:g}"]
    for w in weights:
        t = timing[f"{w:g}"]
        t["household_phase_speedup_vs_weight_1"] = (
            base["household_phase_seconds_mean"] / t["household_phase_seconds_mean"]
        )
        # Amdahl: every run does the weight-independent phases, so no weight can make a run
        # faster than this (construction, which also shrinks with the weight, left aside)
        t["speedup_bound_from_other_phases"] = (
            base["model_seconds_mean"] / base["other_phase_seconds_mean"]
        )
        t["close_to_proportional"] = t["speedup_vs_weight_1"] >= PROPORTIONAL_SHARE * w / base_w
    return {"metrics": table, "timing": timing}


def print_scaling(res: dict, seeds: list[int]) -> None:
    weights = list(res["timing"])
    print(f"\nscaling: seeds {seeds}; mean +/- 95 % CI over seeds; 'in' = weight-1 mean in CI;")
    print("         z = (mean_w - mean_1) / SE of the difference (|z| < 2: agree)")
    head = f"  {'metric 2045':<22}" + "".join(f"  {'w=' + w:>34}" for w in weights)
    print(head)
    for metric, rows in res["metrics"].items():
        line = f"  {metric:<22}"
        for w in weights:
            r = rows[w]
            flag = "" if w == weights[0] else f" {'in ' if r['base_mean_in_ci'] else 'OUT'}"
            z = "" if w == weights[0] else f" z={r['diff_to_base_in_se']:+.1f}"
            line += f"  {_fmt(r['mean']) + ' +/- ' + _fmt(r['ci95_half_width']) + flag + z:>34}"
        print(line)
    print("\n  time per run (construction + 84 quarters + tables), mean over seeds:")
    phases = list(next(iter(res["timing"].values()))["phase_seconds_mean"])
    print(
        f"  {'weight':>7} {'agents':>10} {'seconds':>8} {'speed-up':>9} {'ideal':>6} "
        + " ".join(f"{p[:7]:>7}" for p in phases)
    )
    for w, t in res["timing"].items():
        print(
            f"  {w:>7} {t['household_agents_at_start']:>10,.0f} {t['model_seconds_mean']:>8.2f} "
            f"{t['speedup_vs_weight_1']:>9.2f} {t['proportional_speedup']:>6.0f} "
            + " ".join(f"{t['phase_seconds_mean'].get(p, 0.0):>7.2f}" for p in phases)
        )
    print(
        f"\n  household phases ({', '.join(HOUSEHOLD_PHASES)}) against the others (per firm, "
        "place, institution: independent of the weight):"
    )
    print(f"  {'weight':>7} {'household s':>12} {'speed-up':>9} {'other s':>8}")
    for w, t in res["timing"].items():
        print(
            f"  {w:>7} {t['household_phase_seconds_mean']:>12.2f} "
            f"{t['household_phase_speedup_vs_weight_1']:>9.1f} "
            f"{t['other_phase_seconds_mean']:>8.2f}"
        )
    timing = list(res["timing"].values())
    bound = timing[0]["speedup_bound_from_other_phases"]
    met = all(t["close_to_proportional"] for t in timing)
    print(
        f"  time falls close to proportionally (speed-up >= {PROPORTIONAL_SHARE:g} x weight): "
        f"{'MET' if met else 'NOT MET'}; the weight-independent phases bound the speed-up of "
        f"any weight at {bound:.1f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000, help="Boltzmann agents (default 1e6)")
    ap.add_argument("--boltzmann-steps", type=int, default=3)
    ap.add_argument("--weights", default="1,10,100", help="households_per_agent values")
    ap.add_argument("--seeds", type=int, default=5, help="seeds per weight (0 .. seeds-1)")
    ap.add_argument("--no-scaling", action="store_true", help="only the 1:1 run and Boltzmann")
    args = ap.parse_args()
    print_machine()

    weights = [float(w) for w in args.weights.split(",")]
    if weights[0] != 1.0:
        weights = [1.0, *[w for w in weights if w != 1.0]]
    seeds = list(range(args.seeds)) if not args.no_scaling else [0]
    if args.no_scaling:
        weights = [1.0]

    runs: dict[float, list[dict]] = {w: [] for w in weights}
    for w in weights:
        for s in seeds:
            r = run_worker([f"households_per_agent={w:g}", f"seed={s}"])
            runs[w].append(r)
            print(
                f"run weight {w:g} seed {s}: {fmt_seconds(r['process_wall_seconds'])} wall, "
                f"model {fmt_seconds(r['model_seconds'])}, peak {r['process_peak_rss_mb']:,.0f} "
                f"MiB; others used {100 * r['foreign_cpu_share']:.0f} % of the machine",
                flush=True,
            )
    full = runs[1.0][0]  # the baseline run: weight 1, seed 0
    print("\nfull region 2025Q1-2045Q4 at 1:1 (weight 1, seed 0):")
    print_full(full)

    print(f"\nMesa BoltzmannWealth (as shipped), N = {args.n:,}, 100 x 100 grid, this process")
    bz = boltzmann(args.n, steps=args.boltzmann_steps)
    step = bz["step_median_seconds"]
    print(
        f"  construction {fmt_seconds(bz['build_seconds'])}, one step {fmt_seconds(step)} "
        f"(median of {', '.join(fmt_seconds(s) for s in bz['step_seconds'])}); others used "
        f"{100 * bz['foreign_cpu_share']:.0f} % of the machine"
    )

    wall = full["process_wall_seconds"]
    time_ratio = wall / step
    cpu_ratio = full["process_cpu_seconds"] / bz["step_median_cpu_seconds"]
    mem_gb = full["process_peak_rss_mb"] / 1024.0
    time_ok, mem_ok = time_ratio <= TIME_FACTOR, mem_gb <= MEMORY_GB
    print(
        f"\nfull run / Boltzmann step = {wall:.1f} s / {step:.1f} s = {time_ratio:.2f} "
        f"(target <= {TIME_FACTOR:g}): {'MET' if time_ok else 'NOT MET'}"
    )
    print(f"  in CPU time (less sensitive to other load): {cpu_ratio:.2f}")
    print(
        f"peak memory {mem_gb:.2f} GB (target <= {MEMORY_GB:g} GB): "
        f"{'MET' if mem_ok else 'NOT MET'}"
    )
    scaling = None
    if not args.no_scaling:
        scaling = scaling_table(runs)
        print_scaling(scaling, seeds)

    write_result(
        "full_region",
        {
            "full_run": {k: v for k, v in full.items()},
            "boltzmann": bz,
            "full_run_to_boltzmann_step": time_ratio,
            "full_run_to_boltzmann_step_cpu_time": cpu_ratio,
            "peak_rss_gb": mem_gb,
            "targets": {
                "time": f"full run <= {TIME_FACTOR:g} x Boltzmann step (N={args.n:,})",
                "time_met": time_ok,
                "memory": f"peak RSS <= {MEMORY_GB:g} GB",
                "memory_met": mem_ok,
                "weights_time": f"speed-up >= {PROPORTIONAL_SHARE:g} x weight",
                "weights_time_met": None
                if scaling is None
                else all(t["close_to_proportional"] for t in scaling["timing"].values()),
            },
            "scaling": scaling,
            "seeds": seeds,
            "runs": {
                f"{w:g}": [{k: r[k] for k in r if k not in ("step_seconds",)} for r in runs[w]]
                for w in weights
            },
        },
    )


if __name__ == "__main__":
    main()
