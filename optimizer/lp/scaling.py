"""Readiness and money at unit magnitude for the solver, whatever units the scenario is in.

HiGHS's tolerances are absolute (1e-7 on feasibility and reduced costs, 1e-9 on a matrix
entry). With readiness in units of 1e-8 (score_cap 1e-6) every reduced cost sat below them
and HiGHS called a plan scoring 5.501e-7 optimal where one scoring 5.715e-7 existed (issue
14). So the LP HiGHS sees has its readiness columns and rows divided by one factor, its
money rows by another and its objective by the factor of what it counts; lp.highs multiplies
values, duals and ranges back on the way out. A factor is a power of two (dividing by it is
exact) and is 1 while its quantities lie within [1e-2, 1e4]: the bundled example and the
benchmark presets go to HiGHS exactly as built.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .model import Model

# the LP's families by what they hold, by the names lp.model, lp.pairs and lp.persistence give them
READINESS_COLUMNS = ("r_", "c_", "m_", "short_", "q_", "cq_", "mq_")
READINESS_ROWS = (
    "stock_",
    "cap_",
    "weakest_",
    "target_",
    "pair_stock_",
    "pair_cap_",
    "phase2_score",
    "phase3_score",
)
MONEY_ROWS = ("budget_", "type_", "partner_", "phase3_spend")

UNSCALED = (1e-2, 1e4)  # magnitudes left as they are


@dataclass(frozen=True)
class Scaling:
    """How HiGHS's numbers relate to the LP's: a value is `columns[j]` times HiGHS's, a row's
    activity `rows[i]` times HiGHS's, the objective `objective` times HiGHS's."""

    readiness: float
    money: float
    columns: np.ndarray
    rows: np.ndarray
    objective: float

    @property
    def identity(self) -> bool:
        return self.readiness == 1.0 and self.money == 1.0


def factor(magnitude: float) -> float:
    """The power of two nearest `magnitude`, or 1 when it is within UNSCALED (or 0)."""
    low, high = UNSCALED
    if magnitude == 0 or low <= magnitude <= high:
        return 1.0
    return 2.0 ** round(math.log2(magnitude))


def scaling(model: Model, readiness: float | None = None, money: float | None = None) -> Scaling:
    """The scaling of `model`, with the readiness and money factors measured from its bounds
    unless given (a model changed in place keeps the factors HiGHS holds)."""
    columns = _readiness_columns(model.other_names, len(model.units.option))
    ready_rows, money_rows = _rows(model.row_names)
    if readiness is None:
        bounds = [model.col_lower[columns], model.col_upper[columns]]
        bounds += [model.row_lower[ready_rows], model.row_upper[ready_rows]]
        readiness = factor(_largest(bounds))
    if money is None:
        money = factor(_largest([model.row_lower[money_rows], model.row_upper[money_rows]]))
    column_factor = np.ones(model.column_count)
    column_factor[columns] = readiness
    row_factor = np.ones(model.row_count)
    row_factor[ready_rows], row_factor[money_rows] = readiness, money
    counts_readiness = bool(model.objective[columns].any())  # phase 1, elastic: else money (phases 2, 3)
    objective = readiness if counts_readiness else money
    return Scaling(readiness, money, column_factor, row_factor, objective)


def _largest(arrays: list[np.ndarray]) -> float:
    values = np.abs(np.concatenate(arrays)) if arrays else np.zeros(0)
    finite = values[np.isfinite(values)]
    return float(finite.max(initial=0.0))


@functools.lru_cache(maxsize=8)
def _readiness_columns(names: tuple[str, ...], first: int) -> np.ndarray:
    """The readiness columns among the columns after the first `first` (the units)."""
    return first + np.array(
        [k for k, name in enumerate(names) if name.startswith(READINESS_COLUMNS)], dtype=int
    )


@functools.lru_cache(maxsize=8)
def _rows(names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The readiness rows and the money rows."""
    ready = [i for i, name in enumerate(names) if name.startswith(READINESS_ROWS)]
    money = [i for i, name in enumerate(names) if name.startswith(MONEY_ROWS)]
    return np.array(ready, dtype=int), np.array(money, dtype=int)
