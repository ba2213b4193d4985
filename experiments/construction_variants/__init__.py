"""Construction variants: how much of the crafts' future hangs on construction recovering?"""

from experiments.runner import Experiment

EXPERIMENT = Experiment(
    name="construction_variants",
    question=(
        "How much of the crafts' value creation and employment to 2045 hangs on the "
        "construction volume recovering from the 2022-2024 slump, against holding the 2024 "
        "level, and can the shrinking labour pool carry a recovery, with and without the "
        "apprenticeship offensive? (study outputs 1, 2 and 3)"
    ),
    baseline={"scenario": "baseline"},
    outputs=(
        "development_paths",
        "rural_value_creation",
        "demand_focal_points",
    ),
)
