"""Craft firms: one Mesa agent per registered craft business, state in shared columns.

Every firm is a ``CraftFirm`` Mesa agent (identity, individual decisions such as succession);
its numeric state lives in one row of :class:`CraftFirms`, whose vectorised methods run the
quarterly processes for all firms at once: capacity, book-keeping of revenue and value added,
hiring and shedding, apprentices, owner ageing, exits and start-ups.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.agents.table import ColumnTable
from sim.vocabulary import RURAL, SUCCESSION_ROUTES, TRAINING_YEAR_START_QUARTER

if TYPE_CHECKING:
    from sim.model import RegionModel

FIRM_COLUMNS = {
    "alive": bool,
    "place": np.int32,
    "district": np.int16,
    "settlement": np.int8,
    "group": np.int8,
    "staff": np.int32,  # persons employed incl. the working owner, excl. apprentices
    "apprentices": np.int32,
    "owner_age": np.float32,
    "retirement_age": np.float32,
    "productivity": np.float64,  # base turnover per person and quarter at innovation 0
    "innovation": np.float64,  # 0..1
    "wage": np.float64,  # cost per employee and quarter
    "price": np.float64,  # price level relative to the base year (1.0)
    "capacity_bonus": np.float64,  # extra output share from shared workshops (rural hubs)
    "cash": np.float64,
    "loss_quarters": np.int16,
    "orders": np.float64,  # demand addressed to the firm last quarter (first market round)
    "revenue": np.float64,
    "value_added": np.float64,
    "advised_quarter": np.int32,  # last quarter of advice, -1 if never
    "founded_quarter": np.int32,
    "closed_quarter": np.int32,
}


class CraftFirm(mesa.Agent):
    """One craft firm. Numeric state is a row of the model's firm table."""

    def __init__(self, model: RegionModel, row: int) -> None:
        super().__init__(model)
        self.row = int(row)

    def __getattr__(self, name: str):
        # read-only view of the firm's row: firm.staff, firm.innovation, ...
        if name in FIRM_COLUMNS:
            return getattr(self.model.firms.table, name)[self.row]
        raise AttributeError(name)

    def succession_odds(self, advised: bool) -> dict[str, float]:
        """Chances of each successor route when the owner retires (the rest is closure).

        Base shares from the chambers' surveys; small firms (<= 4 persons) and rural firms
        close more often (the penalty is added to the closure share); a solo firm has no
        employee to take over; a firm with a live tie to its chamber finds external buyers
        more often through the chamber's succession exchange.
        """
        fp = self.model.params.firm
        base = {
            "family": fp.succession_family,
            "employee": fp.succession_employee,
            "external": fp.succession_external,
        }
        total = sum(base.values())
        penalty = fp.small_firm_closure_penalty * (self.staff <= 4) + fp.rural_closure_penalty * (
            self.settlement == RURAL
        )
        scale = max(0.0, 1.0 - penalty / total) if total > 0 else 0.0
        p = {route: share * scale for route, share in base.items()}
        if self.staff < 2:
            p["employee"] = 0.0
        if advised:
            p["external"] *= 1.0 + self.model.params.transfer.succession_match_gain
        return p

    def handover(self, rng_draw: float, p: dict[str, float]) -> str | None:
        """At retirement: pick a successor route, or None for closure.

        ``p`` holds this firm's route probabilities (already adjusted for size, location and
        support); ``rng_draw`` is the firm's uniform draw for this quarter.
        """
        edge = 0.0
        for route in SUCCESSION_ROUTES:
            edge += p[route]
            if rng_draw < edge:
                return route
        return None


class CraftFirms:
    """All craft firms of the model: the column table plus the vectorised processes."""

    def __init__(self, model: RegionModel) -> None:
        self.model = model
        self.table = ColumnTable(FIRM_COLUMNS, capacity=1024)
        self.agents: dict[int, CraftFirm] = {}

    # ---- creation -------------------------------------------------------------------------
    def add(self, **columns: np.ndarray) -> np.ndarray:
        rows = self.table.append(alive=True, advised_quarter=-1, closed_quarter=-1, **columns)
        for r in rows:
            self.agents[int(r)] = CraftFirm(self.model, int(r))
        return rows

    # ---- derived quantities -----------------------------------------------------------------
    @property
    def alive(self) -> np.ndarray:
        return self.table.alive

    def capacity(self) -> np.ndarray:
        """Turnover a firm can produce this quarter (0 for closed firms)."""
        t, fp = self.table, self.model.params.firm
        persons = t.staff + fp.apprentice_output_share * t.apprentices
        effective = t.productivity * (1.0 + fp.innovation_productivity_gain * t.innovation)
        slack = 1.0 + fp.capacity_slack + t.capacity_bonus
        return np.where(t.alive, persons * effective * slack * t.price, 0.0)

    # ---- quarterly processes ----------------------------------------------------------------
    def book(self, revenue: np.ndarray, orders: np.ndarray) -> dict[str, np.ndarray]:
        """Revenue, inputs, value added, wages and profit for the quarter."""
        t, fp = self.table, self.model.params.firm
        input_share = self.model.group_input_share[t.group]
        # inputs follow the real output; a higher price widens the margin
        inputs = revenue / t.price * input_share
        value_added = revenue - inputs
        wages = t.wage * (np.maximum(t.staff - 1, 0) + fp.apprentice_wage_ratio * t.apprentices)
        profit = np.where(t.alive, value_added - wages, 0.0)
        t.revenue[:] = np.where(t.alive, revenue, 0.0)
        t.value_added[:] = np.where(t.alive, value_added, 0.0)
        t.orders[:] = np.where(t.alive, orders, 0.0)
        t.cash[:] += profit
        # a quarter is a loss when the surplus does not pay the owner a minimal living
        reservation = fp.owner_reservation_wage_share * t.wage
        losing = t.alive & (profit < reservation)
        t.loss_quarters[:] = np.where(losing, t.loss_quarters + 1, 0)
        volume = np.where(t.alive, revenue / t.price, 0.0)  # turnover at base-year prices
        return {"inputs": inputs, "wages": wages, "profit": profit, "volume": volume}

    def set_prices(self, utilisation: np.ndarray) -> None:
        """Busy firms raise prices, idle firms cut them (bounded, see config)."""
        t, mp = self.table, self.model.params
        target = 1.0 / (1.0 + mp.firm.capacity_slack)
        change = 1.0 + mp.price_adjustment * (utilisation - target)
        t.price[:] = np.where(
            t.alive, np.clip(t.price * change, mp.price_min, mp.price_max), t.price
        )

    def utilisation(self) -> np.ndarray:
        """Orders addressed to each firm relative to its base output (capacity without slack)."""
        t, fp = self.table, self.model.params.firm
        full = self.capacity() / (1.0 + fp.capacity_slack + t.capacity_bonus)
        return np.divide(t.orders, full, out=np.zeros(len(t)), where=full > 0)

    def adjust_labour(self, rng: np.random.Generator, pool: np.ndarray) -> dict[str, np.ndarray]:
        """Staff leave, idle firms shed, busy firms hire from the district's labour pool.

        ``pool`` is the number of workers each district's labour market offers the crafts this
        quarter (it shrinks with the working-age population, see ``RegionModel``). When fewer
        workers are on offer than firms want one, a random subset of the hiring firms gets one:
        the rest of their orders stays unmet, which is how labour shortage shows up.
        """
        t, fp = self.table, self.model.params.firm
        n = len(t)
        u = rng.random((3, n))
        employees = np.where(t.alive, np.maximum(t.staff - 1, 0), 0)
        leavers = rng.binomial(employees, fp.staff_attrition_per_year / 4.0)
        util = self.utilisation()
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
        t.staff[:] += hired.astype(np.int32) - shed.astype(np.int32) - leavers.astype(np.int32)
        taken = np.bincount(t.district[hired], minlength=len(pool))
        return {
            "hired": hired,
            "leavers": leavers,
            "shed": shed,
            "pool_left": np.maximum(pool - taken, 0.0),
        }

    def train(
        self,
        rng: np.random.Generator,
        intake_rate: np.ndarray,
        quarter: int,
        dropout_multiplier: float = 1.0,
        placement: np.ndarray | float = 1.0,
    ) -> dict:
        """Apprentice intake (training year starts in Q3), completion, dropout, retention."""
        t, fp = self.table, self.model.params.firm
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
        t.apprentices[:] = appr - completed - dropped + intake
        t.staff[:] += retained.astype(np.int32)
        return {
            "apprentice_intake": intake,
            "apprentice_completed": completed,
            "apprentice_retained": retained,
        }

    def age_owners(self) -> np.ndarray:
        """Owners age a quarter; returns rows of owners who reach retirement now."""
        t = self.table
        t.owner_age[:] += 0.25
        t.innovation[:] *= 1.0 - self.model.params.transfer.innovation_decay_per_year / 4.0
        return np.flatnonzero(t.alive & (t.owner_age >= t.retirement_age))

    def close(self, rows: np.ndarray, quarter: int) -> None:
        t = self.table
        t.alive[rows] = False
        t.closed_quarter[rows] = quarter
        for r in rows:
            agent = self.agents.pop(int(r), None)
            if agent is not None:
                agent.remove()
