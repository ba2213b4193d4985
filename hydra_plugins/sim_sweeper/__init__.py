"""Hydra plugin package of this project: the sweeper that checks large sweeps quickly."""
