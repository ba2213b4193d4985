"""A sweep's recorded tables as the analysis reads them, and the provenance of its runs."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from sim.store import load

# stored as categoricals; as strings they compare, merge and sort alike across runs
KEY_COLUMNS = ("quarter", "district_id", "settlement_type", "trade_group")


def read_table(sweep_dir: Path | str, table: str) -> pd.DataFrame:
    """One table of every finished run, key columns as strings and a ``year`` column.

    Args:
        sweep_dir: The sweep folder.
        table: The table's name (``groups``, ``districts``, ``places``).

    Returns:
        The rows of all finished runs, with the run columns (run_id, scenario, intervention,
        seed) that ``sim.store.load`` adds.
    """
    df = load(sweep_dir, table)
    for col in KEY_COLUMNS:
        if col in df:
            df[col] = df[col].astype(str)
    df["year"] = df["quarter"].str[:4].astype(int)
    return df


def complete_years(quarters: Iterable[str]) -> list[int]:
    """The years of which all four quarters are in ``quarters``, in order.

    Flows summed over a year are only comparable over complete years.
    """
    years = pd.Series([int(q[:4]) for q in quarters])
    counts = years.value_counts()
    return sorted(int(y) for y, n in counts.items() if n == 4)


def code_version(runs: pd.DataFrame) -> tuple[str, list[str]]:
    """The code version(s) the runs were made with, and notes for a report.

    Returns:
        (text, notes): the short commit hashes, marked when a work tree had uncommitted
        changes; a note for several versions and one for uncommitted changes.
    """
    notes = []
    commits = sorted(runs["git_commit"].dropna().unique())
    dirty = bool(runs["git_dirty"].fillna(False).any())
    text = ", ".join(c[:12] for c in commits) or "unknown"
    if len(commits) > 1:
        notes.append(f"the runs come from {len(commits)} different code versions: {text}")
    if dirty:
        text += " (with uncommitted changes)"
        notes.append("some runs were made from a work tree with uncommitted changes")
    return text, notes
