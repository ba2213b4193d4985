"""GIS export: a sweep's district and place results per year as GeoJSON for QGIS.

One folder per arm (``<scenario>__<intervention>``) with ``districts_<year>.geojson``
(district polygons, ``sim/data/districts.geojson``) and ``places_<year>.geojson`` (points,
``sim/data/places.csv``); RFC 7946: WGS84 lon/lat, exterior rings counterclockwise, no NaN
(a value that does not exist is ``null``). Each value is the mean over the arm's runs (seeds);
with more than one run, ``<metric>_p05`` and ``<metric>_p95`` give the projection range over the
runs (``sim.analysis.bands``). Stocks (firms, employees) are read at the year's last quarter,
flows (value added, demand, unmet demand) are sums over the year; only complete years are
exported (the last recorded year when none is complete, marked ``complete_year: false``).

Places carry unmet demand per trade group (``unmet_demand_<group>_eur``, at base-year prices
``unmet_demand_<group>_base_prices_eur``) and the place's share of the group's unmet demand in
the region (``unmet_share_<group>_pct``: the demand focal points, ``sim.analysis.focal``), from
the runs' ``place_groups`` table; runs made before that table existed export without them.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.bands import percentile_bands
from sim.analysis.boundaries import ATTRIBUTION, geometry, load_boundaries
from sim.analysis.focal import read_place_groups, shares_of_means, wide_by_group
from sim.analysis.loading import complete_years, read_table
from sim.atomic import write_with
from sim.datasets import load_places

ARM = ["scenario", "intervention"]
DISTRICT_STOCKS = ["firms", "employees", "apprentices"]
DISTRICT_FLOWS = [
    "value_added_base_prices_eur",
    "value_added_eur",
    "demand_eur",
    "unmet_demand_eur",
    "turnover_eur",
    "capacity_eur",
]
PLACE_STOCKS = ["firms"]
PLACE_FLOWS = ["value_added_eur", "demand_eur", "unmet_demand_eur"]
GEONAMES = "places: GeoNames (geonames.org), CC BY 4.0"
UNITS = {
    "value_added_base_prices_eur": "EUR/year at base-year prices (real)",
    "value_added_eur": "EUR/year, nominal",
    "demand_eur": "EUR/year",
    "unmet_demand_eur": "EUR/year (per trade group: unmet_demand_<group>_eur)",
    "unmet_demand_<group>_base_prices_eur": "EUR/year at base-year prices (places)",
    "unmet_share_<group>_pct": "% of the trade group's unmet demand in the region (places)",
    "turnover_eur": "EUR/year",
    "capacity_eur": "EUR/year",
    "capacity_use_pct": "% (turnover / capacity over the year)",
    "firms": "firms at year end",
    "employees": "persons at year end",
    "apprentices": "persons at year end",
}


def yearly_per_run(frame: pd.DataFrame, by: list[str], stocks: list[str], flows: list[str]):
    """Per run, arm, year and ``by``: stocks at the year's last quarter, flows summed."""
    keys = ["run_id", *ARM, "year", *by]
    last = frame.groupby(["run_id", "year"])["quarter"].transform("max")
    out = frame.groupby(keys, observed=True)[flows].sum()
    if stocks:
        at_end = frame[frame["quarter"] == last].groupby(keys, observed=True)[stocks].sum()
        out = out.join(at_end)
    return out.reset_index()


def district_frame(groups: pd.DataFrame) -> pd.DataFrame:
    """Per run, arm, year and district: the totals, unmet demand per trade group, capacity
    use."""
    per = yearly_per_run(groups, ["district_id"], DISTRICT_STOCKS, DISTRICT_FLOWS)
    by_group = groups.groupby(["run_id", "year", "district_id", "trade_group"], observed=True)[
        "unmet_demand_eur"
    ].sum()
    wide = by_group.unstack("trade_group").fillna(0.0)
    wide.columns = [f"unmet_demand_{g}_eur" for g in wide.columns]
    per = per.merge(wide.reset_index(), on=["run_id", "year", "district_id"], how="left")
    cap = per["capacity_eur"].to_numpy(float)
    per["capacity_use_pct"] = 100 * per["turnover_eur"] / np.where(cap > 0, cap, np.nan)
    return per


def summarise(per_run: pd.DataFrame, key: str) -> pd.DataFrame:
    """Mean over runs per arm, year and ``key``; p05/p95 over runs where an arm has several."""
    by = [*ARM, "year", key]
    metrics = [c for c in per_run.columns if c not in ("run_id", *by)]
    out = per_run.groupby(by, observed=True)[metrics].mean()
    out["n_runs"] = per_run.groupby(by, observed=True).size()
    out = out.reset_index()
    if per_run.groupby(ARM)["run_id"].nunique().max() > 1:
        bands = percentile_bands(per_run, by, metrics).drop(columns="n_runs")
        bands = bands.drop(columns=[c for c in bands.columns if c.endswith("_p50")])
        out = out.merge(bands, on=by, how="left")
    return out


def _clean(value):
    """A JSON value: numbers as float/int with NaN and infinities as null."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return round(value, 2) + 0.0 if math.isfinite(value) else None  # + 0.0: no "-0.0"
    return value


def feature_collection(rows: pd.DataFrame, geometry_of, name: str, attribution: str) -> dict:
    """A FeatureCollection of ``rows``, each with the geometry ``geometry_of(row)``."""
    features = [
        {
            "type": "Feature",
            "geometry": geometry_of(row),
            "properties": {k: _clean(v) for k, v in row.items()},
        }
        for _, row in rows.iterrows()
    ]
    # "name" and "attribution" are foreign members (RFC 7946 section 6.1); QGIS ignores them
    return {
        "type": "FeatureCollection",
        "name": name,
        "attribution": ATTRIBUTION,
        "features": features,
    }


def _point(lon_lat: tuple[float, float]) -> dict:
    return {"type": "Point", "coordinates": [round(float(c), 5) for c in lon_lat]}


def _write_json(path: Path, data: dict) -> Path:
    # allow_nan=False: a NaN that slipped through is an error, not an invalid file
    return _write_utf8(path, json.dumps(data, ensure_ascii=False, allow_nan=False))


def _write_utf8(path: Path, text: str) -> Path:
    """RFC 7946 (via RFC 8259) asks for UTF-8 whatever the machine's locale."""
    return write_with(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def _years(frame: pd.DataFrame) -> tuple[list[int], bool]:
    years = complete_years(frame["quarter"].unique())
    return (years, True) if years else ([int(frame["year"].max())], False)


def export_sweep(sweep_dir: Path | str, out: Path | str) -> dict[str, Path]:
    """Write the GeoJSON files of every arm and year of a sweep folder into ``out``.

    Returns:
        File key (``<arm>/districts_<year>``) -> path, plus ``README`` (the columns' units).
    """
    out = Path(out)
    groups = read_table(sweep_dir, "groups")
    places = read_table(sweep_dir, "places")
    years, complete = _years(groups)
    as_str = {col: (lambda d, c=col: d[c].astype(str)) for col in ARM}
    groups = groups[groups["year"].isin(years)].assign(**as_str)
    places = places[places["year"].isin(years)].assign(**as_str)
    bounds = load_boundaries()
    names = {d: b["name"] for d, b in bounds.items()}
    districts = summarise(district_frame(groups), "district_id")
    districts = districts[districts["district_id"].isin(bounds)]
    districts.insert(4, "name", districts["district_id"].map(names))
    districts.insert(5, "ags", districts["district_id"].map(lambda d: bounds[d]["ags"]))
    per_place = yearly_per_run(places, ["place_id"], PLACE_STOCKS, PLACE_FLOWS)
    per_group = read_place_groups(sweep_dir, years, complete_only=complete)
    if per_group is not None and len(per_group):
        by = ["run_id", *ARM, "year"]
        wide = wide_by_group(per_group, by)
        per_place = per_place.merge(wide, on=[*by, "place_id"], how="left")
    info = load_places()[["place_id", "name", "lon", "lat", "population"]]
    kind = places[["place_id", "district_id", "settlement_type"]].drop_duplicates("place_id")
    pts = shares_of_means(summarise(per_place, "place_id"), [*ARM, "year"])
    pts = pts.merge(kind, on="place_id").merge(info, on="place_id")
    written: dict[str, Path] = {}
    xy = dict(zip(info["place_id"], zip(info["lon"], info["lat"], strict=True), strict=True))
    layers = (
        ("districts", districts, lambda r: geometry(r["district_id"]), ATTRIBUTION),
        ("places", pts.drop(columns=["lon", "lat"]), lambda r: _point(xy[r["place_id"]]), GEONAMES),
    )
    for layer, frame, geom, attribution in layers:
        frame = frame.assign(complete_year=complete)
        for (scen, interv, year), part in frame.groupby([*ARM, "year"], sort=True):
            arm = f"{scen}__{interv}"
            name = f"{layer}_{year}"
            data = feature_collection(part, geom, f"{arm} {name}", attribution)
            written[f"{arm}/{name}"] = _write_json(out / arm / f"{name}.geojson", data)
    written["README"] = _write_utf8(out / "README.md", readme(sweep_dir))
    return written


def readme(sweep_dir) -> str:
    """What the exported files hold, their units and the boundaries' attribution."""
    lines = [
        f"# GIS export of {sweep_dir}",
        "",
        "GeoJSON (RFC 7946, WGS84 lon/lat), one folder per arm (scenario__intervention), one",
        "file per layer and year; open in QGIS with Layer > Add Layer > Add Vector Layer.",
        "Values: mean over the arm's runs; `<metric>_p05`/`_p95`: projection range over runs",
        "(5-95 %), present when an arm has several runs; `n_runs`: runs averaged.",
        "",
        "| column | unit |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in UNITS.items()],
        "",
        f"District boundaries: {ATTRIBUTION} (sim/data/SOURCES_boundaries.md).",
        f"Place coordinates from {GEONAMES} (sim/data/places.csv, sim/data/SOURCES.md).",
    ]
    return "\n".join(lines) + "\n"
