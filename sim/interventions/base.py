"""What a policy lever is: its parameters, the hooks the model calls, and its cost ledger.

A lever is one class in one file of ``sim/interventions/`` (decorated with
:func:`sim.interventions.register_lever`) plus one ``conf/intervention/<name>.yaml`` that
enables it; nothing in the model names a lever. The model calls the hooks of the active levers
in their ``order`` at fixed points of the quarter (``sim/model.py``'s phases):

* ``init()`` -- once, after firms, households and institutions exist (books no cost);
* ``start_quarter(q)`` -- before the market (advice capacity, vouchers, hub effects, costs);
* ``local_public_share()`` -- extra public demand awarded within the ordering district;
* ``intake_multiplier()`` / ``dropout_multiplier()`` -- apprentice intake and dropout;
* ``book_new_contracts(intake)`` -- after training (per-contract bonuses);
* ``support_succession(row, p)`` -- each retiring owner's case, in random order;
* ``results()`` -- what it did over the run (cases, vouchers, hubs), kept in the manifest.

Every euro a lever spends is booked in the :class:`CostLedger` (per district and quarter,
never more than its budget), so comparisons report cost per job kept and per EUR value added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

if TYPE_CHECKING:
    from sim.agents.firms import CraftFirms
    from sim.randomness import RandomStreams
    from sim.region import Region


@dataclass
class LeverParams:
    """Every lever's parameters start with the switch; selecting its config turns it on."""

    enabled: bool = False


class CostLedger:
    """What the levers spend, per district: this quarter in total and per lever, and per lever
    over the run.

    Bookings add into this quarter's total in the order they are made (the order of the phases
    and, within a hook, of the levers). Costs can only be booked within a quarter, i.e. from
    ``start_quarter`` on; a booking during ``init`` would belong to no quarter and is refused.
    """

    def __init__(self, n_districts: int, firm_district: Callable[[], np.ndarray]) -> None:
        self.n_districts = n_districts
        self._firm_district = firm_district
        self.total = np.zeros(n_districts)
        self.by_lever: dict[str, np.ndarray] = {}
        self.run_total: dict[str, float] = {}  # EUR per lever since the start of the run
        self._open = False

    def start_quarter(self) -> None:
        """A new quarter: nothing spent yet."""
        self._open = True
        self.total = np.zeros(self.n_districts)
        self.by_lever = {name: np.zeros(self.n_districts) for name in self.by_lever}

    def _lever(self, name: str) -> np.ndarray:
        if not self._open:
            raise RuntimeError(f"{name}: book costs from start_quarter on, not in init")
        return self.by_lever.setdefault(name, np.zeros(self.n_districts))

    def add(self, lever: str, eur_by_district: np.ndarray) -> None:
        own = self._lever(lever)
        self.total += eur_by_district
        own[:] += eur_by_district
        self.run_total[lever] = self.run_total.get(lever, 0.0) + float(np.sum(eur_by_district))

    def add_at(self, lever: str, districts: np.ndarray, eur_each: float) -> None:
        """``eur_each`` for every entry of ``districts`` (repeats add up)."""
        own = self._lever(lever)
        np.add.at(self.total, districts, eur_each)
        np.add.at(own, districts, eur_each)
        self.run_total[lever] = self.run_total.get(lever, 0.0) + eur_each * len(districts)

    def add_for_firms(self, lever: str, rows: np.ndarray, eur_each: float) -> None:
        """``eur_each`` for every firm row, booked in the firm's district."""
        self.add_at(lever, self._firm_district()[rows], eur_each)

    def spread_over_firms(self, lever: str, eur: float, mask: np.ndarray) -> None:
        """``eur`` split over districts in proportion to their firms in ``mask``."""
        n = np.bincount(self._firm_district()[mask], minlength=self.n_districts).astype(float)
        if n.sum() > 0:
            self.add(lever, eur * n / n.sum())


@dataclass
class LeverContext:
    """The collaborators a lever may use (never the model).

    ``open_institution(institution_id, kind, place, advisors, reach_minutes=...,
    serves_settlements=...)`` creates a transfer institution at a place (it joins the model's
    agents and advises from the next phase on); ``chambers()`` lists the chambers' advisory
    services; ``population()`` is this quarter's population per district;
    ``apprentice_intake_rate`` the fitted intake per firm.
    """

    region: Region
    firms: CraftFirms
    streams: RandomStreams
    ledger: CostLedger
    apprentice_intake_rate: np.ndarray
    chambers: Callable[[], list[Any]]
    open_institution: Callable[..., Any]
    population: Callable[[], np.ndarray]


class Lever:
    """Base class of a policy lever: every hook is neutral; a lever overrides what it uses.

    Subclasses set ``name`` (the config group entry and label), ``Params`` (a dataclass
    deriving from :class:`LeverParams`, the schema of ``intervention.<name>``) and ``order``
    (the order in which levers act within a hook and are named in labels).
    """

    name: ClassVar[str]
    Params: ClassVar[type[LeverParams]] = LeverParams
    order: ClassVar[int] = 100

    def __init__(self, params: Any, ctx: LeverContext) -> None:
        self.params = params
        self.ctx = ctx

    @property
    def cost_this_quarter(self) -> np.ndarray:
        """What this lever spent this quarter, per district (EUR)."""
        return self.ctx.ledger.by_lever.get(self.name, np.zeros(self.ctx.ledger.n_districts))

    def init(self) -> None:
        """Once, after firms, households and institutions exist (no costs yet)."""

    def results(self) -> dict[str, float | int | list]:
        """What the lever did over the run so far (beside its cost), for the run's manifest."""
        return {}

    def start_quarter(self, quarter: int) -> None:
        """Before the market: act and book this quarter's running costs."""

    def local_public_share(self) -> float:
        """Extra public demand awarded within the ordering district, relative to public demand."""
        return 0.0

    def intake_multiplier(self) -> float:
        return 1.0

    def dropout_multiplier(self) -> float:
        return 1.0

    def book_new_contracts(self, intake: np.ndarray) -> None:
        """After training: ``intake`` new apprentice contracts per firm row this quarter."""

    def book_local_orders(self, eur_by_district: np.ndarray) -> None:
        """After demand: the extra public orders this lever's share of ``local_public_share``
        added this quarter, per district (EUR)."""

    def support_succession(self, row: int, p: dict[str, float]) -> dict[str, float]:
        """A retiring owner's route probabilities, changed where the lever supports the case."""
        return p
