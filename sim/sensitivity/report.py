"""The sensitivity report: one figure per output and a short Markdown summary."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.sensitivity.design import Design
from sim.sensitivity.figures import mu_star_sigma, sobol_bars
from sim.sensitivity.outputs import HEADLINES

SHOWN = 5  # inputs per output in the summary


def _title(output: str) -> str:
    base, _, lever = output.partition("__")
    text = HEADLINES.get(base, base)
    return f"{text}, effect of {lever.replace('_vs_none', '')} vs none" if lever else text


def _table(frame: pd.DataFrame, columns: list[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in frame[columns].itertuples(index=False):
        cells = [f"{v:.3g}" if isinstance(v, float) else f"`{v}`" for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_report(
    folder: Path,
    stage: str,
    design: Design,
    indices: pd.DataFrame,
    y: pd.DataFrame,
    runs: pd.DataFrame,
    overrides: list[str],
) -> dict[str, Path]:
    """Figures ``<stage>_<output>.png`` and ``summary_<stage>.md``; returns what it wrote."""
    written: dict[str, Path] = {}
    for output in indices["output"].unique():
        path = folder / f"{stage}_{output}.png"
        draw = mu_star_sigma if stage == "morris" else sobol_bars
        written[path.stem] = draw(indices, output, _title(output), path)
    score = "mu_star" if stage == "morris" else "ST"
    extra = ["mu_star_norm", "sigma"] if stage == "morris" else ["S1", "ST_conf"]
    years = sorted(runs["year"].dropna().astype(int).unique()) if "year" in runs else []
    last = years[-1] if years else "?"
    lines = [
        f"# Sensitivity analysis: {stage} stage",
        "",
        f"{len(design.inputs)} inputs (ranges: docs/parameter_ranges.csv), "
        f"{len(design.samples)} design rows"
        + (
            f" ({len(design.samples) // (len(design.inputs) + 1)} trajectories, "
            f"{design.levels} levels)"
            if stage == "morris"
            else ""
        )
        + f"; {len(runs)} finished runs in the sweep folder; last year {last}; "
        f"overrides: `{' '.join(overrides) or 'none'}`. Settings of the runs are those of "
        f"`python -m experiments.sensitivity` (region=small, households_per_agent=50 unless "
        f"overridden): a screening of the model's sensitivities, not a projection range.",
        "",
    ]
    if stage == "morris":
        rank = indices.groupby("key")["mu_star_norm"].max().sort_values(ascending=False)
        lines += ["## Most influential inputs (largest mu* / sd of the output over outputs)", ""]
        lines += [f"{i}. `{k}` ({v:.3g})" for i, (k, v) in enumerate(rank.head(10).items(), 1)]
        lines.append("")
    for output in indices["output"].unique():
        part = indices[indices["output"] == output].sort_values(score, ascending=False)
        spread = y[output].describe() if output in y else None
        lines += [f"## {_title(output)}", ""]
        if spread is not None:
            lines += [
                f"Over the design: mean {spread['mean']:.4g}, sd {spread['std']:.3g}, "
                f"min {spread['min']:.4g}, max {spread['max']:.4g}.",
                "",
            ]
        lines += [_table(part.head(SHOWN), ["key", score, *extra]), ""]
        lines += [f"![{output}]({stage}_{output}.png)", ""]
    path = folder / f"summary_{stage}.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    written[path.stem] = path
    return written
