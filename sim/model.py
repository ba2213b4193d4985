"""RegionModel: wires region, agents, scenarios and interventions, and holds the step order.

One step is one quarter. The step is the list ``PHASES`` (name, method), run in order and
each timed the same way; docs/ODD.md's "Process overview and scheduling" is tested against it.
Components get their config section, the tables they read and their random streams; none of
them sees this class.
"""

from __future__ import annotations

import time
from collections import defaultdict
from functools import partial
from typing import TYPE_CHECKING

import mesa
import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from sim.agents.cooperation import CooperationNetwork
from sim.agents.firm_lifecycle import FirmLifecycle
from sim.agents.firm_workforce import adjust_labour, train
from sim.agents.firms import CraftFirms, PriceRule
from sim.agents.household import Households
from sim.agents.transfer import TransferInstitution, advise_all, create_institutions
from sim.cells import cell_district
from sim.costs import CostPaths
from sim.datasets import load_state_crafts, load_trade_groups
from sim.demand import CraftDemand, population_shares
from sim.demography_inputs import build_demography, participation_by_age, state_of
from sim.entrant_pools import EntrantPools
from sim.interventions import lever_classes
from sim.interventions.active import Interventions
from sim.interventions.base import CostLedger, LeverContext
from sim.labour import LabourMarket, quarter_flows
from sim.market import Market
from sim.metrics import Recorder
from sim.quarter import Quarter
from sim.randomness import RandomStreams, UseNamedStreams
from sim.region import build_region
from sim.scenarios import in_order
from sim.scenarios.coal_exit import CoalExit
from sim.scenarios.construction_cycle import ConstructionCycle
from sim.scenarios.energy_transition import EnergyTransition
from sim.scenarios.structural_funds import StructuralFunds
from sim.vocabulary import (
    CLOSURE_EVENTS,
    STARTUPS,
    SUCCESSION_FROM_STAFF,
    TRADE_GROUPS,
    format_quarter,
    parse_quarter,
)

if TYPE_CHECKING:  # the schema is the config layer's; the model only reads the values
    from sim.config import Config


class RegionModel(mesa.Model):
    """The craft economy of the Mitteldeutsches Revier, one step per quarter."""

    # the quarter, in order: (phase name, method). Names are the ones docs/ODD.md uses.
    PHASES = (
        ("demography", "_exogenous_change"),
        ("demand", "_compose_demand"),
        ("choice", "_clear_market"),
        ("production", "_produce"),
        ("institutions", "_advise"),
        ("labour", "_hire_and_train"),
        ("succession", "_succeed_exit_found"),
        ("metrics", "_record"),
    )

    def __init__(self, cfg: DictConfig | Config, districts: pd.DataFrame | None = None) -> None:
        """``districts``: the start state per district (default ``districts.csv``)."""
        cfg = cfg if isinstance(cfg, DictConfig) else OmegaConf.structured(cfg)
        super().__init__(rng=int(cfg.seed))
        # all randomness comes from the named streams; Mesa's own generators are disabled, in
        # the model and in the agent registry it built already (``model.agents.shuffle()``)
        self.rng = UseNamedStreams("rng")
        self.random = UseNamedStreams("random")
        self._all_agents.random = self.random
        self.cfg = cfg
        # typed parameters (plain dataclasses): components never see the DictConfig
        self.params = OmegaConf.to_object(cfg.model)
        scenario = OmegaConf.to_object(cfg.scenario)
        region_cfg = OmegaConf.to_object(cfg.region)
        self.streams = RandomStreams(int(cfg.seed))
        self.start_quarter = parse_quarter(cfg.start)
        self.end_quarter = parse_quarter(cfg.end)
        self.quarter = self.start_quarter  # the quarter the next step simulates
        self.phase_seconds: dict[str, float] = defaultdict(float)
        self.phases = [(name, getattr(self, method)) for name, method in self.PHASES]
        mp = self.params
        c = mp.costs  # nominal wages, input and consumer prices (1.0 in the first quarter)
        self.costs = CostPaths(
            c.wage_growth_per_year, c.input_growth_per_year, c.consumer_growth_per_year
        )

        self.region = region = build_region(region_cfg, districts)
        districts = region.districts
        self.groups = load_trade_groups()
        state_tpp = load_state_crafts().set_index("state")["turnover_per_person_eur"]
        self.firms = CraftFirms(
            mp.firm,
            PriceRule(mp.price_adjustment, mp.scarcity_price_elasticity),
            mp.transfer.innovation_decay_per_year,
            region,
            self.groups,
            districts["state"].map(state_tpp).to_numpy(float),
            registry=self,
        )
        self.lifecycle = FirmLifecycle(
            self.firms,
            districts,
            region.places["population"].to_numpy(float),
            region.place_district,
            region_cfg.firm_urban_tilt,
            self.streams,
            self.start_quarter,
            mp.transfer.succession_match_gain,
        )
        self.lifecycle.populate(self.streams["init_firms"])
        self.market = Market(
            region.minutes,
            region.place_district,
            self.groups["half_time_min"].to_numpy(float),
            mp,
        )
        self.cooperation = CooperationNetwork(mp.cooperation, self.firms, region.minutes)
        self.cooperation.link_all(self.streams["init_network"])
        self.households = Households(
            mp.household,
            region,
            districts["population"].to_numpy(float) / districts["households"].to_numpy(float),
            float(cfg.households_per_agent),
            scenario.coal_exit.income_replacement_rate,
        )
        self.population, self.demography = build_demography(
            districts,
            scenario.demography,
            self.households,
            region,
            self.streams,
            self.start_quarter,
        )
        self.households.populate(
            self.streams["init_households"], self.demography.head_age_weights()
        )
        _, place_share_in_district = population_shares(region)
        self.coal = CoalExit(
            scenario.coal_exit,
            self.households,
            region,
            self.streams,
            self.start_quarter,
            mp.household.retirement_age,
        )
        self.coal.assign_workers(self.streams["init_coal"])
        self.households.refresh_income()
        self.households.normalise_income()
        self.funds = StructuralFunds(
            scenario.structural_funds, districts, region.place_district, place_share_in_district
        )
        cycle = ConstructionCycle(scenario.construction_cycle, self.start_quarter)
        energy = EnergyTransition(scenario.energy_transition, self.start_quarter)
        self.scenarios = in_order(self.demography, self.coal, self.funds, cycle, energy)
        create_institutions(self, region, self.firms, mp.transfer)
        # labour-force participation by age of each district's state (persons -> labour supply)
        self.participation = np.array([participation_by_age(s) for s in state_of(districts)])
        self.district_stats = self._district_stats()
        levers = lever_classes()
        self.interventions = Interventions(
            {
                # each lever's section as its typed Params (the component sees no DictConfig)
                name: OmegaConf.to_object(
                    OmegaConf.merge(OmegaConf.structured(cls.Params), cfg.intervention[name])
                )
                for name, cls in levers.items()
                if name in cfg.intervention and cfg.intervention[name].enabled
            },
            LeverContext(
                region=region,
                firms=self.firms,
                streams=self.streams,
                ledger=CostLedger(len(districts), lambda: self.firms.table.district),
                apprentice_intake_rate=self.lifecycle.apprentice_intake_rate,
                chambers=lambda: [i for i in self.institutions if i.kind == "chamber"],
                # a lever's new institution (id, kind, place, advisors, reach_minutes=...,
                # serves_settlements=...) serves every district
                open_institution=partial(
                    TransferInstitution,
                    self,
                    serves_districts=None,
                    firms=self.firms,
                    minutes=region.minutes,
                    params=mp.transfer,
                ),
                population=lambda: self.district_stats["population"],
            ),
        )
        self.demand = CraftDemand(
            self.groups,
            region,
            self.households,
            self.scenarios,
            self.firms.base_output_by_group(len(TRADE_GROUPS)),
            mp.base_excess_demand,
            self.district_stats,
            self.start_quarter,
            mp.demand_price_elasticity,
            mp.public_price_elasticity,
        )
        self.market.calibrate(
            self.demand.base_total(self.start_quarter, self.district_stats), self.firms
        )
        self.labour_market = LabourMarket(
            mp.firm,
            self._employees(),
            self.population.persons * self.participation,
            self.participation,
            cell_district(len(region.districts)),
        )
        # school leavers: apprentice intake follows the district's cohort aged 16-18
        self.base_school_leavers = self.population.persons[:, 16:19].sum(axis=1)
        # founders and outside buyers follow the cohort of their ages
        self.entrant_pools = EntrantPools(lambda: self.population.persons, mp.firm)
        self.recorder = Recorder(region, self.firms.table)

    @property
    def institutions(self) -> list[TransferInstitution]:
        """The transfer institutions, in the order they were created (Mesa's registry)."""
        return list(self.agents_by_type.get(TransferInstitution, []))

    # ---- the quarter ------------------------------------------------------------------------
    def step(self) -> None:
        quarter = Quarter(self.quarter)
        for name, phase in self.phases:
            clock = time.perf_counter()
            phase(quarter)
            self.phase_seconds[name] += time.perf_counter() - clock
        self.quarter += 1
        self.running = self.quarter <= self.end_quarter

    def _exogenous_change(self, s: Quarter) -> None:
        """Scenarios change the world (ageing, migration, site closures); levers start."""
        for scenario in self.scenarios:
            scenario.start_quarter(s.q)
        self.households.refresh_income()
        self.district_stats = self._district_stats()
        self.interventions.start_quarter(s.q)

    def _district_stats(self) -> dict[str, np.ndarray]:
        """Per-district state this quarter: households (their summary) and persons by age."""
        groups = self.population.groups()
        return {
            **self.households.summary(),
            "population": self.population.total,
            # persons aged 20-66: the working ages up to the model's retirement age of 67
            "working_age_population": groups["20_66"],
            **{f"population_{name}": values for name, values in groups.items()},
            "labour_supply": (self.population.persons * self.participation).sum(axis=1),
            "mean_age": self.population.mean_age(),
            "births": self.population.last.births,
            "deaths": self.population.last.deaths,
            "net_migration": self.population.last.net_migration,
            "households_dissolved": self.demography.dissolved,
            "households_formed": self.demography.formed,
        }

    def cost_index(self, q: int) -> tuple[float, float, float]:
        """Wage, input price and consumer price index (W, M, G) in quarter ``q``."""
        return self.costs.at(q - self.start_quarter)

    def _compose_demand(self, s: Quarter) -> None:
        s.prices = self.firms.price_index(len(self.region.districts), len(TRADE_GROUPS))
        s.demand = self.demand.compose(
            s.q,
            self.district_stats,
            self.interventions.local_public_share(),
            s.prices,
            self.cost_index(s.q)[2],
        )
        local = s.demand.local.sum(axis=1)  # extra public orders per place, all trade groups
        n_d = len(self.region.districts)
        self.interventions.book_local_orders(np.bincount(self.region.place_district, local, n_d))

    def _clear_market(self, s: Quarter) -> None:
        d = s.demand
        s.cleared = self.market.clear(d.total, d.segment, self.firms, d.local)

    def _produce(self, s: Quarter) -> None:
        index = self.cost_index(s.q)
        s.accounts = self.firms.book(s.cleared["revenue"], s.cleared["orders"], index)
        self.firms.set_prices(self.firms.utilisation(), index)
        s.value_added = self.firms.table.value_added.copy()

    def _advise(self, s: Quarter) -> None:
        """Institutions advise; co-advised firms may link; innovation spreads in the network."""
        advised = advise_all(self.institutions, self.streams, s.q, len(self.firms.table))
        self.cooperation.broker(advised, self.streams.for_quarter("network", s.q))
        self.cooperation.spread()

    def recently_advised(self, q: int) -> np.ndarray:
        """Firms with a live tie to an institution (advised within the memory window)."""
        return self.firms.recently_advised(q, self.params.transfer.advice_memory_quarters)

    def _released_workers(self) -> np.ndarray | None:
        released = None
        for scenario in self.scenarios:
            r = scenario.released_workers()
            if r is not None:
                released = r if released is None else released + r
        return released

    def _employees(self) -> np.ndarray:
        """``(K,)`` employees per cell of the ``groups`` table (the age table's rows)."""
        return self.firms.employees_by_cell(len(self.region.districts))

    def _hire_and_train(self, s: Quarter) -> None:
        q, market = s.q, self.labour_market
        pool = market.pool(self.district_stats["labour_supply"], self._released_workers())
        leave_rate, retired = market.age_and_leave_rate(self._employees())
        cells, t = self.firms.cells(), self.firms.table
        s.labour = adjust_labour(
            self.firms,
            self.streams.for_quarter("labour", q),
            pool["labour_pool"],
            leave_rate[cells],
        )
        s.labour_flows = flows = quarter_flows(
            pool, s.labour, t.district, market.to_districts(retired)
        )
        market.hired(s.labour, cells, retired, self.population.persons * self.participation)
        placement = 1.0 + self.params.transfer.placement_intake_gain * self.recently_advised(q)
        cohort = self.population.persons[:, 16:19].sum(axis=1) / self.base_school_leavers
        training = train(
            self.firms,
            self.streams.for_quarter("apprentices", q),
            self.lifecycle.apprentice_intake_rate * cohort * self.interventions.intake_multiplier(),
            q,
            self.interventions.dropout_multiplier(),
            placement,
        )
        flows["completers_kept"] = market.completers(training, cells, t.district)
        self.interventions.book_new_contracts(training["apprentice_intake"])

    def _succeed_exit_found(self, s: Quarter) -> None:
        s.events = self.lifecycle.succession_and_exits(
            s.q,
            self.recently_advised(s.q),
            self.interventions.support_succession,
            self.entrant_pools.outside_successor_weights(),
        )
        gone = np.concatenate([s.events.get(name, []) for name in CLOSURE_EVENTS]).astype(int)
        self.cooperation.leave(gone)
        n_d = len(self.region.districts)
        closed_staff = self.firms.employees_by_district(n_d, rows=gone)
        self.labour_market.firms_closed(closed_staff)
        s.labour_flows["staff_of_closed_firms"] = closed_staff
        # an employee who takes over the firm leaves the staff for the owner's place
        promoted = s.events.get(SUCCESSION_FROM_STAFF, np.zeros(0, dtype=int))
        s.labour_flows["staff_to_owner"] = self.firms.count_by_district(n_d, promoted)
        # founders weigh markets in quantities: demand at base-year prices
        price = s.prices[self.region.place_district]
        s.events[STARTUPS] = self.lifecycle.startups(
            s.q,
            s.demand.total / price,
            s.cleared["unmet"] / price,
            s.labour["pool_left"],
            self.entrant_pools.founder_weights(),
        )
        self.cooperation.join(s.events[STARTUPS], self.streams.for_quarter("network_join", s.q))
        s.labour_flows["staff_of_startups"] = self.firms.employees_by_district(
            n_d, rows=s.events[STARTUPS]
        )
        by_district, s.workforce = self.labour_market.settle(self._employees())
        s.labour_flows.update(by_district)

    def _record(self, s: Quarter) -> None:
        cost = self.interventions.cost_by_district()
        self.recorder.record(s.q, s.flows(self.district_stats, cost))

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
