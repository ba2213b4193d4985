"""The validation report's files: ``validation.md``, ``validation.csv`` and figures (PNG).

One row per check: topic, use (fit = the model reproduces it by construction or a parameter was
fitted to it; validate = used in no fit), check, area, data, model, error, tolerance, verdict,
source, why_tolerance. Every file is written atomically (``sim.atomic``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.atomic import write_text, write_with
from sim.validation.observed_output import LABEL as CONDITIONAL_LABEL

COLUMNS = [
    "topic",
    "use",
    "check",
    "district_id",
    "data",
    "model",
    "model_sd",
    "error",
    "tolerance",
    "verdict",
    "source",
    "why_tolerance",
]
FILES = ("validation.md", "validation.csv", "model_vs_data.png", "hindcast_paths.png")


def summary_line(table: pd.DataFrame) -> str:
    ok = int((table["verdict"] == "PASS").sum())
    v = table[table["use"] == "validate"]
    v_ok = int((v["verdict"] == "PASS").sum())
    line = (
        f"{ok} of {len(table)} pass ({v_ok} of {len(v)} validate checks, "
        f"{ok - v_ok} of {len(table) - len(v)} fit checks)"
    )
    # the conditional hindcast's rows compare figures that other rows compare too
    repeat = v[v["check"].str.contains(CONDITIONAL_LABEL, regex=False)]
    if len(repeat):
        n_ok = int((repeat["verdict"] == "PASS").sum())
        line += (
            f"; {len(repeat)} of the validate checks repeat hindcast figures conditional on "
            f"the observed output ({n_ok} pass)"
        )
    return line


def _cell(x) -> str:
    if isinstance(x, float | np.floating):
        return f"{x:,.4g}" if np.isfinite(x) else "n/a"
    return str(x).replace("|", "/").replace("\n", " ")


def markdown(table: pd.DataFrame, header: str) -> str:
    lines = [
        "# Validation report",
        "",
        header,
        "",
        f"**{summary_line(table)}**",
        "",
        "Use: *fit* = the initialisation reproduces the figure by construction or a parameter "
        "was fitted to it (a check of the wiring, not of the model); *validate* = the figure "
        "was used in no fit. Tolerances are absolute, in the check's unit (the base-year "
        "targets: relative error). Figures: `model_vs_data.png`, `hindcast_paths.png`; all "
        "rows in `validation.csv`.",
    ]
    cols = ["use", "check", "district_id", "data", "model", "model_sd", "tolerance", "verdict"]
    cols.append("source")
    for topic, rows in table.groupby("topic", sort=False):
        lines += ["", f"## {topic}", "", f"{summary_line(rows)}", ""]
        lines.append("| " + " | ".join(cols) + " |")
        lines.append("|" + "---|" * len(cols))
        for _, r in rows.iterrows():
            # one run's rows have no spread: a blank, not "n/a"
            cells = ("" if c == "model_sd" and pd.isna(r[c]) else _cell(r[c]) for c in cols)
            lines.append("| " + " | ".join(cells) + " |")
    why = table.drop_duplicates("check")[["check", "why_tolerance"]]
    lines += ["", "## Why each tolerance", ""]
    lines += [f"- {_cell(r.check)}: {_cell(r.why_tolerance)}" for r in why.itertuples()]
    return "\n".join(lines) + "\n"


def scatter_figure(table: pd.DataFrame) -> Figure:
    """Model against data per topic, each check scaled by its data value (1 = on target)."""
    topics = list(dict.fromkeys(table["topic"]))
    ncols = min(4, len(topics))
    nrows = -(-len(topics) // ncols)
    fig = Figure(figsize=(4 * ncols, 3.8 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[len(topics) :]:
        ax.set_visible(False)
    for ax, topic in zip(axes, topics, strict=False):
        rows = table[table["topic"] == topic]
        for verdict, colour in (("PASS", "tab:green"), ("FAIL", "tab:red")):
            r = rows[rows["verdict"] == verdict]
            ax.scatter(r["data"], r["model"], s=14, c=colour, label=verdict)
        values = pd.concat([rows["data"], rows["model"]]).replace([np.inf, -np.inf], np.nan)
        lo, hi = np.nanmin(values.to_numpy(float)), np.nanmax(values.to_numpy(float))
        if np.isfinite(lo) and np.isfinite(hi):
            ax.plot([lo, hi], [lo, hi], c="grey", lw=0.8)
        if lo > 0 and hi / lo > 100:  # counts next to shares: log scales keep both visible
            ax.set_xscale("log")
            ax.set_yscale("log")
        ax.set_title(topic, fontsize=9)
        ax.set_xlabel("data")
        ax.set_ylabel("model")
        ax.legend(fontsize=7)
    return fig


def hindcast_figure(paths: pd.DataFrame) -> Figure:
    """Firms, persons and apprentices per chamber, index end of start year = 100."""
    cols = ["firms", "employees", "apprentices"]
    per = paths.groupby(["quarter", "chamber"])[cols].sum().unstack("chamber")
    fig = Figure(figsize=(12, 3.6), layout="constrained")
    axes = fig.subplots(1, len(cols))
    x = np.arange(len(per.index))
    for ax, col in zip(axes, cols, strict=True):
        for chamber in per[col].columns:
            s = per[col][chamber]
            ax.plot(x, 100 * s / s.iloc[0], label=chamber)
        ax.set_xticks(x[::4], per.index[::4], fontsize=7)
        ax.set_title(f"hindcast: {col} (end of start year = 100)", fontsize=9)
        ax.legend(fontsize=7)
    return fig


def write_report(out: Path, table: pd.DataFrame, paths: pd.DataFrame, header: str) -> list[Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    table = table[COLUMNS]
    write_text(out / "validation.md", markdown(table, header))
    write_with(out / "validation.csv", lambda tmp: table.to_csv(tmp, index=False))
    for name, fig in (
        ("model_vs_data.png", scatter_figure(table)),
        ("hindcast_paths.png", hindcast_figure(paths)),
    ):
        write_with(out / name, lambda tmp, fig=fig: fig.savefig(tmp, dpi=110))
    return [out / f for f in FILES]
