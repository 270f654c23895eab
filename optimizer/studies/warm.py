"""Solving variants, warm where the LP allows it (module-level functions: workers receive them by reference).

Every study solves variants exactly as `solve` does: best score, then least money (shared/model.md).
A warm run that stalls past its time limit falls back to a cold solve.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ..lp import model as lp
from ..lp.solve import Run, WarmLP, optimise, run, run_within, to_highs, units_of
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
    """Both phases from scratch (solver.optimise): the reference every warm point must equal."""
    scenario, solver, time_limit = task
    optimum = optimise(scenario, solver, time_limit)
    if optimum.units is None:
        return Point(optimum.status, math.nan, None, "cold")
    units = np.where(optimum.units > 1e-9, optimum.units, 0.0)  # as the plan's allocation table lists it
    return Point(optimum.status, float(optimum.score), units, "cold")


def phase1_score(task: tuple[Scenario, str, float | None]) -> tuple[str, float]:
    """The optimal score alone (phase 1): what tornado needs."""
    scenario, solver, time_limit = task
    return _phase1_of(lp.build(scenario), solver, time_limit)


def _phase1_of(model: lp.Model, solver: str, time_limit: float | None) -> tuple[str, float]:
    outcome = run(model, solver, time_limit)
    if not outcome.has_plan:
        return outcome.status, math.nan
    return outcome.status, float(model.score @ outcome.values())


def _warm_base(
    base: Scenario, time_limit: float | None, warm_limit: float | None
) -> tuple[lp.Model, WarmLP, Run, float]:
    """The base's LP solved once in a WarmLP, and the limit of each warm run after it:
    `warm_limit`, else max(2 s, 10x that first solve), never past `time_limit`."""
    model = lp.build(base)
    warm = WarmLP(model)
    started = time.perf_counter()
    first = run_within(warm.highs, time_limit)
    limit = warm_limit if warm_limit is not None else max(2.0, 10 * (time.perf_counter() - started))
    return model, warm, first, limit if time_limit is None else min(limit, time_limit)


def warm_phase1_scores(
    task: tuple[Scenario, list[Scenario], float | None, float | None],
    progress: Callable[[int], None] | None = None,
) -> list[tuple[str, float]]:
    """phase1_score of each variant of `base`, re-solved warm from the base's optimal basis
    (solver.WarmLP); a variant of another shape, or a warm run that stalls, is solved cold.

    Task: (base, variants, time_limit of each solve, warm_limit of each warm run (None: automatic)).
    """
    base, variants, time_limit, warm_limit = task
    _, warm, first, limit = _warm_base(base, time_limit, warm_limit)
    if first.status != "optimal":  # nothing to be warm from
        return [phase1_score((v, "highs", time_limit)) for v in variants]
    basis = warm.highs.getBasis()
    scores = []
    for variant in variants:
        model = lp.build(variant)
        outcome = warm.solve(model, basis, limit) if warm.fits(model) else None
        if outcome is not None and outcome.status == "optimal":
            scores.append(("optimal", float(model.score @ outcome.values())))
        elif outcome is not None and outcome.status == "infeasible":
            scores.append(("infeasible", math.nan))
        else:
            scores.append(_phase1_of(model, "highs", time_limit))
        if progress is not None:
            progress(1)
    return scores


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
    """Variants of `base` that differ only in budgets, solved in one LP changed in place.

    Task: (base, variants, time_limit of each solve, warm_limit of each warm run (None: automatic)).
    """
    import highspy

    base, variants, time_limit, warm_limit = task
    model, warm, first, limit = _warm_base(base, time_limit, warm_limit)
    if first.status not in ("optimal", "infeasible"):  # the base itself stalls: nothing to be warm from
        return [cold_point((v, "highs", time_limit)) for v in variants]
    phase1 = warm.highs
    rows = [(b.row, (b.kind, b.period, b.name)) for b in model.budget_rows]
    phase2 = to_highs(lp.least_money(model, 0.0))  # the score row's bound is set at each level
    phase2.setOptionValue("simplex_strategy", 4)  # primal simplex from phase 1's optimum (solver.py)
    score_row = model.row_count
    points = []
    for variant in variants:
        limits = _limits(variant)
        if set(limits) != {key for _, key in rows}:  # a limit added or removed: not a bound change
            points.append(replace(cold_point((variant, "highs", time_limit)), method="cold-fallback"))
            continue
        for i, key in rows:
            phase1.changeRowBounds(i, -highspy.kHighsInf, limits[key])
            phase2.changeRowBounds(i, -highspy.kHighsInf, limits[key])
        outcome = run_within(phase1, limit)
        if outcome.status == "infeasible":
            points.append(Point("infeasible", math.nan, None, "warm"))
        elif outcome.status != "optimal":
            points.append(replace(cold_point((variant, "highs", time_limit)), method="cold-fallback"))
        else:
            best = float(phase1.getInfo().objective_function_value)
            phase2.changeRowBounds(score_row, lp.score_floor(best), highspy.kHighsInf)
            phase2.setBasis(with_score_row(phase1.getBasis()))
            if run_within(phase2, limit).status != "optimal":
                points.append(replace(cold_point((variant, "highs", time_limit)), method="cold-fallback"))
            else:
                units = units_of(base, model, np.asarray(phase2.getSolution().col_value))
                points.append(Point("optimal", best, units, "warm"))
        if progress is not None:
            progress(1)
    return points


def with_score_row(basis: object) -> object:
    """Phase 1's basis with phase 2's score row basic: phase 1's optimum, feasible for phase 2."""
    import highspy

    extended = highspy.HighsBasis()
    extended.col_status = list(basis.col_status)
    extended.row_status = [*basis.row_status, highspy.HighsBasisStatus.kBasic]
    extended.valid = True
    return extended


def warm_points(
    task: tuple[Scenario, list[Scenario], float | None, float | None],
    progress: Callable[[int], None] | None = None,
) -> list[Point]:
    """cold_point of each variant of `base`, both phases re-solved warm (solver.WarmLP): phase 1
    from the base's optimal basis, phase 2 from the variant's phase-1 optimum. A variant whose
    LP has another shape, or a warm run that stalls, is solved cold ("cold-fallback").

    Task: (base, variants, time_limit of each solve, warm_limit of each warm run (None: automatic)).
    """
    base, variants, time_limit, warm_limit = task
    model, phase1, first, limit = _warm_base(base, time_limit, warm_limit)
    warm = first.status == "optimal"  # else there is nothing to be warm from
    if warm:
        basis = phase1.highs.getBasis()
        phase2 = WarmLP(lp.least_money(model, float(model.score @ first.values())))
        phase2.highs.setOptionValue("simplex_strategy", 4)  # primal simplex from phase 1's optimum
    points = []
    for variant in variants:
        point = _warm_point(variant, phase1, phase2, basis, limit) if warm else None
        points.append(point or replace(cold_point((variant, "highs", time_limit)), method="cold-fallback"))
        if progress is not None:
            progress(1)
    return points


def _warm_point(
    variant: Scenario, phase1: WarmLP, phase2: WarmLP, basis: object, limit: float
) -> Point | None:
    """Both phases of `variant` warm, or None when it must be solved cold."""
    model = lp.build(variant)
    if not phase1.fits(model):
        return None
    first = phase1.solve(model, basis, limit)
    if first.status == "infeasible":
        return Point("infeasible", math.nan, None, "warm")
    if first.status != "optimal":
        return None
    best = float(model.score @ first.values())
    least = lp.least_money(model, best)
    if not phase2.fits(least):
        return None
    second = phase2.solve(least, with_score_row(phase1.highs.getBasis()), limit)
    if second.status != "optimal":
        return None
    units = units_of(variant, model, second.values())
    return Point("optimal", best, np.where(units > 1e-9, units, 0.0), "warm")  # as cold_point gives it
