"""The one pairing of runs: an arm's run with the baseline run of the same seed and context.

A sweep varies two run dimensions, ``intervention`` and ``scenario``. A comparison names one of
them as the *key* and a reference value of it as the baseline; every other value of the key is an
*arm*, and the other dimension is the *context*. A row of an arm is paired with the baseline's
row of the same seed and the same context (and the same value of any further ``by`` columns, such
as district or year). Runs with the same seed share their random numbers (``sim/randomness.py``),
so the paired difference removes most of the noise between seeds.

Every caller pairs through :func:`pair_rows`; :func:`run_pairs` lists the pairs of runs and
:func:`paired_differences` summarises paired differences with a t-interval.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from sim.analysis.statistics import LEVEL, t_interval

PAIR_KEYS = ("intervention", "scenario")
BASE_SUFFIX = "__base"


def other_dimension(key: str) -> str:
    """The run dimension that is not ``key``: the context within which runs are paired."""
    if key not in PAIR_KEYS:
        raise ValueError(f"pairing key must be one of {', '.join(PAIR_KEYS)}; got {key!r}")
    return "scenario" if key == "intervention" else "intervention"


def pair_rows(
    frame: pd.DataFrame,
    key: str,
    base_value: str,
    by: Sequence[str] = (),
    suffix: str = BASE_SUFFIX,
) -> pd.DataFrame:
    """Each arm row beside its baseline row: same seed, same context, same ``by`` values.

    Args:
        frame: Rows of arm and baseline runs, with columns ``key``, the other run dimension,
            ``seed`` and ``by``.
        key: The run dimension compared (``intervention`` or ``scenario``).
        base_value: The baseline's value of ``key``; rows with any other value are arm rows.
        by: Further columns a pair must agree on (e.g. ``district_id``, ``year``).
        suffix: Appended to the baseline's copy of every other column.

    Returns:
        The arm rows, in their order in ``frame``, that have a baseline partner, with the
        partner's columns beside them (``value`` and ``value<suffix>``). Arm rows without a
        partner, and baseline rows without an arm row, are left out.
    """
    on = [other_dimension(key), "seed", *by]
    base = frame.loc[frame[key] == base_value].drop(columns=key)
    arms = frame.loc[frame[key] != base_value]
    return arms.merge(base, on=on, suffixes=("", suffix), how="inner")


def run_pairs(runs: pd.DataFrame, key: str, base_value: str) -> pd.DataFrame:
    """The pairs of runs a comparison uses: columns arm, scenario, intervention, seed.

    ``scenario`` and ``intervention`` are those of the arm's run; its baseline partner has
    ``key`` = ``base_value`` and the same seed and context.
    """
    other = other_dimension(key)
    pairs = pair_rows(runs[[key, other, "seed"]], key, base_value)
    pairs = pairs.rename(columns={key: "arm"}).assign(**{key: lambda d: d["arm"]})
    return pairs[["arm", "scenario", "intervention", "seed"]]


def unpaired_count(runs: pd.DataFrame, pairs: pd.DataFrame, key: str) -> int:
    """How many of ``runs`` (one per scenario, intervention and seed) are in no pair."""
    other = other_dimension(key)
    return len(runs) - len(pairs) - len(pairs[[other, "seed"]].drop_duplicates())


def run_columns(key: str, arm: str, context: str) -> dict[str, str]:
    """The scenario and intervention of an arm's runs in a context, as table columns."""
    return {
        "scenario": arm if key == "scenario" else context,
        "intervention": arm if key == "intervention" else context,
    }


def paired_differences(
    frame: pd.DataFrame,
    key: str,
    base_value: str,
    by: list[str],
    metrics: dict[str, str],
    level: float = LEVEL,
) -> pd.DataFrame:
    """Mean paired difference (arm - baseline) with its t-interval, long format.

    Args:
        frame: One row per run and ``by`` group: columns scenario, intervention, seed, ``by``
            and the metric columns.
        key: The run dimension compared.
        base_value: The baseline's value of ``key``.
        by: Columns a pair must agree on and the result is grouped by (besides arm and context).
        metrics: Metric column -> unit.
        level: Confidence level.

    Returns:
        Columns arm, scenario, intervention, *by, metric, unit, mean_diff, ci_low, ci_high,
        n_pairs; groups in the order they first occur among the pairs.
    """
    other = other_dimension(key)
    cols = list(metrics)
    merged = pair_rows(frame[[key, other, "seed", *by, *cols]], key, base_value, by)
    diffs = pd.DataFrame({c: merged[c].to_numpy(float) - merged[f"{c}{BASE_SUFFIX}"] for c in cols})
    diffs[[key, other, *by]] = merged[[key, other, *by]].to_numpy()
    long = diffs.melt(id_vars=[key, other, *by], var_name="metric", value_name="diff")
    out = (
        long.groupby([key, other, *by, "metric"], sort=False, observed=True)["diff"]
        .agg(mean_diff="mean", sd="std", n_pairs="count")
        .reset_index()
    )
    out["ci_low"], out["ci_high"] = t_interval(out["mean_diff"], out["sd"], out["n_pairs"], level)
    out["unit"] = out["metric"].map(metrics)
    out = out.rename(columns={key: "arm"})
    out[key] = out["arm"]
    cols_out = ["arm", "scenario", "intervention", *by, "metric", "unit", "mean_diff"]
    return out[[*cols_out, "ci_low", "ci_high", "n_pairs"]]
