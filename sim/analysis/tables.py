"""The tables of a paired comparison, each computed from the runs' recorded tables.

Time conventions: stocks (firms, employees, apprentices) are read at the last quarter of a year,
flows (value added, unmet demand, closures) are summed over the year. Every difference is arm
minus baseline within a pair of runs (``sim.analysis.pairing``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.analysis.pairing import other_dimension, pair_rows, paired_differences, run_columns
from sim.analysis.statistics import LEVEL, ratio_interval, t_interval, welch_interval
from sim.vocabulary import CLOSURE_EVENTS, SETTLEMENT_TYPES, TRADE_GROUPS

HEADLINE_YEARS = (2035, 2045)
RUN_COLUMNS = ["scenario", "intervention", "seed"]

STOCKS = {"firms": "firms", "employees": "persons", "apprentices": "persons"}
# value added real (base-year prices: the headline) and nominal (at the craft prices) beside
FLOWS = {
    "value_added_real_eur": "EUR",
    "rural_value_added_real_eur": "EUR",
    "value_added_eur": "EUR",
    "rural_value_added_eur": "EUR",
    "unmet_demand_eur": "EUR",
    "closures": "firms",
    "intervention_cost_eur": "EUR",
}
OVER_TIME_METRICS = {**STOCKS, **{k: f"{u}/quarter" for k, u in FLOWS.items()}}
DISTRICT_METRICS = {
    **STOCKS,
    "value_added_real_eur": "EUR/year",
    "value_added_eur": "EUR/year",
    "unmet_demand_eur": "EUR/year",
    "closures": "firms/year",
}
# the ranking's quantities per district: column of the groups table -> its label "kept"
KEPT = {
    "employees": "employees_kept",
    "firms": "firms_kept",
    "value_added_real_eur": "value_added_real_kept_eur",
    "intervention_cost_eur": "cost_eur",
}


def with_derived_columns(groups: pd.DataFrame) -> pd.DataFrame:
    """Add ``closures`` (all reasons), real value added (``value_added_real_eur``: turnover
    minus inputs, both at base-year prices) and the rural parts of real and nominal value added
    to the groups table."""
    groups["closures"] = groups[list(CLOSURE_EVENTS)].sum(axis=1)
    groups["value_added_real_eur"] = groups["value_added_base_prices_eur"]
    rural = groups["settlement_type"] == "rural"
    for column in ("value_added_real_eur", "value_added_eur"):
        groups[f"rural_{column}"] = groups[column].where(rural, 0.0)
    return groups


def over_time(
    groups: pd.DataFrame,
    districts: pd.DataFrame,
    key: str,
    base_value: str,
    level: float = LEVEL,
) -> pd.DataFrame:
    """Region totals per quarter: paired differences of stocks and quarterly flows."""
    flow_cols = [k for k in FLOWS if k != "intervention_cost_eur"]
    per_q = groups.groupby(["run_id", *RUN_COLUMNS, "quarter"], observed=True)[
        [*STOCKS, *flow_cols]
    ].sum()
    cost_q = districts.groupby(["run_id", "quarter"])["intervention_cost_eur"].sum()
    per_q = per_q.join(cost_q, on=["run_id", "quarter"]).reset_index()
    return paired_differences(per_q, key, base_value, ["quarter"], OVER_TIME_METRICS, level)


def headline(
    runs: pd.DataFrame,
    groups: pd.DataFrame,
    districts: pd.DataFrame,
    key: str,
    base_value: str,
    head_years: list[int],
    last_year: int,
    level: float = LEVEL,
) -> pd.DataFrame:
    """One number per run and metric, paired; with the unpaired interval and cost ratios.

    The metrics: (rural) value added in each headline year, stocks at the last quarter, unmet
    demand in the last complete year, totals over the horizon, and the cost per job kept and per
    EUR of value added (Fieller's interval).
    """
    other = other_dimension(key)
    last_q = groups["quarter"].max()
    head = {}
    run_g = groups.groupby("run_id")
    for y in head_years:
        in_y = groups[groups["year"] == y].groupby("run_id")
        for column in (
            "rural_value_added_real_eur",
            "value_added_real_eur",
            "rural_value_added_eur",
            "value_added_eur",
        ):
            head[f"{column}_{y}"] = (in_y[column].sum(), "EUR/year")
    at_end = groups[groups["quarter"] == last_q].groupby("run_id")
    for col, unit in STOCKS.items():
        head[f"{col}_{last_q}"] = (at_end[col].sum(), unit)
    in_last = groups[groups["year"] == last_year].groupby("run_id")
    head[f"unmet_demand_eur_{last_year}"] = (in_last["unmet_demand_eur"].sum(), "EUR/year")
    head["closures_total"] = (run_g["closures"].sum(), "firms")
    head["closures_no_successor_total"] = (run_g["closures_no_successor"].sum(), "firms")
    head["value_added_real_eur_total"] = (run_g["value_added_real_eur"].sum(), "EUR")
    head["value_added_eur_total"] = (run_g["value_added_eur"].sum(), "EUR")
    head["intervention_cost_eur_total"] = (
        districts.groupby("run_id")["intervention_cost_eur"].sum(),
        "EUR",
    )
    per_run = runs.set_index("run_id")[RUN_COLUMNS].copy()
    for name, (series, _) in head.items():
        per_run[name] = series
    per_run = per_run.reset_index()
    units = {name: unit for name, (_, unit) in head.items()}
    out = paired_differences(per_run, key, base_value, [], units, level)
    out["unpaired_ci_low"] = np.nan
    out["unpaired_ci_high"] = np.nan
    out["note"] = ""
    jobs_metric = f"employees_{last_q}"
    ratio_rows = []
    for (arm, context), pairs in pair_rows(per_run, key, base_value).groupby([key, other]):
        pairs = pairs.sort_values("seed")
        for metric in units:
            # the same runs treated as independent samples, to show what pairing gains
            _, lo, hi = welch_interval(pairs[metric], pairs[f"{metric}__base"], level)
            mask = (out["arm"] == arm) & (out[other] == context) & (out["metric"] == metric)
            out.loc[mask, ["unpaired_ci_low", "unpaired_ci_high"]] = lo, hi
        cost = _diff(pairs, "intervention_cost_eur_total")
        for metric, den_col, unit in (
            ("cost_per_job_kept_eur", jobs_metric, "EUR per job"),
            ("cost_per_eur_value_added", "value_added_real_eur_total", "EUR per EUR"),
        ):
            est, lo, hi, note = ratio_interval(cost, _diff(pairs, den_col), level)
            ratio_rows.append(
                {
                    "arm": arm,
                    **run_columns(key, arm, context),
                    "metric": metric,
                    "unit": unit,
                    "mean_diff": est,
                    "ci_low": lo,
                    "ci_high": hi,
                    "n_pairs": len(pairs),
                    "note": note,
                }
            )
    out = pd.concat([out, pd.DataFrame(ratio_rows)], ignore_index=True)
    return out.sort_values(["arm", other], kind="stable", ignore_index=True)


def _diff(pairs: pd.DataFrame, col: str) -> np.ndarray:
    """Arm minus baseline of ``col`` in each pair of :func:`pair_rows`' result."""
    return pairs[col].to_numpy(float) - pairs[f"{col}__base"].to_numpy(float)


def year_values(groups: pd.DataFrame, year: int, by: list[str]) -> pd.DataFrame:
    """Stocks at the last quarter of ``year`` and flows summed over it, per run and ``by``."""
    in_y = groups[groups["year"] == year]
    last = in_y["quarter"].max()
    keys = ["run_id", *RUN_COLUMNS, *by]
    stocks = in_y[in_y["quarter"] == last].groupby(keys, observed=True)[list(STOCKS)].sum()
    flows = in_y.groupby(keys, observed=True)[
        ["value_added_real_eur", "value_added_eur", "unmet_demand_eur", "closures"]
    ].sum()
    return stocks.join(flows).reset_index()


def by_district(
    groups: pd.DataFrame, years: list[int], key: str, base_value: str, level: float = LEVEL
) -> pd.DataFrame:
    """Paired differences per district x settlement type x trade group and year.

    Every level of aggregation is included, its coarser columns set to "all" (the district's
    total, and the region's as district "all").
    """
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


def ranking(
    groups: pd.DataFrame,
    districts: pd.DataFrame,
    key: str,
    base_value: str,
    level: float = LEVEL,
) -> pd.DataFrame:
    """Per arm and district (and the region as "all"): what the arm keeps, at what cost.

    Jobs and firms at the last quarter, value added and intervention cost over the horizon;
    each with its paired t-interval, the cost per job kept and per EUR of value added with
    Fieller's interval, and ranks among the arms within each context and district.
    """
    other = other_dimension(key)
    last_q = groups["quarter"].max()
    keys = ["run_id", *RUN_COLUMNS, "district_id"]
    end = groups[groups["quarter"] == last_q].groupby(keys, observed=True)[["employees", "firms"]]
    per = end.sum().join(groups.groupby(keys, observed=True)[["value_added_real_eur"]].sum())
    per = per.join(districts.groupby(keys)[["intervention_cost_eur"]].sum()).reset_index()
    region = per.groupby(keys[:-1])[list(KEPT)].sum()
    per = pd.concat([per, region.reset_index().assign(district_id="all")], ignore_index=True)
    rows = []
    paired = pair_rows(per, key, base_value, ["district_id"])
    for (arm, context), m in paired.groupby([key, other]):
        for district, d in m.groupby("district_id"):
            diff = {c: _diff(d, c) for c in KEPT}
            n = len(d)
            row = {"arm": arm, **run_columns(key, arm, context), "district_id": district}
            row["n_pairs"] = n
            for c, label in KEPT.items():
                mean = diff[c].mean()
                sd = diff[c].std(ddof=1) if n > 1 else math.nan
                lo, hi = t_interval(mean, sd, n, level)
                row.update({label: mean, f"{label}_ci_low": lo, f"{label}_ci_high": hi})
            for label, den in (
                ("cost_per_job_kept_eur", diff["employees"]),
                ("cost_per_eur_value_added", diff["value_added_real_eur"]),
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
    # districts in name order, the region first
    district_order = {d: i for i, d in enumerate(sorted(set(out["district_id"]) - {"all"}))}
    district_order["all"] = -1
    return out.sort_values(
        [other, "district_id", "rank_jobs_kept"],
        key=lambda s: s.map(district_order) if s.name == "district_id" else s,
        ignore_index=True,
    )


def places(
    places: pd.DataFrame,
    place_info: pd.DataFrame,
    key: str,
    base_value: str,
    year: int,
) -> pd.DataFrame:
    """Per arm and place: value added change and unmet demand in ``year`` (means over pairs).

    Args:
        places: The runs' places table.
        place_info: Per place_id: name, lat, lon, population (``sim.datasets.load_places``).
        key: The run dimension compared.
        base_value: The baseline's value of ``key``.
        year: A complete year.
    """
    other = other_dimension(key)
    in_y = places[places["year"] == year]
    keys = ["run_id", *RUN_COLUMNS, "place_id"]
    per = in_y.groupby(keys)[["value_added_eur", "unmet_demand_eur", "demand_eur"]].sum()
    per = per.reset_index()
    info = places[["place_id", "district_id", "settlement_type"]].drop_duplicates("place_id")
    frames = []
    paired = pair_rows(per, key, base_value, ["place_id"])
    for (arm, context), m in paired.groupby([key, other]):
        agg = (
            m.assign(value_added_change_eur=_diff(m, "value_added_eur"))
            .groupby("place_id")
            .agg(
                value_added_change_eur=("value_added_change_eur", "mean"),
                unmet_demand_eur=("unmet_demand_eur", "mean"),
                baseline_unmet_demand_eur=("unmet_demand_eur__base", "mean"),
                value_added_eur=("value_added_eur", "mean"),
                n_pairs=("seed", "count"),
            )
            .reset_index()
        )
        agg["unmet_demand_change_eur"] = agg["unmet_demand_eur"] - agg["baseline_unmet_demand_eur"]
        for i, (col, value) in enumerate({"arm": arm, **run_columns(key, arm, context)}.items()):
            agg.insert(i, col, value)
        frames.append(agg)
    out = pd.concat(frames, ignore_index=True).merge(info, on="place_id").merge(place_info)
    out["year"] = year
    first = ["arm", "scenario", "intervention", "place_id", "name", "district_id"]
    first += ["settlement_type", "lat", "lon", "population", "year"]
    return out[first + [c for c in out.columns if c not in first]]
