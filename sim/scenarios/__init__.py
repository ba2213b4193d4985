"""Scenarios: exogenous paths (coal exit, demography, structural funds, energy transition).

Each process is a :class:`sim.scenarios.base.ScenarioProcess`; the model calls their hooks in
``SCENARIO_ORDER`` (the order matters: households age and move before coal sites close, and the
energy transition scales Ausbau demand after the coal sector's and the funds' demand is in).
"""

SCENARIO_ORDER = ("demography", "coal_exit", "structural_funds", "energy_transition")
