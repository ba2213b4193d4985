"""All craft firms: the firm table and the only code that writes it.

``CraftFirms`` owns the table defined in :mod:`sim.agents.craft_firm` (the writing method of
each column is named there; ``tests/test_model.py`` checks that no other module writes a
column) and runs the quarterly processes for all firms at once: capacity, book-keeping of
revenue and value added, prices, innovation, owner ageing, closure. The decisions of hiring and
training (:mod:`sim.agents.firm_workforce`) and of founding, succession and exits
(:mod:`sim.agents.firm_lifecycle`) are applied through its methods; together they are the
firm life cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np
import pandas as pd

from sim.agents.craft_firm import FIRM_COLUMNS, CraftFirm
from sim.agents.table import ColumnTable
from sim.cells import cell_of, n_cells
from sim.costs import adjust_price, cost_weights, target_price, unit_cost
from sim.region import Region


@dataclass(frozen=True)
class PriceRule:
    """How prices follow unit costs and scarcity (``model.price_adjustment``,
    ``model.scarcity_price_elasticity``; see :mod:`sim.costs`)."""

    adjustment: float
    scarcity: float


class CraftFirms:
    """The firm table plus the processes that write it.

    Args:
        params: the firm parameters (``model.firm``).
        prices: the price rule (``model.price_*``).
        innovation_decay_per_year: ``model.transfer.innovation_decay_per_year``.
        region: the places (district and settlement type of each).
        groups: ``trade_groups.csv`` (input shares, productivity profile).
        state_turnover_per_person: the state's HWZ turnover per person, per district.
        registry: the Mesa model the firm agents register with (``model.agents``).
    """

    def __init__(
        self,
        params,
        prices: PriceRule,
        innovation_decay_per_year: float,
        region: Region,
        groups: pd.DataFrame,
        state_turnover_per_person: np.ndarray,
        registry: mesa.Model,
    ) -> None:
        self.params = params
        self.prices = prices
        self.innovation_decay_per_year = innovation_decay_per_year
        self.region = region
        self.groups = groups
        self.group_input_share = groups["input_share"].to_numpy(float)
        self.district_tpp = state_turnover_per_person
        self.table = ColumnTable(FIRM_COLUMNS, capacity=1024)
        self._registry = registry
        # row -> the firm's Mesa agent while alive; an index into ``model.agents`` (the
        # registry), kept so that a closure finds its agent without a scan
        self._agent_of_row: dict[int, CraftFirm] = {}

    # ---- creation -------------------------------------------------------------------------
    def group_productivity(self, district: np.ndarray, group: np.ndarray) -> np.ndarray:
        """Base turnover per person and quarter: group profile rescaled to the state's level.

        The state's level is its newest Handwerkszaehlung turnover per person, carried to the
        base year's price level (``crafts_by_state.csv``: Sachsen, Sachsen-Anhalt 2022,
        Thueringen 2022 derived from 2018; prices of 2024); persons are HWZ persons (staff incl.
        the owner plus apprentices).
        """
        g = self.groups
        share, rel = g["share_of_firms"].to_numpy(float), g["persons_per_firm_rel"].to_numpy(float)
        tpp = g["turnover_per_person_eur"].to_numpy(float)
        # persons-weighted mean of the group profile equals the state's HWZ turnover per person
        profile_mean = (share * rel * tpp).sum() / (share * rel).sum()
        return tpp[group] / profile_mean * self.district_tpp[district] / 4.0

    def found(
        self,
        place,
        group,
        staff,
        apprentices,
        owner_age,
        retirement_age,
        innovation,
        base_productivity,
        founded: int | np.ndarray,
    ) -> np.ndarray:
        """New firms (base year or start-ups) with their wage and starting cash; returns rows."""
        fp = self.params
        place = np.asarray(place)
        group = np.asarray(group)
        # store productivity at innovation 0, so a firm's effective base-year productivity is
        # the calibrated ``base_productivity``
        productivity = base_productivity / (1.0 + fp.innovation_productivity_gain * innovation)
        wage = (
            base_productivity
            * (1.0 - self.group_input_share[group])
            * (1.0 - fp.surplus_share_of_value_added)
        )
        rows = self.table.append(
            alive=True,
            advised_quarter=-1,
            closed_quarter=-1,
            place=place,
            district=self.region.place_district[place],
            settlement=self.region.place_settlement[place],
            group=group,
            staff=staff,
            apprentices=apprentices,
            owner_age=owner_age,
            retirement_age=retirement_age,
            innovation=innovation,
            productivity=productivity,
            wage=wage,
            price=1.0,
            cash=wage * np.maximum(np.asarray(staff) - 1, 0),
            founded_quarter=founded,
        )
        for r in rows:
            self._agent_of_row[int(r)] = CraftFirm(self._registry, self.table, int(r))
        return rows

    def agent(self, row: int) -> CraftFirm:
        """The Mesa agent of a live firm."""
        return self._agent_of_row[int(row)]

    # ---- derived quantities -----------------------------------------------------------------
    @property
    def alive(self) -> np.ndarray:
        return self.table.alive

    def capacity(self) -> np.ndarray:
        """Turnover a firm can produce this quarter (0 for closed firms)."""
        t, fp = self.table, self.params
        persons = t.staff + fp.apprentice_output_share * t.apprentices
        effective = t.productivity * (1.0 + fp.innovation_productivity_gain * t.innovation)
        slack = 1.0 + fp.capacity_slack + t.capacity_bonus
        return np.where(t.alive, persons * effective * slack * t.price, 0.0)

    def normal_output(self) -> np.ndarray:
        """Turnover at base-year prices at the firm's normal load: its capacity without the
        headroom (``model.firm.capacity_slack``) and a hub's bonus (0 for closed firms)."""
        t, fp = self.table, self.params
        return self.capacity() / t.price / (1.0 + fp.capacity_slack + t.capacity_bonus)

    def base_output_by_group(self, n_groups: int) -> np.ndarray:
        """Output of all firms per trade group at base prices, without slack (EUR/quarter)."""
        t, fp = self.table, self.params
        persons = t.staff + fp.apprentice_output_share * t.apprentices
        effective = t.productivity * (1.0 + fp.innovation_productivity_gain * t.innovation)
        return np.bincount(t.group, persons * effective, minlength=n_groups)

    def utilisation(self) -> np.ndarray:
        """Orders addressed to each firm relative to its base output (capacity without slack)."""
        t, fp = self.table, self.params
        full = self.capacity() / (1.0 + fp.capacity_slack + t.capacity_bonus)
        return np.divide(t.orders, full, out=np.zeros(len(t)), where=full > 0)

    def recently_advised(self, quarter: int, memory_quarters: int) -> np.ndarray:
        """Firms with a live tie to an institution (advised within the memory window)."""
        t = self.table
        return (t.advised_quarter >= 0) & (quarter - t.advised_quarter < memory_quarters)

    # ---- production and prices --------------------------------------------------------------
    def book(
        self, revenue: np.ndarray, orders: np.ndarray, index: tuple[float, float, float]
    ) -> dict[str, np.ndarray]:
        """Revenue, inputs, value added, wages and profit for the quarter (nominal EUR).

        ``index``: this quarter's wage, input price and consumer price indices (W, M, G).
        """
        t, fp = self.table, self.params
        wage_index, input_index, _ = index
        input_share = self.group_input_share[t.group]
        volume = np.where(t.alive, revenue / t.price, 0.0)  # turnover at base-year prices
        # inputs at base-year prices: the variable part follows the real output, the fixed part
        # (rent, vehicles, insurance) the firm's normal load; equal to input_share x output there
        fixed = np.minimum(fp.fixed_cost_share, input_share)
        inputs_base = volume * (input_share - fixed) + np.where(
            t.alive, fixed * self.normal_output(), 0.0
        )
        inputs = inputs_base * input_index
        value_added = revenue - inputs
        # closed firms keep their last staff in the table: they pay no wages
        wages = np.where(
            t.alive,
            t.wage
            * wage_index
            * (np.maximum(t.staff - 1, 0) + fp.apprentice_wage_ratio * t.apprentices),
            0.0,
        )
        profit = np.where(t.alive, value_added - wages, 0.0)
        t.revenue[:] = np.where(t.alive, revenue, 0.0)
        t.value_added[:] = np.where(t.alive, value_added, 0.0)
        t.orders[:] = np.where(t.alive, orders, 0.0)
        t.cash[:] += profit
        # a quarter is a loss when the surplus does not pay the owner a minimal living
        reservation = fp.owner_reservation_wage_share * t.wage * wage_index
        losing = t.alive & (profit < reservation)
        t.loss_quarters[:] = np.where(losing, t.loss_quarters + 1, 0)
        return {
            "inputs": inputs,
            "inputs_base_prices": inputs_base,
            "wages": wages,
            "profit": profit,
            "volume": volume,
            "capacity": self.capacity(),  # at the prices the market cleared at
        }

    def employees_by_district(self, n_districts: int, rows: np.ndarray | None = None) -> np.ndarray:
        """``(D,)`` employees (staff other than the owner) per district: of the open firms, or
        of the firm ``rows`` given (open or just closed)."""
        t = self.table
        rows = np.flatnonzero(t.alive) if rows is None else np.asarray(rows, dtype=np.intp)
        staff = np.maximum(t.staff[rows] - 1, 0)
        return np.bincount(t.district[rows], staff, minlength=n_districts).astype(float)

    def cells(self) -> np.ndarray:
        """Each firm row's cell of the ``groups`` table (district, settlement, trade group)."""
        t = self.table
        return cell_of(t.district, t.settlement, t.group)

    def employees(self) -> np.ndarray:
        """``(n,)`` each firm row's employees (staff other than the owner); 0 if closed."""
        t = self.table
        return np.where(t.alive, np.maximum(t.staff - 1, 0), 0)

    def employees_by_cell(self, n_districts: int) -> np.ndarray:
        """``(K,)`` employees (staff other than the owner) of the open firms per cell."""
        return np.bincount(self.cells(), self.employees(), minlength=n_cells(n_districts)).astype(
            float
        )

    def count_by_district(self, n_districts: int, rows: np.ndarray) -> np.ndarray:
        """``(D,)`` how many of the firm ``rows`` are in each district."""
        return np.bincount(self.table.district[rows], minlength=n_districts).astype(float)

    def set_prices(self, utilisation: np.ndarray, index: tuple[float, float, float]) -> None:
        """Prices move towards unit cost (``index``: W, M, G) times scarcity (``sim.costs``)."""
        t, rule = self.table, self.prices
        weights = cost_weights(
            self.group_input_share[t.group], self.params.surplus_share_of_value_added
        )
        target = target_price(unit_cost(weights, *index), utilisation, rule.scarcity)
        t.price[:] = np.where(t.alive, adjust_price(t.price, target, rule.adjustment), t.price)

    def price_index(self, n_districts: int, n_groups: int) -> np.ndarray:
        """``(D, G)`` capacity-weighted mean price of the open firms per district and group."""
        t = self.table
        key = t.district.astype(np.intp) * n_groups + t.group
        weight = np.where(t.alive, self.capacity() / np.where(t.alive, t.price, 1.0), 0.0)
        size = n_districts * n_groups
        total = np.bincount(key, weight, minlength=size)
        priced = np.bincount(key, weight * t.price, minlength=size)
        mean = np.divide(priced, total, out=np.zeros(size), where=total > 0).reshape(
            n_districts, n_groups
        )
        # a district without open firms of a group faces the group's price elsewhere (1.0 if
        # the group has no open firm at all)
        total = total.reshape(n_districts, n_groups)
        group_total = total.sum(axis=0)
        group_mean = np.divide(
            priced.reshape(n_districts, n_groups).sum(axis=0),
            group_total,
            out=np.ones(n_groups),
            where=group_total > 0,
        )
        return np.where(total > 0, mean, group_mean[None, :])

    # ---- workforce: the writers the hiring and training decisions call ---------------------
    def change_staff(self, hired: np.ndarray, shed: np.ndarray, leavers: np.ndarray) -> None:
        """One hire per ``hired`` firm, one person less per ``shed`` firm, ``leavers`` gone."""
        self.table.staff[:] += (
            hired.astype(np.int32) - shed.astype(np.int32) - leavers.astype(np.int32)
        )

    def train_apprentices(self, apprentices: np.ndarray, retained: np.ndarray) -> None:
        """The apprentices after this quarter's completions, dropouts and intake; completers
        the firm keeps join its staff."""
        self.table.apprentices[:] = apprentices
        self.table.staff[:] += retained.astype(np.int32)

    # ---- innovation and capacity: the writers other components call ------------------------
    def advise(self, rows: np.ndarray, gain: float, quarter: int) -> None:
        """An institution's advice closes ``gain`` of the gap to full innovation."""
        t = self.table
        t.innovation[rows] += gain * (1.0 - t.innovation[rows])
        t.advised_quarter[rows] = quarter

    def learn(self, rows: np.ndarray, gain: float) -> None:
        """Innovation without an advisory tie (vouchers, a hub): closes ``gain`` of the gap."""
        t = self.table
        t.innovation[rows] += gain * (1 - t.innovation[rows])

    def spill_over(self, gain: np.ndarray) -> None:
        """Innovation learnt from partners (the cooperation network), per row; live firms only."""
        t = self.table
        t.innovation[:] += np.where(t.alive, gain, 0.0)

    def withdraw_capacity_bonus(self, rows: np.ndarray) -> None:
        """A firm stops using a shared workshop (or the hub closes): no extra output."""
        self.table.capacity_bonus[rows] = 0.0

    def grant_capacity_bonus(self, rows: np.ndarray, bonus: float) -> None:
        """Extra output share for the given firms (a shared workshop); bonuses do not add up."""
        t = self.table
        t.capacity_bonus[rows] = np.maximum(t.capacity_bonus[rows], bonus)

    # ---- ageing and closure -----------------------------------------------------------------
    def age_owners(self) -> np.ndarray:
        """Owners age a quarter, know-how decays; returns rows of owners who retire now."""
        t = self.table
        t.owner_age[:] += 0.25
        t.innovation[:] *= 1.0 - self.innovation_decay_per_year / 4.0
        return np.flatnonzero(t.alive & (t.owner_age >= t.retirement_age))

    def hand_over(
        self, row: int, successor_age: float, successor_retires: float, from_staff: bool
    ) -> None:
        """The successor takes the retiring owner's place; one ``from_staff`` was an employee,
        so the firm has one person less (the retiring owner left, no one came in)."""
        t = self.table
        t.owner_age[row] = successor_age
        t.retirement_age[row] = successor_retires
        if from_staff:
            t.staff[row] -= 1

    def close(self, rows: np.ndarray, quarter: int) -> None:
        t = self.table
        t.alive[rows] = False
        t.closed_quarter[rows] = quarter
        for r in rows:
            agent = self._agent_of_row.pop(int(r), None)
            if agent is not None:
                agent.remove()
