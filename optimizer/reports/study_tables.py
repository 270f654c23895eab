"""A study's data frames as report tables: the cell kind of each column and plain cell values.

In a study an unknown number (NaN) is blank and an infinite one (an allowable increase with no end)
the text "inf" (or "-inf"), so that "unbounded" and "unknown" stay apart in every format.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .records import CellKind, plain
from .writers import SheetTable

_KINDS: dict[str, CellKind] = {
    "period": "int",
    "rank": "int",
    "draw": "int",
    "entering_rank": "int",
    "uncertain_effects": "int",
    "uncertain_pair_gains": "int",
    "n": "int",
    "seed": "int",
    "optimal_plans": "int",
    "base_plan": "int",
    "score": "score",
    "score_low": "score",
    "score_high": "score",
    "change_low": "score",
    "change_high": "score",
    "swing": "score",
    "optimal_score": "score",
    "base_plan_score": "score",
    "regret": "score",
    "base_score": "score",
    "bin_low": "score",
    "bin_high": "score",
    "min_score": "score",
    "planned": "score",
    "mean": "score",
    "p5": "score",
    "p50": "score",
    "p95": "score",
    "shadow_price": "price",
    "reduced_cost": "price",
    "reduced_cost_per_money": "price",
    "probability_funded": "ratio",
    "probability_met": "ratio",
    "spend": "money",
    "total_budget": "money",
    "moved_low": "money",
    "moved_high": "money",
    "money_moved": "money",
    "unit_money": "money",
    "seconds": "seconds",
    "value": "price",
    "base_value": "price",
    "low_value": "price",
    "high_value": "price",
}


def _kind(column: str, dtype: Any) -> CellKind:
    if column in _KINDS:
        return _KINDS[column]
    if column.startswith("period "):
        return "money"
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        return "text"
    return "units"


def cell_value(value: Any) -> Any:
    """A plain cell value: NaN/NA None, an infinity the text 'inf' / '-inf', numpy scalars unwrapped."""
    if isinstance(value, (float, np.floating)) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return plain(value)


def frame_table(name: str, frame: pd.DataFrame) -> SheetTable:
    """A data frame as a report table, each column's kind by its name (or dtype)."""
    headers = [(str(c), _kind(str(c), frame[c].dtype)) for c in frame.columns]
    rows = [[cell_value(v) for v in record] for record in frame.itertuples(index=False, name=None)]
    return SheetTable(name, headers, rows)


def key_values(name: str, pairs: Sequence[tuple[str, Any]]) -> SheetTable:
    """A two-column key/value table (the summary sheet of a study)."""
    return SheetTable(name, [("key", "text"), ("value", "text")], [[k, cell_value(v)] for k, v in pairs])
