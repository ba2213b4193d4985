"""``python -m experiments.coal_exit_variants``: see README.md in this folder."""

from experiments.coal_exit_variants import EXPERIMENT
from experiments.runner import main

raise SystemExit(main(EXPERIMENT))
