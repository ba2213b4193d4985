"""Demographic change: persons age, are born, die and move; households follow the persons.

Each quarter the cohort-component ``Population`` (``sim/population.py``) moves the persons of
every district by single year of age along the official projection's total for the chosen
variant (net migration fitted to the total, its age pattern young adults); then households
dissolve and form so that every district x head-age band holds its persons x headship rate
(``headship_rates.csv``): the heads' ages follow the population's, so an ageing district gets
older heads and more retired households. When the scenario is off, the population stays at
its base-year state and household heads only grow older.
"""

from __future__ import annotations

import numpy as np

from sim.agents.household import Households
from sim.datasets import DataError, load_demography
from sim.population import Population
from sim.randomness import RandomStreams
from sim.region import Region
from sim.scenarios.base import ScenarioProcess
from sim.vocabulary import year_of


class Demography(ScenarioProcess):
    """Args:
    cfg: ``scenario.demography``.
    population: persons by district and age (moved here each quarter).
    households: the rows that dissolve and form.
    region: the places; streams: the run's random streams; start_quarter: the first quarter.
    headship: ``(D, A)`` households per person by the head's age (the district's state's
        schedule).
    households_at_start: ``(D,)`` households per district at the start (data); each district's
        schedule is scaled to reproduce them [F].
    band_edges: head-age bands in which households are aligned to their target.
    age_structure_year: the year-end of ``population``'s age structure; it is moved along the
        projection to the start quarter, then scaled to the districts' population at the start.
    fertility: the fertility path (``FertilityPath``: ``at(year)`` -> ``(D, A)``), or None to
        keep the population's fertility fixed.
    """

    name = "demography"

    def __init__(
        self,
        cfg,
        population: Population,
        households: Households,
        region: Region,
        streams: RandomStreams,
        start_quarter: int,
        headship: np.ndarray,
        households_at_start: np.ndarray,
        band_edges: np.ndarray,
        age_structure_year: int,
        fertility=None,
    ) -> None:
        self.cfg = cfg
        self.population = population
        self.households = households
        self.region = region
        self.streams = streams
        self.first_quarter = start_quarter
        self.band_edges = band_edges
        self.fertility = fertility
        data = load_demography()
        variant = getattr(self.cfg.variant, "value", self.cfg.variant)
        data = data[data["variant"] == variant]
        self.paths = {
            d: (g["year"].to_numpy(float), g["population_index"].to_numpy(float))
            for d, g in data.sort_values("year").groupby("district_id")
        }
        missing = set(region.districts["district_id"]) - set(self.paths)
        if missing:
            raise DataError(f"demography.csv has no variant '{variant}' path for {sorted(missing)}")
        start_total = population.total.copy()
        self._advance_to_start(age_structure_year)
        population.rescale(start_total)
        self.base_total = population.total.copy()
        # headship per district: the data's schedule scaled to the district's households [F]
        scale = households_at_start / (population.persons * headship).sum(axis=1)
        self.headship = scale[:, None] * headship
        self.dissolved = np.zeros(len(self.base_total))  # households this quarter
        self.formed = np.zeros(len(self.base_total))

    def _path(self, year: float) -> np.ndarray:
        """The projection's population index per district at a decimal year (data's base 1).

        A projection's figure for year Y is the population at 31.12.Y, i.e. at decimal Y + 1.
        """
        return np.array(
            [np.interp(year - 1.0, *self.paths[d]) for d in self.region.districts["district_id"]]
        )

    def index(self, quarter: int) -> np.ndarray:
        """Projected population relative to the model start, per modelled district."""
        year, start = year_of(quarter), year_of(self.first_quarter)
        rel = self._path(year) / self._path(start)  # re-anchored at the model start
        return rel * (1.0 - self.cfg.extra_decline_per_year) ** (year - start)

    def _advance_to_start(self, age_structure_year: int) -> None:
        """Move the data's age structure (end of ``age_structure_year``) quarter by quarter
        along the projection to the model's start, so the start has its ageing."""
        first = (age_structure_year + 1) * 4
        base = self.population.total.copy()
        for q in range(first, self.first_quarter):
            rel = self._path(year_of(q + 1)) / self._path(year_of(first))
            self._set_fertility(q)
            self.population.step(base * rel)

    def _set_fertility(self, quarter: int) -> None:
        if self.fertility is not None:
            self.population.set_fertility(self.fertility.at(year_of(quarter)))

    def head_age_weights(self) -> np.ndarray:
        """``(D, A)`` households by the head's single year of age: persons x headship."""
        return self.population.persons * self.headship

    def household_targets(self) -> np.ndarray:
        """``(D, B)`` households wanted per district and head-age band: persons x headship."""
        by_age = self.head_age_weights()
        edges = np.clip(self.band_edges, 0, by_age.shape[1]).astype(int)
        return np.add.reduceat(by_age, edges[:-1], axis=1)

    def start_quarter(self, quarter: int) -> None:
        """Heads age; persons move a quarter; households dissolve and form to match them."""
        hh = self.households
        rng = self.streams.for_quarter("demography", quarter)
        hh.age(0.25)
        if not self.cfg.enabled:
            return
        self._set_fertility(quarter)
        self.population.step(self.base_total * self.index(quarter + 1))
        t = hh.table
        place_weights = np.bincount(t.place, t.weight, minlength=self.region.n_places)
        self.dissolved, self.formed = hh.align(
            rng, self.household_targets(), self.band_edges, place_weights, self.head_age_weights()
        )
