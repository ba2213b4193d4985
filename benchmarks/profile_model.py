"""Profile one model run: where the time of a quarter goes, by phase and by function.

    .venv/bin/python benchmarks/profile_model.py                      # full region 1:1
    .venv/bin/python benchmarks/profile_model.py region=small end=2030Q4
    .venv/bin/python benchmarks/profile_model.py --cprofile           # no pyinstrument needed

Uses pyinstrument (sampling, low overhead: ``pip install pyinstrument``) when it is installed,
else cProfile (deterministic; it inflates code with many small Python calls). Prints the phase
table of ``model.phase_seconds`` and the call tree (pyinstrument) or the top functions by own
time (cProfile), and writes the report to ``benchmarks/results/profile.txt``.
"""

from __future__ import annotations

import argparse
import io
import logging
import time

from _common import RESULTS_DIR, print_machine


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--cprofile", action="store_true", help="use cProfile even if pyinstrument")
    ap.add_argument("--top", type=int, default=30, help="functions listed (cProfile)")
    ap.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. region=small")
    args = ap.parse_args()
    logging.getLogger("MESA").setLevel(logging.WARNING)
    print_machine()

    from sim.config import load_config
    from sim.model import RegionModel

    cfg = load_config(["progress=false", *args.overrides])
    profiler = None
    if not args.cprofile:
        try:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.002)
        except ImportError:
            print("pyinstrument not installed: using cProfile")
    if profiler is None:
        import cProfile

        profiler = cProfile.Profile()
        start, stop = profiler.enable, profiler.disable
    else:
        start, stop = profiler.start, profiler.stop

    start()
    clock = time.perf_counter()
    model = RegionModel(cfg)
    build = time.perf_counter() - clock
    model.run()
    wall = time.perf_counter() - clock
    stop()

    out = io.StringIO()
    q = model.n_quarters
    out.write(f"overrides: {args.overrides}\n")
    out.write(f"construction {build:.2f} s, run incl. construction {wall:.2f} s (profiled)\n")
    out.write(f"{'phase':<13} {'seconds':>8} {'share':>7} {'ms/quarter':>11}\n")
    total = sum(model.phase_seconds.values())
    for k, v in sorted(model.phase_seconds.items(), key=lambda kv: -kv[1]):
        out.write(f"{k:<13} {v:8.2f} {100 * v / total:6.1f}% {1000 * v / q:11.1f}\n")
    out.write("\n")
    if hasattr(profiler, "output_text"):
        out.write(profiler.output_text(unicode=False, color=False))
    else:
        import pstats

        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(args.top)
    text = out.getvalue()
    print(text)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "profile.txt").write_text(text)
    print(f"written: {RESULTS_DIR / 'profile.txt'}")


if __name__ == "__main__":
    main()
