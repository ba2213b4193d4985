"""No number that drives results hides in the behaviour code (issue 14, item 2).

Every such number is a config parameter with a domain, a source row and a range
(``docs/parameter_ranges.csv``), so the sensitivity design varies it. Two scans keep new ones
out: the parameters of random draws (``rng.beta(2.0, 5.0, n)``) may hold no literal but 0 and
1, and a module-level numeric constant of a behaviour module must be listed below with the
reason it is not a parameter.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sim.agents import base_firms
from sim.config_model import FirmParams

ROOT = Path(__file__).resolve().parents[1]
BEHAVIOUR = sorted(
    [
        *ROOT.glob("sim/agents/*.py"),
        *ROOT.glob("sim/interventions/*.py"),
        *ROOT.glob("sim/scenarios/*.py"),
        *(
            ROOT / "sim" / f"{name}.py"
            for name in (
                "demand costs market model workforce labour population cohorts owner_ages "
                "region metrics demography_inputs entrant_pools firm_ages"
            ).split()
        ),
    ]
)

# numpy Generator / scipy.stats draws -> the positional arguments that are the distribution's
# parameters (the rest is the size); keyword parameters below
DRAWS = {
    "normal": 2,
    "lognormal": 2,
    "beta": 2,
    "gamma": 2,
    "uniform": 2,
    "integers": 2,
    "binomial": 2,
    "negative_binomial": 2,
    "multinomial": 2,
    "logistic": 2,
    "gumbel": 2,
    "laplace": 2,
    "vonmises": 2,
    "triangular": 3,
    "poisson": 1,
    "exponential": 1,
    "geometric": 1,
    "weibull": 1,
    "pareto": 1,
    "dirichlet": 1,
    "standard_t": 1,
    "chisquare": 1,
    "choice": 0,  # a population and a size; its parameter is p=
}
PARAMETER_KEYWORDS = {
    "loc", "scale", "mean", "sigma", "a", "b", "shape", "low", "high", "n", "p", "pvals",
    "lam", "left", "mode", "right", "alpha", "mu", "kappa", "df",
}  # fmt: skip
STRUCTURAL = {0, 1}  # a lower bound of 0, a Bernoulli's one trial, a unit scale
ALLOW_MARK = "literal-ok:"  # a comment on the call's line, with the reason

# module-level numeric constants of the behaviour modules that are not parameters, with why.
# "pending" entries drive results and are in another part's files: they are listed in the issue
# 14 report with a proposed parameter; the test fails once one is gone, so the list shrinks.
KNOWN_CONSTANTS = {
    ("sim/agents/household.py", "OTHER"): "employment codes (a vocabulary)",
    ("sim/agents/household.py", "COAL_DIRECT"): "employment codes (a vocabulary)",
    ("sim/agents/household.py", "COAL_DEPENDENT"): "employment codes (a vocabulary)",
    ("sim/agents/household.py", "RETIRED"): "employment codes (a vocabulary)",
    ("sim/agents/household.py", "MIN_HEAD_AGE"): "pending: youngest household head",
    ("sim/agents/base_firms.py", "FIRM_SIZE_SIGMA"): "the config default, for checks",
    ("sim/agents/base_firms.py", "FIRM_SIZE_CAP"): "the config default, for checks",
    ("sim/cohorts.py", "N_AGES"): "ages 0-100: the age table's size",
    ("sim/cohorts.py", "FEMALE_SHARE_AT_BIRTH"): "105 boys per 100 girls: a biological regularity "
    "(1.05-1.06 in every German year); the range moves births' sex mix by under 0.5 %",
    ("sim/population.py", "AGE_GROUPS"): "reporting bands of the outputs",
    ("sim/demography_inputs.py", "HEAD_AGE_EDGES"): "pending: head-age bands of the data",
    ("sim/region.py", "EARTH_RADIUS_KM"): "a physical constant",
    ("sim/owner_ages.py", "SURVIVAL_YEARS"): "the dates of two observations (end 2022, May 2025)",
    (
        "sim/workforce.py",
        "COMPLETER_AGE",
    ): "a definition: a three-year training from 16-18 ends at 19-21",
    ("sim/workforce.py", "FIRST_WORKER_AGE"): "a definition: the crafts' under-18s are apprentices",
    ("sim/market.py", "MAX_REACH_HALF_TIMES"): "a numerical bound: the kernel is below 0.1 % "
    "(2 ** -10) there, so a wider reach changes no flow",
    ("sim/market.py", "BALANCED_WITHIN"): "a numerical tolerance of the base-year balance: "
    "groups that balance end below 1e-5, the impossible case stayed 2.0 off",
}


def _is_number(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    )


def draw_literals(source: str) -> list[tuple[int, str]]:
    """(line, call) of random draws whose parameters hold a number other than 0 and 1."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        n_params = DRAWS.get(node.func.attr)
        if n_params is None or ALLOW_MARK in lines[node.lineno - 1]:
            continue
        params = node.args[:n_params] + [
            k.value for k in node.keywords if k.arg in PARAMETER_KEYWORDS
        ]
        numbers = [
            c.value
            for arg in params
            for c in ast.walk(arg)
            if _is_number(c) and c.value not in STRUCTURAL
        ]
        if numbers:
            found.append((node.lineno, ast.unparse(node)))
    return found


def module_constants(source: str) -> list[str]:
    """Names bound at module level to an expression that contains a number."""
    names = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(_is_number(c) for c in ast.walk(value)):
            for target in targets:
                names += [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]
    return names


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_scan_covers_the_behaviour_modules():
    assert all(p.is_file() for p in BEHAVIOUR)
    names = {_rel(p) for p in BEHAVIOUR}
    assert {"sim/agents/firm_lifecycle.py", "sim/interventions/rural_hubs.py"} <= names


@pytest.mark.parametrize(
    "code, flagged",
    [
        ("x = rng.beta(2.0, 5.0, n)", True),
        ("x = r2.binomial(1, 0.5, n)", True),
        ("x = rng.normal(fp.mean * 1.1, fp.sd, size=3)", True),
        ("x = rng.choice(5, size=2, p=[0.2, 0.8])", True),
        ("x = rng.poisson(lam=4.0)", True),
        ("x = rng.beta(fp.a, fp.b, n)", False),
        ("x = r2.binomial(1, fp.p, n)", False),
        ("x = rng.random((4, n))", False),  # a size only
        ("x = rng.poisson(np.maximum(gap, 0.0))", False),
        ("x = rng.integers(0, len(pool), size=(2, 3))", False),
        ("x = rng.beta(2.0, 5.0, n)  # literal-ok: a test's own draw", False),
    ],
)
def test_draw_scan_flags_literal_distribution_parameters(code, flagged):
    assert bool(draw_literals(code)) is flagged


def test_no_random_draw_in_the_behaviour_code_has_a_literal_parameter():
    found = [
        f"{_rel(p)}:{line}: {call}"
        for p in BEHAVIOUR
        for line, call in draw_literals(p.read_text(encoding="utf-8"))
    ]
    assert not found, (
        "make these numbers config parameters with a domain, a row in docs/parameter_sources.csv "
        "and a range in docs/parameter_ranges.csv:\n" + "\n".join(found)
    )


def test_module_constants_of_the_behaviour_code_are_known():
    seen = {(_rel(p), name) for p in BEHAVIOUR for name in module_constants(p.read_text())}
    new = sorted(seen - set(KNOWN_CONSTANTS))
    gone = sorted(set(KNOWN_CONSTANTS) - seen)
    assert not new, (
        "a number at module level in the behaviour code: make it a config parameter (domain, "
        f"source, range), or list it in KNOWN_CONSTANTS with why it is not one: {new}"
    )
    assert not gone, f"no longer in the code, drop from KNOWN_CONSTANTS: {gone}"


def test_firm_size_names_repeat_the_config_defaults():
    assert base_firms.FIRM_SIZE_SIGMA == FirmParams.firm_size_sigma
    assert base_firms.FIRM_SIZE_CAP == FirmParams.firm_size_cap


# each former literal, set away from its default (a value that surely binds in a short run)
MOVED = {
    "model.firm.firm_size_sigma": 1.3,
    "model.firm.firm_size_cap": 20,
    "model.firm.startup_employee_probability": 0.1,
    "model.firm.innovation_beta_a": 2.6,
    "model.firm.innovation_beta_b": 3.5,
    "model.firm.small_firm_max_persons": 1,
    "model.firm.entrant_cohort_elasticity": 0.0,
    "intervention.rural_hubs.user_memory_quarters": 2,
    "scenario.coal_exit.orders_kfz_share": 0.2,
    "scenario.coal_exit.hire_min_years_to_retirement": 20.0,
    "scenario.structural_funds.bauhaupt_share_of_craft_work": 0.4,
}


@pytest.fixture(scope="module")
def short_run():
    from golden_cases import CASES

    from sim.config import load_config
    from sim.model import RegionModel

    def run(*extra: str) -> dict:
        return RegionModel(load_config([*CASES["small_all_levers"], *extra])).run()

    return run, run()


@pytest.mark.parametrize("key, value", list(MOVED.items()))
def test_each_former_literal_moves_the_model(short_run, key, value):
    run, base = short_run
    moved = run(f"{key}={value}")
    differs = [
        name
        for name, frame in base.items()
        if not frame.reset_index(drop=True).equals(moved[name].reset_index(drop=True))
    ]
    assert differs, f"{key}={value} left every output table unchanged: is it wired?"
