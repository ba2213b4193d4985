"""A growable column store for agent state (one numpy array per state variable).

Agents of a kind share their numeric state in columns so that the quarterly processes are a few
vectorised operations (the Starsim / mesa-frames pattern); rows are never reused, so a row index
is a stable agent identity within a run.
"""

from __future__ import annotations

import numpy as np


class ColumnTable:
    """Columns of equal length with amortised O(1) appends."""

    def __init__(self, dtypes: dict[str, np.dtype | type], capacity: int = 1024) -> None:
        self._dtypes = {k: np.dtype(v) for k, v in dtypes.items()}
        self._capacity = max(16, capacity)
        self._n = 0
        self._cols = {k: np.zeros(self._capacity, dt) for k, dt in self._dtypes.items()}

    def __len__(self) -> int:
        return self._n

    def __getattr__(self, name: str) -> np.ndarray:
        cols = self.__dict__.get("_cols")
        if cols is not None and name in cols:
            return cols[name][: self.__dict__["_n"]]
        raise AttributeError(name)

    def __setattr__(self, name: str, value) -> None:
        # ``t.staff += 1`` would silently bind a detached array; write through ``t.staff[:]``
        cols = self.__dict__.get("_cols")
        if cols is not None and name in cols:
            raise AttributeError(f"assign into the column with table.{name}[...] = values")
        super().__setattr__(name, value)

    @property
    def columns(self) -> list[str]:
        return list(self._dtypes)

    def append(self, **values: np.ndarray) -> np.ndarray:
        """Append rows (scalars broadcast, columns not given are zero); returns the new rows."""
        lengths = {len(v) for v in values.values() if np.ndim(v) > 0}
        if len(lengths) != 1:
            raise ValueError(f"columns of unequal length (or no column with length): {lengths}")
        m = lengths.pop()
        unknown = set(values) - set(self._dtypes)
        if unknown:
            raise KeyError(f"unknown columns {sorted(unknown)}")
        if self._n + m > self._capacity:
            self._grow(self._n + m)
        for k, v in values.items():
            self._cols[k][self._n : self._n + m] = v
        rows = np.arange(self._n, self._n + m)
        self._n += m
        return rows

    def _grow(self, need: int) -> None:
        while self._capacity < need:
            self._capacity *= 2
        for k, arr in self._cols.items():
            new = np.zeros(self._capacity, arr.dtype)
            new[: self._n] = arr[: self._n]
            self._cols[k] = new

    def keep(self, mask: np.ndarray) -> None:
        """Drop the rows where ``mask`` is False (compaction; invalidates row indices)."""
        m = int(mask.sum())
        for arr in self._cols.values():
            arr[:m] = arr[: self._n][mask]
        self._n = m
