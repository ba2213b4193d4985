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


def settings_conflict(configs: dict[str, dict], runs: pd.DataFrame, key: str) -> str | None:
    """Why the runs cannot be paired on ``key`` (a setting they differ in), or None.

    Runs may differ in the seed, in ``key``'s settings between its values and in the other
    dimension's settings between its values; not in anything else (where results are written
    aside), and two runs with the same name for ``key`` or for the context must have the same
    settings under it (an arm named like another but with other parameters).

    Args:
        configs: Run id -> the run's resolved config (its manifest's ``config``).
        runs: Rows with run_id, scenario, intervention.
        key: The compared dimension.
    """
    from sim.store import NOT_HASHED, differing_settings

    other = other_dimension(key)
    ignore = (*NOT_HASHED, "seed", "scenario", "intervention")
    ids = list(runs["run_id"])
    first = ids[0]
    for run_id in ids[1:]:
        diffs = differing_settings(configs[first], configs[run_id], ignore)
        if diffs:
            return _conflict(first, run_id, diffs, f"besides the compared {key} and the seed")
    for dim in (key, other):
        for value, group in runs.groupby(dim, sort=True):
            gid = list(group["run_id"])
            for run_id in gid[1:]:
                diffs = differing_settings(
                    {dim: configs[gid[0]].get(dim)}, {dim: configs[run_id].get(dim)}, ()
                )
                if diffs:
                    why = f"although both are {dim}={value}"
                    return _conflict(gid[0], run_id, diffs, why)
    return None


def _conflict(a: str, b: str, diffs: list, why: str) -> str:
    name, va, vb = diffs[0]
    more = f" (and {len(diffs) - 1} more setting(s))" if len(diffs) > 1 else ""
    return (
        f"runs {a} and {b} differ in setting '{name}' ({va!r} vs {vb!r}){more} {why}; a paired "
        f"comparison needs runs that differ only in the compared dimension and the seed: move "
        f"the runs of other settings to another folder (batch=NAME)"
    )


def check_settings(runs: pd.DataFrame, key: str) -> None:
    """ResultsError naming the setting if the finished runs (index rows with ``path``) differ
    in more than ``key`` and seed (see :func:`settings_conflict`)."""
    from sim.store import ResultsError, read_manifest

    if "path" not in runs.columns:
        raise ResultsError("the runs' settings cannot be checked: the runs have no 'path' column")
    if runs.empty:
        return
    configs = {r.run_id: read_manifest(r.path).get("config", {}) for r in runs.itertuples()}
    problem = settings_conflict(configs, runs, key)
    if problem:
        raise ResultsError(problem)


def run_pairs(runs: pd.DataFrame, key: str, base_value: str) -> pd.DataFrame:
    """The pairs of runs a comparison uses: columns arm, scenario, intervention, seed.

    ``scenario`` and ``intervention`` are those of the arm's run; its baseline partner has
    ``key`` = ``base_value`` and the same seed and context. Whether the runs may be paired at
    all (same settings but for ``key`` and seed) is :func:`check_settings`' question, asked by
    every comparison before it pairs (``sim.analysis.comparison``).
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
