"""Validation: the hindcast and the one validation report (``python -m sim.validate``)."""
