"""Craft firms: the state columns of the firm table and the Mesa agent of one firm.

Every firm is a ``CraftFirm`` Mesa agent, registered in ``model.agents`` while it is alive
(identity and its individual succession decision); its numeric state is one row of the firm
table owned by :class:`sim.agents.firms.CraftFirms`. Rows are never reused, so a row is the
firm's identity within a run.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.agents.table import ColumnTable
from sim.vocabulary import RURAL, SUCCESSION_ROUTES

# column -> dtype. The comment after each column names the ``CraftFirms`` methods
# (sim/agents/firms.py) that write it, its only writers; every other module reads the table and
# changes a firm by calling them (``tests/test_model.py`` checks both).
FIRM_COLUMNS = {
    "alive": bool,  # found, close
    "place": np.int32,  # found
    "district": np.int16,  # found
    "settlement": np.int8,  # found (settlement code, sim.vocabulary)
    "group": np.int8,  # found
    # persons employed incl. the working owner, excl. apprentices
    "staff": np.int32,  # found, change_staff, train_apprentices (retained completers)
    "apprentices": np.int32,  # found, train_apprentices
    "owner_age": np.float32,  # found, age_owners, hand_over (the successor's age)
    "retirement_age": np.float32,  # found, hand_over
    "productivity": np.float64,  # found: base turnover per person and quarter at innovation 0
    "innovation": np.float64,  # found, advise, learn, spill_over, age_owners (decay): 0..1
    "wage": np.float64,  # found: cost per employee and quarter
    "price": np.float64,  # found, set_prices: price level relative to the base year (1.0)
    "capacity_bonus": np.float64,  # grant_capacity_bonus, withdraw_capacity_bonus: hub workshops
    "cash": np.float64,  # found, book
    "loss_quarters": np.int16,  # book
    "orders": np.float64,  # book: demand addressed to the firm last quarter
    "revenue": np.float64,  # book
    "value_added": np.float64,  # book
    "advised_quarter": np.int32,  # found (-1), advise: last quarter of advice
    "founded_quarter": np.int32,  # found
    "closed_quarter": np.int32,  # found (-1), close
}


class CraftFirm(mesa.Agent):
    """One craft firm: a read-only view of its row of the firm table, plus its decisions."""

    def __init__(self, model: mesa.Model, table: ColumnTable, row: int) -> None:
        super().__init__(model)
        self.row = int(row)
        self._table = table

    def __getattr__(self, name: str):
        # read-only view of the firm's row: firm.staff, firm.innovation, ...
        if name in FIRM_COLUMNS:
            return getattr(self.__dict__["_table"], name)[self.__dict__["row"]]
        raise AttributeError(name)

    def succession_odds(self, fp, succession_match_gain: float, advised: bool) -> dict[str, float]:
        """Chances of each successor route when the owner retires (the rest is closure).

        Base shares from the chambers' surveys (``fp``: the firm parameters); small firms
        (<= ``fp.small_firm_max_persons`` persons) and rural firms close more often (the penalty
        is added to the closure share); a solo firm has no employee to take over; a firm with a
        live tie to its chamber finds external buyers more often through the chamber's
        succession exchange.
        """
        base = {
            "family": fp.succession_family,
            "employee": fp.succession_employee,
            "external": fp.succession_external,
        }
        total = sum(base.values())
        small = self.staff <= fp.small_firm_max_persons
        penalty = fp.small_firm_closure_penalty * small + fp.rural_closure_penalty * (
            self.settlement == RURAL
        )
        scale = max(0.0, 1.0 - penalty / total) if total > 0 else 0.0
        p = {route: share * scale for route, share in base.items()}
        if self.staff < 2:
            p["employee"] = 0.0
        if advised:
            p["external"] *= 1.0 + succession_match_gain
        return p

    @staticmethod
    def handover(rng_draw: float, p: dict[str, float]) -> str | None:
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
