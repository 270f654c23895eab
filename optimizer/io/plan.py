"""Read a planner's own plan: the allocation table that `solve` writes, edited or drafted.

A plan is a CSV file, a CSV folder holding allocation.csv, or the 'allocation'
sheet of a workbook. Names are checked against the scenario, every problem
located like any input error. Rules of the scenario (budgets, eligibility,
max_units, targets) are not errors here: `evaluate` reports them.
"""

from __future__ import annotations

import os

import pandas as pd

from ..errors import InputError
from ..scenario import Scenario
from .checks import check_range, check_reference, check_unique
from .schema import PLAN_SHEET
from .sheets import read_sheet
from .tables import Checker, read_table

PLAN_COLUMNS = ["option", "partner", "period", "units"]


def load_plan(path: str | os.PathLike[str], scenario: Scenario) -> pd.DataFrame:
    """option, partner, period, units of a plan for `scenario`; raises InputError listing every problem."""
    check = Checker()
    table = read_table(read_sheet(path, PLAN_SHEET.name), PLAN_SHEET, (), check)
    check_reference(check, table, "option", [o.id for o in scenario.options], "option")
    check_reference(check, table, "partner", [p.id for p in scenario.partners], "partner")
    check_range(check, table, "units", 0)
    check_range(check, table, "period", 1, scenario.horizon)
    check_unique(check, table, ("option", "partner", "period"), "option, partner and period")
    if check.problems:
        raise InputError(check.problems)
    rows = [[row.values[c] for c in PLAN_COLUMNS] for row in table.rows]
    plan = pd.DataFrame(rows, columns=PLAN_COLUMNS)
    return plan.astype({"option": object, "partner": object, "period": int, "units": float})
