"""From the shipped demographic data to the arrays the cohort model runs on.

Everything here is read from ``sim/data`` (sources in ``SOURCES_population.md`` and
``SOURCES_labour_owners.md``) and either taken as it is or derived by a stated method: base
persons by single year of age per district, the states' life tables (Gompertz hazards fitted
to each sex's life expectancy at birth and at 65, improving as the national projection
assumes), the women among the persons, fertility by age, the age pattern of migration gains,
headship and labour-force participation by age.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sim.cohorts import (
    N_AGES,
    fertility_schedule,
    fit_gompertz_levels,
    life_expectancies,
    split_bands,
)
from sim.datasets import (
    DataError,
    load_headship_rates,
    load_participation_rates,
    load_population_by_age,
    load_vital_rates,
)
from sim.population import (
    Population,
    band_weights,
    family_profile,
    migration_profiles,
    observed_gain_profile,
    young_adult_profile,
)

STATE_KEYS = {"Sachsen": "sachsen", "Sachsen-Anhalt": "sachsen_anhalt", "Thüringen": "thueringen"}
AGES = np.arange(N_AGES)
# head-age bands in which households follow persons x headship: the headship data's bands, the
# open 85+ band split so that the oldest heads follow the persons who survive
HEAD_AGE_EDGES = np.array([15, 25, 35, 45, 55, 65, 75, 85, 90, 95, N_AGES])


def state_of(districts: pd.DataFrame) -> list[str]:
    return [STATE_KEYS[s] for s in districts["state"]]


def base_persons(districts: pd.DataFrame, open_band_decline: float) -> tuple[np.ndarray, int]:
    """``(D, A)`` persons by single year of age, scaled to each district's population.

    The age structure is the district's (``population_by_age.csv``, both sexes, its latest
    year); the total is the district's population in ``districts.csv`` (the model's base). The
    single years are spread evenly within each five-year band [D]. Returns the array and the
    year of the age structure.
    """
    data = load_population_by_age()
    data = data[data["sex"] == "total"]
    out = np.zeros((len(districts), N_AGES))
    years = []
    for i, (d, total) in enumerate(
        zip(districts["district_id"], districts["population"], strict=True)
    ):
        rows = data[data["district_id"] == d]
        if rows.empty:
            raise DataError(f"population_by_age.csv has no rows for district {d!r}")
        year = int(rows["year"].max())
        rows = rows[rows["year"] == year].sort_values("age_from")
        ages = split_bands(
            rows["age_from"].to_numpy(),
            rows["age_to"].to_numpy(),
            rows["persons"].to_numpy(float),
            open_band_decline,
        )
        out[i] = ages * float(total) / ages.sum()
        years.append(year)
    return out, int(min(years))


def base_women(
    districts: pd.DataFrame, persons: np.ndarray, open_band_decline: float
) -> np.ndarray:
    """``(D, A)`` the women among ``persons``: each band's female share in
    ``population_by_age.csv`` (its latest year) [D], applied to the band's single years."""
    data = load_population_by_age()
    out = np.zeros_like(persons)
    for i, d in enumerate(districts["district_id"]):
        rows = data[data["district_id"] == d]
        rows = rows[rows["year"] == rows["year"].max()]
        by_sex = {}
        for sex in ("f", "total"):
            r = rows[rows["sex"] == sex].sort_values("age_from")
            if r.empty:
                raise DataError(f"population_by_age.csv has no '{sex}' rows for {d!r}")
            by_sex[sex] = split_bands(
                r["age_from"].to_numpy(),
                r["age_to"].to_numpy(),
                r["persons"].to_numpy(float),
                open_band_decline,
            )
        share = np.divide(
            by_sex["f"], by_sex["total"], out=np.full(N_AGES, 0.5), where=by_sex["total"] > 0
        )
        out[i] = persons[i] * share
    return out


def _latest(rows: pd.DataFrame) -> pd.Series:
    """The row of the latest period ('2021/2023' counts as 2023)."""
    end = rows["period"].astype(str).map(lambda p: max(int(y) for y in re.findall(r"\d{4}", p)))
    return rows.loc[end.idxmax()]


class LifeTables:
    """Each state's life table by sex for any year: Gompertz hazards whose slope is fitted [D]
    to the sex's latest life expectancy at 65 (0.095 a year [E] without one) and whose level
    gives its life expectancy at birth, which rises from the table's middle year by the
    national projection's moderate assumption (Destatis 15. kBV, L2: Germany's e0 from the
    2019/2021 table to 2070, per year [D]) in every state [E].
    """

    SEXES = ("m", "f")

    def __init__(self, districts: pd.DataFrame) -> None:
        vital = load_vital_rates()
        self.states = state_of(districts)
        self.gain = {sex: _gain_per_year(vital, sex) for sex in self.SEXES}
        self.keys = [(s, sex) for s in sorted(set(self.states)) for sex in self.SEXES]
        e0, middle, e65 = [], [], []
        for state, sex in self.keys:
            rows = vital[(vital["state"] == state) & (vital["sex"] == sex)]
            e0_rows = rows[rows["measure"] == "life_expectancy_birth"]
            if e0_rows.empty:
                raise DataError(f"vital_rates.csv has no {sex} life_expectancy_birth for {state}")
            latest = _latest(e0_rows)
            e65_rows = rows[rows["measure"] == "life_expectancy_65"]
            e0.append(float(latest["value"]))
            middle.append(_middle_year(latest["period"]))
            e65.append(float(_latest(e65_rows)["value"]) if len(e65_rows) else np.nan)
        self.e0_base, self.middle = np.array(e0), np.array(middle)
        self.slope = _slopes(self.e0_base, np.array(e65))
        self._rows = {sex: [self.keys.index((s, sex)) for s in self.states] for sex in self.SEXES}
        self._cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def e0(self, year: float) -> np.ndarray:
        """Life expectancy at birth per (state, sex) of ``keys`` in ``year``."""
        gain = np.array([self.gain[sex] for _, sex in self.keys])
        return self.e0_base + gain * (year - self.middle)

    def __call__(self, year: int) -> tuple[np.ndarray, np.ndarray]:
        """``(D, A)`` annual hazards of men and of women in ``year`` (the year's middle)."""
        if year not in self._cache:
            levels = fit_gompertz_levels(self.e0(year + 0.5), self.slope)
            tables = levels[:, None] * np.exp(self.slope[:, None] * (AGES + 0.5))
            self._cache[year] = (tables[self._rows["m"]], tables[self._rows["f"]])
        return self._cache[year]


def _slopes(e0: np.ndarray, e65: np.ndarray) -> np.ndarray:
    """Per table, the Gompertz slope (0.07 .. 0.13) whose table, its level fitted to ``e0``,
    has life expectancy ``e65`` at 65; 0.095 where ``e65`` is missing (nan)."""
    grid = np.linspace(0.07, 0.13, 61)
    levels = fit_gompertz_levels(e0[:, None], grid[None, :])
    tables = levels[..., None] * np.exp(grid[None, :, None] * (AGES + 0.5))
    error = np.abs(life_expectancies(tables[..., 65:]) - e65[:, None])
    best = grid[np.argmin(np.nan_to_num(error, nan=0.0), axis=1)]
    return np.where(np.isnan(e65), 0.095, best)


def _middle_year(period: str) -> float:
    """'2022/2024' -> 2023.5 (the middle of its three years); '2023' -> 2023.5."""
    years = [int(y) for y in re.findall(r"\d{4}", str(period))]
    return (min(years) + max(years) + 1) / 2.0


def _gain_per_year(vital: pd.DataFrame, sex: str) -> float:
    """Years of life expectancy at birth gained a year in Germany's projection: its 2070
    assumption minus the base table's value, per year between their middle years."""
    rows = vital[
        (vital["state"] == "deutschland")
        & (vital["measure"] == "life_expectancy_birth")
        & (vital["sex"] == sex)
    ]
    base = rows[rows["variant"].astype(str) == "actual"]
    target = rows[rows["variant"].astype(str) == "official_mid"]
    if base.empty or target.empty:
        return 0.0  # no projection assumption: the latest table is held
    b, t = _latest(base), _latest(target)
    years = _middle_year(t["period"]) - _middle_year(b["period"])
    return (float(t["value"]) - float(b["value"])) / years


def settler_profile() -> np.ndarray:
    """``(A,)`` who moves into the districts: Sachsen-Anhalt's net migration gains by age
    band (``net_migration_<from>_<to>`` rows of ``vital_rates.csv``) [S]."""
    vital = load_vital_rates()
    bands = vital["measure"].str.extract(r"^net_migration_(\d+)_(\d+)$").dropna()
    if bands.empty:
        raise DataError("vital_rates.csv has no net_migration_<from>_<to> rows")
    rows = vital.loc[bands.index]
    return observed_gain_profile(
        bands[0].astype(int).to_numpy(),
        bands[1].astype(int).to_numpy(),
        rows["value"].to_numpy(float),
    )


class FertilityPath:
    """Births per woman and year by age, per district, for any year: the state's TFR path on a
    normal age schedule [E].

    The TFR is the current projection's assumption for the variant where the data have one
    (Sachsen's 8th RBV: its start value in 2022 rising linearly to its long-run value in 2030),
    else the state's latest observed value, held (an older edition's assumption is not used).
    """

    def __init__(self, districts: pd.DataFrame, variant: str, mean_age: float, sd: float) -> None:
        vital = load_vital_rates()
        self.states = state_of(districts)
        self.shape = fertility_schedule(1.0, mean_age, sd)
        self.points: dict[str, tuple[list[float], list[float]]] = {}
        for state in sorted(set(self.states)):
            rows = vital[(vital["state"] == state) & (vital["measure"] == "tfr")]
            if rows.empty:
                raise DataError(f"vital_rates.csv has no tfr for {state}")
            older = rows["note"].astype(str).str.contains("OLDER EDITION")
            of_variant = rows[(rows["variant"].astype(str) == variant) & ~older]
            if len(of_variant):
                years = [_first_year(p) for p in of_variant["period"]]
                values = of_variant["value"].astype(float).tolist()
                order = np.argsort(years)
                self.points[state] = ([years[k] for k in order], [values[k] for k in order])
            else:
                actual = rows[rows["variant"].astype(str) == "actual"]
                latest = _latest(actual if len(actual) else rows)
                self.points[state] = ([2000.0], [float(latest["value"])])

    def tfr(self, year: float) -> dict[str, float]:
        return {s: float(np.interp(year, *p)) for s, p in self.points.items()}

    def at(self, year: float) -> np.ndarray:
        """``(D, A)`` births per woman and year by age in ``year``."""
        tfr = self.tfr(year)
        return np.array([tfr[s] * self.shape for s in self.states])


def _first_year(period: str) -> float:
    """'2022' -> 2022; '2030+' -> 2030; '2014-2020->2030' -> 2014."""
    return float(re.findall(r"\d{4}", str(period))[0])


def _schedule(data: pd.DataFrame, column: str) -> np.ndarray:
    """Per-age values from band rows: rows without a value and all-ages check rows are
    skipped; narrower bands overwrite wider ones."""
    data = data[data[column].notna() & ~((data["age_from"] <= 0) & (data["age_to"] >= 99))]
    data = data.assign(width=data["age_to"] - data["age_from"]).sort_values(
        ["width", "age_from"], ascending=[False, True]
    )
    values = data[column].to_numpy(float)
    if column == "rate" and values.max() > 1.5:  # rates given per 100
        values = values / 100.0
    return band_weights(data["age_from"].to_numpy(), data["age_to"].to_numpy(), values)


def headship_by_age(area: str | None = None) -> np.ndarray:
    """``(A,)`` households per person by the head's age (0 below 15): the state's own rates
    where the data have them, else the first area listed."""
    data = load_headship_rates()
    if area is not None and (data["area"] == area).any():
        data = data[data["area"] == area]
    else:
        data = data[data["area"] == data["area"].iloc[0]]
    latest = data["year"].max()
    return _schedule(data[data["year"] == latest], "headship_rate")


def participation_by_age(state: str) -> np.ndarray:
    """``(A,)`` labour-force participation by age for a state (its own rates where the data
    have them, else the first area listed, e.g. Germany)."""
    data = load_participation_rates()
    data = data[data["sex"].isin(["total", "all"])]
    part = data[data["measure"] == "participation"]
    data = part if len(part) else data
    own = data[data["area"] == state]
    data = own if len(own) else data[data["area"] == data["area"].iloc[0]]
    latest = data["year"].max()
    return _schedule(data[data["year"] == latest], "rate")


def build_population(districts: pd.DataFrame, cfg) -> tuple[Population, FertilityPath, int]:
    """The districts' persons by age with their states' life tables and fertility.

    ``cfg``: ``scenario.demography`` (variant, fertility schedule, migration age pattern).
    Returns the population, its fertility path and the year-end of its age structure.
    """
    persons, year = base_persons(districts, cfg.oldest_band_decline)
    tables = LifeTables(districts)
    men, women = tables(year + 1)
    variant = getattr(cfg.variant, "value", cfg.variant)
    fertility = FertilityPath(districts, variant, cfg.fertility_mean_age, cfg.fertility_sd)
    gain, loss = migration_profiles(
        (districts["kind"] == "kreisfreie_stadt").to_numpy(),
        young_adult_profile(cfg.migration_peak_age, cfg.migration_peak_sd),
        family_profile(
            cfg.family_migration_parent_age,
            cfg.migration_peak_sd,
            cfg.family_children_weight,
            cfg.family_children_decay_years,
        ),
        settler_profile(),
    )
    population = Population(
        persons,
        (men + women) / 2.0,  # not used: each sex has its own table
        fertility.at(year + 1),
        0.5,  # the one-table fallback's share of women: not used, births come from the women
        gain,
        loss,
        women=base_women(districts, persons, cfg.oldest_band_decline),
        life_tables=tables,
        year=year + 1,
    )
    return population, fertility, year


def build_demography(districts: pd.DataFrame, cfg, households, region, streams, start_quarter):
    """The population by age and the demography scenario that moves it and the households
    (``cfg``: ``scenario.demography``). Returns (population, demography)."""
    from sim.scenarios.demography import Demography

    population, fertility, age_year = build_population(districts, cfg)
    # a run that starts before the age structure's year (the hindcast) moves it from its start:
    # the life tables' clock starts there too (later starts step from the data's year)
    population.year = min(population.year, start_quarter / 4.0)
    demography = Demography(
        cfg,
        population,
        households,
        region,
        streams,
        start_quarter,
        np.array([headship_by_age(s) for s in state_of(districts)]),
        districts["households"].to_numpy(float),
        HEAD_AGE_EDGES,
        age_year,
        fertility,
    )
    return population, demography
