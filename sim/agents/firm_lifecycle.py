"""The firm life cycle: the base-year firm population, owners' succession, exits, start-ups.

Decides which firms are founded, handed over and closed; the firm table is written through
``CraftFirms.found``, ``CraftFirms.hand_over`` and ``CraftFirms.close``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy.stats import norm

from sim.agents.base_firms import largest_remainder, lognormal_sizes, stratified_uniform
from sim.agents.firms import CraftFirms
from sim.datasets import load_owner_age_anchors
from sim.entrant_pools import ages_from_weights
from sim.firm_ages import base_firm_ages, young_firm_hazard, young_firm_share
from sim.owner_ages import (
    OwnerAgeBounds,
    anchors_nearest,
    base_age_density,
    base_age_fit,
    base_ages,
    exit_age_above,
)
from sim.randomness import RandomStreams
from sim.vocabulary import (
    CLOSURE_EVENTS,
    STARTUPS,
    SUCCESSION_EVENTS,
    SUCCESSION_EXTERNAL,
    SUCCESSION_FROM_STAFF,
    SUCCESSION_ROUTES,
    TRADE_GROUPS,
)

# a lever's say in one retiring owner's case: (row, route probabilities) -> probabilities
SuccessionSupport = Callable[[int, dict[str, float]], dict[str, float]]


class FirmLifecycle:
    """Founding, succession and exit of craft firms.

    Args:
        firms: the firm table's owner (new rows and closures go through it).
        districts: ``districts.csv`` rows of the modelled districts (firm counts, sizes,
            apprentices, owners 60+).
        place_population: population per place; place_district: district index per place.
        firm_urban_tilt: firms per place ~ population ** tilt within a district.
        streams: the run's named random streams.
        start_quarter: the first simulated quarter (base-year firms are founded before it).
        succession_match_gain: ``model.transfer.succession_match_gain``.
    """

    def __init__(
        self,
        firms: CraftFirms,
        districts: pd.DataFrame,
        place_population: np.ndarray,
        place_district: np.ndarray,
        firm_urban_tilt: float,
        streams: RandomStreams,
        start_quarter: int,
        succession_match_gain: float,
    ) -> None:
        self.firms = firms
        self.params = firms.params
        self.districts = districts
        self.place_population = place_population
        self.place_district = place_district
        self.firm_urban_tilt = firm_urban_tilt
        self.streams = streams
        self.start_quarter = start_quarter
        self.succession_match_gain = succession_match_gain
        self.apprentice_intake_rate = np.zeros(len(districts))
        self.base_firms_dg = np.zeros(0)
        self.base_demand_dg: np.ndarray | None = None  # set from the first quarter's demand

    # ---- the base year --------------------------------------------------------------------
    def populate(self, rng: np.random.Generator) -> None:
        """The registered firms of each district, with sizes, owners and apprentices from data.

        Also fits the apprentice intake per firm of mean size and year so that the district's
        stock is in steady state: stock = intake / (completion + dropout).
        """
        fp = self.params
        d, g = self.districts, self.firms.groups
        share, rel = g["share_of_firms"].to_numpy(float), g["persons_per_firm_rel"].to_numpy(float)
        rel_norm = rel / (share * rel).sum()
        cols: dict[str, list] = defaultdict(list)
        # the chambers' owner shares of the year nearest the start (sim.owner_ages); kept for
        # the calibration report
        self.owner_anchors = anchors_nearest(load_owner_age_anchors(), self.start_quarter // 4)
        bounds = OwnerAgeBounds.from_params(fp)
        owner_age_fits = {
            c: base_age_fit(a, bounds.youngest) for c, a in self.owner_anchors.groupby("chamber")
        }
        for di, row in d.iterrows():
            n_by_group = largest_remainder(int(row["craft_firms"]), share)
            group = np.repeat(np.arange(len(TRADE_GROUPS)), n_by_group)
            in_d = np.flatnonzero(self.place_district == di)
            w = self.place_population[in_d] ** self.firm_urban_tilt
            place = rng.choice(in_d, size=len(group), p=w / w.sum())
            mean_staff = float(row["persons_per_firm"]) * rel_norm[group]
            staff = lognormal_sizes(
                mean_staff,
                group,
                stratified_uniform(rng, len(group)),
                fp.firm_size_sigma,
                fp.firm_size_cap,
            ).astype(int)
            # owner ages from the chamber's skew-normal (60+, 65+ and mean, sim.owner_ages)
            fit = owner_age_fits[row["chamber"]]
            age = base_ages(fit, stratified_uniform(rng, len(group)), bounds)
            cols["district"].append(np.full(len(group), di))
            cols["group"].append(group)
            cols["place"].append(place)
            cols["staff"].append(staff)
            cols["owner_age"].append(age)
            cols["owner_density"].append(base_age_density(fit, age, bounds.youngest))
            appr = np.zeros(len(group), dtype=int)
            if len(group):
                appr = rng.multinomial(int(row["apprentices"]), staff / staff.sum())
            cols["apprentices"].append(appr)
        c = {k: np.concatenate(v) for k, v in cols.items()}
        n = len(c["group"])
        founded = self.start_quarter - self._base_firm_ages(c["owner_age"], c["owner_density"])
        # an owner in office has not retired yet: the exit age is drawn from the exit-age
        # distribution above the owner's age (inverse CDF of the truncated normal)
        retire = exit_age_above(
            c["owner_age"],
            rng.random(n),
            fp.retirement_age_mean,
            fp.retirement_age_sd,
            fp.exit_age_floor,
        )
        innovation = rng.beta(fp.innovation_beta_a, fp.innovation_beta_b, n)
        sigma = fp.productivity_dispersion
        base = self.firms.group_productivity(c["district"], c["group"]) * np.exp(
            sigma * rng.standard_normal(n) - sigma**2 / 2
        )
        self.firms.found(
            c["place"],
            c["group"],
            c["staff"],
            c["apprentices"],
            c["owner_age"],
            retire,
            innovation,
            base,
            founded=founded,
        )
        t = self.firms.table
        n_d = len(d)
        stock = np.bincount(t.district, t.apprentices, minlength=n_d).astype(float)
        firms = np.bincount(t.district, minlength=n_d).astype(float)
        hazard = 1.0 / fp.apprentice_years + fp.apprentice_dropout_per_year
        self.apprentice_intake_rate = np.divide(
            stock * hazard, firms, out=np.zeros(n_d), where=firms > 0
        )
        self.base_firms_dg = np.bincount(
            t.district.astype(np.intp) * len(TRADE_GROUPS) + t.group,
            minlength=n_d * len(TRADE_GROUPS),
        ).astype(float)

    def _base_firm_ages(self, owner_age: np.ndarray, owner_density: np.ndarray) -> np.ndarray:
        """Quarters since founding of the base-year firms (sim.firm_ages.base_firm_ages): the
        share younger than ``young_firm_years`` that the entry rate and the start-ups' survival
        imply, given to owners of a founder's age; own stream, so the other base-year draws
        stay as they were."""
        fp = self.params
        rng = self.streams["init_firm_ages"]
        n = len(owner_age)
        u_pick, u_age = rng.random(n), rng.random(n)
        return base_firm_ages(
            owner_age,
            owner_density,
            u_pick,
            u_age,
            young_firm_share(fp.entry_rate_per_year, fp.young_firm_survival, fp.young_firm_years),
            fp.young_firm_survival,
            self.young_quarters,
            (fp.founder_age_mean, fp.founder_age_sd),
        )

    @property
    def young_quarters(self) -> int:
        """A firm is young (start-ups' hazard of other closures) this many quarters."""
        return int(round(4 * self.params.young_firm_years))

    # ---- retirement, succession and exits ---------------------------------------------------
    def succession_and_exits(
        self,
        q: int,
        advised: np.ndarray,
        support: SuccessionSupport,
        outside_successor_weights: np.ndarray,
    ) -> dict[str, np.ndarray]:
        """Retiring owners hand over or close; firms with sustained losses or other reasons exit.

        ``advised``: firms with a live tie to an institution; ``support``: the levers' say in
        each case (capped programmes count their cases); ``outside_successor_weights``:
        ``(D, A)`` per district and single year of age, outside successors relative to the base
        year (``sim.entrant_pools``): a row's sum scales the chance of an external buyer, its
        shape is the buyer's age. Family and employee successors are aged as the successors'
        profile. Returns event name -> firm rows.
        """
        fp = self.params
        firms = self.firms
        t = firms.table
        rng = self.streams.for_quarter("succession", q)
        u = rng.random((4, len(t)))
        events: dict[str, list[int]] = defaultdict(list)
        retiring = firms.age_owners()
        # handle cases in random order: a capped programme (succession support) must not
        # favour the districts whose firms happen to have low row numbers
        retiring = retiring[np.argsort(u[3, retiring])]
        # successor traits for every retiring owner, drawn at once (inverse CDFs of the same
        # uniforms): the successors' profile (family, staff) or the district's outside buyers
        buyers = outside_successor_weights.sum(axis=1)
        inside_age = fp.successor_age_mean + fp.successor_age_sd * norm.ppf(u[1, retiring])
        outside_age = ages_from_weights(
            outside_successor_weights[t.district[retiring]], u[1, retiring], fp.successor_ages
        )
        successor_age = np.clip(np.stack([inside_age, outside_age]), *fp.successor_ages)
        successor_retires = exit_age_above(
            successor_age,
            u[2, retiring],
            fp.retirement_age_mean,
            fp.retirement_age_sd,
            fp.exit_age_floor,
        )
        closed = []
        for i, row in enumerate(retiring):
            firm = firms.agent(row)
            odds = firm.succession_odds(fp, self.succession_match_gain, advised[row])
            odds["external"] *= buyers[t.district[row]]
            route = firm.handover(u[0, row], support(row, odds))
            if route is None:
                closed.append(row)
                events[CLOSURE_EVENTS[0]].append(row)
            else:
                event = SUCCESSION_EVENTS[SUCCESSION_ROUTES.index(route)]
                events[event].append(row)
                outside = int(event == SUCCESSION_EXTERNAL)
                firms.hand_over(
                    row,
                    successor_age[outside, i],
                    successor_retires[outside, i],
                    from_staff=event == SUCCESSION_FROM_STAFF,
                )
        closed = np.asarray(closed, dtype=int)
        losers = np.flatnonzero(t.alive & (t.loss_quarters >= fp.loss_quarters_to_exit))
        losers = np.setdiff1d(losers, closed)
        # other closures fall with the firm's age (liability of newness): young firms at the
        # hazard of the start-ups' survival, established ones at the (fitted) established rate
        other_rng = self.streams.for_quarter("other_exit", q)
        young = (q - t.founded_quarter) < self.young_quarters
        hazard = np.where(
            young,
            young_firm_hazard(fp.young_firm_survival, fp.young_firm_years),
            fp.other_exit_rate_per_year,
        )
        other = np.flatnonzero(t.alive & (other_rng.random(len(t)) < -np.expm1(-hazard / 4)))
        other = np.setdiff1d(other, np.concatenate([closed, losers]))
        events[CLOSURE_EVENTS[1]] = list(losers)
        events[CLOSURE_EVENTS[2]] = list(other)
        gone = np.concatenate([closed, losers, other])
        firms.close(gone, q)
        return {k: np.asarray(v, dtype=int) for k, v in events.items()}

    # ---- start-ups --------------------------------------------------------------------------
    def startups(
        self,
        q: int,
        demand: np.ndarray,
        unmet: np.ndarray,
        pool_left: np.ndarray,
        founder_weights: np.ndarray,
    ) -> np.ndarray:
        """Founders enter in proportion to each place's market, and more where demand is unmet.

        Regular entry: ``entry_rate_per_year`` x the group's firms, spread over places by their
        demand. Gap entry: where unmet demand exceeds ``startup_unmet_share`` of a start-up's
        quarterly output, a founder appears with ``startup_probability``, as long as the
        district's labour pool has workers left after this quarter's hiring (a founder is a
        skilled worker too). Both scale with ``founder_weights``: ``(D, A)`` per district and single
        year of age, founders relative to the base year (``sim.entrant_pools``); a row's sum
        scales the number, its shape is the founders' age. Entrants that do not win orders
        leave through the loss exit. Returns the new firms' rows (event ``startups``).
        """
        fp = self.params
        founders = founder_weights.sum(axis=1)  # per district, relative to the base year
        rng = self.streams.for_quarter(STARTUPS, q)
        u = rng.random(unmet.shape)
        n_places, n_groups = unmet.shape
        place_grid = np.repeat(np.arange(n_places), n_groups).reshape(unmet.shape)
        group_grid = np.tile(np.arange(n_groups), n_places).reshape(unmet.shape)
        place_district = self.place_district[place_grid]
        # a start-up of 1 + startup_employee_probability persons on average: its quarterly
        # output at the place's productivity
        typical = (1 + fp.startup_employee_probability) * self.firms.group_productivity(
            place_district, group_grid
        )
        gap = (unmet > fp.startup_unmet_share * typical) & (
            u < fp.startup_probability * founders[place_district]
        )
        for d in range(len(pool_left)):
            in_d = np.flatnonzero((gap & (place_district == d)).ravel())
            allowed = int(pool_left[d])
            if len(in_d) > allowed:  # the first founders by their draw get the workers
                drop = in_d[np.argsort(u.ravel()[in_d])[allowed:]]
                gap.ravel()[drop] = False
        # free entry, per district and group: the entry rate times the base-year firm stock,
        # scaled by the district's demand relative to the base year (= entry rate x firms x
        # demand per firm relative to the base year), spread over the district's places by
        # demand. Shrinking markets attract fewer founders; crowding works through the exits.
        n_d = len(self.districts)
        dg_key = place_district[:, 0][:, None] * n_groups + np.arange(n_groups)[None, :]
        demand_dg = np.bincount(dg_key.ravel(), demand.ravel(), minlength=n_d * n_groups)
        if self.base_demand_dg is None:
            self.base_demand_dg = demand_dg.copy()
        expected_dg = (
            fp.entry_rate_per_year
            / 4.0
            * np.repeat(founders, n_groups)
            * np.divide(
                demand_dg * self.base_firms_dg,
                self.base_demand_dg,
                out=np.zeros(n_d * n_groups),
                where=self.base_demand_dg > 0,
            )
        )
        share_in_dg = np.divide(
            demand, demand_dg[dg_key], out=np.zeros_like(demand), where=demand_dg[dg_key] > 0
        )
        regular = rng.poisson(expected_dg[dg_key] * share_in_dg)
        count = regular + gap
        place = np.repeat(place_grid.ravel(), count.ravel())
        group = np.repeat(group_grid.ravel(), count.ravel())
        if len(place) == 0:
            return np.array([], dtype=int)
        n = len(place)
        r2 = self.streams.for_quarter("startup_traits", q)
        staff = 1 + r2.binomial(1, fp.startup_employee_probability, n)
        age = np.clip(
            ages_from_weights(
                founder_weights[self.place_district[place]], r2.random(n), fp.founder_ages
            ),
            *fp.founder_ages,
        )
        retire = exit_age_above(
            age, r2.random(n), fp.retirement_age_mean, fp.retirement_age_sd, fp.exit_age_floor
        )
        innovation = r2.beta(fp.innovation_beta_a, fp.innovation_beta_b, n)
        base = self.firms.group_productivity(self.place_district[place], group)
        return self.firms.found(
            place, group, staff, np.zeros(n, dtype=int), age, retire, innovation, base, founded=q
        )
