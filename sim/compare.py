"""Command line for the paired comparison of sweep arms (interventions or scenarios).

::

    python -m sim.compare results/policy_comparison --baseline intervention=none [--out DIR]
    python -m sim.compare results/coal_exit_variants --baseline scenario=no_coal_exit

Writes the comparison's CSVs, ``comparison.xlsx``, PNG figures and ``summary.md`` to
``SWEEP_DIR/_report/comparison`` (or ``--out``) and prints the summary; exit status 2 with an
``error: ...`` line when the folder cannot be compared. The method, the tables and the Python API
are in ``sim.analysis`` (``sim/analysis/comparison.py``); ``paired_comparison`` and
``Comparison`` are re-exported here for older callers.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.analysis.bands import write_bands
from sim.analysis.comparison import Comparison, paired_comparison
from sim.analysis.pairing import PAIR_KEYS
from sim.store import ResultsError, check_sweep_dir, check_writable

__all__ = ["Comparison", "main", "paired_comparison", "parse_baseline"]


def parse_baseline(text: str) -> dict[str, str]:
    """``--baseline`` text ``key=value`` -> ``{key: value}``; ResultsError if malformed."""
    key, sep, value = text.partition("=")
    if not sep or key not in PAIR_KEYS or not value:
        raise ResultsError(
            f"--baseline must be key=value with key one of {', '.join(PAIR_KEYS)} "
            f"(e.g. intervention=none); got {text!r}"
        )
    return {key: value}


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 done, 2 the folder cannot be compared)."""
    parser = argparse.ArgumentParser(
        prog="python -m sim.compare",
        description="Paired comparison of a sweep's arms against a baseline, by seed.",
    )
    parser.add_argument("sweep_dir", help="sweep folder, e.g. results/policy_comparison")
    parser.add_argument(
        "--baseline",
        default="intervention=none",
        help="reference arm as key=value, key intervention or scenario (default intervention=none)",
    )
    parser.add_argument("--out", help="output folder (default SWEEP_DIR/_report/comparison)")
    parser.add_argument(
        "--metric",
        action="append",
        help="keep only this metric in the tables (repeatable), e.g. employees",
    )
    parser.add_argument("--no-figures", action="store_true", help="tables and summary only")
    parser.add_argument(
        "--bands",
        action="store_true",
        help="also the projection range over each arm's runs (5-95 %%, median): bands.csv/.png",
    )
    parser.add_argument(
        "--gis",
        action="store_true",
        help="also the GIS export (GeoJSON per arm and year) to OUT/gis",
    )
    args = parser.parse_args(argv)
    out = Path(args.out) if args.out else Path(args.sweep_dir) / "_report" / "comparison"
    try:
        baseline = parse_baseline(args.baseline)
        check_sweep_dir(args.sweep_dir)
        # before the comparison is computed: a folder it cannot write to costs no time
        check_writable(out, min_free=0, create=False, what="output")
        comparison = paired_comparison(args.sweep_dir, baseline, metrics=args.metric)
        written = comparison.write(out, figures=not args.no_figures)
        if args.bands:
            written.update(write_bands(args.sweep_dir, out, figures=not args.no_figures))
        if args.gis:
            from sim.analysis.gis import export_sweep

            written.update(export_sweep(args.sweep_dir, out / "gis"))
    except ResultsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the disk, not the comparison: a message, not a traceback
        print(
            f"error: cannot write the comparison to {out}: {exc.strerror or exc} "
            f"({type(exc).__name__}); choose another folder with --out",
            file=sys.stderr,
        )
        return 2
    print(comparison.summary_markdown())
    print(f"wrote {len(written)} files to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
