"""Every shipped scenario and intervention config composes, validates and runs."""

import re
from pathlib import Path

import numpy as np
import pytest

from sim.config import (
    CONF_DIR,
    INTERVENTIONS,
    ConfigError,
    check_experiment_overrides,
    check_override_keys,
    experiment_names,
    load_config,
)
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


def test_experiment_is_a_config_group_and_batch_the_results_folder():
    from hydra.errors import ConfigCompositionException

    assert experiment_names() == choices("experiment")
    base = load_config()
    assert base.batch == "baseline" and "experiment" not in base
    for name in experiment_names():
        cfg = load_config([f"experiment={name}"])  # selects conf/experiment/<name>.yaml
        assert cfg.batch == name and "experiment" not in cfg
    # the command line wins over the experiment config
    assert load_config(["experiment=policy_comparison", "batch=mine"]).batch == "mine"
    with pytest.raises(ConfigCompositionException):  # the CLI explains this one (below)
        load_config(["+experiment=policy_comparison"])


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("experiment=nonsense", "experiment=nonsense is not a study experiment; allowed: coal"),
        ("experiment=policy_comparison,x", "experiment=x is not"),
        ("experiment=null", "experiment=null is not"),
        ("+experiment=policy_comparison", "with experiment=policy_comparison (without '+'"),
        ("++experiment=x", "with experiment=x (without '+'"),
    ],
)
def test_experiment_overrides_are_checked_with_the_names_to_use(override, expected):
    with pytest.raises(ConfigError, match=re.escape(expected)):
        check_experiment_overrides([override])


def test_good_experiment_overrides_pass_the_checks():
    ok = [
        "experiment=policy_comparison",
        "experiment=policy_comparison,coal_exit_variants",
        "experiment=glob(*)",
        "batch=mine",
        "seed=1",
    ]
    check_experiment_overrides(ok)
    check_override_keys(ok)


def test_succession_shares_over_one_are_refused_naming_each_key():
    from sim.config import ConfigError, load_config

    for key in ("succession_family", "succession_employee", "succession_external"):
        with pytest.raises(ConfigError, match=key):
            load_config([f"model.firm.{key}=1.0"])
