"""The LPs an integer plan is read through (model.md, "Whole units, lot sizes and set-up costs").

Duals after a MIP are those of no LP: the prices of an integer plan are the LP's with every
integer column fixed at the plan's value ("given the plan's exercises").
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from . import model as lp


def fixed(model: lp.Model, values: np.ndarray) -> lp.Model:
    """`model` as an LP with each integer column held at its (rounded) value in `values`."""
    integer = model.integrality == 1
    held = np.round(values[: model.column_count])
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    lower[integer] = upper[integer] = held[integer]
    return replace(model, col_lower=lower, col_upper=upper, integrality=np.zeros_like(model.integrality))
