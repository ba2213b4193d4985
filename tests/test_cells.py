"""The groups table's cells (sim.cells): one index layout, invertible."""

import numpy as np

from sim.cells import N_GROUPS, N_SETTLEMENTS, cell_district, cell_of, cell_parts, n_cells


def test_cell_of_and_cell_parts_invert_each_other():
    n_d = 4
    d, s, g = cell_parts(n_d)
    assert len(d) == n_cells(n_d) == n_d * N_SETTLEMENTS * N_GROUPS
    np.testing.assert_array_equal(cell_of(d, s, g), np.arange(n_cells(n_d)))
    np.testing.assert_array_equal(cell_district(n_d), d)
    # every (district, settlement, group) triple has its own cell
    assert len(set(zip(d.tolist(), s.tolist(), g.tolist(), strict=True))) == n_cells(n_d)
