"""Parametric sweeps: one PARAM over a list of values, each value solved as `solve` would.

Budget sweeps re-solve warm: the LP is built once and each level changes the budget rows' bounds
in HiGHS's own model. Other parameters pass each variant's LP whole from the base's basis.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .. import readiness
from ..lp.solvers import solver as solver_entry
from ..scenario import Scenario
from .parallel import (
    ProgressArg,
    chunks,
    default_workers,
    map_parts,
    map_tasks,
    progress_reporter,
    scheduler_address,
)
from .variants import Param, apply_param, current_value, parse_param, parse_values
from .warm import Point, cold_point, integer_points, warm_budget_points, warm_points

# ---------------------------------------------------------------------------------------------------------
# Sweep


SWEEP_COLUMNS = ["value", "status", "score", "spend", "total_budget", "method"]


@dataclass(frozen=True)
class SweepResult:
    """A parametric re-solve.

    - points: value, status, score (phase 1, the optimum), spend (phase 2, least money for it),
      total_budget (sum of the period budgets), method (warm | cold | cold-fallback)
    - spend_by_period: value, period, spend
    - units_by_option: value, option, type, units, spend (over every partner and period)
    """

    param: str
    points: pd.DataFrame
    spend_by_period: pd.DataFrame
    units_by_option: pd.DataFrame
    base_value: float
    warm: bool
    seconds: float
    integer: bool = False  # the scenario has whole units: its budget frontier is a staircase

    @property
    def frontier(self) -> pd.DataFrame:
        """Score against total budget (the headline picture of a budget sweep), by budget."""
        return self.points[["total_budget", "score", "spend"]].sort_values("total_budget", kind="stable")


def sweep(
    scenario: Scenario,
    param: str | Param,
    values: str | Iterable[float],
    solver: str = "highs",
    workers: int | None = 1,
    scheduler: str | None = None,
    time_limit: float | None = None,
    warm: bool = True,
    warm_limit: float | None = None,
    progress: ProgressArg = None,
) -> SweepResult:
    """Solve `scenario` with PARAM set to each of `values` (a list or 'START:STOP:N').

    With a solver that re-solves warm (lp.solvers: HiGHS) each variant is re-solved warm (in
    `workers` contiguous chunks, each warm within itself): budget PARAMs by moving row bounds,
    others by passing each LP whole from the base's basis; CBC or warm=False solve each cold.
    An integer scenario's levels are MIPs solved in order, each from the previous level's plan.
    `warm_limit` caps each warm run (default max(2 s, 10x the first solve)) before
    a cold fallback. Raises ParamError (a ValueError) for a bad PARAM or value.
    """
    started = time.perf_counter()
    p = parse_param(scenario, param) if isinstance(param, str) else param
    levels = parse_values(values)
    variants = [apply_param(scenario, p, v) for v in levels]  # every value checked before any solve
    workers = default_workers() if workers is None else workers
    use_warm = warm and solver_entry(solver).warm and not scenario.integer
    # budgets only move row bounds, changed in place; any other PARAM changes the LP's numbers
    warm_task = warm_budget_points if p.budget_only else warm_points
    with progress_reporter(progress, len(variants), f"sweep {p.text}") as advance:
        if scenario.integer:  # each level a MIP from the last level's plan, in order
            points = integer_points((variants, solver, time_limit), advance)
        elif use_warm:
            remote = scheduler_address(scheduler) is not None
            parts = chunks(len(variants), 1 if (workers <= 1 and not remote) else max(workers, 2))
            if len(parts) == 1 and not remote:
                points = warm_task((scenario, variants, time_limit, warm_limit), advance)
            else:
                rest = (time_limit, warm_limit)
                points = map_parts(warm_task, scenario, variants, parts, rest, workers, scheduler, advance)
        else:
            tasks = [(v, solver, time_limit) for v in variants]
            points = map_tasks(cold_point, tasks, workers, scheduler, advance)
    result = _sweep_result(p, levels, variants, points, current_value(scenario, p), use_warm, started)
    return replace(result, integer=scenario.integer)


def setup_money(scenario: Scenario, units: np.ndarray) -> np.ndarray:
    """Set-up money [o, t] of a plan units[o, p, t]: F_o wherever some partner has units of o."""
    cost = np.array([o.setup_cost for o in scenario.options])
    return cost[:, None] * (units.sum(axis=1) > 1e-9)


def _sweep_result(
    p: Param,
    levels: tuple[float, ...],
    variants: list[Scenario],
    points: list[Point],
    base_value: float,
    warm: bool,
    started: float,
) -> SweepResult:
    rows, by_period, by_option = [], [], []
    for value, variant, point in zip(levels, variants, points, strict=True):
        money = readiness.unit_money(variant)
        total_budget = float(sum(b.total for b in variant.budgets))
        if point.units is None:
            rows.append((value, point.status, math.nan, math.nan, total_budget, point.method))
            continue
        spend = point.units * money[:, :, None]
        setups = setup_money(variant, point.units)
        total = float(spend.sum() + setups.sum())
        rows.append((value, point.status, point.score, total, total_budget, point.method))
        for t in variant.periods:
            by_period.append((value, t, float(spend[:, :, t - 1].sum() + setups[:, t - 1].sum())))
        for o, option in enumerate(variant.options):
            money_of_o = float(spend[o].sum() + setups[o].sum())
            by_option.append((value, option.id, option.type, float(point.units[o].sum()), money_of_o))
    return SweepResult(
        param=p.text,
        points=pd.DataFrame.from_records(rows, columns=SWEEP_COLUMNS),
        spend_by_period=pd.DataFrame.from_records(by_period, columns=["value", "period", "spend"]),
        units_by_option=pd.DataFrame.from_records(
            by_option, columns=["value", "option", "type", "units", "spend"]
        ),
        base_value=base_value,
        warm=warm,
        seconds=time.perf_counter() - started,
    )
