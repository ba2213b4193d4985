"""District boundaries, choropleth maps with the attribution, and the GIS export of a sweep."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sim.analysis.boundaries import ATTRIBUTION, load_boundaries, signed_area
from sim.datasets import load_districts, load_places
from tests.conftest import ROOT

PNG = b"\x89PNG\r\n\x1a\n"


def _inside(point, ring) -> bool:
    """Ray casting: is the lon/lat point inside the ring."""
    x, y = point
    xs, ys = ring[:, 0], ring[:, 1]
    crosses = (ys > y) != (np.roll(ys, -1) > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        xc = xs + (y - ys) * (np.roll(xs, -1) - xs) / (np.roll(ys, -1) - ys)
    return bool(np.sum(crosses & (x < xc)) % 2)


def test_every_modelled_district_has_a_polygon_that_holds_its_seat():
    bounds = load_boundaries()
    districts = load_districts()
    assert set(bounds) == set(districts["district_id"])
    for d in districts.itertuples():
        polygons = bounds[d.district_id]["polygons"]
        assert str(d.ags) == bounds[d.district_id]["ags"]
        # right-hand rule: exterior counterclockwise, holes clockwise
        for rings in polygons:
            assert signed_area(rings[0]) > 0
            assert all(signed_area(h) < 0 for h in rings[1:])
        inside = [
            _inside((d.seat_lon, d.seat_lat), rings[0])
            and not any(_inside((d.seat_lon, d.seat_lat), h) for h in rings[1:])
            for rings in polygons
        ]
        assert any(inside), f"the seat of {d.district_id} lies outside its polygon"


def test_every_place_lies_in_its_district_polygon():
    """The join of places and polygons (scripts/make_places.py, rule 5). Tolerance: none, every
    place inside its own district's polygon and outside its holes (Halle inside Saalekreis),
    and in no other district's. The 17 places the nearest-anchor rule had put across a line
    were checked against the official municipality register (sim/data/SOURCES.md section 2)."""
    bounds = load_boundaries()
    places = load_places()

    def holds(district, p) -> bool:
        rings = [r for poly in bounds[district]["polygons"] for r in poly]
        return sum(_inside((p.lon, p.lat), r) for r in rings) % 2 == 1

    wrong = []
    for p in places.itertuples():
        found = [d for d in bounds if holds(d, p)]
        if found != [p.district_id]:
            wrong.append((p.place_id, p.district_id, found))
    assert not wrong, wrong


def _text_of(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_maps_carry_boundaries_choropleth_and_attribution(tmp_path, monkeypatch):
    from sim.analysis import boundaries
    from sim.analysis import figures as fig

    places = load_places().copy()
    rng = np.random.default_rng(0)
    places["unmet_demand_eur"] = rng.gamma(1.0, 1e5, len(places))
    places["value_added_change_eur"] = rng.normal(0.0, 1e5, len(places))
    seen = []
    monkeypatch.setattr(fig, "save", lambda f, path, caption="": seen.append(f) or path)
    fig.place_map(places, "t", "c", tmp_path / "p.png")
    fig.level_map(places, "unmet_demand_eur", "u", "t", "c", tmp_path / "l.png")
    for f in seen:
        maps = [ax for ax in f.axes if ax.collections and ax.get_xlabel()]
        assert maps and all(ATTRIBUTION in [t.get_text() for t in ax.texts] for ax in maps)
    # the choropleth panel: one patch per district, coloured by the district totals
    totals = places.groupby("district_id")["unmet_demand_eur"].sum()
    filled = [c for ax in seen[1].axes for c in ax.collections if c.get_array() is not None]
    arrays = [np.asarray(c.get_array()) for c in filled]
    assert any(
        len(a) == len(totals) and np.allclose(np.sort(a), np.sort(totals.to_numpy()))
        for a in arrays
    )
    monkeypatch.undo()
    path = boundaries.choropleth(totals, "u", "t", "c", tmp_path / "c.png", places=places)
    assert path.read_bytes().startswith(PNG)


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    results = tmp_path_factory.mktemp("results")
    proc = subprocess.run(
        [sys.executable, "-m", "sim.run", "-m", "region=small", "households_per_agent=50",
         "end=2025Q4", "seed=0,1", "hydra/launcher=basic", f"results_dir={results}"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return results / "baseline"


def _no_nan(value):
    raise ValueError(f"not JSON: {value}")


def test_gis_export_writes_valid_geojson(sweep, tmp_path):
    out = tmp_path / "gis"
    proc = subprocess.run(
        [sys.executable, "-m", "sim.gis_export", str(sweep), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    arm = out / "baseline__none"
    districts = json.loads(
        (arm / "districts_2025.geojson").read_text("utf-8"), parse_constant=_no_nan
    )
    places = json.loads((arm / "places_2025.geojson").read_text("utf-8"), parse_constant=_no_nan)
    assert districts["type"] == places["type"] == "FeatureCollection"
    assert ATTRIBUTION in districts["attribution"]
    from sim.analysis.loading import read_table

    groups = read_table(sweep, "groups")
    modelled = set(groups["district_id"])
    assert {f["properties"]["district_id"] for f in districts["features"]} == modelled
    expected = {
        "value_added_base_prices_eur", "value_added_eur", "unmet_demand_eur", "firms",
        "employees", "capacity_use_pct", "n_runs", "value_added_eur_p05", "value_added_eur_p95",
    }  # fmt: skip
    for f in districts["features"]:
        props = f["properties"]
        assert expected <= set(props)
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
        assert props["n_runs"] == 2
        assert (
            props["value_added_eur_p05"] <= props["value_added_eur"] <= props["value_added_eur_p95"]
        )
        ring = np.asarray(f["geometry"]["coordinates"][0])
        assert np.all((ring[:, 0] > 10) & (ring[:, 0] < 14) & (ring[:, 1] > 50) & (ring[:, 1] < 53))
        assert (ring[0] == ring[-1]).all() and signed_area(ring) > 0
    # the exported means are the seed means of the recorded values (employees at year end)
    end = groups[groups["quarter"] == groups["quarter"].max()]
    per_run = end.groupby(["run_id", "district_id"])["employees"].sum()
    mean = per_run.groupby("district_id").mean()
    got = pd.Series(
        {
            f["properties"]["district_id"]: f["properties"]["employees"]
            for f in districts["features"]
        }
    )
    assert np.allclose(got.sort_index(), mean.sort_index())
    year_va = groups.groupby(["run_id", "district_id"])["value_added_base_prices_eur"].sum()
    real = pd.Series(
        {
            f["properties"]["district_id"]: f["properties"]["value_added_base_prices_eur"]
            for f in districts["features"]
        }
    )
    assert np.allclose(
        real.sort_index(), year_va.groupby("district_id").mean().sort_index(), rtol=1e-6
    )
    pts = places["features"]
    assert pts and all(p["geometry"]["type"] == "Point" for p in pts)
    assert {"unmet_demand_eur", "value_added_eur", "place_id"} <= set(pts[0]["properties"])
    for p in pts:
        lon, lat = p["geometry"]["coordinates"]
        assert 10 < lon < 14 and 50 < lat < 53
        assert all(v is None or v == v for v in p["properties"].values())
    assert "GeoBasis-DE" in (out / "README.md").read_text("utf-8")


def test_gis_export_refuses_a_folder_without_runs(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "sim.gis_export", str(tmp_path), "--out", str(tmp_path / "o")],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 2 and proc.stderr.startswith("error:")
