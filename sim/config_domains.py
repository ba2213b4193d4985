"""Declared domains of the config values: the range every number may take, and which strings
are names (parts of a results path) rather than free text.

A value outside its domain (or NaN, or infinite) stops a run at start with a
:class:`~sim.config.ConfigError` that names the key, the value and the allowed range, before any
model code runs. A new numeric config field needs a domain, or ``tests/test_reliability.py``
fails; declare it either

* here, in :data:`DOMAINS`, keyed by the field's dotted path (``"model.firm.capacity_slack"``), or
* on the field itself: ``x: float = field(default=0.5, metadata={"domain": share()})``.

Keys added with ``+key=...`` / ``++key=...`` that the schema does not have are refused here too
(Hydra accepts them on the structured config's open nodes), and so are command-line choices of
a config group that are a list (``scenario=[a,b]`` merges two scenarios into one) or a group's
schema (``scenario=scenario_schema``).
"""

from __future__ import annotations

import math
import re
from dataclasses import MISSING, dataclass, fields, is_dataclass
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf

from sim.config import CONFIG_GROUPS, Config, ConfigError
from sim.interventions import lever_classes


@dataclass(frozen=True)
class Domain:
    """A closed or half-open interval of allowed values; ``integer`` for whole numbers."""

    lo: float = -math.inf
    hi: float = math.inf
    lo_open: bool = False
    hi_open: bool = False
    integer: bool = False

    def contains(self, value: float) -> bool:
        if not math.isfinite(value):
            return False
        above = value > self.lo if self.lo_open else value >= self.lo
        below = value < self.hi if self.hi_open else value <= self.hi
        return above and below

    def describe(self) -> str:
        """``a finite number >= 0 and <= 1``: what an error message offers instead."""
        kind = "an integer" if self.integer else "a finite number"
        parts = []
        if self.lo != -math.inf:
            parts.append(f"{'>' if self.lo_open else '>='} {_number(self.lo)}")
        if self.hi != math.inf:
            parts.append(f"{'<' if self.hi_open else '<='} {_number(self.hi)}")
        return " ".join([kind, " and ".join(parts)]).strip()


def _number(x: float) -> str:
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def share() -> Domain:
    """A share or probability: [0, 1]."""
    return Domain(0.0, 1.0)


def between(lo: float, hi: float, integer: bool = False) -> Domain:
    return Domain(lo, hi, integer=integer)


def positive(hi: float = math.inf) -> Domain:
    """Greater than 0 (a divisor, a spread, a time, a speed)."""
    return Domain(0.0, hi, lo_open=True)


def count(lo: int = 0, hi: int = 1_000_000) -> Domain:
    return Domain(lo, hi, integer=True)


AGE = between(15, 100)
SPREAD = positive(50.0)
MINUTES = positive(600.0)
EUR = between(0, 1e12)
GAIN = between(0, 10)

# dotted path -> domain; a field's own metadata {"domain": ...} takes precedence
DOMAINS: dict[str, Domain] = {
    "seed": count(0, 2**32 - 1),
    "households_per_agent": between(1, 10_000),
    "region.nearest_neighbours": count(1, 100),
    "region.detour_factor": between(1, 5),
    "region.speed_kmh": positive(300.0),
    "region.intra_place_minutes_min": between(0, 120),
    "region.place_density_per_km2": between(100, 20_000),
    "region.firm_urban_tilt": between(0, 3),
    "region.settlement.city_min_population": count(1, 100_000_000),
    "region.settlement.town_min_population": count(1, 100_000_000),
    "scenario.coal_exit.closure_shift_years": between(-30, 30),
    "scenario.coal_exit.indirect_jobs_per_direct_job": between(0, 20),
    "scenario.coal_exit.induced_share": share(),
    "scenario.coal_exit.commute_half_time_min": MINUTES,
    "scenario.coal_exit.income_replacement_rate": share(),
    "scenario.coal_exit.reemployment_rate_per_quarter": share(),
    "scenario.coal_exit.reemployment_income_ratio": between(0, 5),
    "scenario.coal_exit.orders_craft_share": share(),
    "scenario.coal_exit.orders_kfz_share": share(),
    "scenario.coal_exit.hire_min_years_to_retirement": between(0, 50),
    "scenario.demography.extra_decline_per_year": between(-0.2, 0.2),
    "scenario.demography.migration_peak_age": AGE,
    "scenario.demography.migration_peak_sd": SPREAD,
    "scenario.demography.family_migration_parent_age": AGE,
    "scenario.demography.family_children_weight": between(0, 5),
    "scenario.demography.family_children_decay_years": between(1, 50),
    "scenario.demography.oldest_band_decline": between(0, 0.9),
    "scenario.demography.fertility_mean_age": between(15, 49),
    "scenario.demography.fertility_sd": SPREAD,
    "scenario.structural_funds.craft_share_of_funds": share(),
    "scenario.structural_funds.scale": between(0, 100),
    "scenario.structural_funds.payout_lag_years": between(0, 20),
    "scenario.structural_funds.payout_end_year": count(2000, 2100),
    "scenario.structural_funds.bauhaupt_share_of_craft_work": share(),
    "scenario.energy_transition.retrofit_growth_per_year": between(-0.5, 1),
    "scenario.energy_transition.base_share_of_ausbau_demand": share(),
    "scenario.construction_cycle.recovery_per_year": share(),
    # every lever's common fields (sim/interventions/base.py LeverParams), then its own
    **{
        f"intervention.{lever}.{key}": domain
        for lever in lever_classes()
        for key, domain in (
            ("budget_eur_per_year", EUR),
            ("start_year", between(2000, 2100, integer=True)),
            ("end_year", between(2000, 2100, integer=True)),
        )
    },
    "intervention.innovation_transfer.cost_per_advisor_year_eur": positive(1e9),
    "intervention.innovation_transfer.voucher_share_of_budget": share(),
    "intervention.innovation_transfer.voucher_eur": positive(1e9),
    "intervention.innovation_transfer.voucher_innovation_gain": share(),
    "intervention.succession_support.advice_cost_per_case_eur": between(0, 1e9),
    "intervention.succession_support.grant_per_takeover_eur": between(0, 1e9),
    "intervention.succession_support.additional_share_of_takeovers": Domain(0.0, 1.0, hi_open=True),
    "intervention.apprenticeship_offensive.bonus_per_new_contract_eur": positive(1e9),
    "intervention.apprenticeship_offensive.additional_share_of_funded_contracts": Domain(
        0.0, 1.0, hi_open=True
    ),
    "intervention.apprenticeship_offensive.dropout_reduction": share(),
    "intervention.rural_hubs.cost_per_hub_year_eur": positive(1e9),
    "intervention.rural_hubs.hub_reach_minutes": MINUTES,
    "intervention.rural_hubs.advisors_per_hub": between(0, 100),
    "intervention.rural_hubs.innovation_gain_per_quarter": share(),
    "intervention.rural_hubs.cooperation_capacity_gain": share(),
    "intervention.rural_hubs.user_memory_quarters": count(1, 400),
    "intervention.local_procurement.public_demand_uplift": GAIN,
    "intervention.local_procurement.admin_share_of_orders": between(0, 1),
    "model.firm.capacity_slack": between(0, 10),
    "model.firm.fixed_cost_share": share(),
    "model.firm.apprentice_output_share": share(),
    "model.firm.apprentice_wage_ratio": between(0, 5),
    "model.firm.productivity_dispersion": between(0, 3),
    "model.firm.surplus_share_of_value_added": Domain(0.0, 1.0, hi_open=True),
    "model.firm.hire_utilisation": positive(5.0),
    "model.firm.shed_utilisation": between(0, 5),
    "model.firm.shed_probability": share(),
    "model.firm.staff_quit_per_year": share(),
    "model.firm.hire_age_halving_years": between(1, 100),
    "model.firm.young_firm_years": between(1, 15),
    "model.firm.young_firm_survival": between(0.05, 0.99),
    "model.firm.hire_mobility_from_age": between(16, 40, integer=True),
    "model.firm.retirement_from_age": between(40, 65, integer=True),
    "model.firm.participation_smoothing_years": between(1, 15, integer=True),
    "model.firm.coal_job_losers_to_crafts": share(),
    "model.firm.retirement_age_mean": AGE,
    "model.firm.retirement_age_sd": SPREAD,
    "model.firm.exit_age_floor": between(40, 65),
    "model.firm.owner_age_min": between(16, 30),
    "model.firm.owner_age_max": between(70, 100),
    "model.firm.successor_age_mean": AGE,
    "model.firm.successor_age_sd": SPREAD,
    "model.firm.founder_age_mean": AGE,
    "model.firm.founder_age_sd": SPREAD,
    # disjoint domains keep each range's lowest age below its highest
    "model.firm.successor_age_min": between(16, 40),
    "model.firm.successor_age_max": between(45, 80),
    "model.firm.founder_age_min": between(16, 40),
    "model.firm.founder_age_max": between(45, 80),
    "model.firm.entrant_cohort_elasticity": between(0.0, 3.0),
    "model.firm.pool_inflow_shortfall_per_year": between(0.0, 0.05),
    "model.firm.succession_family": share(),
    "model.firm.succession_employee": share(),
    "model.firm.succession_external": share(),
    "model.firm.small_firm_closure_penalty": share(),
    "model.firm.rural_closure_penalty": share(),
    "model.firm.loss_quarters_to_exit": count(1, 400),
    "model.firm.other_exit_rate_per_year": share(),
    "model.firm.owner_reservation_wage_share": between(0, 10),
    "model.firm.entry_rate_per_year": share(),
    "model.firm.startup_unmet_share": between(0, 100),
    "model.firm.startup_probability": share(),
    "model.firm.apprentice_years": positive(10.0),
    "model.firm.apprentice_dropout_per_year": share(),
    "model.firm.apprentice_retention": share(),
    "model.firm.completers_stay_in_region": share(),
    "model.firm.closed_firm_staff_stay_in_crafts": share(),
    "model.firm.innovation_productivity_gain": GAIN,
    "model.firm.firm_size_sigma": positive(5.0),
    "model.firm.firm_size_cap": count(2, 100_000),
    "model.firm.startup_employee_probability": share(),
    "model.firm.innovation_beta_a": positive(100.0),
    "model.firm.innovation_beta_b": positive(100.0),
    "model.firm.small_firm_max_persons": count(1, 100_000),
    "model.household.income_eur_month": positive(1e6),
    "model.household.consumption_share": share(),
    "model.household.income_dispersion": between(0, 3),
    "model.household.retired_income_ratio": between(0, 10),
    "model.household.coal_income_ratio": between(0, 10),
    "model.household.retirement_age": between(40, 100),
    "model.household.max_household_size": between(1, 20, integer=True),
    "model.transfer.advice_per_advisor_per_quarter": between(0, 10_000),
    "model.transfer.innovation_gain_per_advice": share(),
    "model.transfer.innovation_decay_per_year": share(),
    "model.transfer.reach_minutes": MINUTES,
    "model.transfer.tie_weight": positive(1000.0),
    "model.transfer.advice_memory_quarters": count(0, 400),
    "model.transfer.succession_match_gain": GAIN,
    "model.transfer.placement_intake_gain": GAIN,
    "model.cooperation.links_per_firm": count(0, 100),
    "model.cooperation.link_reach_minutes": MINUTES,
    "model.cooperation.brokered_link_probability": share(),
    "model.cooperation.spillover_per_quarter": share(),
    "model.reach_half_times": positive(100.0),
    "model.loyal_share": share(),
    "model.price_elasticity": between(0, 50),
    "model.price_adjustment": share(),
    "model.scarcity_price_elasticity": between(0, 5),
    "model.demand_price_elasticity": between(0, 5),
    "model.public_price_elasticity": between(0, 5),
    "model.costs.wage_growth_per_year": between(-0.2, 0.5),
    "model.costs.input_growth_per_year": between(-0.2, 0.5),
    "model.costs.consumer_growth_per_year": between(-0.2, 0.5),
    "model.base_excess_demand": Domain(-1, 10, lo_open=True),  # demand x (1 + this) > 0
    "model.market_rounds": count(1, 100),
}

# strings that become a folder name of the results path: plain names, never paths
NAME_KEYS = ("batch", "run_id", "scenario.name")
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+=-]{0,119}")
NAME_RULE = (
    "a plain name (letters, digits and _ . + = -, starting with a letter or digit, at most 120 "
    "characters, not '..', not index.parquet or manifest.json): it names a folder under "
    "results_dir, so no '/', '\\' or '..'"
)
# groups whose command-line choice must be one option (intervention combines several)
SINGLE_CHOICE_GROUPS = ("region", "scenario", "experiment")


def _fail(key: str, value: Any, allowed: str) -> None:
    raise ConfigError(f"config key '{key}' has invalid value {value!r}; allowed: {allowed}")


# files of the store a run or sweep folder sits beside (sim.store.INDEX and MANIFEST): a folder
# of that name would be taken for them
RESERVED_NAMES = ("index.parquet", "manifest.json")


def is_name(text: str) -> bool:
    """A folder name that stays inside its parent: no separators, no '..', not hidden, not
    one of the store's own file names."""
    ok = bool(NAME_PATTERN.fullmatch(text)) and ".." not in text
    return ok and text.lower() not in RESERVED_NAMES


def check_name(key: str, value: Any, empty_ok: bool = False) -> None:
    if empty_ok and value == "":
        return
    if not isinstance(value, str) or not is_name(value):
        _fail(key, value, NAME_RULE + (" (or empty)" if empty_ok else ""))


def numeric_fields(schema: Any = Config, prefix: str = "") -> dict[str, Any]:
    """Dotted path -> dataclass field of every int / float field of the schema (recursively)."""
    found: dict[str, Any] = {}
    for f in fields(schema):
        if f.default_factory is not MISSING:
            default = f.default_factory()
            if is_dataclass(default):
                found.update(numeric_fields(type(default), f"{prefix}{f.name}."))
                continue
        if f.type in (int, float, "int", "float"):
            found[f"{prefix}{f.name}"] = f
    return found


def domain_of(path: str, fld: Any = None) -> Domain | None:
    """The declared domain of a numeric config value (field metadata first, then DOMAINS)."""
    if fld is not None and "domain" in fld.metadata:
        return fld.metadata["domain"]
    return DOMAINS.get(path)


def undeclared_domains() -> list[str]:
    """Numeric config fields without a declared domain (a test keeps this empty)."""
    return sorted(p for p, f in numeric_fields().items() if domain_of(p, f) is None)


def _unknown_keys(cfg: DictConfig, schema: DictConfig, path: str = "") -> None:
    for key in cfg:
        where = f"{path}{key}"
        if key not in schema:
            allowed = ", ".join(sorted(str(k) for k in schema)) or "none"
            level = f"'{path[:-1]}'" if path else "the top level"
            raise ConfigError(
                f"unknown config key '{where}' (added with '+' or '++'?); the keys of {level} "
                f"are: {allowed}"
            )
        sub = cfg._get_node(key)
        if isinstance(sub, DictConfig) and isinstance(schema._get_node(key), DictConfig):
            _unknown_keys(sub, schema[key], f"{where}.")


def check_domains(cfg: DictConfig) -> None:
    """Refuse unknown keys, and numbers (NaN, inf) or names outside their declared domain."""
    _unknown_keys(cfg, OmegaConf.structured(Config))
    for path, fld in numeric_fields().items():
        value = OmegaConf.select(cfg, path, default=None, throw_on_missing=False)
        domain = domain_of(path, fld) or Domain()  # undeclared: at least finite
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            _fail(path, value, domain.describe())
        if not domain.contains(float(value)) or (domain.integer and value != int(value)):
            _fail(path, value, domain.describe())
    for path in NAME_KEYS:
        check_name(path, OmegaConf.select(cfg, path), empty_ok=path == "run_id")
    if not str(cfg.results_dir).strip():
        _fail("results_dir", cfg.results_dir, "a folder path (not empty)")


def check_group_choice(group: str, choice: Any) -> None:
    """One config group's choice: a single option for region/scenario/experiment, never a
    group's schema (``*_schema`` is the template the group's options build on)."""
    if group not in CONFIG_GROUPS:
        return
    choices = list(choice) if isinstance(choice, list | tuple | ListConfig) else [choice]
    if group in SINGLE_CHOICE_GROUPS and len(choices) != 1:
        raise ConfigError(
            f"{group}={choice!r}: choose one {group} (a list would merge several into one run); "
            f"to run several, sweep them: python -m sim.run -m {group}=a,b"
        )
    for item in choices:
        if isinstance(item, str) and item.endswith("_schema"):
            raise ConfigError(
                f"{group}={item}: '{item}' is the schema the {group} configs build on, not a "
                f"{group}; choose one of the files in conf/{group}/"
            )


def check_group_overrides(overrides: list[str] | tuple[str, ...]) -> None:
    """Command-line group choices (see :func:`check_group_choice`), sweeps included."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.core.override_parser.types import ChoiceSweep

    for item in overrides:
        key = item.partition("=")[0].lstrip("+~").split("@")[0]
        if key not in CONFIG_GROUPS or "=" not in item:
            continue
        try:
            override = OverridesParser.create().parse_overrides([item])[0]
        except Exception:  # a syntax error: Hydra's own message says where
            continue
        if override.is_delete():
            continue
        value = override.value()
        options = value.list if isinstance(value, ChoiceSweep) else [value]
        for option in options:
            check_group_choice(key, option)
