"""Command line for the GIS export of a sweep (``sim.analysis.gis``).

::

    python -m sim.gis_export results/policy_comparison --out results/policy_comparison/_gis

Writes one folder per arm (``<scenario>__<intervention>``) with ``districts_<year>.geojson``
(polygons) and ``places_<year>.geojson`` (points), plus a README of the columns and units, to
``SWEEP_DIR/_report/gis`` (or ``--out``); exit status 2 with an ``error: ...`` line when the
folder cannot be read or written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.analysis.gis import export_sweep
from sim.store import ResultsError, check_sweep_dir, check_writable


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 done, 2 error)."""
    parser = argparse.ArgumentParser(
        prog="python -m sim.gis_export",
        description="District and place results per year and arm as GeoJSON (for QGIS).",
    )
    parser.add_argument("sweep_dir", help="sweep folder, e.g. results/policy_comparison")
    parser.add_argument("--out", help="output folder (default SWEEP_DIR/_report/gis)")
    args = parser.parse_args(argv)
    out = Path(args.out) if args.out else Path(args.sweep_dir) / "_report" / "gis"
    try:
        check_sweep_dir(args.sweep_dir)
        check_writable(out, min_free=0, create=False, what="output")
        written = export_sweep(args.sweep_dir, out)
    except ResultsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the disk, not the export: a message, not a traceback
        print(f"error: cannot write to {out}: {exc.strerror or exc}; choose --out", file=sys.stderr)
        return 2
    print(f"wrote {len(written)} files to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
