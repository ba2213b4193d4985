"""The model's parameters (``model.*``): firms, households, transfer, cooperation, market.

Part of the structured config (:mod:`sim.config` registers it); components get their section as
a plain dataclass. Domains of numeric fields: :mod:`sim.config_domains`, or a field's own
``metadata={"domain": ...}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FirmParams:
    # capacity above base-year output: 1 / 0.80 - 1, the crafts' capacity use of 80 % (ZDH
    # Konjunkturbericht Q2 2024 [S], fitted; regional surveys validate)
    capacity_slack: float = 0.25
    apprentice_output_share: float = 0.3  # an apprentice's output relative to a skilled worker
    apprentice_wage_ratio: float = 0.35  # training allowance relative to a worker's wage cost
    productivity_dispersion: float = 0.15  # sd of log productivity between firms
    surplus_share_of_value_added: float = 0.25  # owner income + capital cost, base year
    # part of the inputs that does not shrink with output (rent, vehicles, insurance, fees),
    # as a share of turnover at normal load [E]
    fixed_cost_share: float = 0.10
    # orders above normal load at which a firm seeks a hire: fitted to 64 vacancies per 1,000
    # employees (Sachsen Fachkraeftemonitoring 2022 [S]) in the base year
    hire_utilisation: float = 1.02
    shed_utilisation: float = 0.75
    shed_probability: float = 0.5  # per quarter, an idle firm lets one person go [E]
    # employees quitting per year (to other firms, sectors or regions; retirements follow
    # their ages, sim.workforce): IAB panel, firms with 1-10 employees, 1993-2009 [V]
    staff_quit_per_year: float = 0.061
    # the base year's pool inflow falls short of its leavers (quits, retirements) by this share
    # of employees a year: the crafts' net loss to other sectors. Fitted [F] so that craft
    # persons change in the model's first year as the official Handwerkszaehlung did in the
    # last counted year (2021 -> 2022: Sachsen-Anhalt -1.00 %, Sachsen -1.17 %): the mean of
    # seeds 0-2 meets it at 0.006 (0.005: -1.04 %, 0.006: -1.03 %, 0.007: -1.18 %, 0.008:
    # -1.25 % against -1.09 %; refitted 2026-12-01 after the food trades' market reach, which
    # had shed staff and met it at 0)
    pool_inflow_shortfall_per_year: float = 0.006
    # hires' ages: job mobility halves every this many years from age 20 [E]
    hire_age_halving_years: float = 15.0
    # the age rules of sim.workforce.AgeRules [E]: mobility halves from this age; falls of
    # participation count as retirements from this age; participation bands smoothed over
    # this many years
    hire_mobility_from_age: int = 20
    retirement_from_age: int = 50
    participation_smoothing_years: int = 5
    coal_job_losers_to_crafts: float = 0.2  # share of coal job losers who join the crafts [E]
    # owners' exit ages ~ N(mean, sd) truncated at 55 (sim.owner_ages): the mean fitted to
    # HWK Halle's owners 60+ (end 2022) still in office as owners 65+ in May 2025 (0.482
    # [D]) [F]; the sd's width from transferors' ages 60-67 (Nachfolgemonitor) [E]
    retirement_age_mean: float = 69.94  # with the established firms' other_exit_rate_per_year
    retirement_age_sd: float = 5.2
    # no owner retires before this age [E]: earlier exits are the other closures
    # (other_exit_rate_per_year); retirement_age_mean is fitted with it
    exit_age_floor: float = 55.0
    # the base-year owners' ages lie in this range [E] (sim.owner_ages): each chamber's
    # skew-normal is fitted to the owners above the minimum (a master craftsman is rarely
    # younger than 22), the oldest capped (the chambers report a few owners in their eighties)
    owner_age_min: float = 22.0
    owner_age_max: float = 85.0
    successor_age_mean: float = 38.3  # successors' mean age (Nachfolgemonitor Handwerk) [V]
    # successors' spread: 48 % aged 30-39 [S] around 38.3 gives 6.96 [D]
    # (sim.owner_ages.sd_from_share_between, re-derived in tests/test_owner_ages.py)
    successor_age_sd: float = 7.0
    # successors' ages are clipped to this range [E] (a master craftsman from ~22; handovers
    # to successors older than 60 are rare, Nachfolgemonitor: 48 % aged 30-39)
    successor_age_min: float = 22.0
    successor_age_max: float = 60.0
    # founders' mean age [E], inside the KfW-Gruendungsmonitor's all-sector 34.4-37.5 [S]
    founder_age_mean: float = 36.0
    founder_age_sd: float = 7.0
    # founders' ages are clipped to this range [E] (the KfW-Gruendungsmonitor counts founders
    # aged 18-64 [S]; craft founders need a master's or journeyman's qualification first)
    founder_age_min: float = 20.0
    founder_age_max: float = 60.0
    # start-ups and outside buyers per person of each single year of age are constant at the
    # base year's: their number and ages follow the persons of each age relative to the base
    # year, to this power (sim.entrant_pools) [E]
    entrant_cohort_elasticity: float = 1.0
    # outcome shares for a retiring owner (CRAFTS.md s4, [E]); remainder = closure
    succession_family: float = 0.50
    succession_employee: float = 0.12
    succession_external: float = 0.13
    small_firm_closure_penalty: float = 0.10  # extra closure share for firms of <= 4 persons
    rural_closure_penalty: float = 0.05
    loss_quarters_to_exit: int = 4
    # closures for other reasons (health, move into employment) of established firms (older
    # than young_firm_years; young firms: below) [F]: chosen so the 2025-2030 register trend of
    # HWK Leipzig and HWK Halle together (~ -0.5 %/yr) is met (a fitted pattern); 0.046 for all
    # firms before the young firms' hazard, 0.036 before start-ups followed their cohort
    other_exit_rate_per_year: float = 0.032
    # ---- other closures fall with the firm's age (liability of newness) ----
    # other_exit_rate_per_year is the rate of established firms; firms younger than
    # young_firm_years close at the constant hazard at which young_firm_survival of them are
    # still active after young_firm_years: five-year survival of new A-trade firms, the mean of
    # HWK Kassel (2004 cohort, 0.726 [S]) and HWK Duesseldorf (2014 cohort, 0.58 [V])
    # (craft_people.csv) [D]. Base-year firms: the share younger than young_firm_years that
    # entry_rate_per_year and this survival imply (sim.firm_ages.young_firm_share) [D]
    young_firm_years: float = 5.0
    young_firm_survival: float = 0.653
    owner_reservation_wage_share: float = 0.5  # owner's minimal income, share of a wage [E]
    entry_rate_per_year: float = 0.045  # founders per firm and year, A-trades 2022 (ZDH) [V]
    startup_unmet_share: float = 0.5  # unmet demand above this share of a firm's output ...
    startup_probability: float = 0.3  # ... gives a start-up with this chance per quarter
    apprentice_years: float = 3.0
    apprentice_dropout_per_year: float = 0.12
    apprentice_retention: float = 0.7  # completers who stay in the firm
    completers_stay_in_region: float = 0.5  # of the others: join the district's labour pool
    # employees of a closing firm who look for work in the crafts again (the rest leave them)
    closed_firm_staff_stay_in_crafts: float = 0.5
    innovation_productivity_gain: float = 0.2  # productivity at innovation 1 vs 0
    # base-year firm sizes: persons = 1 + floor(exp(mu + sigma z)), a discretised lognormal
    # whose mean per district and trade group is the data's (sim.agents.firm_lifecycle); sigma
    # is fitted [F] to 46 % of persons in firms of 20+ persons (Thueringen 2016, TLS [S])
    firm_size_sigma: float = 1.5
    firm_size_cap: int = 250  # persons; the EU's large-enterprise threshold [E]
    # a start-up is its founder plus one employee with this chance; gap entry's typical
    # start-up has 1 + this persons [E]
    startup_employee_probability: float = 0.5
    # innovation of base-year firms and start-ups ~ Beta(a, b): mean 2 / 7 = 0.29 [E]
    innovation_beta_a: float = 2.0
    innovation_beta_b: float = 5.0
    small_firm_max_persons: int = 4  # "small" in small_firm_closure_penalty: <= this [E]

    @property
    def founder_ages(self) -> tuple[float, float]:
        """Founders' youngest and oldest age: their drawn ages are clipped to it."""
        return (self.founder_age_min, self.founder_age_max)

    @property
    def successor_ages(self) -> tuple[float, float]:
        """Successors' youngest and oldest age, likewise."""
        return (self.successor_age_min, self.successor_age_max)


@dataclass
class HouseholdParams:
    income_eur_month: float = 3_600.0  # mean net income, Neue Laender (LWR 2022) [M]
    consumption_share: float = 0.70  # 2,534 / 3,600 [D]
    income_dispersion: float = 0.35  # sd of log income
    retired_income_ratio: float = 0.75
    coal_income_ratio: float = 1.6  # lignite wages ~2x regional average (IWH) [S]
    retirement_age: float = 67.0
    max_household_size: int = 8  # the largest household a new head brings [E]


@dataclass
class TransferParams:
    advice_per_advisor_per_quarter: float = 12.0
    innovation_gain_per_advice: float = 0.08
    innovation_decay_per_year: float = 0.02
    reach_minutes: float = 60.0
    tie_weight: float = 2.0  # firms advised before are this much likelier to be picked [E]
    advice_memory_quarters: int = 8  # how long advice counts as a tie with the institution
    succession_match_gain: float = 0.3  # relative rise of the external route for advised firms
    placement_intake_gain: float = 0.2  # relative rise of apprentice intake for advised firms


@dataclass
class CooperationParams:
    links_per_firm: int = 2  # partners drawn at start and for each start-up [E]
    link_reach_minutes: float = 20.0
    brokered_link_probability: float = 0.3  # advised together -> linked, per quarter [E]
    spillover_per_quarter: float = 0.05  # share of the gap to partners closed per quarter [E]


@dataclass
class CostParams:
    """Nominal growth per year of the cost paths (``sim.costs.CostPaths``) after the base year."""

    wage_growth_per_year: float = 0.02  # wages keep pace with consumer prices [E]
    input_growth_per_year: float = 0.02  # materials, energy and services bought [E]
    consumer_growth_per_year: float = 0.02  # the ECB's medium-term target [E]


@dataclass
class ModelParams:
    firm: FirmParams = field(default_factory=FirmParams)
    household: HouseholdParams = field(default_factory=HouseholdParams)
    transfer: TransferParams = field(default_factory=TransferParams)
    cooperation: CooperationParams = field(default_factory=CooperationParams)
    reach_half_times: float = 3.0  # hard reach cut-off as multiple of a group's half-time
    loyal_share: float = 0.5  # share of demand that returns to last quarter's suppliers [E]
    # choice between firms: a firm's pull ~ its price relative to others ** -this [E]
    price_elasticity: float = 2.0
    # total demand: quantity ~ (craft price / consumer prices) ** -elasticity; households and
    # businesses (central of the literature range 0.2-1.0, market_evidence.csv) [E]
    demand_price_elasticity: float = 0.6
    # public budgets are set in real terms: dearer craft work buys less (quantity ~ p ** -1) [E]
    public_price_elasticity: float = 1.0
    # prices: each quarter a firm closes this share of the gap to its target price [E]
    price_adjustment: float = 0.25
    # target price = unit cost x ((1 + orders / normal output) / 2) ** this [E]
    scarcity_price_elasticity: float = 0.15
    costs: CostParams = field(default_factory=CostParams)
    # base-year demand above the firms' base output (a stress test; 0: demand buys the output
    # at the surveys' normal capacity use, and the vacancy gap is the firms' wish to hire)
    base_excess_demand: float = 0.0
    market_rounds: int = 4
