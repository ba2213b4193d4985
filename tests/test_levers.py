"""Levers are components: a new one needs no change to the model; Mesa's shared RNG is off."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from omegaconf import OmegaConf, open_dict

from sim.interventions import lever_classes, register_lever, unregister_lever
from sim.interventions.base import Lever, LeverParams
from sim.model import RegionModel
from tests.conftest import small_config

GRANT_EUR = 1_000.0


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
    # the named streams work and are the same for the same seed and name
    a = model.streams.for_quarter("x", 3).random(3)
    b = RegionModel(small_config("end=2025Q1")).streams.for_quarter("x", 3).random(3)
    assert np.array_equal(a, b)
