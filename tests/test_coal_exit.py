"""The coal exit's channels: site orders that end with each closure, multiplier jobs that scale
the losses, and structural funds on the programme's schedule.

Closures are brought forward by nine years (Schkopau and Wählitz then go at the end of 2025,
Profen and MIBRAG's head office at the end of 2026) so that a three-year run sees them; runs are
paired by seed with the counterfactual without coal exit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.agents.household import COAL_DEPENDENT, COAL_DIRECT
from sim.datasets import read_csv
from sim.model import RegionModel
from sim.scenarios.coal_multiplier import induced_pull, multiplier_jobs
from sim.scenarios.structural_funds import PERIODS_FILE, payout_schedule
from sim.vocabulary import parse_quarter
from tests.conftest import run_model, small_config

EARLY = "scenario.coal_exit.closure_shift_years=-9"
# the energy transition's Ausbau multiplier also scales the sites' Ausbau orders (a fraction of
# a percent a year); without it the business-demand difference is exactly the sites' orders
NO_ET = "scenario.energy_transition.enabled=false"
# demand is priced at the craft price: hold every price at the base level (no cost growth, no
# revision), so that business demand differs between the worlds by the sites' orders only
FLAT_PRICES = (
    "model.price_adjustment=0",
    "model.costs.wage_growth_per_year=0",
    "model.costs.input_growth_per_year=0",
    "model.costs.consumer_growth_per_year=0",
)
ARMS = {
    "no_coal_exit": ("scenario=no_coal_exit", NO_ET, *FLAT_PRICES),
    "coal_multiplier_low": ("scenario=coal_multiplier_low", EARLY, NO_ET, *FLAT_PRICES),
    "baseline": (EARLY, NO_ET, *FLAT_PRICES),
    "coal_multiplier_high": ("scenario=coal_multiplier_high", EARLY, NO_ET, *FLAT_PRICES),
}


@pytest.fixture(scope="module")
def early_runs():
    """Seed 0 of each arm: (model, tables)."""
    return {name: run_model(*overrides) for name, overrides in ARMS.items()}


def quarterly(tables, column: str) -> pd.Series:
    d = tables["districts"]
    return d.set_index(["quarter", "district_id"])[column].astype(float)


def test_site_orders_end_in_the_closure_quarter(early_runs):
    model, tables = early_runs["baseline"]
    _, counter = early_runs["no_coal_exit"]
    coal = model.coal
    sites = coal.sites
    assert (sites["model_regional_orders_eur"] > 0).all()
    diff = quarterly(tables, "business_craft_demand_eur") - quarterly(
        counter, "business_craft_demand_eur"
    )
    share = model.cfg.scenario.coal_exit.orders_craft_share
    for quarter in diff.index.get_level_values("quarter").unique():
        q = parse_quarter(quarter)
        gone = sites[sites["closure_quarter"] <= q]
        expected = (
            -(gone["model_regional_orders_eur"] * share / 4.0).groupby(gone["district_id"]).sum()
        )
        got = diff.xs(quarter, level="quarter")
        expected = expected.reindex(got.index, fill_value=0.0)
        # before a site's closure quarter its orders are the same in both worlds; from it on
        # they are gone, and nothing else of business demand differs
        np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-9, atol=1e-3)
    assert set(sites["closure_quarter"]) <= {parse_quarter("2026Q1"), parse_quarter("2027Q1")}
    assert diff.xs("2025Q4", level="quarter").eq(0).all()
    assert (diff.xs("2027Q1", level="quarter") < 0).sum() == 2  # Saalekreis, Burgenlandkreis


def test_direct_workers_do_not_depend_on_the_multiplier_but_dependent_jobs_scale():
    start = {}
    for name in ("coal_multiplier_low", "baseline", "coal_multiplier_high"):
        # the start state, before any quarter; two households an agent for tight Poisson draws
        model = RegionModel(small_config(*ARMS[name], "households_per_agent=2"))
        t = model.households.table
        start[name] = (
            model.coal.sites["model_direct_jobs"].sum(),
            model.cfg.scenario.coal_exit.indirect_jobs_per_direct_job,
            np.flatnonzero(t.employment == COAL_DIRECT),
            float(t.weight[t.employment == COAL_DEPENDENT].sum()),
        )
    low, mid, high = start["coal_multiplier_low"], start["baseline"], start["coal_multiplier_high"]
    # the same households hold the direct jobs whatever the multiplier (common random numbers)
    assert np.array_equal(low[2], mid[2]) and np.array_equal(mid[2], high[2])
    assert low[3] < mid[3] < high[3]
    for direct, m, _, dependent in (low, mid, high):
        # Poisson draws of ~340 x m agents: within 20 % (> 3 sd) of direct jobs x m
        assert dependent == pytest.approx(direct * m, rel=0.2)


def test_a_higher_multiplier_costs_more_household_income_and_craft_demand(early_runs):
    _, counter = early_runs["no_coal_exit"]
    losses = {}
    for name in ("coal_multiplier_low", "baseline", "coal_multiplier_high"):
        _, tables = early_runs[name]
        income = quarterly(tables, "household_income_eur") - quarterly(
            counter, "household_income_eur"
        )
        demand = quarterly(tables, "household_craft_demand_eur") - quarterly(
            counter, "household_craft_demand_eur"
        )
        before = income.xs("2025Q4", level="quarter")
        assert np.allclose(before, 0.0)  # the same world until the first closure
        year = [q for q in income.index.get_level_values("quarter").unique() if "2027" in q]
        losses[name] = (
            -income.loc[year].sum(),
            -demand.loc[year].sum(),
        )
    low, mid, high = (
        losses["coal_multiplier_low"],
        losses["baseline"],
        losses["coal_multiplier_high"],
    )
    assert 0 < low[0] < mid[0] < high[0]
    assert 0 < low[1] < mid[1] < high[1]


def test_induced_jobs_are_drawn_around_the_direct_workers_homes():
    minutes = np.array([[5.0, 20.0, 60.0], [20.0, 5.0, 40.0], [60.0, 40.0, 5.0]])
    pull = induced_pull(np.array([0.0, 0.0, 10.0]), minutes, 25.0)
    assert pull.argmax() == 2 and pull[1] > pull[0]  # nearer the homes, more pull
    indirect, induced = multiplier_jobs(100.0, 1.4, 0.3)
    assert (indirect, induced) == pytest.approx((98.0, 42.0))


def test_structural_funds_are_paid_on_the_funding_periods_with_the_lag():
    periods = read_csv(PERIODS_FILE, ["period", "first_year", "last_year", "revier_eur_million"])
    assert periods["revier_eur_million"].sum() == 2800  # 20 % of InvKG's 14 bn EUR
    schedule = payout_schedule(periods, lag_years=4.0, end_year=2042)
    by_year: dict[int, float] = {}
    for q, share in schedule.items():
        year = 2020 + (q - parse_quarter("2020Q1")) // 4
        by_year[year] = by_year.get(year, 0.0) + share
    assert sum(by_year.values()) == pytest.approx(1.0)
    # the lag is fitted so that the paid share by the end of 2024 is the observed 5.5 %
    assert sum(v for y, v in by_year.items() if y <= 2024) == pytest.approx(0.055, abs=0.002)
    # period 1's money is paid 2024-2030, period 2's 2031-2036, period 3's 2037-2042
    assert by_year[2025] == pytest.approx(1100 / 2800 / 7)
    assert by_year[2033] == pytest.approx(900 / 2800 / 6)
    assert by_year[2040] == pytest.approx(800 / 2800 / 6)
    assert min(by_year) == 2024 and max(by_year) == 2042
    # payouts after the end year lapse
    cut = payout_schedule(periods, lag_years=4.0, end_year=2038)
    assert sum(cut.values()) == pytest.approx(1 - 4 / 6 * 800 / 2800)


def test_structural_funds_demand_follows_the_schedule_by_district(early_runs):
    model, tables = early_runs["no_coal_exit"]
    funds = model.funds
    cfg = model.cfg.scenario.structural_funds
    for quarter in ("2025Q1", "2027Q3"):
        q = parse_quarter(quarter)
        paid = funds.paid(q)
        share = funds.schedule[q]
        np.testing.assert_allclose(paid, funds.allocation_eur * share)
        demand = sum(funds.public_demand(q).values())
        by_district = np.bincount(model.region.place_district, demand)
        np.testing.assert_allclose(by_district, paid * cfg.craft_share_of_funds)
    assert funds.paid(parse_quarter("2043Q1")).sum() == 0.0
