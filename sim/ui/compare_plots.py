"""Plotly figures of the compare view, built from the comparison's tables (no UI state).

Every figure has hover values and zoom (Plotly's own toolbar). Two kinds of interval are drawn
and labelled apart: the **95 % CI of the mean paired difference** (narrows with more seeds) and
the **projection range**, 5-95 % of runs around their median (where the paths lie;
``sim.analysis.bands``). Counts and money are never drawn below zero. Maps draw the districts'
boundaries (``sim.analysis.boundaries``, BKG VG5000) with their attribution; no map tiles, so
the page works offline.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.analysis.bands import PROJECTION_RANGE, band_columns
from sim.ui.map_figure import add_attribution, lonlat_axes, outline_xy
from sim.ui.plotly_chart import placeholder
from sim.vocabulary import quarter_to_year

BLUE, RED, GREY = "#1565c0", "#c62828", "#546e7a"
ARM_COLOURS = (RED, GREY, BLUE, "#2e7d32", "#f9a825", "#6a1b9a", "#00838f", "#8d6e63")
CI_LABEL = "95 % CI of the mean difference"
HEIGHT = 360


def scale_for(unit: str) -> tuple[float, str]:
    """Divisor and display unit: euro amounts in millions, counts as they are."""
    if unit.startswith("EUR") and "per" not in unit:
        return 1e6, "M€" + unit[3:]
    return 1.0, unit


def _years(fig: go.Figure) -> go.Figure:
    """A time axis in decimal years, ticked on whole years (hover labels name the quarter)."""
    return fig.update_xaxes(dtick=1, tickformat="d")


def _layout(fig: go.Figure, title: str, ytitle: str = "", height: int = HEIGHT) -> go.Figure:
    # autosize: the figure takes its container's width, so it fits a phone as well
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 13}},
        yaxis_title=ytitle,
        height=height,
        autosize=True,
        margin={"l": 60, "r": 12, "t": 40, "b": 40},
        template="plotly_white",
        hovermode="closest",
        legend={"orientation": "h", "y": -0.18, "font": {"size": 10}},
        modebar_remove=["sendDataToCloud"],  # a link off the machine; the UI stays offline
    )
    return fig


def _band(x, low, high, colour: str, name: str, group: str) -> go.Scatter:
    """A shaded band between ``low`` and ``high`` (one closed polygon, one legend entry)."""
    xs = np.concatenate([x, x[::-1]])
    ys = np.concatenate([high, low[::-1]])
    return go.Scatter(
        x=xs,
        y=ys,
        fill="toself",
        fillcolor=_rgba(colour, 0.18),
        mode="lines",
        line={"width": 0},
        name=name,
        legendgroup=group,
        hoverinfo="skip",
    )


def _rgba(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def difference_over_time(rows: pd.DataFrame, title: str, unit: str) -> go.Figure:
    """Mean paired difference per quarter with its 95 % CI as a band (one arm, one metric)."""
    d = rows.sort_values("quarter")
    x = np.asarray(quarter_to_year(d["quarter"]), float)
    div, shown = scale_for(unit)
    mean = d["mean_diff"].to_numpy(float) / div
    low, high = d["ci_low"].to_numpy(float) / div, d["ci_high"].to_numpy(float) / div
    fig = go.Figure()
    fig.add_trace(_band(x, low, high, BLUE, CI_LABEL, "ci"))
    fig.add_trace(
        go.Scatter(
            x=x,
            y=mean,
            mode="lines+markers" if len(x) <= 12 else "lines",
            line={"color": BLUE, "width": 2},
            name="mean difference",
            customdata=np.column_stack([d["quarter"].astype(str), low, high]),
            hovertemplate=(
                "%{customdata[0]}: %{y:,.3g} " + shown + " (CI %{customdata[1]:,.3g} to "
                "%{customdata[2]:,.3g})<extra></extra>"
            ),
        )
    )
    fig.add_hline(y=0, line={"color": "black", "width": 1})
    return _years(_layout(fig, title, f"difference, {shown}"))


def difference_by_district(
    rows: pd.DataFrame, names: dict[str, str], title: str, unit: str
) -> go.Figure:
    """Mean paired difference per district with 95 % CI error bars, pale where it spans 0."""
    d = rows.reset_index(drop=True)
    div, shown = scale_for(unit)
    mean = d["mean_diff"].to_numpy(float) / div
    low, high = d["ci_low"].to_numpy(float) / div, d["ci_high"].to_numpy(float) / div
    significant = (low > 0) | (high < 0)
    colours = [
        _rgba(BLUE if m >= 0 else RED, 0.85 if sig else 0.35)
        for m, sig in zip(mean, significant, strict=True)
    ]
    labels = [names.get(i, i) for i in d["district_id"]]
    fig = go.Figure(
        go.Bar(
            x=mean,
            y=labels,
            orientation="h",
            marker_color=colours,
            error_x={
                "type": "data",
                "symmetric": False,
                "array": np.abs(high - mean),
                "arrayminus": np.abs(mean - low),
                "color": "black",
                "thickness": 1,
            },
            customdata=np.column_stack([low, high]),
            hovertemplate=(
                "%{y}: %{x:,.3g} " + shown + " (95 % CI %{customdata[0]:,.3g} to "
                "%{customdata[1]:,.3g})<extra></extra>"
            ),
            name="mean difference",
        )
    )
    fig.add_vline(x=0, line={"color": "black", "width": 1})
    fig.update_yaxes(autorange="reversed")
    _layout(fig, title, "", height=120 + 34 * max(len(d), 1))
    fig.update_layout(
        hovermode="closest",
        xaxis_title=f"difference, {shown} (bars pale where the {CI_LABEL} spans 0)",
    )
    return fig


def projection_figure(
    bands: pd.DataFrame, metric: str, arms: list[tuple[str, str]], label: str = ""
) -> go.Figure:
    """Median (line) and 5-95 % of runs (shaded band) of ``metric`` per quarter, per arm.

    ``arms`` are ``(scenario, intervention)`` pairs; money in M€, never below zero."""
    low, mid, high = band_columns(metric)
    scale = 1e6 if metric.endswith("_eur") else 1.0
    fig = go.Figure()
    for (scenario, intervention), colour in zip(arms, ARM_COLOURS, strict=False):
        d = bands[(bands["scenario"] == scenario) & (bands["intervention"] == intervention)]
        name = f"{scenario} / {intervention}"
        _add_range(fig, d, metric, name, colour, scale)
    fig.add_annotation(**_note(PROJECTION_RANGE))
    return _years(_layout(fig, f"Projection range: {metric}", label))


def parameter_figure(bands: pd.DataFrame, metric: str, parameter: str, label: str) -> go.Figure:
    """Median and 5-95 % of runs of ``metric`` per quarter, one band per value of a swept
    ``parameter`` (a parameter sweep has no pairs to compare, so only its ranges are drawn)."""
    scale = 1e6 if metric.endswith("_eur") else 1.0
    fig = go.Figure()
    values = list(dict.fromkeys(bands[parameter]))
    for value, colour in zip(values, ARM_COLOURS, strict=False):
        d = bands[bands[parameter] == value]
        _add_range(fig, d, metric, f"{parameter} = {value}", colour, scale)
    fig.add_annotation(**_note(PROJECTION_RANGE))
    return _years(_layout(fig, f"Projection range by {parameter}: {metric}", label))


def _add_range(fig: go.Figure, d: pd.DataFrame, metric: str, name: str, colour, scale) -> None:
    if d.empty:
        return
    low, mid, high = band_columns(metric)
    d = d.sort_values("quarter")
    x = np.asarray(quarter_to_year(d["quarter"]), float)
    # counts and money: a band never reaches below zero
    lo, md, hi = (np.clip(d[c].to_numpy(float) / scale, 0.0, None) for c in (low, mid, high))
    n = int(d["n_runs"].max())
    fig.add_trace(_band(x, lo, hi, colour, f"{name}: 5-95 % of runs", name))
    fig.add_trace(
        go.Scatter(
            x=x,
            y=md,
            mode="lines",
            line={"color": colour, "width": 2},
            name=f"{name}: median (n={n})",
            legendgroup=name,
            customdata=np.column_stack([d["quarter"].astype(str), lo, hi]),
            hovertemplate=(
                "%{customdata[0]} median %{y:,.4g} (5-95 %: %{customdata[1]:,.4g} to "
                "%{customdata[2]:,.4g})<extra>" + name + "</extra>"
            ),
        )
    )


def _note(text: str) -> dict:
    return {
        "text": text,
        "showarrow": False,
        "x": 0,
        "y": 1.0,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "left",
        "yanchor": "bottom",
        "font": {"size": 10, "color": "#555"},
    }


def change_map(boundaries: dict, places: pd.DataFrame, title: str) -> go.Figure:
    """District boundaries with the places on top, coloured by the change in value added
    (blue = gain, red = loss; hover: place, district, value). ``boundaries`` as
    ``sim.analysis.boundaries.load_boundaries`` returns them."""
    fig = go.Figure()
    for district_id, info in boundaries.items():
        xs, ys = outline_xy(info["polygons"])
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": "#757575", "width": 1},
                fill="toself",
                fillcolor="rgba(240,240,240,0.5)",
                name=info.get("name", district_id),
                hoverinfo="name",
                showlegend=False,
            )
        )
    value = places["value_added_change_eur"].to_numpy(float)
    bound = float(np.nanpercentile(np.abs(value), 98)) if len(value) else 1.0
    pop = places["population"].to_numpy(float) if "population" in places else np.ones(len(value))
    size = np.clip(40 * (pop / max(pop.max(), 1.0)) ** 0.5, 5, None)
    text = places.get("name", places["place_id"]).astype(str)
    fig.add_trace(
        go.Scatter(
            x=places["lon"],
            y=places["lat"],
            mode="markers",
            marker={
                "size": size,
                "color": value,
                "colorscale": "RdBu",
                "cmin": -(bound or 1.0),
                "cmax": bound or 1.0,
                "line": {"width": 0.5, "color": "#424242"},
                "colorbar": {"title": {"text": "€/year", "side": "right"}, "thickness": 12},
            },
            text=text,
            hovertemplate="%{text}: %{marker.color:,.0f} € per year<extra></extra>",
            showlegend=False,
            name="places",
        )
    )
    lat = float(places["lat"].mean()) if len(places) else 51.3  # the Revier's middle
    add_attribution(lonlat_axes(fig, lat))
    _layout(fig, title, height=480)
    fig.update_layout(hovermode="closest")
    return fig


def places_map(places: pd.DataFrame, year) -> go.Figure:
    """The change in value added per place (``Comparison.places`` rows of one arm) on the
    boundaries of the districts the places lie in."""
    from sim.analysis.boundaries import load_boundaries

    if places.empty:
        return placeholder("no place data for the map")
    shown = set(places.get("district_id", []))  # the sweep's region only, when known
    outlines = {k: b for k, b in load_boundaries().items() if not shown or k in shown}
    title = f"Value added change per place, {year} (mean over pairs)"
    return change_map(outlines, places, title)
