"""One model run in a fresh process, for the benchmark scripts (not meant to be run by hand).

    python benchmarks/_worker.py --out report.json [hydra overrides ...]

Builds ``RegionModel`` from ``load_config(overrides)``, runs it to the configured end and writes
a JSON report: build and run seconds, seconds per quarter and per phase, agent counts, peak RSS
and the headline metrics of the last simulated year.
"""

from __future__ import annotations

import argparse
import json
import logging
import time

from _common import peak_rss_mb

HEADLINE = (
    "value_added_eur",  # sum over the last year's quarters
    "rural_value_added_eur",
    "unmet_demand_eur",
    "demand_eur",
    "employees",  # at the last quarter
    "firms",
    "population",
)


def headline_metrics(tables: dict) -> dict:
    """Headline figures of the last simulated year (flows summed, stocks at its last quarter)."""
    g = tables["groups"]
    year = int(g["year"].max())
    in_year = g[g["year"] == year]
    last = g[g["quarter"] == g["quarter"].iloc[-1]]
    out = {
        "year": year,
        "value_added_eur": float(in_year["value_added_eur"].sum()),
        "rural_value_added_eur": float(
            in_year.loc[in_year["settlement_type"] == "rural", "value_added_eur"].sum()
        ),
        "unmet_demand_eur": float(in_year["unmet_demand_eur"].sum()),
        "demand_eur": float(in_year["demand_eur"].sum()),
        "employees": float(last["employees"].sum()),
        "firms": float(last["firms"].sum()),
    }
    d = tables.get("districts")
    if d is not None and "population" in d:
        out["population"] = float(d.loc[d["quarter"] == d["quarter"].iloc[-1], "population"].sum())
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("overrides", nargs="*")
    args = ap.parse_args()

    logging.getLogger("MESA").setLevel(logging.WARNING)
    clock = time.perf_counter()
    from sim.config import load_config
    from sim.model import RegionModel

    overrides = ["progress=false", *args.overrides]
    cfg = load_config(overrides)
    import_seconds = time.perf_counter() - clock

    clock = time.perf_counter()
    model = RegionModel(cfg)
    build_seconds = time.perf_counter() - clock
    rss_after_build = peak_rss_mb()
    hh = model.households.table
    start = {
        "household_agents": len(hh),
        "households_weighted": float(hh.weight.sum()),
        "firms_alive": int(model.firms.table.alive.sum()),
        "mesa_agents": len(model.agents),  # firms and institutions
    }

    step_seconds: list[float] = []
    agent_quarters = 0
    last = time.perf_counter()

    def progress(m) -> None:
        nonlocal last, agent_quarters
        now = time.perf_counter()
        step_seconds.append(now - last)
        agent_quarters += len(m.households.table) + len(m.agents)
        last = time.perf_counter()

    clock = time.perf_counter()
    last = clock
    tables = model.run(progress)
    run_seconds = time.perf_counter() - clock

    report = {
        "overrides": overrides,
        "households_per_agent": float(cfg.households_per_agent),
        "seed": int(cfg.seed),
        "quarters": len(step_seconds),
        "import_and_config_seconds": import_seconds,
        "build_seconds": build_seconds,
        "run_seconds": run_seconds,  # all quarters + result tables
        "model_seconds": build_seconds + run_seconds,
        "step_seconds": step_seconds,
        "phase_seconds": dict(model.phase_seconds),
        "agent_quarters": agent_quarters,
        "start": start,
        "end": {
            "household_agents": len(model.households.table),
            "firms_alive": int(model.firms.table.alive.sum()),
            "mesa_agents": len(model.agents),
        },
        "peak_rss_after_build_mb": rss_after_build,
        "peak_rss_mb": peak_rss_mb(),
        "headline": headline_metrics(tables),
    }
    with open(args.out, "w") as fh:
        json.dump(report, fh)


if __name__ == "__main__":
    main()
