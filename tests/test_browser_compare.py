"""The compare and Study outputs views: the dimension a sweep opens on, Plotly charts with
hover values and projection bands, the layout at 1280x800 and on a 390 px phone, the reports
with their downloads. In-process checks (``solara.render``) run everywhere; the browser checks
need Debian's Chromium (skipped without it, as in tests/test_browser.py). Screenshots are
copied to /tmp/ui_compare_phone.png and /tmp/ui_study.png.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import plotly.graph_objects as go
import pytest
import solara

from tests.conftest import ROOT
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, free_port, wait_for_http
from tests.test_ui_study import write_results

COMMON = ["region=small", "households_per_agent=50", "end=2026Q4", "progress=false"]
SCENARIO_ONLY = ["scenario=baseline,early_exit", "seed=0,1,2"]
PARAMETER = ["model.price_elasticity=1.5,2.5", "seed=0,1"]
browser = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's Chromium is not installed at /usr/bin/chromium"
)


def make_sweep(results: Path, batch: str, args: list[str]) -> Path:
    """A sweep written by the CLI, as a user makes one; returns its folder."""
    cmd = [sys.executable, "-m", "sim.run", "-m", *COMMON, *args, "hydra/launcher=basic"]
    cmd += [f"results_dir={results}", f"batch={batch}"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return results / batch


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    """A scenario-only sweep (listed first), a parameter sweep and experiment reports."""
    root = tmp_path_factory.mktemp("compare_results")
    make_sweep(root, "a_scenarios", SCENARIO_ONLY)
    make_sweep(root, "b_parameter", PARAMETER)
    write_results(root)
    return root


def _wait(condition, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "condition not met in time"
        time.sleep(0.1)


def _figures(rc) -> dict[str, go.FigureWidget]:
    return {e.widget.layout.title.text or "": e.widget for e in rc.find(go.FigureWidget)}


# ---- in-process ----------------------------------------------------------------------------------
def test_a_scenario_only_sweep_opens_on_scenario_with_plotly_charts(results):
    import ipyvuetify as v

    from sim.analysis.boundaries import ATTRIBUTION
    from sim.ui.compare_view import SweepComparison

    box, rc = solara.render(SweepComparison(results / "a_scenarios"), handle_error=False)
    _wait(lambda: len(_figures(rc)) >= 4)
    assert rc.find(v.BtnToggle, class_="sim-dimension").widget.v_model == "scenario"
    assert rc.find(v.Select, label="against the baseline").widget.v_model == "baseline"
    assert rc.find(v.Select, label="Arm (scenario)").widget.v_model == "early_exit"
    assert not [e for e in rc.find(v.Alert) if e.widget.type == "error"]
    figures = _figures(rc)
    (bands,) = [f for t, f in figures.items() if t.startswith("Projection range")]
    names = [t.name for t in bands.data]
    assert (
        "baseline / none: 5-95 % of runs" in names and "early_exit / none: 5-95 % of runs" in names
    )
    for trace in bands.data:  # money never below zero; the band is a filled polygon
        assert min(trace.y) >= 0
    assert {t.fill for t in bands.data if "5-95" in t.name} == {"toself"}
    (time_fig,) = [f for t, f in figures.items() if "early_exit − baseline" in t]
    assert [t.name for t in time_fig.data] == ["95 % CI of the mean difference", "mean difference"]
    (the_map,) = [f for t, f in figures.items() if t.startswith("Value added change per place")]
    # the licence's full attribution, on lon/lat axes at the live map's aspect (map_figure)
    assert any(a.text == ATTRIBUTION for a in the_map.layout.annotations)
    assert the_map.layout.yaxis.scaleanchor == "x" and 1.5 < the_map.layout.yaxis.scaleratio < 1.7
    assert len(the_map.data) == 4  # the small region's 3 district outlines and the places
    # Saalekreis drawn with its hole (Halle): two rings, a gap after each
    (saale,) = [t for t in the_map.data if t.name == "Saalekreis"]
    assert sum(x is None for x in saale.x) == 2
    rc.close()


def test_a_parameter_sweep_opens_on_the_swept_setting(results):
    import ipyvuetify as v

    from sim.ui.compare_view import SweepComparison, dimensions, sweep_runs

    assert dimensions(sweep_runs(results / "a_scenarios")) == ["scenario"]
    assert dimensions(sweep_runs(results / "b_parameter")) == ["model.price_elasticity"]
    box, rc = solara.render(SweepComparison(results / "b_parameter"), handle_error=False)
    _wait(lambda: len(_figures(rc)) >= 1)
    toggle = rc.find(v.BtnToggle, class_="sim-dimension").widget
    assert toggle.v_model == "model.price_elasticity"
    (fig,) = _figures(rc).values()
    medians = [t.name for t in fig.data if "median" in t.name]
    assert [m.split(":")[0] for m in medians] == [
        "model.price_elasticity = 1.5",
        "model.price_elasticity = 2.5",
    ]
    assert all("(n=2)" in m for m in medians)  # two seeds per value
    rc.close()


# ---- in Chromium -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(results, tmp_path_factory):
    from sim.ui.assets import AssetsError, install

    try:
        install(quiet=True)
    except AssetsError as exc:
        pytest.fail(f"Solara's page assets are missing and could not be installed: {exc}")
    log_path = tmp_path_factory.mktemp("browser_compare") / "server.log"
    port = free_port()
    with open(log_path, "w+") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sim.ui", "--port", str(port), "--results-dir", str(results)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            wait_for_http(f"http://127.0.0.1:{port}/", proc)
            yield {"url": f"http://127.0.0.1:{port}/", "log": log_path}
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)


def _overflowing(page) -> list[str]:
    """Visible buttons and selects whose right edge lies beyond the viewport."""
    return page.evaluate(
        """() => [...document.querySelectorAll('button, .v-select, .js-plotly-plot')]
            .filter(e => e.offsetParent !== null)
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => (e.innerText || e.className).trim().slice(0, 40))"""
    )


def _hover(page, chart, point: int) -> str:
    """The hover label of a chart's ``point``-th marker. The chart is drawn again once the
    page has measured its width, so the point is looked up afresh until the label shows."""
    label = chart.locator(".hoverlayer .hovertext")
    for _ in range(20):
        page.wait_for_timeout(500)
        marker = chart.locator(".scatterlayer .trace .points path").nth(point)
        try:
            marker.scroll_into_view_if_needed(timeout=2_000)
            box = marker.bounding_box(timeout=2_000)
        except Exception:  # noqa: BLE001 -- replaced while redrawn: look it up again
            continue
        if box:
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            if label.count():
                return label.first.text_content() or ""
    raise AssertionError("no hover label appeared")


@browser
@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_compare_view_in_chromium(server, tmp_path, width, height):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = chromium.new_page(viewport={"width": width, "height": height})
            page.goto(server["url"])
            page.locator(".sim-view-compare").click()
            # the scenario-only sweep opens on scenario, with no error first
            expect(page.locator(".sim-dimension .v-btn--active")).to_have_text(
                "scenario", timeout=90_000
            )
            expect(page.get_by_test_id("compare-headline")).to_be_visible(timeout=90_000)
            assert page.locator(".sim-compare-error").count() == 0
            # the projection range: shaded bands (filled paths), labelled apart from the CI
            bands = page.locator(".sim-compare-bands .js-plotly-plot")
            expect(bands).to_be_visible(timeout=60_000)
            assert bands.locator("path.js-fill").count() >= 2
            expect(bands.locator(".legend")).to_contain_text("5-95 % of runs")
            time_chart = page.locator(".sim-compare-time .js-plotly-plot")
            expect(time_chart.locator(".legend")).to_contain_text("95 % CI of the mean")
            # hover a point of the difference over time: Plotly's label shows value and CI
            label = _hover(page, time_chart, 3)
            assert "2025Q4" in label and "CI" in label, label
            expect(page.locator(".sim-compare-map")).to_contain_text("GeoBasis-DE / BKG")
            page.wait_for_timeout(500)
            shot = tmp_path / f"compare_{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert _overflowing(page) == []  # nothing cut off at the right edge
        finally:
            chromium.close()
    if width < 600:
        shutil.copy(shot, "/tmp/ui_compare_phone.png")
    assert "Traceback" not in Path(server["log"]).read_text()


@browser
def test_study_outputs_view_in_chromium(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = chromium.new_page(viewport={"width": 1280, "height": 800}, accept_downloads=True)
            page.goto(server["url"])
            page.locator(".sim-view-study").click()
            expect(page.locator(".sim-report-title")).to_have_text("policy/_report", timeout=60_000)
            expect(page.locator(".sim-study-md h1")).to_have_text("Policy comparison")
            expect(page.locator(".sim-study-figure img").first).to_be_visible()
            expect(page.locator(".sim-study-table")).to_contain_text("hubs")
            assert page.locator(".sim-study-download").count() == 5
            with page.expect_download(timeout=30_000) as download:
                page.locator(".sim-study-download", has_text="01_paths.csv").click()
            saved = tmp_path / download.value.suggested_filename
            download.value.save_as(saved)
            assert saved.name == "01_paths.csv" and saved.read_text().startswith("arm,jobs")
            page.screenshot(path=str(tmp_path / "study.png"), full_page=True)
        finally:
            chromium.close()
    shutil.copy(tmp_path / "study.png", "/tmp/ui_study.png")
    assert "Traceback" not in Path(server["log"]).read_text()
