"""docs/parameter_ranges.csv: every estimated [E] or fitted [F] parameter and every lever's
effect size and unit cost has a range with a reason, inside the key's domain, around its
default; the ODD parameter table shows it."""

import pytest

from sim.config_domains import domain_of, numeric_fields
from sim.sensitivity.ranges import Range, RangeError, problem, read_ranges, uncertain_inputs
from tests.conftest import param_table_generator

# each lever's effect size and unit cost, whatever its tag (S/V rows have a sourced range)
LEVER_EFFECTS_AND_COSTS = (
    "intervention.innovation_transfer.voucher_eur",
    "intervention.innovation_transfer.voucher_innovation_gain",
    "intervention.innovation_transfer.cost_per_advisor_year_eur",
    "intervention.succession_support.grant_per_takeover_eur",
    "intervention.succession_support.advice_cost_per_case_eur",
    "intervention.succession_support.additional_share_of_takeovers",
    "intervention.apprenticeship_offensive.bonus_per_new_contract_eur",
    "intervention.apprenticeship_offensive.additional_share_of_funded_contracts",
    "intervention.apprenticeship_offensive.dropout_reduction",
    "intervention.rural_hubs.cost_per_hub_year_eur",
    "intervention.rural_hubs.innovation_gain_per_quarter",
    "intervention.rural_hubs.cooperation_capacity_gain",
    "intervention.local_procurement.public_demand_uplift",
    "intervention.local_procurement.admin_share_of_orders",
)


@pytest.fixture(scope="module")
def table():
    gen = param_table_generator()
    sources, problems = gen.read_sources()
    assert not problems
    return gen, sources, gen.config_parameters(), read_ranges()


def test_every_estimated_or_fitted_parameter_and_lever_effect_has_a_range(table):
    _, sources, _, ranges = table
    wanted = {k for k, (_, tag) in sources.items() if tag in ("E", "F")}
    wanted |= set(LEVER_EFFECTS_AND_COSTS)
    assert sorted(wanted - set(ranges)) == []


def test_every_range_is_a_config_key_inside_its_domain_and_contains_the_default(table):
    _, _, params, ranges = table
    fields = numeric_fields()
    bad = []
    for key, item in ranges.items():
        assert key in params and key in fields, f"{key} is not a numeric config key"
        domain = domain_of(key, fields[key])
        default = params[key]
        if not (domain.contains(item.low) and domain.contains(item.high)):
            bad.append(f"{key}: {item.describe()} outside {domain.describe()}")
        if not item.low <= default <= item.high:
            bad.append(f"{key}: default {default} outside {item.describe()}")
        if domain.integer != item.integer:
            bad.append(f"{key}: distribution {item.distribution} for integer={domain.integer}")
    assert not bad, "\n".join(bad)


def test_sourced_ranges_are_the_sources_ranges(table):
    *_, ranges = table
    elasticity = ranges["model.demand_price_elasticity"]
    multiplier = ranges["scenario.coal_exit.indirect_jobs_per_direct_job"]
    assert (elasticity.low, elasticity.high) == (0.2, 1.0)
    assert (multiplier.low, multiplier.high) == (0.6, 1.4)
    assert "expert judgement" in ranges["model.firm.shed_probability"].reason


def test_the_odd_table_shows_the_range(table):
    gen, sources, params, ranges = table
    text = gen.render_table(params, sources)
    row = next(line for line in text.splitlines() if "`model.demand_price_elasticity`" in line)
    assert "| 0.2 to 1 |" in row
    header = text.splitlines()[0]
    assert "range" in header


def test_lever_parameters_enter_a_design_only_with_their_lever(table):
    *_, ranges = table
    plain = uncertain_inputs(ranges)
    assert all(r.lever is None for r in plain)
    hubs = uncertain_inputs(ranges, ("rural_hubs",))
    assert {r.lever for r in hubs} == {None, "rural_hubs"}
    spec = problem(hubs)
    assert spec["num_vars"] == len(hubs) == len(spec["bounds"])


def test_integer_ranges_give_every_whole_number(table):
    item = Range("model.market_rounds", 2, 6, "uniform_integer", "x")
    lo, hi = item.bounds()
    assert item.value(lo) == 2 and item.value(hi) == 6 and item.value(3.49) == 3


def test_a_malformed_row_is_refused(tmp_path):
    path = tmp_path / "ranges.csv"
    path.write_text("key,low,high,distribution,reason\nmodel.loyal_share,0.6,0.4,uniform,x\n")
    with pytest.raises(RangeError, match="low < high"):
        read_ranges(path)
