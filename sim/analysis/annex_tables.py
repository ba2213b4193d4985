"""A report table as the annex prints it: the region-wide rows of the milestone years, each
estimate in one cell with its intervals.

The study tables hold every district, settlement type, trade group and year (thousands of
rows); the annex is read on paper, so it shows the totals (``all``) in the base year, every
``step`` years and the last year, the top ranks of ranked tables, and names the CSV that holds
everything. A mean and its 95 % CI of the seed mean (``_ci_low``/``_ci_high``) and the
projection range over runs (``_p05``/``_p95``, ``sim.analysis.bands``) become one cell
``mean [CI] (p05 to p95)``, so that ranges are never dropped to make a table fit. The
provenance columns (seeds, code version, baseline) are the same in every row: they go to the
caption.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from sim.analysis.bands import SUFFIXES

STAMP = ("seeds", "n_seeds", "code_version", "baseline")
DROP = ("lat", "lon", "population", "n_runs")  # for maps, not for reading
AREAS = ("district_id", "settlement_type", "trade_group")
RANKS = {"rank": 10, "rank_in_trade_group": 3, "rank_jobs_kept": 10}
MAX_ROWS = 40
# whole numbers that are labels, not amounts: no thousands separator
LABELS = (
    "year",
    "base_year",
    "seed",
    "n_pairs",
    "rank",
    "rank_in_trade_group",
    "rank_jobs_kept",
    "rank_cost_per_job",
)
LOW, MID, HIGH = SUFFIXES


@dataclass
class Digest:
    """The printed part of a table and what was left out, for its caption."""

    frame: pd.DataFrame
    rows_total: int
    kept: list[str]  # the filters applied, in words
    stamp: dict[str, str]

    def caption(self, source: str) -> str:
        shown = f"{len(self.frame):,} of {self.rows_total:,} rows"
        kept = f" ({'; '.join(self.kept)})" if self.kept else ""
        stamp = "; ".join(f"{k}: {v}" for k, v in self.stamp.items())
        return f"{shown}{kept}; all rows: {source}" + (f". {stamp}" if stamp else "")


def number(x) -> str:
    """Four significant digits, millions as ``M``, thousands separated; blank when missing."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if not isinstance(x, int | float) or isinstance(x, bool):
        return str(x)
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if abs(x) >= 1e6:
        return f"{x / 1e6:,.1f} M"
    if abs(x) >= 1000 or float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:.3g}"


def label(x) -> str:
    """A whole number that names something (a year, a rank) as it is written: ``2025``."""
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else str(x)


def milestones(years: list[int], step: int) -> list[int]:
    """The first year, every ``step`` years after it, and the last."""
    if not years:
        return []
    first = years[0]
    return sorted({y for y in years if (y - first) % step == 0} | {years[-1]})


def _rows(df: pd.DataFrame, step: int) -> tuple[pd.DataFrame, list[str]]:
    kept = []
    for col in AREAS:
        if col in df and (df[col].astype(str) == "all").any():
            df = df[df[col].astype(str) == "all"]
            kept.append(f"{col} = all")
    if "year" in df and df["year"].nunique() > 2:
        years = milestones(sorted(int(y) for y in df["year"].unique()), step)
        df = df[df["year"].isin(years)]
        kept.append("years " + ", ".join(map(str, years)))
    if "quarter" in df and df["quarter"].nunique() > 4:
        last = df.groupby(df["quarter"].astype(str).str[:4])["quarter"].transform("max")
        df = df[df["quarter"] == last]
        kept.append("last quarter of each year")
    for col, top in RANKS.items():
        if col in df and pd.api.types.is_numeric_dtype(df[col]):
            df = df[(df[col] <= top).fillna(False).astype(bool)]  # unranked (<NA>) rows out
            kept.append(f"{col} <= {top}")
    return df, kept


def _interval(df: pd.DataFrame, value: str, low: str, high: str) -> pd.Series:
    def cell(row) -> str:
        lo, hi = number(row[low]), number(row[high])
        return f"{number(row[value])} [{lo}, {hi}]" if lo or hi else number(row[value])

    return df.apply(cell, axis=1)


def _combine(df: pd.DataFrame) -> pd.DataFrame:
    """Mean, CI, projection range and note of each metric in one text cell."""
    out = pd.DataFrame(index=df.index)
    used: set[str] = set()
    for col in df.columns:
        if col in used:
            continue
        if col == "mean_diff" and {"ci_low", "ci_high"} <= set(df):
            out["mean difference [95 % CI]"] = _interval(df, col, "ci_low", "ci_high")
            used |= {col, "ci_low", "ci_high"}
            continue
        lo, hi = f"{col}_ci_low", f"{col}_ci_high"
        p_lo, p_mid, p_hi = f"{col}{LOW}", f"{col}{MID}", f"{col}{HIGH}"
        if {lo, hi} <= set(df):
            text = _interval(df, col, lo, hi)
            used |= {col, lo, hi}
            if {p_lo, p_hi} <= set(df):
                text = text + " (" + df[p_lo].map(number) + " to " + df[p_hi].map(number) + ")"
                used |= {p_lo, p_mid, p_hi}
            if f"{col}_note" in df:
                note = df[f"{col}_note"].fillna("").astype(str)
                text = text + note.map(lambda n: f" ({n})" if n else "")
                used.add(f"{col}_note")
            out[col] = text
        else:
            numeric = pd.api.types.is_numeric_dtype(df[col])
            out[col] = df[col].map(label if col in LABELS or not numeric else number)
            used.add(col)
    return out.fillna("")


def digest(df: pd.DataFrame, step: int = 5, max_rows: int = MAX_ROWS) -> Digest:
    """The rows and cells of ``df`` that the annex prints (see the module's docstring)."""
    total = len(df)
    stamp = {c: ", ".join(sorted(df[c].dropna().astype(str).unique())) for c in STAMP if c in df}
    rows, kept = _rows(df.drop(columns=[c for c in (*STAMP, *DROP) if c in df]), step)
    # a filter that keeps a single value makes the column constant: say it once, in the caption
    rows = rows.drop(columns=[c for c in AREAS if c in rows and rows[c].nunique() == 1])
    if len(rows) > max_rows:
        kept.append(f"first {max_rows}")
        rows = rows.head(max_rows)
    return Digest(_combine(rows.reset_index(drop=True)), total, kept, stamp)
