"""The live view's schema-built controls, its Plotly map and charts, without a browser.

The controls' bounds and choices must come from the config schema (domains, enums, the levers'
targets), and a value outside them must be refused before Hydra sees it, as the CLI refuses
it. The browser side is tests/test_browser_live.py.
"""

from __future__ import annotations

import math

import ipyvuetify as v
import ipywidgets
import numpy as np
import pytest
import solara

from sim.config import ConfigError, load_config
from sim.config_domains import DOMAINS, domain_of
from sim.config_scenario import DemographyVariant
from sim.interventions import lever_classes
from sim.interventions.targeting import allowed_names
from sim.ui import controls
from sim.ui.options import LiveSettings

SMALL = LiveSettings(region="small", households_per_agent=50)
SHIFT = "scenario.coal_exit.closure_shift_years"
MULTIPLIER = "scenario.coal_exit.indirect_jobs_per_direct_job"
VARIANT = "scenario.demography.variant"


def _by_key(items) -> dict:
    return {c.key: c for c in items}


# ---- controls from the schema -----------------------------------------------------------------
def test_scenario_sliders_take_their_bounds_from_the_declared_domains():
    found = _by_key(controls.scenario_controls())
    recovery = "scenario.construction_cycle.recovery_per_year"
    assert set(found) == {SHIFT, MULTIPLIER, VARIANT, recovery}
    # a share's domain (0 .. 1); the default 0 leaves no multiple of it to cap at
    assert (found[recovery].lo, found[recovery].hi, found[recovery].default) == (0.0, 1.0, 0.0)
    shift = found[SHIFT]
    assert (shift.lo, shift.hi) == (DOMAINS[SHIFT].lo, DOMAINS[SHIFT].hi)
    multiplier = found[MULTIPLIER]
    assert multiplier.lo == DOMAINS[MULTIPLIER].lo
    # the domain (up to 20) reaches beyond ten times the default (1.0): the slider stops there
    assert multiplier.hi == min(DOMAINS[MULTIPLIER].hi, controls.CAP_TIMES_DEFAULT * 1.0)
    assert multiplier.domain == DOMAINS[MULTIPLIER]  # the check still uses the whole domain
    assert found[VARIANT].kind == "select"
    assert found[VARIANT].choices == tuple(m.name for m in DemographyVariant)


@pytest.mark.parametrize("lever", list(lever_classes()))
def test_every_lever_gets_budget_timing_and_targets_from_its_schema(lever):
    cls = lever_classes()[lever]
    found = _by_key(controls.lever_controls(lever))
    prefix = f"intervention.{lever}."
    budget = found[prefix + "budget_eur_per_year"]
    domain = domain_of(budget.key)
    default = cls.Params().budget_eur_per_year
    assert budget.lo == domain.lo and budget.hi == min(domain.hi, 10 * default)
    assert budget.default == default and budget.scale == 1e6  # shown in M€
    first, last = controls.run_years()
    for name in ("start_year", "end_year"):
        year = found[prefix + name]
        assert year.integer and (year.lo, year.hi) == (
            max(domain_of(year.key).lo, first),
            min(domain_of(year.key).hi, last),
        )
    assert found[prefix + "settlement_types"].choices == cls.settlement_types_served
    assert found[prefix + "trade_groups"].choices == allowed_names("trade_groups")
    assert found[prefix + "districts"].choices == allowed_names("districts")
    modelled = ("halle", "saalekreis")
    (districts,) = [c for c in controls.lever_controls(lever, modelled) if c.key.endswith("ts")]
    assert districts.choices == modelled


def test_rural_hubs_serve_no_city():
    found = _by_key(controls.lever_controls("rural_hubs"))
    assert "city" not in found["intervention.rural_hubs.settlement_types"].choices


def test_slider_steps_divide_the_span_in_about_a_hundred():
    for c in [*controls.scenario_controls(), *controls.lever_controls("local_procurement")]:
        if c.kind == "slider":
            steps = (c.hi - c.lo) / c.step
            assert 10 <= steps <= 250, (c.key, steps)


# ---- values become checked overrides ----------------------------------------------------------
def test_chosen_values_become_overrides_that_compose():
    settings = (
        LiveSettings(region="small", interventions=("rural_hubs",))
        .with_param(SHIFT, -2.5)
        .with_param(MULTIPLIER, 1.4)
        .with_param(VARIANT, "official_low")
        .with_param("intervention.rural_hubs.budget_eur_per_year", 6e6)
        .with_param("intervention.rural_hubs.start_year", 2028)
        .with_param("intervention.rural_hubs.end_year", 2031)
        .with_param("intervention.rural_hubs.districts", ["saalekreis"])
        .with_param("intervention.rural_hubs.settlement_types", ["rural"])
    )
    overrides = settings.overrides()
    assert f"{SHIFT}=-2.5" in overrides
    assert "intervention.rural_hubs.districts=[saalekreis]" in overrides
    cfg = load_config(overrides)
    assert cfg.scenario.coal_exit.closure_shift_years == -2.5
    assert cfg.scenario.coal_exit.indirect_jobs_per_direct_job == 1.4
    assert cfg.scenario.demography.variant.name == "official_low"
    hubs = cfg.intervention.rural_hubs
    assert (hubs.budget_eur_per_year, hubs.start_year, hubs.end_year) == (6e6, 2028, 2031)
    assert list(hubs.districts) == ["saalekreis"] and list(hubs.settlement_types) == ["rural"]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (SHIFT, 30.5),  # above the domain
        (SHIFT, -31),
        (SHIFT, math.nan),
        (SHIFT, "3; rm -rf /"),
        (SHIFT, True),
        (MULTIPLIER, 20.5),
        (VARIANT, "official_worst"),
        ("intervention.rural_hubs.budget_eur_per_year", -1.0),
        ("intervention.rural_hubs.budget_eur_per_year", 2e12),
        ("intervention.rural_hubs.start_year", 2027.5),  # a year is an integer
        ("intervention.rural_hubs.start_year", 1999),
        ("intervention.rural_hubs.districts", ("atlantis",)),
        ("intervention.rural_hubs.districts", ("halle", "halle")),
        ("intervention.rural_hubs.settlement_types", ("city",)),  # hubs serve no city
        ("intervention.succession_support.budget_eur_per_year", 1e6),  # lever not chosen
        ("model.firm.capacity_slack", 0.5),  # not a control
        ("hydra.run.dir", "/tmp"),
    ],
)
def test_values_outside_the_schema_are_refused(key, value):
    settings = LiveSettings(region="small", interventions=("rural_hubs",)).with_param(key, value)
    with pytest.raises(ConfigError, match="allowed"):
        settings.overrides()


def test_bounds_of_the_domain_are_accepted():
    for value in (DOMAINS[SHIFT].lo, DOMAINS[SHIFT].hi):
        assert f"{SHIFT}={float(value)!r}" in SMALL.with_param(SHIFT, value).overrides()


# ---- the live view's components ---------------------------------------------------------------
def _slider(rc, css: str) -> v.Slider:
    (widget,) = [e.widget for e in rc.find(v.Slider) if css in e.widget.class_.split()]
    return widget


def _label(root, css: str) -> str:
    """The text of the slider's label (a span above it, classed after the slider)."""
    found = []

    def walk(widget) -> None:
        if f"{css}-label" in (getattr(widget, "class_", None) or "").split():
            found.append(widget.children[0])
        for child in getattr(widget, "children", None) or []:
            if isinstance(child, ipywidgets.Widget):
                walk(child)

    walk(root)
    (text,) = found
    return text


def _quarter(rc) -> str:
    (label,) = [
        e.widget
        for e in rc.find(solara.widgets.HTML)
        if "sim-quarter" in e.widget.attributes.get("class", "")
    ]
    return label.unsafe_innerHTML


def test_moving_a_budget_slider_rebuilds_the_model_with_the_new_budget():
    from sim.ui.live import LiveView

    lever = "local_procurement"
    css = f"sim-param-intervention-{lever}-budget_eur_per_year"
    box, rc = solara.render(
        LiveView(initial=LiveSettings(region="small", households_per_agent=50)),
        handle_error=False,
    )
    assert not [e for e in rc.find(v.Slider) if css in e.widget.class_]  # no lever yet
    rc.find(v.Select, label="Interventions (none selected = no intervention)").widget.v_model = [
        lever
    ]
    slider = _slider(rc, css)
    default = lever_classes()[lever].Params().budget_eur_per_year
    assert (slider.min, slider.max, slider.v_model) == (0, 10 * default / 1e6, default / 1e6)
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert _quarter(rc) == "2025Q1"
    slider.fire_event("end", 25.0)  # released at 25 M€ a year
    assert _quarter(rc) == "start"  # a new model
    assert _slider(rc, css).v_model == 25.0
    assert _label(box, css).endswith(": 25")
    texts = " ".join(str(e.widget.children) for e in rc.find(v.Html))
    assert f"intervention.{lever}.budget_eur_per_year=25000000.0" in texts
    # the duration slider keeps its length when the start moves, and sets end_year
    start = f"sim-param-intervention-{lever}-start_year"
    end = f"sim-param-intervention-{lever}-end_year"
    _slider(rc, start).fire_event("end", 2030)
    assert _slider(rc, end).v_model == 21  # the duration is kept: 2030 .. 2050
    assert "(to 2050)" in _label(box, end)
    _slider(rc, end).fire_event("end", 4)
    assert "(to 2033)" in _label(box, end)
    assert not rc.find(v.Alert, type="error")
    rc.close()


def test_map_draws_district_shapes_places_and_the_attribution():
    import plotly.graph_objects as go

    from sim.analysis.boundaries import ATTRIBUTION
    from sim.ui.live_run import LiveRun
    from sim.ui.map_figure import district_map

    run = LiveRun(SMALL)
    run.step()
    snap = run.snapshot()
    region = run.model.region
    fig = district_map(
        region,
        snap.district_values["value_added"],
        snap.place_values["value_added"],
        "VA",
        "title",
    )
    shapes = [t for t in fig.data if isinstance(t, go.Scatter) and t.fill == "toself"]
    assert len(shapes) == len(region.districts) == 3
    # Saalekreis has a hole (Halle): two rings, joined by a gap
    (saale,) = [t for t in shapes if t.name == "Saalekreis"]
    assert sum(x is None for x in saale.x) == 2
    assert all("VA: " in t.text for t in shapes)
    places = [t for t in fig.data if t.name == "places"]
    assert len(places) == 1 and len(places[0].x) == region.n_places
    assert any(ATTRIBUTION in a.text for a in fig.layout.annotations)
    # district values add up the places'
    assert np.isclose(
        snap.district_values["value_added"].sum(), np.nansum(snap.place_values["value_added"])
    )


def test_live_view_charts_are_plotly_figures_and_the_map_follows_the_metric(caplog):
    import plotly.graph_objects as go

    from sim.ui.live import LiveView
    from sim.ui.live_run import MAP_METRICS

    box, rc = solara.render(LiveView(initial=SMALL), handle_error=False)
    rc.find(v.Btn, children=["Step"]).widget.click()
    figures = [e.widget for e in rc.find(go.FigureWidget)]
    assert len(figures) == 7  # the map and six charts
    select = rc.find(v.Select, label="Colour districts by").widget
    seen = []
    for label in MAP_METRICS.values():
        select.v_model = label
        (shown,) = [
            f
            for f in (e.widget for e in rc.find(go.FigureWidget))
            if f.layout.title.text == f"{label}, 2025Q1"
        ]
        seen.append(tuple(t.fillcolor for t in shown.data if t.fill == "toself"))
    assert len(set(seen)) > 1  # the districts' colours follow the metric
    assert "figure failed" not in caplog.text
    rc.close()
