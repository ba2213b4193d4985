"""Nominal cost paths and the craft price rule: prices follow unit costs and scarcity.

Pure array functions plus one small class that holds the paths of a run. Every money figure of
the model is nominal; the base year (the run's first quarter) has every index at 1.0, so values
"at base-year prices" are the nominal ones divided by the matching index.

* ``CostPaths``: the wage index W, the input price index M and the consumer price index G per
  quarter, from annual growth rates (``model.costs``).
* ``unit_cost``: a firm's unit cost index, its base-year cost shares weighting W, M and G
  (the surplus -- owner's income and capital -- is indexed to consumer prices).
* ``target_price`` and ``adjust_price``: a firm's price moves a share of the way each quarter
  towards its unit cost times a scarcity factor ``((1 + u) / 2) ** kappa``, where ``u`` is its
  orders relative to its normal output. The factor is 1 at normal use, smooth, positive for
  any ``u >= 0``, and needs no cap: an idle firm (u = 0) asks ``2 ** -kappa`` of its cost.
* ``hindcast``: the same rule on observed annual cost paths (used by ``sim.market_checks``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CostPaths:
    """Nominal indices per quarter since the base quarter (1.0 there).

    Args are annual growth rates: wages (W), craft inputs (M: materials, energy, services
    bought) and consumer prices (G, the general price level households and budgets face).
    """

    wage_growth: float
    input_growth: float
    consumer_growth: float

    @staticmethod
    def _index(growth: float, quarters: np.ndarray | float) -> np.ndarray | float:
        return (1.0 + growth) ** (np.asarray(quarters, dtype=float) / 4.0)

    def at(self, quarters_since_base: int) -> tuple[float, float, float]:
        """``(W, M, G)`` in the given quarter (0 = the base quarter)."""
        q = quarters_since_base
        return (
            float(self._index(self.wage_growth, q)),
            float(self._index(self.input_growth, q)),
            float(self._index(self.consumer_growth, q)),
        )


def cost_weights(input_share: np.ndarray, surplus_share: float) -> np.ndarray:
    """Base-year cost shares of turnover, shape ``(n, 3)``: labour, inputs, surplus.

    ``input_share``: inputs per EUR of turnover, per firm or group (``trade_groups.csv``);
    ``surplus_share``: owner's income and capital cost as a share of value added.
    """
    inputs = np.asarray(input_share, dtype=float)
    value_added = 1.0 - inputs
    return np.stack(
        [value_added * (1.0 - surplus_share), inputs, value_added * surplus_share], axis=-1
    )


def unit_cost(weights: np.ndarray, wage: float, inputs: float, consumer: float) -> np.ndarray:
    """Unit cost index per row of ``weights`` (1.0 in the base year)."""
    return weights @ np.array([wage, inputs, consumer])


def target_price(cost: np.ndarray, utilisation: np.ndarray, kappa: float) -> np.ndarray:
    """Unit cost times the scarcity factor ``((1 + u) / 2) ** kappa`` (``u >= 0``)."""
    u = np.maximum(np.asarray(utilisation, dtype=float), 0.0)
    return cost * ((1.0 + u) / 2.0) ** kappa


def adjust_price(price: np.ndarray, target: np.ndarray, speed: float) -> np.ndarray:
    """Move ``speed`` of the way from ``price`` to ``target`` (a quarter's revision)."""
    return price + speed * (target - price)


def hindcast(
    wage_growth: np.ndarray,
    input_growth: np.ndarray,
    consumer_growth: np.ndarray,
    utilisation: np.ndarray,
    weights: np.ndarray,
    kappa: float,
    speed: float,
) -> np.ndarray:
    """Annual price changes (%) the rule gives on observed annual paths.

    All arrays are per year (same length Y): annual growth rates of W, M, G (shares, e.g.
    0.031) and the year's orders relative to normal output. ``weights``: one row of
    :func:`cost_weights`. Quarters within a year share the year's growth (geometric) and
    utilisation; the price starts at its target in year 0, whose change is not returned.
    Returns the Y - 1 annual-average price changes in %.
    """
    years = len(wage_growth)
    index = np.ones(3)
    price = None
    annual = []
    for y in range(years):
        quarterly = (1.0 + np.array([wage_growth[y], input_growth[y], consumer_growth[y]])) ** 0.25
        prices = []
        for _ in range(4):
            index = index * quarterly
            target = float(target_price(weights @ index, utilisation[y], kappa))
            price = target if price is None else float(adjust_price(price, target, speed))
            prices.append(price)
        annual.append(np.mean(prices))
    annual = np.asarray(annual)
    return 100.0 * (annual[1:] / annual[:-1] - 1.0)
