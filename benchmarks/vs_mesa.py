"""One quarter of our model against one step of Mesa's Boltzmann wealth model, same process.

    .venv/bin/python benchmarks/vs_mesa.py            # N = 1,000,000 (about 1 minute)
    .venv/bin/python benchmarks/vs_mesa.py --n 100000 --match-n

Target (issue 7): a typical quarter of the full model at 1:1 (every household an agent, plus
all craft firms and institutions) takes at most a tenth of one step of Mesa's bundled
``BoltzmannWealth`` (as shipped, 100 x 100 grid) with N = 1,000,000 agents: ratio <= 0.10.

Our side is the full region at ``households_per_agent=1`` (about 1.1 M households, so N_ours is
a little above the default N; both counts are printed). A typical quarter is the median of
``--quarters`` steps after the first, which is timed separately with the construction. With
``--match-n`` and N below the region's household count, households are aggregated
(``households_per_agent = households / N``) so our table holds about N household agents.
"""

from __future__ import annotations

import argparse
import gc
import logging
import statistics
import time

from _common import ForeignLoad, boltzmann, fmt_seconds, peak_rss_mb, print_machine, write_result

TARGET = 0.10


def time_our_quarters(overrides: list[str], quarters: int) -> dict:
    from sim.config import load_config
    from sim.model import RegionModel

    cfg = load_config(["progress=false", *overrides])
    gc.collect()
    clock = time.perf_counter()
    model = RegionModel(cfg)
    build = time.perf_counter() - clock
    hh = model.households.table
    counts = {
        "household_agents": len(hh),
        "households_weighted": float(hh.weight.sum()),
        "firms_alive": int(model.firms.table.alive.sum()),
        "institutions": len(model.institutions),
        "mesa_agents": len(model.agents),
    }
    clock = time.perf_counter()
    model.step()
    first = time.perf_counter() - clock
    before = dict(model.phase_seconds)
    times, cpu = [], []
    with ForeignLoad() as load:
        for _ in range(quarters):
            clock, cpu0 = time.perf_counter(), time.process_time()
            model.step()
            times.append(time.perf_counter() - clock)
            cpu.append(time.process_time() - cpu0)
    phases = {k: (v - before.get(k, 0.0)) / quarters for k, v in model.phase_seconds.items()}
    out = {
        "overrides": overrides,
        "households_per_agent": float(cfg.households_per_agent),
        "counts_at_start": counts,
        "build_seconds": build,
        "first_quarter_seconds": first,
        "quarter_seconds": times,
        "quarter_median_seconds": statistics.median(times),
        "quarter_mean_seconds": statistics.fmean(times),
        "quarter_cpu_seconds": cpu,
        "quarter_median_cpu_seconds": statistics.median(cpu),
        "phase_seconds_per_quarter": phases,
        "peak_rss_mb_after": peak_rss_mb(),
        "foreign_cpu_share": load.share,
    }
    del model
    gc.collect()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000, help="Boltzmann agents (default 1e6)")
    ap.add_argument("--quarters", type=int, default=8, help="timed quarters after the first")
    ap.add_argument("--boltzmann-steps", type=int, default=3, help="timed Boltzmann steps")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--match-n",
        action="store_true",
        help="aggregate households so our model holds about N household agents (N < region)",
    )
    args = ap.parse_args()
    logging.getLogger("MESA").setLevel(logging.WARNING)
    print_machine()

    overrides = [f"seed={args.seed}", "households_per_agent=1"]
    how = "full region at 1:1 (households_per_agent=1), N_ours = its household agents"
    if args.match_n:
        from sim.config import load_config
        from sim.region import build_region

        cfg = load_config(["progress=false"])
        total = float(build_region(cfg.region).districts["households"].sum())
        weight = max(1.0, total / args.n)
        overrides[1] = f"households_per_agent={weight:.6g}"
        how = f"full region, households_per_agent={weight:.4g} so N_ours is about N"

    print(f"\nour model: {how}; {args.quarters} quarters timed after the first")
    ours = time_our_quarters(overrides, args.quarters)
    c = ours["counts_at_start"]
    n_ours = c["household_agents"]
    print(
        f"  N_ours = {n_ours:,} household agents ({c['households_weighted']:,.0f} households), "
        f"{c['firms_alive']:,} firms, {c['institutions']} institutions"
    )
    print(f"  construction      {fmt_seconds(ours['build_seconds'])}")
    print(f"  first quarter     {fmt_seconds(ours['first_quarter_seconds'])}")
    print(
        f"  typical quarter   {fmt_seconds(ours['quarter_median_seconds'])} (median; "
        f"min {fmt_seconds(min(ours['quarter_seconds']))}, "
        f"max {fmt_seconds(max(ours['quarter_seconds']))})"
    )
    phases = ", ".join(f"{k} {v * 1000:.0f}" for k, v in ours["phase_seconds_per_quarter"].items())
    print(f"  per phase (ms)    {phases}")
    print(
        f"  other processes used {100 * ours['foreign_cpu_share']:.0f} % of the machine meanwhile"
    )

    print(f"\nMesa BoltzmannWealth (as shipped), N = {args.n:,}, 100 x 100 grid")
    bz = boltzmann(args.n, steps=args.boltzmann_steps)
    print(f"  construction      {fmt_seconds(bz['build_seconds'])}")
    print(
        f"  one step          {fmt_seconds(bz['step_median_seconds'])} (median of "
        f"{len(bz['step_seconds'])}: {', '.join(fmt_seconds(s) for s in bz['step_seconds'])})"
    )
    print(f"  other processes used {100 * bz['foreign_cpu_share']:.0f} % of the machine meanwhile")

    ratio = ours["quarter_median_seconds"] / bz["step_median_seconds"]
    per_agent = (ours["quarter_median_seconds"] / n_ours) / (bz["step_median_seconds"] / args.n)
    ok = ratio <= TARGET
    print(
        f"\nratio our quarter / Boltzmann step = {ratio:.4f} (target <= {TARGET}): "
        f"{'MET' if ok else 'NOT MET'}, margin x{TARGET / ratio:.1f}"
    )
    ratio_cpu = ours["quarter_median_cpu_seconds"] / bz["step_median_cpu_seconds"]
    print(f"same ratio in CPU time (less sensitive to other load): {ratio_cpu:.4f}")
    print(f"per household agent (N_ours vs N): {per_agent:.4f}")
    write_result(
        "vs_mesa",
        {
            "n_boltzmann": args.n,
            "n_ours_household_agents": n_ours,
            "how_n_was_matched": how,
            "ours": ours,
            "boltzmann": bz,
            "ratio_quarter_to_boltzmann_step": ratio,
            "ratio_cpu_time": ratio_cpu,
            "ratio_per_agent": per_agent,
            "target": f"ratio <= {TARGET}",
            "target_met": ok,
        },
    )


if __name__ == "__main__":
    main()
