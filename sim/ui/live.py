"""Live view: pick a scenario and interventions, then watch the region quarter by quarter.

Changing a control builds a new model at once (a few tenths of a second on the full region
with aggregated households); a configuration Hydra or the schema rejects is shown as a message.
Play steps the model in a background thread and redraws every N quarters, so the page stays
responsive while it runs. Its charts and map are Plotly figures (:mod:`sim.ui.plots`,
:mod:`sim.ui.map_figure`: hover values, zoom), shown by :func:`sim.ui.plotly_chart.PlotlyChart`
as wide as their column; Plotly's JavaScript ships inside the plotly package (no CDN).
"""

from __future__ import annotations

import dataclasses
import time

import solara
import solara.lab

from sim.datasets import load_trade_groups
from sim.ui import plots
from sim.ui.live_controls import Controls
from sim.ui.live_run import HEADLINE, MAP_METRICS, LiveRun, Snapshot, format_value
from sim.ui.map_figure import district_map
from sim.ui.options import LiveSettings
from sim.ui.plotly_chart import PlotlyChart

# quarters per second while playing; 0 = as fast as the model steps
SPEEDS = {"1 / s": 1.0, "2 / s": 2.0, "4 / s": 4.0, "max": 0.0}
REDRAW_EVERY = [1, 2, 4, 8]
# containers are solara Rows and Columns (Vuetify sheets), not Divs: tests find widgets by type,
# and a search for v.Html stops at the first Html it meets
WRAP = {"flex-wrap": "wrap", "align-items": "flex-start"}
METRIC_BY_LABEL = {label: key for key, label in MAP_METRICS.items()}
MAP_COLOURS = {"unmet_demand": "Magma_r", "unmet_share": "Magma_r", "closures": "Reds"}


def headline_html(snap: Snapshot, first_label: str) -> str:
    """The current quarter's headline figures; each value cell carries a stable test id."""
    rows = [f"<tr><th></th><th>{snap.label}</th><th>{first_label}</th><th></th></tr>"]
    for key, (label, unit) in HEADLINE.items():
        now, first = snap.headline.get(key, (None, None))
        rows.append(
            f"<tr><td>{label}</td>"
            f'<td class="num sim-headline-{key}" data-testid="headline-{key}">'
            f"{format_value(key, now)}</td>"
            f'<td class="num">{format_value(key, first)}</td>'
            f'<td class="unit">{unit}</td></tr>'
        )
    return "".join(rows)


CSS = """
.sim-headline { border-collapse: collapse; font-size: 13px; }
.sim-headline td, .sim-headline th { padding: 2px 8px; border-bottom: 1px solid #eee; }
.sim-headline th { text-align: right; color: #555; font-weight: 600; }
.sim-headline td.num { text-align: right; font-variant-numeric: tabular-nums; }
.sim-headline td.unit { color: #777; font-size: 11px; }
.sim-quarter { font-size: 22px; font-weight: 600; }
/* one column on a phone: the controls above, plots full width; side by side from ~900 px */
.sim-live { width: 100%; }
.sim-live-controls { flex: 1 1 300px; max-width: 100%; min-width: 0; }
@media (min-width: 900px) { .sim-live-controls { max-width: 380px; } }
.sim-live-plots { flex: 3 1 560px; min-width: 0; max-width: 100%; }
.sim-live-top > * { min-width: 0; max-width: 100%; }
.sim-map-box { flex: 3 1 440px; }
.sim-headline-box { flex: 2 1 300px; }
.sim-plots.d-flex { display: grid !important; gap: 8px; width: 100%;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 400px), 1fr)); }
.sim-param-label { font-size: 12px; color: #444; display: block; margin-top: 6px; }
.sim-live .v-input__details { display: none; }
"""


@solara.component
def LiveView(initial: LiveSettings | None = None):
    settings, set_settings = solara.use_state(initial or LiveSettings())
    resets, set_resets = solara.use_state(0)
    run: LiveRun = solara.use_memo(lambda: LiveRun(settings), dependencies=[settings, resets])
    current = solara.use_ref(run)
    current.current = run
    version = solara.use_reactive(0)  # bumped when the run advanced and the page must redraw
    playing = solara.use_reactive(False)
    speed = solara.use_reactive("4 / s")
    redraw_every = solara.use_reactive(1)
    map_metric = solara.use_reactive(MAP_METRICS["value_added"])

    def change(**kw) -> None:
        playing.set(False)
        set_settings(dataclasses.replace(settings, **kw))

    def step(n: int) -> None:
        run.step(n)
        version.set(version.value + 1)

    def reset() -> None:
        playing.set(False)
        set_resets(resets + 1)

    def play_loop() -> None:
        mine = run
        pending = 0
        while playing.value and mine.running and current.current is mine:
            started = time.perf_counter()
            pending += mine.step()
            if pending >= redraw_every.value or not mine.running:
                version.set(version.value + 1)
                pending = 0
            rate = SPEEDS.get(speed.value, 0.0)
            if rate > 0:
                time.sleep(max(0.0, 1.0 / rate - (time.perf_counter() - started)))
        if pending and current.current is mine:
            version.set(version.value + 1)
        if current.current is mine and not mine.running:
            playing.set(False)

    solara.lab.use_task(play_loop, dependencies=[playing.value, run], prefer_threaded=True)

    version.value  # noqa: B018 -- reading it subscribes this component to redraws
    snap = run.snapshot()
    solara.Style(CSS)
    cfg = run.model.cfg if run.ok else None
    modelled = tuple(run.model.region.districts["district_id"]) if run.ok else ()
    with solara.Row(classes=["sim-live"], gap="12px", style=WRAP):
        with solara.Column(classes=["sim-live-controls"], gap="8px"):
            with solara.Card("Run", margin=0):
                solara.HTML("div", snap.label, classes=["sim-quarter"])
                solara.HTML("div", f"{snap.done} of {snap.total} quarters simulated")
                if snap.total:
                    solara.ProgressLinear(100.0 * snap.done / snap.total)
                with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
                    busy = playing.value or not run.running
                    solara.Button(
                        "Step", on_click=lambda: step(1), disabled=busy, classes=["sim-step"]
                    )
                    solara.Button(
                        "+1 year", on_click=lambda: step(4), disabled=busy, classes=["sim-year"]
                    )
                    solara.Button(
                        "Pause" if playing.value else "Play",
                        icon_name="mdi-pause" if playing.value else "mdi-play",
                        on_click=lambda: playing.set(not playing.value),
                        disabled=not run.running,
                        color="primary",
                        classes=["sim-play"],
                    )
                    solara.Button(
                        "Reset", on_click=reset, disabled=not run.ok, classes=["sim-reset"]
                    )
                solara.Select("Speed (quarters per second)", list(SPEEDS), value=speed)
                solara.Select(
                    "Redraw plots every N quarters while playing", REDRAW_EVERY, value=redraw_every
                )
            Controls(settings, change, cfg, modelled)
        with solara.Column(classes=["sim-live-plots"], gap="8px"):
            if run.error:
                prefix = "The run stopped" if run.failed else "These settings cannot be run"
                solara.Error(
                    f"{prefix}: {run.error}",
                    classes=["sim-error"],
                    style={"white-space": "pre-wrap"},
                )
            if run.ok:  # keyed: an error message above it must not re-create it
                LivePlots(run, snap, map_metric).key("live-plots")


@solara.component
def LivePlots(run: LiveRun, snap: Snapshot, map_metric: solara.Reactive[str]):
    model = run.model
    region = model.region
    key = [id(run), snap.done]
    names = solara.use_memo(
        lambda: region.districts.set_index("district_id")["name"].to_dict(), [id(run)]
    )
    group_labels = solara.use_memo(lambda: load_trade_groups()["label_de"].to_dict(), [])
    metric = METRIC_BY_LABEL[map_metric.value]

    def make_map():
        if not snap.started:
            return district_map(region, None, None, "", "Districts and places (population)")
        return district_map(
            region,
            snap.district_values[metric],
            snap.place_values[metric],
            MAP_METRICS[metric],
            f"{MAP_METRICS[metric]}, {snap.label}",
            share=metric == "unmet_share",
            scale=MAP_COLOURS.get(metric, "YlOrRd"),
        )

    # one root element whatever is shown: a component whose root changes from one element to
    # several is re-created whole, and a Plotly widget closed while its view still renders
    # breaks the page ("no comm channel defined")
    with solara.Column(classes=["sim-live-output"], gap="8px"):
        with solara.Row(classes=["sim-live-top"], gap="12px", style=WRAP):
            with solara.Column(classes=["sim-map-box"], gap="0px"):
                solara.Select(
                    "Colour districts by",
                    list(MAP_METRICS.values()),
                    value=map_metric,
                    classes=["sim-map-metric"],
                )
                PlotlyChart(make_map, [*key, metric], classes=["sim-map"])
            HeadlineBox(run, snap)
        if snap.started:
            PlotGrid(snap, names, group_labels, key)


@solara.component
def HeadlineBox(run: LiveRun, snap: Snapshot):
    model = run.model
    with solara.Column(classes=["sim-headline-box"], gap="4px"):
        solara.HTML("b", f"Headline figures, {snap.label}")
        if snap.started:
            solara.HTML(
                "table",
                unsafe_innerHTML=headline_html(snap, snap.tables["groups"]["quarter"].iloc[0]),
                classes=["sim-headline"],
                attributes={"data-testid": "headline"},
            )
        else:
            solara.Info("Press Step or Play to simulate the first quarter.")
        solara.Text(
            f"{model.cfg.scenario.name} · intervention "
            f"{'+'.join(run.settings.interventions) or 'none'} · seed {model.cfg.seed} · "
            f"region {model.cfg.region.name} · {model.cfg.households_per_agent:g} households "
            "per agent",
            style={"font-size": "12px", "color": "#555"},
        )
        if run.settings.params:
            solara.Text(
                "set here: " + ", ".join(o for o in run.overrides if "." in o.split("=")[0]),
                style={"font-size": "11px", "color": "#555", "word-break": "break-all"},
                classes=["sim-overrides"],
            )


@solara.component
def PlotGrid(snap: Snapshot, names: dict, group_labels: dict, key: list):
    groups, districts = snap.tables["groups"], snap.tables["districts"]
    with solara.Column(classes=["sim-plots"], gap="8px"):
        for css, make in (
            ("sim-plot-va", lambda: plots.value_added_by_settlement(groups)),
            ("sim-plot-unmet", lambda: plots.unmet_demand(groups)),
            ("sim-plot-closures", lambda: plots.closures_and_successions(groups)),
            ("sim-plot-pop", lambda: plots.population_index(districts, names)),
            ("sim-plot-firms", lambda: plots.firms_by_group(groups, group_labels, "firms")),
            ("sim-plot-employees", lambda: plots.firms_by_group(groups, group_labels, "employees")),
        ):
            PlotlyChart(make, key, classes=[css]).key(css)
