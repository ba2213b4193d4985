"""Policy comparison: which transfer structure keeps most craft firms and jobs, at what cost?"""

from experiments.runner import Experiment

OUTPUTS = (
    "transfer_structures",
    "rural_value_creation",
    "development_paths",
    "demand_focal_points",
    "succession_gap",
)

EXPERIMENT = Experiment(
    name="policy_comparison",
    question=(
        "Which intervention (or combination) keeps most craft firms and jobs in each district, "
        "under the statutory and an early coal exit, and at what discounted cost per job-year "
        "and per EUR of real value added? (study output 4; also 1, 2, 3, 5)"
    ),
    baseline={"intervention": "none"},
    outputs=OUTPUTS,
)

# the same levers, each at the same budget (conf/experiment/policy_equal_budget.yaml)
EQUAL_BUDGET = Experiment(
    name="policy_equal_budget",
    question=(
        "At the same budget for every lever (2 M EUR a year for the Revier), which returns most "
        "real turnover and value added per EUR of support? (study output 4)"
    ),
    baseline={"intervention": "none"},
    outputs=OUTPUTS,
)
