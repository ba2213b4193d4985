"""Output 4, transfer structures: interventions ranked per district (jobs and firms kept, cost
per job and per EUR of value added, 95 % CIs from paired seeds), taken from the sweep's paired
comparison; one bar figure of jobs kept. Needs a comparison."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.study_outputs.common import Figures, StudyOutput, Sweep, Tables
from sim.analysis import figures as fig
from sim.analysis.comparison import Comparison


def transfer_structures(comparison: Comparison) -> pd.DataFrame:
    return comparison.ranking.assign(
        baseline=comparison.baseline_label,
        seeds=comparison.meta["seeds"],
        code_version=comparison.meta["code_version"],
    )


def draw_transfer_structures(s: Sweep, t: Tables, c: Comparison | None, out: Path) -> Figures:
    """Jobs kept per district and arm, with the paired 95 % interval."""
    assert c is not None  # the registry skips this output without a comparison
    table = t["04_transfer_structures"]
    part = table[table["district_id"] != "all"]
    part = part.assign(arm=c.arm_labels(part))
    name = "04_transfer_structures"
    path = fig.bars(
        part,
        "district_id",
        "arm",
        "employees_kept",
        f"craft jobs kept at {c.meta['end']} vs {c.baseline_label}",
        "Transfer structures: jobs kept per district (95 % CI, paired seeds)",
        s.caption,
        out / f"{name}.png",
        err=("employees_kept_ci_low", "employees_kept_ci_high"),
    )
    return {name: path}


OUTPUT = StudyOutput(
    tables=("04_transfer_structures",),
    compute=lambda s, c: (transfer_structures(c),),
    draw=draw_transfer_structures,
    figures=("04_transfer_structures.png",),
    needs_comparison=True,
)
