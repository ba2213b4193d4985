"""SALib designs over the uncertain inputs, and their points as Hydra config files.

A design is SALib's sample matrix (one row per model evaluation, one column per input, in the
continuous units SALib samples) plus the config value of each cell (integers rounded,
:meth:`Range.value`). Each distinct point becomes one file of the ``experiment`` group,
``<folder>/conf/experiment/sa_<stage>_<arm>_<NNNNN>.yaml`` (``@package _global_``), whose
content is the point's dotted overrides as nested YAML. ``python -m sim.run -m --config-dir
<folder>/conf 'experiment=glob(sa_<stage>_<arm>_*)' seed=range(S)`` then runs every point x
seed through the configured Hydra launcher (joblib here, ``submitit_slurm`` on a cluster) like
any other sweep: Hydra's basic sweeper cannot pair values (it makes products), and a launcher
plugin would have to live in ``hydra_plugins``; a config group option per point keeps the
sweeper, the launchers, the progress display and resuming exactly as they are. The same
overrides in command-line form are written to ``overrides_<arm>.txt`` (one point a line).

A run's id includes the hash of its settings, so a point that already has a finished run is
skipped when the sweep is run again (resume), and two design rows that land on the same values
(Morris trajectories can cross) share one run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.sensitivity.ranges import Range, problem

STAGES = ("morris", "sobol")
PREFIX = "sa"


@dataclass
class Design:
    stage: str
    inputs: list[Range]
    samples: np.ndarray  # SALib's X: rows = evaluations, columns = inputs
    levels: int = 4  # Morris grid levels
    seed: int = 0

    @property
    def keys(self) -> list[str]:
        return [r.key for r in self.inputs]

    def values(self) -> pd.DataFrame:
        """Config value of every cell; index = design row (``sample``)."""
        cols = {r.key: [r.value(x) for x in self.samples[:, j]] for j, r in enumerate(self.inputs)}
        return pd.DataFrame(cols, index=pd.RangeIndex(len(self.samples), name="sample"))

    def arm_keys(self, arm: str) -> list[str]:
        """The keys a run of ``arm`` sets: every input, a lever's own only in its arm."""
        return [r.key for r in self.inputs if r.lever is None or r.lever == arm]

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        raw = pd.DataFrame(self.samples, columns=[f"x:{k}" for k in self.keys])
        table = pd.concat([self.values(), raw.set_axis(self.values().index)], axis=1)
        table.to_csv(folder / "design.csv")
        meta = {"stage": self.stage, "levels": self.levels, "seed": self.seed}
        meta["inputs"] = [r.__dict__ for r in self.inputs]
        (folder / "design.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
        return folder / "design.csv"

    @classmethod
    def load(cls, folder: Path) -> Design:
        meta = json.loads((folder / "design.json").read_text(encoding="utf-8"))
        inputs = [Range(**r) for r in meta["inputs"]]
        table = pd.read_csv(folder / "design.csv", index_col="sample")
        samples = table[[f"x:{r.key}" for r in inputs]].to_numpy(dtype=float)
        return cls(meta["stage"], inputs, samples, meta["levels"], meta["seed"])


def make_design(stage: str, inputs: list[Range], n: int, seed: int = 0, levels: int = 4) -> Design:
    """Morris: ``n`` trajectories (n x (k + 1) rows). Sobol: Saltelli's scheme with base
    sample ``n`` (a power of 2; n x (k + 2) rows, first-order and total indices)."""
    from SALib.sample import morris, sobol

    spec = problem(inputs)
    if stage == "morris":
        x = morris.sample(spec, n, num_levels=levels, seed=seed)
    elif stage == "sobol":
        x = sobol.sample(spec, n, calc_second_order=False, seed=seed)
    else:
        raise ValueError(f"unknown stage {stage!r}; allowed: {', '.join(STAGES)}")
    return Design(stage, inputs, np.asarray(x, dtype=float), levels, seed)


def format_value(value: float | int) -> str:
    """A number as Hydra and YAML read it back exactly (no exponent: YAML 1.1 reads ``1e-05``
    as text)."""
    if isinstance(value, int | np.integer):
        return str(int(value))
    return np.format_float_positional(float(value), unique=True, trim="0")


def overrides(point: dict[str, float | int]) -> list[str]:
    """Dotted Hydra overrides of one point: ``model.price_elasticity=1.5``."""
    return [f"{key}={format_value(value)}" for key, value in point.items()]


def point_yaml(point: dict[str, float | int]) -> str:
    """The point as a ``@package _global_`` config file (nested YAML of the dotted keys)."""
    tree: dict = {}
    for key, value in point.items():
        node = tree
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value

    def lines(node: dict, depth: int) -> list[str]:
        out = []
        for name, child in node.items():
            pad = "  " * depth
            if isinstance(child, dict):
                out += [f"{pad}{name}:", *lines(child, depth + 1)]
            else:
                out.append(f"{pad}{name}: {format_value(child)}")
        return out

    head = ["# @package _global_", "# one point of a sensitivity design (sim/sensitivity)"]
    return "\n".join([*head, *lines(tree, 0)]) + "\n"


def point_name(stage: str, arm: str, index: int) -> str:
    return f"{PREFIX}_{stage}_{arm}_{index:05d}"


def write_points(design: Design, folder: Path, arm: str) -> dict[str, list[int]]:
    """Write one config file per distinct point of ``arm`` (and the overrides file); returns
    ``{point name: design rows}``. Old point files of the stage and arm are removed first, so
    that the sweep's glob matches this design only."""
    conf = folder / "conf" / "experiment"
    conf.mkdir(parents=True, exist_ok=True)
    for old in conf.glob(f"{point_name(design.stage, arm, 0)[:-5]}*.yaml"):
        old.unlink()
    values = design.values()[design.arm_keys(arm)]
    points: dict[str, list[int]] = {}
    seen: dict[tuple, str] = {}
    text = []
    for row, record in zip(values.index, values.to_dict("records"), strict=True):
        ident = tuple(format_value(v) for v in record.values())
        name = seen.get(ident)
        if name is None:
            name = seen[ident] = point_name(design.stage, arm, len(seen))
            (conf / f"{name}.yaml").write_text(point_yaml(record), encoding="utf-8")
            text.append(f"{name}: {' '.join(overrides(record))}")
            points[name] = []
        points[name].append(int(row))
    (folder / f"overrides_{arm}.txt").write_text("\n".join(text) + "\n", encoding="utf-8")
    return points
