"""The study's named experiments: ``python -m experiments.<name>`` runs one end to end.

Each experiment is a Hydra experiment config (``conf/experiment/<name>.yaml``: the sweep and
its settings) plus a package here whose ``__main__`` runs the sweep and writes the comparison
and the study outputs. See docs/usage_sweeps.md and each experiment's README.md.
"""
