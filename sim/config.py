"""Structured configuration: the schema every Hydra config is validated against.

The dataclasses below are registered in Hydra's ConfigStore as the base of ``conf/config.yaml``
and of each config group, so a misspelt key or a value of the wrong type fails when the config
is composed, before any model code runs. Cross-field rules that a type cannot express (dates in
order, districts that exist, shares that sum to one) live in :func:`validate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, make_dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf

from sim.interventions import lever_classes
from sim.vocabulary import parse_quarter


class ConfigError(ValueError):
    """A user-facing configuration problem: the message names the key and the allowed values."""


class DemographyVariant(Enum):
    official_mid = "official_mid"
    official_low = "official_low"
    official_high = "official_high"


@dataclass
class SettlementRule:
    """Settlement type by the place's own (GeoNames) population; see docs/ODD.md."""

    city_min_population: int = 100_000
    town_min_population: int = 5_000


@dataclass
class RegionConfig:
    name: str = "full"
    # empty list = all 9 districts
    districts: list[str] = field(default_factory=list)
    nearest_neighbours: int = 6
    detour_factor: float = 1.3  # road km per straight-line km
    speed_kmh: float = 55.0  # mean door-to-door road speed between places
    intra_place_minutes_min: float = 5.0  # travel inside a place, grows with its radius
    firm_urban_tilt: float = 1.05  # firms per place ~ population ** tilt within a district
    settlement: SettlementRule = field(default_factory=SettlementRule)


@dataclass
class CoalExitConfig:
    enabled: bool = True
    closure_shift_years: float = 0.0  # negative = earlier than the statutory / operator date
    indirect_jobs_per_direct_job: float = 1.0  # regional indirect + induced jobs per direct job
    commute_half_time_min: float = 25.0  # where coal workers live around their site
    income_replacement_rate: float = 0.6  # unemployment benefit as share of former income
    reemployment_rate_per_quarter: float = 0.08
    reemployment_income_ratio: float = 0.75  # lignite wages are well above the regional average
    craft_demand_per_direct_job_eur: float = 15_000.0  # per year, maintenance and services


@dataclass
class DemographyConfig:
    enabled: bool = True
    variant: DemographyVariant = DemographyVariant.official_mid
    extra_decline_per_year: float = 0.0  # added to the official path (stress tests)
    # the age pattern of net migration (a young-adult peak; sources: docs/parameter_sources.csv)
    migration_peak_age: float = 24.0  # young adults: into the cities, out of the districts
    migration_peak_sd: float = 5.0
    family_migration_parent_age: float = 35.0  # families: out of the cities, into the districts
    fertility_mean_age: float = 31.0  # mean age of mothers at birth
    fertility_sd: float = 5.5  # spread of the fertility schedule, years
    female_share_of_fertile_ages: float = 0.48  # women among persons aged 15-49


@dataclass
class StructuralFundsConfig:
    enabled: bool = True
    craft_share_of_funds: float = 0.15  # share of funded investment spent on craft work
    scale: float = 1.0


@dataclass
class EnergyTransitionConfig:
    enabled: bool = True
    retrofit_growth_per_year: float = 0.03  # growth of energy-transition demand for Ausbau
    base_share_of_ausbau_demand: float = 0.10


@dataclass
class ScenarioConfig:
    name: str = "baseline"
    description: str = ""
    coal_exit: CoalExitConfig = field(default_factory=CoalExitConfig)
    demography: DemographyConfig = field(default_factory=DemographyConfig)
    structural_funds: StructuralFundsConfig = field(default_factory=StructuralFundsConfig)
    energy_transition: EnergyTransitionConfig = field(default_factory=EnergyTransitionConfig)


# the levers' parameter schemas live with the levers (one file each in sim/interventions/);
# the intervention group's schema has one field per registered lever, in the levers' order
InterventionConfig = make_dataclass(
    "InterventionConfig",
    [
        (name, cls.Params, field(default_factory=cls.Params))
        for name, cls in lever_classes().items()
    ],
)
InterventionConfig.__doc__ = (
    "Policy levers; each is switched on by selecting its config (combinable)."
)

INTERVENTIONS = tuple(InterventionConfig.__dataclass_fields__)


def active_interventions(intervention: Any) -> list[str]:
    """Names of the enabled interventions, in a fixed order ('none' when empty)."""
    # the registry, not INTERVENTIONS: a lever registered after this module was imported
    # (a plug-in, a test) is named in labels and run ids too
    return [n for n in lever_classes() if n in intervention and intervention[n].enabled]


def intervention_label(intervention: Any) -> str:
    return "+".join(active_interventions(intervention)) or "none"


@dataclass
class FirmParams:
    capacity_slack: float = 0.03  # output a firm can add to its base level by overtime [E]
    apprentice_output_share: float = 0.3  # an apprentice's output relative to a skilled worker
    apprentice_wage_ratio: float = 0.35  # training allowance relative to a worker's wage cost
    productivity_dispersion: float = 0.15  # sd of log productivity between firms
    surplus_share_of_value_added: float = 0.25  # owner income + capital cost, base year
    hire_utilisation: float = 0.95
    shed_utilisation: float = 0.75
    shed_probability: float = 0.5  # per quarter, an idle firm lets one person go [E]
    # employees quitting per year (to other firms, sectors or regions; retirements follow
    # their ages, sim.workforce): IAB panel, firms with 1-10 employees, 1993-2009 [V]
    staff_quit_per_year: float = 0.061
    # hires' ages: job mobility halves every this many years from age 20 [E]
    hire_age_halving_years: float = 15.0
    coal_job_losers_to_crafts: float = 0.2  # share of coal job losers who join the crafts [E]
    # owners' exit ages ~ N(mean, sd) truncated at 55 (sim.owner_ages): the mean fitted to
    # HWK Halle's owners 60+ (end 2022) still in office as owners 65+ in May 2025 (0.482
    # [D]) [F]; the sd's width from transferors' ages 60-67 (Nachfolgemonitor) [E]
    retirement_age_mean: float = 70.4
    retirement_age_sd: float = 5.2
    successor_age_mean: float = 38.3  # successors' mean age (Nachfolgemonitor Handwerk) [V]
    successor_age_sd: float = 7.0
    founder_age_mean: float = 36.0  # founders' mean age [E]
    founder_age_sd: float = 7.0
    # outcome shares for a retiring owner (CRAFTS.md s4, [E]); remainder = closure
    succession_family: float = 0.50
    succession_employee: float = 0.12
    succession_external: float = 0.13
    small_firm_closure_penalty: float = 0.10  # extra closure share for firms of <= 4 persons
    rural_closure_penalty: float = 0.05
    loss_quarters_to_exit: int = 4
    # closures for other reasons (health, move into employment) [E]: between the A-trades'
    # exit rate net of the model's age and loss closures (6.0 % - ~1 % = ~5 %/yr, ZDH 2022 [V])
    # and the ~3.5 %/yr that would keep the register flat; chosen so the 2025-2030 register
    # trend of HWK Leipzig and HWK Halle together (~ -0.5 %/yr) is met (a fitted pattern)
    other_exit_rate_per_year: float = 0.04
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


@dataclass
class HouseholdParams:
    income_eur_month: float = 3_600.0  # mean net income, Neue Laender (LWR 2022) [M]
    consumption_share: float = 0.70  # 2,534 / 3,600 [D]
    income_dispersion: float = 0.35  # sd of log income
    retired_income_ratio: float = 0.75
    coal_income_ratio: float = 1.6  # lignite wages ~2x regional average (IWH) [S]
    retirement_age: float = 67.0


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
class ModelParams:
    firm: FirmParams = field(default_factory=FirmParams)
    household: HouseholdParams = field(default_factory=HouseholdParams)
    transfer: TransferParams = field(default_factory=TransferParams)
    cooperation: CooperationParams = field(default_factory=CooperationParams)
    reach_half_times: float = 3.0  # hard reach cut-off as multiple of a group's half-time
    loyal_share: float = 0.5  # share of demand that returns to last quarter's suppliers [E]
    price_elasticity: float = 2.0  # pull of a firm ~ relative price ** -elasticity [E]
    price_adjustment: float = 0.02  # relative price change per unit of excess utilisation [E]
    price_min: float = 0.9
    price_max: float = 1.15
    # base-year demand above the firms' base output: 64 vacancies per 1,000 employees
    # (Sachsen Fachkraeftemonitoring 2022 [S]) read as work firms cannot staff
    base_excess_demand: float = 0.064
    market_rounds: int = 4


@dataclass
class Config:
    region: RegionConfig = field(default_factory=RegionConfig)
    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    intervention: InterventionConfig = field(default_factory=InterventionConfig)
    model: ModelParams = field(default_factory=ModelParams)
    batch: str = "baseline"  # results folder: <results_dir>/<batch>/<run_id>/
    seed: int = 0
    start: str = "2025Q1"
    end: str = "2045Q4"
    households_per_agent: float = 1.0
    results_dir: str = "results"
    run_id: str = ""  # empty: built from scenario, intervention and seed
    progress: bool = True


def register_configs() -> None:
    """Register the schema so ``defaults: [schema]`` in conf/config.yaml can use it."""
    cs = ConfigStore.instance()
    cs.store(name="schema", node=Config)
    cs.store(group="region", name="region_schema", node=RegionConfig)
    cs.store(group="scenario", name="scenario_schema", node=ScenarioConfig)
    cs.store(group="intervention", name="intervention_schema", node=InterventionConfig)


def _fail(key: str, value: Any, allowed: str) -> None:
    raise ConfigError(f"config key '{key}' has invalid value {value!r}; allowed: {allowed}")


def validate(cfg: DictConfig | Config) -> None:
    """Check rules a type cannot express. Raises ConfigError naming key and allowed values."""
    from sim.config_domains import check_domains  # declared ranges, names, unknown keys
    from sim.datasets import load_districts  # local: data loading is not config's job

    c = cfg if isinstance(cfg, DictConfig) else OmegaConf.structured(cfg)
    check_domains(c)
    for key in ("start", "end"):
        try:
            parse_quarter(c[key])
        except ValueError:
            _fail(key, c[key], "a quarter like '2025Q1' (year 2000-2100, quarter 1-4)")
    if parse_quarter(c.end) < parse_quarter(c.start):
        _fail("end", c.end, f"a quarter not before start={c.start}")
    if c.households_per_agent < 1:
        _fail("households_per_agent", c.households_per_agent, "a number >= 1")
    known = list(load_districts()["district_id"])
    for d in c.region.districts:
        if d not in known:
            _fail("region.districts", d, ", ".join(known))
    s = c.region.settlement
    if not 0 < s.town_min_population < s.city_min_population:
        _fail(
            "region.settlement",
            dict(s),
            "0 < town_min_population < city_min_population",
        )
    if c.region.nearest_neighbours < 1:
        _fail("region.nearest_neighbours", c.region.nearest_neighbours, "an integer >= 1")
    f = c.model.firm
    shares = f.succession_family + f.succession_employee + f.succession_external
    if not 0 <= shares <= 1:
        _fail("model.firm.succession_*", shares, "shares that sum to at most 1")
    for key in ("capacity_slack", "apprentice_dropout_per_year", "startup_probability"):
        if f[key] < 0:
            _fail(f"model.firm.{key}", f[key], "a number >= 0")
    if c.model.market_rounds < 1:
        _fail("model.market_rounds", c.model.market_rounds, "an integer >= 1")
    # every number's range (levers' included) is declared in sim/config_domains.py


CONF_DIR = Path(__file__).resolve().parent.parent / "conf"


def load_config(overrides: list[str] | tuple[str, ...] = ()) -> DictConfig:
    """Compose ``conf/config.yaml`` with Hydra overrides (as on the command line) and validate.

    The same composition the CLI does, for tests, the UI and experiment scripts.
    """
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    from sim.config_domains import check_group_overrides  # scenario=[a,b], *_schema

    check_group_overrides(overrides)  # before composing: Hydra would merge a list silently
    register_configs()
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose(config_name="config", overrides=list(overrides))
    validate(cfg)
    return cfg


CONFIG_GROUPS = ("region", "scenario", "intervention", "experiment")


def experiment_names() -> list[str]:
    """The study experiments: ``conf/experiment/<name>.yaml``."""
    return sorted(p.stem for p in (CONF_DIR / "experiment").glob("*.yaml"))


def check_experiment_overrides(overrides: list[str]) -> None:
    """Fail early, listing the study experiments, for a wrong ``experiment=NAME`` or a ``+``.

    ``experiment`` is a config group (``conf/experiment/``, empty in the defaults list), chosen
    with ``experiment=NAME`` like ``scenario=NAME``; the results folder is the key ``batch``.
    Hydra refuses both mistakes too, but without saying what to type instead (and, for
    ``+experiment=NAME``, with a message about the defaults list).
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.core.override_parser.types import ChoiceSweep, Glob

    names = experiment_names()
    allowed = f"allowed: {', '.join(names)} (conf/experiment/)"
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or key.lstrip("+~").split("@")[0] != "experiment":
            continue
        if key.startswith("+"):
            raise ConfigError(
                f"'{item}': choose a study experiment with experiment={value} (without '+', as "
                f"scenario=NAME); {allowed}"
            )
        try:
            override = OverridesParser.create().parse_overrides([item])[0]
        except Exception:  # a syntax error: Hydra's own message says where
            continue
        chosen = override.value()
        if override.is_delete() or isinstance(chosen, Glob):  # Hydra matches a glob itself
            continue
        if isinstance(chosen, ChoiceSweep):  # a sweep over experiments: a,b or choice(a,b)
            chosen = chosen.list
        for name in chosen if isinstance(chosen, list) else [chosen]:
            if name not in names:
                shown = "null" if name is None else name
                raise ConfigError(
                    f"experiment={shown} is not a study experiment; {allowed}. The results "
                    f"folder is chosen with batch=NAME (<results_dir>/<batch>/<run_id>/)"
                )


def check_override_keys(overrides: list[str]) -> None:
    """Fail early, naming the allowed keys, when a command-line override names no config key.

    Hydra rejects such keys too, but without listing the alternatives; this check runs before
    Hydra and only looks at plain ``key=value`` overrides (not ``+key``, ``hydra.*`` or groups).
    """
    schema = OmegaConf.structured(Config)
    for item in overrides:
        if "=" not in item or item.startswith(("+", "~", "hydra")) or "/" in item.split("=")[0]:
            continue
        key = item.split("=", 1)[0]
        if key in CONFIG_GROUPS:
            continue
        node, path = schema, []
        for part in key.split("."):
            if isinstance(node, DictConfig) and part in node:
                node, path = node[part], [*path, part]
                continue
            where = ".".join(path) or "the top level"
            allowed = ", ".join(sorted(node.keys())) if isinstance(node, DictConfig) else "none"
            raise ConfigError(
                f"unknown config key '{key}': '{part}' is not a key of {where}; allowed: {allowed}"
            )
