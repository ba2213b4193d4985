"""The levers' returns against their evaluations (sim.lever_checks), the discounted returns of a
comparison, and the equal-budget experiment."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sim.analysis.comparison import lever_returns, present_values
from sim.demography_checks import Check
from sim.interventions import lever_classes
from sim.lever_checks import SPECS, lever_return_checks


def test_a_check_has_the_form_of_the_validation_report():
    (check,) = lever_return_checks(levers=("rural_hubs",), end="2026Q4", seeds=(0,))
    assert isinstance(check, Check)
    assert check.use == "validate" and check.district_id == "all (small region, seeds 0)"
    # data and tolerance span the evaluation's range (Hannover: 0-196 consultations per M EUR)
    assert (check.data - check.tolerance, check.data + check.tolerance) == (0.0, 196.0)
    assert math.isfinite(check.model) and check.model > 0
    assert "lever_evidence.csv" in check.source and "I40NDS_2018" in check.source
    assert check.ok == (abs(check.model - check.data) <= check.tolerance)


def test_every_lever_has_a_check():
    assert [s.lever for s in SPECS] == list(lever_classes())


def _tables(rows):
    """groups and districts tables of runs from (intervention, seed, year, employees,
    turnover, value added, cost) a year: flows spread over the four quarters."""
    records = []
    for iv, seed, year, e, t, va, cost in rows:
        for q in range(1, 5):
            records.append(
                {
                    "run_id": f"{iv}{seed}",
                    "scenario": "baseline",
                    "intervention": iv,
                    "seed": seed,
                    "year": year,
                    "quarter": f"{year}Q{q}",
                    "employees": e,
                    "turnover_base_prices_eur": t / 4,
                    "value_added_base_prices_eur": va / 4,
                    "intervention_cost_eur": cost / 4,
                }
            )
    frame = pd.DataFrame(records)
    return frame.drop(columns="intervention_cost_eur"), frame


def test_costs_and_returns_are_discounted_to_the_first_year():
    rows = []
    for seed in (0, 1):
        rows += [("none", seed, 2025, 100, 1000, 500, 0), ("none", seed, 2026, 100, 1000, 500, 0)]
        rows += [("x", seed, 2025, 100, 1000, 500, 102), ("x", seed, 2026, 110, 1204, 602, 102)]
    g, d = _tables(rows)
    pv = present_values(g, d, rate=0.02)
    arm = pv[pv["intervention"] == "x"].iloc[0]
    assert arm["cost"] == pytest.approx(102 + 102 / 1.02)
    assert arm["job_years"] == pytest.approx(100 + 110 / 1.02)
    out = lever_returns(g, d, rate=0.02).iloc[0]
    assert out["job_years_pv"] == pytest.approx(10 / 1.02)  # 10 more jobs in the second year
    assert out["cost_per_job_year_eur"] == pytest.approx((102 + 100) / 10 * 1.02)
    cost = 102 + 102 / 1.02
    assert out["real_value_added_per_eur_support"] == pytest.approx(102 / 1.02 / cost)
    assert out["real_turnover_per_eur_support"] == pytest.approx(204 / 1.02 / cost)
    # without discounting the same runs give the plain sums
    flat = lever_returns(g, d, rate=0.0).iloc[0]
    assert flat["cost_per_job_year_eur"] == pytest.approx(204 / 10)


def test_the_equal_budget_experiment_gives_every_lever_one_budget_in_two_scenarios():
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    from sim.config import CONF_DIR, load_config, register_configs

    cfg = load_config(["experiment=policy_equal_budget"])
    budgets = {name: cfg.intervention[name].budget_eur_per_year for name in lever_classes()}
    assert set(budgets.values()) == {2e6}, budgets
    register_configs()
    GlobalHydra.instance().clear()
    for name in ("policy_equal_budget", "policy_comparison"):
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
            hydra_cfg = compose("config", [f"experiment={name}"], return_hydra_config=True)
        GlobalHydra.instance().clear()
        params = hydra_cfg.hydra.sweeper.params
        assert params.scenario.split(",") == ["baseline", "early_exit"], name
        arms = params.intervention
        assert all(lever in arms for lever in lever_classes()) and arms.startswith("none,")
