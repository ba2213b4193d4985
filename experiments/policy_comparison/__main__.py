"""``python -m experiments.policy_comparison``: see README.md in this folder."""

from experiments.policy_comparison import EXPERIMENT
from experiments.runner import main

raise SystemExit(main(EXPERIMENT))
