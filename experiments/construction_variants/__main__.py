"""``python -m experiments.construction_variants``: see README.md in this folder."""

from experiments.construction_variants import EXPERIMENT
from experiments.runner import main

raise SystemExit(main(EXPERIMENT))
