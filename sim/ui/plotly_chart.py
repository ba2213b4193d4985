"""The one Plotly chart component of the UI (live and compare views) and its placeholder figure.

:func:`PlotlyChart` shows a figure as wide as its column, rebuilt only when its dependencies
change; a figure that fails to build shows its error in its place instead of taking the page
down. Plotly's JavaScript ships inside the plotly package (its widget is an anywidget), so the
page loads nothing from outside the machine.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import ipyvue
import plotly.graph_objects as go
import solara
import traitlets
from plotly.graph_objs import FigureWidget

# a chart never widens its column: a figure first drawn 700 px wide (before its width is
# known) must not widen the page on a phone; app.py puts this on the page
CSS = """
.sim-chart { contain: inline-size; min-width: 0; max-width: 100%; width: 100%;
  overflow: hidden; }
"""


def placeholder(text: str) -> go.Figure:
    """A small empty figure that says ``text`` (no data, or a figure that failed)."""
    fig = go.Figure()
    fig.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig.update_layout(
        height=200,
        margin={"l": 60, "r": 12, "t": 40, "b": 40},
        template="plotly_white",
        modebar_remove=["sendDataToCloud"],  # a link off the machine; the UI stays offline
    )


@solara.component
def PlotlyChart(
    make: Callable[[], go.Figure], dependencies: list, classes: list[str] | None = None
):
    """The figure ``make()`` returns, rebuilt only when ``dependencies`` change, drawn as wide
    as its container (measured in the browser by :class:`WidthProbe`)."""
    width, set_width = solara.use_state(0)

    def safe_make() -> go.Figure:
        try:
            return make()
        except Exception as exc:  # noqa: BLE001 -- any plotting bug; the message is shown
            logging.getLogger("sim.ui").exception("figure failed")
            return placeholder(f"figure failed: {type(exc).__name__}: {exc}"[:120])

    figure = solara.use_memo(safe_make, dependencies)
    # a Column (a Vuetify sheet), not a Div: tests search for v.Html, and that search stops at
    # the first Html it meets
    with solara.Column(classes=["sim-chart", *(classes or [])], gap="0px"):
        WidthProbe.element(on_width=set_width)
        _FigureWidget(figure, width, [*dependencies, width])


@solara.component
def _FigureWidget(figure: go.Figure, width: int, dependencies: list):
    """Like ``solara.FigurePlotly`` (one ``FigureWidget`` kept, its layout and traces replaced),
    but in one batch, so a figure redrawn every quarter while the live run plays does not
    flicker, and at the measured width (autosized until the width is known)."""
    element = FigureWidget.element()

    def update() -> None:
        widget = solara.get_widget(element)
        with widget.batch_update():
            widget.layout = figure.layout
            widget.layout.autosize = True
            widget.layout.width = width or None
            old = len(widget.data)
            widget.add_traces(figure.data)
            widget.data = widget.data[old:]

    solara.use_effect(update, dependencies)
    return element


# Plotly's widget draws at 700 px unless told a width, and does not follow its container in
# Solara (it waits for a resize message that never comes): this probe measures the container
# in the browser, on load and whenever it changes size, and the figure is drawn that wide.
PROBE = """
<template><div style="width: 100%; height: 0"></div></template>
<script>
module.exports = {
  mounted() {
    const measure = () => {
      const w = Math.floor(this.$el.clientWidth);
      if (w > 0 && Math.abs(w - this.width) > 4) this.width = w;
    };
    this.observer = new ResizeObserver(measure);
    this.observer.observe(this.$el);
    measure();
  },
  beforeUnmount() { this.observer && this.observer.disconnect(); },
};
</script>
"""


class WidthProbe(ipyvue.VueTemplate):
    template = traitlets.Unicode(PROBE).tag(sync=True)
    width = traitlets.Int(0).tag(sync=True)
