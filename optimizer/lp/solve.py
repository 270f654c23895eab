"""Solve a scenario: phase 1 (best score), phase 2 (least money), or the elastic problem.

The straight line: build -> solve phase 1 -> read shadow prices -> phase 2 ->
read the plan -> recompute readiness from it. Which solver runs each phase is
the registry's (lp.solvers); how each talks to its solver is lp.highs' and lp.cbc's.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..evaluation import evaluate, money_use
from ..lp import model as lp
from ..pairs import plan_score
from ..results import SHORTFALL_COLUMNS, Solution, units_array
from ..scenario import Scenario
from .export import export
from .integer import fixed
from .rounding import repaired_start
from .solvers import available_solvers, check_solver
from .status import Run, Status

__all__ = ["Optimum", "SolvedModel", "available_solvers", "optimise", "solve"]


@dataclass
class SolvedModel:
    """The live handles of a solve, for warm re-solves and ranging in later work.

    `model` is the LP of the last phase run (phase 2's last row is its score
    row). `highs` is HiGHS's own model (None with CBC), solved in place:
    phase 1, then phase 2 warm from phase 1's basis; dropping that last row
    and restoring the score as objective gives phase 1 back. `basis` is phase
    1's optimal basis (HiGHS's; None with CBC) and
    `phase1_seconds` its solve time: what a study needs to start warm from
    this solve without solving it again.
    """

    model: lp.Model
    highs: object | None
    basis: object | None = None
    phase1_seconds: float = 0.0


def run(model: lp.Model, solver: str, time_limit: float | None) -> Run:
    """Phase 1 or the elastic problem: the LP solved once, from scratch."""
    return check_solver(solver).run(model, time_limit)


def phase2(first: Run, least: lp.Model, solver: str, time_limit: float | None) -> Run:
    """Phase 2 (`least` is lp.least_money of phase 1) in the solver's phase-1 model, warm."""
    return check_solver(solver).least_money(first, least, time_limit)


@dataclass(frozen=True)
class Optimum:
    """What both phases found, as numbers, before any table is made: all a study needs of a solve."""

    status: Status
    score: float | None  # Z*, from phase 1
    units: np.ndarray | None  # units[o, p, t] of the plan (phase 2's when it finished); None: no plan
    prices: dict[tuple[str, int, str], float]  # of each money limit, by its (kind, period, name)
    message: str
    solved: SolvedModel | None
    bound: float | None = None  # an integer plan's proven bound on Z (None: an LP, or CBC's unread)
    gap: float | None = None  # its relative gap to that bound
    lp_bound: float | None = None  # Z of the LP relaxation: what the plan would score in fractions


def optimise(
    scenario: Scenario,
    solver: str = "highs",
    time_limit: float | None = None,
    committed: np.ndarray | None = None,
    export_model: str | os.PathLike[str] | None = None,
    relax: bool = False,
    start: np.ndarray | None = None,
) -> Optimum:
    """Phase 1 (best score) then phase 2 (least money for it), warm in HiGHS (model.md).

    `relax`: integrality ignored, the LP relaxation solved (Excel Solver's "ignore integer
    constraints"). `start`: units[o, p, t] of a plan an integer scenario's phase 1 starts from
    (repaired to this scenario's budgets first), such as a sweep's previous level."""
    started = time.perf_counter()
    model = lp.build(scenario, committed=committed)
    if relax:
        model = model.relaxed()
    if export_model is not None:
        export(model, export_model)
    if model.is_mip:
        return optimise_mip(scenario, model, solver, time_limit, started, start)
    solving = time.perf_counter()
    first = run(model, solver, time_limit)
    phase1_seconds = time.perf_counter() - solving
    if not first.has_plan:
        reason = {
            Status.INFEASIBLE: "the targets cannot all be met within the budgets",
            Status.TIME_LIMIT: "stopped at the time limit before any plan was found",
        }.get(first.status, "the solver failed without a plan")
        return Optimum(first.status, None, None, {}, reason, None)

    plan = first.values()
    best = float(model.score @ plan)
    duals = first.row_duals()
    prices = budget_prices(model, duals)
    status, message, solved = first.status, "", model
    basis = None
    if first.status == Status.OPTIMAL:
        basis = None if first.warm is None else first.warm.basis()
        solved = lp.least_money(model, best)
        remaining = None if time_limit is None else max(1.0, time_limit - (time.perf_counter() - started))
        second = phase2(first, solved, solver, remaining)
        if second.status != Status.OPTIMAL:
            status, message = (
                Status.TIME_LIMIT,
                "phase 2 (least money) did not finish: the plan may spend more than needed",
            )
        if not second.has_plan:
            return Optimum(Status.TIME_LIMIT, None, None, {}, message, None)
        plan = second.values()
    else:
        message = "stopped at the time limit: best plan found, not proven optimal"
    units = units_of(scenario, model, plan)
    return Optimum(
        status, best, units, prices, message, SolvedModel(solved, first.highs, basis, phase1_seconds)
    )


def optimise_mip(
    scenario: Scenario,
    model: lp.Model,
    solver: str,
    time_limit: float | None,
    started: float,
    start: np.ndarray | None = None,
) -> Optimum:
    """Both phases of an integer plan, each a MIP: phase 1 started from the LP plan rounded and
    repaired (lp.rounding), or from `start` repaired; phase 2 a fresh MIP started from phase 1's
    plan. Prices are those of the LP with the plan's integer columns fixed.

    The rounded start is what gets a large MIP near its bound in time: on the large preset it
    was within 0.57 % of the LP bound before 1x the LP's time, where HiGHS alone was 77 % away
    at 1x and 0.83-1.11 % at 10x in two runs (benchmarks/benchmark.py --integer)."""
    entry, gap = check_solver(solver), scenario.settings.mip_gap

    def remaining() -> float | None:
        return None if time_limit is None else max(1.0, time_limit - (time.perf_counter() - started))

    relaxation = run(model.relaxed(), solver, time_limit)
    lp_optimal = relaxation.status == Status.OPTIMAL
    lp_bound = float(model.score @ relaxation.values()) if lp_optimal else None
    if start is not None:
        first_plan = start_plan(scenario, model, start, solver, remaining())
    else:
        first_plan = (
            repaired_start(scenario, model, relaxation.values(), entry.run, remaining())
            if lp_optimal
            else None
        )
    first = entry.mip(model, remaining(), gap, first_plan)
    if not first.has_plan:
        reason = {
            Status.INFEASIBLE: "the targets cannot all be met within the budgets in whole units",
            Status.TIME_LIMIT: "stopped at the time limit before any integer plan was found",
        }.get(first.status, "the solver failed without a plan")
        return Optimum(first.status, None, None, {}, reason, None, lp_bound=lp_bound)
    plan = first.values()
    best = float(model.score @ plan)
    status, message = first.status, ""
    if first.status == Status.OPTIMAL:
        second = entry.mip(lp.least_money(model, best), remaining(), gap, plan)
        if second.has_plan:
            plan = second.values()
        if second.status != Status.OPTIMAL:
            status = Status.TIME_LIMIT
            message = "phase 2 (least money) did not finish: the plan may spend more than needed"
    else:
        shown = "" if first.gap is None else f" within {100 * first.gap:.2f}% of the bound"
        message = f"stopped at the time limit: best integer plan found{shown}, not proven optimal"
    pricing = run(fixed(model, plan), solver, remaining())
    duals = pricing.row_duals() if pricing.status == Status.OPTIMAL else np.zeros(model.row_count)
    prices = budget_prices(model, duals)
    units = units_of(scenario, model, as_written(model, plan))
    solved = SolvedModel(model, None)
    score = plan_score(scenario, units)
    return Optimum(status, score, units, prices, message, solved, first.bound, first.gap, lp_bound)


def as_written(model: lp.Model, plan: np.ndarray) -> np.ndarray:
    """The MIP's plan with its integer columns at whole numbers: HiGHS holds them to within 1e-6
    (mip_feasibility_tolerance), and a plan is carried out as written, so its score is the score
    of the whole units, not of the solver's readiness columns (8.000001 for a plan scoring 8)."""
    return np.where(model.integrality == 1, np.round(plan), plan)


def start_plan(
    scenario: Scenario, model: lp.Model, start: np.ndarray, solver: str, time_limit: float | None
) -> np.ndarray | None:
    """The first plan of an integer phase 1 from units[o, p, t] of another plan (a sweep's previous
    level, a tornado's base), repaired to this scenario's budgets (lp.rounding); None if none holds."""
    given, columns = np.zeros(model.column_count), model.units
    given[: len(columns.option)] = start[columns.option, columns.partner, columns.period - 1]
    return repaired_start(scenario, model, given, check_solver(solver).run, time_limit)


def solve(
    scenario: Scenario,
    solver: str = "highs",
    time_limit: float | None = None,
    export_model: str | os.PathLike[str] | None = None,
    keep: pd.DataFrame | None = None,
    relax: bool = False,
) -> Solution:
    """The best plan for `scenario`: highest score, then least money (model.md), as a Solution.

    `keep` (option, partner, period, units) is money already committed: its
    units are minimums and only the rest is optimised. `relax`: the LP relaxation of an
    integer scenario instead (whole units, lot sizes and set-ups ignored as integrality).
    """
    started = time.perf_counter()
    committed = None
    if keep is not None:
        broken = commitments_broken(scenario, keep)
        if broken:
            return no_plan(
                scenario,
                Status.INFEASIBLE,
                solver,
                started,
                "the commitments alone break: " + "; ".join(broken),
            )
        committed = units_array(scenario, keep)
    optimum = optimise(scenario, solver, time_limit, committed, export_model, relax)
    if optimum.status == Status.INFEASIBLE:
        return infeasible(scenario, solver, time_limit, started, committed)
    if optimum.units is None:
        return no_plan(scenario, optimum.status, solver, started, optimum.message)
    message = optimum.message
    if relax and scenario.integer:
        message = " ".join(filter(None, [RELAXED, message]))
    return Solution.of_plan(
        scenario,
        optimum.units,
        optimum.status,
        solver,
        started,
        score=optimum.score,
        money=lambda allocation: priced(money_use(scenario, allocation), optimum.prices),
        message=message,
        model=optimum.solved,
        bound=optimum.bound,
        gap=optimum.gap,
        lp_bound=optimum.lp_bound,
    )


RELAXED = (
    "LP relaxation (--relax): whole units, lot sizes and set-ups taken as fractions;"
    " the plan is not executable as written."
)


def budget_prices(model: lp.Model, duals: np.ndarray) -> dict[tuple[str, int, str], float]:
    """Each money limit's shadow price in the planner's sign (>= 0), by its (kind, period, name)."""
    return {(row.kind, row.period, row.name): max(0.0, float(duals[row.row])) for row in model.budget_rows}


def priced(use: pd.DataFrame, prices: dict[tuple[str, int, str], float]) -> pd.DataFrame:
    """The budget-use table with each limit's shadow price, joined on (kind, period, name)."""
    keys = zip(use["kind"], use["period"].astype(int), use["name"], strict=True)
    return use.assign(shadow_price=[prices.get(key, np.nan) for key in keys])


def units_of(scenario: Scenario, model: lp.Model, values: np.ndarray) -> np.ndarray:
    """units[o, p, t] of a plan from the LP's column values (the unit columns come first)."""
    columns = model.units
    units = np.zeros((len(scenario.options), len(scenario.partners), scenario.horizon))
    units[columns.option, columns.partner, columns.period - 1] = np.maximum(
        values[: len(columns.option)], 0.0
    )
    return units


# Rules kept units may break on their own: the rest of the plan may meet a target, and kept units
# are minimums, which the plan rounds up to whole units or a lot
NOT_BROKEN_BY_COMMITMENTS = ("target", "whole units", "lot size")


def commitments_broken(scenario: Scenario, keep: pd.DataFrame) -> list[str]:
    """Rules that committed units break on their own (NOT_BROKEN_BY_COMMITMENTS aside)."""
    broken = evaluate(scenario, keep).violations
    return [
        " ".join(str(x) for x in (v.kind, v.type, v.option, v.partner) if x)
        + f" in period {v.period}: {v.actual:.6g} against {v.limit:.6g}"
        for v in broken.itertuples()
        if v.kind not in NOT_BROKEN_BY_COMMITMENTS
    ]


def infeasible(
    scenario: Scenario, solver: str, time_limit: float | None, started: float, committed: np.ndarray | None
) -> Solution:
    """Name every target that cannot be met, with the least total shortfall (model.md)."""
    elastic = lp.build(scenario, elastic=True, committed=committed)
    outcome = run(elastic, solver, time_limit)
    if not outcome.has_plan:
        return no_plan(scenario, Status.INFEASIBLE, solver, started, "the targets cannot all be met")
    gaps = outcome.values()[elastic.shortfalls].tolist()
    records = []
    for (target, _), gap in zip(elastic.target_rows, gaps, strict=True):
        if gap > 1e-6:
            records.append(
                (
                    target.partner,
                    target.domain,
                    target.period,
                    target.min_score,
                    target.min_score - gap,
                    gap,
                    target.row,
                )
            )
    return no_plan(
        scenario,
        Status.INFEASIBLE,
        solver,
        started,
        "the targets cannot all be met within the budgets",
        pd.DataFrame.from_records(records, columns=SHORTFALL_COLUMNS),
    )


def no_plan(
    scenario: Scenario,
    status: Status,
    solver: str,
    started: float,
    message: str,
    shortfalls: pd.DataFrame | None = None,
) -> Solution:
    units = np.zeros((len(scenario.options), len(scenario.partners), scenario.horizon))
    return Solution.of_plan(scenario, units, status, solver, started, message=message, shortfalls=shortfalls)
