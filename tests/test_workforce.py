"""The crafts' employees by age (sim.workforce): pure array functions, tested without a model."""

import numpy as np
import pytest

from sim.workforce import (
    COMPLETER_AGE,
    AgeRules,
    WorkforceAges,
    hire_age_profile,
    job_mobility,
    retirement_hazard,
    smooth_bands,
)

A = 101


def participation() -> np.ndarray:
    p = np.zeros(A)
    p[15:20], p[20:60], p[60:65], p[65:70], p[70:75] = 0.3, 0.9, 0.7, 0.15, 0.06
    return p


def test_retirement_hazard_is_the_fall_of_the_smoothed_participation_from_50():
    p = participation()
    s = smooth_bands(p, 5)
    # a band edge becomes a five-year slope, the band's level is kept in its middle
    assert s[40] == pytest.approx(0.9) and s[62] == pytest.approx(0.7)
    assert s[58] < 0.9 and s[61] > 0.7
    h = retirement_hazard(p)
    assert h[: AgeRules().retirement_from_age].sum() == 0.0 and ((h >= 0) & (h <= 1)).all()
    # those still working at k are the smoothed participation's share of those at 50
    for k in range(55, 77):
        assert np.prod(1 - h[50:k]) == pytest.approx(s[k] / s[50])
    assert h[76] == pytest.approx(1.0)  # nobody works past 76 here


def workforce(employees=(1000.0, 500.0)) -> WorkforceAges:
    supply = np.tile(participation() * 100.0, (2, 1))
    return WorkforceAges(np.array(employees), supply, np.tile(participation(), (2, 1)), AgeRules())


def test_ageing_keeps_everyone_but_the_retirements():
    w = workforce()
    before = w.by_age.sum(axis=1)
    due = w.retirements_due()
    retired = w.age_quarter()
    np.testing.assert_allclose(retired, due)
    np.testing.assert_allclose(w.by_age.sum(axis=1) + retired, before)
    assert (retired > 0).all()
    assert w.by_age[:, 78:].sum() == 0.0  # nobody is older than the last working age + 1
    assert w.by_age[:, :18].sum() == 0.0  # the youngest in the labour force are apprentices


def test_quits_leave_at_mobile_ages_and_hires_join_young():
    w = workforce()
    young, old = w.by_age[:, 20:35].sum(), w.by_age[:, 50:65].sum()
    w.quit(np.array([100.0, 50.0]))
    np.testing.assert_allclose(w.by_age.sum(axis=1), [900.0, 450.0])
    # more of the young left than of the old, relative to their numbers
    assert 1 - w.by_age[:, 20:35].sum() / young > 1 - w.by_age[:, 50:65].sum() / old
    profile = hire_age_profile(np.tile(participation() * 100.0, (2, 1)), AgeRules())
    np.testing.assert_allclose(profile.sum(axis=1), 1.0)
    ages = np.arange(A)
    assert (profile @ ages < w.by_age @ ages / w.by_age.sum(axis=1)).all()
    w.hire(np.array([10.0, 0.0]), profile)
    w.keep_completers(np.array([2.0, 3.0]))
    np.testing.assert_allclose(w.by_age.sum(axis=1), [912.0, 453.0])
    assert w.by_age[1, COMPLETER_AGE] >= 3.0


def test_reconcile_follows_the_head_counts_and_keeps_the_shape():
    w = workforce()
    shape = w.by_age / w.by_age.sum(axis=1, keepdims=True)
    w.reconcile(np.array([800.0, 0.0]))
    np.testing.assert_allclose(w.by_age.sum(axis=1), [800.0, 0.0])
    np.testing.assert_allclose(w.by_age[0] / 800.0, shape[0])
    s = w.summary()
    assert s["employees_55plus"][0] + s["employees_under_35"][0] < 800.0
    assert s["employees_mean_age"][1] == 0.0


def test_job_mobility_halves_and_stops_after_working_age():
    m = job_mobility(A, AgeRules())
    assert m[20] == 1.0 and m[35] == pytest.approx(0.5) and m[67] == 0.0


@pytest.mark.parametrize("width", [3, 4, 5, 6, 7])
def test_smoothing_keeps_every_age_at_odd_and_even_widths(width):
    p = participation()
    s = smooth_bands(p, width)
    assert s.shape == p.shape
    assert s[40] == pytest.approx(0.9)  # inside a wide band the level is kept


def _two_districts() -> tuple[np.ndarray, np.ndarray]:
    """District 1's people work longer and are older than district 0's."""
    p0 = participation()
    p1 = p0.copy()
    p1[60:70] = 0.85
    supply = np.stack([p0 * 100.0, p1 * np.linspace(50.0, 150.0, A)])
    return supply, np.stack([p0, p1])


def test_rows_below_districts_age_apart_and_add_up():
    # three rows: two trade groups in district 0, one in district 1
    supply, part = _two_districts()
    w = WorkforceAges(
        np.array([600.0, 400.0, 500.0]), supply, part, AgeRules(), row_district=np.array([0, 0, 1])
    )
    np.testing.assert_allclose(w.to_districts(w.by_age.sum(axis=1)), [1000.0, 500.0])
    # each row starts with its own district's shape and retirement hazard
    start = w.summary()["employees_mean_age"]
    assert start[0] == pytest.approx(start[1]) and start[2] > start[0] + 1.0
    np.testing.assert_allclose(w.hazard[2], retirement_hazard(part[1]))
    np.testing.assert_allclose(w.hazard[0], retirement_hazard(part[0]))
    # hiring young into one row makes it younger than its district's other row
    profile = hire_age_profile(supply, AgeRules())
    for _ in range(8):
        w.age_quarter()
        w.hire(np.array([30.0, 0.0, 30.0]), profile)
    mean = w.summary()["employees_mean_age"]
    assert mean[0] < mean[1] - 1.0
    # the district's mean age is its rows' mean weighted by their employees
    d = w.district_summary()
    size = w.by_age.sum(axis=1)
    assert d["employees_mean_age"][0] == pytest.approx((mean[:2] * size[:2]).sum() / size[:2].sum())
    assert d["employees_mean_age"][1] == pytest.approx(mean[2])
    # each row hires at its own district's profile
    w.by_age[:] = 0.0
    w.hire(np.array([1.0, 0.0, 1.0]), profile)
    np.testing.assert_allclose(w.by_age[[0, 2]], profile)


def test_a_row_that_gains_its_first_employees_takes_its_districts_shape():
    supply = np.tile(participation() * 100.0, (1, 1))
    w = WorkforceAges(
        np.array([100.0, 0.0]), supply, participation()[None, :], AgeRules(), np.array([0, 0])
    )
    w.reconcile(np.array([100.0, 5.0]))
    np.testing.assert_allclose(w.by_age.sum(axis=1), [100.0, 5.0])
    np.testing.assert_allclose(w.by_age[1] / 5.0, w.by_age[0] / 100.0)
