"""Founders and outside successors follow the persons of their ages (``sim.entrant_pools``):
the pure weights, ratios and age draws without a model, then the two hooks in
``FirmLifecycle``."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config_model import FirmParams
from sim.entrant_pools import EntrantPools, age_weights, ages_from_weights, relative_weights
from sim.model import RegionModel
from sim.vocabulary import SUCCESSION_EVENTS, SUCCESSION_EXTERNAL
from tests.conftest import small_config

N_AGES = 101


def test_age_weights_are_the_truncated_normal_per_year_of_age():
    w = age_weights(N_AGES, 36.0, 7.0, FirmParams().founder_ages)
    assert w.sum() == pytest.approx(1.0)
    assert (w[:20] == 0).all() and (w[60:] == 0).all()  # outside the founders' ages
    assert w.argmax() in (35, 36)  # the year holding the mean
    assert w[30] == pytest.approx(w[41], rel=1e-9)  # symmetric around 36: [30,31) and [41,42)


def test_the_age_bounds_are_parameters_that_act():
    # founders and successors are clipped to their configured ranges
    fp = FirmParams(founder_age_min=30.0, founder_age_max=50.0, successor_age_max=45.0)
    w = age_weights(N_AGES, fp.founder_age_mean, fp.founder_age_sd, fp.founder_ages)
    assert (w[:30] == 0).all() and (w[50:] == 0).all() and w[30] > 0 and w[49] > 0
    s = age_weights(N_AGES, fp.successor_age_mean, fp.successor_age_sd, fp.successor_ages)
    assert (s[:22] == 0).all() and (s[45:] == 0).all() and s[44] > 0


def _persons(n_districts: int = 2) -> np.ndarray:
    return np.full((n_districts, N_AGES), 1000.0)


def _founders(pools: EntrantPools) -> np.ndarray:
    return pools.founder_weights().sum(axis=1)


def _outside(pools: EntrantPools) -> np.ndarray:
    return pools.outside_successor_weights().sum(axis=1)


def test_ratios_start_at_one_and_follow_the_cohort_of_entrants_ages():
    persons = _persons()
    pools = EntrantPools(lambda: persons, FirmParams())
    assert _founders(pools) == pytest.approx([1.0, 1.0])
    assert _outside(pools) == pytest.approx([1.0, 1.0])
    persons[0] *= 0.8  # district 0 shrinks at every age
    persons[1, 70:] *= 3.0  # district 1 gains only old people
    assert _founders(pools) == pytest.approx([0.8, 1.0])
    assert _outside(pools) == pytest.approx([0.8, 1.0])
    # the thirties shrink by half: founders (mean 36) lose more than a uniform fifth would
    persons[1, 30:40] *= 0.5
    assert _founders(pools)[1] < 0.8


@pytest.mark.parametrize("elasticity, expected", [(0.0, 1.0), (0.5, 0.8**0.5), (1.0, 0.8)])
def test_the_elasticity_is_the_exponent_on_the_ratio(elasticity, expected):
    persons = _persons(1)
    pools = EntrantPools(lambda: persons, FirmParams(entrant_cohort_elasticity=elasticity))
    persons *= 0.8
    assert _founders(pools) == pytest.approx([expected])


def test_the_elasticity_acts_on_each_age():
    """Not on the total: half the founding ages lost and the other half doubled gives
    0.5 * (0.5 ** e + 2 ** e), not (0.5 * 0.5 + 0.5 * 2) ** e."""
    w = np.zeros(4)
    w[1:3] = 0.5
    base = np.full((1, 4), 100.0)
    now = base * np.array([1.0, 0.5, 2.0, 1.0])
    got = relative_weights(now, base, w, 0.5).sum()
    assert got == pytest.approx(0.5 * (0.5**0.5 + 2**0.5))
    assert got != pytest.approx(1.25**0.5)


def test_entrants_keep_the_age_rates_of_the_base_year():
    """At the base year the entrants' ages are the profile; a cohort that doubles doubles its
    entrants (constant rate per person of that age), so the entrants' ages follow the persons.
    An age without base-year persons keeps its profile weight."""
    base = np.full((2, N_AGES), 500.0)
    base[1, 45] = 0.0
    w = age_weights(N_AGES, 36.0, 7.0, FirmParams().founder_ages)
    assert relative_weights(base, base, w, 1.0) == pytest.approx(np.vstack([w, w]))
    now = base.copy()
    now[:, 25:30] *= 2.0  # more people in their late twenties
    now[1, 45] = 80.0
    rel = relative_weights(now, base, w, 1.0)
    assert rel[0, 25:30] == pytest.approx(2.0 * w[25:30])
    assert rel[0].sum() == pytest.approx(1.0 + w[25:30].sum())
    assert rel[1, 45] == pytest.approx(w[45])
    ages = np.arange(N_AGES) + 0.5
    assert (rel[0] * ages).sum() / rel[0].sum() < (w * ages).sum() - 0.3  # younger entrants
    assert relative_weights(now, base, w, 0.0) == pytest.approx(np.vstack([w, w]))


def test_ages_from_weights_invert_each_rows_distribution():
    weights = np.zeros((2, N_AGES))
    weights[0, 30:40] = 1.0  # even over 30..40
    weights[1, 50] = 3.0  # all aged 50..51
    u = np.array([0.0, 0.25, 0.5, 0.999999])
    rows = np.repeat([0, 1], len(u))
    ages = ages_from_weights(weights[rows], np.tile(u, 2), (0.0, N_AGES))
    assert ages[:4] == pytest.approx([30.0, 32.5, 35.0, 40.0], abs=1e-4)
    assert ages[4:] == pytest.approx([50.0, 50.25, 50.5, 51.0], abs=1e-4)
    # a draw reproduces a profile's mean
    w = age_weights(N_AGES, 36.0, 7.0, FirmParams().founder_ages)
    uniforms = (np.arange(20_000) + 0.5) / 20_000
    drawn = ages_from_weights(np.tile(w, (len(uniforms), 1)), uniforms, (0.0, N_AGES))
    assert drawn.mean() == pytest.approx((w * (np.arange(N_AGES) + 0.5)).sum(), abs=0.01)


def test_ages_from_weights_skip_empty_years_and_rows():
    weights = np.zeros((2, N_AGES))
    weights[0, [30, 33]] = 1.0  # two years with a gap between
    u = np.array([0.25, 0.5, 0.75])
    ages = ages_from_weights(weights[[0, 0, 0]], u, (0.0, N_AGES))
    assert ages == pytest.approx([30.5, 33.0, 33.5])
    assert np.isnan(ages_from_weights(weights[[1]], np.array([0.5]), (0.0, N_AGES))).all()


def test_ages_from_weights_keep_inside_bounds_that_cut_a_year():
    """age_weights truncated at 20.4 and 25.5: the edge years hold only their part inside."""
    w = age_weights(N_AGES, 23.0, 2.0, (20.4, 25.5))
    uniforms = (np.arange(10_000) + 0.5) / 10_000
    ages = ages_from_weights(np.tile(w, (len(uniforms), 1)), uniforms, (20.4, 25.5))
    assert ages.min() >= 20.4 and ages.max() <= 25.5
    # the edge year holds 1.3 % below 20.5; clipped instead of cut, 3.9 % (3.1 % at the bound)
    assert (ages < 20.5).mean() < 0.02


@pytest.fixture(scope="module")
def stepped():
    model = RegionModel(small_config("end=2026Q4"))
    for _ in range(2):
        model.step()
    return model


def _startups(model, founders: np.ndarray) -> np.ndarray:
    n_places, n_groups = len(model.region.places), 7
    demand = np.full((n_places, n_groups), 1e6)
    unmet = np.zeros((n_places, n_groups))
    pool_left = np.full(len(model.region.districts), 1e6)
    return model.lifecycle.startups(model.quarter, demand, unmet, pool_left, founders)


def test_no_founders_of_founding_age_means_no_start_ups(stepped):
    weights = stepped.entrant_pools.founder_weights()
    assert len(_startups(stepped, 0.0 * weights)) == 0
    assert len(_startups(stepped, weights)) > 0


def test_start_ups_owners_take_the_ages_of_the_founders_weights(stepped):
    """Founders are aged as their district's row of the weights: all aged 50 here."""
    weights = np.zeros_like(stepped.entrant_pools.founder_weights())
    weights[:, 50] = 1.0
    rows = _startups(stepped, weights)
    assert len(rows) > 0
    ages = stepped.firms.table.owner_age[rows]
    assert ages.min() >= 50.0 and ages.max() <= 51.0


def test_no_outside_successors_means_no_external_handovers():
    model = RegionModel(small_config("model.firm.retirement_age_mean=56"))  # many retire at once
    t = model.firms.table
    n_d = len(model.region.districts)
    args = (model.start_quarter, np.zeros(len(t), dtype=bool), lambda row, odds: odds)
    events = model.lifecycle.succession_and_exits(*args, np.zeros((n_d, N_AGES)))
    external = SUCCESSION_EXTERNAL
    assert len(events.get(external, [])) == 0
    assert sum(len(events.get(e, [])) for e in SUCCESSION_EVENTS) > 0  # family, employees
    model2 = RegionModel(small_config("model.firm.retirement_age_mean=56"))
    weights = model2.entrant_pools.outside_successor_weights()
    events2 = model2.lifecycle.succession_and_exits(*args, weights)
    assert len(events2.get(external, [])) > 0


def test_outside_buyers_take_the_ages_of_their_weights_and_the_others_the_profile():
    """External successors are aged as the weights (all 45 here); family and staff successors,
    each route apart, as the successors' profile (mean 38.3)."""
    model = RegionModel(small_config("model.firm.retirement_age_mean=56"))
    t = model.firms.table
    n_d = len(model.region.districts)
    weights = np.zeros((n_d, N_AGES))
    weights[:, 45] = 1.0
    args = (model.start_quarter, np.zeros(len(t), dtype=bool), lambda row, odds: odds)
    events = model.lifecycle.succession_and_exits(*args, weights)
    external = np.asarray(events[SUCCESSION_EXTERNAL], dtype=int)
    assert len(external) > 5
    assert t.owner_age[external].min() >= 45.0 and t.owner_age[external].max() <= 46.0
    for event in SUCCESSION_EVENTS:
        if event == SUCCESSION_EXTERNAL:
            continue
        inside = np.asarray(events[event], dtype=int)
        assert len(inside) > 5, event
        assert abs(t.owner_age[inside].mean() - FirmParams().successor_age_mean) < 4.0, event
        assert t.owner_age[inside].std() > 2.5, event


def test_start_ups_owners_are_drawn_inside_the_founders_bounds():
    """The bounds act in the firms' life cycle, not only in the cohort weights."""
    model = RegionModel(
        small_config("end=2028Q4", "model.firm.founder_age_min=38", "model.firm.founder_age_max=45")
    )
    model.run()
    t = model.firms.table
    new = np.flatnonzero(t.founded_quarter >= model.start_quarter)
    assert len(new) > 20
    # owners age a quarter-year each quarter after founding (start-ups are young: no handover)
    at_founding = t.owner_age[new] - (model.quarter - 1 - t.founded_quarter[new]) / 4.0
    assert at_founding.min() >= 38.0 - 0.5 and at_founding.max() <= 45.0 + 0.5
