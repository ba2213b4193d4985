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

from typing import TYPE_CHECKING

import numpy as np

from sim.datasets import DataError, load_demography
from sim.vocabulary import RURAL, year_of

if TYPE_CHECKING:
    from sim.model import RegionModel


class Demography:
    def __init__(self, model: RegionModel) -> None:
        self.model = model
        self.cfg = model.cfg.scenario.demography
        data = load_demography()
        variant = getattr(self.cfg.variant, "value", self.cfg.variant)
        data = data[data["variant"] == variant]
        self.paths = {
            d: (g["year"].to_numpy(float), g["population_index"].to_numpy(float))
            for d, g in data.sort_values("year").groupby("district_id")
        }
        missing = set(model.region.districts["district_id"]) - set(self.paths)
        if missing:
            raise DataError(
                f"demography.csv has no variant '{self.cfg.variant}' path for {sorted(missing)}"
            )
        self.base_households = model.households.summary()["households"]

    def index(self, quarter: int) -> np.ndarray:
        """Projected population relative to the base year, per modelled district."""
        year = year_of(quarter)
        start = year_of(self.model.start_quarter)
        out = []
        for d in self.model.region.districts["district_id"]:
            years, idx = self.paths[d]
            # the projection is relative to the data's base; re-anchor at the model start
            rel = np.interp(year, years, idx) / np.interp(start, years, idx)
            rel *= (1.0 - self.cfg.extra_decline_per_year) ** (year - start)
            out.append(rel)
        return np.array(out)

    def step(self, quarter: int) -> None:
        m, hh = self.model, self.model.households
        t, hp = hh.table, m.params.household
        rng = m.streams.for_quarter("demography", quarter)
        n = len(t)
        u = rng.random((2, n))
        t.head_age[:] += 0.25
        hh.retire()
        if not self.cfg.enabled:
            return
        # dissolution hazard per year: logistic in head age, 50 % at dissolution_age_mid
        hazard_year = 1.0 / (1.0 + np.exp(-(t.head_age - hp.dissolution_age_mid) / 4.0))
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
            young_rural = (t.head_age[rows] < 35) & (
                m.region.place_settlement[t.place[rows]] == RURAL
            )
            leave_weight = np.where(young_rural, self.cfg.young_leave_first, 1.0)
            key = np.log(np.maximum(u[1][rows], 1e-300)) / np.maximum(leave_weight, 1e-12)
            n_leave = min(n_leave, len(rows))
            leavers = rows[np.argpartition(-key, n_leave - 1)[:n_leave]]
            keep[leavers] = False
        hh.remove(np.flatnonzero(~keep))
        self._arrive(rng, np.maximum(gap, 0.0))

    def _arrive(self, rng: np.random.Generator, households: np.ndarray) -> None:
        m, t = self.model, self.model.households.table
        w = float(m.cfg.households_per_agent)
        per_place = np.bincount(t.place, t.weight, minlength=m.region.n_places)
        for d in np.flatnonzero(households > 0):
            n_new = rng.poisson(households[d] / w)
            if n_new == 0:
                continue
            places = np.flatnonzero(m.region.place_district == d)
            p = per_place[places] / per_place[places].sum()
            where = rng.choice(places, size=n_new, p=p)
            age = np.clip(
                rng.normal(m.params.household.new_household_head_age_mean, 5.0, n_new), 18.0, 60.0
            )
            m.households.add(rng, where, age)
