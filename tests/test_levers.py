"""Levers are components: a new one needs no change to the model; Mesa's shared RNG is off."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from omegaconf import OmegaConf, open_dict

from sim.config import intervention_label
from sim.interventions import lever_classes, register_lever, unregister_lever
from sim.interventions.base import Lever, LeverParams
from sim.model import RegionModel
from sim.scenarios import SCENARIO_ORDER
from tests.conftest import small_config

GRANT_EUR = 1_000.0
# the small region's share of the Revier's craft firms (districts.csv: 5,986 of 22,197)
SMALL_SHARE = pytest.approx((1796 + 1860 + 2330) / 22197)


@dataclass
class ExpertDaysParams(LeverParams):
    eur_per_district_and_quarter: float = GRANT_EUR
    innovation_gain: float = 0.2


class ExpertDays(Lever):
    """A lever defined only here: every live firm learns a little; each district pays a fee."""

    name = "expert_days"
    Params = ExpertDaysParams
    order = 999

    def start_quarter(self, quarter: int) -> None:
        t = self.ctx.firms.table
        self.ctx.firms.learn(np.flatnonzero(t.alive), self.params.innovation_gain)
        n = self.ctx.ledger.n_districts
        self.ctx.ledger.add(self.name, np.full(n, self.params.eur_per_district_and_quarter))


@pytest.fixture
def expert_days():
    register_lever(ExpertDays)
    yield ExpertDays
    unregister_lever(ExpertDays.name)


def _run(*, with_lever: bool):
    cfg = small_config("end=2025Q4")
    if with_lever:
        with open_dict(cfg.intervention):
            cfg.intervention.expert_days = OmegaConf.structured(ExpertDaysParams(enabled=True))
    model = RegionModel(cfg)
    return model, model.run()


def test_a_registered_lever_acts_and_books_its_cost_without_touching_the_model(expert_days):
    assert "expert_days" in lever_classes()
    base_model, base = _run(with_lever=False)
    model, arm = _run(with_lever=True)
    assert model.interventions.active == ["expert_days"]
    assert base_model.interventions.active == []
    # its cost is in the district table: the fee in every district and quarter, nothing else
    assert (arm["districts"]["intervention_cost_eur"] == GRANT_EUR).all()
    assert (base["districts"]["intervention_cost_eur"] == 0).all()
    assert model.interventions.levers[0].cost_this_quarter.tolist() == [GRANT_EUR] * 3
    # and its effect: firms are more innovative than in the paired run without it
    innovation = arm["groups"]["innovation_mean"].mean()
    assert innovation > base["groups"]["innovation_mean"].mean() + 0.1
    # it owns its cost over the run (the manifest's "levers") and names the run
    assert model.interventions.summary() == {
        "expert_days": {"cost_eur": GRANT_EUR * 3 * 4, "budget_share_of_region": SMALL_SHARE}
    }
    assert intervention_label(model.cfg.intervention) == "expert_days"


def test_a_lever_name_is_registered_once(expert_days):
    clash = type("Clash", (ExpertDays,), {})
    with pytest.raises(ValueError, match="exists already"):
        register_lever(clash)
    register_lever(ExpertDays)  # the same class again is harmless


@pytest.mark.parametrize("name", [n for n in lever_classes() if n != "expert_days"])
def test_each_shipped_lever_is_selected_by_its_config_group(name):
    from sim.config import active_interventions, load_config

    cfg = load_config(["region=small", f"intervention={name}"])
    assert active_interventions(cfg.intervention) == [name]


def test_lever_results_are_kept_in_the_summary():
    cfg = small_config("end=2025Q4", "intervention=[innovation_transfer,succession_support]")
    model = RegionModel(cfg)
    model.run()
    summary = model.interventions.summary()
    assert list(summary) == ["innovation_transfer", "succession_support"]
    it, ss = summary["innovation_transfer"], summary["succession_support"]
    # the Revier's 2 M EUR scaled to the small region, half of it as 10,000 EUR grants
    grants_a_year = 2e6 * it["budget_share_of_region"] * 0.5 / 10_000
    assert it["vouchers_issued"] == int(grants_a_year)  # fractions carry over the quarters
    advisors = 2e6 * it["budget_share_of_region"] * 0.5
    assert it["cost_eur"] == pytest.approx(advisors + it["vouchers_issued"] * 10_000)
    assert it["advisors_added"] == pytest.approx(advisors / 80_000)
    budget = 1.5e6 * ss["budget_share_of_region"]
    assert 0 < ss["cost_eur"] <= budget * (1 + 1e-9)
    # each case costs its advice plus the expected takeover grant
    assert ss["cost_eur"] == pytest.approx(
        ss["cases_supported"] * 2_000 + ss["grants_paid"] * 7_500
    )
    # the grant's additionality: 53 % of the funded takeovers are extra
    assert ss["extra_takeovers"] == pytest.approx(0.53 * ss["grants_paid"], rel=0.05)


def test_every_shipped_lever_has_a_config_file_and_a_params_schema():
    from sim.config import CONF_DIR, INTERVENTIONS

    assert tuple(lever_classes()) == INTERVENTIONS
    for name, cls in lever_classes().items():
        assert (CONF_DIR / "intervention" / f"{name}.yaml").is_file(), name
        assert issubclass(cls.Params, LeverParams) and not cls.Params().enabled


def test_mesa_shared_generators_are_disabled_with_a_clear_message():
    model = RegionModel(small_config("end=2025Q1"))
    with pytest.raises(RuntimeError, match="named streams"):
        model.rng.random()
    with pytest.raises(RuntimeError, match="streams.for_quarter"):
        model.random.random()
    with pytest.raises(RuntimeError, match="named streams"):
        model.agents.shuffle()  # Mesa's registry draws from model.random too
    with pytest.raises(RuntimeError, match="named streams"):
        model.agents_by_type[type(model.institutions[0])].shuffle_do("add_advisors", 0.0)
    # the named streams work and are the same for the same seed and name
    a = model.streams.for_quarter("x", 3).random(3)
    b = RegionModel(small_config("end=2025Q1")).streams.for_quarter("x", 3).random(3)
    assert np.array_equal(a, b)


def test_scenarios_act_in_the_declared_order():
    model = RegionModel(small_config("end=2025Q1"))
    assert tuple(s.name for s in model.scenarios) == SCENARIO_ORDER


def _withdraw(firms, rows):
    """The writer the rural hubs use to end a firm's workshop bonus (issue 13 hook for
    sim/agents/firms.py), where CraftFirms does not have it yet."""
    firms.table.capacity_bonus[rows] = 0.0


def test_rural_hubs_serve_rural_and_small_town_firms_only(monkeypatch):
    """Hubs sit in rural places; city firms within their reach are not their clients, and only
    the firms a hub advised (its users) share its workshop."""
    from sim.agents.firms import CraftFirms
    from sim.vocabulary import CITY, RURAL

    if not hasattr(CraftFirms, "withdraw_capacity_bonus"):
        monkeypatch.setattr(CraftFirms, "withdraw_capacity_bonus", _withdraw, raising=False)

    # enough hubs (7 in the small region) that some reach city firms
    big = "intervention.rural_hubs.budget_eur_per_year=1.2e7"
    model = RegionModel(small_config("intervention=rural_hubs", big, "end=2026Q4"))
    model.run()
    t, region = model.firms.table, model.region
    hubs = [i for i in model.institutions if i.kind == "rural_hub"]
    assert hubs and all(region.place_settlement[h.place] == RURAL for h in hubs)
    reach = hubs[0].reach_minutes
    city = t.settlement == CITY
    near = (region.minutes[[h.place for h in hubs]][:, t.place] <= reach).any(axis=0)
    assert (city & near).any()  # the restriction matters: city firms are within reach
    assert (t.capacity_bonus[city] == 0).all()  # no shared workshop for them
    assert all(CITY not in h.serves_settlements for h in hubs)  # nor advice
    lever = model.interventions.levers[0]
    # the last quarter's workshop users: advised in the two years before it
    q = model.quarter - 1
    advised = np.full(len(t), -(10**6))
    advised[: len(lever.last_use)] = lever.last_use
    users = t.alive & (advised < q) & (q - advised < 8)
    workshop = (t.capacity_bonus > 0) & t.alive  # (firms closed since are gone)
    assert users.any() and not (users & ~workshop).any()
    # ... and no one else (a user advised again in the last quarter shows that quarter)
    assert not (workshop & (q - advised >= 8)).any()
    # the workshop is its users', not every firm's within reach
    assert users.sum() < (near & ~city & t.alive).sum()


def test_local_procurements_extra_public_orders_are_booked_as_its_cost():
    """The extra public demand is public money: the lever's cost is every euro of the extra
    orders plus their administration, booked in the ordering district, within the budget."""
    model = RegionModel(small_config("intervention=local_procurement", "end=2026Q4"))
    compose = model.demand.compose
    local = []

    def recording(*args, **kwargs):
        parts = compose(*args, **kwargs)
        local.append(parts.local.sum())
        return parts

    model.demand.compose = recording
    tables = model.run()
    lever = model.interventions.levers[0]
    booked = model.interventions.ctx.ledger.run_total["local_procurement"]
    assert booked == pytest.approx(sum(local) * (1 + lever.params.admin_share_of_orders))
    per_year = tables["districts"].groupby("year")["intervention_cost_eur"].sum()
    # the first quarter's orders rest on the base year's public demand: within a few per cent
    assert per_year.between(0.9 * lever.budget_per_year, 1.05 * lever.budget_per_year).all()
