"""Start the web UI: ``python -m sim.ui [--port 8765] [--host 127.0.0.1] [--results-dir results]``.

A thin wrapper around Solara's own server (``solara run sim.ui.app``): it serves on localhost
only unless ``--host`` says otherwise, never opens a browser or contacts the internet (no
version check, no telemetry; the page's JavaScript comes from the npm registry once, see
:mod:`sim.ui.assets`), and prints the address to open.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

APP = "sim.ui.app"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sim.ui",
        description="Watch a projection quarter by quarter and compare interventions of a sweep.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default: 8765)")
    parser.add_argument(
        "--results-dir",
        default="results",
        help="folder whose sweeps and reports the compare and study views list (default: results)",
    )
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error(f"--port must be between 1 and 65535, not {args.port}")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    results = Path(args.results_dir).resolve()
    os.environ["SIM_UI_RESULTS_DIR"] = str(results)
    # no internet: switch off Solara's usage statistics before its settings are read
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    from sim.ui.assets import AssetsError, install

    try:  # the page's JavaScript and CSS, from the npm registry, once per environment
        install()
    except AssetsError as exc:
        print(f"warning: {exc}; Solara will try its public CDN instead", file=sys.stderr)
    # plain http on 127.0.0.1 is the intended local use; Solara warns about it on every request
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    from solara.__main__ import run

    url = f"http://{args.host}:{args.port}"
    print(f"Handwerk UI: open {url} in a browser (results: {results}); Ctrl+C stops it.")
    sys.stdout.flush()
    solara_args = [
        APP,
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--no-open",
        "--no-check-version",
        "--production",
    ]
    run.main(args=solara_args, prog_name="python -m sim.ui", standalone_mode=True)


if __name__ == "__main__":
    main()
