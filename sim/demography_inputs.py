"""From the shipped demographic data to the arrays the cohort model runs on.

Everything here is read from ``sim/data`` (sources in ``SOURCES_population.md`` and
``SOURCES_labour_owners.md``) and either taken as it is or derived by a stated method: base
persons by single year of age per district, the states' life tables (Gompertz hazards fitted
to life expectancy at birth and at 65), fertility by age, headship and labour-force
participation by age.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sim.cohorts import (
    N_AGES,
    fertility_schedule,
    fit_gompertz_level,
    gompertz_hazard,
    life_expectancy,
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
    young_adult_profile,
)

STATE_KEYS = {"Sachsen": "sachsen", "Sachsen-Anhalt": "sachsen_anhalt", "Thüringen": "thueringen"}
AGES = np.arange(N_AGES)
# head-age bands in which households follow persons x headship: the headship data's bands, the
# open 85+ band split so that the oldest heads follow the persons who survive
HEAD_AGE_EDGES = np.array([15, 25, 35, 45, 55, 65, 75, 85, 90, 95, N_AGES])


def state_of(districts: pd.DataFrame) -> list[str]:
    return [STATE_KEYS[s] for s in districts["state"]]


def base_persons(districts: pd.DataFrame) -> tuple[np.ndarray, int]:
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
            rows["age_from"].to_numpy(), rows["age_to"].to_numpy(), rows["persons"].to_numpy(float)
        )
        out[i] = ages * float(total) / ages.sum()
        years.append(year)
    return out, int(min(years))


def _latest(rows: pd.DataFrame) -> pd.Series:
    """The row of the latest period ('2021/2023' counts as 2023)."""
    end = rows["period"].astype(str).map(lambda p: max(int(y) for y in re.findall(r"\d{4}", p)))
    return rows.loc[end.idxmax()]


def life_table_hazards(districts: pd.DataFrame) -> tuple[np.ndarray, dict[str, tuple]]:
    """``(D, A)`` annual death hazards: each state's Gompertz life table, both sexes.

    Level and slope are fitted [D] so that the table has the state's life expectancy at birth
    and, where the data give it, at 65 (the mean of men's and women's values: a population of
    about equal numbers). Without e65 the slope is 0.095 a year [E], typical of German tables.
    Returns the hazards and, per state, (e0, e65 target, slope, level, e65 of the fit).
    """
    vital = load_vital_rates()
    fitted: dict[str, tuple] = {}
    for state in sorted(set(state_of(districts))):
        rows = vital[vital["state"] == state]
        e0 = _both_sexes(rows, "life_expectancy_birth")
        e65 = _both_sexes(rows, "life_expectancy_65")
        if e0 is None:
            raise DataError(f"vital_rates.csv has no life_expectancy_birth for {state}")
        best = None
        for slope in np.linspace(0.07, 0.13, 61) if e65 is not None else [0.095]:
            level = fit_gompertz_level(e0, slope)
            h = gompertz_hazard(level, slope, AGES)
            got65 = _remaining_life(h, 65)
            err = 0.0 if e65 is None else abs(got65 - e65)
            if best is None or err < best[0]:
                best = (err, slope, level, got65)
        _, slope, level, got65 = best
        fitted[state] = (e0, e65, slope, level, got65)
    hazards = np.array(
        [gompertz_hazard(fitted[s][3], fitted[s][2], AGES) for s in state_of(districts)]
    )
    return hazards, fitted


def _remaining_life(hazard: np.ndarray, age: int) -> float:
    return life_expectancy(hazard[age:])


def _both_sexes(rows: pd.DataFrame, measure: str) -> float | None:
    """Mean of the latest men's and women's value (or the latest both-sexes value)."""
    rows = rows[rows["measure"] == measure]
    if rows.empty:
        return None
    sexes = {s: _latest(g)["value"] for s, g in rows.groupby("sex")}
    if "m" in sexes and "f" in sexes:
        return (float(sexes["m"]) + float(sexes["f"])) / 2.0
    return float(next(iter(sexes.values())))


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
    persons, year = base_persons(districts)
    hazards, _ = life_table_hazards(districts)
    variant = getattr(cfg.variant, "value", cfg.variant)
    fertility = FertilityPath(districts, variant, cfg.fertility_mean_age, cfg.fertility_sd)
    gain, loss = migration_profiles(
        (districts["kind"] == "kreisfreie_stadt").to_numpy(),
        young_adult_profile(cfg.migration_peak_age, cfg.migration_peak_sd),
        family_profile(cfg.family_migration_parent_age, cfg.migration_peak_sd),
    )
    population = Population(
        persons, hazards, fertility.at(year + 1), cfg.female_share_of_fertile_ages, gain, loss
    )
    return population, fertility, year


def build_demography(districts: pd.DataFrame, cfg, households, region, streams, start_quarter):
    """The population by age and the demography scenario that moves it and the households
    (``cfg``: ``scenario.demography``). Returns (population, demography)."""
    from sim.scenarios.demography import Demography

    population, fertility, age_year = build_population(districts, cfg)
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
