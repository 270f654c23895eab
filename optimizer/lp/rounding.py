"""A first integer plan from the LP's: round it, repair the budgets, complete it (issue 11).

HiGHS branches from its own first plan; on large scenarios a plan built from the LP optimum
reaches a small gap sooner. Rounding: whole units down, units below their lot dropped, an
option held wherever it still has units. That can overspend (held exercises pay their whole
set-up money, the LP paid a fraction): each over-spent budget gives up units, least score per
money first, until it holds. The continuous columns are then the best for those units (the LP
with the integer columns fixed). None when no such plan meets every rule (a target, say).
"""

from __future__ import annotations

import numpy as np

from ..scenario import Scenario
from . import model as lp
from .integer import fixed
from .status import Status

TOLERANCE = 1e-7


def worth(scenario: Scenario, model: lp.Model) -> np.ndarray:
    """Score per money of each unit column, as a planner ranks them: the gains of one unit,
    weighted by domain, partner weight and effectiveness, over the unit's money."""
    domain = {d.id: k for k, d in enumerate(scenario.domains)}
    option = {o.id: k for k, o in enumerate(scenario.options)}
    gain = np.zeros(len(scenario.options))
    for effect in scenario.effects:
        gain[option[effect.option]] += effect.gain * scenario.domains[domain[effect.domain]].weight
    partner = np.array([p.weight * p.effectiveness for p in scenario.partners])
    units = model.units
    return gain[units.option] * partner[units.partner] / np.maximum(units.cost, 1e-12)


def rounded(scenario: Scenario, model: lp.Model, lp_values: np.ndarray) -> np.ndarray:
    """The LP plan with whole units rounded down, units below their lot dropped, budgets repaired
    and the binaries set from the units (column values of `model`)."""
    values = np.array(lp_values[: model.column_count], dtype=float)
    units = model.units
    n = len(units.option)
    integer = model.integrality[:n] == 1
    values[:n][integer] = np.floor(values[:n][integer] + TOLERANCE)
    lot = np.array([o.min_units for o in scenario.options])[units.option]
    rank = worth(scenario, model)
    rows = [row.row for row in model.budget_rows if np.isfinite(model.row_upper[row.row])]
    while True:
        values[:n][values[:n] < lot - TOLERANCE] = 0.0
        _set_binaries(model, values)
        over = _first_overspent(model, values, rows)
        if over is None:
            return values
        row, excess = over
        span = slice(model.row_start[row], model.row_start[row + 1])
        columns, money = model.row_index[span], model.row_value[span]
        held = (columns < n) & (values[np.minimum(columns, n - 1)] > 0) & (money > 0)
        if not held.any():
            return values  # only set-up money or continuous units left: the completion decides
        pick = np.flatnonzero(held)[np.argmin(rank[columns[held]])]
        j = int(columns[pick])
        cut = np.ceil(excess / money[pick] - TOLERANCE) if integer[j] else excess / money[pick]
        values[j] = max(0.0, values[j] - max(cut, 1.0 if integer[j] else 0.0))


def _set_binaries(model: lp.Model, values: np.ndarray) -> None:
    """z = 1 where its unit is funded; y = 1 where some partner has units of o in period t."""
    lots = model.lots
    values[lots.column] = (values[lots.unit] > TOLERANCE).astype(float)
    setups = model.setups
    if len(setups.column):
        units = model.units
        n = len(units.option)
        funded = values[:n] > TOLERANCE
        held = set(zip(units.option[funded].tolist(), units.period[funded].tolist(), strict=True))
        values[setups.column] = [
            float((o, t) in held) for o, t in zip(setups.option.tolist(), setups.period.tolist(), strict=True)
        ]


def _first_overspent(model: lp.Model, values: np.ndarray, rows: list[int]) -> tuple[int, float] | None:
    """The first budget row the plan exceeds, and by how much."""
    for row in rows:
        span = slice(model.row_start[row], model.row_start[row + 1])
        spent = float(model.row_value[span] @ values[model.row_index[span]])
        excess = spent - model.row_upper[row]
        if excess > TOLERANCE * max(1.0, abs(model.row_upper[row])):
            return row, excess
    return None


def repaired_start(
    scenario: Scenario, model: lp.Model, lp_values: np.ndarray, solver_run: object, seconds: float | None
) -> np.ndarray | None:
    """A full feasible plan of `model` from the LP optimum, or None. `solver_run(model, seconds)`
    solves the completing LP."""
    start = rounded(scenario, model, lp_values)
    completed = solver_run(fixed(model, start), seconds)
    if completed.status != Status.OPTIMAL:
        return None
    return completed.values()
