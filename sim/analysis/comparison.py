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
    run_pairs,
    unpaired_count,
)
from sim.analysis.statistics import LEVEL, describe_seeds
from sim.datasets import load_places
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
