"""Policy levers: one class a file in this package, found here by name.

Adding a lever means one new file here (a :class:`~sim.interventions.base.Lever` subclass
decorated with :func:`register_lever`, with its ``Params`` dataclass) plus one
``conf/intervention/<name>.yaml`` that sets ``enabled: true``; the config schema
(``sim.config.InterventionConfig``) and the model pick it up from this registry. Its unit costs
and effect sizes belong in ``sim/data/lever_evidence.csv`` (``evidence``), its size, years and
targets are the common ``LeverParams`` fields (``targeting``); ``active`` combines the levers.
"""

from __future__ import annotations

import importlib
import pkgutil

from sim.interventions.base import Lever

_LEVERS: dict[str, type[Lever]] = {}


def register_lever(cls: type[Lever]) -> type[Lever]:
    """Class decorator: make a lever known to the config schema and the model."""
    if not getattr(cls, "name", ""):
        raise TypeError(f"{cls.__name__} needs a class attribute 'name'")
    known = _LEVERS.get(cls.name)
    if known is not None and known.__qualname__ != cls.__qualname__:
        raise ValueError(f"a lever named {cls.name!r} exists already: {known.__module__}")
    _LEVERS[cls.name] = cls
    return cls


def unregister_lever(name: str) -> None:
    """Forget a lever registered at run time (tests)."""
    _LEVERS.pop(name, None)


def _discover() -> None:
    # every module of this package defines (and registers) at most one lever
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")


def lever_classes() -> dict[str, type[Lever]]:
    """name -> lever class, in the levers' ``order`` (the order they act and are labelled)."""
    return dict(sorted(_LEVERS.items(), key=lambda kv: (kv[1].order, kv[0])))


_discover()
