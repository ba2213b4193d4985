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


@dataclass
class Allocation:
    served_by_firm: np.ndarray  # turnover booked per firm (same order as the firm arrays given)
    orders_by_firm: np.ndarray  # demand first addressed to each firm (before capacity limits)
    served_by_origin: np.ndarray  # per origin place
    unmet_by_origin: np.ndarray  # per origin place


def decay_kernel(minutes: np.ndarray, half_time_min: float, reach_half_times: float) -> np.ndarray:
    """``exp(-ln2 * minutes / half_time)`` within reach, 0 beyond it."""
    kernel = np.exp(-np.log(2.0) * minutes / half_time_min)
    kernel[minutes > reach_half_times * half_time_min] = 0.0
    return kernel


def allocate(
    demand: np.ndarray,
    kernel: np.ndarray,
    firm_place: np.ndarray,
    attractiveness: np.ndarray,
    capacity: np.ndarray,
    rounds: int,
) -> Allocation:
    """Allocate one trade group's demand (per origin place) to its firms.

    Args:
        demand: demand in EUR per origin place, shape (P,).
        kernel: distance decay between origin and destination places, shape (P, P).
        firm_place: place index of each firm, shape (F,).
        attractiveness: firm weight in the choice (0 for closed firms), shape (F,).
        capacity: EUR each firm can serve this quarter, shape (F,).
        rounds: how often unserved demand is re-offered to firms with spare capacity.
    """
    n_places = len(demand)
    remaining = demand.astype(np.float64).copy()
    spare = np.where(attractiveness > 0, capacity, 0.0).astype(np.float64)
    served_firm = np.zeros(len(firm_place))
    served_origin = np.zeros(n_places)
    orders_first = np.zeros(len(firm_place))
    for r in range(rounds):
        active = spare > 1e-9
        weight = np.where(active, attractiveness, 0.0)
        supply = np.bincount(firm_place, weight, minlength=n_places)  # S_p
        pull = kernel * supply[None, :]
        total_pull = pull.sum(axis=1)
        reachable = total_pull > 0
        share = np.divide(
            pull, total_pull[:, None], out=np.zeros_like(pull), where=reachable[:, None]
        )
        flow = remaining[:, None] * share  # origin x destination
        to_place = flow.sum(axis=0)
        per_weight = np.divide(to_place, supply, out=np.zeros(n_places), where=supply > 0)
        orders = per_weight[firm_place] * weight
        if r == 0:
            orders_first = orders.copy()
        served = np.minimum(orders, spare)
        served_at_place = np.bincount(firm_place, served, minlength=n_places)
        fill = np.divide(served_at_place, to_place, out=np.zeros(n_places), where=to_place > 0)
        got = flow @ fill
        served_origin += got
        remaining = np.maximum(remaining - got, 0.0)
        served_firm += served
        spare -= served
        if not (orders > spare + served + 1e-9).any() or remaining.sum() <= 1e-6:
            break
    return Allocation(served_firm, orders_first, served_origin, demand - served_origin)
