"""Coal exit: lignite sites close on their statutory or planned dates (shifted by variant).

At start, each open site's direct jobs (``coal_sites.csv``, ``model_direct_jobs``) and the
regional indirect jobs (``indirect_jobs_per_direct_job`` per direct job) are given to working
households living around the site (commuting gravity over the travel-time matrix). When the site
closes, these households lose the job: income falls to the replacement rate until they find new
work (``reemployment_rate_per_quarter``), at a lower wage than in lignite. The site's own demand
for craft services (maintenance, construction, vehicles) ends on the same date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.agents.household import COAL_DEPENDENT, COAL_DIRECT, OTHER, Households
from sim.datasets import load_coal_sites
from sim.randomness import RandomStreams
from sim.region import Region, haversine_km
from sim.scenarios.base import ScenarioProcess
from sim.vocabulary import parse_quarter

# business demand of the coal sector by trade group (share of its craft spending) [E]:
# construction and plant maintenance dominate; see docs/ODD.md
COAL_DEMAND_MIX = {"bauhaupt": 0.3, "ausbau": 0.3, "gewerblicher_bedarf": 0.3, "kfz": 0.1}


class CoalExit(ScenarioProcess):
    """Args: cfg: ``scenario.coal_exit``; households: whose heads hold and lose the jobs;
    region: the places; streams: the run's random streams; start_quarter: the first quarter;
    retirement_age: heads within 5 years of it get no new coal job."""

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
        sites = load_coal_sites()
        sites = sites[sites["district_id"].isin(region.districts["district_id"])]
        sites = sites[sites["model_direct_jobs"].fillna(0) > 0].reset_index(drop=True)
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
        sites["place"] = km.argmin(axis=1) if len(sites) else []
        self.sites = sites
        # sites already closed before the model starts carry no jobs and no demand
        self.closed = sites["closure_quarter"].to_numpy() <= start_quarter
        self.released = np.zeros(len(region.districts))  # this quarter, by district
        self.closed_now: list[str] = []  # site ids closed this quarter

    def assign_workers(self, rng: np.random.Generator) -> None:
        """Give each open site's direct and indirect jobs to households around it."""
        t = self.households.table
        minutes = self.region.minutes
        for s, site in self.sites.iterrows():
            if self.closed[s]:
                continue
            pull = np.exp(
                -np.log(2) * minutes[site["place"]][t.place] / self.cfg.commute_half_time_min
            )
            for kind, jobs in (
                (COAL_DIRECT, site["model_direct_jobs"]),
                (COAL_DEPENDENT, site["model_direct_jobs"] * self.cfg.indirect_jobs_per_direct_job),
            ):
                eligible = (t.employment == OTHER) & (t.head_age < self.retirement_age - 5)
                w = pull * eligible
                n_agents = rng.poisson(jobs / self.households.agent_weight)
                if n_agents == 0 or w.sum() == 0:
                    continue
                rows = rng.choice(
                    len(t), size=min(n_agents, int(eligible.sum())), replace=False, p=w / w.sum()
                )
                self.households.take_coal_jobs(rows, kind, s)

    def business_demand(self) -> dict[str, np.ndarray]:
        """Craft demand of the open sites per trade group and place (EUR per quarter)."""
        n_places = self.region.n_places
        out = {g: np.zeros(n_places) for g in COAL_DEMAND_MIX}
        for s, site in self.sites.iterrows():
            if self.closed[s]:
                continue
            total = site["model_direct_jobs"] * self.cfg.craft_demand_per_direct_job_eur / 4.0
            for g, share in COAL_DEMAND_MIX.items():
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
