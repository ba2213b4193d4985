"""The headline outputs of each run, and of each design row (mean over seeds).

Per run (``groups`` table, summed over districts, settlement types and trade groups):

* ``employment``: craft persons (staff incl. the owner, plus apprentices; the HWZ definition),
  mean of the quarters of the last year (2045 by default);
* ``value_added_real``: real value added (``value_added_base_prices_eur``) in the last year,
  EUR per year;
* ``rural_va_share``: the rural places' share of that real value added;
* ``unmet_demand_share``: unmet / total demand over the whole run;
* ``succession_gap``: closures for lack of a successor / retiring owners (successions of every
  route plus those closures) over the whole run.

With a lever arm, ``<output>__<lever>_vs_none`` is the arm's value minus the no-lever arm's at
the same design point and seed (common random numbers).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.sensitivity.design import Design
from sim.store import load
from sim.vocabulary import SUCCESSION_EVENTS

HEADLINES = {
    "employment": "craft persons (incl. owners and apprentices), last year",
    "value_added_real": "real value added, last year [EUR/yr]",
    "rural_va_share": "rural share of real value added, last year",
    "unmet_demand_share": "unmet share of demand, whole run",
    "succession_gap": "closures for lack of a successor / retiring owners, whole run",
}
COLUMNS = [
    "quarter",
    "year",
    "settlement_type",
    "employees",
    "apprentices",
    "value_added_base_prices_eur",
    "demand_eur",
    "unmet_demand_eur",
    "closures_no_successor",
    *SUCCESSION_EVENTS,
]
RUN = ["run_id", "scenario", "intervention", "seed"]


def run_outputs(groups: pd.DataFrame) -> pd.DataFrame:
    """Headline outputs per run (index run_id) of a ``sim.store.load(..., "groups")`` frame."""
    g = groups.copy()
    g["persons"] = g["employees"] + g["apprentices"]
    g["rural_va"] = np.where(
        g["settlement_type"].astype(str) == "rural", g["value_added_base_prices_eur"], 0.0
    )
    g["retiring"] = g[list(SUCCESSION_EVENTS)].sum(axis=1) + g["closures_no_successor"]
    last = g[g["year"] == g.groupby("run_id")["year"].transform("max")]
    n_quarters = last.groupby("run_id")["quarter"].nunique()
    end = last.groupby("run_id")[["persons", "value_added_base_prices_eur", "rural_va"]].sum()
    whole = g.groupby("run_id")[
        ["demand_eur", "unmet_demand_eur", "closures_no_successor", "retiring"]
    ].sum()
    out = pd.DataFrame(index=end.index)
    out["year"] = last.groupby("run_id")["year"].max()
    out["employment"] = end["persons"] / n_quarters
    out["value_added_real"] = end["value_added_base_prices_eur"]
    out["rural_va_share"] = end["rural_va"] / end["value_added_base_prices_eur"]
    out["unmet_demand_share"] = whole["unmet_demand_eur"] / whole["demand_eur"]
    out["succession_gap"] = whole["closures_no_successor"] / whole["retiring"].replace(0, np.nan)
    return out


def load_runs(sweep_dir: Path) -> pd.DataFrame:
    """Every finished run of the sweep: run columns, swept settings (``sim.store.load``'s
    columns) and headline outputs."""
    groups = load(sweep_dir, "groups", columns=COLUMNS)
    settings = [c for c in groups.columns if c not in COLUMNS]
    runs = groups[settings].drop_duplicates("run_id").set_index("run_id")
    return runs.join(run_outputs(groups)).reset_index()


def _ident(values) -> tuple:
    """Values compared as numbers (a config's 6 and a design's 6.0 are the same point)."""
    return tuple(f"{float(v):.12g}" for v in values)


def design_outputs(design: Design, runs: pd.DataFrame, arm: str = "none") -> pd.DataFrame:
    """Per design row and seed: the outputs of the run of ``arm`` whose settings are that row's
    values (NaN where no run has finished). A key that is not a column of ``runs`` (it does not
    vary across the sweep) is not used for matching."""
    keys = [k for k in design.arm_keys(arm) if k in runs.columns]
    values = design.values()
    part = runs[runs["intervention"].astype(str) == arm]
    lookup = {(_ident(row[keys]), int(row["seed"])): row for _, row in part.iterrows() if keys}
    seeds = sorted(part["seed"].astype(int).unique())
    rows = []
    for sample, point in values.iterrows():
        for seed in seeds:
            hit = lookup.get((_ident(point[keys]), seed))
            record = {"sample": sample, "seed": seed}
            for name in HEADLINES:
                record[name] = np.nan if hit is None else hit[name]
            rows.append(record)
    return pd.DataFrame(rows)


def sample_outputs(design: Design, runs: pd.DataFrame, levers: tuple[str, ...] = ()):
    """Per design row (index ``sample``): each headline output (mean over seeds) and each
    lever's effect vs none. Second value: the number of seeds per row found."""
    base = design_outputs(design, runs, "none")
    table = base.groupby("sample")[list(HEADLINES)].mean()
    found = base.dropna(subset=list(HEADLINES)).groupby("sample").size()
    for lever in levers:
        arm = design_outputs(design, runs, lever).set_index(["sample", "seed"])
        effect = arm[list(HEADLINES)] - base.set_index(["sample", "seed"])[list(HEADLINES)]
        means = effect.groupby(level="sample").mean()
        table = table.join(means.add_suffix(f"__{lever}_vs_none"))
    return table, found.reindex(table.index, fill_value=0)
