"""Where, when and how big a lever is: its target names checked, its budget scaled to the region.

Every lever's ``Params`` carry the same targeting fields (``sim.interventions.base.LeverParams``):
``districts``, ``settlement_types`` and ``trade_groups`` (empty = all), ``start_year`` and
``end_year`` (inclusive), and ``budget_eur_per_year``. The budget is the programme's annual
budget for its target area in the whole Mitteldeutsches Revier (the 9 districts of
``districts.csv``); a run of part of the Revier (``region=small``) spends the part that falls on
the modelled districts, in proportion to the target area's craft firms there
(:func:`budget_share`). So the same config means the same programme in the small and the full
region, and a lever targeted at one district spends the same there in both.

A wrong name raises :class:`TargetError` (a ``ValueError`` naming the key and the allowed
values, worded as ``sim.config.ConfigError``); ``sim.config.validate`` turns it into a
``ConfigError`` (the levers sit below the config layer and do not import it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from sim.datasets import load_districts
from sim.vocabulary import SETTLEMENT_TYPES, TRADE_GROUPS

TARGET_FIELDS = ("districts", "settlement_types", "trade_groups")


class TargetError(ValueError):
    """A lever's target or timing is wrong; the message names the key and the allowed values."""


def _fail(key: str, value: Any, allowed: str) -> None:
    raise TargetError(f"config key '{key}' has invalid value {value!r}; allowed: {allowed}")


def allowed_names(field: str) -> tuple[str, ...]:
    """The names a targeting field may list."""
    if field == "districts":
        return tuple(load_districts()["district_id"])
    if field == "settlement_types":
        return SETTLEMENT_TYPES
    if field == "trade_groups":
        return TRADE_GROUPS
    raise KeyError(field)


def check_lever(name: str, params: Any, modelled: Sequence[str]) -> None:
    """One lever's targeting and timing (its ``Params`` or config node); TargetError if wrong.

    ``modelled``: the district ids of the region modelled (all 9 when empty).
    """
    from sim.interventions import lever_classes  # local: the levers import this module

    key = f"intervention.{name}"
    cls = lever_classes().get(name)
    for field in TARGET_FIELDS:
        allowed = allowed_names(field)
        if field == "settlement_types" and cls is not None:
            allowed = cls.settlement_types_served
        for item in _get(params, field):
            if item not in allowed:
                _fail(f"{key}.{field}", item, ", ".join(allowed) + " (empty = all)")
    start, end = _get(params, "start_year"), _get(params, "end_year")
    if end < start:
        _fail(f"{key}.end_year", end, f"a year not before start_year={start}")
    targeted = list(_get(params, "districts"))
    modelled = list(modelled) or list(allowed_names("districts"))
    if targeted and not set(targeted) & set(modelled):
        _fail(
            f"{key}.districts",
            targeted,
            f"at least one district of the modelled region ({', '.join(modelled)}); choose "
            f"region=full or another district",
        )


def _get(params: Any, field: str) -> Any:
    return params[field] if isinstance(params, dict) else getattr(params, field)


def check_targets(cfg: Any) -> None:
    """Every enabled lever of a composed config (``sim.config.validate`` calls this)."""
    modelled = list(cfg.region.districts)
    for name in cfg.intervention:
        node = cfg.intervention[name]
        if node.enabled:
            check_lever(name, node, modelled)


def budget_share(modelled: Iterable[str], targeted: Iterable[str]) -> float:
    """Share of the target area's craft firms (``districts.csv``) in the modelled districts.

    ``modelled`` empty = the whole Revier; ``targeted`` empty = every district. 1.0 for the
    full region; e.g. about 0.27 for ``region=small`` untargeted.
    """
    d = load_districts().set_index("district_id")["craft_firms"].astype(float)
    targeted = list(targeted) or list(d.index)
    modelled = set(modelled) or set(d.index)
    total = d.loc[targeted].sum()
    return float(d.loc[[x for x in targeted if x in modelled]].sum() / total) if total else 0.0


def codes(names: Sequence[str], vocabulary: Sequence[str]) -> np.ndarray:
    """Indices of ``names`` in ``vocabulary``; all of them when ``names`` is empty."""
    if not names:
        return np.arange(len(vocabulary))
    return np.array([list(vocabulary).index(n) for n in names], dtype=int)
