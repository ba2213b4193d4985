"""The live view's parameter controls, built from the config schema (no UI code here).

As Mesa's SolaraViz builds its sliders from a model's parameters, the live view builds its
sliders and selects from the structured config: each :class:`Control` names one schema key,
and its bounds and choices come from the schema, not from this module:

* numbers: the key's declared domain (:func:`sim.config_domains.domain_of`: field metadata,
  then ``DOMAINS``), integer or not as the domain says. Where the domain is open-ended in
  practice the slider is narrowed by a rule, never by a typed number: a year to the schema's
  default run period (``Config.start`` .. ``Config.end``); an amount whose domain reaches more
  than ten times its default (a budget's domain ends at 1e12 EUR) to ten times the default;
* an enum field (the demography variant): its members;
* a lever's targets: the names :func:`sim.interventions.targeting.allowed_names` allows (the
  settlement types the lever serves), the districts limited to the modelled region.

:func:`check_param` refuses a value outside the domain or the choices, as the CLI does
(``sim.config_domains.check_domains``), before Hydra sees it; :func:`override` writes the
Hydra override of a checked value. The lever's duration is shown as a slider but stored as its
``end_year`` (start + duration - 1): only schema keys become overrides.
"""

from __future__ import annotations

import math
from dataclasses import MISSING, dataclass, fields
from enum import Enum
from functools import cache
from typing import Any

from sim.config import Config, ConfigError
from sim.config_domains import Domain, domain_of
from sim.interventions import lever_classes
from sim.interventions.targeting import TARGET_FIELDS, allowed_names
from sim.vocabulary import parse_quarter

CAP_TIMES_DEFAULT = 10.0  # an amount's slider ends at this multiple of its default ...
EUR_SCALE = 1e6  # ... and shows euro amounts in millions

SCENARIO_KEYS = {
    "scenario.coal_exit.closure_shift_years": "Coal exit: shift of the closure dates (years)",
    "scenario.coal_exit.indirect_jobs_per_direct_job": "Coal multiplier: regional jobs per "
    "direct lignite job",
    "scenario.demography.variant": "Demography: variant of the official projection",
    "scenario.construction_cycle.recovery_per_year": "Construction: share of the gap to 2021's "
    "volume closing a year",
}
LEVER_FIELDS = {
    "budget_eur_per_year": "budget (M€ a year, whole Revier)",
    "start_year": "start year",
    "end_year": "duration (years)",
    "districts": "districts (none = all)",
    "settlement_types": "settlement types (none = all)",
    "trade_groups": "trade groups (none = all)",
}


@dataclass(frozen=True)
class Control:
    """One slider or select: the schema key it sets and what it may take."""

    key: str  # dotted schema key
    label: str
    kind: str  # 'slider', 'select' (one of choices), 'multi' (any of choices)
    default: Any  # the schema's default
    lo: float = 0.0
    hi: float = 0.0
    step: float = 1.0
    integer: bool = False
    scale: float = 1.0  # shown value = stored value / scale
    choices: tuple[str, ...] = ()
    domain: Domain | None = None  # what check_param enforces for numbers

    @property
    def is_duration(self) -> bool:
        return self.key.endswith(".end_year")


def _field(path: str):
    """The dataclass field of a dotted schema key, and its default."""
    schema: Any = Config
    *parents, leaf = path.split(".")
    for part in parents:
        f = {x.name: x for x in fields(schema)}[part]
        schema = type(f.default_factory())
    f = {x.name: x for x in fields(schema)}[leaf]
    default = f.default_factory() if f.default_factory is not MISSING else f.default
    return f, default


def _nice_step(span: float, integer: bool) -> float:
    """About 100 steps over the span, rounded to 1, 2 or 5 times a power of ten."""
    if integer:
        return 1.0
    raw = span / 100.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def run_years() -> tuple[int, int]:
    """The schema's default run period, in years (2025, 2045)."""
    return parse_quarter(Config.start) // 4, parse_quarter(Config.end) // 4


def _number_control(key: str, label: str, default: float) -> Control:
    fld, _ = _field(key)
    domain = domain_of(key, fld)
    if domain is None:
        raise ConfigError(f"config key '{key}' has no declared domain; it cannot be a slider")
    lo, hi = domain.lo, domain.hi
    if key.endswith((".start_year", ".end_year")):
        first, last = run_years()
        lo, hi = max(lo, first), min(hi, last)
    elif default > 0 and hi > CAP_TIMES_DEFAULT * default:
        hi = CAP_TIMES_DEFAULT * default
    scale = EUR_SCALE if key.endswith("_eur_per_year") else 1.0
    integer = domain.integer or fld.type in (int, "int")
    return Control(
        key=key,
        label=label,
        kind="slider",
        default=default,
        lo=lo,
        hi=hi,
        step=_nice_step((hi - lo) / scale, integer) * scale,
        integer=integer,
        scale=scale,
        domain=domain,
    )


@cache
def scenario_controls() -> tuple[Control, ...]:
    out = []
    for key, label in SCENARIO_KEYS.items():
        fld, default = _field(key)
        if isinstance(default, Enum):
            names = tuple(m.name for m in type(default))
            out.append(Control(key, label, "select", default.name, choices=names))
        else:
            out.append(_number_control(key, label, float(default)))
    return tuple(out)


@cache
def lever_controls(lever: str, modelled: tuple[str, ...] = ()) -> tuple[Control, ...]:
    """The controls of one lever; ``modelled`` limits its districts to the modelled region."""
    cls = lever_classes().get(lever)
    if cls is None:
        raise ConfigError(f"no lever named {lever!r}; allowed: {', '.join(lever_classes())}")
    params = cls.Params()
    out = []
    for name, text in LEVER_FIELDS.items():
        key = f"intervention.{lever}.{name}"
        default = getattr(params, name)
        if name in TARGET_FIELDS:
            names = allowed_names(name)
            if name == "settlement_types":
                names = cls.settlement_types_served
            if name == "districts" and modelled:
                names = tuple(n for n in names if n in modelled)
            out.append(Control(key, text, "multi", list(default), choices=tuple(names)))
        else:
            out.append(_number_control(key, text, float(default)))
    return tuple(out)


def controls_for(
    interventions: tuple[str, ...], modelled: tuple[str, ...] = ()
) -> dict[str, Control]:
    """Key -> control of everything the live view may set for these interventions."""
    found = {c.key: c for c in scenario_controls()}
    for lever in interventions:
        found.update({c.key: c for c in lever_controls(lever, modelled)})
    return found


def _refuse(key: str, value: Any, allowed: str) -> None:
    raise ConfigError(f"config key '{key}' has invalid value {value!r}; allowed: {allowed}")


def check_param(control: Control, value: Any) -> Any:
    """The value if the control may take it (the CLI's domain check), else ConfigError."""
    if control.kind == "select":
        if value not in control.choices:
            _refuse(control.key, value, ", ".join(control.choices))
        return value
    if control.kind == "multi":
        items = list(value) if isinstance(value, list | tuple) else [value]
        bad = [v for v in items if v not in control.choices] or len(set(items)) < len(items)
        if bad:
            _refuse(control.key, value, f"distinct names of {', '.join(control.choices)}")
        return items
    domain = control.domain or Domain()
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not number or not domain.contains(float(value)):
        _refuse(control.key, value, domain.describe())
    if control.integer:
        if float(value) != int(value):
            _refuse(control.key, value, domain.describe())
        return int(value)
    return float(value)


def override(key: str, value: Any) -> str:
    """The Hydra override of a checked value: ``key=value``; lists as ``[a,b]``."""
    if isinstance(value, list):
        return f"{key}=[{','.join(value)}]"
    return f"{key}={value!r}" if isinstance(value, float) else f"{key}={value}"


def shown(control: Control, value: Any) -> Any:
    """What the slider shows for a stored value (millions of euro, a duration in years)."""
    return value / control.scale if control.kind == "slider" else value
