"""Structured configuration: the schema every Hydra config is validated against.

The dataclasses here and in its sections (:mod:`sim.config_model`, :mod:`sim.config_scenario`,
the levers' ``Params``) are registered in Hydra's ConfigStore as the base of ``conf/config.yaml``
and of each config group, so a misspelt key or a value of the wrong type fails when the config
is composed, before any model code runs. Cross-field rules that a type cannot express (dates in
order, districts that exist, shares that sum to one) live in :func:`validate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, make_dataclass
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf

from sim.config_model import (  # noqa: F401  (re-exported: the schema's sections)
    CooperationParams,
    FirmParams,
    HouseholdParams,
    ModelParams,
    TransferParams,
)
from sim.config_scenario import (  # noqa: F401
    CoalExitConfig,
    ConstructionCycleConfig,
    DemographyConfig,
    DemographyVariant,
    EnergyTransitionConfig,
    ScenarioConfig,
    StructuralFundsConfig,
)
from sim.interventions import lever_classes
from sim.vocabulary import parse_quarter


class ConfigError(ValueError):
    """A user-facing configuration problem: the message names the key and the allowed values."""


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
    # a place's radius for travel inside it: a disc at this density (inhabitants per km2) [E]
    place_density_per_km2: float = 2000.0
    firm_urban_tilt: float = 1.05  # firms per place ~ population ** tilt within a district
    settlement: SettlementRule = field(default_factory=SettlementRule)


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
    from sim.interventions.targeting import TargetError, check_targets

    try:
        check_targets(c)  # the levers' districts, settlement types, trade groups and years
    except TargetError as exc:
        raise ConfigError(str(exc)) from None
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
        # name each key, so whichever the user set is in the message
        _fail(
            "model.firm.succession_family + succession_employee + succession_external",
            shares,
            "shares that sum to at most 1",
        )
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
