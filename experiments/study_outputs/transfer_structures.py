"""Output 4, transfer structures: interventions ranked per district (jobs and firms kept, cost
per job and per EUR of value added, 95 % CIs from paired seeds), taken from the sweep's paired
comparison; and each arm's discounted return per EUR of support (cost per job-year and per EUR of
real value added, EUR of real turnover and value added per EUR) next to the evaluation figures
its effect rests on and is validated against (``sim/data/lever_evidence.csv``). One bar figure
of jobs kept. Needs a comparison."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.study_outputs.common import Figures, StudyOutput, Sweep, Tables
from sim.analysis import figures as fig
from sim.analysis.comparison import Comparison
from sim.interventions.evidence import load_lever_evidence


def transfer_structures(comparison: Comparison) -> pd.DataFrame:
    return comparison.ranking.assign(
        baseline=comparison.baseline_label,
        seeds=comparison.meta["seeds"],
        code_version=comparison.meta["code_version"],
    )


def _figure(row: pd.Series) -> str:
    return (
        f"{row['programme']}: {row['measure']} = {row['value']:g} {row['unit']} "
        f"[{row['tag']}] ({row['source_id']})"
    )


def evidence_by_lever() -> pd.DataFrame:
    """Per lever: the figures its effect rests on (``fit``) and the range it is checked against
    (``validate``), as text columns, and the validation range."""
    ev = load_lever_evidence()
    rows = []
    for lever, e in ev[ev["lever"] != "all"].groupby("lever"):
        fit = e[e["use"] == "fit"]
        val = e[e["use"] == "validate"]
        rows.append(
            {
                "intervention": lever,
                "effect_rests_on": "; ".join(_figure(r) for _, r in fit.iterrows()),
                "validated_against": "; ".join(_figure(r) for _, r in val.iterrows()),
                "validation_low": float(val["low"].iloc[0]) if len(val) else float("nan"),
                "validation_high": float(val["high"].iloc[0]) if len(val) else float("nan"),
                "validation_unit": val["unit"].iloc[0] if len(val) else "",
            }
        )
    return pd.DataFrame(rows)


def lever_returns(comparison: Comparison) -> pd.DataFrame:
    """The comparison's discounted returns with the evidence beside each single lever."""
    returns = comparison.returns
    if returns.empty:
        return returns
    out = returns.merge(evidence_by_lever(), on="intervention", how="left")
    return out.assign(
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


def compute(s: Sweep, c: Comparison | None) -> tuple[pd.DataFrame, ...]:
    """The ranking, and the returns where the comparison is one of interventions."""
    assert c is not None  # the registry skips this output without a comparison
    returns = lever_returns(c)
    return (transfer_structures(c),) if returns.empty else (transfer_structures(c), returns)


OUTPUT = StudyOutput(
    tables=("04_transfer_structures", "04_lever_returns"),
    compute=compute,
    draw=draw_transfer_structures,
    figures=("04_transfer_structures.png",),
    needs_comparison=True,
)
