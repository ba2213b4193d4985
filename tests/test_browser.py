"""The UI in a real browser: ``python -m sim.ui`` served on localhost, driven by headless Chromium.

Needs Debian's Chromium at /usr/bin/chromium (skipped with the reason if it is missing; no
browser is ever downloaded) and Solara's page assets, which ``sim.ui.assets`` installs from the
npm registry when they are missing. Screenshots of both views are saved in the test's tmp folder
and copied to /tmp/ui_live.png and /tmp/ui_compare.png.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sim.analysis.annex_pdf import HEADLESS_FLAGS
from tests.conftest import ROOT
from tests.test_ui import damaged_results, shared_sweep

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = list(HEADLESS_FLAGS)
# each Plotly figure's drawn width against its container's (sim.ui.plotly_chart)
FIGURE_SIZES = """() => Array.from(document.querySelectorAll('.sim-chart .js-plotly-plot'))
    .filter(gd => gd.offsetParent !== null)
    .map(gd => [gd._fullLayout.width, gd.parentElement.clientWidth])"""
# every figure as wide as its container (within the width probe's 4 px), none wider
FIGURES_FIT = f"""(n) => {{ const s = ({FIGURE_SIZES})();
    return s.length === n && s.every(([w, c]) => w <= c + 1 && w >= c - 8); }}"""
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's Chromium is not installed at /usr/bin/chromium "
    "(apt-get install chromium); no browser is downloaded for this test",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ""
            raise AssertionError(f"server exited with {proc.returncode}:\n{out[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"server did not answer at {url} within {timeout} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The UI server on a free localhost port, with a small finished sweep to compare."""
    from sim.ui.assets import AssetsError, install

    try:
        install(quiet=True)  # the page's JavaScript, once per environment (npm registry)
    except AssetsError as exc:
        pytest.fail(f"Solara's page assets are missing and could not be installed: {exc}")
    sweep = shared_sweep(tmp_path_factory)
    results = tmp_path_factory.mktemp("browser_results")
    shutil.copytree(sweep, results / sweep.name)  # listed first: the view's default
    damaged_results(sweep, results, "status_only", name="broken")  # a run of {"status": "complete"}
    (results / "zz_file").write_text("a file where a sweep folder could be")
    log_path = tmp_path_factory.mktemp("browser") / "server.log"
    log = open(log_path, "w+")  # closed in the teardown
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.ui", "--port", str(port), "--results-dir", str(results)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_http(url, proc)
        log.seek(0)
        assert f"open http://127.0.0.1:{port}" in log.read()
        yield {"url": url, "sweep": sweep, "log": log_path}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()


def test_live_and_compare_views_in_chromium(server, tmp_path):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 2100}, accept_downloads=True)
            page.goto(server["url"])
            quarter = page.locator(".sim-quarter")
            expect(quarter).to_have_text("start", timeout=90_000)
            value_added = page.get_by_test_id("headline-value_added")
            firms = page.get_by_test_id("headline-firms")

            # step through three quarters of the full region: label and headline change
            page.locator(".sim-step").click()
            expect(quarter).to_have_text("2025Q1", timeout=30_000)
            first_value, first_firms = value_added.inner_text(), firms.inner_text()
            assert float(first_value.replace(",", "")) > 100  # M EUR per quarter
            page.locator(".sim-step").click()
            expect(quarter).to_have_text("2025Q2", timeout=30_000)
            page.locator(".sim-step").click()
            expect(quarter).to_have_text("2025Q3", timeout=30_000)
            expect(value_added).not_to_have_text(first_value)
            assert (value_added.inner_text(), firms.inner_text()) != (first_value, first_firms)
            expect(page.locator(".sim-map .main-svg").first).to_be_visible(timeout=60_000)
            expect(page.locator(".sim-plot-va .main-svg").first).to_be_visible(timeout=60_000)
            page.wait_for_timeout(500)  # let the last images paint
            live_png = tmp_path / "ui_live.png"
            page.screenshot(path=str(live_png), full_page=True)

            # a control builds a new model; play runs it until paused
            page.locator(".sim-region button", has_text="small").click()
            expect(quarter).to_have_text("start", timeout=30_000)
            expect(page.get_by_text("region small", exact=False)).to_be_visible()
            page.locator(".sim-play").click()
            expect(quarter).not_to_have_text("start", timeout=30_000)
            page.locator(".sim-play").click()  # pause
            # the live figures, redrawn while playing, still fill their columns
            try:
                page.wait_for_function(FIGURES_FIT, arg=7, timeout=30_000)
            except PlaywrightTimeout:
                pass  # the assertion says which figure does not fit
            sizes = page.evaluate(FIGURE_SIZES)
            assert len(sizes) == 7 and all(c - 8 <= w <= c + 1 for w, c in sizes), sizes

            # compare view: paired differences of the sweep the fixture made
            page.locator(".sim-view-compare").click()
            headline = page.get_by_test_id("compare-headline")
            expect(headline).to_be_visible(timeout=90_000)
            expect(headline).to_contain_text("value_added_eur_2026")
            diff = page.get_by_test_id("compare-value_added_eur_2026").inner_text()
            assert "M€/year" in diff
            expect(page.locator(".sim-compare-map .js-plotly-plot")).to_be_visible()
            expect(page.locator(".sim-compare-time .js-plotly-plot")).to_be_visible()
            # the projection range (5-95 % of runs) of the arm and its baseline, apart from the CI
            expect(page.locator(".sim-compare-bands .js-plotly-plot")).to_be_visible()
            page.wait_for_timeout(500)
            compare_png = tmp_path / "ui_compare.png"
            page.screenshot(path=str(compare_png), full_page=True)
            with page.expect_download(timeout=60_000) as download:
                page.get_by_text("Download XLSX").click()
            xlsx = tmp_path / download.value.suggested_filename
            download.value.save_as(xlsx)
            assert xlsx.suffix == ".xlsx" and xlsx.read_bytes()[:2] == b"PK"
        finally:
            browser.close()
    for png, copy in ((live_png, "/tmp/ui_live.png"), (compare_png, "/tmp/ui_compare.png")):
        assert png.stat().st_size > 20_000  # a page with images, not a blank one
        shutil.copy(png, copy)
    assert "Traceback" not in Path(server["log"]).read_text()


def test_a_damaged_sweep_is_a_message_and_the_live_view_goes_on(server):
    """Issue 15: a bad folder in the compare view is a message on the page (no traceback, in
    the page or the server's log), and the live view beside it still runs."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1400})
            page.goto(server["url"])
            quarter = page.locator(".sim-quarter")
            expect(quarter).to_have_text("start", timeout=90_000)
            page.locator(".sim-view-compare").click()
            page.locator(".sim-sweep").click()
            page.get_by_role("option", name="broken").click()
            error = page.locator(".sim-compare-error")
            expect(error).to_contain_text("corrupt run folder", timeout=60_000)
            expect(error).to_contain_text("manifest.json has no 'run_id'")
            assert "Traceback" not in page.locator("body").inner_text()
            page.locator(".sim-view-live").click()
            page.locator(".sim-step").click()
            expect(quarter).to_have_text("2025Q1", timeout=30_000)
        finally:
            browser.close()
    assert "Traceback" not in Path(server["log"]).read_text()
