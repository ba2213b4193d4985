"""Demographic change: households age, dissolve, form and migrate along the official projection.

Cohort-component in household form: heads age each quarter and households dissolve with an
age-dependent hazard (deaths, moves into care); then formation and migration close the gap to
the district's projected number of households for that quarter (the population projection of
the chosen variant divided by the district's household size, held at its base value). When the
district must shrink beyond what dissolution removes, young households in rural places leave
first (``young_leave_first``); growth arrives as young households in proportion to where
households live now.
"""

from __future__ import annotations

import numpy as np

from sim.agents.household import Households
from sim.datasets import DataError, load_demography
from sim.randomness import RandomStreams
from sim.region import Region
from sim.scenarios.base import ScenarioProcess
from sim.vocabulary import RURAL, year_of


class Demography(ScenarioProcess):
    """Args: cfg: ``scenario.demography``; households: the rows that age, dissolve and move;
    region: the places; streams: the run's random streams; start_quarter: the first quarter;
    dissolution_age_mid, new_household_head_age_mean: ``model.household`` parameters."""

    name = "demography"

    def __init__(
        self,
        cfg,
        households: Households,
        region: Region,
        streams: RandomStreams,
        start_quarter: int,
        dissolution_age_mid: float,
        new_household_head_age_mean: float,
    ) -> None:
        self.cfg = cfg
        self.households = households
        self.region = region
        self.streams = streams
        self.first_quarter = start_quarter
        self.dissolution_age_mid = dissolution_age_mid
        self.new_household_head_age_mean = new_household_head_age_mean
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
        self.base_households = households.summary()["households"]

    def index(self, quarter: int) -> np.ndarray:
        """Projected population relative to the base year, per modelled district."""
        year = year_of(quarter)
        start = year_of(self.first_quarter)
        out = []
        for d in self.region.districts["district_id"]:
            years, idx = self.paths[d]
            # the projection is relative to the data's base; re-anchor at the model start
            rel = np.interp(year, years, idx) / np.interp(start, years, idx)
            rel *= (1.0 - self.cfg.extra_decline_per_year) ** (year - start)
            out.append(rel)
        return np.array(out)

    def start_quarter(self, quarter: int) -> None:
        """Heads age; households dissolve, form and migrate towards the projected number."""
        hh = self.households
        t = hh.table
        rng = self.streams.for_quarter("demography", quarter)
        n = len(t)
        u = rng.random((2, n))
        hh.age(0.25)
        if not self.cfg.enabled:
            return
        # dissolution hazard per year: logistic in head age, 50 % at dissolution_age_mid
        hazard_year = 1.0 / (1.0 + np.exp(-(t.head_age - self.dissolution_age_mid) / 4.0))
        dissolved = u[0] < hazard_year / 4.0
        target = self.base_households * self.index(quarter + 1)
        keep = ~dissolved
        current = np.bincount(t.district[keep], t.weight[keep], minlength=len(target))
        gap = target - current  # households to add (>0) or remove (<0) per district
        for d in np.flatnonzero(gap < 0):
            rows = np.flatnonzero((t.district == d) & keep)
            n_leave = int(round(-gap[d] / float(t.weight[rows].mean()))) if len(rows) else 0
            if n_leave <= 0:
                continue
            # weighted sampling without replacement (Efraimidis-Spirakis keys); young rural
            # households are more likely to leave
            rural = self.region.place_settlement[t.place[rows]] == RURAL
            young_rural = (t.head_age[rows] < 35) & rural
            leave_weight = np.where(young_rural, self.cfg.young_leave_first, 1.0)
            key = np.log(np.maximum(u[1][rows], 1e-300)) / np.maximum(leave_weight, 1e-12)
            n_leave = min(n_leave, len(rows))
            leavers = rows[np.argpartition(-key, n_leave - 1)[:n_leave]]
            keep[leavers] = False
        hh.remove(np.flatnonzero(~keep))
        self._arrive(rng, np.maximum(gap, 0.0))

    def _arrive(self, rng: np.random.Generator, households: np.ndarray) -> None:
        hh = self.households
        t = hh.table
        w = hh.agent_weight
        per_place = np.bincount(t.place, t.weight, minlength=self.region.n_places)
        for d in np.flatnonzero(households > 0):
            n_new = rng.poisson(households[d] / w)
            if n_new == 0:
                continue
            places = np.flatnonzero(self.region.place_district == d)
            p = per_place[places] / per_place[places].sum()
            where = rng.choice(places, size=n_new, p=p)
            age = np.clip(rng.normal(self.new_household_head_age_mean, 5.0, n_new), 18.0, 60.0)
            hh.add(rng, where, age)
