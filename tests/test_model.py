"""Base-year agents match the data; every quarter conserves demand and money; seeds work."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sim.agents.cooperation import CooperationNetwork
from sim.agents.craft_firm import CraftFirm
from sim.agents.household import COAL_DIRECT
from sim.agents.table import ColumnTable
from sim.agents.transfer import TransferInstitution
from sim.config import CooperationParams
from sim.datasets import load_districts
from sim.model import RegionModel
from tests.conftest import run_model, small_config

SMALL_DISTRICTS = ["halle", "saalekreis", "burgenlandkreis"]


def test_base_year_firms_match_the_data_one_to_one(small_run):
    model, _ = small_run
    data = load_districts().set_index("district_id")
    t = model.firms.table
    born_at_start = t.founded_quarter < model.start_quarter
    counts = np.bincount(t.district[born_at_start], minlength=len(model.region.districts))
    for i, d in enumerate(model.region.districts["district_id"]):
        assert counts[i] == data.loc[d, "craft_firms"]
    # every firm row is a Mesa agent while it is alive, registered in the model's one registry
    firms = model.agents_by_type[CraftFirm]
    assert len(firms) == t.alive.sum()
    assert sorted(a.row for a in firms) == np.flatnonzero(t.alive).tolist()
    institutions = model.agents_by_type[TransferInstitution]
    assert (
        len(model.agents) == len(firms) + len(institutions) == len(firms) + len(model.institutions)
    )


def test_base_year_households_and_apprentices_match_the_data():
    model = RegionModel(small_config())
    data = load_districts().set_index("district_id")
    stats = model.households.summary()
    households = stats["households"]
    t = model.firms.table
    apprentices = np.bincount(t.district, t.apprentices, minlength=len(households))
    for i, d in enumerate(model.region.districts["district_id"]):
        assert households[i] == pytest.approx(data.loc[d, "households"], rel=1e-9)
        assert apprentices[i] == data.loc[d, "apprentices"]
    # persons by age: the district's population at the start, with the data's age structure
    pop = model.population.total
    expected = data.loc[list(model.region.districts["district_id"]), "population"].to_numpy()
    assert np.allclose(pop, expected, rtol=1e-9)
    # heads' ages follow persons x headship: no head under 15, the oldest over 85
    heads = model.households.table.head_age
    assert heads.min() >= 15 and heads.max() > 85
    # coal workers live around their sites
    coal = model.households.table.employment == COAL_DIRECT
    assert coal.sum() > 0


def test_one_row_per_quarter_district_settlement_group(small_run):
    model, tables = small_run
    groups = tables["groups"]
    assert len(groups) == model.n_quarters * len(SMALL_DISTRICTS) * 3 * 7
    assert groups["quarter"].iloc[0] == "2025Q1" and groups["quarter"].iloc[-1] == "2027Q4"
    assert len(tables["districts"]) == model.n_quarters * len(SMALL_DISTRICTS)
    assert len(tables["places"]) == model.n_quarters * model.region.n_places


def test_demand_is_served_or_unmet_every_quarter(small_run):
    _, tables = small_run
    g = tables["groups"]
    assert np.allclose(
        g["demand_eur"], g["served_demand_eur"] + g["unmet_demand_eur"], rtol=1e-9, atol=1e-3
    )
    q = g.groupby("quarter")[["demand_eur", "unmet_demand_eur"]].sum()
    assert (q["demand_eur"] > 0).all()
    assert (q["unmet_demand_eur"] >= -1e-6).all()


def test_turnover_equals_household_plus_other_spending(small_run):
    _, tables = small_run
    turnover = tables["groups"].groupby("quarter")["turnover_eur"].sum()
    spending = (
        tables["districts"]
        .groupby("quarter")[["household_craft_spending_eur", "other_craft_spending_eur"]]
        .sum()
        .sum(axis=1)
    )
    served = tables["groups"].groupby("quarter")["served_demand_eur"].sum()
    assert np.allclose(turnover, spending, rtol=1e-9)
    assert np.allclose(turnover, served, rtol=1e-9)
    assert (tables["districts"]["household_craft_spending_eur"] > 0).all()
    assert (tables["districts"]["other_craft_spending_eur"] > 0).all()


def test_value_added_is_turnover_minus_inputs(small_run):
    model, tables = small_run
    g = tables["groups"]
    assert np.allclose(g["value_added_eur"], g["turnover_eur"] - g["inputs_eur"], rtol=1e-9)
    # double deflation: output at base-year craft prices, inputs at base-year input prices
    # (nominal inputs / the input price index); the variable inputs follow real output at the
    # group's input share less the fixed part, which follows the firms' normal load
    share = g["trade_group"].map(model.groups["input_share"]).astype(float)
    start = model.start_quarter
    quarters = {label: start + i for i, label in enumerate(g["quarter"].unique())}
    input_index = g["quarter"].map(lambda q: model.cost_index(quarters[q])[1]).astype(float)
    inputs_base = g["inputs_eur"] / input_index
    real = g["turnover_base_prices_eur"] - inputs_base
    assert np.allclose(g["value_added_base_prices_eur"], real, rtol=1e-9, atol=1e-6)
    fixed = model.params.firm.fixed_cost_share
    assert (inputs_base >= g["turnover_base_prices_eur"] * (share - fixed) - 1e-6).all()
    # at about normal load (the surveys' 80 % capacity use) inputs are about the input share
    near = (g["turnover_eur"] / g["capacity_eur"] - 0.8).abs() < 0.02
    ratio = inputs_base[near] / (g["turnover_base_prices_eur"][near] * share[near])
    assert ratio.between(0.97, 1.03).all()
    # prices and the input index are 1 in the first quarter: real equals nominal there
    first = g["quarter"] == g["quarter"].iloc[0]
    assert input_index[first].eq(1.0).all()
    assert (input_index[~first] > 1.0).all()  # the default input prices grow


def test_no_negative_stocks(small_run):
    model, tables = small_run
    g = tables["groups"]
    for col in [
        "firms",
        "employees",
        "apprentices",
        "turnover_eur",
        "value_added_eur",
        "closures_no_successor",
        "closures_losses",
        "startups",
    ]:
        assert (g[col] >= 0).all(), col
    t = model.firms.table
    assert (t.staff[t.alive] >= 1).all()
    assert (t.apprentices >= 0).all()
    d = tables["districts"]
    assert (d[["population", "households", "household_income_eur"]] > 0).all().all()


def test_places_table_adds_up_to_the_group_table(small_run):
    _, tables = small_run
    va_places = tables["places"].groupby("quarter")["value_added_eur"].sum()
    va_groups = tables["groups"].groupby("quarter")["value_added_eur"].sum()
    assert np.allclose(va_places, va_groups, rtol=1e-9)
    unmet_places = tables["places"].groupby("quarter")["unmet_demand_eur"].sum()
    unmet_groups = tables["groups"].groupby("quarter")["unmet_demand_eur"].sum()
    assert np.allclose(unmet_places, unmet_groups, rtol=1e-9, atol=1e-3)


def test_same_seed_gives_identical_tables(small_run):
    _, first = small_run
    _, again = run_model()
    for name in first:
        pd.testing.assert_frame_equal(first[name], again[name])


def test_different_seed_gives_different_tables(small_run):
    _, first = small_run
    _, other = run_model("seed=1")
    assert not first["groups"]["turnover_eur"].equals(other["groups"]["turnover_eur"])


def test_owners_retire_and_firms_are_handed_over_or_closed(small_run):
    _, tables = small_run
    g = tables["groups"]
    successions = g[["successions_family", "successions_employee", "successions_external"]].sum()
    assert successions.sum() > 0
    assert g["closures_no_successor"].sum() > 0


def _edge_keys(edges: np.ndarray) -> np.ndarray:
    return np.sort(edges[:, 0] << 31 | edges[:, 1])


def test_cooperation_edges_are_added_once_and_forgotten_with_their_firms():
    # a bare network over ten firm rows: only the edge bookkeeping, no model around it
    table = ColumnTable({"alive": bool})
    table.append(alive=np.ones(10, dtype=bool))
    net = CooperationNetwork(CooperationParams(), SimpleNamespace(table=table), np.zeros((1, 1)))

    # a self-link is dropped; 2-1 repeats 1-2; the pairs keep the order they came in
    net._add_edges(np.array([1, 2, 3, 3, 5]), np.array([2, 1, 3, 4, 6]))
    assert net.edges.tolist() == [[1, 2], [3, 4], [5, 6]]
    net._add_edges(np.array([4, 0, 9]), np.array([3, 9, 0]))  # only 0-9 is new
    assert net.edges.tolist() == [[1, 2], [3, 4], [5, 6], [0, 9]]
    assert np.array_equal(net._sorted_keys, _edge_keys(net.edges))

    net.leave(np.array([3]))
    table.alive[3] = False
    assert net.edges.tolist() == [[1, 2], [5, 6], [0, 9]]
    assert np.array_equal(net._sorted_keys, _edge_keys(net.edges))
    net._add_edges(np.array([4]), np.array([3]))  # a closed pair is forgotten: it can form anew
    assert net.edges.tolist()[-1] == [3, 4]
    assert np.array_equal(net._sorted_keys, _edge_keys(net.edges))
    assert net.graph.number_of_edges() == 4
    assert net.mean_degree() == pytest.approx(2 * 4 / 9)


def test_cooperation_network_mirrors_live_firms(small_run):
    model, _ = small_run
    net = model.cooperation
    t = model.firms.table
    assert set(net.graph.nodes) == set(np.flatnonzero(t.alive).tolist())
    assert net.graph.number_of_edges() == len(net.edges)
    assert t.alive[net.edges].all()
    assert net.mean_degree() > 1.0


def _writers_named(module_path: str, table: str) -> dict[str, list[str]]:
    """column -> the method names its comment in the table's definition lists."""
    import re

    from tests.conftest import ROOT

    text = (ROOT / module_path).read_text(encoding="utf-8")
    body = text.split(f"{table} = {{", 1)[1].split("\n}", 1)[0]
    out = {}
    for col, comment in re.findall(r'^\s*"(\w+)": [\w.]+,\s*#\s*([^:\n]*)', body, re.M):
        # the writers are the names before any ":" remark, without "(...)" remarks
        writers = re.sub(r"\([^)]*\)", "", comment.split(":")[0])
        out[col] = re.findall(r"\b([a-z_]+)\b", writers)
    return out


@pytest.mark.parametrize(
    "module_path,table,owner",
    [
        ("sim/agents/craft_firm.py", "FIRM_COLUMNS", "CraftFirms"),
        ("sim/agents/household.py", "HOUSEHOLD_COLUMNS", "Households"),
    ],
)
def test_every_column_names_writers_that_exist(module_path, table, owner):
    from sim.agents import craft_firm, household
    from sim.agents.firms import CraftFirms
    from sim.agents.household import Households

    columns = {
        "FIRM_COLUMNS": craft_firm.FIRM_COLUMNS,
        "HOUSEHOLD_COLUMNS": household.HOUSEHOLD_COLUMNS,
    }
    cls = {"CraftFirms": CraftFirms, "Households": Households}[owner]
    named = _writers_named(module_path, table)
    assert set(named) == set(columns[table]), "every column documents its writers"
    missing = {c: w for c, ws in named.items() for w in ws if not callable(getattr(cls, w, None))}
    assert not missing, f"writers named in {table} that {owner} lacks: {missing}"


def test_no_module_but_the_owner_writes_a_table_column():
    """A column is assigned only in its owner's module (firms.py, household.py)."""
    import re

    from sim.agents.craft_firm import FIRM_COLUMNS
    from sim.agents.household import HOUSEHOLD_COLUMNS
    from tests.conftest import ROOT

    owners = {
        **{c: {"sim/agents/firms.py"} for c in FIRM_COLUMNS},
        **{c: {"sim/agents/household.py"} for c in HOUSEHOLD_COLUMNS},
    }
    # names in both tables (place, district): either owner
    for c in set(FIRM_COLUMNS) & set(HOUSEHOLD_COLUMNS):
        owners[c] = {"sim/agents/firms.py", "sim/agents/household.py"}
    write = re.compile(r"\.(\w+)\[[^\]\n]*\]\s*(?:[-+*/]|)=(?!=)")
    offenders = []
    for path in (ROOT / "sim").rglob("*.py"):
        rel = str(path.relative_to(ROOT))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for col in write.findall(line):
                if col in owners and rel not in owners[col]:
                    offenders.append(f"{rel}:{n}: {line.strip()}")
    assert not offenders, "columns written outside their owner:\n" + "\n".join(offenders)


def test_owner_exit_ages_are_the_fit_to_hwk_halles_owner_flows():
    """model.firm.retirement_age_mean/_sd are fitted: re-fit them from the shipped data."""
    from sim.config import FirmParams
    from sim.datasets import load_craft_people, load_owner_age_anchors
    from sim.owner_ages import base_age_fit, exit_age_fit, exit_age_sd_from_middle_half

    c = load_craft_people()
    owners = c[(c["topic"] == "owner_age") & (c["area"] == "hwk_halle")]
    survival = float(
        owners.loc[owners["measure"] == "survival_60plus_2022_to_65plus_2025", "value"].iloc[0]
    )
    anchors = load_owner_age_anchors()
    halle = anchors[anchors["chamber"] == "hwk_halle"]
    share = halle.set_index("measure")["value"]
    assert (survival, share["share_60plus"], share["share_65plus"]) == (0.482, 0.27, 0.125)
    fp = FirmParams()
    sd = exit_age_sd_from_middle_half(60.0, 67.0)
    stock = base_age_fit(halle, fp.owner_age_min)
    mean = exit_age_fit(stock, survival, sd, fp.other_exit_rate_per_year, fp.exit_age_floor)
    assert (mean, sd) == pytest.approx((fp.retirement_age_mean, fp.retirement_age_sd), abs=0.05)


def test_base_owner_ages_meet_each_chambers_anchors():
    from sim.config import FirmParams
    from sim.datasets import load_owner_age_anchors
    from sim.owner_ages import OwnerAgeBounds, base_age_fit, base_ages

    bounds = OwnerAgeBounds.from_params(FirmParams())
    for chamber, rows in load_owner_age_anchors().groupby("chamber"):
        value = rows.set_index("measure")["value"]
        params = base_age_fit(rows, bounds.youngest)
        ages = base_ages(params, (np.arange(100_000) + 0.5) / 100_000, bounds)
        assert ages.min() >= bounds.youngest and ages.max() <= bounds.oldest
        assert (ages >= 60).mean() == pytest.approx(value["share_60plus"], abs=1e-3), chamber
        assert (ages >= 65).mean() == pytest.approx(value["share_65plus"], abs=1e-3), chamber
        assert ages.mean() == pytest.approx(value["mean_age"], abs=0.05), chamber
        # the founders' bulge: more owners in their late fifties than a normal with this mean
        # and 60+ share would hold (0.11)
        assert ((ages >= 55) & (ages < 60)).mean() > 0.12, chamber
        # and owners who work on into their seventies (HWK Leipzig: 9.5 % are 65+ in 2025)
        assert (ages >= 70).mean() > 0.02, chamber


def test_owners_in_office_exit_after_their_current_age():
    from sim.owner_ages import exit_age_above

    rng = np.random.default_rng(3)
    age = rng.uniform(30, 80, 10_000)
    from sim.config import FirmParams

    fp = FirmParams()
    exit_age = exit_age_above(
        age, rng.random(10_000), fp.retirement_age_mean, fp.retirement_age_sd, fp.exit_age_floor
    )
    assert (exit_age >= np.maximum(age, fp.exit_age_floor) - 1e-9).all()


def test_closed_firms_pay_no_wages():
    """A closed firm keeps its last staff in the table; its wage bill must not be booked."""
    from tests.conftest import small_config

    model = RegionModel(small_config("end=2025Q1"))
    firms = model.firms
    t = firms.table
    staffed = np.flatnonzero(t.alive & (t.staff > 2))[:5]
    firms.close(staffed, 0)
    booked = firms.book(np.zeros(len(t)), np.zeros(len(t)), (1.0, 1.0, 1.0))
    assert (booked["wages"][staffed] == 0).all()
    assert booked["wages"][t.alive].sum() > 0


def test_the_owner_age_bounds_are_parameters_that_act():
    """model.firm.owner_age_min/max bound the base-year owners' ages (each chamber's fit is
    made above the minimum) and model.firm.exit_age_floor their exit ages."""
    from tests.conftest import small_config

    default = RegionModel(small_config("end=2025Q1")).firms.table
    model = RegionModel(
        small_config(
            "end=2025Q1",
            "model.firm.owner_age_min=30",
            "model.firm.owner_age_max=70",
            "model.firm.exit_age_floor=64",
        )
    )
    t = model.firms.table
    assert default.owner_age.min() < 30.0 and default.owner_age.max() > 70.0
    assert t.owner_age.min() >= 30.0 and t.owner_age.max() <= 70.0
    assert default.retirement_age.min() < 64.0
    assert t.retirement_age.min() >= 64.0 - 1e-9


def test_the_exit_age_floor_bounds_successors_and_founders_exit_ages():
    """Owners retire early (mean 56) but none before the floor (64): after a few years of
    handovers and start-ups every owner in office exits at 64 or later."""
    from tests.conftest import small_config

    model = RegionModel(
        small_config(
            "end=2027Q4", "model.firm.retirement_age_mean=56", "model.firm.exit_age_floor=64"
        )
    )
    tables = model.run()
    events = tables["groups"][["successions_family", "startups"]].sum()
    assert (events > 20).all()
    t = model.firms.table
    assert t.retirement_age[t.alive].min() >= 64.0 - 1e-9


def test_exit_age_above_keeps_to_its_floor():
    from sim.owner_ages import exit_age_above

    rng = np.random.default_rng(4)
    age = rng.uniform(25, 50, 10_000)
    for floor in (50.0, 60.0):
        exit_age = exit_age_above(age, rng.random(10_000), 60.0, 5.0, floor)
        assert exit_age.min() >= floor - 1e-9
        assert exit_age.min() < floor + 0.5  # the truncation binds: the mass below piles up
