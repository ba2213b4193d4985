"""A parameter sweep analysed in pandas: ``sim.store.load`` returns the swept values as
columns (issue 14), beside the run columns, and leaves out what the arms already say."""

from __future__ import annotations

from sim.store import load
from tests.conftest import run_cli

TINY = ["region=small", "households_per_agent=50", "end=2025Q2", "progress=false"]


def test_swept_parameter_values_are_columns(tmp_path):
    proc = run_cli(
        "-m",
        *TINY,
        "model.price_elasticity=1.0,3.0",
        "scenario=baseline,early_exit",
        "batch=elasticity",
        f"results_dir={tmp_path}",
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    groups = load(tmp_path / "elasticity", "groups")
    assert list(groups.columns[:5]) == [
        "run_id",
        "scenario",
        "intervention",
        "seed",
        "model.price_elasticity",
    ]
    per_run = groups.groupby("run_id")[["scenario", "model.price_elasticity"]].first()
    assert sorted(map(tuple, per_run.to_numpy())) == [
        ("baseline", 1.0),
        ("baseline", 3.0),
        ("early_exit", 1.0),
        ("early_exit", 3.0),
    ]
    # the scenarios' own settings follow the scenario column; the seed is a run column
    assert not any(c.startswith("scenario.") for c in groups.columns)
    assert "seed" in groups.columns and list(groups.columns).count("seed") == 1
    # every row of a run carries that run's value
    assert (groups.groupby("run_id")["model.price_elasticity"].nunique() == 1).all()
