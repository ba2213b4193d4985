"""Matplotlib figures of the compare view, built from tables (no UI code, no pyplot).

The live view draws Plotly figures instead (:mod:`sim.ui.plots`, :mod:`sim.ui.map_figure`).

Figures are ``matplotlib.figure.Figure`` objects created directly, not through ``pyplot``: the
server draws them from several threads and pyplot's global state is not thread-safe.
The map is drawn from the region graph itself (places at their coordinates, edges as faint
lines); there are no map tiles, the UI works offline.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import colors, patheffects, ticker
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from sim.vocabulary import quarter_to_year

SETTLEMENT_COLOURS = {"rural": "#2e7d32", "town": "#f9a825", "city": "#1565c0"}
PLOT_SIZE = (5.6, 3.3)
MAP_SIZE = (7.4, 6.2)
HALO = [patheffects.withStroke(linewidth=3, foreground="white")]


def _figure(size=PLOT_SIZE, **margins) -> Figure:
    """A figure with fixed margins: a layout engine would double the drawing time per step."""
    fig = Figure(figsize=size, dpi=100)
    fig.subplots_adjust(**{"left": 0.13, "right": 0.97, "bottom": 0.11, "top": 0.9, **margins})
    return fig


def _time_label(x: float, _pos=None) -> str:
    """Tick label of the numeric time axis: '2030' on whole years, '2025Q3' in between."""
    year, frac = int(np.floor(x + 1e-9)), x - np.floor(x + 1e-9)
    quarter = int(round(frac * 4)) + 1
    return str(year) if quarter == 1 else f"{year}Q{quarter}"


def _finish(ax, title: str, ylabel: str, legend: bool = True) -> None:
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_ylabel(ylabel, fontsize=9)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3)
    # ticks on whole quarters or years (at most ~8), labelled 2030 / 2025Q3; no offset
    low, high = ax.get_xlim()
    span = high - low
    step = next((s for s in (0.25, 0.5, 1, 2, 5, 10) if span / s <= 8), 10)
    ax.xaxis.set_major_locator(ticker.MultipleLocator(step))
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(_time_label))
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7, frameon=False)


def placeholder(text: str, size=PLOT_SIZE) -> Figure:
    fig = _figure(size)
    ax = fig.add_subplot()
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=11, color="#666")
    ax.set_axis_off()
    return fig


# ---- the region map -------------------------------------------------------------------------
def region_map(
    region,
    values: np.ndarray | None,
    label: str,
    title: str,
    diverging: bool = False,
    log: bool = False,
    cmap: str = "viridis",
) -> Figure:
    """Places at their coordinates, sized by population, coloured by ``values``.

    ``diverging`` centres a red-blue scale on zero (changes against a baseline); ``log`` uses a
    logarithmic scale for skewed amounts (the two cities dwarf the villages), with zeros in grey.
    """
    places = region.places
    lon, lat = places["lon"].to_numpy(float), places["lat"].to_numpy(float)
    pop = places["population"].to_numpy(float)
    size = np.clip(600.0 * (pop / pop.max()) ** 0.6, 6.0, None)
    fig = _figure(MAP_SIZE, left=0.01, right=0.89, bottom=0.01, top=0.94)
    ax = fig.add_subplot()
    pos = {n: (d["lon"], d["lat"]) for n, d in region.graph.nodes(data=True)}
    segments = [(pos[a], pos[b]) for a, b in region.graph.edges()]
    ax.add_collection(LineCollection(segments, colors="#9e9e9e", linewidths=0.5, alpha=0.35))
    order = np.argsort(-size)  # big places first, so villages stay visible on top
    if values is None:
        ax.scatter(lon[order], lat[order], s=size[order], c="#bdbdbd", edgecolors="none")
    else:
        v = np.asarray(values, float)
        norm, cmap_used = _norm(v, diverging, log, cmap)
        zero = (v == 0) & log
        ax.scatter(
            lon[order][zero[order]],
            lat[order][zero[order]],
            s=size[order][zero[order]],
            c="#d0d0d0",
            edgecolors="none",
        )
        keep = order[~zero[order]]
        sc = ax.scatter(
            lon[keep],
            lat[keep],
            s=size[keep],
            c=v[keep],
            cmap=cmap_used,
            norm=norm,
            edgecolors="#424242",
            linewidths=0.3,
            alpha=0.9,
        )
        bar = fig.colorbar(sc, ax=ax, shrink=0.6, fraction=0.04, pad=0.01)
        bar.set_label(label, fontsize=9)
        bar.ax.tick_params(labelsize=8)
    _district_labels(ax, region)
    ax.set_aspect(1.0 / np.cos(np.deg2rad(lat.mean())))  # degrees of lon shrink with latitude
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    return fig


def _norm(v: np.ndarray, diverging: bool, log: bool, cmap: str):
    if diverging:
        bound = float(np.nanpercentile(np.abs(v), 98)) or 1.0
        return colors.TwoSlopeNorm(0.0, -bound, bound), "RdBu"
    if log:
        positive = v[v > 0]
        if positive.size == 0:
            return colors.Normalize(0, 1), cmap
        low, high = float(np.percentile(positive, 2)), float(positive.max())
        return colors.LogNorm(low, max(high, low * 10)), cmap
    return colors.Normalize(float(np.nanmin(v)), float(np.nanmax(v)) or 1.0), cmap


def _district_labels(ax, region) -> None:
    places = region.places
    names = region.districts.set_index("district_id")["name"]
    centre = places.groupby("district_id")[["lon", "lat"]].mean()
    # a county's centre can fall on its city (Saalekreis around Halle): move the later label
    # below the earlier one instead of printing them over each other
    placed: list[tuple[float, float]] = []
    for district_id, row in centre.sort_values("lat", ascending=False).iterrows():
        lon, lat = float(row["lon"]), float(row["lat"])
        while any(abs(lon - x) < 0.35 and abs(lat - y) < 0.05 for x, y in placed):
            lat -= 0.05
        placed.append((lon, lat))
        ax.annotate(
            names.get(district_id, district_id),
            (lon, lat),
            ha="center",
            va="center",
            fontsize=8.5,
            fontweight="bold",
            color="#212121",
            path_effects=HALO,
        )


# ---- shared helpers ---------------------------------------------------------------------------
def _marker(x) -> dict:
    """Dots while a run has few quarters, so a one-quarter line is visible at all."""
    return {"marker": "o", "markersize": 3} if len(x) <= 8 else {}


# ---- comparison plots -----------------------------------------------------------------------
def scale_for(unit: str) -> tuple[float, str]:
    """Divisor and display unit: euro amounts in millions, counts as they are."""
    if unit.startswith("EUR") and "per" not in unit:
        return 1e6, "M€" + unit[3:]
    return 1.0, unit


def difference_over_time(rows: pd.DataFrame, title: str, unit: str) -> Figure:
    """Mean paired difference per quarter with its 95 % confidence band (one arm, one metric)."""
    fig = _figure((PLOT_SIZE[0] * 1.25, PLOT_SIZE[1] * 1.05))
    ax = fig.add_subplot()
    d = rows.sort_values("quarter")
    x = quarter_to_year(d["quarter"])
    div, shown = scale_for(unit)
    ax.fill_between(
        x, d["ci_low"] / div, d["ci_high"] / div, color="#1565c0", alpha=0.2, lw=0, label="95 % CI"
    )
    ax.plot(x, d["mean_diff"] / div, color="#1565c0", lw=2, label="mean difference", **_marker(x))
    ax.axhline(0, color="black", lw=0.8)
    _finish(ax, title, f"difference, {shown}")
    return fig


def difference_by_district(rows: pd.DataFrame, names: dict[str, str], title: str, unit: str):
    """Mean paired difference per district with 95 % CI error bars (one arm, one metric)."""
    d = rows.reset_index(drop=True)
    div, shown = scale_for(unit)
    height = 1.2 + 0.36 * max(len(d), 1)
    fig = _figure(
        (PLOT_SIZE[0] * 1.25, height), left=0.2, bottom=0.7 / height, top=1 - 0.4 / height
    )
    ax = fig.add_subplot()
    y = np.arange(len(d))
    mean = d["mean_diff"].to_numpy(float) / div
    low, high = d["ci_low"].to_numpy(float) / div, d["ci_high"].to_numpy(float) / div
    significant = (low > 0) | (high < 0)
    colours = [
        colors.to_rgba("#1565c0" if m >= 0 else "#c62828", 0.85 if sig else 0.35)
        for m, sig in zip(mean, significant, strict=True)
    ]
    ax.barh(y, mean, color=colours, height=0.6)
    ax.errorbar(
        mean,
        y,
        xerr=np.vstack([np.abs(mean - low), np.abs(high - mean)]),
        fmt="none",
        ecolor="black",
        lw=1,
        capsize=3,
    )
    ax.set_yticks(y, [names.get(i, i) for i in d["district_id"]], fontsize=8)
    ax.axvline(0, color="black", lw=0.8)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_xlabel(f"difference, {shown} (bars pale where the 95 % CI spans 0)", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3, axis="x")
    return fig
