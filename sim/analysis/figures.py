"""PNG figures for comparisons and study outputs (matplotlib, Agg backend: no display needed).

Every figure carries a caption line with the comparison's provenance (baseline, seeds, code
version), so a figure pasted into a report stays traceable.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.colors import LogNorm, TwoSlopeNorm  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from sim.analysis.boundaries import choropleth_panel, draw_districts, map_axes  # noqa: E402
from sim.atomic import write_with  # noqa: E402
from sim.vocabulary import quarter_to_year  # noqa: E402

TIME_METRICS = (
    ("employees", "employees [persons]"),
    ("firms", "firms"),
    ("value_added_real_eur", "value added at base-year prices [EUR/quarter]"),
    ("rural_value_added_real_eur", "rural value added at base-year prices [EUR/quarter]"),
    ("value_added_eur", "value added, nominal [EUR/quarter]"),
    ("rural_value_added_eur", "rural value added, nominal [EUR/quarter]"),
    ("unmet_demand_eur", "unmet demand [EUR/quarter]"),
    ("apprentices", "apprentices [persons]"),
)


def stamp_text(meta: dict) -> str:
    """The provenance caption of a comparison's figures, from its ``meta``."""
    return (
        f"{meta.get('sweep_dir', '')} | baseline {meta.get('baseline', '')} | seeds "
        f"{meta.get('seeds', '')} | region {meta.get('region', '')} | code "
        f"{meta.get('code_version', '')}"
    )


def _check_unique(frame: pd.DataFrame, keys: list[str]) -> None:
    dup = frame.duplicated(keys, keep=False)
    if dup.any():  # a caller bug: one bar per key pair
        raise ValueError(f"several rows per {keys}: {frame.loc[dup, keys].head(3).values.tolist()}")


def save(fig: Figure, path: Path, caption: str = "") -> Path:
    """Save atomically (``sim.atomic``) with the provenance caption, then close the figure."""
    if caption:
        fig.text(0.01, -0.005, caption, fontsize=6, color="0.35", ha="left", va="top")
    try:
        return write_with(path, lambda tmp: fig.savefig(tmp, dpi=130, bbox_inches="tight"))
    finally:
        plt.close(fig)  # pyplot keeps every open figure alive otherwise


def time_paths(over_time: pd.DataFrame, title: str, caption: str, path: Path) -> Path:
    """Mean paired difference per quarter with its 95 % band, one panel per metric."""
    metrics = [(m, label) for m, label in TIME_METRICS if m in set(over_time["metric"])]
    cols = 2
    rows = max(1, int(np.ceil(len(metrics) / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(11, 3.0 * rows), squeeze=False, sharex=True)
    for ax, (metric, label) in zip(axes.ravel(), metrics, strict=False):
        part = over_time[over_time["metric"] == metric]
        for arm, d in part.groupby("arm", sort=True):
            d = d.sort_values("quarter")
            x = quarter_to_year(d["quarter"])
            (line,) = ax.plot(x, d["mean_diff"], label=arm, lw=1.4)
            ax.fill_between(x, d["ci_low"], d["ci_high"], color=line.get_color(), alpha=0.2)
        ax.axhline(0, color="0.3", lw=0.7)
        ax.set_title(label, fontsize=9)
        ax.tick_params(labelsize=8)
    for ax in axes.ravel()[len(metrics) :]:
        ax.set_visible(False)
    axes[0, 0].legend(fontsize=7, loc="best")
    fig.suptitle(title + " (mean difference, 95 % CI over seed pairs)", fontsize=10)
    fig.tight_layout()
    return save(fig, path, caption)


def district_bars(frame: pd.DataFrame, title: str, caption: str, path: Path) -> Path:
    """Horizontal bars of the mean difference per district and arm, with 95 % CI whiskers."""
    _check_unique(frame, ["district_id", "arm"])
    districts = sorted(frame["district_id"].unique())
    arms = sorted(frame["arm"].unique())
    height = 0.8 / max(len(arms), 1)
    fig, ax = plt.subplots(figsize=(8, 0.5 + 0.45 * len(districts) * max(1, len(arms) / 3)))
    y = np.arange(len(districts))
    for i, arm in enumerate(arms):
        d = frame[frame["arm"] == arm].set_index("district_id").reindex(districts)
        err = np.vstack([d["mean_diff"] - d["ci_low"], d["ci_high"] - d["mean_diff"]])
        ax.barh(
            y + i * height - 0.4 + height / 2,
            d["mean_diff"],
            height=height,
            xerr=np.nan_to_num(err),
            label=arm,
            capsize=2,
        )
    ax.axvline(0, color="0.3", lw=0.7)
    ax.set_yticks(y, districts, fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    return save(fig, path, caption)


def _log_scatter(
    ax: Axes, places: pd.DataFrame, values: pd.Series, size: pd.Series
) -> PathCollection:
    """Places at lon/lat coloured by a non-negative value on a log scale (focal-point maps)."""
    v = values.clip(lower=1.0)
    return ax.scatter(
        places["lon"],
        places["lat"],
        c=v,
        s=size,
        cmap="inferno_r",
        norm=LogNorm(vmin=max(v.min(), 1.0), vmax=max(v.max(), 10.0)),
        edgecolor="0.4",
        linewidth=0.3,
        zorder=2,
    )


def _district_totals(places: pd.DataFrame, value: str) -> pd.Series | None:
    """Sum of a place value per district (the choropleth under the places), if known."""
    if "district_id" not in places:
        return None
    return places.groupby("district_id")[value].sum()


def place_map(places: pd.DataFrame, title: str, caption: str, path: Path) -> Path:
    """Maps of the places over the district boundaries: unmet demand (focal points), value-added
    change, and the value-added change summed per district (choropleth, places on top)."""
    totals = _district_totals(places, "value_added_change_eur")
    fig, axes = plt.subplots(
        1, 2 + (totals is not None), figsize=(6 * (2 + (totals is not None)), 5.2)
    )
    size = 8 + 120 * np.sqrt(places["population"] / places["population"].max())
    for ax in axes[:2]:
        draw_districts(ax, _district_ids(places))
    sc = _log_scatter(axes[0], places, places["unmet_demand_eur"], size)
    fig.colorbar(sc, ax=axes[0], label="unmet demand [EUR/year]", shrink=0.85)
    axes[0].set_title("demand focal points: unmet demand", fontsize=9)
    change = places["value_added_change_eur"]
    bound = float(np.nanmax(np.abs(change))) or 1.0
    sc = axes[1].scatter(
        places["lon"],
        places["lat"],
        c=change,
        s=size,
        cmap="RdBu",
        norm=TwoSlopeNorm(vcenter=0.0, vmin=-bound, vmax=bound),
        edgecolor="0.4",
        linewidth=0.3,
        zorder=2,
    )
    fig.colorbar(sc, ax=axes[1], label="value added change [EUR/year]", shrink=0.85)
    axes[1].set_title("value added: arm - baseline", fontsize=9)
    if totals is not None:
        label = "value added change, sum of places [EUR/year]"
        choropleth_panel(axes[2], totals, label, places, diverging=True)
        axes[2].set_title("value added: arm - baseline, per district", fontsize=9)
    lat = float(places["lat"].mean())
    for ax in axes[:2]:
        map_axes(ax, lat)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return save(fig, path, caption)


def _district_ids(places: pd.DataFrame) -> list[str] | None:
    """The districts the places lie in (the modelled region), or all when not known."""
    return sorted(places["district_id"].unique()) if "district_id" in places else None


def level_map(
    places: pd.DataFrame,
    value: str,
    label: str,
    title: str,
    caption: str,
    path: Path,
    choropleth: bool = True,
) -> Path:
    """A map of a non-negative place value (log colour scale) over the district boundaries,
    and (``choropleth``) beside it the value summed per district with the places on top."""
    totals = _district_totals(places, value) if choropleth else None
    n = 1 + (totals is not None)
    fig, axes = plt.subplots(1, n, figsize=(6.5 * n, 5.2), squeeze=False)
    ax = axes[0, 0]
    size = 8 + 120 * np.sqrt(places["population"] / places["population"].max())
    draw_districts(ax, _district_ids(places))
    sc = _log_scatter(ax, places, places[value], size)
    fig.colorbar(sc, ax=ax, label=label, shrink=0.85)
    top = places[places[value] > 0].nlargest(8, value)  # no labels on places without any
    for r in top.itertuples():
        ax.annotate(r.name, (r.lon, r.lat), fontsize=6, xytext=(3, 3), textcoords="offset points")
    map_axes(ax, float(places["lat"].mean()))
    ax.set_title("per place", fontsize=9)
    if totals is not None:
        choropleth_panel(axes[0, 1], totals, f"{label}, sum of places", places)
        axes[0, 1].set_title("per district", fontsize=9)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return save(fig, path, caption)


def lines_by_panel(
    frame: pd.DataFrame,
    panel: str,
    line: str,
    x: str,
    y: str,
    ylabel: str,
    title: str,
    caption: str,
    path: Path,
    band: tuple[str, str] | None = None,
    projection: tuple[str, str, str] | None = None,
) -> Path:
    """Small multiples: one panel per value of ``panel``, one line per value of ``line``.

    ``band`` (low, high) shades the 95 % CI of the seed mean around the line of ``y``;
    ``projection`` (p05, p50, p95) adds the projection range over runs as a lighter band with
    the median dashed (``sim.analysis.bands``), so the two intervals are never confused."""
    panels = sorted(frame[panel].unique())
    cols = min(3, len(panels))
    rows = int(np.ceil(len(panels) / cols))
    fig, axes = plt.subplots(
        rows, cols, figsize=(4.2 * cols, 2.8 * rows), squeeze=False, sharex=True
    )
    for ax, p in zip(axes.ravel(), panels, strict=False):
        part = frame[frame[panel] == p]
        for name, d in part.groupby(line, sort=True):
            if not d[y].any():  # e.g. "city" in a district without a city
                continue
            d = d.sort_values(x)
            (ln,) = ax.plot(d[x], d[y], label=str(name), lw=1.3)
            if band:
                ax.fill_between(d[x], d[band[0]], d[band[1]], color=ln.get_color(), alpha=0.3)
            if projection:
                draw_projection(ax, d[x], d, projection, ln.get_color())
        ax.set_title(str(p), fontsize=9)
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in axes.ravel()[len(panels) :]:
        ax.set_visible(False)
    axes[0, 0].set_ylabel(ylabel, fontsize=8)
    axes[0, 0].legend(fontsize=6, loc="best")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return save(fig, path, caption)


def draw_projection(
    ax: Axes, x: pd.Series, d: pd.DataFrame, columns: tuple[str, str, str], color: str
) -> None:
    """The projection range (p05-p95 over runs) as a light band, its median dashed."""
    low, mid, high = columns
    ax.fill_between(x, d[low], d[high], color=color, alpha=0.1, lw=0)
    ax.plot(x, d[mid], color=color, lw=0.9, ls="--")


def bars(
    frame: pd.DataFrame,
    category: str,
    group: str,
    value: str,
    xlabel: str,
    title: str,
    caption: str,
    path: Path,
    err: tuple[str, str] | None = None,
    projection: tuple[str, str] | None = None,
) -> Path:
    """Grouped horizontal bars: ``category`` on the axis, one bar per ``group`` value.

    ``err`` (low, high): whiskers of the 95 % CI of the seed mean; ``projection`` (p05, p95):
    the projection range over runs as a thin grey line with end ticks beside each bar."""
    _check_unique(frame, [category, group])
    cats = sorted(frame[category].unique())
    groups = sorted(frame[group].unique())
    height = 0.8 / max(len(groups), 1)
    fig, ax = plt.subplots(figsize=(8, 0.8 + 0.4 * len(cats) * max(1, len(groups) / 3)))
    y = np.arange(len(cats))
    for i, g in enumerate(groups):
        d = frame[frame[group] == g].set_index(category).reindex(cats)
        xerr = None
        if err:
            xerr = np.nan_to_num(np.vstack([d[value] - d[err[0]], d[err[1]] - d[value]]))
        ax.barh(
            y + i * height - 0.4 + height / 2,
            d[value],
            height=height,
            label=str(g),
            xerr=xerr,
            capsize=2,
        )
        if projection:
            yy = y + i * height - 0.4 + height * 0.85
            ax.hlines(yy, d[projection[0]], d[projection[1]], color="0.25", lw=0.8)
            for end in projection:
                ax.plot(d[end], yy, "|", color="0.25", ms=4)
    ax.axvline(0, color="0.3", lw=0.7)
    ax.set_yticks(y, cats, fontsize=8)
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    return save(fig, path, caption)


def peeling_trajectory(trajectory: pd.DataFrame, title: str, caption: str, path: Path) -> Path:
    """PRIM's peeling trajectory: density against coverage per step, coloured by the number of
    restricted inputs, the chosen box ringed (``sim.analysis.discovery``)."""
    fig, ax = plt.subplots(figsize=(6, 4.5))
    sc = ax.scatter(
        trajectory["coverage"], trajectory["density"], c=trajectory["res_dim"], cmap="viridis", s=18
    )
    fig.colorbar(sc, ax=ax, label="restricted inputs")
    chosen = trajectory[trajectory["chosen"]]
    ax.scatter(chosen["coverage"], chosen["density"], s=120, facecolor="none", edgecolor="red")
    ax.set_xlabel("coverage (share of the cases of interest inside the box)", fontsize=8)
    ax.set_ylabel("density (share of the box's cases that are of interest)", fontsize=8)
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return save(fig, path, caption)


def band_paths(bands: pd.DataFrame, title: str, caption: str, path: Path) -> Path:
    """The projection range (p05-p95 over runs) and the median per quarter, one panel per
    headline metric, one colour per arm (``sim.analysis.bands.sweep_bands``)."""
    labels = {
        "value_added_base_prices_eur": "value added at base-year prices [EUR/quarter]",
        **dict(TIME_METRICS),
    }
    metrics = [m for m in labels if f"{m}_p50" in bands]
    cols = 2
    rows = max(1, int(np.ceil(len(metrics) / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(11, 3.0 * rows), squeeze=False, sharex=True)
    arms = bands.assign(arm=bands["scenario"] + " / " + bands["intervention"])
    for ax, metric in zip(axes.ravel(), metrics, strict=False):
        for arm, d in arms.groupby("arm", sort=True):
            d = d.sort_values("quarter")
            x = quarter_to_year(d["quarter"])
            (line,) = ax.plot(x, d[f"{metric}_p50"], label=arm, lw=1.3, ls="--")
            ax.fill_between(
                x, d[f"{metric}_p05"], d[f"{metric}_p95"], color=line.get_color(), alpha=0.15
            )
        ax.set_title(labels[metric], fontsize=9)
        ax.tick_params(labelsize=8)
    for ax in axes.ravel()[len(metrics) :]:
        ax.set_visible(False)
    axes[0, 0].legend(fontsize=7, loc="best")
    fig.suptitle(title + " (median, projection range 5-95 % of runs)", fontsize=10)
    fig.tight_layout()
    return save(fig, path, caption)
