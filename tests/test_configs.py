"""Every shipped scenario and intervention config composes, validates and runs."""

from pathlib import Path

import numpy as np
import pytest

from sim.config import CONF_DIR, INTERVENTIONS, load_config
from sim.model import RegionModel


def choices(group: str) -> list[str]:
    return sorted(
        p.stem for p in Path(CONF_DIR, group).glob("*.yaml") if not p.stem.endswith("_schema")
    )


def test_every_intervention_has_a_config():
    assert set(choices("intervention")) == {"none", *INTERVENTIONS}


@pytest.mark.parametrize("scenario", choices("scenario"))
def test_each_scenario_runs(scenario):
    cfg = load_config(
        [
            "region=small",
            "households_per_agent=100",
            "end=2025Q2",
            f"scenario={scenario}",
            "progress=false",
        ]
    )
    assert cfg.scenario.name == scenario
    tables = RegionModel(cfg).run()
    assert len(tables["groups"]) == 2 * 3 * 3 * 7
    assert np.isfinite(tables["groups"]["value_added_eur"]).all()


@pytest.mark.parametrize("intervention", choices("intervention"))
def test_each_intervention_config_switches_on_only_itself(intervention):
    cfg = load_config([f"intervention={intervention}"])
    on = [n for n in INTERVENTIONS if cfg.intervention[n].enabled]
    assert on == ([] if intervention == "none" else [intervention])
