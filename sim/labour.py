"""The crafts' labour market per district: the pool of workers firms may hire this quarter.

The pool fills through named flows, each reported per district and quarter:

* ``pool_from_supply``: the base year's inflow rate scaled by the district's labour supply
  (persons x labour-force participation by age, ``Population``): fewer and older people,
  fewer workers on offer. The base rate is the base year's leavers, quits
  (``model.firm.staff_quit_per_year``) plus the retirements its workforce's ages make due
  (``sim.workforce``), less the crafts' net loss to other sectors
  (``model.firm.pool_inflow_shortfall_per_year`` [F]: fitted so that craft persons fall in the
  model's first year as the official count did in its last counted year; the fit is 0);
* ``pool_from_coal``: a share of the workers the coal exit set free this quarter;
* ``pool_from_completers``: apprentices who completed last quarter, were not kept by their
  firm and stay in the region;
* ``pool_from_closed_firms``: employees of firms that closed last quarter who stay in the
  crafts (``model.firm.closed_firm_staff_stay_in_crafts``).

It drains through hires (one a quarter per firm that wants one, ``adjust_labour``); the firms
that want a worker and find none are the unfilled vacancies. Workers not hired this quarter
go to other sectors (the pool does not carry over): the crafts compete for them each quarter.
Employees leave through quits and retirements at their ages (``WorkforceAges``).

The crafts' employees (staff other than owners) change each quarter by the reported flows,
per district: ``hires + completers_kept + staff_of_startups - leavers - layoffs -
staff_of_closed_firms - staff_to_owner`` (``leavers``: quits and retirements as drawn in the
firms; ``retirements``: those the age table made due; ``layoffs``: idle firms' shedding;
``staff_to_owner``: employees who took over their retiring owner's firm).
"""

from __future__ import annotations

import numpy as np

from sim.workforce import AgeRules, WorkforceAges, hire_age_profile


class LabourMarket:
    """Args:
    params: the firm parameters (``model.firm``: quits, coal job losers, completers,
        staff of closed firms).
    base_employees: ``(R,)`` employees per row of the age table in the base year.
    supply_by_age: ``(D, A)`` labour supply by age in the base year (persons x participation).
    participation: ``(D, A)`` participation by age (retirements follow its fall with age).
    row_district: ``(R,)`` each row's district (the model's rows are the cells of the
        ``groups`` table, ``sim.cells``); by default the rows are the districts.

    The pool is per district (workers look for a job where they live, in any trade); the
    leavers, retirements, hires and kept completers are per row, so that each row's ages
    follow its own flows.
    """

    def __init__(
        self,
        params,
        base_employees: np.ndarray,
        supply_by_age: np.ndarray,
        participation: np.ndarray,
        row_district: np.ndarray | None = None,
    ) -> None:
        self.params = params
        self.base_labour_supply = supply_by_age.sum(axis=1)
        self.age_rules = AgeRules.from_params(params)
        self.workforce = WorkforceAges(
            base_employees, supply_by_age, participation, self.age_rules, row_district
        )
        workforce = self.workforce
        by_district = workforce.to_districts(base_employees)
        self.base_employees_by_district = by_district
        # per year: quits plus the base year's retirements as a share of its employees, less
        # the net loss to other sectors
        leavers_rate = params.staff_quit_per_year + 4.0 * np.divide(
            workforce.to_districts(workforce.retirements_due()),
            by_district,
            out=np.zeros_like(by_district),
            where=by_district > 0,
        )
        self.base_inflow_rate = np.maximum(
            leavers_rate - params.pool_inflow_shortfall_per_year, 0.0
        )
        self.completers_to_pool = np.zeros(workforce.n_districts)
        self.closed_firm_staff_to_pool = np.zeros(workforce.n_districts)

    def pool(self, labour_supply: np.ndarray, released: np.ndarray | None) -> dict[str, np.ndarray]:
        """Workers on offer to the crafts this quarter per district, by flow and in total."""
        fp = self.params
        index = labour_supply / self.base_labour_supply
        parts = {
            "pool_from_supply": self.base_inflow_rate
            / 4.0
            * self.base_employees_by_district
            * index,
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

    def age_and_leave_rate(self, employees: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Ages the workforce a quarter (call once a quarter): its birthdays retire part of
        it. ``employees``: ``(R,)`` per row. Returns ``(R,)`` the chance an employee leaves
        (quits plus the retirements due) and the retirements."""
        retired = self.workforce.age_quarter()
        rate = self.params.staff_quit_per_year / 4.0 + np.divide(
            retired, employees, out=np.zeros_like(retired), where=employees > 0
        )
        return rate, retired

    def hired(
        self, adjusted: dict, rows: np.ndarray, retired: np.ndarray, supply_by_age: np.ndarray
    ) -> None:
        """After hiring: each row's leavers beyond its retirements ``(R,)`` quit, its hires
        join at the ages of their district's ``supply_by_age`` ``(D, A)`` weighted by job
        mobility. ``adjusted``: ``adjust_labour``'s result (per firm); ``rows``: each firm's
        row of the age table."""
        n = self.workforce.n_rows
        leavers = np.bincount(rows, adjusted["leavers"], minlength=n)
        hires = np.bincount(rows[adjusted["hired"]], minlength=n).astype(float)
        self.workforce.quit(np.maximum(leavers - retired, 0.0))
        self.workforce.hire(hires, hire_age_profile(supply_by_age, self.age_rules))

    def completers(self, training: dict, rows: np.ndarray, district: np.ndarray) -> np.ndarray:
        """Completers their firm keeps join its staff; of those it does not keep, part stays
        in the district's pool. ``training``: ``train``'s result (per firm); ``rows`` and
        ``district``: each firm's row of the age table and district. Returns ``(D,)`` the
        completers kept."""
        retained = training["apprentice_retained"]
        kept = np.bincount(rows, retained, minlength=self.workforce.n_rows).astype(float)
        leaving = np.bincount(
            district,
            training["apprentice_completed"] - retained,
            minlength=self.workforce.n_districts,
        )
        self.workforce.keep_completers(kept)
        self.completers_to_pool = self.params.completers_stay_in_region * leaving
        return self.to_districts(kept)

    def settle(self, employees: np.ndarray) -> tuple[dict, dict]:
        """End of the quarter: the ages follow the firm table's head counts ``(R,)`` (shedding,
        closures, start-ups and employees who take over their firm take all ages alike);
        returns the ages' summary per district ``(D,)`` and per row ``(R,)``."""
        self.workforce.reconcile(employees)
        return self.workforce.district_summary(), self.workforce.summary()

    def to_districts(self, values: np.ndarray) -> np.ndarray:
        """``(D,)`` per-row ``values`` ``(R,)`` summed over each district's rows."""
        return self.workforce.to_districts(values)

    def firms_closed(self, employees_by_district: np.ndarray) -> None:
        """Employees of firms closed this quarter: part looks for craft work next quarter."""
        self.closed_firm_staff_to_pool = (
            self.params.closed_firm_staff_stay_in_crafts * employees_by_district
        )


def quarter_flows(
    pool: dict[str, np.ndarray],
    adjusted: dict[str, np.ndarray],
    district: np.ndarray,
    retired: np.ndarray,
) -> dict[str, np.ndarray]:
    """The quarter's labour flows per district ``(D,)``: the pool's parts, vacancies, hires,
    unfilled vacancies, retirements, leavers and layoffs. ``adjusted``: ``adjust_labour``'s
    result (per firm row); ``district``: each firm row's district."""
    n_d = len(retired)
    wanted = np.bincount(district[adjusted["wanted"]], minlength=n_d).astype(float)
    hires = adjusted["hires_by_district"].astype(float)
    return {
        **pool,
        "vacancies": wanted,
        "hires": hires,
        "unfilled_vacancies": wanted - hires,
        "retirements": retired,
        "leavers": np.bincount(district, adjusted["leavers"], minlength=n_d).astype(float),
        "layoffs": np.bincount(district[adjusted["shed"]], minlength=n_d).astype(float),
    }
