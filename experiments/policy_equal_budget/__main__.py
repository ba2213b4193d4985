"""``python -m experiments.policy_equal_budget``: see README.md in this folder."""

from experiments.policy_equal_budget import EXPERIMENT
from experiments.runner import main

raise SystemExit(main(EXPERIMENT))
