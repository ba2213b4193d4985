"""Policy comparison at equal budgets (defined with the policy comparison)."""

from experiments.policy_comparison import EQUAL_BUDGET as EXPERIMENT

__all__ = ["EXPERIMENT"]
