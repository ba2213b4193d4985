"""Hindcast: the model started from the observed state at the end of 2021, run without refitting
to 2024, against the chambers' and the Handwerkszaehlung's counts of 2022-2024.

The model initialises from ``districts.csv``, whose craft counts are those of 2024 (the base
year). A hindcast start needs the same table for the end of 2021. What the data allow:

- registered firms per chamber at the end of 2021 (``hindcast_evidence.csv``, role ``start``):
  HWK Halle observed [V], HWK Leipzig and the Thuringian chambers interpolated [E]; each
  district's firms and apprentices are scaled by its chamber's ratio start / base;
- population and households per district moved back to the end of 2021 with the official
  projection's index (``demography.csv``, the configured variant; 2021 is its first years);
- owners' ages per chamber from the figures nearest the start (``sim.owner_ages.
  anchors_nearest``): HWK Leipzig's shares of 2021 [S] and HWK Ostthueringen's estimates of
  2023 [E], each with the Saxon mean of that year [D]; HWK Halle's of 2025 (no 65+ figure
  before 2025), so its owners start about three years too old;
- the construction cycle (``sim.scenarios.construction_cycle``) scales the building trades'
  demand by Germany's real building volume of 2022-2024 relative to 2021, as it does in every
  run that starts before 2025 (national statistics; no regional craft figure);
- everything else (district shares within a chamber, trade-group shares, persons per firm,
  the age structure of 2023) stays at the base year: there is no district- or group-level
  count for 2021. So the hindcast tests the model's dynamics of the chamber totals, not its
  distribution.

Compared (role ``validate``): the change of registered firms (HWK Halle end 2021 -> 31.08.2024,
HWK Leipzig 30.06.2023 -> 30.06.2024), of HWZ persons 2021 -> 2022 (Sachsen-Anhalt, Sachsen;
reported as ``fit`` rows: the labour pool's inflow shortfall is fitted to these figures in the
forward run), of employment in HWK Halle's districts (end 2022 -> end 2024, against the
chamber's 2022-2025 pace) and in the official Anlage A statistic of Sachsen-Anhalt (2022 ->
2024) and Sachsen (2022 -> 2023), and of the apprentice stock in HWK Halle's districts
(2023 -> 2024), and the Bauhaupt trades' real turnover in Sachsen-Anhalt's districts 2023 ->
2024 against the state's construction statistics (``building_checks``: does Germany's volume
stand for the region?), and the persons employed by trade group in Sachsen-Anhalt Q4 2023 ->
Q4 2024 (``sim.validation.group_employment``: do the building trades shed the most?).
Changes, not levels: the levels at the end are the base year's data, which the district shares
come from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd

from sim.datasets import load_districts, read_csv
from sim.demography_checks import Check, frame
from sim.model import RegionModel
from sim.region import Region
from sim.scenarios.base import ScenarioProcess
from sim.validation.group_employment import group_employment_checks
from sim.validation.turnover import turnover_by_state_year
from sim.vocabulary import parse_quarter

START = "2022Q1"  # the first simulated quarter; the state is that of 31.12.2021
END = "2024Q4"
START_YEAR = 2021  # year-end of the start state

EVIDENCE = "hindcast_evidence.csv"
COLUMNS = ["role", "area", "date", "measure", "value", "unit", "source_id", "tag", "note"]


def load_evidence() -> pd.DataFrame:
    return read_csv(EVIDENCE, COLUMNS)


def start_districts(variant: str, evidence: pd.DataFrame | None = None) -> pd.DataFrame:
    """``districts.csv`` moved back to the end of ``START_YEAR`` (see the module docstring)."""
    e = load_evidence() if evidence is None else evidence
    firms = e[e["measure"] == "registered_firms"].pivot(
        index="area", columns="role", values="value"
    )
    ratio = firms["start"] / firms["base"]
    d = load_districts().copy()
    scale = d["chamber"].map(ratio).fillna(1.0).to_numpy(float)
    # keep whole firms: the model places craft_firms 1:1
    d["craft_firms"] = np.rint(d["craft_firms"].to_numpy(float) * scale).astype(int)
    d["apprentices"] = np.rint(d["apprentices"].to_numpy(float) * scale).astype(int)
    demo = read_csv("demography.csv", ["district_id", "variant", "year", "population_index"])
    demo = demo[demo["variant"] == variant].set_index(["district_id", "year"])["population_index"]
    base_year = pd.to_datetime(d["population_date"]).dt.year
    pop_scale = np.array(
        [
            demo.get((dist, START_YEAR), np.nan) / demo.get((dist, int(y)), np.nan)
            for dist, y in zip(d["district_id"], base_year, strict=True)
        ]
    )
    pop_scale = np.where(np.isfinite(pop_scale), pop_scale, 1.0)
    d["population"] = np.rint(d["population"] * pop_scale).astype(int)
    d["households"] = np.rint(d["households"] * pop_scale).astype(int)
    return d


def run_hindcast(
    cfg, shaper: Callable[[Region], ScenarioProcess] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build the model on the 2021 state, run START..END; return (start per district, groups).
    ``shaper``: makes, from the model's region, a process whose ``shape_demand`` also acts
    (after the calibration to the start state), e.g. ``observed_output.ObservedOutput``."""
    variant = getattr(cfg.scenario.demography.variant, "value", cfg.scenario.demography.variant)
    cfg = cfg.copy()
    cfg.start, cfg.end = START, END
    model = RegionModel(cfg, districts=start_districts(variant))
    if shaper is not None:
        model.demand.add_shaper(shaper(model.region))
    t = model.firms.table
    alive = t.alive
    ids = model.region.districts["district_id"].to_numpy()
    n = len(ids)
    start = pd.DataFrame(
        {
            "district_id": ids,
            "firms": np.bincount(t.district[alive], minlength=n),
            "employees": np.bincount(t.district[alive], t.staff[alive], minlength=n),
            "apprentices": np.bincount(t.district[alive], t.apprentices[alive], minlength=n),
        }
    )
    while model.running:
        model.step()
    return start, model.recorder.tables()["groups"]


def paths(start: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """Firms, employees, apprentices per district and quarter end; the start row is 'start'."""
    cols = ["firms", "employees", "apprentices"]
    per = groups.groupby(["quarter", "district_id"], observed=True)[cols].sum().reset_index()
    first = start.assign(quarter=f"{START_YEAR}Q4")
    out = pd.concat([first[["quarter", "district_id", *cols]], per], ignore_index=True)
    chamber = load_districts().set_index("district_id")["chamber"]
    out["chamber"] = out["district_id"].map(chamber)
    out["state"] = out["district_id"].map(load_districts().set_index("district_id")["state"])
    return out


def _total(p: pd.DataFrame, quarter: str, column: str, by: str, area: str) -> float:
    rows = p[(p["quarter"] == quarter) & (p[by] == area)]
    return float(rows[column].sum())


def _change(p, q0, q1, column, by, area) -> float:
    a, b = _total(p, q0, column, by, area), _total(p, q1, column, by, area)
    return 100 * (b / a - 1) if a > 0 else float("nan")


def _key(area: str) -> str:
    """'Sachsen-Anhalt' (districts.csv state) and 'sachsen_anhalt' (evidence) are one area."""
    return area.lower().replace("-", "_")


# measures whose figures a parameter is fitted to (in the forward run, not here): the
# Handwerkszaehlung's 2021 -> 2022 change sets the labour pool's inflow shortfall
# (sim.labour_checks); the hindcast rows of those figures are then not out of sample
FITTED_MEASURES = {"hwz_persons_change_pct"}

# (measure, area, column, grouping, from-quarter, to-quarter, tolerance in points, why)
SPECS = (
    (
        "registered_firms_change_pct",
        "hwk_halle",
        "firms",
        "chamber",
        "2021Q4",
        "2024Q3",
        2.0,
        "2 points over 2.7 years: the chamber's own pace varied 0.5 points a year (-1.3 %/yr "
        "2011-2022, -0.8 %/yr 2022-2025)",
    ),
    (
        "registered_firms_change_pct_yoy",
        "hwk_leipzig",
        "firms",
        "chamber",
        "2023Q2",
        "2024Q2",
        1.5,
        "1.5 points in one year: year-to-year swings of the register (Sachsen 2021-2022 entries "
        "and exits moved 0.6 points)",
    ),
    (
        "hwz_persons_change_pct",
        "Sachsen-Anhalt",
        "employees+apprentices",
        "state",
        "2021Q4",
        "2022Q4",
        1.5,
        "1.5 points in one year (the HWZ 2021/2022 changes of the two states differ by 0.2 "
        "points; the HwO scope change of 2020/21 still moved counts)",
    ),
    (
        "hwz_persons_change_pct",
        "Sachsen",
        "employees+apprentices",
        "state",
        "2021Q4",
        "2022Q4",
        1.5,
        "as for Sachsen-Anhalt",
    ),
    (
        "employees_change_pct_per_year",
        "hwk_halle",
        "employees+apprentices",
        "chamber",
        "2022Q4",
        "2024Q4",
        1.5,
        "1.5 points a year, as the forward check of the same trend (sim.demography_checks)",
    ),
    (
        "hwb_persons_change_pct_per_year",
        "Sachsen-Anhalt",
        "employees+apprentices",
        "state",
        "2022Q4",
        "2024Q4",
        1.0,
        "1 point a year: an official count (administrative data), but of the Anlage A trades "
        "only and of the whole Land (with HWK Magdeburg); the model counts all trades of the "
        "HWK Halle districts (A-only and A+B1 changes differed by 0.2 points in 2021/22)",
    ),
    (
        "hwb_persons_change_pct_per_year",
        "Sachsen",
        "employees+apprentices",
        "state",
        "2022Q4",
        "2023Q4",
        1.5,
        "1.5 points in one year, as the Handwerkszaehlung rows: Anlage A only, all of Sachsen "
        "against the model's three HWK Leipzig districts",
    ),
    (
        "apprentices_stock_change_pct",
        "hwk_halle",
        "apprentices",
        "chamber",
        "2023Q4",
        "2024Q4",
        3.0,
        "3 points: the stock is proxied by three intakes with equal dropout [E]",
    ),
)


def hindcast_checks(
    p: pd.DataFrame, evidence: pd.DataFrame | None = None, specs: tuple = SPECS
) -> list[Check]:
    """The ``specs`` (by default all SPECS) against the model's paths; a check whose areas are
    not in the run is left out."""
    e = _validate_rows(evidence)
    out = []
    for measure, area, column, by, q0, q1, tol, why in specs:
        if not (p[by] == area).any():
            continue
        row = e[(e["measure"] == measure) & (e["key"] == _key(area))].iloc[0]
        cols = column.split("+")
        p2 = p.assign(value=p[cols].sum(axis=1))
        model = _change(p2, q0, q1, "value", by, area)
        if measure.endswith("per_year"):
            years = (parse_quarter(q1) - parse_quarter(q0)) / 4
            model = 100 * ((1 + model / 100) ** (1 / years) - 1)
        out.append(
            Check(
                f"hindcast from end {START_YEAR}: {measure.replace('_', ' ')} ({row['unit']}), "
                f"model {q0}->{q1}",
                area,
                float(row["value"]),
                model,
                tol,
                why,
                f"hindcast_evidence.csv {row['source_id']} [{row['tag']}]: {row['note']}",
                "fit" if measure in FITTED_MEASURES else "validate",
            )
        )
    return out


def seed_config(cfg, k: int):
    """``cfg`` with the k-th seed of a multi-seed check (``cfg.seed + k``)."""
    run_cfg = cfg.copy()
    run_cfg.seed = int(cfg.seed) + k
    return run_cfg


def rows_over_seeds(per_seed: list[list[Check]], label: str = "", note: str = "") -> pd.DataFrame:
    """Report rows of the same checks run with several seeds: the model's value the seeds'
    mean (error and verdict come from Check and frame, as for every other row), their
    standard deviation in ``model_sd``; ``label`` is appended to each check's name, ``note``
    to its source."""
    n_seeds = len(per_seed)
    models = np.array([[c.model for c in checks] for checks in per_seed])
    suffix = f"{label}, mean of {n_seeds} seeds" if n_seeds > 1 else label
    mean_checks = [
        replace(c, check=c.check + suffix, model=float(m), source=c.source + note)
        for c, m in zip(per_seed[0], models.mean(axis=0), strict=True)
    ]
    rows = frame(mean_checks)
    rows["model_sd"] = models.std(axis=0, ddof=1) if n_seeds > 1 else np.nan
    return rows


def checks_over_seeds(cfg, n_seeds: int) -> tuple[pd.DataFrame, pd.DataFrame, list[pd.DataFrame]]:
    """The hindcast checks as report rows with the model's value the mean of ``n_seeds`` runs
    (seeds ``cfg.seed`` ... ``cfg.seed + n_seeds - 1``) and their standard deviation in
    ``model_sd``; the verdict is the mean's. A one-year change of a small stock (the apprentices:
    about 2,000) moves by 1-2 points between seeds, more than some tolerances: one seed's
    verdict would be luck. Returns (rows, the first seed's paths, each seed's ``groups``
    table: the conditional hindcast reads the model's own output from them)."""
    per_seed, first, groups_per_seed = [], None, []
    for k in range(n_seeds):
        start, groups = run_hindcast(seed_config(cfg, k))
        groups_per_seed.append(groups)
        p = paths(start, groups)
        first = p if first is None else first
        by_group = group_employment_checks(groups, _validate_rows(None))
        per_seed.append(hindcast_checks(p) + building_checks(groups) + by_group)
    return rows_over_seeds(per_seed), first, groups_per_seed


# the construction cycle's regional test: (measure, state, trade group, year, tolerance, why)
BUILDING_SPECS = (
    (
        "bauhaupt_turnover_real_change_pct",
        "Sachsen-Anhalt",
        "bauhaupt",
        2024,
        1.5,
        "1.5 points in one year, as the other one-year rows of a state; the official figure "
        "covers all Bauhauptgewerbe businesses with 20+ employees (industry as well as crafts), "
        "the model the craft firms of the HWK Halle districts",
    ),
)


def _validate_rows(evidence: pd.DataFrame | None) -> pd.DataFrame:
    """The evidence's ``validate`` rows, with the area as a key (``_key``)."""
    e = load_evidence() if evidence is None else evidence
    return e[e["role"] == "validate"].assign(key=lambda x: x["area"].map(_key))


def building_checks(groups: pd.DataFrame, evidence: pd.DataFrame | None = None) -> list[Check]:
    """The construction cycle against a region's own figure: a trade group's real turnover
    (at base-year prices) in a state's districts, the change of ``year`` against the year
    before (``BUILDING_SPECS``). The cycle's input is Germany's volume, so this tests whether
    the national path stands for the region; a state not in the run is left out."""
    e = _validate_rows(evidence)
    out = []
    for measure, state, group, year, tol, why in BUILDING_SPECS:
        per_year = turnover_by_state_year(groups, [year - 1, year], group)
        if state not in per_year.index.get_level_values("state"):
            continue
        row = e[(e["measure"] == measure) & (e["key"] == _key(state))].iloc[0]
        out.append(
            Check(
                f"hindcast from end {START_YEAR}: {group} real turnover ({row['unit']}), "
                f"model {year} against {year - 1} (construction cycle: Germany's volume)",
                state,
                float(row["value"]),
                100 * (per_year[state, year] / per_year[state, year - 1] - 1),
                tol,
                why,
                f"hindcast_evidence.csv {row['source_id']} [{row['tag']}]: {row['note']}",
                "validate",
            )
        )
    return out
