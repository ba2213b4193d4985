"""Figures of the sensitivity report: mu*-sigma plots (Morris) and Sobol bar charts."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no display on a cluster node
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

LABELLED = 8  # the most influential inputs get their name on the plot


def _short(key: str) -> str:
    return ".".join(key.split(".")[-2:])


def mu_star_sigma(indices: pd.DataFrame, output: str, title: str, path: Path) -> Path:
    """mu* against sigma of one output, the top inputs named; with a single trajectory (no
    sigma) the largest mu* as bars instead."""
    part = indices[indices["output"] == output].sort_values("mu_star", ascending=False)
    if part["sigma"].isna().all():
        return _mu_star_bars(part, f"{title}\n(one trajectory: sigma not measured)", path)
    fig, ax = plt.subplots(figsize=(7, 5))
    ax.scatter(part["mu_star"], part["sigma"], s=14, color="tab:blue")
    for row in part.head(LABELLED).itertuples():
        ax.annotate(_short(row.key), (row.mu_star, row.sigma), fontsize=7)
    top = max(part["mu_star"].max(), part["sigma"].max(), 1e-12)
    ax.plot([0, top], [0, top], ls=":", color="grey", lw=0.8)  # sigma = mu*
    ax.set_xlabel("mu* (mean absolute elementary effect)")
    ax.set_ylabel("sigma (spread of the effects)")
    ax.set_title(f"Morris: {title}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _mu_star_bars(part: pd.DataFrame, title: str, path: Path, shown: int = 15) -> Path:
    top = part.head(shown).iloc[::-1]
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(top) + 1.5))
    ax.barh(range(len(top)), top["mu_star"], color="tab:blue")
    ax.set_yticks(range(len(top)), [_short(k) for k in top["key"]], fontsize=7)
    ax.set_xlabel("mu* (mean absolute elementary effect)")
    ax.set_title(f"Morris: {title}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def sobol_bars(indices: pd.DataFrame, output: str, title: str, path: Path) -> Path:
    """S1 and ST with their confidence intervals for one output."""
    part = indices[indices["output"] == output].sort_values("ST", ascending=True)
    fig, ax = plt.subplots(figsize=(7, 0.4 * len(part) + 1.5))
    y = range(len(part))
    ax.barh([i + 0.2 for i in y], part["ST"], height=0.4, xerr=part["ST_conf"], label="ST")
    ax.barh([i - 0.2 for i in y], part["S1"], height=0.4, xerr=part["S1_conf"], label="S1")
    ax.set_yticks(list(y), [_short(k) for k in part["key"]], fontsize=7)
    ax.set_xlabel("Sobol index (share of output variance)")
    ax.set_title(f"Sobol: {title}", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
