"""The one validation report: base-year targets, pattern checks and the hindcast.

    python -m sim.validate                          # full region, writes results/validation/
    python -m sim.validate --out DIR region=small households_per_agent=50   # Hydra overrides
    python -m sim.validate --quick                  # small region, 50 households per agent,
                                                    # to 2026: a smoke test, not a validation

It runs what ``python -m sim.calibrate --validate`` runs (the same functions: base-year
targets, craft structure, population, ageing, labour, market and lever returns) and the
hindcast (``sim.validation.hindcast``: the model started from the end-2021 state, run to 2024
without refitting; its employment rows also conditional on the observed 2023-24 output,
``sim.validation.observed_output``), and writes one report to DIR: ``validation.md``
(grouped by topic, with a summary line), ``validation.csv`` (the same rows) and figures
(``model_vs_data.png``, ``hindcast_paths.png``). Each row says whether its figure was used to
fit (``fit``) or only to validate (``validate``). Exit 1 when a validate check fails, 2 on a
bad override or data error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
from hydra.errors import HydraException
from omegaconf.errors import OmegaConfBaseException

from sim import calibrate
from sim.config import ConfigError, load_config
from sim.datasets import DataError
from sim.interventions import lever_classes
from sim.model import RegionModel
from sim.store.runs import code_version
from sim.validation import hindcast, observed_output
from sim.validation.report import summary_line, write_report

QUICK = ["region=small", "households_per_agent=50", "end=2026Q4"]
HINDCAST_SEEDS = 5  # the hindcast's one-year changes move by 1-2 points between seeds
DEFAULT_OUT = Path("results") / "validation"

# topic of a pattern check, by words in its name (first match wins); the checks come from
# sim.calibrate's two functions, which return them in one table each
HINDCAST_TOPIC = "hindcast 2021-2024 (out of sample, except the fit rows)"
TOPICS = (
    ("lever", "lever returns"),
    ("price", "market and prices"),
    ("capacity", "market and prices"),
    ("backlog", "market and prices"),
    ("queue", "market and prices"),
    ("owners aged", "owners and succession"),
    ("persons per 1,000", "craft structure"),
    ("craft persons", "labour"),  # the employment paths (chamber, Handwerkszaehlung, fit)
    ("employ", "labour"),
    ("vacanc", "labour"),
    ("labour", "labour"),
    ("apprentic", "labour"),
)


def topic_of(check: str, default: str) -> str:
    name = check.lower()
    if name.split(":")[0] in lever_classes():  # "innovation_transfer: ..." (sim.lever_checks)
        return "lever returns"
    return next((topic for word, topic in TOPICS if word in name), default)


def base_year_rows(model: RegionModel) -> pd.DataFrame:
    """``sim.calibrate.base_year_targets`` as report rows: fitted by construction."""
    rows = []
    for t in calibrate.base_year_targets(model):
        rows.append(
            {
                "topic": "base year (initialisation)",
                "use": "fit",
                "check": f"{t.name} (relative error)",
                "district_id": t.district_id,
                "data": float(t.target),
                "model": float(t.model),
                "error": t.error,
                "tolerance": t.tolerance,
                "verdict": "PASS" if abs(t.error) <= t.tolerance else "FAIL",
                "source": t.source,
                "why_tolerance": "the initialisation places these stocks; 5 % (or half a "
                "firm per group) is rounding and sampling",
            }
        )
    return pd.DataFrame(rows)


def collect(cfg, hindcast_seeds: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All checks as one table, and the hindcast's paths per district (its first seed's); the
    hindcast's rows are the mean of ``hindcast_seeds`` runs."""
    model = RegionModel(cfg)
    base = base_year_rows(model)
    structure = calibrate.validation(model)
    structure["topic"] = [topic_of(c, "craft structure") for c in structure["check"]]
    labour = calibrate.population_and_labour_checks(model, cfg)
    labour["topic"] = [topic_of(c, "population and ageing") for c in labour["check"]]
    past, paths, own_groups = hindcast.checks_over_seeds(cfg, hindcast_seeds)
    # the same employment rows replayed on the observed 2023-24 output (the unconditional
    # rows above stay: this tests the labour side given demand, not the demand projection)
    past = pd.concat(
        [
            past,
            observed_output.conditional_checks_over_seeds(
                cfg, hindcast_seeds, own_groups=own_groups
            ),
        ],
        ignore_index=True,
    )
    past["topic"] = HINDCAST_TOPIC
    table = pd.concat([base, structure, labour, past], ignore_index=True)
    # topics in a fixed order: base year, then the patterns, the hindcast last
    order = list(dict.fromkeys([*table["topic"][table["topic"] != HINDCAST_TOPIC], HINDCAST_TOPIC]))
    table["topic"] = pd.Categorical(table["topic"], order)
    table = table.sort_values("topic", kind="stable").reset_index(drop=True)
    table["topic"] = table["topic"].astype(str)
    return table, paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.validate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="report folder")
    parser.add_argument(
        "--quick", action="store_true", help=f"smoke test: {' '.join(QUICK)} (overridable)"
    )
    parser.add_argument(
        "--hindcast-seeds",
        type=int,
        default=HINDCAST_SEEDS,
        help=f"runs the hindcast's rows average over (default {HINDCAST_SEEDS})",
    )
    parser.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. region=small")
    args = parser.parse_args(argv)
    if args.hindcast_seeds < 1:
        parser.error(f"--hindcast-seeds must be 1 or more, got {args.hindcast_seeds}")
    overrides = [*(QUICK if args.quick else []), *args.overrides, "progress=false"]
    try:
        cfg = load_config(overrides)
        table, paths = collect(cfg, args.hindcast_seeds)
    except (ConfigError, DataError, HydraException, OmegaConfBaseException) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    header = (
        f"Region {cfg.region.name}, {cfg.households_per_agent:g} households per agent, "
        f"seed {cfg.seed}, scenario {cfg.scenario.name}; patterns from {cfg.start} to "
        f"{min(cfg.end, '2040Q4')}; hindcast {hindcast.START}-{hindcast.END} from the "
        f"end-{hindcast.START_YEAR} state (sim/validation/hindcast.py; the employment rows "
        "also conditional on the observed 2023-24 output, sim/validation/observed_output.py), "
        f"its rows the mean of {args.hindcast_seeds} seed(s) from seed {cfg.seed} (their "
        "spread: model_sd)."
        + (" QUICK MODE: a smoke test, not a validation." if args.quick else "")
    )
    # the annex quotes the commit behind every number, the validation report's included
    code = code_version()
    header += f" Code {code['git_commit'][:12]}" + (
        " (with uncommitted changes)." if code["git_dirty"] else "."
    )
    files = write_report(args.out, table, paths, header)
    failed = table[(table["use"] == "validate") & (table["verdict"] == "FAIL")]
    print(summary_line(table))
    print("report: " + ", ".join(str(f) for f in files))
    if len(failed):
        print(f"{len(failed)} validate check(s) failed:", file=sys.stderr)
        for r in failed.itertuples():
            print(f"  FAIL {r.check} [{r.district_id}]: data {r.data:.4g}, model {r.model:.4g}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
