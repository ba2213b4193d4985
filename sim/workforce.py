"""The ages of the crafts' employees per cell: who retires when, and who is hired.

``WorkforceAges`` owns the ``(R, A)`` table of craft employees (staff other than the owner)
by single year of age, ages 0..100 as in ``sim.population``; the model's R rows are the
cells of the ``groups`` table (district x settlement type x trade group, ``sim.cells``), so
each trade group's staff ages with its own hires and retirements. The firm table stays the
owner of the head counts; this table holds their ages:

* at the start, each cell's employees are spread over ages 18+ like its district's labour supply
  (persons x participation by age): the crafts' age structure is taken to be the labour
  force's [E], alike in every trade group (no craft employee ages by district or trade group
  were found; ``craft_people.csv`` has national craft shares of 2003 and ~2015 and, as
  evidence only, a few occupations' shares over 55 of 2022-2023);
* each quarter a quarter of every single-year cohort has its birthday (the population's
  convention; cohorts blur a little, the mean age stays right), and of those the share that
  leaves the labour force at that birthday retires: ``1 - p(a+1) / p(a)`` from age 50, for the
  participation rate ``p`` by age smoothed over 5 years (the data come in bands;
  ``retirement_hazard``) [D]. The retirements are taken out of the cell's firms by
  ``sim.agents.firm_workforce.adjust_labour``;
* hires join at the ages of the district's labour supply weighted by a job mobility that
  halves every ``hire_age_halving_years`` from age 20 [E]; completers the firm keeps join at
  age 20; quits leave at the ages of the workforce weighted by the same mobility (who
  changes jobs into the crafts at an age also changes jobs out of them at that age);
* shedding, closures and start-ups change the head counts in the firm table; the age table
  is then rescaled to them (``reconcile``), keeping each cell's shape: those flows take all
  ages alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

COMPLETER_AGE = 20  # apprentices complete at 19-21 (three years from 16-18)
FIRST_WORKER_AGE = 18  # younger people in the crafts are apprentices, not employees


@dataclass(frozen=True)
class AgeRules:
    """The age conventions that move results (config ``model.firm``; ranges in
    ``docs/parameter_ranges.csv``): job mobility is highest up to ``mobility_from_age`` and
    halves every ``halving_years`` after; falls of participation before
    ``retirement_from_age`` are job changes, not retirements; participation, which comes in
    5- to 10-year bands, is smoothed over ``smoothing_years``."""

    halving_years: float = 15.0
    mobility_from_age: int = 20
    retirement_from_age: int = 50
    smoothing_years: int = 5

    @classmethod
    def from_params(cls, params) -> AgeRules:
        return cls(
            halving_years=params.hire_age_halving_years,
            mobility_from_age=params.hire_mobility_from_age,
            retirement_from_age=params.retirement_from_age,
            smoothing_years=params.participation_smoothing_years,
        )


def smooth_bands(participation: np.ndarray, width: int) -> np.ndarray:
    """``(..., A)`` participation by single year from banded rates: a centred moving average
    over ``width`` years, so a band edge becomes a slope instead of a cliff."""
    p = np.asarray(participation, dtype=float)
    # an even width has one more year of padding on the right, so the output keeps A ages
    left, right = (width - 1) // 2, width // 2
    padded = np.concatenate(
        [np.repeat(p[..., :1], left, axis=-1), p, np.repeat(p[..., -1:], right, axis=-1)],
        axis=-1,
    )
    kernel = np.ones(width) / width
    return np.apply_along_axis(lambda row: np.convolve(row, kernel, mode="valid"), -1, padded)


def retirement_hazard(participation: np.ndarray, rules: AgeRules = AgeRules()) -> np.ndarray:
    """``(..., A)`` share of those turning a+1 who leave the labour force at that birthday:
    the fall of the (band-smoothed) participation from age a to a+1, from
    ``rules.retirement_from_age`` (50) on."""
    p = smooth_bands(participation, rules.smoothing_years)
    nxt = np.concatenate([p[..., 1:], np.zeros(p.shape[:-1] + (1,))], axis=-1)
    out = np.divide(p - nxt, p, out=np.zeros_like(p), where=p > 0)
    out = np.clip(out, 0.0, 1.0)
    out[..., : rules.retirement_from_age] = 0.0  # earlier dips are job changes, not retirements
    return out


def job_mobility(n_ages: int, rules: AgeRules, max_age: int = 66) -> np.ndarray:
    """``(A,)`` relative chance of changing jobs by age: 1 up to ``rules.mobility_from_age``
    (20), halving every ``rules.halving_years`` after, none above ``max_age``."""
    ages = np.arange(n_ages)
    mobility = 0.5 ** (np.maximum(ages - rules.mobility_from_age, 0) / rules.halving_years)
    mobility[(ages > max_age) | (ages < FIRST_WORKER_AGE)] = 0.0
    return mobility


def hire_age_profile(labour_supply: np.ndarray, rules: AgeRules) -> np.ndarray:
    """``(D, A)`` shares of a district's hires by age: its labour supply by age times the job
    mobility by age."""
    w = labour_supply * job_mobility(labour_supply.shape[-1], rules)
    return w / np.maximum(w.sum(axis=-1, keepdims=True), 1e-12)


def age_summary(by_age: np.ndarray) -> dict[str, np.ndarray]:
    """``(R,)`` mean age and employees aged under 35 and 55+ of an ``(R, A)`` age table."""
    ages = np.arange(by_age.shape[1])
    total = by_age.sum(axis=1)
    return {
        "employees_mean_age": np.divide(
            by_age @ ages, total, out=np.zeros_like(total), where=total > 0
        ),
        "employees_under_35": by_age[:, :35].sum(axis=1),
        "employees_55plus": by_age[:, 55:].sum(axis=1),
    }


class WorkforceAges:
    """Args:
    employees: ``(R,)`` craft employees per row at the start.
    labour_supply: ``(D, A)`` persons x participation by age at the start.
    participation: ``(D, A)`` participation by age (the district's state).
    row_district: ``(R,)`` each row's district; by default the rows are the districts.
        The model keeps a row per cell of the ``groups`` table (``sim.cells``), so that a
        trade group that hires little ages and retires more than one that hires much.
    """

    def __init__(
        self,
        employees: np.ndarray,
        labour_supply: np.ndarray,
        participation: np.ndarray,
        rules: AgeRules,
        row_district: np.ndarray | None = None,
    ) -> None:
        n_d = labour_supply.shape[0]
        self.row_district = np.arange(n_d) if row_district is None else np.asarray(row_district)
        # (D, R) sums rows to their districts
        self._to_district = (self.row_district[None, :] == np.arange(n_d)[:, None]).astype(float)
        supply = labour_supply.copy()
        supply[:, :FIRST_WORKER_AGE] = 0.0  # the youngest in the labour force are apprentices
        shape = supply / np.maximum(supply.sum(axis=1, keepdims=True), 1e-12)
        self.start_shape = shape[self.row_district]
        self.by_age = employees[:, None] * self.start_shape
        self.hazard = retirement_hazard(participation, rules)[self.row_district]
        self.mobility = job_mobility(labour_supply.shape[1], rules)

    @property
    def n_rows(self) -> int:
        return self.by_age.shape[0]

    @property
    def n_districts(self) -> int:
        return self._to_district.shape[0]

    def to_districts(self, values: np.ndarray) -> np.ndarray:
        """``(D, ...)`` sums of per-row ``values`` ``(R, ...)`` over each district's rows."""
        return self._to_district @ values

    def retirements_due(self) -> np.ndarray:
        """``(R,)`` retirements this quarter's birthdays bring (the table unchanged)."""
        return (0.25 * self.by_age * self.hazard).sum(axis=1)

    def age_quarter(self) -> np.ndarray:
        """A quarter of each cohort has its birthday; returns ``(R,)`` retirements (expected
        numbers), already taken out of the table."""
        moving = 0.25 * self.by_age
        retiring = moving * self.hazard
        self.by_age -= moving
        self.by_age[:, 1:] += (moving - retiring)[:, :-1]
        return retiring.sum(axis=1)

    def hire(self, hires: np.ndarray, profile: np.ndarray) -> None:
        """``hires`` ``(R,)`` join at the ages of their district's ``profile`` ``(D, A)``."""
        self.by_age += hires[:, None] * profile[self.row_district]

    def quit(self, quits: np.ndarray) -> None:
        """``quits`` ``(R,)`` leave at the workforce's ages weighted by job mobility."""
        w = self.by_age * self.mobility
        share = np.divide(quits, w.sum(axis=1), out=np.zeros_like(quits), where=w.sum(axis=1) > 0)
        self.by_age -= np.minimum(w * share[:, None], self.by_age)

    def keep_completers(self, completers: np.ndarray) -> None:
        """Completers their training firm keeps ``(R,)`` join the staff at ``COMPLETER_AGE``."""
        self.by_age[:, COMPLETER_AGE] += completers

    def reconcile(self, employees: np.ndarray) -> None:
        """Rescale each row's ages to the firm table's head count ``(R,)``; a row that had
        no employees and now has some (a start-up in a cell without staff) takes its district's
        current age shape (its start shape if the district has none)."""
        total = self.by_age.sum(axis=1)
        empty = (total <= 0) & (employees > 0)
        if empty.any():
            district = self.to_districts(self.by_age)
            size = district.sum(axis=1, keepdims=True)
            shape = np.divide(district, size, out=np.zeros_like(district), where=size > 0)
            shape = shape[self.row_district[empty]]
            none = shape.sum(axis=1) <= 0
            shape[none] = self.start_shape[empty][none]
            self.by_age[empty] = employees[empty, None] * shape
        keep = ~empty
        self.by_age[keep] *= np.divide(
            employees[keep], total[keep], out=np.zeros(keep.sum()), where=total[keep] > 0
        )[:, None]

    def summary(self) -> dict[str, np.ndarray]:
        """``(R,)`` mean age and employees aged under 35 and 55+ per row."""
        return age_summary(self.by_age)

    def district_summary(self) -> dict[str, np.ndarray]:
        """``(D,)`` the same per district (for the district table)."""
        return age_summary(self.to_districts(self.by_age))
