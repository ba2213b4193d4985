"""The crafts' labour market per district: the pool of workers firms may hire this quarter.

The pool fills through named flows, each reported per district and quarter:

* ``pool_from_supply``: the base year's inflow rate (``model.firm.labour_inflow_per_year`` of
  the base year's employees) scaled by the district's labour supply (persons x labour-force
  participation by age, ``Population``): fewer and older people, fewer workers on offer;
* ``pool_from_coal``: a share of the workers the coal exit set free this quarter;
* ``pool_from_completers``: apprentices who completed last quarter, were not kept by their
  firm and stay in the region;
* ``pool_from_closed_firms``: employees of firms that closed last quarter who stay in the
  crafts (``model.firm.closed_firm_staff_stay_in_crafts``).

It drains through hires (one a quarter per firm that wants one, ``adjust_labour``); the firms
that want a worker and find none are the unfilled vacancies. Workers not hired this quarter
go to other sectors (the pool does not carry over): the crafts compete for them each quarter.
"""

from __future__ import annotations

import numpy as np


class LabourMarket:
    """Args:
    params: the firm parameters (``model.firm``: inflow, coal job losers, completers,
        staff of closed firms).
    base_employees: employees per district in the base year.
    base_labour_supply: labour supply per district in the base year.
    """

    def __init__(self, params, base_employees: np.ndarray, base_labour_supply: np.ndarray) -> None:
        self.params = params
        self.base_employees = base_employees
        self.base_labour_supply = base_labour_supply
        self.completers_to_pool = np.zeros(len(base_employees))
        self.closed_firm_staff_to_pool = np.zeros(len(base_employees))

    def pool(self, labour_supply: np.ndarray, released: np.ndarray | None) -> dict[str, np.ndarray]:
        """Workers on offer to the crafts this quarter per district, by flow and in total."""
        fp = self.params
        index = labour_supply / self.base_labour_supply
        parts = {
            "pool_from_supply": fp.labour_inflow_per_year / 4.0 * self.base_employees * index,
            "pool_from_coal": (
                np.zeros(len(index))
                if released is None
                else fp.coal_job_losers_to_crafts * released
            ),
            "pool_from_completers": self.completers_to_pool,
            "pool_from_closed_firms": self.closed_firm_staff_to_pool,
        }
        parts["labour_pool"] = sum(parts.values())
        return parts

    def completers_leave_firms(self, leaving_by_district: np.ndarray) -> None:
        """Completers their training firm does not keep: part stays in the district's pool."""
        self.completers_to_pool = self.params.completers_stay_in_region * leaving_by_district

    def firms_closed(self, employees_by_district: np.ndarray) -> None:
        """Employees of firms closed this quarter: part looks for craft work next quarter."""
        self.closed_firm_staff_to_pool = (
            self.params.closed_firm_staff_stay_in_crafts * employees_by_district
        )
