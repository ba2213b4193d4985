"""Population by age in a run: it follows the official total, ages, and feeds the labour pool."""

import numpy as np
import pytest

from sim.demography_checks import pattern_checks, projection_total_checks
from tests.conftest import run_model


@pytest.fixture(scope="module")
def to_2035():
    return run_model("end=2035Q4", "households_per_agent=50")


def _year_end(districts, year, column):
    rows = districts[districts["quarter"] == f"{year}Q4"]
    return rows.set_index("district_id")[column]


def test_population_follows_the_official_total(to_2035):
    _, tables = to_2035
    checks = projection_total_checks(tables["districts"], "official_mid")
    assert len(checks) == 3 * 2  # three districts, 2030 and 2035
    assert all(c.ok for c in checks), [(c.district_id, c.data, c.model) for c in checks]


def test_the_districts_age_and_lose_working_age_people_faster_than_people(to_2035):
    _, tables = to_2035
    d = tables["districts"]
    share_67 = _year_end(d, 2035, "population_67_plus") / _year_end(d, 2035, "population")
    share_67_start = _year_end(d, 2025, "population_67_plus") / _year_end(d, 2025, "population")
    assert (share_67 > share_67_start).all()
    retired = _year_end(d, 2035, "retired_households") / _year_end(d, 2035, "households")
    retired_start = _year_end(d, 2025, "retired_households") / _year_end(d, 2025, "households")
    # more retired households in the two Landkreise (Halle, a city gaining young adults,
    # stays about level: 31 % in both years)
    for district in ("burgenlandkreis", "saalekreis"):
        assert retired[district] > retired_start[district] + 0.02
    checks = pattern_checks(d, 2035)
    assert all(c.ok for c in checks if "working age" in c.check)
    assert all(c.ok for c in checks if "heads" in c.check)


def test_components_of_change_add_up(to_2035):
    model, tables = to_2035
    d = tables["districts"].sort_values(["district_id", "quarter"])
    for _, g in d.groupby("district_id", observed=True):
        change = np.diff(g["population"].to_numpy())
        flows = (g["births"] - g["deaths"] + g["net_migration"]).to_numpy()[1:]
        assert np.allclose(change, flows, rtol=1e-9, atol=1e-6)
    assert (d["births"] > 0).all() and (d["deaths"] > 0).all()


def test_the_labour_pool_is_the_sum_of_its_named_flows(to_2035):
    _, tables = to_2035
    d = tables["districts"]
    parts = ["pool_from_supply", "pool_from_coal", "pool_from_completers", "pool_from_closed_firms"]
    assert np.allclose(d[parts].sum(axis=1), d["labour_pool"])
    assert (d["hires"] <= d["vacancies"]).all()
    assert np.allclose(d["unfilled_vacancies"], d["vacancies"] - d["hires"])
    assert (d["hires"] <= np.ceil(d["labour_pool"]) + 1).all()
    # staff of closed firms do come back to the pool
    assert d["pool_from_closed_firms"].sum() > 0
    # labour supply falls with the working-age population outside the cities
    rural = d[d["district_id"] == "burgenlandkreis"]
    assert rural["labour_supply"].iloc[-1] < 0.95 * rural["labour_supply"].iloc[0]


def test_employees_change_by_exactly_their_named_flows(to_2035):
    """Per district and quarter: the employees (staff other than owners) of the groups table
    change by hires + completers kept + start-ups' staff - leavers - layoffs - staff of closed
    firms - employees who took over their firm, the districts table's flows; no head count
    moves outside them."""
    _, tables = to_2035
    g, d = tables["groups"], tables["districts"]
    employees = (
        g.assign(e=g["employees"] - g["firms"])
        .groupby(["quarter", "district_id"], observed=True)["e"]
        .sum()
        .unstack()
    )
    f = d.set_index(["quarter", "district_id"])
    net = (
        f["hires"]
        + f["completers_kept"]
        + f["staff_of_startups"]
        - f["leavers"]
        - f["layoffs"]
        - f["staff_of_closed_firms"]
        - f["staff_to_owner"]
    ).unstack()
    np.testing.assert_allclose(employees.diff().iloc[1:], net.iloc[1:], atol=1e-9)
    for flow in (
        "leavers",
        "completers_kept",
        "staff_of_closed_firms",
        "staff_of_startups",
        "staff_to_owner",
    ):
        assert f[flow].sum() > 0, flow
    # the leavers hold the retirements the age table made due (binomial noise aside)
    assert f["leavers"].sum() > f["retirements"].sum()


def test_employees_have_ages_that_match_their_head_counts(to_2035):
    model, tables = to_2035
    n_d = len(model.region.districts)
    # the age table holds exactly the firm table's employees (staff other than owners)
    np.testing.assert_allclose(
        model.labour_market.to_districts(model.labour_market.workforce.by_age.sum(axis=1)),
        model.firms.employees_by_district(n_d),
    )
    # ... and per cell of the groups table (district x settlement type x trade group)
    np.testing.assert_allclose(
        model.labour_market.workforce.by_age.sum(axis=1), model.firms.employees_by_cell(n_d)
    )
    d = tables["districts"]
    assert d["employees_mean_age"].between(25, 60).all()
    # the groups table's ages add up to the district table's
    g = tables["groups"].groupby(["quarter", "district_id"], observed=True)
    by_district = d.set_index(["quarter", "district_id"])
    for name in ("employees_55plus", "employees_under_35"):
        np.testing.assert_allclose(
            g[name].sum().sort_index(), by_district[name].sort_index(), rtol=1e-9
        )
    # within a district, the cells' mean ages differ by their own flows (they start alike)
    last = tables["groups"][tables["groups"]["quarter"] == tables["groups"]["quarter"].max()]
    big = last[last["employees"] - last["firms"] > 50]
    spread = big.groupby("district_id", observed=True)["employees_mean_age"].agg(np.ptp)
    assert (spread > 1.0).all(), spread
    # the district's mean age is its cells' weighted by their staff other than owners
    staff = last["employees"] - last["firms"]
    weighted = (last["employees_mean_age"] * staff).groupby(
        last["district_id"], observed=True
    ).sum() / staff.groupby(last["district_id"], observed=True).sum()
    at_end = by_district.loc[last["quarter"].iloc[0], "employees_mean_age"]
    np.testing.assert_allclose(weighted.sort_index(), at_end.sort_index(), rtol=1e-9)
    assert (d["retirements"] > 0).all()
    # retirements happen at real ages: in the first quarter, the districts with more employees
    # aged 55+ lose a larger share of them to retirement
    first = d[d["quarter"] == d["quarter"].min()]
    counted = first["employees_55plus"] + first["employees_under_35"]
    old_share = first["employees_55plus"] / counted
    assert np.corrcoef(old_share, first["retirements"] / counted)[0, 1] > 0
    assert (first["retirements"] < 0.1 * first["employees_55plus"]).all()


def test_every_district_outside_leipzig_ages_on_its_official_path():
    """The cohort table alone, all nine districts, 2025 -> 2035 (no agents: seconds): the
    67+ share and the heads' mean age (persons x headship) rise outside Leipzig city, and the
    working-age population falls faster than the total (the issue-12 failures were Altenburger
    Land and Landkreis Leipzig, whose fitted in-migration made them younger)."""
    from types import SimpleNamespace

    from sim.config_scenario import DemographyConfig
    from sim.datasets import load_districts
    from sim.demography_inputs import HEAD_AGE_EDGES, build_population, headship_by_age, state_of
    from sim.population import AGES
    from sim.scenarios.demography import Demography

    districts = load_districts()
    cfg = DemographyConfig()
    population, fertility, age_year = build_population(districts, cfg)
    start = 2025 * 4
    population.year = min(population.year, start / 4.0)
    demography = Demography(
        cfg,
        population,
        None,
        SimpleNamespace(districts=districts),
        None,
        start,
        np.array([headship_by_age(s) for s in state_of(districts)]),
        districts["households"].to_numpy(float),
        HEAD_AGE_EDGES,
        age_year,
        fertility,
    )

    def state():
        heads = demography.head_age_weights()
        groups = population.groups()
        return (
            groups["67_plus"] / population.total,
            heads @ (AGES + 0.5) / heads.sum(axis=1),
            groups["20_66"],
            population.total.copy(),
        )

    before = state()
    for q in range(start, start + 40):
        population.set_fertility(fertility.at(q / 4.0))
        population.step(demography.base_total * demography.index(q + 1))
    after = state()
    outside = (districts["district_id"] != "leipzig_city").to_numpy()
    assert (after[0][outside] > before[0][outside] + 0.005).all()
    assert (after[1][outside] > before[1][outside]).all(), after[1] - before[1]
    assert (after[2] / before[2] < after[3] / before[3])[outside].all()


def test_age_band_by_year_lookup_equals_the_binary_search():
    """sim.agents.household.age_band looks whole-year edges up by the age's year: the same
    bands as a binary search, at the edges too; fractional edges fall back to the search."""
    from sim.agents.household import age_band

    rng = np.random.default_rng(5)
    age = np.concatenate([rng.uniform(0, 105, 50_000), [0.0, 19.999, 20.0, 30.0, 99.5]])
    for edges in (
        np.array([0.0, 20, 30, 40, 50, 60, 70, 80]),
        np.array([18.0, 25.5, 64.25]),
        np.array([15.0, 25, 65, np.inf]),  # an open-ended last edge: searched
    ):
        searched = np.clip(np.searchsorted(edges, age, side="right") - 1, 0, len(edges) - 2)
        assert (age_band(age, edges) == searched).all()
