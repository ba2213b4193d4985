"""The cohort-component arithmetic on its own: conservation, ageing, life tables, migration."""

import numpy as np
import pytest

from sim.cohorts import (
    FEMALE_SHARE_AT_BIRTH,
    N_AGES,
    fertility_schedule,
    fit_gompertz_level,
    fit_gompertz_levels,
    gompertz_hazard,
    life_expectancies,
    life_expectancy,
    migrate,
    natural_change,
    natural_change_by_sex,
    split_bands,
)
from sim.datasets import load_districts
from sim.demography_inputs import LifeTables, settler_profile
from sim.population import Population


def test_bands_split_into_single_years_keep_their_totals():
    lo = np.arange(0, 90, 5)
    hi = np.r_[lo[:-1] + 4, 100]
    n = np.linspace(1000, 200, len(lo))
    ages = split_bands(lo, hi, n, 0.15)
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


def test_a_quarter_by_sex_conserves_persons_and_the_women_bear_the_children():
    rng = np.random.default_rng(3)
    men, women = rng.uniform(100, 1000, (2, 2, N_AGES))
    ages = np.arange(N_AGES)
    men_q = np.exp(-gompertz_hazard(2e-4, 0.09, ages) / 4)
    women_q = np.exp(-gompertz_hazard(1e-4, 0.09, ages) / 4)
    fert = fertility_schedule(1.4, 31.0, 5.5) / 4
    m, w, deaths, births = natural_change_by_sex(men, women, men_q, women_q, fert)
    total = men.sum(axis=1) + women.sum(axis=1)
    assert np.allclose(m.sum(axis=1) + w.sum(axis=1), total - deaths + births)
    assert np.allclose(births, (women * women_q * fert).sum(axis=1))
    assert np.allclose(w[:, 0] - women[:, 0] * women_q[0] * 0.75, births * FEMALE_SHARE_AT_BIRTH)
    # without women no births, whatever the men
    _, _, _, none = natural_change_by_sex(men, np.zeros_like(women), men_q, women_q, fert)
    assert (none == 0).all()


def test_life_tables_start_at_the_data_and_improve_as_the_projection_assumes():
    tables = LifeTables(load_districts())
    k = tables.keys.index(("sachsen_anhalt", "m"))
    e0, middle = tables.e0_base[k], tables.middle[k]
    assert 0.05 < tables.gain["m"] < 0.2 and 0.05 < tables.gain["f"] < 0.2
    i = tables.states.index("sachsen_anhalt")
    men, women = tables(int(middle))  # hazards of the year's middle: the table's own period
    assert life_expectancy(men[i]) == pytest.approx(e0, abs=0.01)
    assert (women[i, 40:] < men[i, 40:]).all()  # women die later at every adult age
    later_men, _ = tables(int(middle) + 15)
    assert life_expectancy(later_men[i]) == pytest.approx(e0 + 15 * tables.gain["m"], abs=0.01)
    assert (later_men[i] < men[i]).all()


def test_vectorised_life_table_fits_agree_with_the_scalar_fit():
    e0, slope = np.array([[76.0], [82.0]]), np.array([[0.09, 0.1]])
    levels = fit_gompertz_levels(e0, slope)
    assert levels.shape == (2, 2)
    for r in range(2):
        for c in range(2):
            assert levels[r, c] == pytest.approx(fit_gompertz_level(e0[r, 0], slope[0, c]))
    tables = levels[..., None] * np.exp(slope[..., None] * (np.arange(N_AGES) + 0.5))
    assert life_expectancies(tables) == pytest.approx(np.broadcast_to(e0, (2, 2)), abs=0.01)


def test_settlers_are_children_and_adults_of_30_to_64_not_young_adults():
    profile = settler_profile()
    w = profile / profile.sum()
    assert w[18:30].sum() == 0 and w[65:].sum() == 0
    assert w[50:65].sum() > 0.15 and w[:15].sum() > 0.3


def _old_district(improving: bool) -> Population:
    persons = np.zeros((1, N_AGES))
    persons[0, 20:90] = 1000.0
    ages = np.arange(N_AGES)

    def tables(year: int):
        factor = 0.97 ** (year - 2025) if improving else 1.0
        return (
            gompertz_hazard(4e-5 * factor, 0.095, ages)[None, :],
            gompertz_hazard(2e-5 * factor, 0.095, ages)[None, :],
        )

    young = np.exp(-0.5 * ((ages - 24) / 5.0) ** 2)[None, :]
    return Population(
        persons,
        np.zeros((1, N_AGES)),
        fertility_schedule(1.4, 31.0, 5.5)[None, :],
        0.0,
        young,
        young,
        women=persons / 2,
        life_tables=tables,
        year=2025,
    )


def test_fewer_deaths_need_less_fitted_migration_and_leave_an_older_district():
    held, improving = _old_district(False), _old_district(True)
    for _ in range(40):
        target = np.array([held.total[0]]) * 0.995
        held.step(target), improving.step(target)
    assert held.year == 2035
    assert held.total == pytest.approx(improving.total)
    assert improving.persons[0, 67:].sum() > held.persons[0, 67:].sum()
    assert (improving.women >= 0).all() and (improving.women <= improving.persons + 1e-9).all()
