"""Households: the region's ~1 M households as a column store (one row per household agent).

With ``households_per_agent = w`` each row stands for ``w`` households (its ``weight``); w = 1
is the 1:1 model. Households are not individual Mesa objects: a million Python objects would
cost gigabytes and make every quarter a Python loop, while their behaviour (income, spending by
trade group, ageing, retirement, job loss) is the same rule for all of them and vectorises. The
demography scenario decides which rows form, dissolve and migrate, the coal exit which heads
hold and lose coal jobs; ``Households`` writes every column (the one owner of the table).
"""

from __future__ import annotations

import numpy as np

from sim.agents.table import ColumnTable
from sim.region import Region

# employment of the household head
OTHER, COAL_DIRECT, COAL_DEPENDENT, RETIRED = 0, 1, 2, 3
EMPLOYMENT = ("other", "coal_direct", "coal_dependent", "retired")

# Head-of-household age distribution, Neue Laender [E]: a judgement from the age pyramid of
# Sachsen-Anhalt and Sachsen (median age ~48-50) until a Zensus 2022 household table is shipped.
HEAD_AGE_BINS = np.array([20, 30, 40, 50, 60, 70, 80, 95])
HEAD_AGE_SHARES = np.array([0.12, 0.15, 0.14, 0.18, 0.19, 0.13, 0.09])

# every column is written only by the methods of ``Households`` named after it
HOUSEHOLD_COLUMNS = {
    "place": np.int32,  # populate, add
    "district": np.int16,  # populate, add
    "weight": np.float64,  # populate, add: households this row stands for
    "size": np.int8,  # populate, add
    "head_age": np.float32,  # populate, add, age
    "employment": np.int8,  # populate, add, retire, take_coal_jobs, reemploy
    "jobless": bool,  # retire, lose_coal_jobs, reemploy
    "coal_site": np.int16,  # retire, take_coal_jobs, reemploy: -1 if not tied to a coal site
    "income_factor": np.float64,  # populate, add, reemploy: income relative to the mean
    "income": np.float64,  # refresh_income: net income per month, EUR
}


class Households:
    """All household agents and their vectorised behaviour.

    Args:
        params: the household parameters (``model.household``).
        region: the places (households per place follow population / household size).
        persons_per_household: mean household size per district (data).
        households_per_agent: the weight of a new row (1 = every household an agent).
        jobless_income_replacement: income of a head who lost a coal job, share of the former.
    """

    def __init__(
        self,
        params,
        region: Region,
        persons_per_household: np.ndarray,
        households_per_agent: float,
        jobless_income_replacement: float,
    ) -> None:
        self.params = params
        self.region = region
        self.persons_per_household = persons_per_household
        self.agent_weight = float(households_per_agent)
        self.jobless_income_replacement = jobless_income_replacement
        self.income_scale = 1.0  # set by ``normalise_income``
        self.table = ColumnTable(HOUSEHOLD_COLUMNS, capacity=1024)

    def populate(self, rng: np.random.Generator) -> None:
        """Create households per place so each place's weighted count matches the data."""
        places = self.region.places
        w = self.agent_weight
        pph = self.persons_per_household[self.region.place_district]
        hh_place = (places["population"] / pph).to_numpy(dtype=float)
        n_agents = np.maximum(np.rint(hh_place / w).astype(np.int64), (hh_place > 0).astype(int))
        weight_place = np.divide(
            hh_place, n_agents, out=np.zeros_like(hh_place), where=n_agents > 0
        )
        place = np.repeat(np.arange(len(places)), n_agents)
        self.table.append(
            place=place,
            district=places["district_idx"].to_numpy()[place],
            weight=weight_place[place],
            coal_site=-1,
            **self._new_heads(rng, len(place), place),
        )
        self.refresh_income()

    def _new_heads(
        self, rng: np.random.Generator, n: int, place: np.ndarray, age: np.ndarray | None = None
    ) -> dict[str, np.ndarray]:
        hp = self.params
        if age is None:
            bins = rng.choice(len(HEAD_AGE_SHARES), size=n, p=HEAD_AGE_SHARES)
            age = rng.uniform(HEAD_AGE_BINS[bins], HEAD_AGE_BINS[bins + 1])
        pph = self.persons_per_household[self.region.place_district[place]]
        # size: 1 + Poisson(pph - 1) gives the district's mean household size
        size = np.minimum(1 + rng.poisson(np.maximum(pph - 1.0, 0.0)), 8)
        sigma = hp.income_dispersion
        factor = np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2)
        return {
            "size": size,
            "head_age": age,
            "employment": np.where(age >= hp.retirement_age, RETIRED, OTHER),
            "income_factor": factor,
        }

    def add(self, rng: np.random.Generator, place: np.ndarray, age: np.ndarray) -> None:
        """New households (formation or in-migration) at the given places."""
        self.table.append(
            place=place,
            district=self.region.place_district[place],
            weight=self.agent_weight,
            coal_site=-1,
            **self._new_heads(rng, len(place), place, age=age),
        )

    def remove(self, rows: np.ndarray) -> None:
        mask = np.ones(len(self.table), dtype=bool)
        mask[rows] = False
        self.table.keep(mask)

    # ---- behaviour ----------------------------------------------------------------------------
    def refresh_income(self) -> None:
        """Monthly net income from the head's status; coal jobs pay more, job loss costs."""
        t, hp = self.table, self.params
        # income relative to the mean, by employment code (OTHER, COAL_DIRECT, ...)
        ratio = np.ones(len(EMPLOYMENT))
        ratio[RETIRED] = hp.retired_income_ratio
        ratio[COAL_DIRECT] = hp.coal_income_ratio
        status = ratio[t.employment]
        jobless = np.flatnonzero(t.jobless)  # the few who lost a coal job
        former = np.where(t.employment[jobless] == COAL_DIRECT, hp.coal_income_ratio, 1.0)
        status[jobless] = former * self.jobless_income_replacement
        income = t.income  # a view of the column: write in place
        np.multiply(t.income_factor, self.income_scale, out=income)
        np.multiply(income, status, out=income)

    def normalise_income(self) -> None:
        """Scale incomes so the weighted mean equals the configured regional mean."""
        t = self.table
        mean = float((t.income * t.weight).sum() / t.weight.sum())
        self.income_scale = self.params.income_eur_month / mean
        self.refresh_income()

    def age(self, years: float = 0.25) -> None:
        """Heads age (a quarter by default) and those reaching retirement age retire."""
        self.table.head_age[:] += years
        self.retire()

    def retire(self) -> None:
        """Heads reaching retirement age leave work (and any coal job with it)."""
        t = self.table
        newly = (t.employment != RETIRED) & (t.head_age >= self.params.retirement_age)
        t.employment[newly] = RETIRED
        t.jobless[newly] = False
        t.coal_site[newly] = -1

    def take_coal_jobs(self, rows: np.ndarray, kind: int, site: int) -> None:
        """Heads in ``rows`` take a job (COAL_DIRECT or COAL_DEPENDENT) tied to coal ``site``."""
        self.table.employment[rows] = kind
        self.table.coal_site[rows] = site

    def lose_coal_jobs(self, site: int) -> np.ndarray:
        """The site closes: its workers become jobless. Returns households released per district."""
        t = self.table
        losing = t.coal_site == site
        t.jobless[losing] = True
        return np.bincount(
            t.district[losing], t.weight[losing], minlength=len(self.region.districts)
        )

    def reemploy(self, found: np.ndarray, income_ratio: float) -> None:
        """Jobless heads in ``found`` (a mask) find other work; ex-lignite workers earn less."""
        t = self.table
        was_direct = found & (t.employment == COAL_DIRECT)
        t.income_factor[was_direct] *= self.params.coal_income_ratio * income_ratio
        t.employment[found] = OTHER
        t.coal_site[found] = -1
        t.jobless[found] = False

    def spending(self) -> np.ndarray:
        """Quarterly consumption spending in EUR per household row (weighted)."""
        t, hp = self.table, self.params
        return t.income * 3.0 * hp.consumption_share * t.weight

    def by_place(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.table.place, values, minlength=self.region.n_places)

    def summary(self) -> dict[str, np.ndarray]:
        """Per-district totals of the current state, computed in one pass over the rows.

        The model takes this once per quarter after households have changed (demography, coal
        exit, income), so demand, the labour pool and the metrics do not each re-scan a
        million rows.
        """
        t = self.table
        district = t.district.astype(np.intp)
        n = len(self.region.districts)
        persons = t.weight * t.size
        working = t.head_age < self.params.retirement_age
        return {
            "households": np.bincount(district, t.weight, minlength=n),
            "population": np.bincount(district, persons, minlength=n),
            "working_age_population": np.bincount(district, persons * working, minlength=n),
            "income_month": np.bincount(district, t.income * t.weight, minlength=n),
            **self._coal_summary(district, n),
        }

    def _coal_summary(self, district: np.ndarray, n: int) -> dict[str, np.ndarray]:
        """Coal jobs and job losses per district, counted over the few rows concerned."""
        t = self.table
        rows = np.flatnonzero(
            (t.employment == COAL_DIRECT) | (t.employment == COAL_DEPENDENT) | t.jobless
        )
        d, w, emp, jobless = district[rows], t.weight[rows], t.employment[rows], t.jobless[rows]
        return {
            "coal_direct_jobs": np.bincount(d, w * ((emp == COAL_DIRECT) & ~jobless), minlength=n),
            "coal_dependent_jobs": np.bincount(
                d, w * ((emp == COAL_DEPENDENT) & ~jobless), minlength=n
            ),
            "coal_jobless_households": np.bincount(d, w * jobless, minlength=n),
        }
