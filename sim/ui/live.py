"""Live view: pick a scenario and interventions, then watch the region quarter by quarter.

Changing a control builds a new model at once (a few tenths of a second on the full region
with aggregated households); a configuration Hydra or the schema rejects is shown as a message.
Play steps the model in a background thread and redraws every N quarters, so the page stays
responsive while it runs.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable

import solara
import solara.lab

from sim.datasets import load_trade_groups
from sim.ui import charts
from sim.ui.live_run import HEADLINE, MAP_METRICS, LiveRun, Snapshot, format_value
from sim.ui.options import LiveSettings, description, interventions, regions, scenarios

# quarters per second while playing; 0 = as fast as the model steps
SPEEDS = {"1 / s": 1.0, "2 / s": 2.0, "4 / s": 4.0, "max": 0.0}
REDRAW_EVERY = [1, 2, 4, 8]
LOG_METRICS = {"value_added", "unmet_demand", "firms", "closures"}
METRIC_BY_LABEL = {label: key for key, label in MAP_METRICS.items()}
MAP_COLOURS = {"unmet_demand": "magma_r", "unmet_share": "magma_r", "closures": "Reds"}


@solara.component
def Chart(
    make: Callable, dependencies: list, format: str = "svg", classes: list[str] | None = None
):
    """A matplotlib figure rebuilt only when ``dependencies`` change.

    A figure that fails to draw shows its error in its place instead of taking the page down.
    """

    def safe_make():
        try:
            return make()
        except Exception as exc:  # noqa: BLE001 -- any plotting bug; the message is shown
            logging.getLogger("sim.ui").exception("figure failed")
            return charts.placeholder(f"figure failed: {type(exc).__name__}: {exc}"[:120])

    figure = solara.use_memo(safe_make, dependencies)
    with solara.Div(classes=["sim-chart", *(classes or [])]):
        solara.FigureMatplotlib(figure, dependencies=dependencies, format=format)


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
.sim-chart img { max-width: 100%; height: auto; }
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
    with solara.Columns([1, 3], gutters_dense=True):
        with solara.Column():
            Controls(settings, change)
            with solara.Card("Run", margin=0):
                solara.HTML("div", snap.label, classes=["sim-quarter"])
                solara.HTML("div", f"{snap.done} of {snap.total} quarters simulated")
                if snap.total:
                    solara.ProgressLinear(100.0 * snap.done / snap.total)
                with solara.Row(gap="4px"):
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
        with solara.Column():
            if run.error:
                prefix = "The run stopped" if run.failed else "These settings cannot be run"
                solara.Error(
                    f"{prefix}: {run.error}",
                    classes=["sim-error"],
                    style={"white-space": "pre-wrap"},
                )
            if run.ok:
                LivePlots(run, snap, map_metric)


@solara.component
def Controls(settings: LiveSettings, change: Callable[..., None]):
    with solara.Card("Scenario and intervention", margin=0):
        solara.Select(
            "Scenario",
            list(scenarios()),
            value=settings.scenario,
            on_value=lambda v: change(scenario=v),
            classes=["sim-scenario"],
        )
        solara.Text(description("scenario", settings.scenario), style={"font-size": "12px"})
        solara.SelectMultiple(
            "Interventions (none selected = no intervention)",
            list(settings.interventions),
            list(interventions()),
            on_value=lambda v: change(interventions=tuple(v)),
            classes=["sim-interventions"],
        )
        solara.InputInt(
            "Seed",
            value=settings.seed,
            on_value=lambda v: change(seed=int(v)),
            classes=["sim-seed"],
        )
        solara.Text("Region")
        solara.ToggleButtonsSingle(
            value=settings.region,
            values=list(regions()),
            on_value=lambda v: change(region=v),
            classes=["sim-region"],
        )
        solara.InputInt(
            "Households per agent (1 = every household)",
            value=settings.households_per_agent,
            on_value=lambda v: change(households_per_agent=int(v)),
            classes=["sim-households"],
        )


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
        values = snap.place_values.get(metric) if snap.started else None
        title = f"{MAP_METRICS[metric]}, {snap.label}" if snap.started else "Places (population)"
        return charts.region_map(
            region,
            values,
            MAP_METRICS[metric],
            title,
            log=metric in LOG_METRICS,
            cmap=MAP_COLOURS.get(metric, "viridis"),
        )

    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with solara.Column(style={"min-width": "480px", "flex": "3"}):
            solara.Select(
                "Colour places by",
                list(MAP_METRICS.values()),
                value=map_metric,
                classes=["sim-map-metric"],
            )
            Chart(make_map, [*key, metric], format="png", classes=["sim-map"])
        with solara.Column(style={"min-width": "320px", "flex": "2"}):
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
    if not snap.started:
        return
    groups, districts = snap.tables["groups"], snap.tables["districts"]
    with solara.Row(style={"flex-wrap": "wrap"}):
        Chart(lambda: charts.value_added_by_settlement(groups), key, classes=["sim-plot-va"])
        Chart(lambda: charts.unmet_demand(groups), key, classes=["sim-plot-unmet"])
        Chart(lambda: charts.closures_and_successions(groups), key, classes=["sim-plot-closures"])
        Chart(lambda: charts.population_index(districts, names), key, classes=["sim-plot-pop"])
        Chart(
            lambda: charts.firms_and_employees_by_group(groups, group_labels),
            key,
            classes=["sim-plot-firms"],
        )
