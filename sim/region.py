"""The region as data: districts, places and the NetworkX graph of travel times between places.

Everything is read from the shipped CSVs in ``sim/data`` (sources in ``sim/data/SOURCES.md``);
nothing is downloaded. The graph links each place to its nearest neighbours; all-pairs travel
times are precomputed once with Dijkstra, so the market never walks the graph in its hot loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import shortest_path

from sim.datasets import DataError, load_districts, load_places
from sim.vocabulary import SETTLEMENT_TYPES

if TYPE_CHECKING:  # the region gets its config section; it does not depend on the schema
    from sim.config import RegionConfig

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km; broadcasts over numpy arrays."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dlmb = p2 - p1, np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def settlement_type(population_geonames: np.ndarray, rule) -> np.ndarray:
    """city / town / rural by the place's own population (not the scaled one, see ODD)."""
    pop = np.asarray(population_geonames)
    out = np.full(pop.shape, "rural", dtype=object)
    out[pop >= rule.town_min_population] = "town"
    out[pop >= rule.city_min_population] = "city"
    return out


@dataclass
class Region:
    """Places of the modelled districts, their graph and travel-time matrix."""

    districts: pd.DataFrame  # one row per modelled district, index 0..D-1
    places: pd.DataFrame  # one row per place, index 0..P-1; district_idx, settlement columns
    graph: nx.Graph
    minutes: np.ndarray  # P x P travel minutes (diagonal = within-place travel)

    @property
    def n_places(self) -> int:
        return len(self.places)

    @property
    def place_district(self) -> np.ndarray:
        return self.places["district_idx"].to_numpy()

    @property
    def place_settlement(self) -> np.ndarray:
        """Settlement index per place (0 city, 1 town, 2 rural)."""
        return self.places["settlement_idx"].to_numpy()


def build_region(cfg: RegionConfig, districts: pd.DataFrame | None = None) -> Region:
    """Build places, the k-nearest-neighbour graph and all-pairs travel minutes.

    ``districts``: the district table to start from (default ``districts.csv``; a hindcast
    passes an earlier state)."""
    districts = load_districts() if districts is None else districts
    if cfg.districts:
        districts = districts[districts["district_id"].isin(list(cfg.districts))]
    districts = districts.reset_index(drop=True)
    places = load_places()
    places = places[places["district_id"].isin(districts["district_id"])].copy()
    places = places.sort_values(["district_id", "place_id"]).reset_index(drop=True)
    if places.empty:
        raise DataError("no places in the selected districts; check places.csv")
    places["district_idx"] = places["district_id"].map(
        {d: i for i, d in enumerate(districts["district_id"])}
    )
    places["settlement_type"] = settlement_type(places["population_geonames"], cfg.settlement)
    places["settlement_idx"] = places["settlement_type"].map(
        {s: i for i, s in enumerate(SETTLEMENT_TYPES)}
    )
    km = haversine_km(
        places["lat"].to_numpy()[:, None],
        places["lon"].to_numpy()[:, None],
        places["lat"].to_numpy()[None, :],
        places["lon"].to_numpy()[None, :],
    )
    graph = _knn_graph(places, km, cfg)
    minutes = _all_pairs_minutes(graph, len(places))
    # within-place travel: a few minutes, more for large places (radius of a disc at an
    # assumed settlement density, at the same road speed)
    radius_km = np.sqrt(places["population"].to_numpy() / cfg.place_density_per_km2 / np.pi)
    intra = np.maximum(
        cfg.intra_place_minutes_min, radius_km * cfg.detour_factor / cfg.speed_kmh * 60.0
    )
    np.fill_diagonal(minutes, intra)
    return Region(districts=districts, places=places, graph=graph, minutes=minutes)


def _knn_graph(places: pd.DataFrame, km: np.ndarray, cfg: RegionConfig) -> nx.Graph:
    n = len(places)
    graph = nx.Graph()
    for i, row in places.iterrows():
        graph.add_node(
            i,
            place_id=row.place_id,
            name=row["name"],
            district_id=row.district_id,
            lat=row.lat,
            lon=row.lon,
            population=int(row.population),
            settlement_type=row.settlement_type,
        )

    # read once: a config attribute lookup costs more than the edge itself
    detour_factor, speed_kmh = float(cfg.detour_factor), float(cfg.speed_kmh)

    def add_edge(i: int, j: int) -> None:
        road_km = float(km[i, j]) * detour_factor
        graph.add_edge(i, j, km=road_km, minutes=road_km / speed_kmh * 60.0)

    k = min(cfg.nearest_neighbours, n - 1)
    order = np.argsort(km, axis=1)
    for i in range(n):
        for j in order[i, 1 : k + 1]:
            add_edge(i, int(j))
    # kNN graphs can fall apart into clusters: join each stray component to the main one by
    # its shortest straight line, so every place can reach every other
    components = sorted(nx.connected_components(graph), key=len, reverse=True)
    main = set(components[0])
    for comp in components[1:]:
        a, b = list(comp), list(main)
        sub = km[np.ix_(a, b)]
        ia, ib = np.unravel_index(np.argmin(sub), sub.shape)
        add_edge(a[ia], b[ib])
        main |= comp
    return graph


def _all_pairs_minutes(graph: nx.Graph, n: int) -> np.ndarray:
    rows, cols, vals = [], [], []
    for i, j, data in graph.edges(data=True):
        rows += [i, j]
        cols += [j, i]
        vals += [data["minutes"], data["minutes"]]
    adjacency = csr_matrix((vals, (rows, cols)), shape=(n, n))
    return shortest_path(adjacency, directed=False)
