"""Phase 3 of a re-plan (model.md, "Re-planning from what happened"): persistence.

Partners have been told the adopted plan: among the plans with the re-plan's score and spend, the
one that moves the least money from it.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from .model import Model, score_floor
from .scaling import scaling

INF = math.inf


def spend_ceiling(least_spend: float, unit: float = 1.0) -> float:
    """S* + eps_S, the most phase 3 may spend (model.md: eps_S = 1e-7 * max(1, S*), with 1 read as
    `unit`, the LP's money factor (lp.scaling))."""
    return least_spend + 1e-7 * max(unit, least_spend)


def least_moved(
    model: Model, best_score: float, least_spend: float, adopted: np.ndarray, planned_from: int
) -> Model:
    """Phase 3 of a re-plan (persistence): the least money moved from the adopted plan
    `adopted[o, p, t]` in periods from `planned_from` on, among plans with Z >= Z* - eps and
    spend <= S* + eps_S (model.md).

    Each planned unit column x gets two columns, x = adopted + more - less, and the objective is
    the money of more + less. `model` is phase 1 of the re-plan scenario.
    """
    units = model.units
    moved = np.flatnonzero(units.period >= planned_from).astype(np.int32)
    n, k = model.column_count, len(moved)
    more, less = n + np.arange(k, dtype=np.int32), n + k + np.arange(k, dtype=np.int32)
    scored, spent = np.flatnonzero(model.score), np.flatnonzero(model.spend)
    factors = scaling(model)
    rows = [  # (columns, values, lower, upper, name)
        (scored, model.score[scored], score_floor(best_score, factors.readiness), INF, "phase3_score"),
        (spent, model.spend[spent], -INF, spend_ceiling(least_spend, factors.money), "phase3_spend"),
    ]
    target = adopted[units.option[moved], units.partner[moved], units.period[moved] - 1]
    starts = [model.row_start[-1]]
    for columns, *_ in rows:
        starts.append(starts[-1] + len(columns))
    starts.extend(starts[-1] + 3 * np.arange(1, k + 1))
    change_columns = np.stack([moved, more, less], axis=1).ravel()
    change_values = np.tile([1.0, -1.0, 1.0], k)
    objective = np.zeros(n + 2 * k)
    objective[more] = objective[less] = units.cost[moved]
    return replace(
        model,
        maximise=False,
        objective=objective,
        col_lower=np.concatenate([model.col_lower, np.zeros(2 * k)]),
        col_upper=np.concatenate([model.col_upper, np.full(2 * k, INF)]),
        row_lower=np.concatenate([model.row_lower, [r[2] for r in rows], target]),
        row_upper=np.concatenate([model.row_upper, [r[3] for r in rows], target]),
        row_start=np.array([*model.row_start[:-1], *starts], dtype=np.int32),
        row_index=np.concatenate([model.row_index, *(r[0] for r in rows), change_columns]).astype(np.int32),
        row_value=np.concatenate([model.row_value, *(r[1] for r in rows), change_values]),
        row_names=(*model.row_names, *(r[4] for r in rows), *(f"moved_{j}" for j in moved.tolist())),
        other_names=(*model.other_names, *(f"more_{j}" for j in moved), *(f"less_{j}" for j in moved)),
        score=np.concatenate([model.score, np.zeros(2 * k)]),
        spend=np.concatenate([model.spend, np.zeros(2 * k)]),
        integrality=np.concatenate([model.integrality, np.zeros(2 * k, dtype=np.int32)]),  # moves: continuous
    )
