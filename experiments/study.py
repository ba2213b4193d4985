"""The six study outputs of docs/MISSION ("What the study needs from us") from one sweep folder.

Each table is a tidy CSV (and a sheet of ``study_outputs.xlsx``), each row stamped with
scenario, intervention, the seeds averaged over and the code version (git commit). Levels are
means over seeds with a 95 % t-interval over seeds; differences between arms come from the paired
comparison (``sim.analysis``), which pairs runs by seed.

1. ``01_development_paths``     firms, employees, apprentices, turnover, value added per district,
                                settlement type and year
2. ``02_rural_value_creation``  rural value added per district, share of the district's crafts,
                                change against the base year (2025)
3. ``03_demand_focal_points``   places ranked by unmet demand per year (map); unmet demand per
                                trade group ranked by district and settlement type
4. ``04_transfer_structures``   interventions ranked per district: jobs and firms kept, cost per
                                job and per EUR of value added, 95 % CIs from paired seeds
5. ``05_succession_gap``        owners retiring, successions by route, closures for lack of a
                                successor per district and year
6. ``06_coal_exposure``         coal jobs, craft demand, value added and jobs per district against
                                the counterfactual without coal exit; how much the crafts absorb

Each output lives in its own module of ``experiments/study_outputs/`` (its compute and draw
functions and its ``StudyOutput``) and is registered once, in ``STUDY_OUTPUTS`` below: the tables
it computes (one CSV and one workbook sheet each) and the figures it draws from them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.study_outputs.coal_exposure import COAL_JOBS, coal_exposure, draw_coal_exposure
from experiments.study_outputs.coal_exposure import OUTPUT as COAL_EXPOSURE
from experiments.study_outputs.common import (
    MILESTONE_STEP,
    RUN,
    Figures,
    StudyOutput,
    Sweep,
    Tables,
    milestone_years,
    yearly,
)
from experiments.study_outputs.demand_focal_points import OUTPUT as DEMAND_FOCAL_POINTS
from experiments.study_outputs.demand_focal_points import (
    demand_focal_points,
    draw_demand_focal_points,
)
from experiments.study_outputs.development_paths import OUTPUT as DEVELOPMENT_PATHS
from experiments.study_outputs.development_paths import development_paths, draw_development_paths
from experiments.study_outputs.rural_value_creation import OUTPUT as RURAL_VALUE_CREATION
from experiments.study_outputs.rural_value_creation import (
    draw_rural_value_creation,
    rural_value_creation,
)
from experiments.study_outputs.succession_gap import OUTPUT as SUCCESSION_GAP
from experiments.study_outputs.succession_gap import draw_succession_gap, succession_gap
from experiments.study_outputs.transfer_structures import OUTPUT as TRANSFER_STRUCTURES
from experiments.study_outputs.transfer_structures import (
    draw_transfer_structures,
    transfer_structures,
)
from sim.analysis.comparison import Comparison
from sim.analysis.reports import with_unit_headers, write_csv, write_xlsx

__all__ = [
    "COAL_JOBS",
    "MILESTONE_STEP",
    "OUTPUTS",
    "RUN",
    "STUDY_OUTPUTS",
    "Figures",
    "StudyOutput",
    "Sweep",
    "Tables",
    "coal_exposure",
    "demand_focal_points",
    "development_paths",
    "draw_coal_exposure",
    "draw_demand_focal_points",
    "draw_development_paths",
    "draw_rural_value_creation",
    "draw_succession_gap",
    "draw_transfer_structures",
    "milestone_years",
    "rural_value_creation",
    "succession_gap",
    "transfer_structures",
    "write_outputs",
    "yearly",
]

# in the order the tables are written and appear in the workbook, whatever order is asked for
STUDY_OUTPUTS: dict[str, StudyOutput] = {
    "development_paths": DEVELOPMENT_PATHS,
    "rural_value_creation": RURAL_VALUE_CREATION,
    "demand_focal_points": DEMAND_FOCAL_POINTS,
    "transfer_structures": TRANSFER_STRUCTURES,
    "succession_gap": SUCCESSION_GAP,
    "coal_exposure": COAL_EXPOSURE,
}
OUTPUTS = tuple(STUDY_OUTPUTS)


def write_outputs(
    sweep_dir: Path | str,
    out_dir: Path | str,
    outputs: tuple[str, ...] = OUTPUTS,
    comparison: Comparison | None = None,
    figures: bool = True,
) -> dict[str, Path]:
    """Compute the requested study outputs and write CSVs, ``study_outputs.xlsx`` and PNGs.

    Args:
        sweep_dir: The sweep folder.
        out_dir: Folder to write to (made if missing).
        outputs: Names of ``STUDY_OUTPUTS`` to make.
        comparison: The sweep's paired comparison; outputs that need one are skipped without.
        figures: Whether to draw the PNGs.

    Returns:
        File key -> path: figure stems, ``<table>_csv`` and ``xlsx``.

    Raises:
        ValueError: An output name is not in ``STUDY_OUTPUTS``.
    """
    unknown = [name for name in outputs if name not in STUDY_OUTPUTS]
    if unknown:
        raise ValueError(f"unknown study output(s) {unknown}; allowed: {', '.join(OUTPUTS)}")
    s = Sweep(sweep_dir)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables: Tables = {}
    written: dict[str, Path] = {}
    for name, output in STUDY_OUTPUTS.items():
        if name not in outputs or (output.needs_comparison and comparison is None):
            continue
        computed = output.compute(s, comparison)
        tables.update(zip(output.tables, computed, strict=False))
        if figures:
            written.update(output.draw(s, tables, comparison, out))
    for name, df in tables.items():
        written[f"{name}_csv"] = write_csv(df, out / f"{name}.csv")
    about = pd.DataFrame(
        {
            "item": ["sweep", "runs", "code_version", "base_year", "last_year", "tables"],
            "value": [
                str(s.sweep_dir),
                str(len(s.runs)),
                s.code_version,
                str(s.base_year),
                str(s.last_year),
                ", ".join(tables),
            ],
        }
    )
    sheets = {"about": about}
    for name, df in tables.items():
        # Excel allows 31 characters a sheet name
        sheets[name.replace("demand_focal_points", "focal")] = with_unit_headers(df)
    written["xlsx"] = write_xlsx(sheets, out / "study_outputs.xlsx")
    return written
