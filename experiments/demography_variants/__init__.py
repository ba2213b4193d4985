"""Demography variants: what does faster population decline cost the rural crafts?"""

from experiments.runner import Experiment

EXPERIMENT = Experiment(
    name="demography_variants",
    question=(
        "What does the official low population variant (plus extra out-migration) cost the "
        "rural crafts' value creation and their successions, and do succession support and the "
        "apprenticeship offensive help more when the population shrinks faster? (study outputs "
        "5, 1 and 2; also 3)"
    ),
    baseline={"scenario": "baseline"},
    outputs=(
        "succession_gap",
        "development_paths",
        "rural_value_creation",
        "demand_focal_points",
    ),
)
