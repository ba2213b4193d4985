"""Re-fit ``model.firm.pool_inflow_shortfall_per_year`` (docs/ODD.md §7.7; ``sim.labour_checks``).

Runs the full region 1:1 over its first year (2025Q1 -> 2026Q1) for each candidate shortfall
and seeds 0-2 and prints the mean first-year change of craft persons in the Sachsen-Anhalt and
Sachsen districts against the Handwerkszaehlung's 2021 -> 2022 change. About 20 s a run:

    python scripts/fit_labour_pool.py 0 0.002 0.005
"""

from __future__ import annotations

import argparse

import numpy as np

from sim.config import load_config
from sim.labour_checks import first_year_persons_check
from sim.model import RegionModel


def first_year(shortfall: float, seed: int) -> tuple[float, float]:
    """(model, data) first-year change (%) for one run."""
    cfg = load_config(
        [
            "progress=false",
            "end=2026Q1",
            f"seed={seed}",
            f"model.firm.pool_inflow_shortfall_per_year={shortfall}",
        ]
    )
    (check,) = first_year_persons_check(RegionModel(cfg).run()["groups"])
    return check.model, check.data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shortfalls", nargs="+", type=float)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    for shortfall in args.shortfalls:
        runs = [first_year(shortfall, seed) for seed in range(args.seeds)]
        model = np.array([m for m, _ in runs])
        print(
            f"shortfall {shortfall:.4f}: first year {np.round(model, 3).tolist()} "
            f"mean {model.mean():.3f} (data {runs[0][1]:.3f})",
            flush=True,
        )


if __name__ == "__main__":
    main()
