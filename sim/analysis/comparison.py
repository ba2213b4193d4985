"""Paired comparison of a sweep's arms (interventions or scenarios) against a baseline.

Contract (Python API, also used by the Solara UI and the experiments)::

    from sim.analysis import paired_comparison
    c = paired_comparison("results/policy_comparison", baseline={"intervention": "none"})
    c.headline     # arm, metric, unit, mean_diff, ci_low, ci_high, n_pairs
                   #   (+ scenario, intervention, unpaired_ci_low/high, note)
    c.over_time    # arm, quarter, metric, unit, mean_diff, ci_low, ci_high, n_pairs (+ ...)
    c.by_district  # arm, district_id, settlement_type, trade_group, year, metric, unit,
                   #   mean_diff, ci_low, ci_high, n_pairs (+ ...); "all" rows are totals
    c.places       # arm, place_id, lat, lon, value_added_change_eur, unmet_demand_eur
                   #   (+ name, district_id, settlement_type, population, baseline_unmet_...)
    c.ranking      # transfer structures per district: jobs / firms / value added kept, cost,
                   #   cost per job kept and per EUR value added with 95 % CIs, ranks
    c.returns      # per arm (intervention comparisons): discounted cost, job-years, real
                   #   turnover and real value added kept; cost per job-year and per EUR of
                   #   real value added, EUR of real turnover / value added per EUR of support
    c.write(out_dir) -> dict[str, Path]   # CSVs, comparison.xlsx, PNG figures, summary.md

Method. The baseline names one run dimension (``intervention`` or ``scenario``) and its
reference value; every other value of that dimension is an *arm*. A run of an arm is paired with
the baseline run of the same seed and the same value of the other dimension
(``sim.analysis.pairing``). For each quantity the difference arm - baseline is taken per pair;
the tables give the mean over pairs and the 95 % t-interval (df = pairs - 1).
``unpaired_ci_*`` in the headline is the Welch interval of the same runs treated as independent
samples, to show what pairing gains. Cost ratios (cost per job kept, per EUR of value added) are
the ratio of the mean cost difference to the mean outcome difference, with Fieller's 95 %
interval; where the outcome difference is not above zero, or not significantly so, the ratio or
its interval is NaN and ``note`` says why.

Discounting (``returns``). Costs and outcomes of every complete year are discounted to the first
year at ``DISCOUNT_RATE`` (real, a year; ``sim/data/lever_evidence.csv``, use ``discount``):
present values of cost, of job-years (year-end employees, one year each), of real turnover
(``turnover_base_prices_eur``) and of real value added (``value_added_base_prices_eur``). The
ratios are ratios of the mean paired differences of these present values, with Fieller's
interval, so a programme's late effects weigh less than its early costs.

Time conventions: stocks (firms, employees, apprentices) are read at the last quarter of a
year, flows (value added, unmet demand, closures) are summed over the year. Headline years are
2035 and 2045 where the runs cover them completely, else the last complete year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.analysis import reports, tables
from sim.analysis.loading import code_version, complete_years, read_table
from sim.analysis.pairing import (
    PAIR_KEYS,
    check_settings,
    other_dimension,
    pair_rows,
    run_pairs,
    unpaired_count,
)
from sim.analysis.statistics import LEVEL, describe_seeds, ratio_interval, t_interval
from sim.datasets import load_places
from sim.interventions.evidence import discount_rate
from sim.store import ResultsError, build_index, finished_runs


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
    returns: pd.DataFrame = field(default_factory=pd.DataFrame)
    meta: dict = field(default_factory=dict)

    @property
    def baseline_label(self) -> str:
        """The baseline as ``key=value``."""
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
        return reports.write_comparison(self, out_dir, figures)

    def summary_markdown(self) -> str:
        """The comparison in markdown: what, which seeds and code, headline differences."""
        return reports.summary_markdown(self)


def paired_comparison(
    sweep_dir: Path | str,
    baseline: dict[str, str] | None = None,
    metrics: list[str] | None = None,
    level: float = LEVEL,
) -> Comparison:
    """Pair every arm's runs with the baseline's by seed; see the module docstring.

    Args:
        sweep_dir: The sweep folder.
        baseline: ``{key: value}``, key ``intervention`` or ``scenario``; default
            ``{"intervention": "none"}``.
        metrics: Keep only these metrics in headline, over_time and by_district.
        level: Confidence level of every interval.

    Raises:
        ResultsError: The folder cannot be compared (no runs, no baseline or arm runs, runs of
            mixed settings, nothing paired, unknown metric); the message says what to do.
    """
    baseline = dict(baseline or {"intervention": "none"})
    if len(baseline) != 1 or next(iter(baseline)) not in PAIR_KEYS:
        raise ResultsError(
            f"baseline must name one of {', '.join(PAIR_KEYS)} (e.g. "
            f"{{'intervention': 'none'}}); got {baseline}"
        )
    ((key, base_value),) = baseline.items()
    other = other_dimension(key)
    sweep_dir = Path(sweep_dir)
    runs = finished_runs(sweep_dir)
    arms = _check_runs(runs, sweep_dir, key, base_value)
    pairs = run_pairs(runs, key, base_value)
    if pairs.empty:
        raise ResultsError(
            f"no seed of {sweep_dir} has both an arm run and a baseline run ({key}={base_value}) "
            f"with the same {other}; nothing can be paired"
        )
    notes: list[str] = []
    unpaired = unpaired_count(runs, pairs, key)
    if unpaired > 0:
        notes.append(f"{unpaired} finished run(s) have no partner with the same seed: left out")
    index_failed = int((build_index(sweep_dir)["status"] == "failed").sum())
    if index_failed:
        notes.append(f"{index_failed} run(s) of the sweep failed and are not included (index)")
    for arm, n in pairs.groupby("arm")["seed"].count().items():
        if n < 2:
            notes.append(f"arm {arm} has {n} pair: no confidence interval")

    try:
        parts = _tables(sweep_dir, runs, key, base_value, level, notes)
    except KeyError as exc:  # tables of another layout (another model version, hand-made)
        raise ResultsError(
            f"the runs in {sweep_dir} lack the column(s) {exc} that a comparison reads: were "
            f"they written by another version of the model? Re-run them with this one"
        ) from None
    headline, over_time, by_district, ranking, places_table, head_years, last_year = parts

    if metrics:
        allowed = sorted(
            set(tables.OVER_TIME_METRICS) | set(tables.DISTRICT_METRICS) | set(headline["metric"])
        )
        unknown = [m for m in metrics if m not in allowed]
        if unknown:
            raise ResultsError(f"unknown metric(s) {unknown}; allowed: {', '.join(allowed)}")
        headline = headline[headline["metric"].isin(metrics)].reset_index(drop=True)
        over_time = over_time[over_time["metric"].isin(metrics)].reset_index(drop=True)
        by_district = by_district[by_district["metric"].isin(metrics)].reset_index(drop=True)

    returns = pd.DataFrame()
    if key == "intervention":
        returns = lever_returns(
            read_table(sweep_dir, "groups"), read_table(sweep_dir, "districts"), base_value
        )
    code, code_notes = code_version(runs)
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
        returns=returns,
    )


def _check_runs(runs: pd.DataFrame, sweep_dir: Path, key: str, base_value: str) -> list[str]:
    """The arms, after checking the runs can be compared at all (else ResultsError): they
    differ in no setting but ``key`` and the seed (:func:`check_settings`, naming the setting),
    there is one run per scenario, intervention and seed, the baseline and an arm are there."""
    check_settings(runs, key)
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
    return arms


def _tables(sweep_dir: Path, runs: pd.DataFrame, key: str, base_value: str, level: float, notes):
    """The comparison's tables from the runs' recorded tables (KeyError: a column is missing)."""
    groups = tables.with_derived_columns(read_table(sweep_dir, "groups"))
    districts = read_table(sweep_dir, "districts")
    places = read_table(sweep_dir, "places")
    quarters = sorted(groups["quarter"].unique())
    years = complete_years(quarters)
    if not years:
        years = [int(quarters[-1][:4])]
        notes.append(f"no complete year in the runs: {years[0]} covers only part of the year")
    head_years = [y for y in tables.HEADLINE_YEARS if y in years] or [years[-1]]
    last_year = years[-1]

    over_time = tables.over_time(groups, districts, key, base_value, level)
    headline = tables.headline(
        runs, groups, districts, key, base_value, head_years, last_year, level
    )
    by_district = tables.by_district(groups, head_years, key, base_value, level)
    ranking = tables.ranking(groups, districts, key, base_value, level)
    place_info = load_places()[["place_id", "name", "lat", "lon", "population"]]
    places_table = tables.places(places, place_info, key, base_value, last_year)
    return headline, over_time, by_district, ranking, places_table, head_years, last_year


DISCOUNT_RATE = discount_rate()  # real, a year: 2 % [E] (SOURCES_lever_evidence.md)
# present value per run: column of the groups / districts table -> name in ``returns``
PRESENT_VALUES = {
    "cost": "intervention_cost_eur",
    "job_years": "employees",
    "real_turnover": "turnover_base_prices_eur",
    "real_value_added": "value_added_base_prices_eur",
}


def present_values(
    groups: pd.DataFrame, districts: pd.DataFrame, rate: float = DISCOUNT_RATE
) -> pd.DataFrame:
    """Per run (scenario, intervention, seed): present values at the first complete year of
    cost, job-years, real turnover and real value added (EUR and years; see the module doc)."""
    years = complete_years(sorted(groups["quarter"].unique()))
    keys = ["run_id", "scenario", "intervention", "seed"]
    g = groups[groups["year"].isin(years)]
    if "value_added_base_prices_eur" not in g:  # older runs: turnover at base prices - inputs
        g = g.assign(value_added_base_prices_eur=g["turnover_base_prices_eur"] - g["inputs_eur"])
    last = g["quarter"] == g.groupby("year")["quarter"].transform("max")
    per_year = g.groupby([*keys, "year"], observed=True)[
        ["turnover_base_prices_eur", "value_added_base_prices_eur"]
    ].sum()
    per_year["employees"] = g[last].groupby([*keys, "year"], observed=True)["employees"].sum()
    d = districts[districts["year"].isin(years)]
    per_year["intervention_cost_eur"] = d.groupby([*keys, "year"], observed=True)[
        "intervention_cost_eur"
    ].sum()
    per_year = per_year.fillna(0.0).reset_index()
    factor = (1.0 + rate) ** -(per_year["year"] - years[0]).to_numpy(float)
    out = per_year[keys].copy()
    for name, column in PRESENT_VALUES.items():
        out[name] = per_year[column].to_numpy(float) * factor
    out = out.groupby(keys, observed=True).sum().reset_index()
    return out.assign(discount_rate=rate, base_year=years[0])


def lever_returns(
    groups: pd.DataFrame,
    districts: pd.DataFrame,
    base_value: str = "none",
    rate: float = DISCOUNT_RATE,
    level: float = LEVEL,
) -> pd.DataFrame:
    """Per intervention arm and scenario: what its support returns, discounted (region total).

    Columns: arm, scenario, intervention, n_pairs, discount_rate, base_year; the mean paired
    difference of each present value (``cost_pv_eur``, ``job_years_pv``,
    ``real_turnover_pv_eur``, ``real_value_added_pv_eur``) with its t-interval; and the ratios
    ``cost_per_job_year_eur``, ``cost_per_eur_real_value_added``,
    ``real_turnover_per_eur_support``, ``real_value_added_per_eur_support`` with Fieller's
    interval and a note where a ratio is undefined.
    """
    pv = present_values(groups, districts, rate)
    paired = pair_rows(pv, "intervention", base_value)
    rows = []
    labels = {
        "cost": "cost_pv_eur",
        "job_years": "job_years_pv",
        "real_turnover": "real_turnover_pv_eur",
        "real_value_added": "real_value_added_pv_eur",
    }
    ratios = (
        ("cost_per_job_year_eur", "cost", "job_years"),
        ("cost_per_eur_real_value_added", "cost", "real_value_added"),
        ("real_turnover_per_eur_support", "real_turnover", "cost"),
        ("real_value_added_per_eur_support", "real_value_added", "cost"),
    )
    for (arm, scenario), m in paired.groupby(["intervention", "scenario"]):
        diff = {k: m[k].to_numpy(float) - m[f"{k}__base"].to_numpy(float) for k in labels}
        n = len(m)
        row = {"arm": arm, "scenario": scenario, "intervention": arm, "n_pairs": n}
        row.update(discount_rate=rate, base_year=int(m["base_year"].iloc[0]))
        for k, label in labels.items():
            mean = diff[k].mean()
            sd = diff[k].std(ddof=1) if n > 1 else float("nan")
            lo, hi = t_interval(mean, sd, n, level)
            row.update({label: mean, f"{label}_ci_low": lo, f"{label}_ci_high": hi})
        for label, num, den in ratios:
            est, lo, hi, note = ratio_interval(diff[num], diff[den], level)
            row.update(
                {label: est, f"{label}_ci_low": lo, f"{label}_ci_high": hi, f"{label}_note": note}
            )
        rows.append(row)
    return pd.DataFrame(rows)
