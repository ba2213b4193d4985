"""``python -m sim.store SWEEP_DIR``: rebuild a sweep folder's index and print its status."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from sim.store.runs import ResultsError
from sim.store.sweeps import STATUSES, build_index, check_sweep_dir, write_index


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.store SWEEP_DIR``: rebuild the index and print the runs' status."""
    parser = argparse.ArgumentParser(
        prog="python -m sim.store", description="Status of a sweep folder (rebuilds its index)."
    )
    parser.add_argument("sweep_dir", help="e.g. results/policy_comparison")
    args = parser.parse_args(argv)
    try:
        sweep_dir = check_sweep_dir(args.sweep_dir)
        try:
            path = write_index(sweep_dir)
            index = pd.read_parquet(path)
        except OSError as exc:  # a read-only folder: the status is still known, only not kept
            index = build_index(sweep_dir)
            path = f"not written ({exc.strerror or exc}: {exc.filename or sweep_dir})"
    except ResultsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    counts = index["status"].value_counts()
    print(f"{sweep_dir}: " + ", ".join(f"{counts.get(s, 0)} {s}" for s in STATUSES))
    for _, row in index[index["status"] != "complete"].iterrows():
        print(f"  {row['status']}: {row['run_id']}: {row['error']}")
    print(f"index: {path}")
    return 1 if len(counts.drop("complete", errors="ignore")) else 0


if __name__ == "__main__":
    raise SystemExit(main())
