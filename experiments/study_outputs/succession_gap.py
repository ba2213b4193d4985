"""Output 5, succession gap: owners retiring, successions by route and closures for lack of a
successor per district (and ``all``) and year; one figure of those closures over the years."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.study_outputs.common import RUN, Figures, StudyOutput, Sweep, Tables, yearly
from sim.analysis import figures as fig
from sim.analysis.comparison import Comparison
from sim.analysis.statistics import seed_means
from sim.vocabulary import SUCCESSION_EVENTS


def succession_gap(s: Sweep) -> pd.DataFrame:
    flows = [*SUCCESSION_EVENTS, "closures_no_successor"]
    per_run = yearly(s.groups, ["district_id"], ["firms"], flows)
    region = per_run.groupby(["run_id", *RUN, "seed", "year"])[["firms", *flows]].sum()
    per_run = pd.concat([per_run, region.reset_index().assign(district_id="all")])
    # every owner reaching retirement age either hands over or closes for lack of a successor
    per_run["owners_retiring"] = (
        per_run[list(SUCCESSION_EVENTS)].sum(axis=1) + per_run["closures_no_successor"]
    )
    per_run["succession_gap_pct"] = (
        100 * per_run["closures_no_successor"] / per_run["owners_retiring"].replace(0, np.nan)
    )
    metrics = ["owners_retiring", *flows, "succession_gap_pct", "firms"]
    return s.stamped(seed_means(per_run, [*RUN, "district_id", "year"], metrics))


def draw_succession_gap(s: Sweep, t: Tables, c: Comparison | None, out: Path) -> Figures:
    """Closures for lack of a successor per district over the years, one line per scenario."""
    ref = s.reference_intervention()
    table = t["05_succession_gap"]
    part = table[(table["intervention"] == ref) & (table["district_id"] != "all")]
    name = "05_succession_gap"
    path = fig.lines_by_panel(
        part,
        "district_id",
        "scenario",
        "year",
        "closures_no_successor",
        "closures for lack of a successor [firms/year]",
        f"Succession gap by district ({ref})",
        s.caption,
        out / f"{name}.png",
        band=("closures_no_successor_ci_low", "closures_no_successor_ci_high"),
    )
    return {name: path}


OUTPUT = StudyOutput(
    tables=("05_succession_gap",),
    compute=lambda s, c: (succession_gap(s),),
    draw=draw_succession_gap,
    figures=("05_succession_gap.png",),
)
