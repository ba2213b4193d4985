"""Levers are targeted (districts, settlement types, trade groups), timed and sized, and refuse
names that do not exist with a message naming the allowed ones."""

from __future__ import annotations

import numpy as np
import pytest

from sim.interventions.targeting import TargetError, budget_share, check_targets
from sim.model import RegionModel
from sim.vocabulary import AUSBAU, RURAL
from tests.conftest import small_config

IT = "intervention.innovation_transfer"
FIRMS = {"halle": 1796, "saalekreis": 2330, "burgenlandkreis": 1860, "leipzig_city": 5180}
REVIER = 22197  # craft firms of the 9 districts (districts.csv)


def test_the_budget_is_the_revier_s_and_scales_to_the_modelled_districts():
    small = ["halle", "saalekreis", "burgenlandkreis"]
    assert budget_share([], []) == 1.0  # the full region spends the whole budget
    assert budget_share(small, []) == pytest.approx(
        (FIRMS["halle"] + FIRMS["saalekreis"] + FIRMS["burgenlandkreis"]) / REVIER
    )
    # a programme for one district spends all of it wherever that district is modelled
    assert budget_share(small, ["burgenlandkreis"]) == 1.0
    assert budget_share([], ["burgenlandkreis"]) == 1.0
    assert budget_share(small, ["halle", "leipzig_city"]) == pytest.approx(
        FIRMS["halle"] / (FIRMS["halle"] + FIRMS["leipzig_city"])
    )


@pytest.mark.parametrize(
    "overrides,expected",
    [
        ([f"{IT}.districts=[atlantis]"], "halle, leipzig_city"),
        ([f"{IT}.settlement_types=[village]"], "city, town, rural"),
        ([f"{IT}.trade_groups=[bakers]"], "bauhaupt, ausbau"),
        (["intervention.rural_hubs.settlement_types=[city]"], "town, rural"),
        ([f"{IT}.start_year=2030", f"{IT}.end_year=2029"], "not before start_year=2030"),
        ([f"{IT}.districts=[leipzig_city]"], "modelled region"),
    ],
)
def test_wrong_targets_are_refused_naming_what_is_allowed(overrides, expected):
    lever = overrides[0].split(".")[1]
    # refused when the config is validated (sim.config.validate's hook) or, without the hook,
    # when the model builds the lever; a ConfigError is a ValueError too
    with pytest.raises(ValueError, match=expected):
        RegionModel(small_config(f"intervention={lever}", *overrides))


def test_the_config_check_names_the_key():
    cfg = small_config("intervention=rural_hubs")
    check_targets(cfg)  # the defaults are fine
    cfg.intervention.rural_hubs.districts = ["atlantis"]
    with pytest.raises(TargetError, match="'intervention.rural_hubs.districts'.*allowed: halle"):
        check_targets(cfg)
    cfg.intervention.rural_hubs.districts = []
    cfg.intervention.rural_hubs.enabled = False
    cfg.intervention.innovation_transfer.trade_groups = ["bakers"]
    check_targets(cfg)  # a lever that is off is not checked


def _run(*overrides):
    model = RegionModel(small_config(*overrides))
    return model, model.run()


def test_a_lever_spends_its_scaled_budget_and_only_in_its_years():
    lever = f"{IT}.start_year=2026", f"{IT}.end_year=2026"
    model, tables = _run("intervention=innovation_transfer", *lever, "end=2027Q4")
    cost = tables["districts"].groupby("year")["intervention_cost_eur"].sum()
    scaled = 2e6 * budget_share(["halle", "saalekreis", "burgenlandkreis"], [])
    assert cost[2025] == 0 and cost[2027] == 0
    # advisors in full, grants in whole grants (fractions carry over): within one grant
    assert scaled - 10_000 < cost[2026] <= scaled
    # the advisors' posts end with the programme
    offices = [i for i in model.institutions if i.kind == "innovation_advisors"]
    assert offices and all(o.advisors == 0 for o in offices)


def test_grants_go_only_to_the_targeted_firms():
    target = (f"{IT}.settlement_types=[rural]", f"{IT}.trade_groups=[ausbau]")
    model = RegionModel(small_config("intervention=innovation_transfer", *target, "end=2025Q4"))
    learn = model.firms.learn
    got = []

    def recording(rows, gain):
        got.append(np.asarray(rows))
        return learn(rows, gain)

    model.firms.learn = recording
    model.run()
    rows = np.concatenate(got)
    t = model.firms.table
    assert len(rows) > 0
    assert (t.settlement[rows] == RURAL).all() and (t.group[rows] == AUSBAU).all()
    offices = [i for i in model.institutions if i.kind == "innovation_advisors"]
    assert all(o.serves_settlements == (RURAL,) for o in offices)


def test_a_district_programme_books_its_whole_budget_there():
    model, tables = _run(
        "intervention=innovation_transfer", f"{IT}.districts=[burgenlandkreis]", "end=2025Q4"
    )
    d = tables["districts"].groupby("district_id")["intervention_cost_eur"].sum()
    assert d.drop("burgenlandkreis").eq(0).all()
    assert 2e6 - 10_000 < d["burgenlandkreis"] <= 2e6  # the Revier's budget, all of it there


def test_apprenticeship_bonus_raises_intake_only_in_the_targeted_district():
    model = RegionModel(
        small_config(
            "intervention=apprenticeship_offensive",
            "intervention.apprenticeship_offensive.districts=[halle]",
            "end=2025Q1",
        )
    )
    model.run()
    ids = list(model.region.districts["district_id"])
    m = model.interventions.intake_multiplier()
    assert m[ids.index("halle")] > 1.0
    assert all(m[i] == 1.0 for i, d in enumerate(ids) if d != "halle")


def test_local_orders_only_for_the_targeted_trade_group():
    model = RegionModel(
        small_config(
            "intervention=local_procurement",
            "intervention.local_procurement.trade_groups=[ausbau]",
            "end=2025Q2",
        )
    )
    compose = model.demand.compose
    local = []
    model.demand.compose = lambda *a, **k: local.append(compose(*a, **k)) or local[-1]
    model.run()
    by_group = sum(parts.local for parts in local).sum(axis=0)
    assert by_group[AUSBAU] > 0
    assert np.delete(by_group, AUSBAU).sum() == 0


def test_rural_hubs_close_after_their_last_year(monkeypatch):
    from sim.agents.firms import CraftFirms
    from tests.test_levers import _withdraw

    if not hasattr(CraftFirms, "withdraw_capacity_bonus"):
        monkeypatch.setattr(CraftFirms, "withdraw_capacity_bonus", _withdraw, raising=False)
    hubs = "intervention.rural_hubs"
    model, tables = _run("intervention=rural_hubs", f"{hubs}.end_year=2025", "end=2026Q2")
    cost = tables["districts"].groupby("year")["intervention_cost_eur"].sum()
    assert cost[2025] > 0 and cost[2026] == 0
    offices = [i for i in model.institutions if i.kind == "rural_hub"]
    assert offices and all(o.advisors == 0 for o in offices)
    assert (model.firms.table.capacity_bonus == 0).all()  # the workshop closed with them
