"""The cells of the ``groups`` table: district x settlement type x trade group.

One index layout for everything kept per cell: the recorder's ``groups`` table and the
crafts' employees by age (``sim.workforce``). Cell ``k`` of ``n_districts`` districts is
``(district * N_SETTLEMENTS + settlement) * N_GROUPS + group``.
"""

from __future__ import annotations

import numpy as np

from sim.vocabulary import SETTLEMENT_TYPES, TRADE_GROUPS

N_GROUPS, N_SETTLEMENTS = len(TRADE_GROUPS), len(SETTLEMENT_TYPES)


def n_cells(n_districts: int) -> int:
    return n_districts * N_SETTLEMENTS * N_GROUPS


def cell_of(district: np.ndarray, settlement: np.ndarray, group: np.ndarray) -> np.ndarray:
    """The cell index of each (district, settlement type, trade group) triple."""
    return (np.asarray(district, dtype=np.int64) * N_SETTLEMENTS + settlement) * N_GROUPS + group


def cell_parts(n_districts: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(K,)`` each cell's district, settlement type and trade group."""
    return np.unravel_index(np.arange(n_cells(n_districts)), (n_districts, N_SETTLEMENTS, N_GROUPS))


def cell_district(n_districts: int) -> np.ndarray:
    """``(K,)`` each cell's district."""
    return cell_parts(n_districts)[0]
