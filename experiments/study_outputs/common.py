"""What every study output shares: the sweep loaded once, yearly aggregation, the registry entry.

``Sweep`` reads the finished runs of one sweep folder and applies the year conventions (complete
years only, the base and last year); ``yearly`` turns quarterly rows into stocks at year end and
flows summed over the year; ``StudyOutput`` is one entry of ``experiments.study.STUDY_OUTPUTS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.analysis.comparison import Comparison
from sim.analysis.loading import code_version, complete_years, read_table
from sim.analysis.statistics import describe_seeds
from sim.store import finished_runs
from sim.vocabulary import CLOSURE_EVENTS, SUCCESSION_EVENTS

RUN = ["scenario", "intervention"]
MILESTONE_STEP = 5  # years between the snapshots of the demand focal points
Tables = dict[str, pd.DataFrame]  # table name -> table
Figures = dict[str, Path]  # figure key (the file stem) -> PNG path


class Sweep:
    """The finished runs of one sweep folder, loaded once, with the year conventions applied."""

    def __init__(self, sweep_dir: Path | str) -> None:
        self.sweep_dir = Path(sweep_dir)
        self.runs = finished_runs(self.sweep_dir)
        self.groups = self._read("groups")
        self.districts = self._read("districts")
        self.places = self._read("places")
        self.groups["closures"] = self.groups[list(CLOSURE_EVENTS)].sum(axis=1)
        self.groups["successions"] = self.groups[list(SUCCESSION_EVENTS)].sum(axis=1)
        quarters = sorted(self.groups["quarter"].unique())
        # complete years only, so that flows summed over a year are comparable
        self.years = complete_years(quarters) or [int(quarters[-1][:4])]
        self.base_year = self.years[0]
        self.last_year = self.years[-1]
        for name in ("groups", "districts", "places"):
            df = getattr(self, name)
            setattr(self, name, df[df["year"].isin(self.years)].reset_index(drop=True))
        self.code_version, _ = code_version(self.runs)
        stamp = self.runs.groupby(RUN)["seed"].agg(
            seeds=lambda s: describe_seeds(s), n_seeds="nunique"
        )
        self.stamp = stamp.reset_index().assign(code_version=self.code_version)
        first = self.runs.iloc[0]
        self.caption = (
            f"{self.sweep_dir} | region {first['region']} | seeds "
            f"{describe_seeds(self.runs['seed'])} | code {self.code_version}"
        )

    def _read(self, table: str) -> pd.DataFrame:
        df = read_table(self.sweep_dir, table)
        df["scenario"] = df["scenario"].astype(str)
        df["intervention"] = df["intervention"].astype(str)
        return df

    def stamped(self, df: pd.DataFrame) -> pd.DataFrame:
        """``df`` with the seeds and code version of its scenario and intervention."""
        return df.merge(self.stamp, on=RUN, how="left")

    def reference_intervention(self) -> str:
        """The intervention the level figures show: ``none`` where the sweep has it."""
        values = sorted(self.runs["intervention"].unique())
        return "none" if "none" in values else values[0]


def yearly(
    frame: pd.DataFrame, by: list[str], stocks: list[str], flows: list[str], years=None
) -> pd.DataFrame:
    """Per run and ``by``: stocks at the year's last quarter, flows summed over the year."""
    keys = ["run_id", *RUN, "seed", "year", *by]
    if years is not None:
        frame = frame[frame["year"].isin(years)]
    last = frame.groupby("year")["quarter"].transform("max")
    out = []
    if stocks:
        out.append(frame[frame["quarter"] == last].groupby(keys)[stocks].sum())
    if flows:
        out.append(frame.groupby(keys)[flows].sum())
    return pd.concat(out, axis=1).reset_index()


def milestone_years(s: Sweep) -> list[int]:
    """The base year, every ``MILESTONE_STEP`` years after it, and the last year."""
    years = [y for y in s.years if (y - s.base_year) % MILESTONE_STEP == 0]
    return sorted(set(years) | {s.last_year})


@dataclass(frozen=True)
class StudyOutput:
    """One study output: the tables it computes and the figures it draws from them.

    Attributes:
        tables: Its tables' names, in order; each is written as ``<name>.csv`` and a sheet of
            ``study_outputs.xlsx``.
        compute: (sweep, comparison) -> the tables in the order of ``tables``; a shorter tuple
            where the sweep cannot give the last ones (coal exposure without the counterfactual).
        draw: (sweep, tables computed so far, comparison, out folder) -> PNG key -> path.
        figures: The PNG files ``draw`` writes, ``{}`` marking a scenario or year (for readers and
            a test; ``draw`` names the files).
        needs_comparison: Skipped when ``write_outputs`` is given no comparison.
    """

    tables: tuple[str, ...]
    compute: Callable[[Sweep, Comparison | None], tuple[pd.DataFrame, ...]]
    draw: Callable[[Sweep, Tables, Comparison | None, Path], Figures]
    figures: tuple[str, ...]
    needs_comparison: bool = False
