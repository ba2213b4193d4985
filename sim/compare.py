"""Paired comparison of sweep arms (interventions or scenarios) with honest uncertainty.

Contract (Python API, also used by the Solara UI)::

    from sim.compare import paired_comparison
    c = paired_comparison("results/policy_comparison", baseline={"intervention": "none"})
    c.headline     # arm, metric, unit, mean_diff, ci_low, ci_high, n_pairs
                   #   (+ scenario, intervention, baseline, unpaired_ci_low/high, note)
    c.over_time    # arm, quarter, metric, unit, mean_diff, ci_low, ci_high, n_pairs (+ ...)
    c.by_district  # arm, district_id, settlement_type, trade_group, year, metric, unit,
                   #   mean_diff, ci_low, ci_high, n_pairs (+ ...); "all" rows are totals
    c.places       # arm, place_id, lat, lon, value_added_change_eur, unmet_demand_eur
                   #   (+ name, district_id, settlement_type, population, baseline_unmet_...)
    c.ranking      # transfer structures per district: jobs / firms / value added kept, cost,
                   #   cost per job kept and per EUR value added with 95 % CIs, ranks
    c.write(out_dir) -> dict[str, Path]   # CSVs, comparison.xlsx, PNG figures, summary.md

Command line::

    python -m sim.compare results/policy_comparison --baseline intervention=none [--out DIR]
    python -m sim.compare results/coal_exit_variants --baseline scenario=no_coal_exit

Method. The baseline names one run dimension (``intervention`` or ``scenario``) and its
reference value; every other value of that dimension is an *arm*. A run of an arm is paired with
the baseline run of the same seed and the same value of the other dimension (runs with the same
seed share their random numbers, ``sim/randomness.py``). For each quantity the difference
arm - baseline is taken per pair; the tables give the mean over pairs and the 95 % t-interval
(df = pairs - 1). ``unpaired_ci_*`` in the headline is the Welch interval of the same runs
treated as independent samples, to show what pairing gains. Cost ratios (cost per job kept, per
EUR of value added) are the ratio of the mean cost difference to the mean outcome difference,
with Fieller's 95 % interval; where the outcome difference is not above zero, or not
significantly so, the ratio or its interval is NaN and ``note`` says why.

Time conventions: stocks (firms, employees, apprentices) are read at the last quarter of a
year, flows (value added, unmet demand, closures) are summed over the year. Headline years are
2035 and 2045 where the runs cover them completely, else the last complete year.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim.store import ResultsError, finished_runs, load
from sim.vocabulary import SETTLEMENT_TYPES, TRADE_GROUPS

LEVEL = 0.95
PAIR_KEYS = ("intervention", "scenario")
HEADLINE_YEARS = (2035, 2045)
CLOSURES = ("closures_no_successor", "closures_losses", "closures_other")
SUCCESSIONS = ("successions_family", "successions_employee", "successions_external")

STOCKS = {"firms": "firms", "employees": "persons", "apprentices": "persons"}
FLOWS = {
    "value_added_eur": "EUR",
    "rural_value_added_eur": "EUR",
    "unmet_demand_eur": "EUR",
    "closures": "firms",
    "intervention_cost_eur": "EUR",
}
OVER_TIME_METRICS = {**STOCKS, **{k: f"{u}/quarter" for k, u in FLOWS.items()}}
DISTRICT_METRICS = {
    **STOCKS,
    "value_added_eur": "EUR/year",
    "unmet_demand_eur": "EUR/year",
    "closures": "firms/year",
}


# ---- statistics ---------------------------------------------------------------------------------
def t_interval(
    mean: np.ndarray, sd: np.ndarray, n: np.ndarray, level: float = LEVEL
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided t-interval for a mean; NaN where fewer than two observations."""
    mean, sd, n = (np.asarray(x, dtype=float) for x in (mean, sd, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        q = stats.t.ppf(0.5 + level / 2, np.where(n >= 2, n - 1, np.nan))
        half = q * sd / np.sqrt(n)
    return mean - half, mean + half


def welch_interval(a, b, level: float = LEVEL) -> tuple[float, float, float]:
    """Mean difference a - b with the Welch (unequal variance, unpaired) t-interval."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    diff = a.mean() - b.mean()
    if len(a) < 2 or len(b) < 2:
        return diff, math.nan, math.nan
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return diff, diff, diff
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = stats.t.ppf(0.5 + level / 2, df) * se
    return diff, diff - half, diff + half


def ratio_interval(
    num, den, level: float = LEVEL, zero_note: str = "no cost difference between the arms"
) -> tuple[float, float, float, str]:
    """Ratio of mean paired differences mean(num) / mean(den) with Fieller's interval.

    Returns (estimate, low, high, note). The estimate is NaN when mean(den) <= 0 or there is
    no cost (a cost per job *kept* needs jobs kept); the interval is NaN when the denominator is
    not significantly above zero, where Fieller's interval is unbounded.
    """
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    n = len(num)
    if n == 0:
        return math.nan, math.nan, math.nan, "no pairs"
    a, b = num.mean(), den.mean()
    if np.allclose(num, 0.0):
        return math.nan, math.nan, math.nan, zero_note
    if b <= 0:
        return math.nan, math.nan, math.nan, "nothing kept: the mean difference is <= 0"
    est = a / b
    if n < 2:
        return est, math.nan, math.nan, "interval needs at least 2 pairs"
    cov = np.cov(np.vstack([num, den]), ddof=1) / n
    q = stats.t.ppf(0.5 + level / 2, n - 1) ** 2
    qa, qb, qab = b * b - q * cov[1, 1], a * b - q * cov[0, 1], a * a - q * cov[0, 0]
    disc = qb * qb - qa * qab
    if qa <= 0 or disc < 0:
        return est, math.nan, math.nan, "interval unbounded: the difference is not significant"
    root = math.sqrt(disc)
    return est, (qb - root) / qa, (qb + root) / qa, ""


def describe_seeds(seeds) -> str:
    """[0, 1, 2, 5] -> '0-2,5'."""
    seeds = sorted({int(s) for s in seeds})
    parts, start = [], None
    for i, s in enumerate(seeds):
        if start is None:
            start = s
        if i + 1 == len(seeds) or seeds[i + 1] != s + 1:
            parts.append(f"{start}" if start == s else f"{start}-{s}")
            start = None
    return ",".join(parts)


def paired_differences(
    frame: pd.DataFrame,
    key: str,
    base_value: str,
    by: list[str],
    metrics: dict[str, str],
    level: float = LEVEL,
) -> pd.DataFrame:
    """Mean paired difference (arm - baseline) with t-interval, long format.

    ``frame`` has one row per run and ``by`` group: columns scenario, intervention, seed,
    ``by`` and the metric columns. Pairs: same seed, same value of the other run dimension.
    Returns columns arm, scenario, intervention, *by, metric, unit, mean_diff, ci_low, ci_high,
    n_pairs.
    """
    other = "scenario" if key == "intervention" else "intervention"
    cols = list(metrics)
    base = frame.loc[frame[key] == base_value, [other, "seed", *by, *cols]]
    arms = frame.loc[frame[key] != base_value, [key, other, "seed", *by, *cols]]
    merged = arms.merge(base, on=[other, "seed", *by], suffixes=("", "__base"), how="inner")
    diffs = pd.DataFrame({c: merged[c].to_numpy(float) - merged[f"{c}__base"] for c in cols})
    diffs[[key, other, *by]] = merged[[key, other, *by]].to_numpy()
    long = diffs.melt(id_vars=[key, other, *by], var_name="metric", value_name="diff")
    out = (
        long.groupby([key, other, *by, "metric"], sort=False, observed=True)["diff"]
        .agg(mean_diff="mean", sd="std", n_pairs="count")
        .reset_index()
    )
    out["ci_low"], out["ci_high"] = t_interval(out["mean_diff"], out["sd"], out["n_pairs"], level)
    out["unit"] = out["metric"].map(metrics)
    out = out.rename(columns={key: "arm"})
    out[key] = out["arm"]
    cols_out = ["arm", "scenario", "intervention", *by, "metric", "unit", "mean_diff"]
    return out[[*cols_out, "ci_low", "ci_high", "n_pairs"]]


# ---- the comparison ----------------------------------------------------------------------------
def parse_baseline(text: str) -> dict[str, str]:
    key, sep, value = text.partition("=")
    if not sep or key not in PAIR_KEYS or not value:
        raise ResultsError(
            f"--baseline must be key=value with key one of {', '.join(PAIR_KEYS)} "
            f"(e.g. intervention=none); got {text!r}"
        )
    return {key: value}


def _complete_years(quarters: list[str]) -> list[int]:
    years = pd.Series([int(q[:4]) for q in quarters])
    counts = years.value_counts()
    return sorted(int(y) for y, n in counts.items() if n == 4)


def _str_keys(df: pd.DataFrame, cols) -> pd.DataFrame:
    for c in cols:
        if c in df:
            df[c] = df[c].astype(str)
    return df


@dataclass
class Comparison:
    """Result of :func:`paired_comparison`; see the module docstring for the tables."""

    sweep_dir: Path
    baseline: dict[str, str]
    arms: list[str]
    runs: pd.DataFrame
    pairs: pd.DataFrame  # arm, scenario, intervention, seed: the pairs used
    headline: pd.DataFrame
    over_time: pd.DataFrame
    by_district: pd.DataFrame
    places: pd.DataFrame
    ranking: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    @property
    def baseline_label(self) -> str:
        ((key, value),) = self.baseline.items()
        return f"{key}={value}"

    def arm_labels(self, frame: pd.DataFrame) -> pd.Series:
        """The arm, plus the other run dimension where the comparison spans several values."""
        other = self.meta["other"]
        if len(self.meta["contexts"]) == 1:
            return frame["arm"].astype(str)
        return frame["arm"].astype(str) + " / " + frame[other].astype(str)

    def write(self, out_dir: Path | str, figures: bool = True) -> dict[str, Path]:
        """Write the tables (CSV, one XLSX), figures (PNG) and summary.md; returns their paths."""
        from sim import figures as fig

        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        stamp = {
            "baseline": self.baseline_label,
            "seeds": self.meta["seeds"],
            "code_version": self.meta["code_version"],
        }
        tables = {
            "headline": self.headline,
            "ranking": self.ranking,
            "by_district": self.by_district,
            "over_time": self.over_time,
            "places": self.places,
        }
        written: dict[str, Path] = {}
        for name, df in tables.items():
            written[f"{name}_csv"] = write_csv(df.assign(**stamp), out_dir / f"{name}.csv")
        about = pd.DataFrame(
            [(k, str(v)) for k, v in self.meta.items()] + [("note", n) for n in self.notes],
            columns=["item", "value"],
        )
        written["xlsx"] = write_xlsx(
            {"about": about, **{k: with_unit_headers(v) for k, v in tables.items()}},
            out_dir / "comparison.xlsx",
        )
        if figures:
            caption = fig.stamp_text(self.meta)
            for context, frame in self.over_time.groupby(self.meta["other"], sort=True):
                path = out_dir / f"time_paths__{context}.png"
                written[f"time_paths__{context}"] = fig.time_paths(
                    frame, f"{context}: arm - {self.baseline_label}", caption, path
                )
            districts = self.by_district[
                (self.by_district["settlement_type"] == "all")
                & (self.by_district["trade_group"] == "all")
                & (self.by_district["district_id"] != "all")
            ]
            if not districts.empty:
                year = int(districts["year"].max())
                districts = districts.assign(arm=self.arm_labels(districts))
                for metric in ("employees", "value_added_eur"):
                    path = out_dir / f"districts__{metric}.png"
                    written[f"districts__{metric}"] = fig.district_bars(
                        districts[(districts["year"] == year) & (districts["metric"] == metric)],
                        f"{metric} {year}: arm - {self.baseline_label}",
                        caption,
                        path,
                    )
            for (arm, context), frame in self.places.groupby(["arm", self.meta["other"]]):
                path = out_dir / f"map__{arm}__{context}.png"
                written[f"map__{arm}__{context}"] = fig.place_map(
                    frame,
                    f"{arm} vs {self.baseline_label} ({context}), {self.meta['places_year']}",
                    caption,
                    path,
                )
        written["summary"] = write_text(self.summary_markdown(), out_dir / "summary.md")
        return written

    def summary_markdown(self) -> str:
        m = self.meta
        lines = [
            f"# Paired comparison: {self.sweep_dir.name}",
            "",
            f"- **Compared**: {', '.join(self.arms)} against the reference "
            f"`{self.baseline_label}` (arm minus reference), within {m['other']} "
            f"{', '.join(m['contexts'])}.",
            f"- **Seeds**: {m['n_seeds']} paired seeds ({m['seeds']}); each difference is arm "
            f"minus baseline with the same seed (common random numbers), mean over pairs with "
            f"a 95 % t-interval.",
            f"- **Runs**: {m['n_runs']} finished runs of `{self.sweep_dir}`; region "
            f"{m['region']}, {m['start']} to {m['end']}, households per agent "
            f"{m['households_per_agent']}.",
            f"- **Code version**: {m['code_version']}.",
            "",
            f"## Headline differences (arm - {self.baseline_label})",
            "",
            f"| arm | {m['other']} | metric | unit | mean difference | 95 % CI | pairs |",
            "|---|---|---|---|---:|---:|---:|",
        ]
        for r in self.headline.itertuples():
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
        if self.notes:
            lines += ["", "## Notes", ""] + [f"- {n}" for n in self.notes]
        return "\n".join(lines) + "\n"


def _fmt(x: float) -> str:
    if x is None or pd.isna(x):
        return "n/a"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


def _code_version(runs: pd.DataFrame) -> tuple[str, list[str]]:
    notes = []
    commits = sorted(runs["git_commit"].dropna().unique())
    dirty = bool(runs["git_dirty"].fillna(False).any())
    text = ", ".join(c[:12] for c in commits) or "unknown"
    if len(commits) > 1:
        notes.append(f"the runs come from {len(commits)} different code versions: {text}")
    if dirty:
        text += " (with uncommitted changes)"
        notes.append("some runs were made from a work tree with uncommitted changes")
    return text, notes


def paired_comparison(
    sweep_dir: Path | str,
    baseline: dict[str, str] | None = None,
    metrics: list[str] | None = None,
    level: float = LEVEL,
) -> Comparison:
    """Pair every arm's runs with the baseline's by seed; see the module docstring."""
    baseline = dict(baseline or {"intervention": "none"})
    if len(baseline) != 1 or next(iter(baseline)) not in PAIR_KEYS:
        raise ResultsError(
            f"baseline must name one of {', '.join(PAIR_KEYS)} (e.g. "
            f"{{'intervention': 'none'}}); got {baseline}"
        )
    ((key, base_value),) = baseline.items()
    other = "scenario" if key == "intervention" else "intervention"
    sweep_dir = Path(sweep_dir)
    runs = finished_runs(sweep_dir)
    notes: list[str] = []

    dup = runs[runs.duplicated(["scenario", "intervention", "seed"], keep=False)]
    if len(dup):
        first = dup.iloc[0]
        ids = ", ".join(
            dup.loc[
                (dup["scenario"] == first["scenario"])
                & (dup["intervention"] == first["intervention"])
                & (dup["seed"] == first["seed"]),
                "run_id",
            ]
        )
        raise ResultsError(
            f"{sweep_dir} holds several finished runs of scenario={first['scenario']} "
            f"intervention={first['intervention']} seed={first['seed']} with different settings "
            f"({ids}); a comparison needs one run per scenario, intervention and seed: move the "
            f"runs of other settings to another folder"
        )
    present = sorted(runs[key].unique())
    if base_value not in present:
        raise ResultsError(
            f"no finished runs with {key}={base_value} in {sweep_dir}; "
            f"values present: {', '.join(present)}"
        )
    arms = [v for v in present if v != base_value]
    if not arms:
        raise ResultsError(
            f"{sweep_dir} has only runs with {key}={base_value}: nothing to compare it with"
        )
    settings = runs[["region", "households_per_agent", "start", "end"]].drop_duplicates()
    if len(settings) > 1:
        raise ResultsError(
            f"{sweep_dir} mixes runs of different region / households_per_agent / start / end "
            f"({len(settings)} combinations); compare runs of one setting at a time"
        )
    run_cols = ["scenario", "intervention", "seed"]
    base_runs = runs.loc[runs[key] == base_value, [other, "seed"]]
    pairs = runs.loc[runs[key] != base_value, [key, other, "seed"]].merge(base_runs)
    pairs = pairs.rename(columns={key: "arm"}).assign(**{key: lambda d: d["arm"]})
    pairs = pairs[["arm", "scenario", "intervention", "seed"]]
    if pairs.empty:
        raise ResultsError(
            f"no seed of {sweep_dir} has both an arm run and a baseline run ({key}={base_value}) "
            f"with the same {other}; nothing can be paired"
        )
    unpaired = len(runs) - len(pairs) - len(pairs[[other, "seed"]].drop_duplicates())
    if unpaired > 0:
        notes.append(f"{unpaired} finished run(s) have no partner with the same seed: left out")
    index_failed = _failed_count(sweep_dir)
    if index_failed:
        notes.append(f"{index_failed} run(s) of the sweep failed and are not included (index)")
    for arm, n in pairs.groupby("arm")["seed"].count().items():
        if n < 2:
            notes.append(f"arm {arm} has {n} pair: no confidence interval")

    # ---- per-run aggregates ------------------------------------------------------------------
    groups = _str_keys(load(sweep_dir, "groups"), ["quarter", "district_id", "settlement_type"])
    groups = _str_keys(groups, ["trade_group"])
    districts = _str_keys(load(sweep_dir, "districts"), ["quarter", "district_id"])
    places = _str_keys(load(sweep_dir, "places"), ["quarter", "district_id", "settlement_type"])
    groups["closures"] = groups[list(CLOSURES)].sum(axis=1)
    groups["rural_value_added_eur"] = groups["value_added_eur"].where(
        groups["settlement_type"] == "rural", 0.0
    )
    quarters = sorted(groups["quarter"].unique())
    last_q = quarters[-1]
    years = _complete_years(quarters)
    if not years:
        years = [int(last_q[:4])]
        notes.append(f"no complete year in the runs: {years[0]} covers only part of the year")
    head_years = [y for y in HEADLINE_YEARS if y in years] or [years[-1]]
    last_year = years[-1]
    groups["year"] = groups["quarter"].str[:4].astype(int)
    districts["year"] = districts["quarter"].str[:4].astype(int)
    places["year"] = places["quarter"].str[:4].astype(int)

    # over time: region totals per quarter
    flow_cols = ["value_added_eur", "rural_value_added_eur", "unmet_demand_eur", "closures"]
    per_q = groups.groupby(["run_id", *run_cols, "quarter"], observed=True)[
        [*STOCKS, *flow_cols]
    ].sum()
    cost_q = districts.groupby(["run_id", "quarter"])["intervention_cost_eur"].sum()
    per_q = per_q.join(cost_q, on=["run_id", "quarter"]).reset_index()
    over_time = paired_differences(per_q, key, base_value, ["quarter"], OVER_TIME_METRICS, level)

    # headline: one number per run and metric
    head = {}
    run_g = groups.groupby("run_id")
    for y in head_years:
        in_y = groups[groups["year"] == y].groupby("run_id")
        head[f"rural_value_added_eur_{y}"] = (in_y["rural_value_added_eur"].sum(), "EUR/year")
        head[f"value_added_eur_{y}"] = (in_y["value_added_eur"].sum(), "EUR/year")
    at_end = groups[groups["quarter"] == last_q].groupby("run_id")
    for col, unit in STOCKS.items():
        head[f"{col}_{last_q}"] = (at_end[col].sum(), unit)
    in_last = groups[groups["year"] == last_year].groupby("run_id")
    head[f"unmet_demand_eur_{last_year}"] = (in_last["unmet_demand_eur"].sum(), "EUR/year")
    head["closures_total"] = (run_g["closures"].sum(), "firms")
    head["closures_no_successor_total"] = (run_g["closures_no_successor"].sum(), "firms")
    head["value_added_eur_total"] = (run_g["value_added_eur"].sum(), "EUR")
    head["intervention_cost_eur_total"] = (
        districts.groupby("run_id")["intervention_cost_eur"].sum(),
        "EUR",
    )
    per_run = runs.set_index("run_id")[run_cols].copy()
    for name, (series, _) in head.items():
        per_run[name] = series
    per_run = per_run.reset_index()
    units = {name: unit for name, (_, unit) in head.items()}
    headline = paired_differences(per_run, key, base_value, [], units, level)
    headline["unpaired_ci_low"] = np.nan
    headline["unpaired_ci_high"] = np.nan
    headline["note"] = ""
    jobs_metric = f"employees_{last_q}"
    ratio_rows = []
    for (arm, context), part in pairs.groupby(["arm", other]):
        a = per_run.merge(part[["scenario", "intervention", "seed"]]).sort_values("seed")
        b = per_run[(per_run[key] == base_value) & (per_run[other] == context)]
        b = b.set_index("seed").loc[a["seed"]].reset_index()
        for metric in units:
            _, lo, hi = welch_interval(a[metric], b[metric], level)
            mask = (headline["arm"] == arm) & (headline[other] == context)
            mask &= headline["metric"] == metric
            headline.loc[mask, ["unpaired_ci_low", "unpaired_ci_high"]] = lo, hi
        cost = (
            a["intervention_cost_eur_total"].to_numpy()
            - b["intervention_cost_eur_total"].to_numpy()
        )
        for metric, den_col, unit in (
            ("cost_per_job_kept_eur", jobs_metric, "EUR per job"),
            ("cost_per_eur_value_added", "value_added_eur_total", "EUR per EUR"),
        ):
            den = a[den_col].to_numpy() - b[den_col].to_numpy()
            est, lo, hi, note = ratio_interval(cost, den, level)
            ratio_rows.append(
                {
                    "arm": arm,
                    "scenario": arm if key == "scenario" else context,
                    "intervention": arm if key == "intervention" else context,
                    "metric": metric,
                    "unit": unit,
                    "mean_diff": est,
                    "ci_low": lo,
                    "ci_high": hi,
                    "n_pairs": len(a),
                    "note": note,
                }
            )
    headline = pd.concat([headline, pd.DataFrame(ratio_rows)], ignore_index=True)
    headline = headline.sort_values(["arm", other], kind="stable", ignore_index=True)

    # by district x settlement type x trade group, per headline year, with "all" totals
    by_district = _by_district(groups, head_years, key, base_value, level)

    # ranking of arms per district: jobs kept and cost per job
    ranking = _ranking(groups, districts, pairs, key, base_value, other, last_q, level)

    # places: value added change and unmet demand in the last complete year
    places_table = _places(places, pairs, key, base_value, other, last_year)

    if metrics:
        allowed = sorted(set(OVER_TIME_METRICS) | set(DISTRICT_METRICS) | set(headline["metric"]))
        unknown = [m for m in metrics if m not in allowed]
        if unknown:
            raise ResultsError(f"unknown metric(s) {unknown}; allowed: {', '.join(allowed)}")
        headline = headline[headline["metric"].isin(metrics)].reset_index(drop=True)
        over_time = over_time[over_time["metric"].isin(metrics)].reset_index(drop=True)
        by_district = by_district[by_district["metric"].isin(metrics)].reset_index(drop=True)

    code, code_notes = _code_version(runs)
    notes += code_notes
    first = runs.iloc[0]
    meta = {
        "sweep_dir": str(sweep_dir),
        "baseline": f"{key}={base_value}",
        "key": key,
        "other": other,
        "arms": ", ".join(arms),
        "contexts": sorted(pairs[other].unique()),
        "seeds": describe_seeds(pairs["seed"]),
        "n_seeds": int(pairs["seed"].nunique()),
        "n_runs": len(runs),
        "region": first["region"],
        "households_per_agent": first["households_per_agent"],
        "start": first["start"],
        "end": first["end"],
        "headline_years": ", ".join(map(str, head_years)),
        "places_year": last_year,
        "code_version": code,
        "confidence_level": level,
    }
    return Comparison(
        sweep_dir=sweep_dir,
        baseline={key: base_value},
        arms=arms,
        runs=runs,
        pairs=pairs,
        headline=headline,
        over_time=over_time,
        by_district=by_district,
        places=places_table,
        ranking=ranking,
        notes=notes,
        meta=meta,
    )


def _failed_count(sweep_dir: Path) -> int:
    from sim.store import build_index

    return int((build_index(sweep_dir)["status"] == "failed").sum())


def year_values(groups: pd.DataFrame, year: int, by: list[str]) -> pd.DataFrame:
    """Stocks at the last quarter of ``year`` and flows summed over it, per run and ``by``."""
    in_y = groups[groups["year"] == year]
    last = in_y["quarter"].max()
    keys = ["run_id", "scenario", "intervention", "seed", *by]
    stocks = in_y[in_y["quarter"] == last].groupby(keys, observed=True)[list(STOCKS)].sum()
    flows = in_y.groupby(keys, observed=True)[
        ["value_added_eur", "unmet_demand_eur", "closures"]
    ].sum()
    return stocks.join(flows).reset_index()


def _by_district(groups, years, key, base_value, level) -> pd.DataFrame:
    frames = []
    levels = (
        ["district_id", "settlement_type", "trade_group"],
        ["district_id", "settlement_type"],
        ["district_id"],
        [],
    )
    for year in years:
        for by in levels:
            values = year_values(groups, year, by)
            for col in ("district_id", "settlement_type", "trade_group"):
                if col not in by:
                    values[col] = "all"
            diff = paired_differences(
                values,
                key,
                base_value,
                ["district_id", "settlement_type", "trade_group"],
                DISTRICT_METRICS,
                level,
            )
            frames.append(diff.assign(year=year))
    out = pd.concat(frames, ignore_index=True)
    order = {
        "settlement_type": [*SETTLEMENT_TYPES, "all"],
        "trade_group": [*TRADE_GROUPS, "all"],
    }
    for col, cats in order.items():
        out[col] = pd.Categorical(out[col], categories=cats, ordered=True)
    out = out.sort_values(
        [
            "arm",
            "scenario",
            "intervention",
            "year",
            "district_id",
            "settlement_type",
            "trade_group",
        ],
        ignore_index=True,
    )
    for col in order:
        out[col] = out[col].astype(str)
    cols = ["arm", "scenario", "intervention", "district_id", "settlement_type", "trade_group"]
    return out[[*cols, "year", "metric", "unit", "mean_diff", "ci_low", "ci_high", "n_pairs"]]


def _ranking(groups, districts, pairs, key, base_value, other, last_q, level) -> pd.DataFrame:
    """Per arm and district (and the region as "all"): what the arm keeps, at what cost."""
    keys = ["run_id", "scenario", "intervention", "seed", "district_id"]
    end = groups[groups["quarter"] == last_q].groupby(keys, observed=True)[["employees", "firms"]]
    per = end.sum().join(groups.groupby(keys, observed=True)[["value_added_eur"]].sum())
    per = per.join(districts.groupby(keys)[["intervention_cost_eur"]].sum()).reset_index()
    region = per.groupby(keys[:-1])[
        ["employees", "firms", "value_added_eur", "intervention_cost_eur"]
    ].sum()
    per = pd.concat([per, region.reset_index().assign(district_id="all")], ignore_index=True)
    rows = []
    base = per[per[key] == base_value]
    for (arm, context), part in pairs.groupby(["arm", other]):
        a = per.merge(part[["scenario", "intervention", "seed"]])
        m = a.merge(
            base[base[other] == context],
            on=[other, "seed", "district_id"],
            suffixes=("", "__base"),
        )
        for district, d in m.groupby("district_id"):
            diff = {
                c: d[c].to_numpy(float) - d[f"{c}__base"].to_numpy(float)
                for c in ("employees", "firms", "value_added_eur", "intervention_cost_eur")
            }
            n = len(d)
            row = {
                "arm": arm,
                "scenario": arm if key == "scenario" else context,
                "intervention": arm if key == "intervention" else context,
                "district_id": district,
                "n_pairs": n,
            }
            for c, label in (
                ("employees", "employees_kept"),
                ("firms", "firms_kept"),
                ("value_added_eur", "value_added_kept_eur"),
                ("intervention_cost_eur", "cost_eur"),
            ):
                mean = diff[c].mean()
                sd = diff[c].std(ddof=1) if n > 1 else math.nan
                lo, hi = t_interval(mean, sd, n, level)
                row.update({label: mean, f"{label}_ci_low": lo, f"{label}_ci_high": hi})
            for label, den in (
                ("cost_per_job_kept_eur", diff["employees"]),
                ("cost_per_eur_value_added", diff["value_added_eur"]),
            ):
                est, lo, hi, note = ratio_interval(diff["intervention_cost_eur"], den, level)
                row.update(
                    {
                        label: est,
                        f"{label}_ci_low": lo,
                        f"{label}_ci_high": hi,
                        f"{label}_note": note,
                    }
                )
            rows.append(row)
    out = pd.DataFrame(rows)
    group_cols = [other, "district_id"]
    out["rank_jobs_kept"] = (
        out.groupby(group_cols)["employees_kept"].rank(ascending=False, method="min").astype(int)
    )
    out["rank_cost_per_job"] = out.groupby(group_cols)["cost_per_job_kept_eur"].rank(method="min")
    district_order = {d: i for i, d in enumerate(sorted(set(out["district_id"]) - {"all"}))}
    district_order["all"] = -1
    out = out.sort_values(
        [other, "district_id", "rank_jobs_kept"],
        key=lambda s: s.map(district_order) if s.name == "district_id" else s,
        ignore_index=True,
    )
    return out


def _places(places, pairs, key, base_value, other, year) -> pd.DataFrame:
    from sim.datasets import load_places

    in_y = places[places["year"] == year]
    keys = ["run_id", "scenario", "intervention", "seed", "place_id"]
    per = in_y.groupby(keys)[["value_added_eur", "unmet_demand_eur", "demand_eur"]].sum()
    per = per.reset_index()
    info = places[["place_id", "district_id", "settlement_type"]].drop_duplicates("place_id")
    coords = load_places()[["place_id", "name", "lat", "lon", "population"]]
    frames = []
    base = per[per[key] == base_value]
    for (arm, context), part in pairs.groupby(["arm", other]):
        a = per.merge(part[["scenario", "intervention", "seed"]])
        m = a.merge(
            base[base[other] == context], on=[other, "seed", "place_id"], suffixes=("", "__b")
        )
        agg = (
            m.assign(value_added_change_eur=m["value_added_eur"] - m["value_added_eur__b"])
            .groupby("place_id")
            .agg(
                value_added_change_eur=("value_added_change_eur", "mean"),
                unmet_demand_eur=("unmet_demand_eur", "mean"),
                baseline_unmet_demand_eur=("unmet_demand_eur__b", "mean"),
                value_added_eur=("value_added_eur", "mean"),
                n_pairs=("seed", "count"),
            )
            .reset_index()
        )
        agg["unmet_demand_change_eur"] = agg["unmet_demand_eur"] - agg["baseline_unmet_demand_eur"]
        agg.insert(0, "arm", arm)
        agg.insert(1, "scenario", arm if key == "scenario" else context)
        agg.insert(2, "intervention", arm if key == "intervention" else context)
        frames.append(agg)
    out = pd.concat(frames, ignore_index=True).merge(info, on="place_id").merge(coords)
    out["year"] = year
    first = ["arm", "scenario", "intervention", "place_id", "name", "district_id"]
    first += ["settlement_type", "lat", "lon", "population", "year"]
    return out[first + [c for c in out.columns if c not in first]]


# ---- writing -----------------------------------------------------------------------------------
def _tmp(path: Path) -> Path:
    return path.parent / f".{path.stem}.tmp-{os.getpid()}{path.suffix}"


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    tmp = _tmp(path)
    df.to_csv(tmp, index=False)
    os.replace(tmp, path)
    return path


def write_text(text: str, path: Path) -> Path:
    tmp = _tmp(path)
    tmp.write_text(text)
    os.replace(tmp, path)
    return path


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


def write_xlsx(sheets: dict[str, pd.DataFrame], path: Path) -> Path:
    """One workbook, one sheet per table (sheet names cut to Excel's 31 characters)."""
    tmp = _tmp(path)
    with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for name, df in sheets.items():
            df.to_excel(writer, sheet_name=name[:31], index=False)
    os.replace(tmp, path)
    return path


# ---- command line ------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.compare",
        description="Paired comparison of a sweep's arms against a baseline, by seed.",
    )
    parser.add_argument("sweep_dir", help="sweep folder, e.g. results/policy_comparison")
    parser.add_argument(
        "--baseline",
        default="intervention=none",
        help="reference arm as key=value, key intervention or scenario (default intervention=none)",
    )
    parser.add_argument("--out", help="output folder (default SWEEP_DIR/_report/comparison)")
    parser.add_argument(
        "--metric",
        action="append",
        help="keep only this metric in the tables (repeatable), e.g. employees",
    )
    parser.add_argument("--no-figures", action="store_true", help="tables and summary only")
    args = parser.parse_args(argv)
    try:
        baseline = parse_baseline(args.baseline)
        comparison = paired_comparison(args.sweep_dir, baseline, metrics=args.metric)
        out = Path(args.out) if args.out else Path(args.sweep_dir) / "_report" / "comparison"
        written = comparison.write(out, figures=not args.no_figures)
    except ResultsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(comparison.summary_markdown())
    print(f"wrote {len(written)} files to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
