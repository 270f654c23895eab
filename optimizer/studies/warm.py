"""Solving variants, warm where the LP allows it (module-level functions: workers receive them by reference).

Every study solves variants exactly as `solve` does: best score, then least money (shared/model.md).
Each warm re-solve goes through one lp.highs.HighsLP, which changes bounds in place, passes an
LP whole from a basis, or says that it would have to start cold; a variant that would, or a warm
run that stalls past its limit, is solved cold from scratch ("cold-fallback").
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ..lp import model as lp
from ..lp.highs import HighsLP, Start, highs_basis, plain_basis, with_score_row
from ..lp.solve import SolvedModel, optimise, run, start_plan, units_of
from ..lp.solvers import check_solver
from ..lp.status import Run, Status
from ..scenario import Scenario

# ---------------------------------------------------------------------------------------------------------
# Solving variants (module-level functions: workers receive them by reference)


@dataclass(frozen=True)
class Point:
    """One solved variant: status, phase-1 score, phase-2 units[o, p, t] (None without a plan)."""

    status: str
    score: float
    units: np.ndarray | None
    method: str  # "warm", "cold" or "cold-fallback"


def cold_point(task: tuple[Scenario, str, float | None]) -> Point:
    """Both phases from scratch (lp.solve.optimise): the reference every warm point must equal."""
    scenario, solver, time_limit = task
    optimum = optimise(scenario, solver, time_limit)
    if optimum.units is None:
        return Point(optimum.status, math.nan, None, "cold")
    units = np.where(optimum.units > 1e-9, optimum.units, 0.0)  # as the plan's allocation table lists it
    return Point(optimum.status, float(optimum.score), units, "cold")


def phase1_score(
    task: tuple[Scenario, str, float | None] | tuple[Scenario, str, float | None, np.ndarray],
) -> tuple[str, float]:
    """The optimal score alone (phase 1): what tornado needs; a MIP to the scenario's mip_gap,
    started from units[o, p, t] of a plan when the task gives one (lp.solve.start_plan)."""
    scenario, solver, time_limit, *given = task
    model = lp.build(scenario)
    if model.is_mip:
        start = start_plan(scenario, model, given[0], solver, time_limit) if given else None
        outcome = check_solver(solver).mip(model, time_limit, scenario.settings.mip_gap, start)
        return outcome.status, float(model.score @ outcome.values()) if outcome.has_plan else math.nan
    return _phase1_of(model, solver, time_limit)


def integer_points(task: IntegerTask, progress: Callable[[int], None] | None = None) -> list[Point]:
    """cold_point of each variant of an integer scenario, in order, each phase 1 started from
    the task's plan when it gives one (a tornado's base plan), else from the previous variant's
    (a sweep's last level); repaired to the variant's budgets, HiGHS and CBC take it as a start."""
    variants, solver, time_limit, *given = task
    start = given[0] if given else None
    points, previous = [], start
    for variant in variants:
        optimum = optimise(variant, solver, time_limit, start=previous)
        if optimum.units is None:
            points.append(Point(optimum.status, math.nan, None, "mip"))
        else:
            previous = optimum.units if start is None else start
            units = np.where(optimum.units > 1e-9, optimum.units, 0.0)
            points.append(Point(optimum.status, float(optimum.score), units, "mip"))
        if progress is not None:
            progress(1)
    return points


# (variants, solver, time_limit of each solve), and optionally units[o, p, t] of the plan every
# variant starts from (without it, each starts from the previous variant's plan)
type IntegerTask = (
    tuple[list[Scenario], str, float | None] | tuple[list[Scenario], str, float | None, np.ndarray]
)


def _phase1_of(model: lp.Model, solver: str, time_limit: float | None) -> tuple[str, float]:
    outcome = run(model, solver, time_limit)
    if not outcome.has_plan:
        return outcome.status, math.nan
    return outcome.status, float(model.score @ outcome.values())


def _warm_base(
    base: Scenario, time_limit: float | None, warm_limit: float | None
) -> tuple[lp.Model, HighsLP, Run, float]:
    """The base's LP solved once in a HighsLP, and the limit of each warm run after it:
    `warm_limit`, else max(2 s, 10x that first solve), never past `time_limit`."""
    model = lp.build(base)
    warm = HighsLP()
    started = time.perf_counter()
    first = warm.solve(model, time_limit)
    limit = warm_limit if warm_limit is not None else max(2.0, 10 * (time.perf_counter() - started))
    return model, warm, first, limit if time_limit is None else min(limit, time_limit)


def warm_phase1_scores(
    task: WarmTask, progress: Callable[[int], None] | None = None
) -> list[tuple[str, float]]:
    """phase1_score of each variant of `base`, re-solved warm from the base's optimal basis;
    a variant of another shape, or a warm run that stalls, is solved cold.

    Task: see WarmTask.
    """
    base, variants, time_limit, warm_limit, *given = task
    start = given[0] if given else None
    if start is None:
        _, warm, first, limit = _warm_base(base, time_limit, warm_limit)
        if first.status != Status.OPTIMAL:  # nothing to be warm from
            return [phase1_score((v, "highs", time_limit)) for v in variants]
        basis = warm.basis()
    else:
        warm, basis, limit = HighsLP(lp.build(base)), highs_basis(start.basis), start.limit
    scores = []
    for variant in variants:
        model = lp.build(variant)
        outcome = warm.solve(model, limit, basis) if _fits(warm, model, basis) else None
        if outcome is not None and outcome.status == Status.OPTIMAL:
            scores.append((Status.OPTIMAL, float(model.score @ outcome.values())))
        elif outcome is not None and outcome.status == Status.INFEASIBLE:
            scores.append((Status.INFEASIBLE, math.nan))
        else:
            scores.append(_phase1_of(model, "highs", time_limit))
        if progress is not None:
            progress(1)
    return scores


@dataclass(frozen=True)
class WarmStart:
    """A solved base for workers to be warm from without solving it again: its phase-1 optimal
    basis as numbers (they pickle) and the limit of each warm run after it."""

    basis: tuple[tuple[int, ...], tuple[int, ...]]
    limit: float


# (base, variants, time_limit of each solve, warm_limit of each warm run (None: automatic)), and
# optionally the base already solved (a WarmStart), so that a worker does not solve it again
type WarmTask = (
    tuple[Scenario, list[Scenario], float | None, float | None]
    | tuple[Scenario, list[Scenario], float | None, float | None, WarmStart]
)


def warm_start(solved: SolvedModel, time_limit: float | None, warm_limit: float | None) -> WarmStart | None:
    """The WarmStart of a base solved optimal in HiGHS (solve's `model`), None otherwise; the
    limit is `warm_limit`, else max(2 s, 10x the base's phase 1), never past `time_limit`."""
    if solved is None or solved.basis is None:
        return None
    limit = warm_limit if warm_limit is not None else max(2.0, 10 * solved.phase1_seconds)
    return WarmStart(plain_basis(solved.basis), limit if time_limit is None else min(limit, time_limit))


def _limits(scenario: Scenario) -> dict[tuple[str, int, str], float]:
    """Every money limit of `scenario`, keyed as model.BudgetRow (kind, period, name)."""
    limits: dict[tuple[str, int, str], float] = {}
    for b in scenario.budgets:
        limits["period", b.period, ""] = b.total
        for kind, limit in b.by_type.items():
            limits["type", b.period, kind] = limit
    for p in scenario.partners:
        if p.max_spend is not None:
            for t in scenario.periods:
                limits["partner", t, p.id] = p.max_spend
    return limits


def warm_budget_points(
    task: tuple[Scenario, list[Scenario], float | None, float | None],
    progress: Callable[[int], None] | None = None,
) -> list[Point]:
    """Variants of `base` that differ only in budgets: the base's LP with their limits as row
    bounds. Each level starts from the base's optimal basis in a HiGHS model of its own, not from
    the last level's: among tied optima HiGHS's path (and so the plan found) then does not depend
    on which levels a worker solved before it, so the numbers are the same whatever the workers
    (a chain of in-place changes gave spends per period 6.5e-4 apart between 1 and 2 workers).

    Task: (base, variants, time_limit of each solve, warm_limit of each warm run (None: automatic)).
    """
    base, variants, time_limit, warm_limit = task
    model, phase1, first, limit = _warm_base(base, time_limit, warm_limit)
    if first.status not in (Status.OPTIMAL, Status.INFEASIBLE):  # the base stalls: nothing to be warm from
        return [cold_point((v, "highs", time_limit)) for v in variants]
    rows = [(b.row, (b.kind, b.period, b.name)) for b in model.budget_rows]
    basis = phase1.basis() if first.status == Status.OPTIMAL else None
    points = []
    for variant in variants:
        limits = _limits(variant)
        point = None
        if set(limits) == {key for _, key in rows}:  # else a limit was added or removed: not a bound change
            upper = model.row_upper.copy()
            for i, key in rows:
                upper[i] = limits[key]
            level = replace(model, row_upper=upper)
            phase2 = HighsLP(lp.least_money(level, 0.0))  # its shape; the floor is set by _both_phases
            point = _both_phases(base, level, HighsLP(level), phase2, basis, limit)
        points.append(point or replace(cold_point((variant, "highs", time_limit)), method="cold-fallback"))
        if progress is not None:
            progress(1)
    return points


def warm_points(task: WarmTask, progress: Callable[[int], None] | None = None) -> list[Point]:
    """cold_point of each variant of `base`, both phases re-solved warm: phase 1 from the base's
    optimal basis, phase 2 from the variant's phase-1 optimum. A variant whose LP has another
    shape, or a warm run that stalls, is solved cold ("cold-fallback").

    Task: see WarmTask.
    """
    base, variants, time_limit, warm_limit, *given = task
    start = given[0] if given else None
    if start is None:
        model, phase1, first, limit = _warm_base(base, time_limit, warm_limit)
        warm = first.status == Status.OPTIMAL  # else there is nothing to be warm from
        basis = phase1.basis() if warm else None
    else:  # the base's LP held unsolved: variants of another shape are told apart from it
        model = lp.build(base)
        phase1, warm, basis, limit = HighsLP(model), True, highs_basis(start.basis), start.limit
    phase2 = HighsLP(lp.least_money(model, 0.0)) if warm else None  # its shape; the floor is each variant's
    points = []
    for variant in variants:
        point = _both_phases(variant, lp.build(variant), phase1, phase2, basis, limit) if warm else None
        points.append(point or replace(cold_point((variant, "highs", time_limit)), method="cold-fallback"))
        if progress is not None:
            progress(1)
    return points


def _fits(warm: HighsLP, model: lp.Model, basis: object) -> bool:
    """Whether `warm` can start `model` from `basis` (or the basis it holds) rather than cold."""
    return warm.decide(model, basis).start is not Start.COLD


def _both_phases(
    variant: Scenario, model: lp.Model, phase1: HighsLP, phase2: HighsLP, basis: object, limit: float
) -> Point | None:
    """Both phases of `model` (the LP of `variant`) warm, phase 1 from `basis` (None: the basis
    phase1 holds), or None when it must be solved cold."""
    if not _fits(phase1, model, basis):
        return None
    first = phase1.solve(model, limit, basis)
    if first.status == Status.INFEASIBLE:
        return Point(Status.INFEASIBLE, math.nan, None, "warm")
    if first.status != Status.OPTIMAL:
        return None
    best = float(model.score @ first.values())
    least = lp.least_money(model, best)
    start = with_score_row(phase1.basis())
    if not _fits(phase2, least, start):
        return None
    second = phase2.solve(least, limit, start, primal=True)
    if second.status != Status.OPTIMAL:
        return None
    units = units_of(variant, model, second.values())
    return Point(Status.OPTIMAL, best, np.where(units > 1e-9, units, 0.0), "warm")  # as cold_point gives it
