"""Output 3, demand focal points: places ranked by unmet demand in the milestone years (mapped
for the base and last year), unmet demand per trade group ranked by district and settlement
type, with each area's capacity use and order backlog in weeks (demand that waits), and the
focal places of each trade group (the yearly ``place_groups`` table, sim.analysis.focal).
Only places and areas with unmet demand are ranked: rounding residues of the market's clearing
count as none."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.study_outputs.common import (
    RUN,
    Figures,
    StudyOutput,
    Sweep,
    Tables,
    milestone_years,
    yearly,
)
from sim.analysis import figures as fig
from sim.analysis.comparison import Comparison
from sim.analysis.focal import rank_unmet, sweep_focal_points, without_residue
from sim.analysis.statistics import seed_means
from sim.datasets import load_places
from sim.market import order_backlog_weeks
from sim.market_checks import backlog_scale_weeks


def demand_focal_points(s: Sweep) -> tuple[pd.DataFrame, ...]:
    """Places ranked by unmet demand, unmet demand per trade group ranked by area, and the
    top places of each trade group."""
    years = milestone_years(s)
    per_run = yearly(s.places, ["place_id"], [], ["unmet_demand_eur", "demand_eur"], years)
    places = seed_means(per_run, [*RUN, "place_id", "year"], ["unmet_demand_eur", "demand_eur"])
    places["unmet_demand_eur"] = without_residue(places["unmet_demand_eur"])
    places["unmet_share_pct"] = (
        100 * places["unmet_demand_eur"] / places["demand_eur"].replace(0, np.nan)
    )
    places["rank"] = rank_unmet(places, [*RUN, "year"])
    info = s.places[["place_id", "district_id", "settlement_type"]].drop_duplicates("place_id")
    coords = load_places()[["place_id", "name", "lat", "lon", "population"]]
    places = places.merge(info, on="place_id").merge(coords, on="place_id")
    places = places.sort_values([*RUN, "year", "rank"], ignore_index=True)
    first = [*RUN, "year", "rank", "place_id", "name", "district_id", "settlement_type"]
    places = places[first + [c for c in places.columns if c not in first]]

    by = ["trade_group", "district_id", "settlement_type"]
    values = ["unmet_demand_eur", "demand_eur", "turnover_eur", "capacity_eur"]
    per_run = yearly(s.groups, by, [], values, years)
    groups = seed_means(per_run, [*RUN, *by, "year"], values)
    groups["unmet_demand_eur"] = without_residue(groups["unmet_demand_eur"])
    groups["unmet_share_pct"] = (
        100 * groups["unmet_demand_eur"] / groups["demand_eur"].replace(0, np.nan)
    )
    # where demand waits rather than goes unserved: capacity use and the order backlog it
    # implies (the surveys' "Auftragsreichweite", sim.market.order_backlog_weeks)
    turnover, capacity = groups["turnover_eur"].to_numpy(), groups["capacity_eur"].to_numpy()
    groups["capacity_use_pct"] = 100 * turnover / np.where(capacity > 0, capacity, np.nan)
    groups["order_backlog_weeks"] = order_backlog_weeks(turnover, capacity, backlog_scale_weeks())
    groups["rank_in_trade_group"] = rank_unmet(groups, [*RUN, "year", "trade_group"])
    groups = groups.sort_values(
        [*RUN, "year", "trade_group", "rank_in_trade_group"], ignore_index=True
    )
    tables = (s.stamped(places), s.stamped(groups))
    # per place x trade group (sim.analysis.focal); runs without the place_groups table lack it
    focal = sweep_focal_points(s.sweep_dir, years)
    return tables if focal is None else (*tables, s.stamped(focal))


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


OUTPUT = StudyOutput(
    tables=(
        "03_demand_focal_points_places",
        "03_demand_focal_points_trade_groups",
        "03_demand_focal_points_place_groups",
    ),
    compute=lambda s, c: demand_focal_points(s),
    draw=draw_demand_focal_points,
    figures=("03_demand_focal_points__{scenario}__{year}.png",),
)
