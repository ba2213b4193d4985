"""The Solara page: a live view of one run, a comparison of a finished sweep's arms, and the
experiments' reports (study outputs).

Served by ``python -m sim.ui``; ``solara run sim.ui.app`` works as well. The results folder the
compare and study views list comes from ``--results-dir`` (environment ``SIM_UI_RESULTS_DIR``).
The layout wraps: at 1280 px the controls sit in rows, on a 390 px phone they stack.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import solara

from sim.ui.compare_view import CompareView
from sim.ui.live import LiveView
from sim.ui.plotly_chart import CSS as CHART_CSS
from sim.ui.study_view import StudyView

# Mesa logs every step at INFO
logging.getLogger("MESA").setLevel(logging.WARNING)

log = logging.getLogger("sim.ui")
RESULTS_ENV = "SIM_UI_RESULTS_DIR"
TITLE = "Handwerk im Mitteldeutschen Revier"


def results_dir() -> Path:
    return Path(os.environ.get(RESULTS_ENV, "results"))


VIEWS = ("Live run", "Compare interventions", "Study outputs")
SLUGS = dict(zip(VIEWS, ("live", "compare", "study"), strict=True))
# the toggle and every row of controls wrap instead of running off a narrow screen
CSS = """
.sim-page { contain: inline-size; width: 100%; box-sizing: border-box; }
.sim-views { flex-wrap: wrap !important; height: auto !important; max-width: 100%; }
.sim-views .v-btn { text-transform: none; }
.sim-title { font-size: 20px; margin: 4px 12px 4px 0; }
.sim-page .v-select, .sim-page .v-text-field { min-width: min(220px, 100%); max-width: 100%; }
.sim-page .v-btn { max-width: 100%; height: auto !important; min-height: 36px; }
.sim-page .v-btn__content { white-space: normal; }
@media (max-width: 600px) {
  .sim-title { font-size: 16px; }
  .sim-page { padding: 4px !important; }
}
"""


@solara.component
def Guarded(results: Path, view: str = "compare"):
    """The compare or study view, or its error as a message: a failure there never takes the
    page (and the running live view beside it) down. "Try again" renders it afresh."""
    exc, clear = solara.use_exception()
    # keyed: after a failed render, reacton must not take the message for the failed view
    if exc is None:
        if view == "study":
            StudyView(results).key("study-view")
        else:
            CompareView(results).key("compare-view")
        return
    with solara.Column().key(f"{view}-failed"):
        log.warning("the %s view failed: %s: %s", view, type(exc).__name__, exc)
        solara.Error(
            f"The {view} view failed: {type(exc).__name__}: {exc}. The live run is not "
            "affected; try again, or choose another folder after fixing it.",
            classes=["sim-compare-error"],
        )
        solara.Button("Try again", icon_name="mdi-refresh", on_click=clear)


@solara.component
def Page():
    view = solara.use_reactive(VIEWS[0])
    solara.Title(TITLE)
    solara.Style(CSS + CHART_CSS)
    with solara.Column(style={"padding": "8px 16px", "max-width": "100%"}, classes=["sim-page"]):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            # plain HTML, not solara.Markdown: Markdown loads a diagram library from a CDN
            solara.HTML(
                "h2",
                f"{TITLE}: crafts, households and interventions, 2025–2045",
                classes=["sim-title"],
            )
            # a toggle, not solara.lab.Tabs: with the Vuetify 3 app, tab content is squeezed
            # into the tab bar
            with solara.ToggleButtonsSingle(value=view, classes=["sim-views"]):
                for name in VIEWS:
                    solara.Button(name, value=name, classes=[f"sim-view-{SLUGS[name]}"])
        # the live view stays mounted, so switching views does not lose the running model
        with solara.Div(style={"display": "block" if view.value == VIEWS[0] else "none"}):
            LiveView()
        if view.value != VIEWS[0]:
            Guarded(results_dir(), SLUGS[view.value]).key(SLUGS[view.value])
