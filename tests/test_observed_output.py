"""The hindcast conditional on observed turnover (sim.validation.observed_output): the input's
arithmetic, the replay's steps, and that the replayed run's real turnover follows the input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.datasets import load_districts, load_trade_groups
from sim.model import RegionModel
from sim.scenarios.base import DemandParts
from sim.validation import hindcast
from sim.validation import observed_output as oo
from sim.vocabulary import parse_quarter
from tests.conftest import small_config


def _inputs(year: int) -> dict[str, float]:
    e = hindcast.load_evidence()
    e = e[(e["role"] == "input") & e["date"].str.startswith(str(year))]
    return e.set_index("measure")["value"].astype(float).to_dict()


def test_the_real_change_is_nominal_turnover_over_the_weighted_prices():
    g = load_trade_groups()
    turnover = g["share_of_firms"] * g["persons_per_firm_rel"] * g["turnover_per_person_eur"]
    w = turnover[["bauhaupt", "ausbau"]].sum() / turnover.sum()
    assert oo.building_weight() == pytest.approx(w)
    assert 0.25 < w < 0.5  # the building trades are about a third of the crafts' turnover
    real = oo.observed_real_change()
    for year in oo.YEARS:
        x = {k: v / 100 for k, v in _inputs(year).items()}
        price = w * x["building_price_change_pct"] + (1 - w) * x["consumer_price_change_pct"]
        assert real[year] == pytest.approx((1 + x["turnover_nominal_change_pct"]) / (1 + price) - 1)
    # 2024's nominal change is the mean of the four quarters' provisional changes
    assert _inputs(2024)["turnover_nominal_change_pct"] == pytest.approx(
        np.mean([-3.7, 0.0, 0.2, -0.2])
    )
    assert real[2023] < 0 and real[2024] < 0  # output fell in real terms in both years


def test_a_missing_input_is_named():
    e = hindcast.load_evidence()
    gone = e[~((e["role"] == "input") & (e["measure"] == "consumer_price_change_pct"))]
    with pytest.raises(ValueError, match="consumer_price_change_pct"):
        oo.observed_real_change(gone)


def test_the_replay_steps_at_each_year_and_scales_every_part():
    shaper = oo.ObservedOutput({2023: 0.99, 2024: 0.97})
    assert shaper.index(parse_quarter("2022Q4")) == 1.0
    assert shaper.index(parse_quarter("2023Q1")) == pytest.approx(0.99)
    assert shaper.index(parse_quarter("2023Q4")) == pytest.approx(0.99)
    assert shaper.index(parse_quarter("2024Q2")) == pytest.approx(0.99 * 0.97)
    parts = DemandParts(*(np.full((2, 3), float(k + 1)) for k in range(5)))
    shaper.shape_demand(parse_quarter("2024Q1"), parts)
    for k, name in enumerate(oo.PARTS):
        np.testing.assert_allclose(getattr(parts, name), (k + 1) * 0.99 * 0.97)


def test_each_place_takes_its_states_factor():
    region = RegionModel(small_config("region=full", "households_per_agent=200")).region
    factors = {2023: {"Sachsen-Anhalt": 0.9, "Sachsen": 0.95, "Thüringen": 0.99}}
    shaper = oo.ObservedOutput.for_states(factors, region)
    states = load_districts().set_index("district_id")["state"]
    place_state = states.reindex(region.districts["district_id"]).to_numpy()[region.place_district]
    k = shaper.index(parse_quarter("2023Q2"))
    assert set(np.unique(place_state)) == set(factors[2023])
    for state, f in factors[2023].items():
        np.testing.assert_allclose(k[place_state == state], f)
    parts = DemandParts(*(np.ones((len(place_state), 2)) for _ in range(5)))
    shaper.shape_demand(parse_quarter("2023Q2"), parts)
    np.testing.assert_allclose(parts.household[:, 1], k)


def test_the_models_own_change_is_per_state_over_whole_years():
    quarters = [f"{y}Q{q}" for y in (2022, 2023, 2024) for q in range(1, 5)]
    level = {"halle": (100.0, 99.0, 95.0), "leipzig_city": (50.0, 51.0, 51.0)}
    rows = [
        {"quarter": q, "district_id": d, "turnover_base_prices_eur": v[int(q[:4]) - 2022] / 4}
        for q in quarters
        for d, v in level.items()
    ]
    changes = oo.real_turnover_changes(pd.DataFrame(rows))
    assert changes["Sachsen-Anhalt"] == pytest.approx({2023: -0.01, 2024: 95 / 99 - 1})
    assert changes["Sachsen"] == pytest.approx({2023: 0.02, 2024: 0.0})
    with pytest.raises(ValueError, match="four quarters"):
        oo.real_turnover_changes(pd.DataFrame(rows[2:]))


def test_the_replayed_run_sells_the_observed_real_change():
    cfg = small_config()
    observed = oo.observed_real_change()
    own = oo.real_turnover_changes(hindcast.run_hindcast(cfg)[1])
    factors = {y: {s: (1 + observed[y]) / (1 + c[y]) for s, c in own.items()} for y in oo.YEARS}
    _, groups = hindcast.run_hindcast(cfg, lambda r: oo.ObservedOutput.for_states(factors, r))
    replayed = oo.real_turnover_changes(groups)
    own_errors = []
    for state in own:
        for year in oo.YEARS:
            # served output follows the input unless labour shortage binds
            assert replayed[state][year] == pytest.approx(observed[year], abs=0.002)
            own_errors.append(abs(own[state][year] - observed[year]))
            if own_errors[-1] > 0.005:  # the replay moved it towards the input
                assert abs(replayed[state][year] - observed[year]) < own_errors[-1]
    # the model's own output (with the construction cycle) misses the input somewhere
    assert max(own_errors) > 0.005


def test_another_deflator_is_one_option_away():
    all_construction = oo.observed_real_change(weight=1.0)
    x = {k: v / 100 for k, v in _inputs(2023).items()}
    expected = (1 + x["turnover_nominal_change_pct"]) / (1 + x["building_price_change_pct"]) - 1
    assert all_construction[2023] == pytest.approx(expected)
    assert all_construction[2023] < oo.observed_real_change()[2023]
