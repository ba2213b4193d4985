"""Golden outputs: two short runs whose every table must stay identical through refactorings.

``.venv/bin/python tests/golden_cases.py`` regenerates the reference Parquet files in
``tests/golden/``. Do that only in a commit of its own that names the bug fix (or the intended
model change) that moves the outputs; a pure refactoring must leave them untouched
(``tests/test_golden.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
ALL_LEVERS = (
    "intervention=[innovation_transfer,succession_support,apprenticeship_offensive,"
    "rural_hubs,local_procurement]"
)
# name -> overrides. Small region with every lever on over two training years (two Q3 intakes),
# and the full region at a coarse weight for one year: every district, institution and coal site.
CASES: dict[str, tuple[str, ...]] = {
    "small_all_levers": (
        "region=small",
        "households_per_agent=20",
        "end=2026Q4",
        "progress=false",
        ALL_LEVERS,
    ),
    "full_coarse": ("households_per_agent=50", "end=2025Q4", "progress=false"),
    # the other scenario branches: coal exit three years early, the low population variant,
    # no funds and no energy transition (their switched-off paths)
    "small_early_exit_no_funds": (
        "region=small",
        "households_per_agent=20",
        "end=2026Q4",
        "progress=false",
        "scenario=early_exit",
        "scenario.demography.variant=official_low",
        "scenario.structural_funds.enabled=false",
        "scenario.energy_transition.enabled=false",
        "intervention=[rural_hubs,local_procurement]",
    ),
}


def run_case(name: str) -> dict[str, pd.DataFrame]:
    from sim.config import load_config
    from sim.model import RegionModel

    return RegionModel(load_config(list(CASES[name]))).run()


def reference_path(case: str, table: str) -> Path:
    return GOLDEN_DIR / f"{case}__{table}.parquet"


def write_references(cases: list[str] | None = None) -> list[Path]:
    GOLDEN_DIR.mkdir(exist_ok=True)
    written = []
    for case in cases or list(CASES):
        for table, frame in run_case(case).items():
            path = reference_path(case, table)
            frame.to_parquet(path, index=False)
            written.append(path)
    return written


if __name__ == "__main__":
    # python tests/golden_cases.py [CASE ...]: all cases, or only the ones named
    for p in write_references(sys.argv[1:] or None):
        print(p)
    sys.exit(0)
