"""The labour pool's inflow shortfall (``model.firm.pool_inflow_shortfall_per_year``) and its
fit row (``sim.labour_checks``), without a model where possible."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.config_model import FirmParams
from sim.labour import LabourMarket
from sim.labour_checks import first_year_persons_check, official_last_year


def _market(shortfall: float) -> LabourMarket:
    n_ages = 101
    participation = np.zeros((2, n_ages))
    participation[:, 18:65] = 0.8
    supply = 1000.0 * participation
    return LabourMarket(
        FirmParams(pool_inflow_shortfall_per_year=shortfall),
        np.array([500.0, 800.0]),
        supply,
        participation,
    )


def test_the_shortfall_lowers_the_base_inflow_by_its_share_of_employees():
    balanced, short = _market(0.0), _market(0.01)
    np.testing.assert_allclose(balanced.base_inflow_rate - short.base_inflow_rate, 0.01)
    supply = balanced.base_labour_supply
    pool_b, pool_s = balanced.pool(supply, None), short.pool(supply, None)
    # a quarter's pool from supply: 0.01 / 4 of the employees fewer
    np.testing.assert_allclose(
        pool_b["pool_from_supply"] - pool_s["pool_from_supply"], 0.0025 * np.array([500, 800])
    )


def test_the_inflow_never_goes_below_zero():
    assert (_market(0.05).base_inflow_rate >= 0).all()
    huge = FirmParams(pool_inflow_shortfall_per_year=5.0)  # outside its domain: still no harm
    m = LabourMarket(huge, np.array([10.0]), np.ones((1, 101)), np.full((1, 101), 0.5))
    assert (m.base_inflow_rate == 0).all()


def test_the_fit_target_is_the_official_count_of_the_last_counted_year():
    target = official_last_year()
    assert target.to_dict() == pytest.approx({"Sachsen-Anhalt": -1.00, "Sachsen": -1.17})


def _groups(persons_by_state_quarter: dict) -> pd.DataFrame:
    district = {"Sachsen-Anhalt": "halle", "Sachsen": "leipzig_city"}
    rows = [
        {"quarter": q, "district_id": district[s], "employees": n, "apprentices": 0}
        for (s, q), n in persons_by_state_quarter.items()
    ]
    return pd.DataFrame(rows)


def test_the_fit_row_weights_the_states_by_the_models_persons():
    quarters = ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1"]
    counts = {}
    for s, n0 in (("Sachsen-Anhalt", 1000.0), ("Sachsen", 3000.0)):
        for i, q in enumerate(quarters):
            counts[(s, q)] = n0 * (1 - 0.02 * i / 4)  # -2 % over the year
    (check,) = first_year_persons_check(_groups(counts))
    assert check.use == "fit"
    assert check.data == pytest.approx((1000 * -1.00 + 3000 * -1.17) / 4000, abs=1e-3)
    assert check.model == pytest.approx(-2.0)
    assert not check.ok  # -2 % is more than 0.5 points off the target


def test_the_fit_row_needs_a_year():
    counts = {("Sachsen", q): 100.0 for q in ["2025Q1", "2025Q2", "2025Q3"]}
    assert first_year_persons_check(_groups(counts)) == []


def test_rows_of_one_district_leave_and_gain_by_their_own_flows():
    """Two cells of one district: the older one retires more; hires, leavers and kept
    completers land in the cell of the firm they happened in."""
    n_ages = 101
    participation = np.zeros((1, n_ages))
    participation[0, 18:60], participation[0, 60:67] = 0.8, 0.4
    supply = 1000.0 * participation
    m = LabourMarket(
        FirmParams(), np.array([100.0, 100.0]), supply, participation, np.array([0, 0])
    )
    m.workforce.by_age[1] = 0.0
    m.workforce.by_age[1, 58:64] = 100.0 / 6  # cell 1: all near retirement
    rate, retired = m.age_and_leave_rate(np.array([100.0, 100.0]))
    assert retired[1] > retired[0] and rate[1] > rate[0]
    # firm rows 0-2 in cell 0, row 3 in cell 1
    rows = np.array([0, 0, 0, 1])
    before = m.workforce.by_age.sum(axis=1)
    adjusted = {"leavers": np.array([0, 0, 0, 0]), "hired": np.array([True, True, False, False])}
    m.hired(adjusted, rows, np.zeros(2), supply)
    np.testing.assert_allclose(m.workforce.by_age.sum(axis=1) - before, [2.0, 0.0])
    training = {
        "apprentice_retained": np.array([0, 0, 0, 3]),
        "apprentice_completed": np.array([1, 0, 0, 3]),
    }
    kept = m.completers(training, rows, np.zeros(4, dtype=int))
    assert kept.tolist() == [3.0]
    np.testing.assert_allclose(m.workforce.by_age.sum(axis=1) - before, [2.0, 3.0])
