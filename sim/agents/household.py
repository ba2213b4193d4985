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

# heads of households are at least this old (headship rates start at 15)
MIN_HEAD_AGE = 15

# every column is written only by the methods of ``Households`` named after it
HOUSEHOLD_COLUMNS = {
    "place": np.int32,  # populate, add (align adds and removes rows; remove drops them)
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

    def populate(self, rng: np.random.Generator, head_age_weights: np.ndarray) -> None:
        """Create households per place so each place's weighted count matches the data.

        ``head_age_weights``: ``(D, A)`` the district's households by the head's single year
        of age (persons x headship rate), from which each head's age is drawn.
        """
        places = self.region.places
        w = self.agent_weight
        pph = self.persons_per_household[self.region.place_district]
        hh_place = (places["population"] / pph).to_numpy(dtype=float)
        n_agents = np.maximum(np.rint(hh_place / w).astype(np.int64), (hh_place > 0).astype(int))
        weight_place = np.divide(
            hh_place, n_agents, out=np.zeros_like(hh_place), where=n_agents > 0
        )
        place = np.repeat(np.arange(len(places)), n_agents)
        district = places["district_idx"].to_numpy()[place]
        self.table.append(
            place=place,
            district=district,
            weight=weight_place[place],
            coal_site=-1,
            **self._new_heads(rng, len(place), place, draw_ages(rng, head_age_weights, district)),
        )
        self.refresh_income()

    def _new_heads(
        self, rng: np.random.Generator, n: int, place: np.ndarray, age: np.ndarray
    ) -> dict[str, np.ndarray]:
        hp = self.params
        pph = self.persons_per_household[self.region.place_district[place]]
        # size: 1 + Poisson(pph - 1) gives the district's mean household size
        size = np.minimum(1 + rng.poisson(np.maximum(pph - 1.0, 0.0)), hp.max_household_size)
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

    def align(
        self,
        rng: np.random.Generator,
        target: np.ndarray,
        band_edges: np.ndarray,
        place_weights: np.ndarray,
        head_age_weights: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Dissolve and form households so that each district x head-age band holds its target.

        Args:
            rng: this quarter's demography stream.
            target: ``(D, B)`` households wanted per district and head-age band.
            band_edges: ``(B + 1,)`` head-age band edges (the last one open-ended).
            place_weights: ``(P,)`` where new households of a district settle (its places'
                current households).
            head_age_weights: ``(D, A)`` households by the head's single year of age (persons
                x headship): a new head's age is drawn from it within the band.

        Rows of a band with too many households dissolve at random (deaths, moves into care
        or in with others, out-migration), each with the probability that removes the surplus
        in expectation; bands with too few get ``Poisson(deficit / w)`` new households, heads
        aged evenly within the band, at the district's places. Returns (dissolved, formed) per
        district, in households.
        """
        t = self.table
        n_d, n_b = target.shape
        band = age_band(t.head_age, band_edges)
        cell = t.district.astype(np.int64) * n_b + band
        current = np.bincount(cell, t.weight, minlength=n_d * n_b)
        gap = target.ravel() - current
        # dissolution: each row of a cell with a surplus leaves with the cell's probability,
        # which removes the surplus in expectation (one pass over the rows; sorting the rows
        # to pick exact numbers cost 0.3 s a quarter at 1:1)
        p_out = np.divide(-gap, current, out=np.zeros(n_d * n_b), where=(gap < 0) & (current > 0))
        leaving = np.flatnonzero(rng.random(len(t)) < p_out[cell])
        dissolved = np.bincount(t.district[leaving], t.weight[leaving], minlength=n_d)
        self.remove(leaving)
        # formation: Poisson numbers of new rows per cell with a deficit
        n_new = rng.poisson(np.maximum(gap, 0.0) / self.agent_weight)
        cells = np.repeat(np.arange(n_d * n_b), n_new)
        if len(cells) == 0:
            return dissolved, np.zeros(n_d)
        district, b = np.divmod(cells, n_b)
        # the head's age within the band, by single year from persons x headship
        ages = np.arange(head_age_weights.shape[1])
        in_band = (ages[None, :] >= band_edges[:-1][:, None]) & (
            ages[None, :] < band_edges[1:][:, None]
        )
        age = draw_age_per_row(rng, head_age_weights[district] * in_band[b])
        place = np.empty(len(cells), dtype=np.int64)
        for d in np.unique(district):
            at = np.flatnonzero(self.region.place_district == d)
            w = place_weights[at]
            rows = district == d
            place[rows] = rng.choice(at, size=int(rows.sum()), p=w / w.sum())
        self.add(rng, place, age)
        formed = np.bincount(district, minlength=n_d) * self.agent_weight
        return dissolved, formed

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

    def coal_jobs_by_place(self, site: int, kind: int) -> np.ndarray:
        """Households per place whose head holds a ``kind`` job (COAL_DIRECT, ...) at ``site``:
        where the site's workers live (and spend their wages)."""
        t = self.table
        holds = (t.coal_site == site) & (t.employment == kind) & ~t.jobless
        return np.bincount(t.place[holds], t.weight[holds], minlength=self.region.n_places)

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
        exit, income), so demand and the metrics do not each re-scan a million rows. Persons
        are counted by ``Population`` (by age), not here.
        """
        t = self.table
        district = t.district.astype(np.intp)
        n = len(self.region.districts)
        households = np.bincount(district, t.weight, minlength=n)
        return {
            "households": households,
            "retired_households": np.bincount(
                district, t.weight * (t.employment == RETIRED), minlength=n
            ),
            "mean_head_age": np.divide(
                np.bincount(district, t.weight * t.head_age, minlength=n),
                households,
                out=np.zeros(n),
                where=households > 0,
            ),
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


def age_band(age: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Each age's band (``edges``: ``(B + 1,)``, the first band taking younger ages, the last
    open-ended). Whole-year edges are looked up by the age's year, which is several times
    faster than a binary search over a million rows; other edges are searched."""
    n_b = len(edges) - 1
    whole_years = np.all(np.isfinite(edges) & (edges == np.round(edges)))
    if whole_years and len(age) and age.min() >= 0:
        years = np.arange(int(max(age.max(), edges[-1])) + 1)
        of_year = np.clip(np.searchsorted(edges, years, side="right") - 1, 0, n_b - 1)
        return of_year[age.astype(np.intp)]
    return np.clip(np.searchsorted(edges, age, side="right") - 1, 0, n_b - 1)


def draw_ages(rng: np.random.Generator, weights: np.ndarray, district: np.ndarray) -> np.ndarray:
    """A head's age for every row of ``district``, drawn from ``weights[district]`` ``(D, A)``
    (by single year, then evenly within the year)."""
    age = np.empty(len(district))
    u = rng.random(len(district))
    within = rng.random(len(district))
    cdf = np.cumsum(weights, axis=1)
    cdf /= np.maximum(cdf[:, -1:], 1e-300)
    for d in np.unique(district):
        rows = district == d
        age[rows] = np.searchsorted(cdf[d], u[rows], side="right") + within[rows]
    return age


def draw_age_per_row(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One age per row of ``weights`` (``(R, A)`` by single year of age), evenly within the
    year (for the few thousand households formed in a quarter)."""
    cdf = np.cumsum(weights, axis=1)
    cdf /= np.maximum(cdf[:, -1:], 1e-300)
    year = (cdf < rng.random(len(weights))[:, None]).sum(axis=1)
    return np.minimum(year, weights.shape[1] - 1) + rng.random(len(weights))
