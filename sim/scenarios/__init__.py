"""Scenarios: exogenous paths (coal exit, demography, structural funds, construction cycle,
energy transition).

Each process is a :class:`sim.scenarios.base.ScenarioProcess`; the model calls their hooks in
``SCENARIO_ORDER`` (the order matters: households age and move before coal sites close, and the
energy transition scales Ausbau demand after the coal sector's and the funds' demand is in).
"""

SCENARIO_ORDER = (
    "demography",
    "coal_exit",
    "structural_funds",
    "construction_cycle",
    "energy_transition",
)


def in_order(*processes) -> tuple:
    """The scenario processes in ``SCENARIO_ORDER`` (each process's ``name`` is one of it)."""
    by_name = {p.name: p for p in processes}
    return tuple(by_name[name] for name in SCENARIO_ORDER)
