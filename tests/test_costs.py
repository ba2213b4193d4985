"""Cost paths, the price rule and the demand's answer to prices (sim.costs, sim.demand)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.costs import CostPaths, adjust_price, cost_weights, hindcast, target_price, unit_cost
from sim.market import order_backlog_weeks
from sim.market_checks import backlog_scale_weeks, zdh_survey
from sim.model import RegionModel
from tests.conftest import small_config


def test_cost_weights_split_turnover_and_start_at_one():
    w = cost_weights(np.array([0.55, 0.35]), 0.25)
    assert np.allclose(w.sum(axis=1), 1.0)
    assert np.allclose(w[0], [0.45 * 0.75, 0.55, 0.45 * 0.25])
    assert np.allclose(unit_cost(w, 1.0, 1.0, 1.0), 1.0)
    # a wage rise moves the labour-heavy group's cost more
    cost = unit_cost(w, 1.1, 1.0, 1.0)
    assert cost[1] > cost[0] > 1.0


def test_cost_paths_compound_per_quarter():
    paths = CostPaths(0.04, 0.02, 0.0)
    assert paths.at(0) == (1.0, 1.0, 1.0)
    w, m, g = paths.at(4)
    assert w == pytest.approx(1.04) and m == pytest.approx(1.02) and g == 1.0


def test_target_price_is_cost_at_normal_use_and_has_no_cap():
    cost = np.array([1.2, 1.2, 1.2, 1.2])
    u = np.array([0.0, 1.0, 2.0, 10.0])
    target = target_price(cost, u, 0.15)
    assert target[1] == pytest.approx(1.2)
    assert 0 < target[0] < target[1] < target[2] < target[3]
    assert target[0] == pytest.approx(1.2 * 0.5**0.15)
    assert target[3] == pytest.approx(1.2 * 5.5**0.15)  # grows without a ceiling


def test_adjust_price_closes_a_share_of_the_gap():
    assert adjust_price(np.array([1.0]), np.array([1.2]), 0.25)[0] == pytest.approx(1.05)
    assert adjust_price(np.array([1.0]), np.array([0.8]), 1.0)[0] == pytest.approx(0.8)


def test_hindcast_passes_steady_inflation_through():
    years = 6
    growth = np.full(years, 0.03)
    w = cost_weights(np.array([0.5]), 0.25)[0]
    changes = hindcast(growth, growth, growth, np.ones(years), w, 0.15, 0.25)
    assert len(changes) == years - 1
    # after the first years' lag the price grows with its costs
    assert changes[-1] == pytest.approx(3.0, abs=0.05)
    # a cost shock in inputs only moves the price by the input share (in the long run)
    shock = np.zeros(years)
    shock[1] = 0.10
    changes = hindcast(np.zeros(years), shock, np.zeros(years), np.ones(years), w, 0.15, 1.0)
    assert sum(changes) == pytest.approx(100 * 0.5 * 0.10, rel=0.1)


def test_backlog_relation_fits_its_survey_quarter():
    scale = backlog_scale_weeks()
    z = zdh_survey()
    fit = z[(z["year"] == 2024) & (z["quarter"] == "Q2")].iloc[0]
    weeks = order_backlog_weeks(np.array([fit["use"]]), np.array([100.0]), scale)[0]
    assert weeks == pytest.approx(fit["weeks"])
    # fuller order books mean longer waits; an idle trade has none
    w = order_backlog_weeks(np.array([0.0, 70.0, 90.0]), np.full(3, 100.0), scale)
    assert w[0] == 0.0 and w[1] < weeks < w[2]


@pytest.fixture(scope="module")
def small_model():
    model = RegionModel(small_config("end=2026Q4"))
    model.step()
    return model


def test_demand_quantity_falls_with_the_relative_price(small_model):
    model = small_model
    n_d, n_g = model.firms.price_index(len(model.region.districts), 7).shape
    q = model.quarter
    base = model.demand.compose(q, model.district_stats, 0.0, np.ones((n_d, n_g)), 1.0)
    dear = model.demand.compose(q, model.district_stats, 0.0, np.full((n_d, n_g), 1.2), 1.0)
    eps = model.params.demand_price_elasticity
    # nominal spending = price x quantity; quantity ~ relative price ** -elasticity
    assert np.allclose(dear.household, base.household * 1.2 ** (1 - eps))
    # businesses' own orders answer the price too; the coal sector's fixed orders do not
    assert (dear.business >= base.business * 1.2 ** (1 - eps) * (1 - 1e-9)).all()
    assert (dear.business <= base.business * 1.2 * (1 + 1e-9)).all()
    # when consumer prices rise as much, the relative price is unchanged: quantity holds
    both = model.demand.compose(q, model.district_stats, 0.0, np.full((n_d, n_g), 1.2), 1.2)
    assert np.allclose(both.household, base.household * 1.2)


def test_firms_have_spare_capacity_and_some_lack_orders():
    """Base-year flows are balanced to the surveys' 80 % capacity use; within a year the
    firms drift apart: demand binds for some, capacity for others."""
    model = RegionModel(small_config("end=2026Q4"))
    for quarter in range(4):
        model.step()
        t = model.firms.table
        alive = t.alive
        capacity = model.firms.capacity()[alive]
        use = t.revenue[alive].sum() / capacity.sum()
        assert 0.75 < use < 0.85  # not fully booked by construction
        if quarter == 0:
            assert use == pytest.approx(1 / (1 + model.params.firm.capacity_slack), abs=0.01)
    per_firm = t.revenue[alive] / capacity
    assert (per_firm < 0.7).mean() > 0.05  # demand binds for a part of the firms
    # capacity binds for another part: 0.5-1.7 % of the small region's firms after a year
    # (seeds 0-2) since firms replace leavers in the same quarter, about 2 % before
    assert (per_firm > 0.99).mean() > 0.003


def test_prices_follow_wage_costs():
    """8 % a year higher wages for two years raise unit costs by about a third of 17 %; prices
    follow them with a lag, so they rise by more than 1 % and by less than the costs."""
    prices = {}
    for growth in (0.0, 0.08):
        model = RegionModel(
            small_config("end=2026Q4", f"model.costs.wage_growth_per_year={growth}")
        )
        model.run()
        t = model.firms.table
        prices[growth] = np.average(t.price[t.alive], weights=t.revenue[t.alive])
    labour = cost_weights(np.array([0.55]), 0.25)[0, 0]
    assert prices[0.0] * 1.01 < prices[0.08] < prices[0.0] * (1 + labour * (1.08**2 - 1))


def test_a_district_without_firms_of_a_group_faces_the_groups_price_elsewhere(small_model):
    firms = small_model.firms
    t = firms.table
    saved_alive, saved_price = t.alive.copy(), t.price.copy()
    try:
        t.price[:] = np.where(t.group == 4, 1.3, t.price)  # the food crafts are dearer ...
        t.alive[:] = t.alive & ~((t.group == 4) & (t.district == 0))  # ... and gone in one
        prices = firms.price_index(len(small_model.region.districts), 7)
        assert prices[0, 4] == pytest.approx(1.3)  # not the base level 1.0
        assert prices[1, 4] == pytest.approx(1.3)
    finally:
        t.alive[:], t.price[:] = saved_alive, saved_price
