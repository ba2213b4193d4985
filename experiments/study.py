"""The six study outputs of docs/MISSION ("What the study needs from us") from one sweep folder.

Each table is a tidy CSV (and a sheet of ``study_outputs.xlsx``), each row stamped with
scenario, intervention, the seeds averaged over and the code version (git commit). Levels are
means over seeds with a 95 % t-interval over seeds; differences between arms come from the paired
comparison (``sim.analysis``), which pairs runs by seed.

1. ``01_development_paths``     firms, employees, apprentices, turnover, value added per district,
                                settlement type and year
2. ``02_rural_value_creation``  rural value added per district, share of the district's crafts,
                                change against the base year (2025)
3. ``03_demand_focal_points``   places ranked by unmet demand per year (map); unmet demand per
                                trade group ranked by district and settlement type
4. ``04_transfer_structures``   interventions ranked per district: jobs and firms kept, cost per
                                job and per EUR of value added, 95 % CIs from paired seeds
5. ``05_succession_gap``        owners retiring, successions by route, closures for lack of a
                                successor per district and year
6. ``06_coal_exposure``         coal jobs, craft demand, value added and jobs per district against
                                the counterfactual without coal exit; how much the crafts absorb

Each output is declared once, in ``STUDY_OUTPUTS``: the tables it computes (one CSV and one
workbook sheet each) and the figures it draws from them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis import figures as fig
from sim.analysis.comparison import Comparison
from sim.analysis.loading import code_version, complete_years, read_table
from sim.analysis.pairing import pair_rows, paired_differences
from sim.analysis.reports import with_unit_headers, write_csv, write_xlsx
from sim.analysis.statistics import describe_seeds, ratio_interval, seed_means
from sim.datasets import load_places
from sim.store import finished_runs
from sim.vocabulary import CLOSURE_EVENTS, SUCCESSION_EVENTS

RUN = ["scenario", "intervention"]
MILESTONE_STEP = 5  # years between the snapshots of the demand focal points
Tables = dict[str, pd.DataFrame]  # table name -> table
Figures = dict[str, Path]  # figure key (the file stem) -> PNG path


class Sweep:
    """The finished runs of one sweep folder, loaded once, with the year conventions applied."""

    def __init__(self, sweep_dir: Path | str) -> None:
        self.sweep_dir = Path(sweep_dir)
        self.runs = finished_runs(self.sweep_dir)
        self.groups = self._read("groups")
        self.districts = self._read("districts")
        self.places = self._read("places")
        self.groups["closures"] = self.groups[list(CLOSURE_EVENTS)].sum(axis=1)
        self.groups["successions"] = self.groups[list(SUCCESSION_EVENTS)].sum(axis=1)
        quarters = sorted(self.groups["quarter"].unique())
        # complete years only, so that flows summed over a year are comparable
        self.years = complete_years(quarters) or [int(quarters[-1][:4])]
        self.base_year = self.years[0]
        self.last_year = self.years[-1]
        for name in ("groups", "districts", "places"):
            df = getattr(self, name)
            setattr(self, name, df[df["year"].isin(self.years)].reset_index(drop=True))
        self.code_version, _ = code_version(self.runs)
        stamp = self.runs.groupby(RUN)["seed"].agg(
            seeds=lambda s: describe_seeds(s), n_seeds="nunique"
        )
        self.stamp = stamp.reset_index().assign(code_version=self.code_version)
        first = self.runs.iloc[0]
        self.caption = (
            f"{self.sweep_dir} | region {first['region']} | seeds "
            f"{describe_seeds(self.runs['seed'])} | code {self.code_version}"
        )

    def _read(self, table: str) -> pd.DataFrame:
        df = read_table(self.sweep_dir, table)
        df["scenario"] = df["scenario"].astype(str)
        df["intervention"] = df["intervention"].astype(str)
        return df

    def stamped(self, df: pd.DataFrame) -> pd.DataFrame:
        """``df`` with the seeds and code version of its scenario and intervention."""
        return df.merge(self.stamp, on=RUN, how="left")

    def reference_intervention(self) -> str:
        """The intervention the level figures show: ``none`` where the sweep has it."""
        values = sorted(self.runs["intervention"].unique())
        return "none" if "none" in values else values[0]


def yearly(
    frame: pd.DataFrame, by: list[str], stocks: list[str], flows: list[str], years=None
) -> pd.DataFrame:
    """Per run and ``by``: stocks at the year's last quarter, flows summed over the year."""
    keys = ["run_id", *RUN, "seed", "year", *by]
    if years is not None:
        frame = frame[frame["year"].isin(years)]
    last = frame.groupby("year")["quarter"].transform("max")
    out = []
    if stocks:
        out.append(frame[frame["quarter"] == last].groupby(keys)[stocks].sum())
    if flows:
        out.append(frame.groupby(keys)[flows].sum())
    return pd.concat(out, axis=1).reset_index()


# ---- 1 ------------------------------------------------------------------------------------------
def development_paths(s: Sweep) -> pd.DataFrame:
    stocks = ["firms", "employees", "apprentices"]
    flows = ["turnover_eur", "value_added_eur"]
    by = ["district_id", "settlement_type"]
    per_run = yearly(s.groups, by, stocks, flows)
    totals = yearly(s.groups, ["district_id"], stocks, flows).assign(settlement_type="all")
    per_run = pd.concat([per_run, totals], ignore_index=True)
    return s.stamped(seed_means(per_run, [*RUN, *by, "year"], stocks + flows))


# ---- 2 ------------------------------------------------------------------------------------------
def rural_value_creation(s: Sweep) -> pd.DataFrame:
    g = s.groups.assign(
        rural_value_added_eur=s.groups["value_added_eur"].where(
            s.groups["settlement_type"] == "rural", 0.0
        )
    )
    flows = ["rural_value_added_eur", "value_added_eur"]
    per_run = yearly(g, ["district_id"], [], flows)
    region = per_run.groupby(["run_id", *RUN, "seed", "year"])[flows].sum().reset_index()
    per_run = pd.concat([per_run, region.assign(district_id="all")], ignore_index=True)
    per_run["rural_share_pct"] = (
        100 * per_run["rural_value_added_eur"] / per_run["value_added_eur"].replace(0, np.nan)
    )
    base = per_run[per_run["year"] == s.base_year].set_index(["run_id", "district_id"])
    base_va = per_run.set_index(["run_id", "district_id"]).index.map(base["rural_value_added_eur"])
    change = f"rural_change_vs_{s.base_year}_pct"
    per_run[change] = 100 * (
        per_run["rural_value_added_eur"].to_numpy() / np.where(base_va > 0, base_va, np.nan) - 1
    )
    out = seed_means(
        per_run, [*RUN, "district_id", "year"], [*flows, "rural_share_pct", change]
    ).rename(columns={"value_added_eur": "district_value_added_eur"})
    return s.stamped(out)


# ---- 3 ------------------------------------------------------------------------------------------
def milestone_years(s: Sweep) -> list[int]:
    years = [y for y in s.years if (y - s.base_year) % MILESTONE_STEP == 0]
    return sorted(set(years) | {s.last_year})


def demand_focal_points(s: Sweep) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Places ranked by unmet demand, and unmet demand per trade group ranked by area."""
    years = milestone_years(s)
    per_run = yearly(s.places, ["place_id"], [], ["unmet_demand_eur", "demand_eur"], years)
    places = seed_means(per_run, [*RUN, "place_id", "year"], ["unmet_demand_eur", "demand_eur"])
    places["unmet_share_pct"] = (
        100 * places["unmet_demand_eur"] / places["demand_eur"].replace(0, np.nan)
    )
    places["rank"] = (
        places.groupby([*RUN, "year"])["unmet_demand_eur"]
        .rank(ascending=False, method="first")
        .astype(int)
    )
    info = s.places[["place_id", "district_id", "settlement_type"]].drop_duplicates("place_id")
    coords = load_places()[["place_id", "name", "lat", "lon", "population"]]
    places = places.merge(info, on="place_id").merge(coords, on="place_id")
    places = places.sort_values([*RUN, "year", "rank"], ignore_index=True)
    first = [*RUN, "year", "rank", "place_id", "name", "district_id", "settlement_type"]
    places = places[first + [c for c in places.columns if c not in first]]

    by = ["trade_group", "district_id", "settlement_type"]
    per_run = yearly(s.groups, by, [], ["unmet_demand_eur", "demand_eur"], years)
    groups = seed_means(per_run, [*RUN, *by, "year"], ["unmet_demand_eur", "demand_eur"])
    groups["unmet_share_pct"] = (
        100 * groups["unmet_demand_eur"] / groups["demand_eur"].replace(0, np.nan)
    )
    groups["rank_in_trade_group"] = (
        groups.groupby([*RUN, "year", "trade_group"])["unmet_demand_eur"]
        .rank(ascending=False, method="first")
        .astype(int)
    )
    groups = groups.sort_values(
        [*RUN, "year", "trade_group", "rank_in_trade_group"], ignore_index=True
    )
    return s.stamped(places), s.stamped(groups)


# ---- 4 ------------------------------------------------------------------------------------------
def transfer_structures(comparison: Comparison) -> pd.DataFrame:
    return comparison.ranking.assign(
        baseline=comparison.baseline_label,
        seeds=comparison.meta["seeds"],
        code_version=comparison.meta["code_version"],
    )


# ---- 5 ------------------------------------------------------------------------------------------
def succession_gap(s: Sweep) -> pd.DataFrame:
    flows = [*SUCCESSION_EVENTS, "closures_no_successor"]
    per_run = yearly(s.groups, ["district_id"], ["firms"], flows)
    region = per_run.groupby(["run_id", *RUN, "seed", "year"])[["firms", *flows]].sum()
    per_run = pd.concat([per_run, region.reset_index().assign(district_id="all")])
    # every owner reaching retirement age either hands over or closes for lack of a successor
    per_run["owners_retiring"] = (
        per_run[list(SUCCESSION_EVENTS)].sum(axis=1) + per_run["closures_no_successor"]
    )
    per_run["succession_gap_pct"] = (
        100 * per_run["closures_no_successor"] / per_run["owners_retiring"].replace(0, np.nan)
    )
    metrics = ["owners_retiring", *flows, "succession_gap_pct", "firms"]
    return s.stamped(seed_means(per_run, [*RUN, "district_id", "year"], metrics))


# ---- 6 ------------------------------------------------------------------------------------------
COAL_JOBS = ["coal_direct_jobs", "coal_dependent_jobs"]


def coal_exposure(s: Sweep, counterfactual: str = "no_coal_exit") -> tuple[pd.DataFrame, ...]:
    """Levels per district and year; with the counterfactual in the sweep, the paired hit."""
    d = yearly(s.districts, ["district_id"], [*COAL_JOBS, "coal_jobless_households"], [])
    g = yearly(s.groups, ["district_id"], ["employees", "firms"], ["value_added_eur", "demand_eur"])
    per_run = d.merge(g, on=["run_id", *RUN, "seed", "year", "district_id"])
    per_run["coal_jobs"] = per_run[COAL_JOBS].sum(axis=1)
    metrics = [
        "coal_jobs",
        *COAL_JOBS,
        "coal_jobless_households",
        "employees",
        "firms",
        "value_added_eur",
        "demand_eur",
    ]
    levels = s.stamped(seed_means(per_run, [*RUN, "district_id", "year"], metrics))
    levels = levels.rename(
        columns=lambda c: (
            c.replace("employees", "craft_employees")
            .replace("firms", "craft_firms")
            .replace("value_added_eur", "craft_value_added_eur")
            .replace("demand_eur", "craft_demand_eur")
        )
    )
    if counterfactual not in set(s.runs["scenario"]) or s.runs["scenario"].nunique() < 2:
        return (levels,)
    years = [y for y in (2035, 2045) if y in s.years] or [s.last_year]
    region = per_run.groupby(["run_id", *RUN, "seed", "year"])[metrics].sum().reset_index()
    frame = pd.concat([per_run, region.assign(district_id="all")], ignore_index=True)
    frame = frame[frame["year"].isin(years)]
    units = {
        "coal_jobs": "jobs",
        "employees": "persons",
        "firms": "firms",
        "value_added_eur": "EUR/year",
        "demand_eur": "EUR/year",
    }
    diff = paired_differences(frame, "scenario", counterfactual, ["district_id", "year"], units)
    wide = diff.pivot_table(
        index=["scenario", "intervention", "district_id", "year", "n_pairs"],
        columns="metric",
        values=["mean_diff", "ci_low", "ci_high"],
    )
    wide.columns = [
        f"{metric}_change" + ("" if stat == "mean_diff" else f"_{stat}")
        for stat, metric in wide.columns
    ]
    wide = wide.reset_index()
    # relative hit and absorption: per district, from the paired runs
    keys = ["scenario", "intervention", "district_id", "year"]
    paired = pair_rows(frame, "scenario", counterfactual, ["district_id", "year"], suffix="__cf")
    rows = []
    for (scen, inter, district, year), m in paired.groupby(keys):
        lost = m["coal_jobs__cf"] - m["coal_jobs"]
        va = m["value_added_eur"] - m["value_added_eur__cf"]
        jobs = m["employees"] - m["employees__cf"]
        ratio, lo, hi, note = ratio_interval(
            jobs, lost, zero_note="craft employment unchanged in every pair"
        )
        cf_va = m["value_added_eur__cf"].mean()
        rows.append(
            {
                "scenario": scen,
                "intervention": inter,
                "district_id": district,
                "year": year,
                "coal_jobs_lost": lost.mean(),
                "craft_value_added_change_pct": 100 * va.mean() / cf_va if cf_va else np.nan,
                "craft_jobs_per_coal_job_lost": ratio,
                "craft_jobs_per_coal_job_lost_ci_low": lo,
                "craft_jobs_per_coal_job_lost_ci_high": hi,
                "note": note,
            }
        )
    hit = wide.merge(pd.DataFrame(rows), on=keys)
    hit["rank_hardest_hit"] = (
        hit[hit["district_id"] != "all"]
        .groupby(["scenario", "intervention", "year"])["craft_value_added_change_pct"]
        .rank(method="min")
    )
    hit = hit.rename(
        columns=lambda c: (
            c.replace("employees_change", "craft_employees_change")
            .replace("firms_change", "craft_firms_change")
            .replace("value_added_eur_change", "craft_value_added_change_eur")
            .replace("demand_eur_change", "craft_demand_change_eur")
        )
    )
    hit = hit.assign(counterfactual=f"scenario={counterfactual}")
    return levels, s.stamped(hit.sort_values(["scenario", "year", "rank_hardest_hit"]))


# ---- figures ------------------------------------------------------------------------------------
def draw_development_paths(s: Sweep, t: Tables, c: Comparison | None, out: Path) -> Figures:
    """Value added by district and settlement type over the years, one figure per scenario."""
    ref = s.reference_intervention()
    table = t["01_development_paths"]
    written = {}
    for scen in sorted(table["scenario"].unique()):
        part = table[(table["scenario"] == scen) & (table["intervention"] == ref)]
        name = f"01_development_paths__{scen}"
        written[name] = fig.lines_by_panel(
            part,
            "district_id",
            "settlement_type",
            "year",
            "value_added_eur",
            "value added [EUR/year]",
            f"Craft value added by district and settlement type: {scen}, {ref}",
            s.caption,
            out / f"{name}.png",
            band=("value_added_eur_ci_low", "value_added_eur_ci_high"),
        )
    return written


def draw_rural_value_creation(s: Sweep, t: Tables, c: Comparison | None, out: Path) -> Figures:
    """Change of rural value added against the base year, per district and arm."""
    table = t["02_rural_value_creation"]
    change = f"rural_change_vs_{s.base_year}_pct"
    part = table[table["year"] == s.last_year].assign(
        arm=lambda d: d["scenario"] + " / " + d["intervention"]
    )
    name = "02_rural_value_creation"
    path = fig.bars(
        part,
        "district_id",
        "arm",
        change,
        f"rural craft value added {s.last_year} vs {s.base_year} [%]",
        "Rural value creation: change against the base year",
        s.caption,
        out / f"{name}.png",
        err=(f"{change}_ci_low", f"{change}_ci_high"),
    )
    return {name: path}


def draw_demand_focal_points(s: Sweep, t: Tables, c: Comparison | None, out: Path) -> Figures:
    """Maps of unmet demand per place, per scenario, in the base year and the last year."""
    ref = s.reference_intervention()
    places = t["03_demand_focal_points_places"]
    written = {}
    for scen in sorted(places["scenario"].unique()):
        for year in sorted({s.base_year, s.last_year}):
            part = places[
                (places["scenario"] == scen)
                & (places["intervention"] == ref)
                & (places["year"] == year)
            ]
            name = f"03_demand_focal_points__{scen}__{year}"
            written[name] = fig.level_map(
                part,
                "unmet_demand_eur",
                "unmet demand [EUR/year]",
                f"Demand focal points {year}: {scen}, {ref} (labels: top 8 places)",
                s.caption,
                out / f"{name}.png",
            )
    return written


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


def draw_succession_gap(s: Sweep, t: Tables, c: Comparison | None, out: Path) -> Figures:
    """Closures for lack of a successor per district over the years, one line per scenario."""
    ref = s.reference_intervention()
    table = t["05_succession_gap"]
    part = table[(table["intervention"] == ref) & (table["district_id"] != "all")]
    name = "05_succession_gap"
    path = fig.lines_by_panel(
        part,
        "district_id",
        "scenario",
        "year",
        "closures_no_successor",
        "closures for lack of a successor [firms/year]",
        f"Succession gap by district ({ref})",
        s.caption,
        out / f"{name}.png",
        band=("closures_no_successor_ci_low", "closures_no_successor_ci_high"),
    )
    return {name: path}


def draw_coal_exposure(s: Sweep, t: Tables, c: Comparison | None, out: Path) -> Figures:
    """Craft value added against no coal exit per district, where the sweep has the latter."""
    if "06_coal_exposure" not in t:
        return {}
    hit = t["06_coal_exposure"]
    part = hit[(hit["year"] == hit["year"].max()) & (hit["district_id"] != "all")]
    part = part.assign(arm=lambda d: d["scenario"] + " / " + d["intervention"])
    name = "06_coal_exposure"
    path = fig.bars(
        part,
        "district_id",
        "arm",
        "craft_value_added_change_eur",
        f"craft value added vs no coal exit, {int(part['year'].max())} [EUR/year]",
        "Coal-exit exposure of the crafts (95 % CI, paired seeds)",
        s.caption,
        out / f"{name}.png",
        err=("craft_value_added_change_eur_ci_low", "craft_value_added_change_eur_ci_high"),
    )
    return {name: path}


# ---- the registry -------------------------------------------------------------------------------
@dataclass(frozen=True)
class StudyOutput:
    """One study output: the tables it computes and the figures it draws from them.

    Attributes:
        tables: Its tables' names, in order; each is written as ``<name>.csv`` and a sheet of
            ``study_outputs.xlsx``.
        compute: (sweep, comparison) -> the tables in the order of ``tables``; a shorter tuple
            where the sweep cannot give the last ones (coal exposure without the counterfactual).
        draw: (sweep, tables computed so far, comparison, out folder) -> PNG key -> path.
        figures: The PNG files ``draw`` writes, ``{}`` marking a scenario or year (for readers and
            a test; ``draw`` names the files).
        needs_comparison: Skipped when ``write_outputs`` is given no comparison.
    """

    tables: tuple[str, ...]
    compute: Callable[[Sweep, Comparison | None], tuple[pd.DataFrame, ...]]
    draw: Callable[[Sweep, Tables, Comparison | None, Path], Figures]
    figures: tuple[str, ...]
    needs_comparison: bool = False


# in the order the tables are written and appear in the workbook, whatever order is asked for
STUDY_OUTPUTS: dict[str, StudyOutput] = {
    "development_paths": StudyOutput(
        tables=("01_development_paths",),
        compute=lambda s, c: (development_paths(s),),
        draw=draw_development_paths,
        figures=("01_development_paths__{scenario}.png",),
    ),
    "rural_value_creation": StudyOutput(
        tables=("02_rural_value_creation",),
        compute=lambda s, c: (rural_value_creation(s),),
        draw=draw_rural_value_creation,
        figures=("02_rural_value_creation.png",),
    ),
    "demand_focal_points": StudyOutput(
        tables=("03_demand_focal_points_places", "03_demand_focal_points_trade_groups"),
        compute=lambda s, c: demand_focal_points(s),
        draw=draw_demand_focal_points,
        figures=("03_demand_focal_points__{scenario}__{year}.png",),
    ),
    "transfer_structures": StudyOutput(
        tables=("04_transfer_structures",),
        compute=lambda s, c: (transfer_structures(c),),
        draw=draw_transfer_structures,
        figures=("04_transfer_structures.png",),
        needs_comparison=True,
    ),
    "succession_gap": StudyOutput(
        tables=("05_succession_gap",),
        compute=lambda s, c: (succession_gap(s),),
        draw=draw_succession_gap,
        figures=("05_succession_gap.png",),
    ),
    "coal_exposure": StudyOutput(
        tables=("06_coal_exposure_levels", "06_coal_exposure"),
        compute=lambda s, c: coal_exposure(s),
        draw=draw_coal_exposure,
        figures=("06_coal_exposure.png",),
    ),
}
OUTPUTS = tuple(STUDY_OUTPUTS)


def write_outputs(
    sweep_dir: Path | str,
    out_dir: Path | str,
    outputs: tuple[str, ...] = OUTPUTS,
    comparison: Comparison | None = None,
    figures: bool = True,
) -> dict[str, Path]:
    """Compute the requested study outputs and write CSVs, ``study_outputs.xlsx`` and PNGs.

    Args:
        sweep_dir: The sweep folder.
        out_dir: Folder to write to (made if missing).
        outputs: Names of ``STUDY_OUTPUTS`` to make.
        comparison: The sweep's paired comparison; outputs that need one are skipped without.
        figures: Whether to draw the PNGs.

    Returns:
        File key -> path: figure stems, ``<table>_csv`` and ``xlsx``.

    Raises:
        ValueError: An output name is not in ``STUDY_OUTPUTS``.
    """
    unknown = [name for name in outputs if name not in STUDY_OUTPUTS]
    if unknown:
        raise ValueError(f"unknown study output(s) {unknown}; allowed: {', '.join(OUTPUTS)}")
    s = Sweep(sweep_dir)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables: Tables = {}
    written: dict[str, Path] = {}
    for name, output in STUDY_OUTPUTS.items():
        if name not in outputs or (output.needs_comparison and comparison is None):
            continue
        computed = output.compute(s, comparison)
        tables.update(zip(output.tables, computed, strict=False))
        if figures:
            written.update(output.draw(s, tables, comparison, out))
    for name, df in tables.items():
        written[f"{name}_csv"] = write_csv(df, out / f"{name}.csv")
    about = pd.DataFrame(
        {
            "item": ["sweep", "runs", "code_version", "base_year", "last_year", "tables"],
            "value": [
                str(s.sweep_dir),
                str(len(s.runs)),
                s.code_version,
                str(s.base_year),
                str(s.last_year),
                ", ".join(tables),
            ],
        }
    )
    sheets = {"about": about}
    for name, df in tables.items():
        # Excel allows 31 characters a sheet name
        sheets[name.replace("demand_focal_points", "focal")] = with_unit_headers(df)
    written["xlsx"] = write_xlsx(sheets, out / "study_outputs.xlsx")
    return written
