"""The craft market: demand of each place goes to firms within reach (the hot path).

A production-constrained spatial-interaction (Huff) model with capacity limits. Demand of
origin place *i* for a trade group is split over destination places *p* in proportion to
``S_p * exp(-beta * minutes_ip)`` (zero beyond the reach cut-off), where ``S_p`` is the summed
attractiveness of the group's firms at *p* that still have capacity; within *p* it is split over
firms by their attractiveness. Firms serve up to capacity; the rest is re-offered to firms with
spare capacity for a few rounds; what is left is the origin's unmet demand.

Because firms at the same place are equally far from every origin, every round is a handful of
place x place matrix operations plus bincounts over firms: cost grows with places squared, not
with households or firms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# the widest reach (in half-times) the base-year calibration may give a group whose output
# cannot be sold within the configured reach; the kernel is then below 0.1 % of its value at
# zero minutes (2 ** -10), so a wider one would change no flow
MAX_REACH_HALF_TIMES = 10.0
# a base-year balance this close (largest relative gap between a place's sales and its output)
# is reached: slow convergence, not an impossible balance (the groups that balance end below
# 1e-5 after 200 iterations; the food trades within 3 half-times stayed 2.0 off)
BALANCED_WITHIN = 1e-3


@dataclass
class Allocation:
    served_by_firm: np.ndarray  # turnover booked per firm (same order as the firm arrays given)
    orders_by_firm: np.ndarray  # demand first addressed to each firm (before capacity limits)
    served_by_origin: np.ndarray  # per origin place
    unmet_by_origin: np.ndarray  # per origin place
    place_flows: np.ndarray | None  # served EUR origin place x destination place (if asked)


def decay_kernel(minutes: np.ndarray, half_time_min: float, reach_half_times: float) -> np.ndarray:
    """``exp(-ln2 * minutes / half_time)`` within reach, 0 beyond it."""
    kernel = np.exp(-np.log(2.0) * minutes / half_time_min)
    kernel[minutes > reach_half_times * half_time_min] = 0.0
    return kernel


def balance(
    demand: np.ndarray,
    kernel: np.ndarray,
    supply: np.ndarray,
    target: np.ndarray,
    iterations: int = 200,
    tolerance: float = 1e-6,
) -> tuple[np.ndarray, float]:
    """Place factors ``A_p`` with which the base year's flows sell each place's base output.

    Wilson's doubly-constrained spatial interaction model: origins' demand is given
    (``demand``, shape (P,)), and each destination's inflow
    ``A_p S_p sum_i D_i K_ip / sum_q K_iq A_q S_q`` is balanced (Furness iteration) to its
    share of ``target`` (the firms' base output per place, shape (P,)); ``supply`` is the
    firms' summed pull per place. Places without supply keep ``A_p = 1``. The factors stand for
    what the kernel does not know (commuting, customer ties, local reputation); the model keeps
    them fixed, so later flows move with population, capacity and prices only.

    Returns the factors and the last iteration's largest relative imbalance of a place (0 when
    balanced). A balance is impossible where a cluster of places makes more than the demand
    within its reach: their factors then drift without end (towards 0 and infinity) and the
    places stay unbalanced.
    """
    factor = np.ones(len(supply))
    has = supply > 0
    if not has.any() or target.sum() <= 0:
        return factor, 0.0
    imbalance = 0.0
    for _ in range(iterations):
        pull = kernel @ (factor * supply)
        ratio = np.divide(demand, pull, out=np.zeros(len(demand)), where=pull > 0)
        inflow = factor * supply * (ratio @ kernel)
        want = target * inflow.sum() / target.sum()  # shares: reachable demand is the total
        step = np.divide(want, inflow, out=np.ones(len(inflow)), where=has & (inflow > 0))
        factor = np.where(has, factor * step, 1.0)
        imbalance = float(np.abs(step[has & (inflow > 0)] - 1.0).max(initial=0.0))
        if imbalance < tolerance:
            break
    # scale so that the supply-weighted mean factor is 1 (a new place starts at the mean)
    factor[has] /= np.average(factor[has], weights=supply[has])
    return factor, imbalance


def allocate(
    demand: np.ndarray,
    kernel: np.ndarray,
    firm_place: np.ndarray,
    attractiveness: np.ndarray,
    capacity: np.ndarray,
    rounds: int,
    flows: bool = True,
) -> Allocation:
    """Allocate one trade group's demand (per origin place) to its firms.

    Args:
        demand: demand in EUR per origin place, shape (P,).
        kernel: distance decay between origin and destination places, shape (P, P).
        firm_place: place index of each firm, shape (F,).
        attractiveness: firm weight in the choice (0 for closed firms), shape (F,).
        capacity: EUR each firm can serve this quarter, shape (F,).
        rounds: how often unserved demand is re-offered to firms with spare capacity.
        flows: whether to build ``place_flows`` (a place x place matrix; skip it when unused).
    """
    n_places = len(demand)
    remaining = demand.astype(np.float64).copy()
    spare = np.where(attractiveness > 0, capacity, 0.0).astype(np.float64)
    served_firm = np.zeros(len(firm_place))
    served_origin = np.zeros(n_places)
    orders_first = np.zeros(len(firm_place))
    # per round: ratio_i = remaining_i / sum_p kernel_ip S_p and gain_p = S_p * fill_p, so the
    # served flow i -> p is ratio_i * kernel_ip * gain_p: matrix-vector products only, and the
    # origin x destination matrix is built once at the end
    ratios, gains = [], []
    for r in range(rounds):
        weight = np.where(spare > 1e-9, attractiveness, 0.0)
        supply = np.bincount(firm_place, weight, minlength=n_places)  # S_p
        total_pull = kernel @ supply
        ratio = np.divide(remaining, total_pull, out=np.zeros(n_places), where=total_pull > 0)
        reach = ratio @ kernel  # demand reaching place p per unit of its supply
        to_place = supply * reach
        orders = np.where(supply > 0, reach, 0.0)[firm_place] * weight
        if r == 0:
            orders_first = orders.copy()
        served = np.minimum(orders, spare)
        served_at_place = np.bincount(firm_place, served, minlength=n_places)
        fill = np.divide(served_at_place, to_place, out=np.zeros(n_places), where=to_place > 0)
        gain = supply * fill
        got = ratio * (kernel @ gain)
        ratios.append(ratio)
        gains.append(gain)
        served_origin += got
        remaining = np.maximum(remaining - got, 0.0)
        served_firm += served
        spare -= served
        if not (orders > spare + served + 1e-9).any() or remaining.sum() <= 1e-6:
            break
    place_flows = None
    if flows:
        place_flows = np.array(ratios).T @ np.array(gains)
        place_flows *= kernel  # in place: one 435 x 435 temporary fewer
    return Allocation(served_firm, orders_first, served_origin, demand - served_origin, place_flows)


def allocate_with_loyalty(
    demand: np.ndarray,
    kernel: np.ndarray,
    firm_place: np.ndarray,
    attractiveness: np.ndarray,
    capacity: np.ndarray,
    rounds: int,
    loyal_share: float,
    previous_flows: np.ndarray | None,
    previous_revenue: np.ndarray | None,
) -> Allocation:
    """Loyal customers first, then the open market.

    A share ``loyal_share`` of each origin's demand goes where it went last quarter: to the
    same destination places in the same proportions (``previous_flows``), and within a place to
    the firms in proportion to their previous revenue. What loyal customers cannot place (their
    firm closed or is full) joins the open-market demand, which is allocated by the Huff choice
    on the capacity that is left.
    """
    if loyal_share <= 0 or previous_flows is None or previous_revenue is None:
        return allocate(demand, kernel, firm_place, attractiveness, capacity, rounds)
    row_total = previous_flows.sum(axis=1, keepdims=True)
    # the habit kernel already holds destination shares; the supply term S_p must not weigh
    # them again, so loyal demand is split by habit / S_p * S_p via per-place normalisation
    loyal_weight = np.where(attractiveness > 0, previous_revenue, 0.0)
    supply = np.bincount(firm_place, loyal_weight, minlength=len(demand))
    # habit_ip = flows_ip / row_total_i, then / S_p; both divisions in one buffer, and the
    # entries whose divisor is not positive set to 0 afterwards (cheaper than where= masks)
    habit_kernel = np.empty_like(previous_flows)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(previous_flows, row_total, out=habit_kernel)
        np.divide(habit_kernel, supply[None, :], out=habit_kernel)
    habit_kernel[row_total[:, 0] <= 0, :] = 0.0
    habit_kernel[:, supply <= 0] = 0.0
    loyal = allocate(demand * loyal_share, habit_kernel, firm_place, loyal_weight, capacity, 1)
    rest = allocate(
        demand - loyal.served_by_origin,
        kernel,
        firm_place,
        attractiveness,
        capacity - loyal.served_by_firm,
        rounds,
    )
    place_flows = rest.place_flows
    place_flows += loyal.place_flows  # in place (the sum is the same either way round)
    return Allocation(
        served_by_firm=loyal.served_by_firm + rest.served_by_firm,
        orders_by_firm=loyal.orders_by_firm + rest.orders_by_firm,
        served_by_origin=loyal.served_by_origin + rest.served_by_origin,
        unmet_by_origin=demand - loyal.served_by_origin - rest.served_by_origin,
        place_flows=place_flows,
    )


class Market:
    """The quarterly market of all trade groups, with the state it carries between quarters.

    Per group: local public procurement (an intervention) goes first, to firms of the
    ordering district only; the energy-transition segment (Ausbau only) goes to firms by capacity x
    innovation, since heat pumps, PV and retrofits need know-how the least innovative firms
    lack; then loyal customers return to last quarter's suppliers; the rest is the open Huff
    market, where a firm's pull is its capacity times its relative price to the power
    ``-price_elasticity`` times its place's factor (balanced in the base year, ``calibrate``).
    """

    def __init__(
        self, minutes: np.ndarray, place_district: np.ndarray, half_times: np.ndarray, params
    ) -> None:
        self.params = params
        self.minutes, self.half_times = minutes, half_times
        # each group's reach cut-off in half-times: the configured one, widened by the base-year
        # calibration where the group's output cannot be sold within it (``calibrate``)
        self.reach_half_times = np.full(len(half_times), float(params.reach_half_times))
        self.kernels = [decay_kernel(minutes, ht, params.reach_half_times) for ht in half_times]
        self.same_district = place_district[:, None] == place_district[None, :]
        self.previous_flows: list[np.ndarray | None] = [None] * len(half_times)
        self.previous_revenue: np.ndarray | None = None
        # (P, G) place factors of the firms' pull, balanced in the base year (``calibrate``)
        self.place_factor = np.ones((len(place_district), len(half_times)))

    def calibrate(self, demand: np.ndarray, firms) -> None:
        """Balance the place factors so that base-year ``demand`` (place x group) buys each
        place's base output (:func:`balance`).

        Where a group's output cannot be sold within its reach (a place's sales stay more than
        ``BALANCED_WITHIN`` off its output), the group's reach is widened by one half-time at a
        time, up to ``MAX_REACH_HALF_TIMES``. This is the food trades' case: their half-time of
        8 minutes is a shopping trip, but their large bakeries and butchers sell through branch
        shops across the district [E] (seed 0: in the base year Oschatz's 8 food firms make
        4.0 M EUR a quarter, against 1.75 M EUR of food-craft demand within 24 minutes); with 3
        half-times a fifth of their firms started below the load at which firms shed staff,
        while others could not serve their customers. The reach used is ``reach_half_times``
        per group.
        """
        t = firms.table
        normal = firms.normal_output()  # prices are 1.0 in the base year
        n_places = demand.shape[0]
        for gi in range(demand.shape[1]):
            rows = np.flatnonzero(t.alive & (t.group == gi))
            output = np.bincount(t.place[rows], normal[rows], minlength=n_places)
            while True:
                factor, imbalance = balance(demand[:, gi], self.kernels[gi], output, output)
                if (
                    imbalance <= BALANCED_WITHIN
                    or self.reach_half_times[gi] >= MAX_REACH_HALF_TIMES
                ):
                    break
                self.reach_half_times[gi] += 1.0
                self.kernels[gi] = decay_kernel(
                    self.minutes, self.half_times[gi], self.reach_half_times[gi]
                )
            self.place_factor[:, gi] = factor

    def clear(
        self,
        demand: np.ndarray,
        segment_demand: np.ndarray,
        firms,
        local_demand: np.ndarray | None = None,
    ) -> dict:
        """Allocate ``demand`` (place x group) to ``firms`` (a CraftFirms).

        ``segment_demand`` (energy-transition work) and ``local_demand`` (local procurement,
        only for firms of the ordering district) are parts of ``demand`` allocated first.
        """
        t = firms.table
        mp = self.params
        capacity = firms.capacity()
        n = len(t)
        revenue, orders = np.zeros(n), np.zeros(n)
        served, unmet = np.zeros_like(demand), np.zeros_like(demand)
        previous = self.previous_revenue
        if previous is not None and len(previous) < n:
            previous = np.pad(previous, (0, n - len(previous)))
        for gi in range(demand.shape[1]):
            rows = np.flatnonzero(t.alive & (t.group == gi))
            place, cap = t.place[rows], capacity[rows].copy()
            factor = self.place_factor[place, gi]
            results: list[Allocation] = []

            open_demand = demand[:, gi].copy()
            parts = []  # (demand, kernel, pull) of the parts allocated before the open market
            if local_demand is not None and local_demand[:, gi].any():
                parts.append((local_demand[:, gi], self.kernels[gi] * self.same_district, None))
            if segment_demand[:, gi].any():
                parts.append((segment_demand[:, gi], self.kernels[gi], t.innovation[rows]))
            for part, kernel, weight in parts:
                pull = cap * factor if weight is None else cap * factor * weight
                results.append(
                    allocate(part, kernel, place, pull, cap.copy(), mp.market_rounds, flows=False)
                )
                cap -= results[-1].served_by_firm
                open_demand -= part
            # capacity is in EUR at the firm's price; the pull uses it at base prices, so the
            # price term alone carries the elasticity
            pull = factor * cap / t.price[rows] * t.price[rows] ** (-mp.price_elasticity)
            result = allocate_with_loyalty(
                open_demand,
                self.kernels[gi],
                place,
                pull,
                cap.copy(),
                mp.market_rounds,
                mp.loyal_share,
                self.previous_flows[gi],
                None if previous is None else previous[rows],
            )
            self.previous_flows[gi] = result.place_flows
            for r in [*results, result]:
                revenue[rows] += r.served_by_firm
                orders[rows] += r.orders_by_firm
                served[:, gi] += r.served_by_origin
                unmet[:, gi] += r.unmet_by_origin
        self.previous_revenue = revenue.copy()
        return {"revenue": revenue, "orders": orders, "served": served, "unmet": unmet}


def order_backlog_weeks(turnover: np.ndarray, capacity: np.ndarray, scale: float) -> np.ndarray:
    """Order backlog in weeks of output from capacity use ``rho = turnover / capacity``.

    A queue's waiting work grows as ``rho / (1 - rho)`` (M/M/1); ``scale`` is the weeks per
    unit of that ratio (``sim.market_checks.backlog_scale_weeks``: fitted to one ZDH survey
    quarter). ``rho`` is held below 0.98, where the formula's pole would make the indicator
    meaningless; it is a reading of the surveys' "Auftragsreichweite", not a state the
    model acts on.
    """
    rho = np.divide(turnover, capacity, out=np.zeros(len(turnover)), where=capacity > 0)
    rho = np.minimum(rho, 0.98)
    return scale * rho / (1.0 - rho)
