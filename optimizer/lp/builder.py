"""The LP under construction: columns and rows family by family, the matrix assembled once (CSR)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class Builder:
    """Collects columns and rows family by family; `rows` hands out row numbers first,
    `entries` fills them later, so each family is written with whole-array operations."""

    def __init__(self) -> None:
        self.columns = 0
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.names: list[str] = []
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []
        self.row_names: list[str] = []
        self.triplets: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add_columns(
        self, lower: np.ndarray, upper: np.ndarray, names: Sequence[str] | None = None
    ) -> np.ndarray:
        first = self.columns
        self.columns += len(lower)
        self.lower.append(np.asarray(lower, dtype=float))
        self.upper.append(np.asarray(upper, dtype=float))
        if names is not None:
            self.names.extend(names)
        return np.arange(first, self.columns)

    def add_row(self, lower: float, upper: float, name: str) -> int:
        return int(self.add_rows([lower], [upper], [name])[0])

    def add_rows(
        self, lower: np.ndarray | Sequence[float], upper: np.ndarray | Sequence[float], names: Sequence[str]
    ) -> np.ndarray:
        """Many rows at once; their numbers."""
        first = len(self.row_names)
        self.row_lower.extend(np.asarray(lower, dtype=float).tolist())
        self.row_upper.extend(np.asarray(upper, dtype=float).tolist())
        self.row_names.extend(names)
        return np.arange(first, len(self.row_names))

    def entries(self, rows: np.ndarray, columns: np.ndarray, values: np.ndarray) -> None:
        keep = np.asarray(values) != 0
        self.triplets.append((np.asarray(rows)[keep], np.asarray(columns)[keep], np.asarray(values)[keep]))

    def matrix(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rows in CSR form: where each row starts (and the last ends), columns, values."""
        empty = (np.zeros(0, dtype=int), np.zeros(0, dtype=int), np.zeros(0))
        row, column, value = (np.concatenate(part) for part in zip(empty, *self.triplets, strict=True))
        # by row, then column, as one key: 0.026 s against lexsort's 0.041 s at 610k entries (large)
        order = np.argsort(row.astype(np.int64) * max(self.columns, 1) + column, kind="stable")
        start = np.searchsorted(row[order], np.arange(len(self.row_names) + 1))
        return start.astype(np.int32), column[order].astype(np.int32), value[order].astype(float)
