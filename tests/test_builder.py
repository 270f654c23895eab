"""The LP builder's own promises (optimizer/lp/builder.py), which every family of rows relies on.

Expected CSR forms are written out by hand from the entries each test adds.
"""

from __future__ import annotations

import numpy as np

from optimizer.lp.builder import Builder


def test_column_bounds_are_floats_whatever_the_caller_passes() -> None:
    """Whole-number bounds (a yes/no column from 0 to 1) still reach HiGHS as float64 arrays."""
    builder = Builder()
    builder.add_columns(np.array([0, 0]), np.array([1, 3]))
    assert np.concatenate(builder.lower).dtype == np.float64
    assert np.concatenate(builder.upper).dtype == np.float64
    assert np.concatenate(builder.upper).tolist() == [1.0, 3.0]


def test_rows_without_entries_give_an_empty_matrix() -> None:
    """Two rows, nothing in them: every row starts and ends at 0."""
    builder = Builder()
    builder.add_columns(np.zeros(2), np.ones(2))
    builder.add_rows([0.0, 0.0], [1.0, 1.0], ["a", "b"])
    start, column, value = builder.matrix()
    assert start.tolist() == [0, 0, 0]
    assert column.tolist() == []
    assert value.tolist() == []


def test_matrix_is_by_row_then_column_with_zeros_dropped() -> None:
    """Entries added out of order and in two batches come back sorted within each row:
    row 0 holds columns 0 and 2 (values 5, 6), row 1 columns 0 and 1 (7, 8); the zero is dropped."""
    builder = Builder()
    builder.add_columns(np.zeros(3), np.ones(3))
    builder.add_rows([0.0, 0.0], [1.0, 1.0], ["a", "b"])
    builder.entries(np.array([1, 0, 1]), np.array([1, 2, 2]), np.array([8.0, 6.0, 0.0]))
    builder.entries(np.array([0, 1]), np.array([0, 0]), np.array([5.0, 7.0]))
    start, column, value = builder.matrix()
    assert start.tolist() == [0, 2, 4]
    assert column.tolist() == [0, 2, 0, 1]
    assert value.tolist() == [5.0, 6.0, 7.0, 8.0]
    assert (start.dtype, column.dtype) == (np.int32, np.int32)
