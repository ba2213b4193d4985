"""``python -m experiments.demography_variants``: see README.md in this folder."""

from experiments.demography_variants import EXPERIMENT
from experiments.runner import main

raise SystemExit(main(EXPERIMENT))
