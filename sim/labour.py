"""The crafts' labour market per district: the pool of workers firms may hire this quarter.

Base-year inflow scaled by the working-age population (fewer school leavers and more retirees
shrink it), plus a share of the workers the scenarios set free (coal job losers), plus
apprentices who completed elsewhere last quarter and stay in the region.
"""

from __future__ import annotations

import numpy as np


class LabourMarket:
    """Args:
    params: the firm parameters (``model.firm``: inflow, coal job losers, completers).
    base_employees: employees per district in the base year.
    base_working_age: working-age population per district in the base year.
    """

    def __init__(self, params, base_employees: np.ndarray, base_working_age: np.ndarray) -> None:
        self.params = params
        self.base_employees = base_employees
        self.base_working_age = base_working_age
        self.completers_to_pool = np.zeros(len(base_employees))

    def pool(self, working_age: np.ndarray, released: np.ndarray | None) -> np.ndarray:
        """Workers on offer to the crafts this quarter, per district."""
        fp = self.params
        index = working_age / self.base_working_age
        pool = fp.labour_inflow_per_year / 4.0 * self.base_employees * index
        if released is not None:
            pool += fp.coal_job_losers_to_crafts * released
        return pool + self.completers_to_pool

    def completers_leave_firms(self, leaving_by_district: np.ndarray) -> None:
        """Completers their training firm does not keep: part stays in the district's pool."""
        self.completers_to_pool = self.params.completers_stay_in_region * leaving_by_district
