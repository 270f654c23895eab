"""Solve a scenario: phase 1 (best score), phase 2 (least money), or the elastic problem.

The straight line: build -> solve phase 1 -> read shadow prices -> phase 2 ->
read the plan -> recompute readiness from it. Solver differences (which one
is installed, the sign of duals, how a time limit shows) are settled here
and nowhere else.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pulp

from . import model as lp
from . import readiness
from .errors import OutputError, SolverError
from .evaluation import evaluate, money_use
from .results import (
    BUDGET_COLUMNS,
    SHORTFALL_COLUMNS,
    Solution,
    allocation_table,
    baseline_score,
    empty,
    readiness_table,
    units_array,
)
from .scenario import Scenario

SOLVERS = {"highs": "HiGHS", "cbc": "COIN_CMD"}
DUAL_SIGN = {"highs": 1.0, "cbc": -1.0}  # COIN_CMD's duals of a maximisation come back negated


@dataclass
class SolvedModel:
    """The live handles of a solve, for warm re-solves and ranging in later work.

    `model.prob` is the PuLP problem after phase 2 (its last row is the
    phase-2 score row). `highs` is HiGHS's own model (None with CBC), solved
    in place: phase 1, then phase 2 warm from phase 1's basis; dropping that
    last row and restoring the score as objective gives phase 1 back. With
    HiGHS the solution lives there: PuLP's variables are not filled in.
    """

    model: lp.Model
    highs: object | None


def available_solvers() -> dict[str, bool]:
    """Which of our solvers this installation can run."""
    installed = set(pulp.listSolvers(onlyAvailable=True))
    return {name: SOLVERS[name] in installed for name in SOLVERS}


def make_solver(name: str, time_limit: float | None) -> pulp.LpSolver:
    if name not in SOLVERS:
        raise SolverError(f"unknown solver '{name}': choose one of {', '.join(SOLVERS)}")
    if not available_solvers()[name]:
        hint = "pip install highspy" if name == "highs" else "pip install 'pulp[cbc]'"
        raise SolverError(f"the solver '{name}' is not installed here ({hint})")
    return pulp.getSolver(SOLVERS[name], msg=False, timeLimit=time_limit)


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """Silence file descriptor 1 while a solver runs.

    HiGHS prints its banner straight to descriptor 1 from C++, which would
    corrupt `--json` output; Python-level redirection cannot catch it. Our
    solvers run with messages off, so nothing else is lost.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


@dataclass(frozen=True)
class Outcome:
    status: str  # "optimal", "infeasible", "time_limit", "error"
    has_plan: bool


def run(prob: pulp.LpProblem, solver_name: str, time_limit: float | None, read_back: bool = True) -> Outcome:
    """Solve once and say plainly what came of it.

    With HiGHS and `read_back=False` the solution stays in `prob.solverModel`:
    PuLP copying 190k values and duals into its variables costs 0.4 s on the
    large preset, for numbers `solve` reads straight from HiGHS.
    """
    solver = make_solver(solver_name, time_limit)
    if solver_name == "highs" and not read_back:
        with quiet_stdout():
            solver.createAndConfigureSolver(prob)
            solver.buildSolverModel(prob)
            solver.callSolver(prob)
        return highs_outcome(prob.solverModel)
    with quiet_stdout():
        stats = prob.solve(solver)
    if solver_name == "highs":
        return highs_outcome(prob.solverModel)
    return coin_outcome(stats)


def highs_outcome(highs: object) -> Outcome:
    """HiGHS's own status: PuLP may claim a solution where HiGHS holds none."""
    import highspy

    status = highs.getModelStatus()
    feasible = highs.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible
    if status == highspy.HighsModelStatus.kOptimal:
        return Outcome("optimal", True)
    if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        return Outcome("infeasible", False)
    if status in (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kIterationLimit):
        return Outcome("time_limit", feasible)
    return Outcome("error", False)


def coin_outcome(stats: object) -> Outcome:
    s = pulp.LpSolveStatus
    if stats.status == s.Optimal:
        return Outcome("optimal", True)
    if stats.status == s.Infeasible:
        return Outcome("infeasible", False)
    if stats.status in (s.TimeLimit, s.NotSolved):
        return Outcome("time_limit", bool(stats.has_solution))
    return Outcome("error", False)


def warm_least_money(model: lp.Model, time_limit: float | None) -> Outcome:
    """Phase 2 inside HiGHS's solved model, from phase 1's basis.

    `lp.least_money` has added the score row and the spend objective to the
    PuLP problem; the same changes go to HiGHS in place (a rebuild and cold
    solve cost 2-3x more on large scenarios), then PuLP reads the values back.
    """
    import highspy

    highs = model.prob.solverModel
    row = model.prob.constraints()[-1]
    if row.id != highs.getNumRow():  # PuLP and HiGHS disagree on rows: solve afresh
        return run(model.prob, "highs", time_limit)
    columns = column_positions(model, highs.getNumCol())
    terms = [(columns[v.id], c) for v, c in row.items()]
    lower = row.getLb()
    highs.addRow(
        -highspy.kHighsInf if lower is None else lower,
        highspy.kHighsInf,
        len(terms),
        np.array([j for j, _ in terms], dtype=np.int32),
        np.array([c for _, c in terms]),
    )
    cost = np.zeros(highs.getNumCol())
    cost[[columns[v.id] for v in model.columns.variables]] = model.columns.cost
    highs.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
    highs.changeObjectiveOffset(0.0)
    highs.changeObjectiveSense(highspy.ObjSense.kMinimize)
    highs.setOptionValue("time_limit", float("inf") if time_limit is None else float(time_limit))
    # Phase 1's optimum is feasible for phase 2: primal simplex goes on from it (large preset:
    # 1 iteration against 4,049 for the default dual simplex).
    highs.setOptionValue("simplex_strategy", 4)
    with quiet_stdout():
        highs.run()
    return highs_outcome(highs)


def column_positions(model: lp.Model, count: int) -> dict[int, int] | range:
    """HiGHS column of each PuLP variable id.

    PuLP numbers a problem's variables 0, 1, ... and hands HiGHS the used ones
    in that order; when HiGHS has as many columns as there are variables, the
    column is the id, and asking PuLP (190k wrappers on the large preset) is
    avoided.
    """
    if model.variable_count == count:
        return range(count)
    return {v.id: j for j, v in enumerate(model.prob.exported_variables())}


def export(model: lp.Model, path: str | os.PathLike[str]) -> None:
    """Write the phase-1 LP as .mps or .lp so any solver can check it."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".mps", ".lp"):
        raise OutputError(f"cannot export the model to '{target}': the name must end in .mps or .lp")
    target.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".mps":
        model.prob.writeMPS(str(target), with_objsense=True)
    else:
        model.prob.writeLP(str(target))


def solve(
    scenario: Scenario,
    solver: str = "highs",
    time_limit: float | None = None,
    export_model: str | os.PathLike[str] | None = None,
    keep: pd.DataFrame | None = None,
) -> Solution:
    """The best plan for `scenario`: highest score, then least money (model.md).

    `keep` (option, partner, period, units) is money already committed: its
    units are minimums and only the rest is optimised.
    """
    started = time.perf_counter()
    committed = None
    if keep is not None:
        broken = commitments_broken(scenario, keep)
        if broken:
            return no_plan(
                scenario, "infeasible", solver, started, "the commitments alone break: " + "; ".join(broken)
            )
        committed = units_array(scenario, keep)
    model = lp.build(scenario, committed=committed)
    if export_model is not None:
        export(model, export_model)
    first = run(model.prob, solver, time_limit, read_back=solver != "highs")
    if first.status == "infeasible":
        return infeasible(scenario, solver, time_limit, started, committed)
    if not first.has_plan:
        reason = (
            "stopped at the time limit before any plan was found"
            if first.status == "time_limit"
            else ("the solver failed without a plan")
        )
        return no_plan(scenario, first.status, solver, started, reason)

    best, prices = phase1_results(model, solver)
    status, message = first.status, ""
    if first.status == "optimal":
        lp.least_money(model, best)
        remaining = None if time_limit is None else max(1.0, time_limit - (time.perf_counter() - started))
        second = (
            warm_least_money(model, remaining) if solver == "highs" else run(model.prob, solver, remaining)
        )
        if second.status != "optimal":
            status, message = (
                "time_limit",
                "phase 2 (least money) did not finish: the plan may spend more than needed",
            )
            if not second.has_plan:
                return no_plan(scenario, "time_limit", solver, started, message)
    else:
        message = "stopped at the time limit: best plan found, not proven optimal"

    units = units_of(scenario, model, solver)
    allocation = allocation_table(scenario, units)
    raw = readiness.raw_readiness(scenario, units)
    return Solution(
        status=status,
        scenario=scenario,
        score=best,
        baseline_score=baseline_score(scenario),
        allocation=allocation,
        readiness=readiness_table(scenario, raw),
        budget_use=money_use(scenario, allocation).assign(shadow_price=prices),  # rows in the model's order
        shortfalls=empty(SHORTFALL_COLUMNS),
        solver=solver,
        seconds=time.perf_counter() - started,
        message=message,
        model=SolvedModel(model, model.prob.solverModel if solver == "highs" else None),
    )


def units_of(scenario: Scenario, model: lp.Model, solver: str) -> np.ndarray:
    """units[o, p, t] of the solved plan: from HiGHS's own solution, or PuLP's copy for CBC."""
    columns = model.columns
    if solver == "highs":
        highs = model.prob.solverModel
        positions = column_positions(model, highs.getNumCol())
        values = np.asarray(highs.getSolution().col_value)[[positions[v.id] for v in columns.variables]]
    else:
        values = np.array([v.varValue or 0.0 for v in columns.variables])
    units = np.zeros((len(scenario.options), len(scenario.partners), scenario.horizon))
    units[columns.option, columns.partner, columns.period - 1] = np.maximum(values, 0.0)
    return units


def phase1_results(model: lp.Model, solver: str) -> tuple[float, list[float]]:
    """Z* and each budget row's shadow price (score points per currency unit, >= 0) of phase 1."""
    if solver == "highs":
        highs = model.prob.solverModel
        duals = highs.getSolution().row_dual
        best = highs.getInfo().objective_function_value
        raw = [duals[row.constraint.id] for row in model.budget_rows]
    else:
        best = model.score.value()
        raw = [row.constraint.pi or 0.0 for row in model.budget_rows]
    return float(best), [max(0.0, DUAL_SIGN[solver] * pi) for pi in raw]


def commitments_broken(scenario: Scenario, keep: pd.DataFrame) -> list[str]:
    """Rules that committed units break on their own (targets aside: the rest of the plan may meet them)."""
    broken = evaluate(scenario, keep).violations
    return [
        " ".join(str(x) for x in (v.kind, v.type, v.option, v.partner) if x)
        + f" in period {v.period}: {v.actual:.6g} against {v.limit:.6g}"
        for v in broken.itertuples()
        if v.kind != "target"
    ]


def infeasible(
    scenario: Scenario, solver: str, time_limit: float | None, started: float, committed: np.ndarray | None
) -> Solution:
    """Name every target that cannot be met, with the least total shortfall (model.md)."""
    elastic = lp.build(scenario, elastic=True, committed=committed)
    outcome = run(elastic.prob, solver, time_limit)
    if not outcome.has_plan:
        return no_plan(scenario, "infeasible", solver, started, "the targets cannot all be met")
    records = []
    for (target, _), short in zip(elastic.target_rows, elastic.shortfalls, strict=True):
        gap = float(short.varValue or 0.0)
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
        "infeasible",
        solver,
        started,
        "the targets cannot all be met within the budgets",
        pd.DataFrame.from_records(records, columns=SHORTFALL_COLUMNS),
    )


def no_plan(
    scenario: Scenario,
    status: str,
    solver: str,
    started: float,
    message: str,
    shortfalls: pd.DataFrame | None = None,
) -> Solution:
    units = np.zeros((len(scenario.options), len(scenario.partners), scenario.horizon))
    return Solution(
        status=status,
        scenario=scenario,
        score=None,
        baseline_score=baseline_score(scenario),
        allocation=allocation_table(scenario, units),
        readiness=readiness_table(scenario, readiness.raw_readiness(scenario, units)),
        budget_use=empty(BUDGET_COLUMNS),
        shortfalls=empty(SHORTFALL_COLUMNS) if shortfalls is None else shortfalls,
        solver=solver,
        seconds=time.perf_counter() - started,
        message=message,
    )
