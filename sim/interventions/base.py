"""What a policy lever is: its parameters, the hooks the model calls, and its cost ledger.

A lever is one class in one file of ``sim/interventions/`` (decorated with
:func:`sim.interventions.register_lever`) plus one ``conf/intervention/<name>.yaml`` that
enables it; nothing in the model names a lever. Each lever stands for a real programme, whose
evaluation gives its unit cost and effect size (``sim/data/lever_evidence.csv``). The model
calls the hooks of the active levers in their ``order`` at fixed points of the quarter
(``sim/model.py``'s phases); :class:`~sim.interventions.active.Interventions` calls them only
while a lever runs (``start_year`` to ``end_year``):

* ``init()`` -- once, after firms, households and institutions exist (books no cost);
* ``on_start(q)`` / ``on_end(q)`` -- the first quarter it runs / the first quarter after it;
* ``start_quarter(q)`` -- before the market (advice capacity, vouchers, hub effects, costs);
* ``local_public_share()`` -- extra public demand awarded within the ordering district;
* ``intake_multiplier()`` / ``dropout_multiplier()`` -- apprentice intake and dropout;
* ``book_new_contracts(intake)`` -- after training (per-contract bonuses);
* ``book_local_orders(eur)`` -- after demand: the extra public orders it placed;
* ``support_succession(row, p)`` -- each retiring owner's case, in random order;
* ``results()`` -- what it did over the run (cases, vouchers, hubs), kept in the manifest.

Every lever is targeted, timed and sized by the fields of :class:`LeverParams`; its budget is
the programme's for the whole Revier and scaled to the modelled districts
(:mod:`sim.interventions.targeting`). Every euro a lever spends is booked in the
:class:`CostLedger` (per district and quarter, never more than its budget), so comparisons
report cost per job-year and per EUR of real value added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from sim.interventions.targeting import budget_share, check_lever, codes
from sim.vocabulary import SETTLEMENT_TYPES, TRADE_GROUPS

if TYPE_CHECKING:
    from sim.agents.firms import CraftFirms
    from sim.randomness import RandomStreams
    from sim.region import Region


@dataclass
class LeverParams:
    """Every lever's common parameters: the switch, its size, its time and its target.

    ``budget_eur_per_year`` is the programme's annual budget for its target area in the whole
    Revier (9 districts), scaled to the modelled districts (``targeting.budget_share``);
    ``start_year``/``end_year`` the years it runs (inclusive); ``districts``,
    ``settlement_types`` (city, town, rural) and ``trade_groups`` the firms it serves (empty =
    all). Domains: ``sim/config_domains.py``; names are checked by ``targeting.check_lever``.
    """

    enabled: bool = False
    budget_eur_per_year: float = 1_000_000.0
    start_year: int = 2025
    end_year: int = 2045
    districts: list[str] = field(default_factory=list)
    settlement_types: list[str] = field(default_factory=list)
    trade_groups: list[str] = field(default_factory=list)


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
    (the order in which levers act within a hook and are named in labels). The base holds the
    targeting: :meth:`target_firms`, :meth:`target_places`, :attr:`budget_per_year` (the
    budget in the modelled region) and :attr:`active` (whether it runs this quarter).
    """

    name: ClassVar[str]
    Params: ClassVar[type[LeverParams]] = LeverParams
    order: ClassVar[int] = 100
    # the settlement types a programme can serve (its ``settlement_types`` must be among them)
    settlement_types_served: ClassVar[tuple[str, ...]] = SETTLEMENT_TYPES

    def __init__(self, params: Any, ctx: LeverContext) -> None:
        self.params = params
        self.ctx = ctx
        ids = list(ctx.region.districts["district_id"])
        # the config check (sim.config.validate) does the same; here for levers built directly
        check_lever(self.name, params, ids)
        self.budget_share = budget_share(ids, params.districts)
        self.district_codes = np.array(
            [i for i, d in enumerate(ids) if not params.districts or d in params.districts],
            dtype=int,
        )
        self.settlement_codes = codes(params.settlement_types, SETTLEMENT_TYPES)
        self.group_codes = codes(params.trade_groups, TRADE_GROUPS)
        self.active = False
        self.quarter: int | None = None

    @property
    def budget_per_year(self) -> float:
        """The budget spent in the modelled districts (EUR a year)."""
        return self.params.budget_eur_per_year * self.budget_share

    @property
    def cost_this_quarter(self) -> np.ndarray:
        """What this lever spent this quarter, per district (EUR)."""
        return self.ctx.ledger.by_lever.get(self.name, np.zeros(self.ctx.ledger.n_districts))

    def target_firms(self) -> np.ndarray:
        """Live firms the programme serves (district, settlement type and trade group)."""
        t = self.ctx.firms.table
        return (
            t.alive
            & np.isin(t.district, self.district_codes)
            & np.isin(t.settlement, self.settlement_codes)
            & np.isin(t.group, self.group_codes)
        )

    def target_places(self) -> np.ndarray:
        """Places in the targeted districts and of the targeted settlement types."""
        region = self.ctx.region
        return np.isin(region.place_district, self.district_codes) & np.isin(
            region.place_settlement, self.settlement_codes
        )

    def begin_quarter(self, quarter: int) -> None:
        """Called every quarter (by ``Interventions``): runs the lever while it is in time."""
        was = self.active
        self.quarter = quarter
        self.active = self.params.start_year <= quarter // 4 <= self.params.end_year
        if self.active and not was:
            self.on_start(quarter)
        elif was and not self.active:
            self.on_end(quarter)
        if self.active:
            self.start_quarter(quarter)

    def init(self) -> None:
        """Once, after firms, households and institutions exist (no costs yet)."""

    def on_start(self, quarter: int) -> None:
        """The first quarter the programme runs (open institutions, hire advisors)."""

    def on_end(self, quarter: int) -> None:
        """The first quarter after the programme (close what it opened)."""

    def results(self) -> dict[str, float | int | list]:
        """What the lever did over the run so far (beside its cost), for the run's manifest."""
        return {}

    def start_quarter(self, quarter: int) -> None:
        """Before the market, while the programme runs: act and book this quarter's costs."""

    def local_public_share(self) -> float | np.ndarray:
        """Extra public demand awarded within the ordering district, relative to public demand:
        a number, or an array (places x trade groups) where the lever is targeted."""
        return 0.0

    def intake_multiplier(self) -> float | np.ndarray:
        """Apprentice intake: a number, or one per modelled district."""
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
