"""Scenarios: exogenous paths (coal exit, demography, structural funds, energy transition)."""
