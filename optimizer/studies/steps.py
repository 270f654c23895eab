"""The steps of an integer plan (model.md, integer plans): for each binding budget (period and
type budgets; partner caps are limits on one partner, not money to add), the least
increase that changes the plan's exercises and what it then buys, found by re-solving the MIP.

One more currency unit may buy no more exercise and the next a whole step, so no price says
it (the price given the plan's exercises says what fractional options buy): the budget is
raised and the MIP solved again, bisecting on the increase until the whole units, lots or
set-ups of the plan change and its score rises. The search is
bounded (MAX_SOLVES per budget, the first at +100%): the increase found is within
limit / 2**(MAX_SOLVES - 1) above the least one.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ..lp import model as lp
from ..lp.solvers import check_solver
from ..lp.status import Status

STEP_COLUMNS = ["kind", "period", "name", "limit", "increase", "score_gain", "solves"]
MAX_SOLVES = 6
GAIN = 1e-6  # a score change below this (relative) changes nothing a planner sees


def steps(
    model: lp.Model, plan: np.ndarray, rows: list[lp.BudgetRow], solver: str, gap: float
) -> pd.DataFrame:
    """For each budget row in `rows` (binding in the integer plan `plan` of `model`), the least
    increase found that changes the plan's exercises and raises the score, and the score it adds
    (NaN: none at +100%, where the search starts)."""
    entry = check_solver(solver)
    base = float(model.score @ plan)
    tolerance = GAIN * max(1.0, abs(base))
    integer = model.integrality == 1
    exercises = np.round(plan[integer])

    def gain(row: lp.BudgetRow, more: float) -> float:
        """The score gained with `more` money in the row, if the plan's exercises change (else 0)."""
        upper = model.row_upper.copy()
        upper[row.row] += more
        outcome = entry.mip(replace(model, row_upper=upper), None, gap, plan)
        if outcome.status != Status.OPTIMAL:
            return 0.0
        values = outcome.values()
        if np.array_equal(np.round(values[integer]), exercises):
            return 0.0
        return float(model.score @ values) - base

    records = []
    for row in rows:
        high = max(row.limit, 1.0)
        bought, solves = gain(row, high), 1
        if bought <= tolerance:
            records.append((row.kind, row.period, row.name, row.limit, np.nan, np.nan, solves))
            continue
        low = 0.0
        while solves < MAX_SOLVES:
            middle = (low + high) / 2
            found, solves = gain(row, middle), solves + 1
            if found > tolerance:
                high, bought = middle, found
            else:
                low = middle
        records.append((row.kind, row.period, row.name, row.limit, high, bought, solves))
    return pd.DataFrame.from_records(records, columns=STEP_COLUMNS)


def step_sentences(table: pd.DataFrame, currency: str) -> list[str]:
    """One sentence per budget: the next step and what it buys."""
    money = currency or "currency units"
    out = []
    for row in table.itertuples(index=False):
        where = {
            "period": f"period {row.period}'s budget",
            "type": f"the {row.name} budget of period {row.period}",
            "partner": f"{row.name}'s cap in period {row.period}",
        }[row.kind]
        if np.isnan(row.increase):
            out.append(
                f"Raising {where} by up to {row.limit:.4g} {money} changes none of the plan's exercises."
            )
        else:
            out.append(
                f"The next step in {where}: {row.increase:.3g} {money} more buys {row.score_gain:.3g} "
                "score points and changes the plan's exercises (re-solved in whole units)."
            )
    return out
