"""District boundaries (BKG VG5000, ``sim/data/districts.geojson``) for maps and the GIS export.

The file's features carry the official district key ``ags``; ``districts.csv`` maps it to the
model's ``district_id``. Rings are lon/lat (WGS84); a district may have holes (Saalekreis
surrounds Halle). Every map drawn from these boundaries must carry ``ATTRIBUTION`` (the
licence dl-de/by-2-0 asks for it; source in ``sim/data/SOURCES_boundaries.md``).

Geometry loading needs no matplotlib; the drawing helpers import it when called, so the GIS
export and table-only callers stay free of it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from sim.datasets import DATA_DIR, DataError, load_districts

BOUNDARIES = DATA_DIR / "districts.geojson"
ATTRIBUTION = "© GeoBasis-DE / BKG (2021), VG5000, dl-de/by-2-0"


def signed_area(ring: np.ndarray) -> float:
    """Shoelace area in degrees²: positive for a counterclockwise ring."""
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def oriented(rings: list[np.ndarray]) -> list[np.ndarray]:
    """RFC 7946's right-hand rule: the exterior ring counterclockwise, holes clockwise.

    Matplotlib fills a compound path by winding number, so opposite orientations are also
    what makes a hole (Halle inside Saalekreis) stay empty on a map."""
    out = []
    for i, ring in enumerate(rings):
        ccw = signed_area(ring) > 0
        out.append(ring if ccw == (i == 0) else ring[::-1])
    return out


@cache
def load_boundaries(path: Path = BOUNDARIES) -> dict[str, dict]:
    """``district_id`` -> ``{"ags", "name", "polygons"}``, polygons a list of ring lists.

    Raises:
        DataError: The file is missing or malformed, or a feature's ``ags`` is not in
            ``districts.csv`` (a boundary that could not be joined would silently vanish).
    """
    if not path.is_file():
        raise DataError(f"data file missing: {path} (it ships with the package)")
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
    except (ValueError, KeyError) as exc:
        raise DataError(f"data file {path} is not a GeoJSON FeatureCollection: {exc}") from exc
    ids = load_districts().assign(ags=lambda d: d["ags"].astype(str))
    by_ags = dict(zip(ids["ags"], ids["district_id"], strict=True))
    out: dict[str, dict] = {}
    for f in features:
        ags = str(f["properties"]["ags"])
        if ags not in by_ags:
            raise DataError(f"{path}: district key ags={ags} is not in districts.csv")
        geom = f["geometry"]
        parts = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        polygons = [oriented([np.asarray(r, dtype=float) for r in part]) for part in parts]
        out[by_ags[ags]] = {"ags": ags, "name": f["properties"]["name"], "polygons": polygons}
    return out


def geometry(district_id: str) -> dict:
    """The district's GeoJSON geometry (Polygon or MultiPolygon, right-hand rule)."""
    polygons = [
        [r.round(5).tolist() for r in p] for p in load_boundaries()[district_id]["polygons"]
    ]
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def draw_districts(ax, districts=None, values: pd.Series | None = None, **style):
    """Draw district polygons on ``ax``: outlines only, or filled by ``values`` (indexed by
    district_id; pass ``cmap`` and ``norm`` in ``style``). Returns the PatchCollection (for a
    colour bar when filled). ``districts`` limits the drawing (default: all, or ``values``'
    index)."""
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    bounds = load_boundaries()
    if districts is None:
        districts = list(values.index) if values is not None else list(bounds)
    districts = [d for d in districts if d in bounds]
    patches = []
    for d in districts:
        rings = [r for p in bounds[d]["polygons"] for r in p]
        path = MplPath.make_compound_path(*[MplPath(r, closed=True) for r in rings])
        patches.append(PathPatch(path))
    if values is None:
        defaults = {"facecolor": "none", "edgecolor": "0.35", "linewidth": 0.7, "zorder": 1}
        coll = PatchCollection(patches, **{**defaults, **style})
    else:
        defaults = {"edgecolor": "0.3", "linewidth": 0.7, "zorder": 0}
        coll = PatchCollection(patches, **{**defaults, **style})
        coll.set_array(np.asarray(values.reindex(districts), dtype=float))
    ax.add_collection(coll)
    ax.autoscale_view()
    return coll


def attribute(ax) -> None:
    """The licence's attribution in the map's lower right corner."""
    ax.text(
        0.99, 0.01, ATTRIBUTION, transform=ax.transAxes, fontsize=5.5, color="0.3",
        ha="right", va="bottom",
        bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1},
    )  # fmt: skip


def map_axes(ax, lat: float = 51.3) -> None:
    """Lon/lat axes with the local aspect (1 degree of longitude is shorter than of latitude)
    and the attribution."""
    ax.set_xlabel("longitude [deg E]", fontsize=8)
    ax.set_ylabel("latitude [deg N]", fontsize=8)
    ax.set_aspect(1 / np.cos(np.deg2rad(lat)))
    ax.tick_params(labelsize=7)
    attribute(ax)


def choropleth_panel(ax, values: pd.Series, label: str, places=None, diverging=False):
    """One district choropleth on ``ax`` with its colour bar; ``places`` (lon, lat, and
    optionally population) drawn on top as dots. ``diverging`` centres the scale on 0."""
    from matplotlib.colors import Normalize, TwoSlopeNorm

    v = values.astype(float)
    if diverging:
        bound = float(np.nanmax(np.abs(v))) or 1.0
        norm, cmap = TwoSlopeNorm(vcenter=0.0, vmin=-bound, vmax=bound), "RdBu"
    else:
        top = float(np.nanmax(v)) if v.notna().any() else 1.0
        norm, cmap = Normalize(vmin=min(0.0, float(np.nanmin(v))), vmax=top or 1.0), "YlOrRd"
    coll = draw_districts(ax, values=v, cmap=cmap, norm=norm)
    ax.figure.colorbar(coll, ax=ax, label=label, shrink=0.85)
    if places is not None and len(places):
        size = 2.0
        if "population" in places:
            size = 2 + 40 * np.sqrt(places["population"] / places["population"].max())
        ax.scatter(places["lon"], places["lat"], s=size, c="0.1", alpha=0.6, lw=0, zorder=2)
    map_axes(ax, float(places["lat"].mean()) if places is not None and len(places) else 51.3)
    return coll


def choropleth(
    values: pd.Series,
    label: str,
    title: str,
    caption: str,
    path: Path,
    places: pd.DataFrame | None = None,
    diverging: bool = False,
) -> Path:
    """A PNG district choropleth of ``values`` (indexed by district_id), places on top."""
    from sim.analysis import figures as fig  # sets the Agg backend; imports this module

    f, ax = fig.plt.subplots(figsize=(6.5, 5.2))
    choropleth_panel(ax, values, label, places, diverging)
    ax.set_title(title, fontsize=10)
    f.tight_layout()
    return fig.save(f, path, caption)
