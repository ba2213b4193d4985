"""The Solara UI without a browser: choices, the live run, and the components rendered in-process.

Components are rendered with ``solara.render`` into widgets; clicking a widget runs the same
handlers a browser click runs. The real browser test is tests/test_browser.py.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import ipyvuetify as v
import pytest
import solara
import solara.widgets

from sim.config import ConfigError
from sim.ui import options
from sim.ui.live_run import HEADLINE, MAP_METRICS, LiveRun
from sim.ui.options import LiveSettings
from tests.conftest import ROOT

SMALL = LiveSettings(region="small", households_per_agent=50)
SWEEP_ARGS = [
    "region=small",
    "households_per_agent=50",
    "end=2026Q4",
    "intervention=none,innovation_transfer",
    "seed=0,1,2",
    "progress=false",
    "hydra/launcher=basic",
]


def make_sweep(results_dir: Path) -> Path:
    """Three seeds x two arms on the small region, two years; returns the sweep folder."""
    proc = subprocess.run(
        [sys.executable, "-m", "sim.run", "-m", *SWEEP_ARGS, f"results_dir={results_dir}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    from sim.store import list_sweeps

    sweeps = list_sweeps(results_dir)
    assert len(sweeps) == 1, sweeps
    return sweeps[0]


def shared_sweep(tmp_path_factory) -> Path:
    """One sweep per test session, for this module and tests/test_browser.py (read only).

    Kept in the session's base temp folder, so both modules find it whichever runs first.
    """
    results = tmp_path_factory.getbasetemp() / "ui_results"
    done = results / "sweep_dir.txt"
    if not done.exists():
        sweep = make_sweep(results)
        done.write_text(str(sweep))
    return Path(done.read_text())


# ---- choices and the live run (no UI) --------------------------------------------------------
def test_choices_come_from_conf_without_schemas():
    assert "baseline" in options.scenarios() and "early_exit" in options.scenarios()
    assert set(options.regions()) == {"full", "small"}
    assert "innovation_transfer" in options.interventions()
    assert "none" not in options.interventions()
    for group in ("scenario", "region", "intervention"):
        assert not any(n.endswith("_schema") for n in options.config_names(group))
    assert "coal exit" in options.description("scenario", "early_exit").lower() or (
        "three years" in options.description("scenario", "early_exit")
    )


def test_settings_become_hydra_overrides_of_known_names_only():
    combo = LiveSettings(interventions=("rural_hubs", "innovation_transfer"), seed=3)
    assert "intervention=[innovation_transfer,rural_hubs]" in combo.overrides()
    assert "seed=3" in combo.overrides()
    assert "intervention=none" in LiveSettings().overrides()
    assert "intervention=rural_hubs" in LiveSettings(interventions=("rural_hubs",)).overrides()
    for bad in (
        LiveSettings(scenario="../../etc/passwd"),
        LiveSettings(scenario="baseline,hydra.run.dir=/tmp"),
        LiveSettings(interventions=("none",)),
        LiveSettings(region="huge"),
    ):
        with pytest.raises(ConfigError, match="allowed"):
            bad.overrides()


def test_live_run_steps_and_snapshots():
    run = LiveRun(SMALL)
    assert run.ok and run.error is None
    snap = run.snapshot()
    assert snap.label == "start" and not snap.started
    assert run.step(2) == 2
    snap = run.snapshot()
    assert snap.label == "2025Q2" and snap.done == 2
    assert set(snap.headline) == set(HEADLINE)
    assert snap.headline["firms"][0] > 1000
    assert 0 < snap.headline["rural_value_added_share"][0] < 100
    n_places = run.model.region.n_places
    for key in MAP_METRICS:
        assert snap.place_values[key].shape == (n_places,)
    assert snap.place_values["value_added"].sum() > 0


def test_invalid_settings_give_a_message_not_an_exception():
    run = LiveRun(LiveSettings(region="small", households_per_agent=0))
    assert not run.ok
    assert "households_per_agent" in run.error and ">= 1" in run.error
    assert run.step() == 0 and run.snapshot().label == "–"


def test_a_model_error_stops_the_run_with_a_message(monkeypatch):
    run = LiveRun(SMALL)
    run.step()

    def broken():
        raise RuntimeError("negative stock")

    monkeypatch.setattr(run.model, "step", broken)
    assert run.step() == 0
    assert run.failed and not run.running
    assert "2025Q2" in run.error and "negative stock" in run.error
    assert run.snapshot().label == "2025Q1"  # what was simulated stays on the page


# ---- components -------------------------------------------------------------------------------
def _html(rc, cls: str) -> list:
    return [
        w
        for w in (e.widget for e in rc.find(solara.widgets.HTML))
        if cls in w.attributes.get("class", "").split()
    ]


def _quarter(rc) -> str:
    (label,) = _html(rc, "sim-quarter")
    return label.unsafe_innerHTML


def _button(rc, text: str) -> v.Btn:
    return rc.find(v.Btn, children=[text]).widget


def _play_button(rc) -> v.Btn:
    return rc.find(v.Btn, class_="sim-play").widget


def _texts(rc) -> str:
    return " ".join(str(w.children) for w in (e.widget for e in rc.find(v.Html)))


def _wait(condition, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "condition not met in time"
        time.sleep(0.05)


def test_step_advances_the_quarter_and_fills_the_headline():
    from sim.ui.live import LiveView

    box, rc = solara.render(LiveView(initial=SMALL), handle_error=False)
    assert _quarter(rc) == "start"
    assert not _html(rc, "sim-headline")
    _button(rc, "Step").click()
    assert _quarter(rc) == "2025Q1"
    (table,) = _html(rc, "sim-headline")
    assert 'data-testid="headline-value_added"' in table.unsafe_innerHTML
    first = table.unsafe_innerHTML
    _button(rc, "+1 year").click()
    assert _quarter(rc) == "2026Q1"
    (table,) = _html(rc, "sim-headline")
    assert table.unsafe_innerHTML != first
    _button(rc, "Reset").click()
    assert _quarter(rc) == "start"
    rc.close()


def test_controls_rebuild_the_model():
    from sim.ui.live import LiveView

    box, rc = solara.render(LiveView(initial=SMALL), handle_error=False)
    _button(rc, "Step").click()
    assert _quarter(rc) == "2025Q1"
    scenario = rc.find(v.Select, label="Scenario").widget
    scenario.v_model = "early_exit"
    assert _quarter(rc) == "start"  # a new model
    rc.find(v.Html, children=["early_exit · intervention none · seed 0 · region small"])
    levers = rc.find(v.Select, label="Interventions (none selected = no intervention)").widget
    levers.v_model = ["succession_support", "rural_hubs"]
    assert "intervention succession_support+rural_hubs" in _info_line(rc)
    seed = rc.find(v.TextField, label="Seed").widget
    seed.v_model = "7"
    seed.fire_event("keyup.enter", None)
    assert "seed 7" in _info_line(rc)
    _button(rc, "Step").click()
    assert _quarter(rc) == "2025Q1"
    rc.close()


def _info_line(rc) -> str:
    lines = [
        w.children[0]
        for w in (e.widget for e in rc.find(v.Html))
        if w.children and isinstance(w.children[0], str) and "· seed" in w.children[0]
    ]
    assert len(lines) == 1, lines
    return lines[0]


def test_invalid_households_per_agent_shows_a_message():
    from sim.ui.live import LiveView

    box, rc = solara.render(LiveView(initial=SMALL), handle_error=False)
    field = rc.find(v.TextField, label="Households per agent (1 = every household)").widget
    field.v_model = "0"
    field.fire_event("keyup.enter", None)
    error = rc.find(v.Alert, type="error").widget
    assert "households_per_agent" in str(error.children) and ">= 1" in str(error.children)
    assert _button(rc, "Step").disabled
    field.v_model = "50"
    field.fire_event("keyup.enter", None)
    assert not rc.find(v.Alert, type="error")
    assert not _button(rc, "Step").disabled
    rc.close()


def test_play_steps_in_the_background_until_paused():
    from sim.ui.live import LiveView

    box, rc = solara.render(LiveView(initial=SMALL), handle_error=False)
    rc.find(v.Select, label="Speed (quarters per second)").widget.v_model = "max"
    play = _play_button(rc)
    assert "Play" in play.children
    play.click()
    _wait(lambda: _quarter(rc) not in ("start", "2025Q1"))
    assert "Pause" in _play_button(rc).children
    _play_button(rc).click()
    # a quarter already in flight may still finish (slowly on a loaded machine): wait until
    # the label has stood still for a second; if pause did not stop the loop it never does
    last = [_quarter(rc), time.monotonic()]

    def settled() -> bool:
        now = _quarter(rc)
        if now != last[0]:
            last[:] = [now, time.monotonic()]
        return time.monotonic() - last[1] >= 1.0

    _wait(settled, timeout=20.0)
    paused_at = _quarter(rc)
    time.sleep(1.0)
    assert _quarter(rc) == paused_at
    assert paused_at.startswith("20") and paused_at != "2045Q4"  # stopped, not run to the end
    assert "Play" in _play_button(rc).children
    rc.close()


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    return shared_sweep(tmp_path_factory)


def test_compare_view_shows_paired_differences(sweep):
    from sim.ui import compare_view
    from sim.ui.compare_view import CompareView

    box, rc = solara.render(CompareView(sweep.parent), handle_error=False)

    def headline():
        return [
            e.widget
            for e in rc.find(solara.widgets.HTML)
            if e.widget.attributes.get("data-testid") == "compare-headline"
        ]

    _wait(lambda: bool(headline()), timeout=60)
    (table,) = headline()
    assert 'data-testid="compare-value_added_eur_2026"' in table.unsafe_innerHTML
    assert "95 % CI" in table.unsafe_innerHTML
    assert rc.find(v.Select, label="Arm (intervention)").widget.v_model == "innovation_transfer"
    assert rc.find(v.Select, label="against the baseline").widget.v_model == "none"
    comparison = compare_view.comparison_for(sweep, "intervention", "none")
    xlsx = compare_view.export_bytes(comparison, "xlsx")
    assert xlsx[:2] == b"PK"  # a zip container, as XLSX is
    rc.close()


def test_compare_view_without_sweeps_says_how_to_make_one(tmp_path):
    from sim.ui.compare_view import CompareView

    box, rc = solara.render(CompareView(tmp_path), handle_error=False)
    assert "python -m sim.run -m" in str(rc.find(v.Alert).widget.children)
    rc.close()


def test_command_line_options():
    from sim.ui.__main__ import parse_args

    args = parse_args([])
    assert args.host == "127.0.0.1" and args.port == 8765 and args.results_dir == "results"
    assert parse_args(["--port", "9001"]).port == 9001
    with pytest.raises(SystemExit):
        parse_args(["--port", "0"])


# ---- bad folders: a message, never a traceback (issue 15) -------------------------------------
def damaged_results(sweep: Path, results: Path, damage: str, name: str = "sweep") -> Path:
    """A results folder holding a copy of ``sweep`` as ``name``, damaged one way."""
    import shutil

    copy = results / name
    shutil.copytree(sweep, copy)
    run = sorted(p for p in copy.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))[0]
    if damage == "status_only":  # a manifest of only {"status": "complete"}
        (copy / "zz_status_only").mkdir()
        (copy / "zz_status_only" / "manifest.json").write_text('{"status": "complete"}')
    elif damage == "truncated":
        data = (run / "groups.parquet").read_bytes()
        (run / "groups.parquet").write_bytes(data[: len(data) // 2])
    elif damage == "folder_for_table":  # a folder where a table file is expected
        (run / "places.parquet").unlink()
        (run / "places.parquet").mkdir()
    elif damage == "file_for_run":  # a file where a run folder is expected: not a run, ignored
        (copy / "zz_file").write_text("not a run")
    return results


def _alerts(rc) -> str:
    return " ".join(str(e.widget.children) for e in rc.find(v.Alert))


def _headline_shown(rc) -> bool:
    return any(
        e.widget.attributes.get("data-testid") == "compare-headline"
        for e in rc.find(solara.widgets.HTML)
    )


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        ("status_only", "zz_status_only: manifest.json has no 'run_id'"),
        ("truncated", "groups.parquet cannot be read"),
        ("folder_for_table", "places.parquet is not a file"),
        ("file_for_run", None),
    ],
)
def test_a_damaged_sweep_is_a_message_not_a_traceback(sweep, tmp_path, caplog, damage, expected):
    from sim.ui.compare_view import CompareView

    results = damaged_results(sweep, tmp_path, damage)
    box, rc = solara.render(CompareView(results), handle_error=False)
    _wait(lambda: "No comparison" in _alerts(rc) or _headline_shown(rc), timeout=60)
    if expected is None:
        assert _headline_shown(rc) and "No comparison" not in _alerts(rc)
    else:
        assert expected in _alerts(rc) and "corrupt run folder" in _alerts(rc)
        assert not _headline_shown(rc)
    # an expected error is one line in the server's log, never a traceback
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]
    rc.close()


def test_a_results_folder_that_is_a_file_says_so(tmp_path):
    from sim.ui.compare_view import CompareView

    (tmp_path / "results").write_text("a file")
    box, rc = solara.render(CompareView(tmp_path / "results"), handle_error=False)
    assert "No finished sweep" in _alerts(rc) and "python -m sim.store" in _alerts(rc)
    rc.close()


def test_rescan_reads_the_runs_again(sweep, tmp_path):
    import shutil

    from sim.ui.compare_view import CompareView

    results = damaged_results(sweep, tmp_path, "none")
    box, rc = solara.render(CompareView(results), handle_error=False)
    _wait(lambda: _headline_shown(rc), timeout=60)
    assert "6 finished runs" in _texts(rc)
    run = sorted((results / "sweep").glob("baseline__innovation*"))[-1]
    shutil.rmtree(run)
    (rescan,) = [e.widget for e in rc.find(v.Btn) if "Rescan" in e.widget.children]
    rescan.click()
    _wait(lambda: "5 finished runs" in _texts(rc), timeout=60)
    rc.close()


def test_a_failing_compare_view_leaves_the_live_view_running(monkeypatch, tmp_path):
    from sim.ui import app, compare_view

    def broken(*args):
        raise RuntimeError("disk went away")

    monkeypatch.setenv(app.RESULTS_ENV, str(tmp_path))
    monkeypatch.setattr(compare_view, "list_sweeps", lambda d: [tmp_path / "x"])
    monkeypatch.setattr(compare_view, "_label", broken)  # fails while the view renders
    live_view = app.LiveView

    @solara.component
    def SmallLiveView():
        live_view(initial=SMALL)

    monkeypatch.setattr(app, "LiveView", SmallLiveView)
    box, rc = solara.render(app.Page(), handle_error=False)
    rc.find(v.BtnToggle, class_="sim-views").widget.v_model = app.VIEWS[1]
    assert "The compare view failed: RuntimeError: disk went away" in _alerts(rc)
    _button(rc, "Step").click()  # the live view is still there and runs
    assert _quarter(rc) == "2025Q1"
    rc.close()


def test_unmet_demand_chart_has_no_negative_axis_for_amounts_and_shares():
    """A flat (e.g. one-quarter) series must not be drawn on a range with negative ticks."""
    import pandas as pd

    from sim.ui import plots

    groups = pd.DataFrame(
        {
            "quarter": ["2025Q1"] * 3,
            "settlement_type": ["city", "town", "rural"],
            "unmet_demand_eur": [0.0, 5e5, 3e5],
            "demand_eur": [1e8] * 3,
        }
    )
    fig = plots.unmet_demand(groups)
    assert fig.layout.yaxis.rangemode == "tozero"
    assert fig.layout.yaxis2.rangemode == "tozero"
