"""The programme evidence behind the levers: ``sim/data/lever_evidence.csv``.

Rows with ``use`` ``cost`` or ``fit`` set a lever's default (``parameter``); ``validate`` rows are
only compared with the model (``sim.lever_checks``); see ``SOURCES_lever_evidence.md``.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from sim.datasets import read_csv

COLUMNS = [
    "lever",
    "programme",
    "measure",
    "value",
    "low",
    "high",
    "unit",
    "use",
    "parameter",
    "source_id",
    "tag",
    "note",
]
USES = ("cost", "fit", "validate", "budget", "context", "discount")


@cache
def load_lever_evidence() -> pd.DataFrame:
    df = read_csv("lever_evidence.csv", COLUMNS)
    df["parameter"] = df["parameter"].fillna("")
    return df


def validation_row(lever: str) -> pd.Series:
    """The one figure a lever's return is checked against."""
    df = load_lever_evidence()
    rows = df[(df["lever"] == lever) & (df["use"] == "validate")]
    if len(rows) != 1:
        raise LookupError(
            f"{lever}: expected one 'validate' row in lever_evidence.csv, got {len(rows)}"
        )
    return rows.iloc[0]


def discount_rate() -> float:
    df = load_lever_evidence()
    return float(df.loc[df["use"] == "discount", "value"].iloc[0])
