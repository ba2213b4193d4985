"""Report files: CSV tables, one XLSX workbook with unit headers, and a quotable summary.md.

Every file is written atomically (``sim.atomic``): a reader never sees a half-written table.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.analysis.focal import sweep_focal_points
from sim.atomic import write_text, write_with

if TYPE_CHECKING:
    from sim.analysis.comparison import Comparison

# units of column names that do not carry a unit in their name, for XLSX headers
HEADER_UNITS = {
    "lat": "deg N",
    "lon": "deg E",
    "population": "persons",
    "employees_kept": "persons",
    "firms_kept": "firms",
    "n_pairs": "seeds",
    "mean_diff": "unit column",
    "ci_low": "unit column",
    "ci_high": "unit column",
    "unpaired_ci_low": "unit column",
    "unpaired_ci_high": "unit column",
    "cost_per_eur_value_added": "EUR per EUR",
    "rank_jobs_kept": "1 = most",
    "rank_cost_per_job": "1 = cheapest",
}
# the comparison's tables, in the order of its CSVs and workbook sheets
COMPARISON_TABLES = ("headline", "ranking", "by_district", "over_time", "places")


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """One table as CSV, without the index."""
    return write_with(path, lambda tmp: df.to_csv(tmp, index=False))


def write_xlsx(sheets: dict[str, pd.DataFrame], path: Path) -> Path:
    """One workbook, one sheet per table (sheet names cut to Excel's 31 characters)."""

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, df in sheets.items():
                df.to_excel(writer, sheet_name=name[:31], index=False)

    return write_with(path, write)


def with_unit_headers(df: pd.DataFrame) -> pd.DataFrame:
    """Column headers with units for a report: ``value_added_eur`` -> ``value_added [EUR]``."""

    def header(col: str) -> str:
        base = col
        for suffix in ("_ci_low", "_ci_high", "_note"):
            if col.endswith(suffix):
                base = col[: -len(suffix)]
        if base in HEADER_UNITS:
            return f"{col} [{HEADER_UNITS[base]}]"
        for token, unit in (("_eur", "EUR"), ("_pct", "%"), ("_persons", "persons")):
            if token in col:
                return f"{col.replace(token, '')} [{unit}]"
        return col

    return df.rename(columns={c: header(c) for c in df.columns})


def write_comparison(c: Comparison, out_dir: Path | str, figures: bool = True) -> dict[str, Path]:
    """The comparison's tables (CSV, one XLSX), figures (PNG) and summary.md.

    Args:
        c: The comparison.
        out_dir: Folder to write to (made if missing).
        figures: Whether to draw the PNG figures.

    Returns:
        File key (e.g. ``headline_csv``, ``xlsx``, ``time_paths__<context>``) -> path.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # every CSV row names its provenance, so a table copied elsewhere stays traceable
    stamp = {
        "baseline": c.baseline_label,
        "seeds": c.meta["seeds"],
        "code_version": c.meta["code_version"],
    }
    tables = {name: getattr(c, name) for name in COMPARISON_TABLES}
    focal = sweep_focal_points(c.sweep_dir, [c.meta["places_year"]])
    if focal is not None:  # runs recorded with the place_groups table
        tables["focal_points"] = focal
    written: dict[str, Path] = {}
    for name, df in tables.items():
        written[f"{name}_csv"] = write_csv(df.assign(**stamp), out_dir / f"{name}.csv")
    about = pd.DataFrame(
        [(k, str(v)) for k, v in c.meta.items()] + [("note", n) for n in c.notes],
        columns=["item", "value"],
    )
    written["xlsx"] = write_xlsx(
        {"about": about, **{k: with_unit_headers(v) for k, v in tables.items()}},
        out_dir / "comparison.xlsx",
    )
    if figures:
        written.update(_comparison_figures(c, out_dir))
    written["summary"] = write_text(out_dir / "summary.md", summary_markdown(c))
    return written


def _comparison_figures(c: Comparison, out_dir: Path) -> dict[str, Path]:
    """Time paths per context, district bars of the last headline year, maps per arm."""
    # matplotlib only when figures are drawn: the UI and table-only callers do without it
    from sim.analysis import figures as fig

    written: dict[str, Path] = {}
    other = c.meta["other"]
    caption = fig.stamp_text(c.meta)
    for context, frame in c.over_time.groupby(other, sort=True):
        name = f"time_paths__{context}"
        written[name] = fig.time_paths(
            frame, f"{context}: arm - {c.baseline_label}", caption, out_dir / f"{name}.png"
        )
    districts = c.by_district[
        (c.by_district["settlement_type"] == "all")
        & (c.by_district["trade_group"] == "all")
        & (c.by_district["district_id"] != "all")
    ]
    if not districts.empty:
        year = int(districts["year"].max())
        districts = districts.assign(arm=c.arm_labels(districts))
        for metric in ("employees", "value_added_real_eur"):
            name = f"districts__{metric}"
            written[name] = fig.district_bars(
                districts[(districts["year"] == year) & (districts["metric"] == metric)],
                f"{metric} {year}: arm - {c.baseline_label}",
                caption,
                out_dir / f"{name}.png",
            )
    for (arm, context), frame in c.places.groupby(["arm", other]):
        name = f"map__{arm}__{context}"
        written[name] = fig.place_map(
            frame,
            f"{arm} vs {c.baseline_label} ({context}), {c.meta['places_year']}",
            caption,
            out_dir / f"{name}.png",
        )
    return written


def summary_markdown(c: Comparison) -> str:
    """What was compared, with which seeds and code, and the headline differences with CIs."""
    m = c.meta
    lines = [
        f"# Paired comparison: {c.sweep_dir.name}",
        "",
        f"- **Compared**: {', '.join(c.arms)} against the reference "
        f"`{c.baseline_label}` (arm minus reference), within {m['other']} "
        f"{', '.join(m['contexts'])}.",
        f"- **Seeds**: {m['n_seeds']} paired seeds ({m['seeds']}); each difference is arm "
        f"minus baseline with the same seed (common random numbers), mean over pairs with "
        f"a 95 % t-interval.",
        f"- **Runs**: {m['n_runs']} finished runs of `{c.sweep_dir}`; region "
        f"{m['region']}, {m['start']} to {m['end']}, households per agent "
        f"{m['households_per_agent']}.",
        f"- **Code version**: {m['code_version']}.",
        "",
        f"## Headline differences (arm - {c.baseline_label})",
        "",
        f"| arm | {m['other']} | metric | unit | mean difference | 95 % CI | pairs |",
        "|---|---|---|---|---:|---:|---:|",
    ]
    for r in c.headline.itertuples():
        ci = (
            f"[{_fmt(r.ci_low)}, {_fmt(r.ci_high)}]"
            if not (pd.isna(r.ci_low) or pd.isna(r.ci_high))
            else "n/a"
        )
        note = f" ({r.note})" if r.note else ""
        lines.append(
            f"| {r.arm} | {getattr(r, m['other'])} | {r.metric} | {r.unit} | "
            f"{_fmt(r.mean_diff)}{note} | {ci} | {r.n_pairs} |"
        )
    lines += [
        "",
        "Stocks (firms, employees) are read at the last quarter named, flows (value added, "
        "unmet demand) are sums over the year named, `_total` metrics are sums over the "
        "whole horizon. Cost per job kept = mean difference in total intervention cost / "
        "mean difference in employees at the end; cost per EUR of value added = the same "
        "cost / mean difference in total value added; intervals by Fieller's method.",
    ]
    if c.notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in c.notes]
    return "\n".join(lines) + "\n"


def _fmt(x: float | None) -> str:
    """A number for a markdown table: thousands separated, three significant digits if small."""
    if x is None or pd.isna(x):
        return "n/a"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"
