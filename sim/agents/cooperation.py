"""The firm-firm cooperation network (NetworkX), along which innovation spreads.

Nodes are firm rows. At start each firm is linked to ``links_per_firm`` partners among the firms
within ``link_reach_minutes`` (cooperation in the crafts is local: joint bids, subcontracting,
shared apprentices). The network grows: firms advised by the same institution in a quarter may
link (institutions broker cooperation), and start-ups link to nearby firms; closed firms leave.
Each quarter a firm closes part of the gap to its partners' mean innovation level when they are
ahead (``spillover_per_quarter``); learning only runs uphill.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
from scipy.sparse import csr_matrix

if TYPE_CHECKING:
    from sim.model import RegionModel


class CooperationNetwork:
    def __init__(self, model: RegionModel, rng: np.random.Generator) -> None:
        self.model = model
        self.params = model.params.cooperation
        self.graph = nx.Graph()
        # the same edges as an array (smaller row first), for the vectorised spillover
        self.edges = np.empty((0, 2), dtype=np.int64)
        t = model.firms.table
        rows = np.flatnonzero(t.alive)
        self.graph.add_nodes_from(rows.tolist())
        self._link_to_neighbours(rows, rng)

    def _link_to_neighbours(self, rows: np.ndarray, rng: np.random.Generator) -> None:
        """Each firm in ``rows`` links to partners drawn among live firms within reach."""
        m, cp = self.model, self.params
        t = m.firms.table
        alive = np.flatnonzero(t.alive)
        by_place = {p: alive[t.place[alive] == p] for p in np.unique(t.place[rows])}
        near = m.region.minutes <= cp.link_reach_minutes
        alive_place = t.place[alive]
        firms, partners = [], []
        for p in by_place:
            pool = alive[near[p][alive_place]]
            movers = rows[t.place[rows] == p]
            if len(pool) < 2 or len(movers) == 0:
                continue
            picks = rng.integers(0, len(pool), size=(len(movers), cp.links_per_firm))
            firms.append(np.repeat(movers, cp.links_per_firm))
            partners.append(pool[picks].ravel())
        if firms:
            self._add_edges(np.concatenate(firms), np.concatenate(partners))

    def _add_edges(self, a: np.ndarray, b: np.ndarray) -> None:
        keep = a != b
        pairs = np.sort(np.column_stack([a[keep], b[keep]]).astype(np.int64), axis=1)
        if len(pairs):
            self.graph.add_edges_from(map(tuple, pairs.tolist()))
            both = np.vstack([self.edges, pairs])
            # unique undirected pairs via one int64 key per pair (rows < 2**31)
            _, first = np.unique(both[:, 0] << 31 | both[:, 1], return_index=True)
            self.edges = both[np.sort(first)]

    def join(self, rows: np.ndarray, rng: np.random.Generator) -> None:
        self.graph.add_nodes_from(rows.tolist())
        if len(rows):
            self._link_to_neighbours(rows, rng)

    def leave(self, rows: np.ndarray) -> None:
        self.graph.remove_nodes_from(rows.tolist())
        gone = np.isin(self.edges, rows).any(axis=1)
        self.edges = self.edges[~gone]

    def broker(self, advised: list[np.ndarray], rng: np.random.Generator) -> None:
        """Firms advised by the same institution this quarter link with some probability."""
        firms, partners = [], []
        for rows in advised:
            if len(rows) < 2:
                continue
            shuffled = rng.permutation(rows)
            linked = rng.random(len(rows)) < self.params.brokered_link_probability
            firms.append(rows[linked])
            partners.append(shuffled[linked])
        if firms:  # one update of the edge arrays per quarter, not one per institution
            self._add_edges(np.concatenate(firms), np.concatenate(partners))

    def spread(self) -> None:
        """Innovation spillover: each firm moves towards its partners' mean when behind."""
        t = self.model.firms.table
        edges = self.edges
        if len(edges) == 0:
            return
        n = len(t)
        ones = np.ones(len(edges) * 2)
        a = csr_matrix(
            (ones, (np.r_[edges[:, 0], edges[:, 1]], np.r_[edges[:, 1], edges[:, 0]])), shape=(n, n)
        )
        degree = np.asarray(a.sum(axis=1)).ravel()
        mean_partner = np.divide(a @ t.innovation, degree, out=np.zeros(n), where=degree > 0)
        gap = np.clip(mean_partner - t.innovation, 0.0, None)
        t.innovation[:] += np.where(t.alive, self.params.spillover_per_quarter * gap, 0.0)

    def mean_degree(self) -> float:
        g = self.graph
        return 2.0 * g.number_of_edges() / max(g.number_of_nodes(), 1)
