"""Analysis of a sweep's finished runs: statistics, pairing, comparison tables, reports, figures.

One idea a module:

- ``statistics``  t-, Welch and Fieller intervals, means over seeds, seed labels (numbers only)
- ``pairing``     the one pairing of an arm's run with the baseline run of the same seed and
                  context, and paired differences with their interval
- ``loading``     a sweep's tables as the analysis reads them, complete years, code version
- ``tables``      the tables of a paired comparison (headline, over time, by district, ranking,
                  places)
- ``comparison``  :class:`Comparison` and :func:`paired_comparison`, the public entry point
- ``reports``     CSV, XLSX (unit headers) and summary.md writers, all atomic
- ``figures``     PNG figures (matplotlib, imported only where figures are drawn)

Used by ``python -m sim.compare`` (the command line), ``experiments/`` (the study outputs) and
the Solara compare view.
"""

from sim.analysis.comparison import Comparison, paired_comparison
from sim.analysis.pairing import PAIR_KEYS, pair_rows, paired_differences, run_pairs
from sim.analysis.statistics import (
    LEVEL,
    describe_seeds,
    ratio_interval,
    seed_means,
    t_interval,
    welch_interval,
)

__all__ = [
    "LEVEL",
    "PAIR_KEYS",
    "Comparison",
    "describe_seeds",
    "pair_rows",
    "paired_comparison",
    "paired_differences",
    "ratio_interval",
    "run_pairs",
    "seed_means",
    "t_interval",
    "welch_interval",
]
