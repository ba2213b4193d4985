"""The firm-firm cooperation network (NetworkX), along which innovation spreads.

Nodes are firm rows. At start each firm is linked to ``links_per_firm`` partners among the firms
within ``link_reach_minutes`` (cooperation in the crafts is local: joint bids, subcontracting,
shared apprentices). The network grows: firms advised by the same institution in a quarter may
link (institutions broker cooperation), and start-ups link to nearby firms; closed firms leave.
Each quarter a firm closes part of the gap to its partners' mean innovation level when they are
ahead (``spillover_per_quarter``); learning only runs uphill.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from scipy.sparse import csr_matrix


class CooperationNetwork:
    """Edges live in arrays (the hot path); ``graph`` gives the NetworkX view on demand.

    Args:
        params: ``model.cooperation``.
        firms: the firms (a ``CraftFirms``: its ``table`` is read, innovation learnt from
            partners is written through ``spill_over``).
        minutes: the region's travel-time matrix (partners are drawn within reach).
    """

    # one int64 key per undirected pair (smaller row first); firm rows stay below 2**31
    _KEY_SHIFT = 31

    def __init__(self, params, firms, minutes: np.ndarray) -> None:
        self.params = params
        self.firms = firms
        self.minutes = minutes
        # edges in the order they were made (smaller row first): the spillover sums over them
        # in this order, so it is part of the model's arithmetic
        self.edges = np.empty((0, 2), dtype=np.int64)
        self._sorted_keys = np.empty(0, dtype=np.int64)  # the same pairs, sorted, for lookups

    def link_all(self, rng: np.random.Generator) -> None:
        """At start: every live firm links to ``links_per_firm`` partners within reach."""
        self._link_to_neighbours(np.flatnonzero(self.firms.table.alive), rng)

    @property
    def graph(self) -> nx.Graph:
        """The network as a NetworkX graph: live firms (rows) as nodes, cooperation as edges.

        Built from ``edges`` on every access, for analysis: changes made to it do not reach the
        model (add links through ``_add_edges``, ``join``, ``broker``).
        """
        g = nx.Graph()
        g.add_nodes_from(np.flatnonzero(self.firms.table.alive).tolist())
        g.add_edges_from(map(tuple, self.edges.tolist()))
        return g

    def _link_to_neighbours(self, rows: np.ndarray, rng: np.random.Generator) -> None:
        """Each firm in ``rows`` links to partners drawn among live firms within reach."""
        cp = self.params
        t = self.firms.table
        alive = np.flatnonzero(t.alive)
        alive_place = t.place[alive]
        # movers grouped by place (ascending place, rows in their given order within a place)
        mover_place = t.place[rows]
        order = np.argsort(mover_place, kind="stable")
        places, starts = np.unique(mover_place[order], return_index=True)
        bounds = np.r_[starts, len(rows)]
        near = self.minutes[places] <= cp.link_reach_minutes  # (places with movers, P)
        firms, partners = [], []
        for k in range(len(places)):
            pool = alive[np.flatnonzero(near[k][alive_place])]  # faster than a bool mask
            movers = rows[order[bounds[k] : bounds[k + 1]]]
            if len(pool) < 2:
                continue
            picks = rng.integers(0, len(pool), size=(len(movers), cp.links_per_firm))
            firms.append(np.repeat(movers, cp.links_per_firm))
            partners.append(pool[picks].ravel())
        if firms:
            self._add_edges(np.concatenate(firms), np.concatenate(partners))

    def _add_edges(self, a: np.ndarray, b: np.ndarray) -> None:
        """Add the pairs not yet linked, each once, in the order given (no self-links)."""
        keep = a != b
        pairs = np.sort(np.column_stack([a[keep], b[keep]]).astype(np.int64), axis=1)
        if not len(pairs):
            return
        keys = pairs[:, 0] << self._KEY_SHIFT | pairs[:, 1]
        known = self._sorted_keys
        at = np.minimum(np.searchsorted(known, keys), max(len(known) - 1, 0))
        new = known[at] != keys if len(known) else np.ones(len(keys), dtype=bool)
        _, first = np.unique(keys[new], return_index=True)
        first = np.sort(first)
        self.edges = np.vstack([self.edges, pairs[new][first]])
        new_keys = np.sort(keys[new][first])
        self._sorted_keys = np.insert(known, np.searchsorted(known, new_keys), new_keys)

    def join(self, rows: np.ndarray, rng: np.random.Generator) -> None:
        if len(rows):
            self._link_to_neighbours(rows, rng)

    def leave(self, rows: np.ndarray) -> None:
        if not len(rows):
            return
        gone = np.zeros(len(self.firms.table), dtype=bool)
        gone[rows] = True
        self.edges = self.edges[~gone[self.edges].any(axis=1)]
        keys = self._sorted_keys
        smaller, larger = keys >> self._KEY_SHIFT, keys & ((1 << self._KEY_SHIFT) - 1)
        self._sorted_keys = keys[~(gone[smaller] | gone[larger])]

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
        t = self.firms.table
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
        self.firms.spill_over(self.params.spillover_per_quarter * gap)

    def mean_degree(self) -> float:
        return 2.0 * len(self.edges) / max(int(self.firms.table.alive.sum()), 1)
