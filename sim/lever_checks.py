"""Pass/fail checks of each lever's return against its programme's evaluation (issue 13, item 6).

Same form as ``sim.market_checks`` and ``sim.demography_checks``: data, model, tolerance with its
reason, verdict, source, and whether the figure was used to fit (``validate`` here: the figures
come from ``lever_evidence.csv`` rows with ``use == validate``, which set no parameter; the effect
sizes are set from other rows, see ``SOURCES_lever_evidence.md``).

The model values come from paired small-region runs to 2030 (lever vs no lever, same seed, one
household agent per 20 households): a few seconds a run after the first. Each check measures what
the evaluation measured:

* innovation_transfer -- grants only (as Digital Jetzt), two programme years (2025-2026), at five
  times the default budget: the funded firms' extra real turnover in 2027 per EUR of grant (the
  evaluation counted the funded firms' gains, gross of any loss to their competitors);
* succession_support -- employees kept at the end per takeover grant paid;
* apprenticeship_offensive -- extra new contracts per funded contract (the reference is the lever
  with no budget, which counts the contracts without changing them);
* rural_hubs -- the hubs' consultations per M EUR of their cost;
* local_procurement -- extra real craft turnover per EUR of extra public orders, at the
  programme's largest size (5 % of the public craft demand), so that the effect stands out from
  the runs' noise.

The model value is the mean over ``seeds`` (two by default: about a minute in all).

    python -m sim.lever_checks [HYDRA_OVERRIDES ...]
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.demography_checks import Check, frame
from sim.interventions.evidence import validation_row

CHECK_END = "2030Q4"
GRANT_YEAR = 2027  # the year after the two programme years of the grants' check
SMALL = ("region=small", "households_per_agent=20", "progress=false")


@dataclass
class Run:
    summary: dict
    groups: pd.DataFrame
    districts: pd.DataFrame
    revenue: np.ndarray  # per firm row: nominal revenue in GRANT_YEAR
    open_all_year: np.ndarray  # per firm row: open in every quarter of GRANT_YEAR
    recipients: np.ndarray  # firm rows that got a grant (innovation transfer), else empty


def _run(overrides: Sequence[str]) -> Run:
    from sim.config import load_config
    from sim.model import RegionModel

    model = RegionModel(load_config(list(overrides)))
    revenue, open_all_year = np.zeros(0), np.zeros(0, dtype=bool)

    def note_revenue(m) -> None:
        nonlocal revenue, open_all_year
        if (m.quarter - 1) // 4 == GRANT_YEAR:  # the quarter just simulated
            t = m.firms.table
            first = len(revenue) == 0
            revenue = np.pad(revenue, (0, len(t) - len(revenue))) + t.revenue[: len(t)]
            before = np.pad(open_all_year, (0, len(t) - len(open_all_year)), constant_values=first)
            open_all_year = before & t.alive[: len(t)]

    tables = model.run(progress=note_revenue)
    granted = [getattr(lever, "recipients", []) for lever in model.interventions.levers]
    rows = np.unique(np.concatenate([np.zeros(0, dtype=int), *[r for g in granted for r in g]]))
    summary = model.interventions.summary()
    groups, districts = tables["groups"], tables["districts"]
    return Run(summary, groups, districts, revenue, open_all_year, rows.astype(int))


def _real_turnover(run: Run, year: int | None = None) -> float:
    g = run.groups if year is None else run.groups[run.groups["year"] == year]
    return float(g["turnover_base_prices_eur"].sum())


def _employees_at_end(run: Run) -> float:
    g = run.groups
    return float(g.loc[g["quarter"] == g["quarter"].max(), "employees"].sum())


@dataclass(frozen=True)
class Spec:
    """One lever's check: its extra settings, the reference run and the model's measure."""

    lever: str
    label: str
    settings: tuple[str, ...]
    measure: Callable[[Run, Run], float]  # (arm, reference) -> model value
    reference: tuple[str, ...] = ("intervention=none",)


def _grant_return(arm: Run, ref: Run) -> float:
    """The funded firms' extra turnover in GRANT_YEAR against the same firms in the paired run,
    deflated by the year's craft price index, per EUR of their grants. Only firms open all year
    in both runs count (the evaluation asked firms that exist; a closure in one run only would
    swamp the effect)."""
    if not len(arm.recipients):
        return 0.0
    n = max(len(arm.revenue), len(ref.revenue), int(arm.recipients.max()) + 1)
    pad = lambda a: np.pad(a, (0, n - len(a)))  # noqa: E731
    both = pad(arm.open_all_year) & pad(ref.open_all_year)
    rows = arm.recipients[both[arm.recipients]]
    spent = len(rows) * _voucher_eur(arm)
    if not spent:
        return 0.0
    g = arm.groups[arm.groups["year"] == GRANT_YEAR]
    deflator = g["turnover_eur"].sum() / g["turnover_base_prices_eur"].sum()
    return float((pad(arm.revenue) - pad(ref.revenue))[rows].sum()) / deflator / spent


def _voucher_eur(run: Run) -> float:
    s = run.summary["innovation_transfer"]
    return s["voucher_eur"] / s["vouchers_issued"] if s["vouchers_issued"] else 0.0


def _jobs_per_grant(arm: Run, ref: Run) -> float:
    grants = arm.summary["succession_support"]["grants_paid"]
    return (_employees_at_end(arm) - _employees_at_end(ref)) / grants if grants else 0.0


def _extra_contracts(arm: Run, ref: Run) -> float:
    a, r = arm.summary["apprenticeship_offensive"], ref.summary["apprenticeship_offensive"]
    return (
        (a["new_contracts"] - r["new_contracts"]) / a["funded_contracts"]
        if a["funded_contracts"]
        else 0.0
    )


def _consultations_per_meur(arm: Run, ref: Run) -> float:
    s = arm.summary["rural_hubs"]
    return s["consultations"] / (s["cost_eur"] / 1e6) if s["cost_eur"] else 0.0


def _turnover_per_order_eur(arm: Run, ref: Run) -> float:
    orders = arm.summary["local_procurement"]["orders_eur"]
    return (_real_turnover(arm) - _real_turnover(ref)) / orders if orders else 0.0


SPECS = (
    Spec(
        "innovation_transfer",
        "funded firms' extra real turnover in 2027 per EUR of grant (grants only, 2025-2026)",
        (
            "intervention=innovation_transfer",
            "intervention.innovation_transfer.voucher_share_of_budget=1.0",
            "intervention.innovation_transfer.end_year=2026",
            # five times the default: ~270 grants a year, so the effect stands out from noise
            "intervention.innovation_transfer.budget_eur_per_year=1e7",
        ),
        _grant_return,
    ),
    Spec(
        "succession_support",
        "employees kept at the end per takeover grant paid",
        ("intervention=succession_support",),
        _jobs_per_grant,
    ),
    Spec(
        "apprenticeship_offensive",
        "extra new apprenticeship contracts per funded contract",
        ("intervention=apprenticeship_offensive",),
        _extra_contracts,
        reference=(
            "intervention=apprenticeship_offensive",
            "intervention.apprenticeship_offensive.budget_eur_per_year=0",
        ),
    ),
    Spec(
        "rural_hubs",
        "hub consultations per M EUR of hub cost",
        ("intervention=rural_hubs",),
        _consultations_per_meur,
    ),
    Spec(
        "local_procurement",
        "extra real craft turnover per EUR of extra public orders",
        (
            "intervention=local_procurement",
            "intervention.local_procurement.budget_eur_per_year=2e8",  # capped at the uplift
        ),
        _turnover_per_order_eur,
    ),
)


def lever_return_checks(
    overrides: Sequence[str] = (),
    seeds: Sequence[int] = (0, 1),
    end: str = CHECK_END,
    levers=None,
) -> list[Check]:
    """One check per lever (``levers``: a subset by name), from paired small-region runs."""
    cache: dict[tuple[str, ...], Run] = {}

    def run(settings: tuple[str, ...]) -> Run:
        if settings not in cache:
            cache[settings] = _run((*SMALL, f"end={end}", *overrides, *settings))
        return cache[settings]

    checks = []
    for spec in SPECS:
        if levers is not None and spec.lever not in levers:
            continue
        value = sum(
            spec.measure(run((*spec.settings, f"seed={s}")), run((*spec.reference, f"seed={s}")))
            for s in seeds
        ) / len(seeds)
        row = validation_row(spec.lever)
        low, high = float(row["low"]), float(row["high"])
        checks.append(
            Check(
                f"{spec.lever}: {spec.label}",
                f"all (small region, seeds {', '.join(map(str, seeds))})",
                (low + high) / 2,
                value,
                (high - low) / 2,
                f"the evaluation's range {low:g}-{high:g} {row['unit']} ({row['note']})",
                f"{row['programme']}: {row['measure']} = {row['value']:g} [{row['tag']}] "
                f"({row['source_id']}, lever_evidence.csv)",
                "validate",
            )
        )
    return checks


def main(argv: list[str] | None = None) -> int:
    checks = lever_return_checks(sys.argv[1:] if argv is None else argv)
    table = frame(checks)
    with pd.option_context("display.width", 200, "display.max_colwidth", 70):
        print(table.drop(columns=["source", "why_tolerance"]).to_string(index=False))
    for c in checks:
        print(f"  {c.check}: {c.source}; tolerance: {c.why_tolerance}")
    failed = int((table["verdict"] == "FAIL").sum())
    print(f"\n{len(checks) - failed} of {len(checks)} lever checks pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
