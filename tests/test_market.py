"""The market on its own: conservation, capacity limits, distance decay, loyalty."""

from types import SimpleNamespace

import numpy as np
import pytest

from sim.market import (
    MAX_REACH_HALF_TIMES,
    Market,
    allocate,
    allocate_with_loyalty,
    balance,
    decay_kernel,
)


@pytest.fixture
def line_market():
    """Five places on a line, 10 minutes apart; eight firms."""
    rng = np.random.default_rng(4)
    pos = np.arange(5) * 10.0
    minutes = np.abs(pos[:, None] - pos[None, :]) + 5.0
    kernel = decay_kernel(minutes, half_time_min=10.0, reach_half_times=3.0)
    firm_place = np.array([0, 0, 1, 2, 2, 3, 4, 4])
    capacity = rng.uniform(50, 150, len(firm_place))
    demand = rng.uniform(50, 250, 5)
    return demand, kernel, firm_place, capacity


def test_demand_is_conserved_and_capacity_respected(line_market):
    demand, kernel, firm_place, capacity = line_market
    r = allocate(demand, kernel, firm_place, capacity, capacity, rounds=4)
    assert np.allclose(r.served_by_origin + r.unmet_by_origin, demand)
    assert np.isclose(r.served_by_firm.sum(), r.served_by_origin.sum())
    assert np.allclose(r.place_flows.sum(axis=1), r.served_by_origin)
    assert (r.served_by_firm <= capacity + 1e-9).all()
    assert (r.unmet_by_origin >= -1e-9).all()


def test_unmet_only_when_capacity_or_reach_binds(line_market):
    demand, kernel, firm_place, capacity = line_market
    big = allocate(demand, kernel, firm_place, capacity * 100, capacity * 100, rounds=4)
    assert np.allclose(big.unmet_by_origin, 0.0)
    scarce = allocate(demand, kernel, firm_place, capacity / 10, capacity / 10, rounds=4)
    assert scarce.unmet_by_origin.sum() > 0
    assert np.isclose(scarce.served_by_firm.sum(), (capacity / 10).sum())


def test_more_rounds_serve_more(line_market):
    demand, kernel, firm_place, capacity = line_market
    one = allocate(demand * 2, kernel, firm_place, capacity, capacity, rounds=1)
    four = allocate(demand * 2, kernel, firm_place, capacity, capacity, rounds=4)
    assert four.served_by_origin.sum() >= one.served_by_origin.sum()


def test_nearer_firms_get_more_and_out_of_reach_gets_nothing():
    minutes = np.array([[5.0, 20.0, 200.0], [20.0, 5.0, 200.0], [200.0, 200.0, 5.0]])
    kernel = decay_kernel(minutes, half_time_min=10.0, reach_half_times=3.0)
    demand = np.array([100.0, 0.0, 0.0])
    r = allocate(demand, kernel, np.array([0, 1, 2]), np.ones(3), np.full(3, 1e6), rounds=2)
    assert r.served_by_firm[0] > r.served_by_firm[1] > 0
    assert r.served_by_firm[2] == 0.0


def test_loyal_customers_return_to_last_quarters_suppliers(line_market):
    demand, kernel, firm_place, capacity = line_market
    cap = capacity * 10
    first = allocate(demand, kernel, firm_place, cap, cap, rounds=4)
    # a rival with a huge pull appears at place 2; loyal demand still goes to old suppliers
    pull = cap.copy()
    pull[3] *= 1000
    loyal = allocate_with_loyalty(
        demand, kernel, firm_place, pull, cap, 4, 0.8, first.place_flows, first.served_by_firm
    )
    fickle = allocate_with_loyalty(demand, kernel, firm_place, pull, cap, 4, 0.0, None, None)
    assert np.allclose(loyal.served_by_origin + loyal.unmet_by_origin, demand)
    assert loyal.served_by_firm[3] < fickle.served_by_firm[3]
    others = np.delete(np.arange(len(cap)), 3)
    assert loyal.served_by_firm[others].sum() > fickle.served_by_firm[others].sum()


def test_balanced_place_factors_sell_each_place_its_target():
    """Wilson's doubly-constrained model: after balancing, the first round's inflow of every
    place is its share of the target, and a place without firms keeps factor 1."""
    rng = np.random.default_rng(3)
    n = 12
    minutes = rng.uniform(5, 60, (n, n))
    minutes = (minutes + minutes.T) / 2
    kernel = decay_kernel(minutes, 20.0, 3.0)
    demand = rng.uniform(10, 100, n)
    supply = rng.uniform(1, 50, n)
    supply[4] = 0.0
    target = rng.uniform(1, 50, n)
    target[4] = 0.0
    factor, _ = balance(demand, kernel, supply, target)
    assert factor[4] == 1.0
    firm_place = np.arange(n)
    result = allocate(demand, kernel, firm_place, factor * supply, np.full(n, 1e9), 1)
    shares = result.served_by_firm / result.served_by_firm.sum()
    assert np.allclose(shares, target / target.sum(), atol=1e-5)
    # without balancing the shares follow supply and distance instead
    plain = allocate(demand, kernel, firm_place, supply, np.full(n, 1e9), 1).served_by_firm
    assert not np.allclose(plain / plain.sum(), target / target.sum(), atol=1e-3)


def _cluster_case():
    """Four places on a line, 10 minutes apart; place 0 makes far more than the demand within
    its reach (one half-time of 10 minutes, reach 3: places 0-3 are 0-30 minutes away)."""
    minutes = 10.0 * np.abs(np.subtract.outer(np.arange(6), np.arange(6)))
    demand = np.array([1.0, 1.0, 1.0, 1.0, 50.0, 50.0])
    output = np.array([60.0, 1.0, 1.0, 1.0, 20.0, 21.0])
    return minutes, demand, output


def test_an_impossible_balance_reports_its_imbalance():
    minutes, demand, output = _cluster_case()
    _, imbalance = balance(demand, decay_kernel(minutes, 10.0, 3.0), output, output)
    assert imbalance > 0.1  # place 0 cannot sell 60 to the 4 units within 30 minutes
    _, wide = balance(demand, decay_kernel(minutes, 10.0, 6.0), output, output)
    assert wide < 1e-3


class _Firms:
    """What ``Market.calibrate`` reads of a firm population: place, group, base output."""

    def __init__(self, place, group, output):
        self.table = SimpleNamespace(alive=np.ones(len(place), bool), group=group, place=place)
        self._output = output

    def normal_output(self):
        return self._output


def test_the_calibration_widens_only_the_reach_of_a_group_it_cannot_balance():
    minutes, demand, output = _cluster_case()
    market = Market(
        minutes, np.zeros(6, int), np.array([10.0, 10.0]), SimpleNamespace(reach_half_times=3.0)
    )
    # group 0 is the impossible case; group 1 makes its output where its demand is
    places = np.concatenate([np.arange(6), np.arange(6)])
    groups = np.repeat([0, 1], 6)
    firms = _Firms(places, groups, np.concatenate([output, demand]))
    market.calibrate(np.column_stack([demand, demand]), firms)
    assert market.reach_half_times[1] == 3.0
    assert 3.0 < market.reach_half_times[0] <= MAX_REACH_HALF_TIMES
    # the widened kernel sells each place of group 0 its output in the first round
    pull = market.place_factor[:, 0] * output
    result = allocate(demand, market.kernels[0], np.arange(6), pull, np.full(6, 1e9), 1)
    shares = result.served_by_firm / result.served_by_firm.sum()
    assert np.allclose(shares, output / output.sum(), atol=1e-3)
