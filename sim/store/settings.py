"""The settings a sweep varies, as columns: each run's resolved config flattened to dotted keys
(``model.price_elasticity``), kept where the value differs between runs for reasons other than
the run's scenario and intervention (those have their own columns), so that a parameter sweep
can be analysed in pandas (``sim.store.load`` joins them after the run columns)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.store.runs import read_manifest

# a run's identity and bookkeeping: never a swept setting
NOT_SETTINGS = ("seed", "run_id", "batch", "results_dir", "progress")


def _scalar(value):
    """Lists (e.g. ``region.districts``) as JSON text, so that they compare and store."""
    return json.dumps(value) if isinstance(value, list | dict) else value


def swept_settings(runs: pd.DataFrame) -> pd.DataFrame:
    """Per ``run_id`` (index): the config keys that vary across ``runs`` (``finished_runs``
    rows with ``path``, ``scenario`` and ``intervention``), other than the scenario's and the
    intervention's own settings."""
    rows = []
    for run in runs.itertuples():
        config = read_manifest(Path(run.path)).get("config", {})
        flat = pd.json_normalize(config if isinstance(config, dict) else {}, sep=".")
        values = flat.iloc[0].to_dict() if len(flat) else {}
        rows.append({k: _scalar(v) for k, v in values.items() if k not in NOT_SETTINGS})
    frame = pd.DataFrame(rows, index=pd.Index(runs["run_id"], name="run_id"))
    if frame.empty:
        return frame
    arms = runs.set_index("run_id")[["scenario", "intervention"]].astype(str)
    keep = []
    for column in frame.columns:
        text = frame[column].astype(str)
        if text.nunique() < 2:
            continue
        # a scenario's or intervention's own setting follows the arm, which has its column;
        # it is a swept setting only where it varies within an arm
        within_arm = text.groupby([arms["scenario"], arms["intervention"]]).nunique().max() > 1
        if column.split(".")[0] in ("scenario", "intervention") and not within_arm:
            continue
        keep.append(column)
    return frame[keep]


def with_settings(frame: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (run columns run_id, scenario, intervention, seed first) with the swept
    settings of ``runs`` inserted after the run columns."""
    settings = swept_settings(runs)
    for i, column in enumerate(settings.columns):
        frame.insert(4 + i, column, frame["run_id"].map(settings[column]))
    return frame
