"""The choices the UI offers: config names found in ``conf/``, never free text.

The UI turns a selection into Hydra overrides of *names* from these lists, so a user can only
pick configs that ship with the project; nothing typed in the browser becomes a ``_target_``,
a path or an arbitrary override. The parameter sliders (:mod:`sim.ui.controls`) add overrides
of a fixed set of schema keys, each value checked against the key's domain first.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import yaml

from sim.config import CONF_DIR, ConfigError

NO_INTERVENTION = "none"


@cache
def config_names(group: str) -> tuple[str, ...]:
    """Names of the configs of a group (``conf/<group>/*.yaml``), schemas excluded."""
    folder = CONF_DIR / group
    names = sorted(p.stem for p in folder.glob("*.yaml") if not p.stem.endswith("_schema"))
    if not names:
        raise ConfigError(f"no configs found in {folder}")
    return tuple(names)


@cache
def description(group: str, name: str) -> str:
    """The ``description`` of a config, or its first comment line, for tooltips and labels."""
    path = CONF_DIR / group / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    if isinstance(data, dict) and data.get("description"):
        return str(data["description"])
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#") and not line.startswith("# @package"):
            return line.lstrip("# ").strip()
    return ""


def scenarios() -> tuple[str, ...]:
    return config_names("scenario")


def interventions() -> tuple[str, ...]:
    """Interventions that can be combined; 'none' is the empty selection, not an option."""
    return tuple(n for n in config_names("intervention") if n != NO_INTERVENTION)


def regions() -> tuple[str, ...]:
    return config_names("region")


@dataclass(frozen=True)
class LiveSettings:
    """What the live view's controls select; turned into Hydra overrides by :meth:`overrides`."""

    scenario: str = "baseline"
    interventions: tuple[str, ...] = field(default_factory=tuple)
    seed: int = 0
    region: str = "full"
    households_per_agent: int = 10
    # (schema key, value) set by the parameter controls; lists as tuples (hashable)
    params: tuple[tuple[str, Any], ...] = ()

    def param(self, key: str, default: Any = None) -> Any:
        return dict(self.params).get(key, default)

    def with_param(self, key: str, value: Any) -> LiveSettings:
        """These settings with one parameter set (lists stored as tuples)."""
        value = tuple(value) if isinstance(value, list) else value
        kept = tuple((k, v) for k, v in self.params if k != key)
        return replace(self, params=(*kept, (key, value)))

    def keep_params(self, keys) -> tuple[tuple[str, Any], ...]:
        """The parameters whose key is in ``keys`` (those of levers still chosen)."""
        return tuple((k, v) for k, v in self.params if k in keys)

    def overrides(self) -> list[str]:
        """Hydra overrides for :func:`sim.config.load_config`; unknown names raise ConfigError."""
        _check("scenario", self.scenario, scenarios())
        _check("region", self.region, regions())
        for name in self.interventions:
            _check("intervention", name, interventions())
        # keep the configured order so the same combination always gives the same label
        chosen = [n for n in interventions() if n in self.interventions]
        if not chosen:
            lever = NO_INTERVENTION
        elif len(chosen) == 1:
            lever = chosen[0]
        else:
            lever = "[" + ",".join(chosen) + "]"
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            raise ConfigError(
                f"config key 'seed' has invalid value {self.seed!r}; allowed: an integer"
            )
        if not isinstance(self.households_per_agent, int | float):
            raise ConfigError(
                f"config key 'households_per_agent' has invalid value "
                f"{self.households_per_agent!r}; allowed: a number >= 1"
            )
        return [
            f"region={self.region}",
            f"scenario={self.scenario}",
            f"intervention={lever}",
            f"seed={self.seed}",
            f"households_per_agent={self.households_per_agent}",
            "progress=false",
            *self.param_overrides(tuple(chosen)),
        ]

    def param_overrides(self, chosen: tuple[str, ...]) -> list[str]:
        """Overrides of the parameter controls: only the keys of :func:`controls_for` the
        chosen levers, each value checked against its domain or choices (ConfigError)."""
        from sim.ui.controls import check_param, controls_for, override

        allowed = controls_for(chosen)
        out = []
        for key, value in self.params:
            control = allowed.get(key)
            if control is None:
                raise ConfigError(
                    f"config key '{key}' cannot be set here; allowed: {', '.join(allowed)}"
                )
            out.append(override(key, check_param(control, value)))
        return out


def _check(group: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(
            f"config group '{group}' has no option {value!r}; allowed: {', '.join(allowed)}"
        )
