"""The live view's map as a Plotly figure: districts filled by a metric, places on top.

Drawn on plain cartesian axes (lon, lat) from the BKG boundaries that ship in
``sim/data/districts.geojson`` (:mod:`sim.analysis.boundaries`): no map tiles and no Plotly
``geo`` subplot, because that one downloads its base map (world topojson) from Plotly's CDN
even when the base layers are hidden, and waits for it without drawing anything offline.
Each district is one filled scatter trace (its rings joined, holes such as Halle inside the
Saalekreis oppositely wound, so they stay empty); hovering inside a district shows its name and
value, hovering a place its name, district and value. The licence's attribution sits on the
map. A further trace without points carries the colour bar.

:func:`outline_xy`, :func:`add_attribution` and :func:`lonlat_axes` are the compare view's
place map's as well (:func:`sim.ui.compare_plots.change_map`): one way to draw the districts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from sim.analysis.boundaries import ATTRIBUTION, load_boundaries

MAP_HEIGHT = 520
NO_DATA = "#e0e0e0"


def number(value: float, share: bool = False) -> str:
    if value is None or not np.isfinite(value):
        return "–"
    return f"{value:.1f}" if share else f"{value:,.0f}"


def outline_xy(polygons: list[list[np.ndarray]]) -> tuple[list, list]:
    """All rings of a district (``load_boundaries()[id]["polygons"]``) as one line, a gap
    (None) between rings: one scatter trace draws (and with ``fill="toself"`` fills) it."""
    xs: list = []
    ys: list = []
    for polygon in polygons:
        for ring in polygon:
            ring = np.asarray(ring, float)
            xs += [*ring[:, 0].tolist(), None]
            ys += [*ring[:, 1].tolist(), None]
    return xs, ys


def add_attribution(fig: go.Figure) -> go.Figure:
    """The boundaries' licence attribution in the map's lower right corner."""
    return fig.add_annotation(
        text=ATTRIBUTION,
        xref="paper",
        yref="paper",
        x=1,
        y=0,
        xanchor="right",
        yanchor="bottom",
        showarrow=False,
        font={"size": 10, "color": "#424242"},
        bgcolor="rgba(255,255,255,0.75)",
    )


def lonlat_axes(fig: go.Figure, lat: float) -> go.Figure:
    """Hidden lon/lat axes at the true aspect around latitude ``lat``: a degree of longitude
    is shorter than one of latitude by cos(latitude)."""
    fig.update_xaxes(visible=False)
    return fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / np.cos(np.deg2rad(lat)))


def _colours(values: pd.Series, scale: str) -> tuple[dict[str, str], float, float]:
    finite = values[np.isfinite(values.to_numpy(float))]
    if finite.empty:
        return {}, 0.0, 1.0
    low, high = min(0.0, float(finite.min())), float(finite.max())
    span = (high - low) or 1.0
    shades = sample_colorscale(scale, ((finite - low) / span).clip(0, 1).tolist())
    return dict(zip(finite.index, shades, strict=True)), low, high


def district_map(
    region,
    district_values: pd.Series | None,
    place_values: np.ndarray | None,
    label: str,
    title: str,
    share: bool = False,
    scale: str = "YlOrRd",
) -> go.Figure:
    """Districts of ``region`` filled by ``district_values`` (by district_id), its places on
    top sized by population; without values (before the first quarter) outlines and places.

    ``share`` formats values as percentages with one decimal (shares), else as whole numbers.
    """
    bounds = load_boundaries()
    names = region.districts.set_index("district_id")["name"].to_dict()
    modelled = [d for d in region.districts["district_id"] if d in bounds]
    values = (
        pd.Series(np.nan, index=modelled)
        if district_values is None
        else district_values.reindex(modelled).astype(float)
    )
    colours, low, high = _colours(values, scale)
    fig = go.Figure()
    for d in modelled:
        xs, ys = outline_xy(bounds[d]["polygons"])
        text = f"<b>{names.get(d, d)}</b>"
        if district_values is not None:
            text += f"<br>{label}: {number(values[d], share)}"
        fig.add_scatter(
            x=xs,
            y=ys,
            mode="lines",
            fill="toself",
            fillcolor=colours.get(d, NO_DATA),
            line={"color": "#424242", "width": 0.8},
            hoveron="fills",
            hoverinfo="text",
            text=text,
            name=names.get(d, d),
            showlegend=False,
        )
    _places(fig, region, names, place_values, label, share)
    if colours:
        fig.add_scatter(  # no points: only the colour bar of the district fill
            x=[None],
            y=[None],
            mode="markers",
            marker={
                "colorscale": scale,
                "cmin": low,
                "cmax": high,
                "color": [low],
                "showscale": True,
                "colorbar": {"title": {"text": label, "side": "right"}, "thickness": 12},
            },
            hoverinfo="skip",
            showlegend=False,
        )
    lonlat_axes(fig, float(region.places["lat"].mean()))
    add_attribution(fig)
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 14}},
        height=MAP_HEIGHT,
        margin={"l": 5, "r": 5, "t": 40, "b": 5},
        hovermode="closest",
        plot_bgcolor="white",
        paper_bgcolor="white",
        dragmode="pan",
    )
    return fig


def _places(fig, region, names, values, label: str, share: bool) -> None:
    places = region.places
    pop = places["population"].to_numpy(float)
    size = np.clip(30.0 * np.sqrt(pop / pop.max()), 3.0, None)
    shown = (
        np.full(len(places), "–", dtype=object)
        if values is None
        else np.array([number(v, share) for v in np.asarray(values, float)], dtype=object)
    )
    custom = np.column_stack(
        [
            places["name"].to_numpy(object),
            places["district_id"].map(names).fillna(places["district_id"]).to_numpy(object),
            shown,
            pop,
        ]
    )
    fig.add_scatter(
        x=places["lon"],
        y=places["lat"],
        mode="markers",
        marker={
            "size": size,
            "color": "rgba(33,33,33,0.55)",
            "line": {"color": "white", "width": 0.5},
        },
        customdata=custom,
        hovertemplate=(
            "<b>%{customdata[0]}</b> (%{customdata[1]})<br>"
            + (f"{label}: %{{customdata[2]}}<br>" if values is not None else "")
            + "%{customdata[3]:,.0f} inhabitants<extra></extra>"
        ),
        name="places",
        showlegend=False,
    )
