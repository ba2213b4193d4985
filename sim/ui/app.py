"""The Solara page: a live view of one run and a comparison of a finished sweep's arms.

Served by ``python -m sim.ui``; ``solara run sim.ui.app`` works as well. The results folder the
compare view lists comes from ``--results-dir`` (environment variable ``SIM_UI_RESULTS_DIR``).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import solara

from sim.ui.compare_view import CompareView
from sim.ui.live import LiveView

# Mesa logs every step at INFO
logging.getLogger("MESA").setLevel(logging.WARNING)

log = logging.getLogger("sim.ui")
RESULTS_ENV = "SIM_UI_RESULTS_DIR"
TITLE = "Handwerk im Mitteldeutschen Revier"


def results_dir() -> Path:
    return Path(os.environ.get(RESULTS_ENV, "results"))


VIEWS = ("Live run", "Compare interventions")


@solara.component
def Guarded(results: Path):
    """The compare view, or its error as a message: a failure there never takes the page (and
    the running live view beside it) down. "Try again" renders it afresh."""
    exc, clear = solara.use_exception()
    # keyed: after a failed render, reacton must not take the message for the failed view
    if exc is None:
        CompareView(results).key("compare-view")
        return
    with solara.Column().key("compare-failed"):
        log.warning("the compare view failed: %s: %s", type(exc).__name__, exc)
        solara.Error(
            f"The compare view failed: {type(exc).__name__}: {exc}. The live run is not "
            "affected; try again, or choose another sweep after fixing the folder.",
            classes=["sim-compare-error"],
        )
        solara.Button("Try again", icon_name="mdi-refresh", on_click=clear)


@solara.component
def Page():
    view = solara.use_reactive(VIEWS[0])
    solara.Title(TITLE)
    with solara.Column(style={"padding": "8px 16px"}):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            # plain HTML, not solara.Markdown: Markdown loads a diagram library from a CDN
            solara.HTML("h2", f"{TITLE}: crafts, households and interventions, 2025–2045")
            # a toggle, not solara.lab.Tabs: with the Vuetify 3 app, tab content is squeezed
            # into the tab bar
            with solara.ToggleButtonsSingle(value=view, classes=["sim-views"]):
                for name in VIEWS:
                    slug = "live" if name == VIEWS[0] else "compare"
                    solara.Button(name, value=name, classes=[f"sim-view-{slug}"])
        # the live view stays mounted, so switching views does not lose the running model
        with solara.Div(style={"display": "block" if view.value == VIEWS[0] else "none"}):
            LiveView()
        if view.value == VIEWS[1]:
            Guarded(results_dir())
