"""Scenario discovery: the PRIM wrapper on a known box, the design, the experiment's config."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.scenario_discovery.design import INPUTS, latin_hypercube, overrides
from sim.analysis.discovery import choose, find_box

ROOT = Path(__file__).resolve().parents[1]


def _synthetic(n: int = 400, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(
        {
            "a": rng.uniform(0, 1, n),
            "b": rng.uniform(0, 1, n),
            "noise": rng.uniform(0, 1, n),
            "variant": rng.choice(["low", "mid", "high"], n),
        }
    )
    y = ((x["a"] < 0.4) & (x["b"] > 0.5) & (x["variant"] != "high")).to_numpy()
    return x, y


def test_prim_finds_the_known_box():
    x, y = _synthetic()
    box = find_box(x, y)
    limits = box.limits.set_index("input")
    assert set(limits.index) == {"a", "b", "variant"}  # the noise input stays unrestricted
    assert limits.loc["a", "max"] == pytest.approx(0.4, abs=0.04)
    assert limits.loc["b", "min"] == pytest.approx(0.5, abs=0.04)
    assert set(limits.loc["variant", "values"].split(",")) == {"low", "mid"}
    assert box.coverage > 0.9 and box.density > 0.9
    assert box.n_interest == int(y.sum()) and box.n_cases == len(y)
    assert box.trajectory["chosen"].sum() == 1
    # the trajectory starts with the whole space: every case, density = base rate
    first = box.trajectory.iloc[0]
    assert first["coverage"] == 1.0 and first["density"] == pytest.approx(y.mean())


def test_prim_refuses_an_outcome_without_contrast():
    x, y = _synthetic(100)
    with pytest.raises(ValueError, match="cases with and without"):
        find_box(x, np.zeros(len(y), bool))


def test_choose_takes_the_densest_box_with_enough_coverage():
    t = pd.DataFrame({"coverage": [1.0, 0.8, 0.55, 0.3], "density": [0.2, 0.5, 0.7, 0.95]})
    assert choose(t, 0.5) == 2
    assert choose(t, 0.9) == 0


def test_latin_hypercube_is_stratified_and_within_ranges():
    design = latin_hypercube(30, seed=3)
    assert list(design["sample"]) == list(range(30))
    for inp in INPUTS:
        col = design[inp.name]
        if inp.values:
            assert col.value_counts().to_dict() == {v: 10 for v in inp.values}
        else:
            assert col.between(inp.low, inp.high).all()
            # one sample in each of the 30 equal strata
            strata = np.floor((col - inp.low) / (inp.high - inp.low) * 30).clip(0, 29)
            assert strata.nunique() >= 29  # rounding to 4 decimals may move one across
    assert latin_hypercube(30, seed=3).equals(design)  # the same design on a rerun
    row = overrides(design.iloc[0])
    assert len(row) == len(INPUTS) and all("=" in o for o in row)


def test_experiment_config_composes_and_the_sample_overrides_validate():
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    from sim.config import CONF_DIR, register_configs, validate

    register_configs()
    GlobalHydra.instance().clear()
    sample = overrides(latin_hypercube(3, seed=0).iloc[1])
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose(
            "config", overrides=["experiment=scenario_discovery"], return_hydra_config=True
        )
        job = compose("config", overrides=["experiment=scenario_discovery", *sample])
        full = compose("config", overrides=["experiment=scenario_discovery", "region=full"])
    GlobalHydra.instance().clear()
    assert cfg.hydra.runtime.choices.experiment == "scenario_discovery"
    assert job.batch == "scenario_discovery" and job.households_per_agent == 50
    assert job.region.name == "small" and full.region.name == "full"  # command line wins
    params = cfg.hydra.sweeper.params
    assert params.intervention == "none,innovation_transfer" and params.seed == "range(1)"
    validate(job)
    for inp in INPUTS:  # every design input reaches the job's config
        node = job
        for part in inp.key.split("."):
            node = node[part]
        given = next(o.split("=", 1)[1] for o in sample if o.startswith(inp.key))
        if inp.values:
            assert str(node).split(".")[-1] == given
        else:
            assert float(node) == pytest.approx(float(given))
    readme = (ROOT / "experiments" / "scenario_discovery" / "README.md").read_text()
    assert "python -m experiments.scenario_discovery" in readme
