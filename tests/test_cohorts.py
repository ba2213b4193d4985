"""The cohort-component arithmetic on its own: conservation, ageing, life tables, migration."""

import numpy as np
import pytest

from sim.cohorts import (
    N_AGES,
    fertility_schedule,
    fit_gompertz_level,
    gompertz_hazard,
    life_expectancy,
    migrate,
    natural_change,
    split_bands,
)


def test_bands_split_into_single_years_keep_their_totals():
    lo = np.arange(0, 90, 5)
    hi = np.r_[lo[:-1] + 4, 100]
    n = np.linspace(1000, 200, len(lo))
    ages = split_bands(lo, hi, n)
    assert ages.shape == (N_AGES,)
    assert ages.sum() == pytest.approx(n.sum())
    assert ages[0:5].sum() == pytest.approx(n[0]) and ages[0] == pytest.approx(n[0] / 5)
    assert ages[85:].sum() == pytest.approx(n[-1]) and ages[86] < ages[85]


@pytest.mark.parametrize("e0", [75.9, 80.0, 84.0])
def test_gompertz_level_reproduces_life_expectancy(e0):
    level = fit_gompertz_level(e0, slope=0.095)
    assert life_expectancy(gompertz_hazard(level, 0.095, np.arange(N_AGES))) == pytest.approx(
        e0, abs=0.01
    )


def test_fertility_schedule_sums_to_the_tfr_on_fertile_ages():
    f = fertility_schedule(1.5, mean_age=31.0, sd=5.5)
    assert f.sum() == pytest.approx(1.5)
    assert f[:15].sum() == 0 and f[50:].sum() == 0 and f.argmax() == 31


def test_a_quarter_conserves_persons_up_to_births_and_deaths():
    rng = np.random.default_rng(1)
    persons = rng.uniform(100, 1000, (3, N_AGES))
    survival = np.exp(-gompertz_hazard(1e-4, 0.095, np.arange(N_AGES)) / 4)
    fert = fertility_schedule(1.4, 31.0, 5.5) / 4
    out, deaths, births = natural_change(persons, survival, fert, female_share=0.49)
    assert np.allclose(out.sum(axis=1), persons.sum(axis=1) - deaths + births)
    assert (deaths > 0).all() and (births > 0).all() and (out >= 0).all()


def test_four_quarters_age_a_cohort_by_one_year():
    persons = np.zeros((1, N_AGES))
    persons[0, 30] = 1000.0
    for _ in range(4):
        persons, _, _ = natural_change(persons, np.ones(N_AGES), np.zeros(N_AGES), 0.5)
    mean_age = (persons[0] * np.arange(N_AGES)).sum() / persons.sum()
    assert mean_age == pytest.approx(31.0)
    assert persons.sum() == pytest.approx(1000.0)


def test_migration_hits_its_totals_and_never_empties_an_age():
    rng = np.random.default_rng(2)
    persons = rng.uniform(0, 500, (2, N_AGES))
    profile = np.exp(-0.5 * ((np.arange(N_AGES) - 24) / 5.0) ** 2)
    flows = migrate(persons, np.array([1500.0, -800.0]), profile)
    assert flows[0].sum() == pytest.approx(1500.0) and (flows[0] >= 0).all()
    assert flows[1].sum() == pytest.approx(-800.0) and (flows[1] <= 0).all()
    assert (persons + flows >= 0).all()
    # movers are young adults: most of the flow is at ages 15-34
    assert np.abs(flows[:, 15:35]).sum() > 0.8 * np.abs(flows).sum()
