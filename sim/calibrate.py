"""Calibration report: the model's base year against the data in ``sim/data``.

    python -m sim.calibrate                      # table of targets, model values, errors
    python -m sim.calibrate --check              # exit 1 if any error exceeds its tolerance
    python -m sim.calibrate --validate           # also run to 2040: pass/fail checks (population
                                                 # by age, ageing, labour), fit vs validate
    python -m sim.calibrate region=small households_per_agent=10   # any Hydra override

Stocks (firms, persons employed, apprentices, owner ages, households, population) are compared
at initialisation, i.e. at the end of the year before the start quarter, which is when the
chambers count them; flows (turnover per person) over the first simulated quarter, annualised.
Parameters fitted to a target are listed with the target they reproduce.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import numpy as np
import pandas as pd
from hydra.errors import HydraException
from omegaconf.errors import OmegaConfBaseException

from sim import demography_checks as dc
from sim.config import ConfigError, load_config
from sim.datasets import DataError, load_districts, load_state_crafts
from sim.labour_checks import employment_trend_check, first_year_persons_check
from sim.lever_checks import lever_return_checks
from sim.market_checks import capacity_use_check, price_hindcast_check
from sim.model import RegionModel
from sim.structure_checks import firm_snapshot, structure_checks
from sim.vocabulary import TRADE_GROUPS, parse_quarter

DEFAULT_TOLERANCE = 0.05

# what was fitted at initialisation, and to which target (see docs/ODD.md, Initialisation)
FITTED = [
    ("firms per district", "craft_firms (districts.csv): placed 1:1"),
    ("firms per trade group", "share_of_firms (trade_groups.csv): largest-remainder split"),
    ("owner ages per chamber", "owner_age_anchors.csv: skew-normal to 60+, 65+ and mean age"),
    ("apprentice intake rate per district", "apprentices (districts.csv): steady state"),
    ("productivity per group", "turnover_per_person_eur (crafts_by_state.csv): state mean"),
    ("persons per registered firm", "HWZ persons per registered firm (districts.csv)"),
    (
        "firm size shape",
        "persons in firms of 20+ (Thueringen HWZ 2016), model.firm.firm_size_sigma",
    ),
    ("household spending shares on crafts", "private turnover = turnover x customer_private"),
    ("business and public demand", "turnover x customer_business / customer_public"),
    ("income scale", "model.household.income_eur_month (LWR 2022 [M])"),
    ("households per place", "households (districts.csv) / population share of the place"),
    ("headship scale per district", "households (districts.csv) / persons x headship_rates.csv"),
    ("net migration per district", "the official projection's total (demography.csv, variant)"),
    ("age structure at the start", "population_by_age.csv (31.12.2023) moved to 2025Q1"),
    (
        "life tables per state and sex",
        "each sex's e0 and e65 (vital_rates.csv); e0 + 15. kBV L2 gain a year",
    ),
    ("owner exit-age distribution", "handover age 63.6 [V], HWK Leipzig 65+/60-64 [S]"),
]


@dataclass
class Target:
    name: str
    district_id: str
    target: float
    model: float
    tolerance: float = DEFAULT_TOLERANCE
    source: str = ""

    @property
    def error(self) -> float:
        return (self.model - self.target) / self.target if self.target else float("nan")


def base_year_targets(model: RegionModel) -> list[Target]:
    """Targets and model values: stocks as initialised, turnover over the first quarter.

    Call on a fresh model; this runs its first quarter.
    """
    stocks = model.firms.table
    staff0, apprentices0 = stocks.staff.copy(), stocks.apprentices.copy()
    owner_age0 = stocks.owner_age.copy()
    district0 = stocks.district.copy()
    start = model.households.summary()
    pop, households = model.population.total, start["households"]
    model.step()
    data = load_districts().set_index("district_id")
    anchors = model.lifecycle.owner_anchors  # the shares of the year nearest the start
    shares = model.groups["share_of_firms"].to_numpy(float)
    t = model.firms.table
    base = t.founded_quarter < model.start_quarter  # firms of the base year (not founders)
    n_d = len(model.region.districts)
    states = load_state_crafts()
    state_tpp = states.set_index("state")["turnover_per_person_eur"]
    groups = model.recorder.tables()["groups"]
    first = groups[groups["quarter"] == groups["quarter"].iloc[0]]
    turnover = first.groupby("district_id", observed=True)["turnover_eur"].sum()
    out: list[Target] = []
    for di, d in enumerate(model.region.districts["district_id"]):
        row = data.loc[d]
        in_d = base & (t.district == di)
        at_start = district0 == di
        firms = in_d.sum()
        out.append(Target("craft firms", d, row["craft_firms"], firms, source="districts.csv"))
        by_group = np.bincount(t.group[in_d], minlength=len(TRADE_GROUPS))
        for gi, g in enumerate(TRADE_GROUPS):
            expected = row["craft_firms"] * shares[gi]
            # rounding a district's firms to whole firms per group: allow half a firm
            tol = max(DEFAULT_TOLERANCE, 0.5 / max(expected, 1e-9))
            out.append(Target(f"firms {g}", d, expected, by_group[gi], tol, "trade_groups.csv"))
        persons = row["persons_per_firm"] * row["craft_firms"]
        out.append(
            Target(
                "persons employed",
                d,
                persons,
                staff0[at_start].sum(),
                source="districts.csv persons_per_firm x craft_firms",
            )
        )
        out.append(
            Target(
                "apprentices",
                d,
                row["apprentices"],
                apprentices0[at_start].sum(),
                source="districts.csv",
            )
        )
        owners = owner_age0[at_start]
        anchor = anchors[anchors["chamber"] == row["chamber"]].set_index("measure")["value"]
        for label, age in (("share of owners 60+", 60), ("share of owners 65+", 65)):
            out.append(
                Target(
                    label,
                    d,
                    float(anchor[f"share_{age}plus"]),
                    float((owners >= age).mean()) if len(owners) else 0.0,
                    source="owner_age_anchors.csv (chamber figure)",
                )
            )
        out.append(
            Target("households", d, row["households"], households[di], source="districts.csv")
        )
        out.append(Target("population", d, row["population"], pop[di], source="districts.csv"))
    # turnover per person: the Handwerkszaehlung gives it per state, so it is compared per
    # state (the modelled districts of the state together), not per district
    employed = staff0 + apprentices0
    district_state = model.region.districts["state"].to_numpy()
    for state in dict.fromkeys(district_state):
        ids = model.region.districts["district_id"][district_state == state]
        persons = employed[np.isin(district0, np.flatnonzero(district_state == state))].sum()
        out.append(
            Target(
                "turnover per person (EUR/yr)",
                f"state: {state}",
                state_tpp[state],
                4 * turnover.reindex(ids).fillna(0.0).sum() / persons if persons else 0.0,
                source="crafts_by_state.csv (Handwerkszaehlung)",
            )
        )
    assert len(out) == n_d * (len(TRADE_GROUPS) + 7) + len(set(district_state))
    return out


def validation(model: RegionModel, quarters: int = 20) -> pd.DataFrame:
    """Structure checks (``sim.structure_checks``): firm sizes in the model's current (first)
    quarter, then run on to ``quarters`` and check persons and firms per 1,000 inhabitants by
    definition (HWZ, register), entry and exit by Anlage and the chambers' register trends."""
    start_firms = firm_snapshot(model)
    while model.running and model.quarter - model.start_quarter < quarters:
        model.step()
    return dc.frame(structure_checks(model, start_firms=start_firms))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.calibrate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument(
        "--validate", action="store_true", help="run on to 2040 and check against data"
    )
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE)
    parser.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. region=small")
    args = parser.parse_args(argv)
    try:
        cfg = load_config([*args.overrides, "progress=false"])
        model = RegionModel(cfg)
    except (ConfigError, DataError, HydraException, OmegaConfBaseException) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    targets = base_year_targets(model)
    frame = pd.DataFrame(
        [
            {
                "target": t.name,
                "district_id": t.district_id,
                "data": t.target,
                "model": t.model,
                "rel_error": t.error,
                "tolerance": max(t.tolerance, args.tolerance)
                if t.tolerance > DEFAULT_TOLERANCE
                else args.tolerance,
                "source": t.source,
            }
            for t in targets
        ]
    )
    frame["ok"] = frame["rel_error"].abs() <= frame["tolerance"]
    with pd.option_context(
        "display.width", 200, "display.max_rows", 500, "display.float_format", "{:,.4g}".format
    ):
        print(
            f"Calibration, base year {model.current_label} ({cfg.region.name} region, "
            f"{cfg.households_per_agent:g} households per agent, seed {cfg.seed})\n"
        )
        print(frame.drop(columns="source").to_string(index=False))
        print("\nFitted at initialisation (parameter -> target it reproduces):")
        for what, target in FITTED:
            print(f"  {what:38s} -> {target}")
        failed_checks = 0
        if args.validate:
            structure = validation(model)
            print("\nCraft structure 2025-2030 (levels by definition, sizes, entry and exit):")
            print(structure.drop(columns=["source", "why_tolerance"]).to_string(index=False))
            labour = population_and_labour_checks(model, cfg)
            checks = pd.concat([structure, labour], ignore_index=True)
            failed_checks = int((checks["verdict"] == "FAIL").sum())
            print(
                "\nPopulation, ageing and labour (use: fit = the model follows it by "
                "construction, validate = not fitted):"
            )
            print(labour.drop(columns=["source", "why_tolerance"]).to_string(index=False))
            print("\nSources and the reasons for each tolerance:")
            for (check, source, why), _ in checks.groupby(
                ["check", "source", "why_tolerance"], sort=False
            ):
                print(f"  {check}: {source}; tolerance: {why}")
            print(f"\n{len(checks) - failed_checks} of {len(checks)} checks pass")
    missed = frame[~frame["ok"]]
    print(f"\n{len(frame) - len(missed)} of {len(frame)} targets within tolerance")
    if args.check and len(missed):
        print("targets missed:\n" + missed.to_string(index=False), file=sys.stderr)
        return 1
    if args.check and failed_checks:
        print(f"{failed_checks} validation check(s) failed", file=sys.stderr)
        return 1
    return 0


def population_and_labour_checks(model: RegionModel, cfg) -> pd.DataFrame:
    """Run on to the end of 2040 (or the run's end) and check the paths (sim.demography_checks)."""
    while model.running and model.quarter < parse_quarter("2041Q1"):
        model.step()
    tables = model.recorder.tables()
    districts, groups = tables["districts"], tables["groups"]
    last_year = int(districts["year"].max())
    variant = getattr(cfg.scenario.demography.variant, "value", cfg.scenario.demography.variant)
    checks = [
        *dc.projection_total_checks(districts, variant),
        *dc.age_structure_checks(districts),
        *dc.pattern_checks(districts, min(last_year, dc.PATTERN_YEAR)),
        *employment_trend_check(groups),
        *first_year_persons_check(groups),
        *dc.owner_age_check(groups),
        *dc.owner_hindcast_check(cfg.model.firm),
        *capacity_use_check(groups),
        *price_hindcast_check(
            cfg.model.scarcity_price_elasticity,
            cfg.model.price_adjustment,
            cfg.model.firm.surplus_share_of_value_added,
        ),
        *lever_return_checks(),  # its own paired small-region runs, about half a minute
    ]
    return dc.frame(checks)


if __name__ == "__main__":
    sys.exit(main())
