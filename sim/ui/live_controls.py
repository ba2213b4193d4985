"""The live view's controls: config choices, and sliders and selects built from the schema.

Every control changes :class:`~sim.ui.options.LiveSettings`; the live view builds a new model
from them (a rejected value is shown as a message, the model of the last good settings is not
kept). Sliders report their value when released (Vuetify's ``end`` event), not while dragged:
building a model takes a second or more, and a drag passes dozens of values.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import reacton.ipyvuetify as rv
import solara
from omegaconf import OmegaConf

from sim.ui.controls import Control, lever_controls, run_years, scenario_controls, shown
from sim.ui.options import LiveSettings, description, interventions, regions, scenarios


def slug(key: str) -> str:
    """A CSS class for a schema key: ``sim-param-intervention-rural_hubs-start_year``."""
    return "sim-param-" + key.replace(".", "-")


def current_value(control: Control, settings: LiveSettings, cfg: Any) -> Any:
    """The value a control shows: the user's, else the composed config's, else the schema's."""
    value = settings.param(control.key)
    if value is None and cfg is not None:
        value = OmegaConf.select(cfg, control.key, default=None)
        value = getattr(value, "name", value)  # an enum member: its name
        if control.kind == "multi" and value is not None:
            value = list(value)
    if value is None:
        value = control.default
    return list(value) if control.kind == "multi" else value


def _format(control: Control, value: float) -> str:
    """As many decimals as the slider's step has (0.5 M€ -> one)."""
    if control.integer:
        return str(int(value))  # years: no thousands separator
    step = control.step / control.scale
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return f"{shown(control, value):,.{decimals}f}"


@solara.component
def Slider(
    label: str,
    value: float,
    lo: float,
    hi: float,
    step: float,
    on_end: Callable[[float], None],
    css: str,
):
    """A slider that reports its value when released; the label above it shows the value
    (beside it, a long label leaves the slider no width on a phone)."""
    with solara.Column(classes=["sim-param-box"], gap="0px"):
        solara.Text(label, classes=["sim-param-label", f"{css}-label"])
        slider = rv.Slider(
            v_model=value,
            min=lo,
            max=hi,
            step=step,
            thumb_label=True,
            hide_details=True,
            density="compact",
            class_=f"sim-param {css}",
        )
    rv.use_event(slider, "end", lambda *args: on_end(args[2]))


@solara.component
def ParamControl(control: Control, value: Any, set_value: Callable[[str, Any], None], start=None):
    """One schema key as a slider or select. ``start``: the lever's start year, for the
    duration slider (which stores ``end_year = start + duration - 1``)."""
    css = slug(control.key)
    if control.kind == "select":
        solara.Select(
            control.label,
            list(control.choices),
            value=value,
            on_value=lambda v: set_value(control.key, v),
            classes=["sim-param", css],
        )
    elif control.kind == "multi":
        solara.SelectMultiple(
            control.label,
            list(value),
            list(control.choices),
            on_value=lambda v: set_value(control.key, list(v)),
            classes=["sim-param", css],
        )
    elif control.is_duration:
        first, last = run_years()
        duration = int(value) - int(start) + 1

        def end(v: float) -> None:
            set_value(control.key, int(start) + int(round(v)) - 1)

        label = f"{control.label}: {duration} (to {int(value)})"
        Slider(label, duration, 1, last - first + 1, 1, end, css)
    else:

        def scaled(v: float) -> None:
            number = float(v) * control.scale
            set_value(control.key, int(round(number)) if control.integer else number)

        label = f"{control.label}: {_format(control, value)}"
        step = control.step / control.scale
        lo, hi = control.lo / control.scale, control.hi / control.scale
        Slider(label, shown(control, value), lo, hi, step, scaled, css)


@solara.component
def ScenarioParams(settings: LiveSettings, cfg: Any, set_value: Callable[[str, Any], None]):
    with solara.Card("Scenario parameters", margin=0, classes=["sim-scenario-params"]):
        for control in scenario_controls():
            ParamControl(control, current_value(control, settings, cfg), set_value)


@solara.component
def LeverParams(
    lever: str,
    modelled: tuple[str, ...],
    settings: LiveSettings,
    cfg: Any,
    set_value: Callable[[str, Any], None],
):
    controls = lever_controls(lever, modelled)
    values = {c.key: current_value(c, settings, cfg) for c in controls}
    start = values[f"intervention.{lever}.start_year"]
    with solara.Card(f"Lever: {lever}", margin=0, classes=["sim-lever", f"sim-lever-{lever}"]):
        for control in controls:
            ParamControl(control, values[control.key], set_value, start=start)


@solara.component
def Controls(
    settings: LiveSettings,
    change: Callable[..., None],
    cfg: Any = None,
    modelled: tuple[str, ...] = (),
):
    """Config choices (scenario, levers, seed, region, weight), then the schema's sliders."""

    def set_value(key: str, value: Any) -> None:
        new = settings.with_param(key, value)
        if key.endswith(".start_year"):  # keep the duration: move the end with the start
            lever = key.split(".")[1]
            by_key = {c.key: c for c in lever_controls(lever)}
            end_key = f"intervention.{lever}.end_year"
            old_start = current_value(by_key[key], settings, cfg)
            old_end = current_value(by_key[end_key], settings, cfg)
            new = new.with_param(end_key, int(value) + int(old_end) - int(old_start))
        change(params=new.params)

    def choose_levers(chosen) -> None:
        keys = {c.key for c in scenario_controls()}
        keys |= {c.key for lever in chosen for c in lever_controls(lever)}
        change(interventions=tuple(chosen), params=settings.keep_params(keys))

    def choose_scenario(name: str) -> None:
        # the new scenario's own values show, not the sliders of the last one
        kept = tuple((k, v) for k, v in settings.params if not k.startswith("scenario."))
        change(scenario=name, params=kept)

    def choose_region(name: str) -> None:
        kept = tuple((k, v) for k, v in settings.params if not k.endswith(".districts"))
        change(region=name, params=kept)

    with solara.Column(classes=["sim-controls"], gap="8px"):
        with solara.Card("Scenario and intervention", margin=0):
            solara.Select(
                "Scenario",
                list(scenarios()),
                value=settings.scenario,
                on_value=choose_scenario,
                classes=["sim-scenario"],
            )
            solara.Text(description("scenario", settings.scenario), style={"font-size": "12px"})
            solara.SelectMultiple(
                "Interventions (none selected = no intervention)",
                list(settings.interventions),
                list(interventions()),
                on_value=choose_levers,
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
                on_value=choose_region,
                classes=["sim-region"],
            )
            solara.InputInt(
                "Households per agent (1 = every household)",
                value=settings.households_per_agent,
                on_value=lambda v: change(households_per_agent=int(v)),
                classes=["sim-households"],
            )
        ScenarioParams(settings, cfg, set_value)
        for lever in (n for n in interventions() if n in settings.interventions):
            LeverParams(lever, modelled, settings, cfg, set_value)
