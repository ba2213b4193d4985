"""Where the annex's numbers come from: each sweep's runs, code versions and settings.

Every run folder's ``manifest.json`` (``sim.store``) holds the resolved config, the git commit
and whether the work tree had uncommitted changes. The annex lists, per sweep folder, the runs,
their commits and the settings that vary; the settings shared by every run of every sweep are
listed once (``shared_settings``), and each sweep lists only where it departs from them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.store import ResultsError, finished_runs, read_manifest

# bookkeeping, not settings: where a run was written and its identity
NOT_SETTINGS = ("results_dir", "run_id", "batch", "experiment", "progress")


def _flat(config: dict) -> dict[str, str]:
    flat = pd.json_normalize(config, sep=".")
    if not len(flat):
        return {}
    values = flat.iloc[0].to_dict()
    return {
        k: json.dumps(v) if isinstance(v, list | dict) else str(v)
        for k, v in values.items()
        if k.split(".")[0] not in NOT_SETTINGS
    }


@dataclass
class SweepProvenance:
    """The runs of one sweep folder, as the annex describes them."""

    sweep_dir: Path
    runs: pd.DataFrame  # finished_runs rows
    settings: pd.DataFrame  # run_id x dotted config key, values as text
    commits: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        runs = self.runs.assign(git_dirty=self.runs["git_dirty"].fillna(False).astype(bool))
        self.commits = (
            runs.groupby(["git_commit", "git_dirty"], dropna=False)
            .agg(runs=("run_id", "size"), first=("finished_at", "min"), last=("finished_at", "max"))
            .reset_index()
            .rename(columns={"git_dirty": "uncommitted changes"})
        )

    def summary(self) -> dict[str, str]:
        r = self.runs

        def values(col: str) -> str:
            return ", ".join(sorted(r[col].dropna().astype(str).unique())) if col in r else ""

        return {
            "sweep folder": str(self.sweep_dir),
            "finished runs": f"{len(r):,}",
            "scenarios": values("scenario"),
            "interventions": values("intervention"),
            "seeds": values("seed") if r["seed"].nunique() <= 12 else f"{r['seed'].nunique()}",
            "region": values("region"),
            "households per agent": values("households_per_agent"),
            "quarters": f"{values('start')} to {values('end')}",
            "config hashes": f"{r['config_hash'].nunique()}",
        }

    def departures(self, shared: dict[str, str]) -> pd.DataFrame:
        """Settings not in ``shared`` (or with another value): key and the values taken."""
        rows = []
        for key in self.settings.columns:
            vals = sorted(self.settings[key].dropna().unique())
            if len(vals) == 1 and shared.get(key) == vals[0]:
                continue
            shown = ", ".join(vals[:8]) + (f" ... ({len(vals)} values)" if len(vals) > 8 else "")
            rows.append({"setting": key, "value(s) in this sweep": shown})
        return pd.DataFrame(rows, columns=["setting", "value(s) in this sweep"])


def sweep_provenance(sweep_dir: Path | str) -> SweepProvenance:
    """Read the manifests of a sweep folder's finished runs (ResultsError if it has none)."""
    sweep_dir = Path(sweep_dir)
    runs = finished_runs(sweep_dir, strict=False)
    rows = {}
    for run in runs.itertuples():
        config = read_manifest(Path(run.path)).get("config", {})
        rows[run.run_id] = _flat(config if isinstance(config, dict) else {})
    settings = pd.DataFrame.from_dict(rows, orient="index")
    return SweepProvenance(sweep_dir, runs, settings)


def shared_settings(sweeps: list[SweepProvenance]) -> dict[str, str]:
    """The settings every run of every sweep has, with the same value."""
    if not sweeps:
        return {}
    frame = pd.concat([s.settings for s in sweeps], ignore_index=True)
    out = {}
    for key in frame.columns:
        col = frame[key]
        if col.notna().all() and col.nunique() == 1:
            out[key] = col.iloc[0]
    return out


def try_provenance(sweep_dir: Path | str) -> SweepProvenance | None:
    """``sweep_provenance``, or None where the folder has no finished runs."""
    try:
        return sweep_provenance(sweep_dir)
    except (ResultsError, OSError):
        return None
