"""The live view in headless Chromium: the district map, hover values, a budget slider, a phone.

Uses the server of tests/test_browser.py (``python -m sim.ui`` on localhost; the full region
at its default weight). Plotly draws into SVG, so the map's district shapes are counted there
(one filled path per district) and hover labels are read from Plotly's hover layer. Nothing
the page loads may come from outside localhost (Plotly's JavaScript ships in the plotly
package). Screenshots: /tmp/ui_live_desktop.png, /tmp/ui_live_phone.png (the top of the page on
a phone) and /tmp/ui_live_phone_map.png (its map).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.test_browser import (  # noqa: F401 -- server: the fixture
    CHROMIUM,
    CHROMIUM_ARGS,
    FIGURE_SIZES,
    FIGURES_FIT,
    server,
)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's Chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
)
DISTRICT_FILLS = ".sim-map .scatterlayer .trace .js-fill"
FULL_REGION_DISTRICTS = 9

# pixel position of data point (x, y) of a Plotly graph div, relative to the page
TO_PIXELS = """([selector, x, y]) => {
    const gd = document.querySelector(selector + ' .js-plotly-plot');
    const box = gd.getBoundingClientRect(), L = gd._fullLayout;
    return [box.left + L._size.l + L.xaxis.l2p(x), box.top + L._size.t + L.yaxis.l2p(y)];
}"""


def _browser(p):
    return p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def _start(page, url: str) -> None:
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.locator(".sim-quarter")).to_have_text("start", timeout=90_000)


def _step(page, label: str) -> None:
    from playwright.sync_api import expect

    page.locator(".sim-step").click()
    expect(page.locator(".sim-quarter")).to_have_text(label, timeout=60_000)


def _hover(page, selector: str, x: float, y: float) -> str:
    page.locator(selector).scroll_into_view_if_needed()
    px, py = page.evaluate(TO_PIXELS, [selector, x, y])
    page.mouse.move(px, py)
    label = page.locator(f"{selector} .hoverlayer .hovertext, {selector} .hoverlayer .legend")
    label.first.wait_for(timeout=10_000)
    return " ".join(label.all_text_contents())


def _empty_spot(district_id: str, places_xy: np.ndarray) -> tuple[float, float]:
    """A point inside the district as far as possible from any place marker."""
    from matplotlib.path import Path as MplPath

    from sim.analysis.boundaries import load_boundaries

    rings = [r for p in load_boundaries()[district_id]["polygons"] for r in p]
    outer = MplPath(rings[0])
    lo, hi = rings[0].min(axis=0), rings[0].max(axis=0)
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 60), np.linspace(lo[1], hi[1], 60))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    inside = outer.contains_points(grid)
    for hole in rings[1:]:
        inside &= ~MplPath(hole).contains_points(grid)
    grid = grid[inside]
    scale = np.array([np.cos(np.deg2rad(51.3)), 1.0])
    gaps = np.linalg.norm((grid[:, None, :] - places_xy[None, :, :]) * scale, axis=2).min(axis=1)
    return tuple(grid[int(np.argmax(gaps))])


def test_map_with_boundaries_attribution_and_hover_values(server, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = _browser(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            outside = []
            local = (server["url"], f"blob:{server['url']}", "data:")  # the page's own objects
            page.on(
                "request",
                lambda r: None if r.url.startswith(local) else outside.append(r.url),
            )
            _start(page, server["url"])
            # before the first quarter: the district outlines and the licence's attribution
            expect(page.locator(DISTRICT_FILLS)).to_have_count(
                FULL_REGION_DISTRICTS, timeout=60_000
            )
            attribution = page.locator(".sim-map .annotation-text")
            expect(attribution).to_contain_text("© GeoBasis-DE / BKG (2021)")
            _step(page, "2025Q1")
            expect(page.locator(".sim-map .colorbar")).to_have_count(1, timeout=60_000)
            expect(page.locator(DISTRICT_FILLS)).to_have_count(FULL_REGION_DISTRICTS)
            expect(page.locator(".sim-map .gtitle")).to_contain_text("2025Q1", timeout=30_000)

            # hover the biggest place: its name, district and value
            places = page.evaluate(
                """() => { const gd = document.querySelector('.sim-map .js-plotly-plot');
                   const t = gd.data.find(d => d.name === 'places');
                   return [t.x, t.y, t.marker.size]; }"""
            )
            xs, ys, sizes = (np.asarray(a, float) for a in places)
            biggest = int(np.argmax(sizes))
            text = _hover(page, ".sim-map", xs[biggest], ys[biggest])
            assert "Leipzig" in text and "Value added" in text and "inhabitants" in text, text
            value = text.split("Value added (€ per quarter):")[1].split()[0]
            assert float(value.replace(",", "")) > 0

            # hover inside a district, away from any place: the district's name and value
            x, y = _empty_spot("nordsachsen", np.column_stack([xs, ys]))
            page.mouse.move(0, 0)
            text = _hover(page, ".sim-map", x, y)
            assert "Nordsachsen" in text and "Value added (€ per quarter):" in text, text

            # hover a chart's point: Plotly's unified label with the value
            expect(page.locator(".sim-plot-va .scatterlayer .trace")).to_have_count(
                3, timeout=60_000
            )
            # drawn at its column's width (a redraw would clear the hover label)
            page.wait_for_function(FIGURES_FIT, arg=7, timeout=30_000)
            y0 = page.evaluate(
                "() => document.querySelector('.sim-plot-va .js-plotly-plot').data[0].y[0]"
            )
            text = _hover(page, ".sim-plot-va", 0, y0)
            assert "2025Q1" in text and "M€" in text, text
            page.screenshot(path=str(tmp_path / "live_desktop.png"), full_page=True)
        finally:
            browser.close()
    assert not outside, f"requests left localhost: {outside[:5]}"
    shutil.copy(tmp_path / "live_desktop.png", "/tmp/ui_live_desktop.png")
    assert "Traceback" not in Path(server["log"]).read_text()


def _headline(page) -> str:
    return page.get_by_test_id("headline").inner_text()


def test_moving_a_budget_slider_changes_the_run(server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    lever = "local_procurement"
    budget = f".sim-param-intervention-{lever}-budget_eur_per_year"
    with sync_playwright() as p:
        browser = _browser(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            _start(page, server["url"])
            page.locator(".sim-interventions").click()
            page.get_by_role("option", name=lever).click()
            page.keyboard.press("Escape")
            expect(page.locator(budget)).to_be_visible(timeout=60_000)
            expect(page.locator(".sim-quarter")).to_have_text("start", timeout=60_000)
            _step(page, "2025Q1")
            with_budget = _headline(page)
            label = page.locator(f"{budget}-label")
            assert label.inner_text().endswith(": 10")  # the schema's default, M€ a year

            # drag the slider's knob past its left end and release it: no budget, a new model
            page.locator(budget).scroll_into_view_if_needed()
            knob = page.locator(f"{budget} .v-slider-thumb").bounding_box()
            track = page.locator(f"{budget} .v-slider-track").bounding_box()
            y = knob["y"] + knob["height"] / 2
            page.mouse.move(knob["x"] + knob["width"] / 2, y)
            page.mouse.down()
            page.mouse.move(track["x"] - 20, y, steps=5)
            page.mouse.up()
            expect(label).to_have_text("budget (M€ a year, whole Revier): 0", timeout=60_000)
            expect(page.locator(".sim-quarter")).to_have_text("start", timeout=60_000)
            expect(page.locator(".sim-overrides")).to_contain_text(
                f"intervention.{lever}.budget_eur_per_year=0.0"
            )
            _step(page, "2025Q1")
            assert _headline(page) != with_budget  # the same quarter without the lever's orders
        finally:
            browser.close()
    assert "Traceback" not in Path(server["log"]).read_text()


def test_phone_layout_keeps_every_control_on_screen(server, tmp_path):  # noqa: F811
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect, sync_playwright

    width = 390
    with sync_playwright() as p:
        browser = _browser(p)
        try:
            page = browser.new_page(viewport={"width": width, "height": 844}, is_mobile=True)
            _start(page, server["url"])
            page.locator(".sim-interventions").click()
            page.get_by_role("option", name="rural_hubs").click()
            page.keyboard.press("Escape")
            expect(page.locator(".sim-lever-rural_hubs")).to_be_visible(timeout=60_000)
            _step(page, "2025Q1")
            expect(page.locator(".sim-plot-firms .main-svg").first).to_be_attached(timeout=90_000)
            # each figure is redrawn at its column's width once measured (sim.ui.plotly_chart)
            try:
                page.wait_for_function(FIGURES_FIT, arg=7, timeout=30_000)
            except PlaywrightTimeout:
                pass  # the assertion below says which figure is too wide
            page.screenshot(path=str(tmp_path / "live_phone.png"), full_page=True)
            page.locator(".sim-map").scroll_into_view_if_needed()
            page.screenshot(path=str(tmp_path / "live_phone_map.png"))
            boxes = page.evaluate(
                """() => Array.from(document.querySelectorAll(
                    '.sim-live .v-input, .sim-live .v-btn, .sim-live .v-card, .sim-live .sim-chart,'
                    + ' .sim-live .main-svg, .sim-headline')).map(e => {
                        const b = e.getBoundingClientRect();
                        return [e.className.baseVal ?? e.className, b.left, b.right]; })"""
            )
            assert len(boxes) > 30
            over = [b for b in boxes if b[1] < -1 or b[2] > width + 1]
            assert not over, f"cut off on a {width} px screen: {over[:5]}"
            sizes = page.evaluate(FIGURE_SIZES)
            assert len(sizes) == 7 and all(c - 8 <= w <= c + 1 for w, c in sizes), sizes
        finally:
            browser.close()
    for name in ("live_phone.png", "live_phone_map.png"):
        assert (tmp_path / name).stat().st_size > 20_000  # a drawn page, not a blank one
        shutil.copy(tmp_path / name, f"/tmp/ui_{name}")
