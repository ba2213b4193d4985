"""Plotly figures of the live view, built from the recorded tables (no UI code).

Hover shows the values of every line at a quarter, drag zooms, double-click resets. The time
axis is the quarter label ('2025Q3'), so the hover names the quarter as the tables do. Figures
carry no fixed width: the page gives them the width of their column (full width on a phone).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from sim.ui.live_run import CLOSURE_COLUMNS, SUCCESSION_COLUMNS
from sim.vocabulary import SETTLEMENT_TYPES, TRADE_GROUPS

HEIGHT = 330
SETTLEMENT_COLOURS = {"rural": "#2e7d32", "town": "#f9a825", "city": "#1565c0"}
PALETTE = qualitative.D3


def _layout(fig: go.Figure, title: str, ytitle: str, height: int = HEIGHT) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 14}},
        height=height,
        margin={"l": 55, "r": 10, "t": 40, "b": 10},
        hovermode="x unified",
        # below the plot: a legend beside it would take half of a phone's width
        legend={"orientation": "h", "y": -0.18, "x": 0, "font": {"size": 10}},
        template="plotly_white",
        yaxis_title=ytitle,
    )
    fig.update_xaxes(type="category", nticks=8)
    return fig


def _wide(df: pd.DataFrame, column: str, by: str) -> pd.DataFrame:
    return df.pivot_table(index="quarter", columns=by, values=column, aggfunc="sum", observed=True)


def _mode(n: int) -> str:
    """Markers while a run has few quarters, so a one-quarter line is visible at all."""
    return "lines+markers" if n <= 8 else "lines"


def _settlement_lines(
    fig: go.Figure, wide: pd.DataFrame, suffix: str = "", hover: str = "%{y:,.1f} M€"
) -> go.Figure:
    """One line per settlement type of ``wide`` (quarters x settlement types), in its colour."""
    for s in SETTLEMENT_TYPES:
        if s in wide:
            fig.add_scatter(
                x=wide.index,
                y=wide[s],
                name=f"{s}{suffix}",
                mode=_mode(len(wide)),
                line={"color": SETTLEMENT_COLOURS[s], "width": 2},
                hovertemplate=hover,
            )
    return fig


def value_added_by_settlement(groups: pd.DataFrame) -> go.Figure:
    wide = _wide(groups, "value_added_eur", "settlement_type") / 1e6
    fig = _settlement_lines(go.Figure(), wide)
    return _layout(fig, "Value added: rural, town, city", "M€ per quarter")


def unmet_demand(groups: pd.DataFrame) -> go.Figure:
    wide = _wide(groups, "unmet_demand_eur", "settlement_type") / 1e6
    totals = groups.groupby("quarter", sort=False)[["demand_eur", "unmet_demand_eur"]].sum()
    share = 100 * totals["unmet_demand_eur"] / totals["demand_eur"].where(totals["demand_eur"] > 0)
    fig = _settlement_lines(go.Figure(), wide, " (customers)", "%{y:,.2f} M€")
    fig.add_scatter(
        x=share.index,
        y=share,
        name="% of demand",
        yaxis="y2",
        mode=_mode(len(share)),
        line={"color": "#616161", "dash": "dash", "width": 1.2},
        hovertemplate="%{y:.1f} %",
    )
    # amounts and shares are never negative: both axes start at 0 (a flat series would
    # otherwise be centred on a range with negative ticks)
    fig.update_layout(
        yaxis={"rangemode": "tozero"},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "title": "% of demand",
            "showgrid": False,
            "rangemode": "tozero",
        },
    )
    _layout(fig, "Unmet demand", "M€ per quarter")
    fig.update_layout(margin={"r": 50})
    return fig


def closures_and_successions(groups: pd.DataFrame) -> go.Figure:
    per_q = groups.groupby("quarter", sort=False)[
        [*CLOSURE_COLUMNS, *SUCCESSION_COLUMNS, "startups"]
    ].sum()
    per_q["handed_over"] = per_q[list(SUCCESSION_COLUMNS)].sum(axis=1)
    lines = [
        ("closures_no_successor", "closed: no successor", "#c62828", "solid"),
        ("closures_losses", "closed: losses", "#ef6c00", "solid"),
        ("closures_other", "closed: other", "#8d6e63", "solid"),
        ("handed_over", "handed over", "#2e7d32", "solid"),
        ("startups", "start-ups", "#1565c0", "dash"),
    ]
    fig = go.Figure()
    for column, label, colour, dash in lines:
        fig.add_scatter(
            x=per_q.index,
            y=per_q[column],
            name=label,
            mode=_mode(len(per_q)),
            line={"color": colour, "dash": dash, "width": 1.8},
            hovertemplate="%{y:,.0f}",
        )
    return _layout(fig, "Closures vs successions", "firms per quarter")


def population_index(districts: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    wide = districts.pivot_table(index="quarter", columns="district_id", values="population")
    wide = wide.loc[districts["quarter"].unique()]  # the recorded order, not alphabetical
    fig = go.Figure()
    for i, d in enumerate(wide.columns):
        fig.add_scatter(
            x=wide.index,
            y=100 * wide[d] / wide[d].iloc[0],
            name=names.get(d, d),
            mode=_mode(len(wide)),
            line={"color": PALETTE[i % len(PALETTE)], "width": 1.5},
            customdata=wide[d],
            hovertemplate="%{y:.2f} (%{customdata:,.0f} inhabitants)",
        )
    total = wide.sum(axis=1)
    fig.add_scatter(
        x=wide.index,
        y=100 * total / total.iloc[0],
        name="region",
        mode=_mode(len(wide)),
        line={"color": "black", "width": 2.5},
        customdata=total,
        hovertemplate="%{y:.2f} (%{customdata:,.0f} inhabitants)",
    )
    title = f"Population (first quarter = 100; region {total.iloc[-1] / 1e6:.2f} M)"
    return _layout(fig, title, "index", height=HEIGHT + 40)


def firms_by_group(groups: pd.DataFrame, labels: dict[str, str], column: str) -> go.Figure:
    """Firms (``column='firms'``) or employees (``'employees'``) per trade group."""
    wide = _wide(groups, column, "trade_group")
    fig = go.Figure()
    for i, g in enumerate(TRADE_GROUPS):
        if g in wide:
            fig.add_scatter(
                x=wide.index,
                y=wide[g],
                name=labels.get(g, g),
                mode=_mode(len(wide)),
                line={"color": PALETTE[i % len(PALETTE)], "width": 1.8},
                hovertemplate="%{y:,.0f}",
            )
    what = "Craft firms" if column == "firms" else "Employees"
    return _layout(
        fig, f"{what} by trade group", "firms" if column == "firms" else "persons", HEIGHT + 40
    )
