"""RegionModel: wires region, agents, scenarios and interventions, and fixes the step order.

One step is one quarter. Step order (docs/ODD.md, "Process overview and scheduling"):
demography -> coal exit -> household income -> demand -> market -> firm accounts -> advice ->
labour and apprentices -> retirement, succession, exits, start-ups -> metrics.
"""

from __future__ import annotations

import time
from collections import defaultdict

import mesa
import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf
from scipy.stats import norm

from sim.agents.cooperation import CooperationNetwork
from sim.agents.craft_firm import CraftFirms
from sim.agents.household import Households
from sim.agents.transfer import create_institutions
from sim.config import Config
from sim.datasets import load_state_crafts, load_trade_groups
from sim.interventions import Interventions
from sim.market import Market
from sim.metrics import QuarterFlows, Recorder
from sim.randomness import RandomStreams
from sim.region import build_region
from sim.scenarios.coal_exit import CoalExit
from sim.scenarios.demography import Demography
from sim.scenarios.energy_transition import EnergyTransition
from sim.scenarios.structural_funds import StructuralFunds
from sim.vocabulary import AUSBAU, TRADE_GROUPS, format_quarter, parse_quarter


def stratified_uniform(rng: np.random.Generator, n: int) -> np.ndarray:
    """n uniforms with exactly one in each interval [k/n, (k+1)/n), in random order.

    Drawing base-year traits through their inverse distribution with these keeps the sample's
    shares at the target (no sampling noise in calibrated stocks) while every firm still gets
    a random value.
    """
    return (rng.permutation(n) + rng.random(n)) / max(n, 1)


def largest_remainder(total: int, shares: np.ndarray) -> np.ndarray:
    """Integers that sum to ``total`` and follow ``shares`` as closely as possible."""
    raw = total * shares / shares.sum()
    out = np.floor(raw).astype(int)
    out[np.argsort(raw - out)[::-1][: total - out.sum()]] += 1
    return out


class RegionModel(mesa.Model):
    """The craft economy of the Mitteldeutsches Revier, one step per quarter."""

    def __init__(self, cfg: DictConfig | Config) -> None:
        cfg = cfg if isinstance(cfg, DictConfig) else OmegaConf.structured(cfg)
        super().__init__(rng=int(cfg.seed))
        self.cfg = cfg
        # plain dataclasses: attribute access in the hot loops without OmegaConf overhead
        self.params = OmegaConf.to_object(cfg.model)
        self.streams = RandomStreams(int(cfg.seed))
        self.start_quarter = parse_quarter(cfg.start)
        self.end_quarter = parse_quarter(cfg.end)
        self.quarter = self.start_quarter  # the quarter the next step simulates
        self.phase_seconds: dict[str, float] = defaultdict(float)

        self.region = build_region(cfg.region)
        self.groups = load_trade_groups()
        self._init_district_parameters()
        self.firms = CraftFirms(self)
        self._init_firms(self.streams["init_firms"])
        self.cooperation = CooperationNetwork(self, self.streams["init_network"])
        self.households = Households(self)
        self.income_scale = 1.0
        self.households.populate(self.streams["init_households"])
        self.coal = CoalExit(self)
        self.coal.assign_workers(self.streams["init_coal"])
        self.households.refresh_income()
        self._normalise_income()
        self.demography = Demography(self)
        self.funds = StructuralFunds(self)
        self.energy = EnergyTransition(self)
        self.institutions = create_institutions(self)
        self.interventions = Interventions(self)
        self._init_demand()
        self.household_stats = self.households.summary()
        self.base_working_age = self.household_stats["working_age_population"].copy()
        t = self.firms.table
        self.base_employees = np.bincount(
            t.district, np.maximum(t.staff - 1, 0), minlength=len(self.region.districts)
        ).astype(float)
        self.base_population = self.household_stats["population"].copy()
        self._completers_to_pool = np.zeros(len(self.region.districts))
        self.recorder = Recorder(self)

    # ---- initialisation ---------------------------------------------------------------------
    def _init_district_parameters(self) -> None:
        d = self.region.districts
        places = self.region.places
        self.district_pph = d["population"].to_numpy(float) / d["households"].to_numpy(float)
        places["households"] = places["population"] / self.district_pph[places["district_idx"]]
        states = load_state_crafts()
        state_tpp = states.set_index("state")["turnover_per_person_eur"]
        self.district_tpp = d["state"].map(state_tpp).to_numpy(float)
        g = self.groups
        self.group_input_share = g["input_share"].to_numpy(float)
        self.group_half_time = g["half_time_min"].to_numpy(float)
        self.market = Market(
            self.region.minutes, self.region.place_district, self.group_half_time, self.params
        )

    def _group_productivity(self, district: np.ndarray, group: np.ndarray) -> np.ndarray:
        """Base turnover per person and quarter: group profile rescaled to the state's level."""
        g = self.groups
        share, rel = g["share_of_firms"].to_numpy(float), g["persons_per_firm_rel"].to_numpy(float)
        tpp = g["turnover_per_person_eur"].to_numpy(float)
        # persons-weighted mean of the group profile equals the state's HWZ turnover per person
        profile_mean = (share * rel * tpp).sum() / (share * rel).sum()
        return tpp[group] / profile_mean * self.district_tpp[district] / 4.0

    def _init_firms(self, rng: np.random.Generator) -> None:
        fp = self.params.firm
        d, g = self.region.districts, self.groups
        places = self.region.places
        share, rel = g["share_of_firms"].to_numpy(float), g["persons_per_firm_rel"].to_numpy(float)
        rel_norm = rel / (share * rel).sum()
        cols: dict[str, list] = defaultdict(list)
        for di, row in d.iterrows():
            n_by_group = largest_remainder(int(row["craft_firms"]), share)
            group = np.repeat(np.arange(len(TRADE_GROUPS)), n_by_group)
            in_d = np.flatnonzero(places["district_idx"].to_numpy() == di)
            w = places["population"].to_numpy(float)[in_d] ** self.cfg.region.firm_urban_tilt
            place = rng.choice(in_d, size=len(group), p=w / w.sum())
            mean_staff = float(row["persons_per_firm"]) * rel_norm[group]
            # geometric firm sizes (65 % of firms < 5 persons, Sachsen 2008 [S]) by inverse CDF
            p_size = 1.0 / np.maximum(mean_staff, 1.0)
            u_size = stratified_uniform(rng, len(group))
            with np.errstate(divide="ignore"):
                staff = np.where(
                    p_size >= 1.0,
                    1,
                    np.ceil(np.log1p(-u_size) / np.log1p(-np.minimum(p_size, 0.999))),
                )
            staff = np.maximum(staff, 1).astype(int)
            # owner age ~ N(mu, 10) with mu set so the share aged 60+ matches the chamber figure
            mu = 60.0 - 10.0 * norm.ppf(1.0 - float(row["share_owners_60plus"]))
            age = np.clip(mu + 10.0 * norm.ppf(stratified_uniform(rng, len(group))), 22.0, 85.0)
            cols["district"].append(np.full(len(group), di))
            cols["group"].append(group)
            cols["place"].append(place)
            cols["staff"].append(staff)
            cols["owner_age"].append(age)
            appr = np.zeros(len(group), dtype=int)
            if len(group):
                appr = rng.multinomial(int(row["apprentices"]), staff / staff.sum())
            cols["apprentices"].append(appr)
        c = {k: np.concatenate(v) for k, v in cols.items()}
        n = len(c["group"])
        retire = rng.normal(fp.retirement_age_mean, fp.retirement_age_sd, n)
        # owners already past their drawn age keep going a while (12.5 % of HWK Halle owners
        # are 65+): retirement within an exponential 2 years instead of all in the first quarter
        late = retire <= c["owner_age"]
        retire[late] = c["owner_age"][late] + rng.exponential(2.0, late.sum())
        innovation = rng.beta(2.0, 5.0, n)
        sigma = fp.productivity_dispersion
        base = self._group_productivity(c["district"], c["group"]) * np.exp(
            sigma * rng.standard_normal(n) - sigma**2 / 2
        )
        self._add_firms(
            c["place"],
            c["group"],
            c["staff"],
            c["apprentices"],
            c["owner_age"],
            retire,
            innovation,
            base,
            founded=self.start_quarter - 1,
        )
        # apprentice intake per firm of mean size and year, fitted so the district's stock is
        # in steady state: stock = intake / (completion + dropout)
        t = self.firms.table
        stock = np.bincount(t.district, t.apprentices, minlength=len(d)).astype(float)
        firms = np.bincount(t.district, minlength=len(d)).astype(float)
        hazard = 1.0 / fp.apprentice_years + fp.apprentice_dropout_per_year
        self.apprentice_intake_rate = np.divide(
            stock * hazard, firms, out=np.zeros(len(d)), where=firms > 0
        )

    def _add_firms(
        self,
        place,
        group,
        staff,
        apprentices,
        owner_age,
        retirement_age,
        innovation,
        base_productivity,
        founded: int,
    ) -> np.ndarray:
        fp = self.params.firm
        place = np.asarray(place)
        group = np.asarray(group)
        district = self.region.place_district[place]
        # store productivity at innovation 0, so a firm's effective base-year productivity is
        # the calibrated ``base_productivity``
        productivity = base_productivity / (1.0 + fp.innovation_productivity_gain * innovation)
        wage = (
            base_productivity
            * (1.0 - self.group_input_share[group])
            * (1.0 - fp.surplus_share_of_value_added)
        )
        return self.firms.add(
            place=place,
            district=district,
            settlement=self.region.place_settlement[place],
            group=group,
            staff=staff,
            apprentices=apprentices,
            owner_age=owner_age,
            retirement_age=retirement_age,
            innovation=innovation,
            productivity=productivity,
            wage=wage,
            price=1.0,
            cash=wage * np.maximum(np.asarray(staff) - 1, 0),
            founded_quarter=founded,
        )

    def _normalise_income(self) -> None:
        """Scale incomes so the weighted mean equals the configured regional mean."""
        t = self.households.table
        mean = float((t.income * t.weight).sum() / t.weight.sum())
        self.income_scale = self.params.household.income_eur_month / mean
        self.households.refresh_income()

    def _init_demand(self) -> None:
        """Fit base-year demand so that it equals the firms' base output, split by customer."""
        g = self.groups
        t = self.firms.table
        fp = self.params.firm
        persons = t.staff + fp.apprentice_output_share * t.apprentices
        effective = t.productivity * (1.0 + fp.innovation_productivity_gain * t.innovation)
        output = np.bincount(t.group, persons * effective, minlength=len(TRADE_GROUPS))
        output = output * (1.0 + self.params.base_excess_demand)
        self.base_output_by_group = output
        n_d, n_g = len(self.region.districts), len(TRADE_GROUPS)
        self.base_firms_dg = np.bincount(
            t.district.astype(np.intp) * n_g + t.group, minlength=n_d * n_g
        ).astype(float)
        self.base_demand_dg = None  # set from the first quarter's demand
        private = output * g["customer_private"].to_numpy(float)
        business = output * g["customer_business"].to_numpy(float)
        public = output * g["customer_public"].to_numpy(float)
        spending = self.households.spending().sum()
        # spending shares are fitted to the base year (docs/ODD.md, calibration)
        self.spend_share = private / spending
        pop = self.region.places["population"].to_numpy(float)
        self.place_population_share = pop / pop.sum()
        district_pop = np.bincount(self.region.place_district, pop)
        self.place_share_in_district = pop / district_pop[self.region.place_district]
        coal = self.coal.business_demand()
        funds = self.funds.public_demand(self.start_quarter, self.place_share_in_district)
        self.business_base = np.zeros((self.region.n_places, len(TRADE_GROUPS)))
        self.public_base = np.zeros_like(self.business_base)
        for gi, name in enumerate(TRADE_GROUPS):
            coal_g = coal[name].sum() if name in coal else 0.0
            funds_g = funds[name].sum() if name in funds else 0.0
            self.business_base[:, gi] = (
                max(business[gi] - coal_g, 0.0) * self.place_population_share
            )
            self.public_base[:, gi] = max(public[gi] - funds_g, 0.0) * self.place_population_share

    # ---- the quarter ------------------------------------------------------------------------
    def step(self) -> None:
        q = self.quarter
        clock = time.perf_counter()

        def lap(phase: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            self.phase_seconds[phase] += now - clock
            clock = now

        self.demography.step(q)
        self.coal.step(q)
        self.households.refresh_income()
        self.household_stats = self.households.summary()
        self.interventions.start_quarter(q)
        lap("demography")
        demand, household_demand, business_demand, segment, local = self._demand(q)
        lap("demand")
        cleared = self.market.clear(demand, segment, self.firms, local)
        revenue, orders = cleared["revenue"], cleared["orders"]
        served, unmet = cleared["served"], cleared["unmet"]
        lap("choice")
        accounts = self.firms.book(revenue, orders)
        self.firms.set_prices(self.firms.utilisation())
        value_added = self.firms.table.value_added.copy()
        lap("production")
        self._advise(q)
        lap("institutions")
        labour = self.firms.adjust_labour(
            self.streams.for_quarter("labour", q), self._labour_pool()
        )
        placement = 1.0 + self.params.transfer.placement_intake_gain * self.recently_advised(q)
        training = self.firms.train(
            self.streams.for_quarter("apprentices", q),
            self.apprentice_intake_rate * self.interventions.intake_multiplier(),
            q,
            self.interventions.dropout_multiplier(),
            placement,
        )
        leaving = training["apprentice_completed"] - training["apprentice_retained"]
        self._completers_to_pool = self.params.firm.completers_stay_in_region * np.bincount(
            self.firms.table.district, leaving, minlength=len(self.region.districts)
        )
        self.interventions.book_new_contracts(training["apprentice_intake"])
        lap("labour")
        events = self._succession_and_exits(q)
        events["startups"] = self._startups(q, demand, unmet, labour["pool_left"])
        self.cooperation.join(events["startups"], self.streams.for_quarter("network_join", q))
        lap("succession")
        flows = QuarterFlows(
            revenue=revenue,
            value_added=value_added,
            wages=accounts["wages"],
            inputs=accounts["inputs"],
            volume=accounts["volume"],
            demand=demand,
            served=served,
            unmet=unmet,
            household_demand=household_demand,
            business_demand=business_demand,
            events=events,
            intervention_cost_eur=self.interventions.cost_by_district(),
        )
        self.recorder.record(q, flows)
        lap("metrics")
        self.quarter += 1
        self.running = self.quarter <= self.end_quarter

    def _demand(self, q: int) -> tuple[np.ndarray, ...]:
        """Demand per origin place and trade group (EUR this quarter).

        Returns total demand, its household and business parts (the rest is public), its
        energy-transition segment (Ausbau work that needs know-how) and its local-procurement
        part (public orders only for firms of the ordering district), see ``Market``.
        """
        hh = self.households
        spend_place = hh.by_place(hh.spending())
        household = spend_place[:, None] * self.spend_share[None, :]
        district_idx = self.region.place_district
        stats = self.household_stats
        pop_index = stats["population"] / self.base_population
        work_index = stats["working_age_population"] / self.base_working_age
        business = self.business_base * work_index[district_idx][:, None]
        public = self.public_base * pop_index[district_idx][:, None]
        local = public * self.interventions.local_public_share()
        coal = self.coal.business_demand()
        funds = self.funds.public_demand(q, self.place_share_in_district)
        for gi, name in enumerate(TRADE_GROUPS):
            if name in coal:
                business[:, gi] += coal[name]
            if name in funds:
                public[:, gi] += funds[name]
        ausbau = AUSBAU
        energy = self.energy.ausbau_multiplier(q)
        household[:, ausbau] *= energy
        business[:, ausbau] *= energy
        total = household + business + public + local
        segment = np.zeros_like(total)
        segment[:, ausbau] = (household[:, ausbau] + business[:, ausbau]) * (
            self.energy.segment_share(q)
        )
        return total, household, business, segment, local

    def _advise(self, q: int) -> None:
        """Institutions advise; co-advised firms may link; innovation spreads in the network."""
        advised = []
        for inst in self.institutions:
            # one stream per institution: extra advisors in one arm leave the others' draws
            # (and so the common random numbers) untouched
            rng = self.streams.for_quarter(f"advice_{inst.institution_id}", q)
            advised.append(inst.advise(q, rng, rng.random(len(self.firms.table))))
        self.cooperation.broker(advised, self.streams.for_quarter("network", q))
        self.cooperation.spread()

    def recently_advised(self, q: int) -> np.ndarray:
        """Firms with a live tie to an institution (advised within the memory window)."""
        t = self.firms.table
        memory = self.params.transfer.advice_memory_quarters
        return (t.advised_quarter >= 0) & (q - t.advised_quarter < memory)

    def _labour_pool(self) -> np.ndarray:
        """Workers on offer to the crafts this quarter, per district.

        Base-year inflow scaled by the working-age population (fewer school leavers and more
        retirees shrink it), plus a share of the coal workers who lost their job this quarter.
        """
        fp = self.params.firm
        index = self.household_stats["working_age_population"] / self.base_working_age
        pool = fp.labour_inflow_per_year / 4.0 * self.base_employees * index
        pool += fp.coal_job_losers_to_crafts * self.coal.released_workers
        return pool + self._completers_to_pool

    def _succession_and_exits(self, q: int) -> dict[str, np.ndarray]:
        fp = self.params.firm
        t = self.firms.table
        rng = self.streams.for_quarter("succession", q)
        u = rng.random((4, len(t)))
        events: dict[str, list[int]] = defaultdict(list)
        retiring = self.firms.age_owners()
        # handle cases in random order: a capped programme (succession support) must not
        # favour the districts whose firms happen to have low row numbers
        retiring = retiring[np.argsort(u[3, retiring])]
        advised = self.recently_advised(q)
        # successor traits for every retiring owner, drawn at once (inverse normal CDF)
        successor_age = np.clip(
            fp.successor_age_mean + fp.successor_age_sd * norm.ppf(u[1, retiring]), 22, 60
        )
        successor_retires = fp.retirement_age_mean + fp.retirement_age_sd * norm.ppf(u[2, retiring])
        closed = []
        for i, row in enumerate(retiring):
            firm = self.firms.agents[int(row)]
            p = self.interventions.succession_probabilities(row, firm.succession_odds(advised[row]))
            route = firm.handover(u[0, row], p)
            if route is None:
                closed.append(row)
                events["closures_no_successor"].append(row)
            else:
                events[f"successions_{route}"].append(row)
                t.owner_age[row] = successor_age[i]
                t.retirement_age[row] = successor_retires[i]
        closed = np.asarray(closed, dtype=int)
        losers = np.flatnonzero(t.alive & (t.loss_quarters >= fp.loss_quarters_to_exit))
        losers = np.setdiff1d(losers, closed)
        other_rng = self.streams.for_quarter("other_exit", q)
        other = np.flatnonzero(
            t.alive & (other_rng.random(len(t)) < fp.other_exit_rate_per_year / 4)
        )
        other = np.setdiff1d(other, np.concatenate([closed, losers]))
        events["closures_losses"] = list(losers)
        events["closures_other"] = list(other)
        gone = np.concatenate([closed, losers, other])
        self.firms.close(gone, q)
        self.cooperation.leave(gone)
        return {k: np.asarray(v, dtype=int) for k, v in events.items()}

    def _startups(
        self, q: int, demand: np.ndarray, unmet: np.ndarray, pool_left: np.ndarray
    ) -> np.ndarray:
        """Founders enter in proportion to each place's market, and more where demand is unmet.

        Regular entry: ``entry_rate_per_year`` x the group's firms, spread over places by their
        demand. Gap entry: where unmet demand exceeds ``startup_unmet_share`` of a start-up's
        quarterly output, a founder appears with ``startup_probability``, as long as the
        district's labour pool has workers left after this quarter's hiring (a founder is a
        skilled worker too). Entrants that do not win orders leave through the loss exit.
        """
        fp = self.params.firm
        rng = self.streams.for_quarter("startups", q)
        u = rng.random(unmet.shape)
        n_places, n_groups = unmet.shape
        place_grid = np.repeat(np.arange(n_places), n_groups).reshape(unmet.shape)
        group_grid = np.tile(np.arange(n_groups), n_places).reshape(unmet.shape)
        # a start-up of 1.5 persons on average: its quarterly output at the place's productivity
        typical = 1.5 * self._group_productivity(self.region.place_district[place_grid], group_grid)
        gap = (unmet > fp.startup_unmet_share * typical) & (u < fp.startup_probability)
        place_district = self.region.place_district[place_grid]
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
        n_d = len(self.region.districts)
        dg_key = place_district[:, 0][:, None] * n_groups + np.arange(n_groups)[None, :]
        demand_dg = np.bincount(dg_key.ravel(), demand.ravel(), minlength=n_d * n_groups)
        if self.base_demand_dg is None:
            self.base_demand_dg = demand_dg.copy()
        expected_dg = (
            fp.entry_rate_per_year
            / 4.0
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
        staff = 1 + r2.binomial(1, 0.5, n)
        age = np.clip(r2.normal(35.0, 7.0, n), 20.0, 60.0)
        retire = r2.normal(fp.retirement_age_mean, fp.retirement_age_sd, n)
        innovation = r2.beta(2.0, 5.0, n)
        base = self._group_productivity(self.region.place_district[place], group)
        return self._add_firms(
            place, group, staff, np.zeros(n, dtype=int), age, retire, innovation, base, founded=q
        )

    # ---- running ----------------------------------------------------------------------------
    @property
    def n_quarters(self) -> int:
        return self.end_quarter - self.start_quarter + 1

    @property
    def current_label(self) -> str:
        """The last simulated quarter ('2025Q1'), or 'start' before the first step."""
        return format_quarter(self.quarter - 1) if self.quarter > self.start_quarter else "start"

    def run(self, progress=None) -> dict[str, pd.DataFrame]:
        while self.running:
            self.step()
            if progress is not None:
                progress(self)
        return self.recorder.tables()
