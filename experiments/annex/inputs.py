"""What the annex reads: the report folders the study's commands write, and those commands.

Each part names the folder its command writes and the command itself, so that a part whose
folder is missing can say ``not run: <command>``. Folders follow the commands' defaults under
one results folder (``results_dir``): ``<results_dir>/<batch>/_report`` for the experiments,
``<results_dir>/validation`` for ``python -m sim.validate``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from experiments.coal_exit_variants import EXPERIMENT as COAL_EXIT_VARIANTS
from experiments.construction_variants import EXPERIMENT as CONSTRUCTION_VARIANTS
from experiments.demography_variants import EXPERIMENT as DEMOGRAPHY_VARIANTS
from experiments.policy_comparison import EQUAL_BUDGET
from experiments.policy_comparison import EXPERIMENT as POLICY_COMPARISON
from experiments.runner import Experiment, _sweep_dir
from experiments.study import STUDY_OUTPUTS

# the experiments that write the six study outputs, in the order the annex shows them
STUDY_EXPERIMENTS: tuple[Experiment, ...] = (
    POLICY_COMPARISON,
    EQUAL_BUDGET,
    COAL_EXIT_VARIANTS,
    DEMOGRAPHY_VARIANTS,
    CONSTRUCTION_VARIANTS,
)
DEFAULT_RESULTS = Path("results")


@dataclass(frozen=True)
class Part:
    """One input of the annex: its report folder, its sweep folder and the command behind it."""

    name: str
    report: Path
    command: str
    sweep: Path | None = None  # the runs behind the report, for provenance

    def files(self, pattern: str) -> list[Path]:
        return sorted(self.report.glob(pattern)) if self.report.is_dir() else []

    @property
    def present(self) -> bool:
        return self.report.is_dir() and any(self.report.iterdir())


def _with_results(command: str, results_dir: Path) -> str:
    """The command as a user types it to write into ``results_dir``."""
    if results_dir == DEFAULT_RESULTS:
        return command
    return f"{command} results_dir={results_dir}"


def study_parts(results_dir: Path) -> list[Part]:
    parts = []
    for exp in STUDY_EXPERIMENTS:
        sweep = _sweep_dir([f"results_dir={results_dir}"], exp.name)
        command = _with_results(f"python -m experiments.{exp.name}", results_dir)
        parts.append(Part(exp.name, sweep / "_report", command, sweep))
    return parts


def has_study_tables(part: Part) -> bool:
    """Whether the experiment's report holds at least one study output table."""
    names = {t for output in STUDY_OUTPUTS.values() for t in output.tables}
    return any((part.report / f"{t}.csv").is_file() for t in names)


def validation_part(results_dir: Path) -> Part:
    folder = results_dir / "validation"
    command = "python -m sim.validate"
    if results_dir != DEFAULT_RESULTS:
        command += f" --out {folder}"
    return Part("validation", folder, command)


def sensitivity_part(results_dir: Path) -> Part:
    sweep = results_dir / "sensitivity"  # the batch experiments.sensitivity writes to
    command = _with_results("python -m experiments.sensitivity", results_dir)
    return Part("sensitivity", sweep / "_report", command, sweep)


def discovery_part(results_dir: Path) -> Part:
    sweep = _sweep_dir([f"results_dir={results_dir}"], "scenario_discovery")
    command = _with_results("python -m experiments.scenario_discovery", results_dir)
    return Part("scenario_discovery", sweep / "_report", command, sweep)
