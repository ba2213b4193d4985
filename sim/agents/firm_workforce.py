"""The firms' workforce: staff leave, idle firms shed, busy firms hire; apprentices train.

These functions decide who is hired, leaves, completes and is taken on; the firm table's
``staff`` and ``apprentices`` columns are written by ``CraftFirms.change_staff`` and
``CraftFirms.train_apprentices``. The labour pool a district offers comes from ``sim.labour``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.vocabulary import TRAINING_YEAR_START_QUARTER

if TYPE_CHECKING:
    from sim.agents.firms import CraftFirms


def adjust_labour(
    firms: CraftFirms, rng: np.random.Generator, pool: np.ndarray, leave_rate: np.ndarray
) -> dict[str, np.ndarray]:
    """Staff leave, idle firms shed, busy firms hire from the district's labour pool.

    ``leave_rate`` is each firm row's chance this quarter that an employee leaves: quits
    plus the retirements its cell's workforce ages make due (``sim.workforce``).

    ``pool`` is the number of workers each district's labour market offers the crafts this
    quarter (it shrinks with the working-age population, see ``sim.labour``). When fewer
    workers are on offer than firms want one, a random subset of the hiring firms gets one:
    the rest of their orders stays unmet, which is how labour shortage shows up.
    """
    t, fp = firms.table, firms.params
    n = len(t)
    u = rng.random((3, n))
    employees = firms.employees()
    leavers = rng.binomial(employees, np.clip(leave_rate, 0.0, 1.0))
    # each firm judges its load with this quarter's leavers gone: a firm whose employee quits
    # or retires posts the vacancy now, not a quarter later (without this the first quarter
    # lost 1.3-1.8 % of the employees before any firm sought a replacement)
    persons = t.staff + fp.apprentice_output_share * t.apprentices
    remaining = persons - leavers
    util = firms.utilisation() * np.divide(
        persons, remaining, out=np.ones_like(persons, dtype=float), where=remaining > 0
    )
    shed = (
        t.alive
        & (util < fp.shed_utilisation)
        & (t.staff - leavers > 1)
        & (u[1] < fp.shed_probability)
    )
    wants = t.alive & (util > fp.hire_utilisation)
    hired = np.zeros(n, dtype=bool)
    for d in np.unique(t.district[wants]):
        rows = np.flatnonzero(wants & (t.district == d))
        n_hire = min(len(rows), int(pool[d]) + int(u[2, rows[0]] < pool[d] % 1))
        if n_hire > 0:
            hired[rows[np.argpartition(u[0, rows], n_hire - 1)[:n_hire]]] = True
    firms.change_staff(hired, shed, leavers)
    taken = np.bincount(t.district[hired], minlength=len(pool))
    return {
        "wanted": wants,
        "hired": hired,
        "leavers": leavers,
        "shed": shed,
        "hires_by_district": taken,
        "pool_left": np.maximum(pool - taken, 0.0),
    }


def train(
    firms: CraftFirms,
    rng: np.random.Generator,
    intake_rate: np.ndarray,
    quarter: int,
    dropout_multiplier: float = 1.0,
    placement: np.ndarray | float = 1.0,
) -> dict:
    """Apprentice intake (training year starts in Q3), completion, dropout, retention."""
    t, fp = firms.table, firms.params
    n = len(t)
    completion = 1.0 / fp.apprentice_years / 4.0
    dropout = fp.apprentice_dropout_per_year * dropout_multiplier / 4.0
    appr = np.where(t.alive, t.apprentices, 0)
    completed = rng.binomial(appr, completion)
    dropped = rng.binomial(appr - completed, dropout)
    retained = rng.binomial(completed, fp.apprentice_retention)
    intake = np.zeros(n, dtype=np.int64)
    if quarter % 4 == TRAINING_YEAR_START_QUARTER:
        # the district's rate is per firm; larger firms train more than smaller ones
        n_d = len(intake_rate)
        staff_d = np.bincount(t.district[t.alive], t.staff[t.alive], minlength=n_d)
        firms_d = np.bincount(t.district[t.alive], minlength=n_d)
        mean_staff = np.maximum(staff_d / np.maximum(firms_d, 1), 1.0)
        # the chambers' placement service brings advised firms more applicants
        lam = intake_rate[t.district] * t.staff / mean_staff[t.district] * placement
        intake = np.where(t.alive, rng.poisson(lam), 0)
    else:
        rng.poisson(np.zeros(n))  # keep the stream aligned across quarters
    firms.train_apprentices(appr - completed - dropped + intake, retained)
    return {
        "apprentice_intake": intake,
        "apprentice_completed": completed,
        "apprentice_retained": retained,
    }
