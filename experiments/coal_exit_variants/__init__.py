"""Coal-exit variants: where does the coal exit hit the crafts, how much can they absorb?"""

from experiments.runner import Experiment

EXPERIMENT = Experiment(
    name="coal_exit_variants",
    question=(
        "Where do the loss of coal jobs and of coal-sector demand hit the craft firms hardest, "
        "and how much of it can the crafts absorb, for the statutory, an earlier and a later "
        "coal exit, and at the low and high regional multiplier? (study outputs 6 and 1; also "
        "2, 3, 5)"
    ),
    baseline={"scenario": "no_coal_exit"},
    outputs=(
        "coal_exposure",
        "development_paths",
        "rural_value_creation",
        "demand_focal_points",
        "succession_gap",
    ),
)
