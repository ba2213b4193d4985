"""The scenario-discovery ensemble: a Latin hypercube over the scenario drivers (coal exit,
population variant, coal multiplier, construction recovery, demand price elasticity) and three
behavioural ranges, each sample run with and without the lever, paired by sample and seed.

Each input is a config key with its range and the reason for it (``INPUTS``). A sample is a set
of ``key=value`` overrides; ``sample_of`` finds a finished run's sample again from the config in
its manifest, so an interrupted ensemble resumes and the analysis needs no other bookkeeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import qmc

from sim.store import read_manifest


@dataclass(frozen=True)
class Input:
    name: str  # column in the design and the PRIM boxes
    key: str  # config key it overrides
    low: float = 0.0
    high: float = 1.0
    values: tuple[str, ...] = ()  # categorical: one of these, equally likely
    reason: str = ""


INPUTS = (
    Input(
        "coal_closure_shift_years",
        "scenario.coal_exit.closure_shift_years",
        -3.0,
        3.0,
        reason="KVBG s47: closures after 2030 may be brought forward by 3 years; late_exit "
        "scenario +3 (conf/scenario/early_exit.yaml, late_exit.yaml)",
    ),
    Input(
        "demography_variant",
        "scenario.demography.variant",
        values=("official_low", "official_mid", "official_high"),
        reason="the official population projection's variants (StaLA Sachsen, Sachsen-Anhalt, "
        "Thueringen)",
    ),
    Input(
        "coal_multiplier",
        "scenario.coal_exit.indirect_jobs_per_direct_job",
        0.6,
        1.4,
        reason="published range: IAB 2019 (0.6) to Prognos 2005 (1.4) (docs/parameter_sources.csv)",
    ),
    Input(
        "construction_recovery",
        "scenario.construction_cycle.recovery_per_year",
        0.0,
        0.3,
        reason="the construction volume holds its 2024 level (0) or closes up to 30 % a year "
        "of the gap to 2021's (docs/parameter_ranges.csv) [E]",
    ),
    Input(
        "demand_price_elasticity",
        "model.demand_price_elasticity",
        0.2,
        1.0,
        reason="range of the issue (docs/parameter_sources.csv) [E]",
    ),
    Input(
        "succession_family",
        "model.firm.succession_family",
        0.45,
        0.60,
        reason="CRAFTS.md s4: family succession as outcome share 45-60 % [E]",
    ),
    Input(
        "innovation_productivity_gain",
        "model.firm.innovation_productivity_gain",
        0.10,
        0.30,
        reason="assumption 0.20 [E]; half to one and a half times it (expert judgement)",
    ),
    Input(
        "innovation_gain_per_advice",
        "model.transfer.innovation_gain_per_advice",
        0.04,
        0.12,
        reason="assumption 0.08 [E]; half to one and a half times it (expert judgement)",
    ),
)
DECIMALS = 4  # overrides are written and matched at this precision


def latin_hypercube(n: int, seed: int = 0, inputs: tuple[Input, ...] = INPUTS) -> pd.DataFrame:
    """``n`` samples (rows ``sample`` 0..n-1), one column per input, stratified in every input
    (scipy's Latin hypercube; a categorical input takes its values in equal strata)."""
    u = qmc.LatinHypercube(d=len(inputs), seed=seed).random(n)
    columns = {}
    for j, inp in enumerate(inputs):
        if inp.values:
            idx = np.minimum((u[:, j] * len(inp.values)).astype(int), len(inp.values) - 1)
            columns[inp.name] = [inp.values[i] for i in idx]
        else:
            columns[inp.name] = np.round(inp.low + u[:, j] * (inp.high - inp.low), DECIMALS)
    return pd.DataFrame(columns).rename_axis("sample").reset_index()


def overrides(row: pd.Series, inputs: tuple[Input, ...] = INPUTS) -> list[str]:
    """The Hydra overrides of one design row."""
    out = []
    for inp in inputs:
        value = row[inp.name]
        out.append(f"{inp.key}={value}" if inp.values else f"{inp.key}={value:.{DECIMALS}f}")
    return out


def _get(config: dict, key: str):
    for part in key.split("."):
        config = config.get(part, {}) if isinstance(config, dict) else {}
    return config


def sample_of(
    runs: pd.DataFrame, design: pd.DataFrame, inputs: tuple[Input, ...] = INPUTS
) -> pd.Series:
    """Per finished run (``finished_runs`` rows, index run_id): its design sample, from the
    config in its manifest; runs of another design are dropped."""
    rows = []
    for run in runs.itertuples():
        config = read_manifest(Path(run.path)).get("config", {})
        row = {"run_id": run.run_id}
        for inp in inputs:
            value = _get(config, inp.key)
            row[inp.name] = str(value) if inp.values else round(float(value), DECIMALS)
        rows.append(row)
    found = pd.DataFrame(rows)
    names = [inp.name for inp in inputs]
    merged = found.merge(design[["sample", *names]], on=names, how="inner")
    return merged.set_index("run_id")["sample"]
