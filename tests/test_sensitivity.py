"""The sensitivity design's wiring (design -> Hydra overrides / point files -> the runs' config,
read back as ``sim.store.load`` columns) and the Morris / Sobol analysis on small designs."""

import numpy as np
import pandas as pd
import pytest
from omegaconf import OmegaConf

from experiments.sensitivity import main
from sim.config import load_config
from sim.sensitivity.analysis import morris_indices, ranking, sobol_indices
from sim.sensitivity.design import Design, make_design, overrides, point_yaml, write_points
from sim.sensitivity.outputs import HEADLINES, load_runs, sample_outputs
from sim.sensitivity.ranges import read_ranges, uncertain_inputs

KEYS = ("model.price_elasticity", "model.firm.loss_quarters_to_exit", "model.loyal_share")


@pytest.fixture(scope="module")
def inputs():
    return uncertain_inputs(read_ranges(), keys=KEYS)


def test_morris_design_has_k_plus_one_rows_per_trajectory_inside_the_ranges(inputs):
    design = make_design("morris", inputs, 2)
    values = design.values()
    assert design.samples.shape == (2 * (len(inputs) + 1), len(inputs))
    for r in inputs:
        assert values[r.key].between(r.low, r.high).all()
    assert values["model.firm.loss_quarters_to_exit"].dtype.kind == "i"


def test_a_point_as_overrides_and_as_config_file_sets_exactly_its_values(inputs, tmp_path):
    design = make_design("morris", inputs, 1, seed=3)
    point = design.values().iloc[1].to_dict()
    point["model.firm.loss_quarters_to_exit"] = int(point["model.firm.loss_quarters_to_exit"])  # noqa: E501
    cfg = load_config(["region=small", *overrides(point)])
    from_file = OmegaConf.create(point_yaml(point))
    for key, value in point.items():
        assert OmegaConf.select(cfg, key) == value
        assert OmegaConf.select(from_file, key) == value
    names = write_points(design, tmp_path, "none")
    assert sum(len(rows) for rows in names.values()) == len(design.samples)
    assert len(list((tmp_path / "conf" / "experiment").glob("sa_morris_none_*.yaml"))) == len(names)


def _synthetic(design: Design) -> pd.DataFrame:
    """Outputs of a known function: price_elasticity matters most, loyal_share not at all."""
    v = design.values()
    base = 10 * v["model.price_elasticity"] + v["model.firm.loss_quarters_to_exit"]
    return pd.DataFrame({name: base * (i + 1) for i, name in enumerate(HEADLINES)})


def test_morris_ranks_the_influential_input_first_and_skips_incomplete_trajectories(inputs):
    design = make_design("morris", inputs, 6, seed=1)
    y = _synthetic(design)
    y.iloc[0, 0] = np.nan  # a failed run: its trajectory is left out
    indices = morris_indices(design, y)
    assert set(indices["trajectories"]) == {5}
    top = ranking(indices)
    assert top["key"].iloc[0] == "model.price_elasticity"
    loyal = indices[indices["key"] == "model.loyal_share"]
    assert (loyal["mu_star"] == 0).all()


def test_sobol_indices_of_an_additive_function(inputs):
    design = make_design("sobol", inputs, 64, seed=2)
    indices = sobol_indices(design, _synthetic(design))
    first = indices[indices["output"] == "employment"].set_index("key")
    assert first.loc["model.price_elasticity", "ST"] > 0.8
    assert abs(first.loc["model.loyal_share", "ST"]) < 0.05
    missing = _synthetic(design)
    missing.iloc[3, 1] = np.nan
    with pytest.raises(ValueError, match="no finished run"):
        sobol_indices(design, missing)


def test_tiny_design_runs_through_the_launcher_and_is_analysed(tmp_path):
    """One Morris trajectory over one input (2 runs, one quarter): the design's values land in
    the runs' config, come back as sim.store.load columns, and the report is written; run
    again, the finished runs are skipped."""
    key = "model.price_elasticity"
    argv = ["--trajectories", "1", "--keys", key, f"results_dir={tmp_path}"]
    argv += ["end=2025Q1", "hydra.launcher.n_jobs=2"]
    assert main(argv) == 0
    sweep = tmp_path / "sensitivity"
    design = Design.load(sweep / "_design" / "morris")
    runs = load_runs(sweep)
    assert sorted(runs[key]) == sorted(design.values()[key])
    y, found = sample_outputs(design, runs)
    assert (found == 1).all() and y.notna().all().all()
    report = sweep / "_report"
    assert (report / "morris_ranking.csv").is_file()
    assert (report / "morris_employment.png").is_file()
    assert "morris stage" in (report / "summary_morris.md").read_text()
    assert main([*argv, "--no-run"]) == 0


# the behaviour literals made parameters in issue 14 (item 2): the design varies them too
FORMER_LITERALS = (
    "model.firm.firm_size_sigma",
    "model.firm.firm_size_cap",
    "model.firm.startup_employee_probability",
    "model.firm.innovation_beta_a",
    "model.firm.innovation_beta_b",
    "model.firm.small_firm_max_persons",
)


def test_the_design_takes_every_range_from_the_table_the_former_literals_included():
    import argparse

    from experiments.sensitivity import stage_inputs
    from sim.interventions import lever_classes

    ranges = read_ranges()
    args = argparse.Namespace(stage="morris", keys="", top=8)
    everything = stage_inputs(args, tuple(lever_classes()), report=None)
    assert [r.key for r in everything] == list(ranges)  # no range is left out
    plain = {r.key for r in stage_inputs(args, (), report=None)}
    assert set(FORMER_LITERALS) <= plain
    hubs = {r.key for r in stage_inputs(args, ("rural_hubs",), report=None)}
    assert "intervention.rural_hubs.user_memory_quarters" in hubs - plain


def test_a_point_of_the_former_literals_sets_them_in_the_config():
    inputs = uncertain_inputs(read_ranges(), keys=FORMER_LITERALS)
    design = make_design("morris", inputs, 1, seed=5)
    values = design.values()
    point = {key: values[key].iloc[1].item() for key in values}  # ints stay ints
    cfg = load_config(["region=small", *overrides(point)])
    for key, value in point.items():
        assert OmegaConf.select(cfg, key) == value
    assert isinstance(OmegaConf.select(cfg, "model.firm.firm_size_cap"), int)


def _values_to_try(r) -> list[float | int]:
    """Each whole number of a narrow integer range (parity and off-by-one bugs show only at
    some of them), else the two ends and the middle."""
    if r.integer and r.high - r.low <= 12:
        return list(range(int(r.low), int(r.high) + 1))
    return [r.value(v) for v in (r.low, (r.low + r.high) / 2, r.high)]


def test_the_model_runs_at_every_value_the_design_can_give_an_input():
    """A design point may set any input anywhere in its range: each run sets every non-lever
    input to one of its values at once (cycling through them), so all values of every input
    are built and stepped. Found: an even participation-smoothing width gave 102 ages."""
    from sim.model import RegionModel

    inputs = uncertain_inputs(read_ranges())
    values = {r.key: _values_to_try(r) for r in inputs}
    for i in range(max(len(v) for v in values.values())):
        point = {k: v[i % len(v)] for k, v in values.items()}
        cfg = load_config(
            ["region=small", "households_per_agent=50", "end=2025Q2", "progress=false"]
            + overrides(point)
        )
        model = RegionModel(cfg)
        tables = model.run()
        assert model.current_label == "2025Q2", point
        assert np.isfinite(tables["groups"]["value_added_eur"]).all(), point
