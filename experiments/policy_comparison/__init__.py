"""Policy comparison: which transfer structure keeps most craft firms and jobs, at what cost?"""

from experiments.runner import Experiment

EXPERIMENT = Experiment(
    name="policy_comparison",
    question=(
        "Which intervention (or combination) keeps most craft firms and jobs in each district, "
        "and at what cost per job and per EUR of value added? (study output 4; also 1, 2, 3, 5)"
    ),
    baseline={"intervention": "none"},
    outputs=(
        "transfer_structures",
        "rural_value_creation",
        "development_paths",
        "demand_focal_points",
        "succession_gap",
    ),
)
