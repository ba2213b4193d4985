"""Coal exit: lignite sites close on their statutory or planned dates (shifted by variant).

Three channels, all set off by a site's closure:

1. **Jobs and incomes where the workers live.** At start, each open site's direct jobs
   (``coal_sites.csv``, ``model_direct_jobs``) go to working households around the site
   (commuting gravity over the travel-time matrix); the multiplier's indirect and induced jobs go
   to households around the site and around the direct workers' homes
   (``sim.scenarios.coal_multiplier``). When the site closes these households lose the job:
   income falls to the replacement rate until they find new work
   (``reemployment_rate_per_quarter``), former lignite workers at a lower wage. Their lower
   spending is lower craft demand where they live.
2. **The site's own orders to craft firms** (maintenance, construction, vehicles): the site's
   regional orders (``model_regional_orders_eur``: MIBRAG's reported volume, per job for the
   other operators; ``sim/data/SOURCES_coal.md``) times ``orders_craft_share``, as business
   demand at the site's place.
3. The workers set free join the labour pool (``released_workers``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.agents.household import COAL_DEPENDENT, COAL_DIRECT, OTHER, Households
from sim.datasets import DataError, load_coal_sites
from sim.randomness import RandomStreams
from sim.region import Region, haversine_km
from sim.scenarios.base import ScenarioProcess
from sim.scenarios.coal_multiplier import commute_pull, induced_pull, multiplier_jobs
from sim.vocabulary import parse_quarter

# EUR a year of orders each site places with firms in the region (sim/data/SOURCES_coal.md)
ORDERS = "model_regional_orders_eur"


def orders_mix(kfz_share: float) -> dict[str, float]:
    """The sites' craft orders by trade group (share of their craft spending) [E]: Kfz
    ``kfz_share``, the rest in equal parts to construction (Bauhaupt, Ausbau) and plant
    maintenance (gewerblicher Bedarf), which dominate."""
    rest = (1.0 - kfz_share) / 3
    return {"bauhaupt": rest, "ausbau": rest, "gewerblicher_bedarf": rest, "kfz": kfz_share}


class CoalExit(ScenarioProcess):
    """Args: cfg: ``scenario.coal_exit``; households: whose heads hold and lose the jobs;
    region: the places; streams: the run's random streams; start_quarter: the first quarter;
    retirement_age: heads within ``cfg.hire_min_years_to_retirement`` of it get no new coal
    job."""

    name = "coal_exit"

    def __init__(
        self,
        cfg,
        households: Households,
        region: Region,
        streams: RandomStreams,
        start_quarter: int,
        retirement_age: float,
    ) -> None:
        self.cfg = cfg
        self.households = households
        self.region = region
        self.streams = streams
        self.retirement_age = retirement_age
        self.mix = orders_mix(cfg.orders_kfz_share)
        sites = load_coal_sites()
        if ORDERS not in sites.columns:
            raise DataError(f"coal_sites.csv lacks the column {ORDERS} (regional orders per site)")
        sites = sites[sites["district_id"].isin(region.districts["district_id"])]
        sites = sites[sites["model_direct_jobs"].fillna(0) > 0].reset_index(drop=True)
        sites[ORDERS] = sites[ORDERS].fillna(0.0)
        closure = pd.to_datetime(sites["model_closure_date"], errors="coerce")
        # a site closing on 31 Dec of year Y is gone from Q1 of Y+1
        q = [
            parse_quarter(f"{d.year}Q{(d.month - 1) // 3 + 1}") + 1 if pd.notna(d) else 10**6
            for d in closure
        ]
        shift = int(round(self.cfg.closure_shift_years * 4))
        sites["closure_quarter"] = np.array(q) + (shift if self.cfg.enabled else 10**6)
        places = region.places
        km = haversine_km(
            sites["lat"].to_numpy()[:, None],
            sites["lon"].to_numpy()[:, None],
            places["lat"].to_numpy()[None, :],
            places["lon"].to_numpy()[None, :],
        )
        # the nearest place of the site's own district (the district is the site's data; the
        # nearest place overall may lie across a border, e.g. Profen's in Landkreis Leipzig)
        other = (
            places["district_id"].to_numpy()[None, :] != sites["district_id"].to_numpy()[:, None]
        )
        sites["place"] = np.where(other, np.inf, km).argmin(axis=1) if len(sites) else []
        self.sites = sites
        # sites already closed before the model starts carry no jobs and no demand
        self.closed = sites["closure_quarter"].to_numpy() <= start_quarter
        self.released = np.zeros(len(region.districts))  # this quarter, by district
        self.closed_now: list[str] = []  # site ids closed this quarter

    def assign_workers(self, rng: np.random.Generator) -> None:
        """Give each open site's direct, indirect and induced jobs to households.

        Direct jobs of every site are drawn first, so that the direct workers (and all that
        follows from them) are the same households whatever the multiplier: arms that differ
        only in the multiplier share their random numbers up to the multiplier's own draws.
        """
        hh, cfg = self.households, self.cfg
        minutes = self.region.minutes
        half = cfg.commute_half_time_min
        open_sites = [s for s in range(len(self.sites)) if not self.closed[s]]
        place = self.sites["place"].to_numpy()
        jobs = self.sites["model_direct_jobs"].to_numpy(float)
        for s in open_sites:
            self._hire(rng, s, COAL_DIRECT, jobs[s], commute_pull(minutes[place[s]], half))
        for s in open_sites:
            indirect, induced = multiplier_jobs(
                jobs[s], cfg.indirect_jobs_per_direct_job, cfg.induced_share
            )
            self._hire(rng, s, COAL_DEPENDENT, indirect, commute_pull(minutes[place[s]], half))
            homes = hh.coal_jobs_by_place(s, COAL_DIRECT)
            self._hire(rng, s, COAL_DEPENDENT, induced, induced_pull(homes, minutes, half))

    def _hire(
        self, rng: np.random.Generator, site: int, kind: int, jobs: float, place_pull: np.ndarray
    ) -> None:
        """``Poisson(jobs / w)`` working households, drawn with probability proportional to
        ``place_pull`` of their place, take a ``kind`` job at ``site``."""
        t = self.households.table
        last_age = self.retirement_age - self.cfg.hire_min_years_to_retirement
        eligible = (t.employment == OTHER) & (t.head_age < last_age)
        w = place_pull[t.place] * eligible
        n_agents = rng.poisson(jobs / self.households.agent_weight)
        if n_agents == 0 or w.sum() == 0:
            return
        size = min(n_agents, int((w > 0).sum()))
        rows = rng.choice(len(t), size=size, replace=False, p=w / w.sum())
        self.households.take_coal_jobs(rows, kind, site)

    def business_demand(self) -> dict[str, np.ndarray]:
        """Craft demand of the open sites per trade group and place (EUR per quarter): the
        craft share of each site's regional orders, at the site's place."""
        n_places = self.region.n_places
        out = {g: np.zeros(n_places) for g in self.mix}
        orders = self.sites[ORDERS].to_numpy(float)
        for s, site in self.sites.iterrows():
            if self.closed[s]:
                continue
            total = orders[s] * self.cfg.orders_craft_share / 4.0
            for g, share in self.mix.items():
                out[g][site["place"]] += total * share
        return out

    def exogenous_demand(self, quarter: int) -> dict[str, dict[str, np.ndarray]]:
        return {"business": self.business_demand()}

    def released_workers(self) -> np.ndarray:
        return self.released

    def start_quarter(self, quarter: int) -> None:
        """Close sites due this quarter (their ids in ``closed_now``); re-employ some of those
        who lost their job."""
        hh = self.households
        t = hh.table
        rng = self.streams.for_quarter("coal_exit", quarter)
        u = rng.random(len(t))
        # re-employment first, so a job lost this quarter is not found again in the same one
        found = t.jobless & (u < self.cfg.reemployment_rate_per_quarter)
        hh.reemploy(found, self.cfg.reemployment_income_ratio)
        closing = np.flatnonzero(
            ~self.closed & (self.sites["closure_quarter"].to_numpy() <= quarter)
        )
        self.released = np.zeros(len(self.released))
        for s in closing:
            self.closed[s] = True
            self.released += hh.lose_coal_jobs(s)
        self.closed_now = list(self.sites.loc[closing, "site_id"])
