"""Solve a scenario: phase 1 (best score), phase 2 (least money), or the elastic problem.

The straight line: build -> solve phase 1 -> read shadow prices -> phase 2 ->
read the plan -> recompute readiness from it. Solver differences (which one
is installed, the sign of duals, how a time limit shows) are settled here
and nowhere else.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import readiness
from ..errors import SolverError
from ..evaluation import evaluate, money_use
from ..lp import model as lp
from ..results import (
    BUDGET_COLUMNS,
    SHORTFALL_COLUMNS,
    Solution,
    allocation_table,
    baseline_score,
    empty,
    readiness_table,
    units_array,
)
from ..scenario import Scenario

if TYPE_CHECKING:
    import pulp

SOLVERS = {"highs": "HiGHS", "cbc": "COIN_CMD"}
INF = math.inf


@dataclass
class SolvedModel:
    """The live handles of a solve, for warm re-solves and ranging in later work.

    `model` is the LP of the last phase run (phase 2's last row is its score
    row). `highs` is HiGHS's own model (None with CBC), solved in place:
    phase 1, then phase 2 warm from phase 1's basis; dropping that last row
    and restoring the score as objective gives phase 1 back.
    """

    model: lp.Model
    highs: object | None


def installed(name: str) -> bool:
    """HiGHS runs in process through highspy; CBC through PuLP's COIN_CMD."""
    if name == "highs":
        import importlib.util

        return importlib.util.find_spec("highspy") is not None
    import pulp

    return bool(pulp.getSolver(SOLVERS[name], msg=False).available())


def available_solvers() -> dict[str, bool]:
    """Which of our solvers this installation can run."""
    return {name: installed(name) for name in SOLVERS}


def check_solver(name: str) -> None:
    if name not in SOLVERS:
        raise SolverError(f"unknown solver '{name}': choose one of {', '.join(SOLVERS)}")
    if not installed(name):
        hint = "pip install highspy" if name == "highs" else "pip install 'pulp[cbc]'"
        raise SolverError(f"the solver '{name}' is not installed here ({hint})")


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


# HiGHS options for our LPs, chosen by measurement: `benchmarks/benchmark.py --options` times
# HiGHS alone on generated scenarios under each choice (seconds of run(), 2 cores, seed 0):
#
#   preset, periods counted (columns)  default  no presolve  parallel dual  both   interior point
#   medium, final (12k)                  0.051     0.032         0.053      0.036      0.148
#   medium, all (14k)                    0.115     0.078         0.120      0.085      0.286
#   large, final (193k)                  1.57      1.53          1.30       1.06       7.73
#   large, all (204k)                    6.67      4.36          5.73       3.75      14.5
#
# - Presolve off wins at every size: the stock form leaves it little to remove. At 760k-800k
#   columns (120 x 800 x 10 x 10) it won three of four runs and lost one by a third.
# - Interior point with crossover loses at every size, by 2-5x (82.8 s against 33.1 s at 780k
#   columns): chosen at none. The LPs took 40 s by simplex; this formulation's do not.
# - The parallel dual simplex (PAMI) takes the same pivots faster alone on large LPs, but its
#   threads spin: two solving processes at once (monte_carlo, medium, n=60, workers=2) took 87 s
#   against 3.7 s. Studies run workers side by side on a shared machine, so it is not used.
HIGHS_OPTIONS: dict[str, object] = {"presolve": "off"}


def to_highs(model: lp.Model) -> object:
    """A HiGHS model holding the LP, passed from the arrays in one call; messages off."""
    import highspy

    with quiet_stdout():  # the first Highs() of a process prints a banner on descriptor 1
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    for name, value in HIGHS_OPTIONS.items():
        highs.setOptionValue(name, value)
    pass_model(highs, model)
    return highs


def pass_model(highs: object, model: lp.Model) -> None:
    """Hand HiGHS the LP's arrays in one call, replacing any model it held (options stay)."""
    import highspy

    passed = highs.passModel(
        model.column_count,
        model.row_count,
        len(model.row_index),
        int(highspy.MatrixFormat.kRowwise),
        int(highspy.ObjSense.kMaximize if model.maximise else highspy.ObjSense.kMinimize),
        0.0,
        model.objective,
        model.col_lower,
        model.col_upper,
        model.row_lower,
        model.row_upper,
        model.row_start[:-1],  # HiGHS takes each row's start, not the end of the last
        model.row_index,
        model.row_value,
        np.zeros(model.column_count, dtype=np.int32),  # all continuous: this overload needs it said
    )
    # kWarning is HiGHS tidying the LP: a coefficient below 1e-9 (a unit cost of 1e-283, say) dropped
    if passed == highspy.HighsStatus.kError:
        raise SolverError("HiGHS refused the model: this is a bug, please report it")


def to_pulp(model: lp.Model) -> tuple[pulp.LpProblem, list[pulp.LpVariable], list[pulp.LpConstraint]]:
    """The PuLP problem of the LP, with its variables and constraints in column and row order.

    Names are model.md's (x_o0_p1_t2, stock_p0_d1_t3, ...), so an exported file reads.
    """
    import pulp
    from pulp import LpAffineExpression

    prob = pulp.LpProblem("readiness", pulp.LpMaximize if model.maximise else pulp.LpMinimize)
    made = prob.add_variable_dicts("%s", model.column_names())
    variables = list(made.values())
    for var, low, up in zip(variables, model.col_lower.tolist(), model.col_upper.tolist(), strict=True):
        var.lowBound = None if low == -INF else low
        var.upBound = None if up == INF else up
    constraints = []
    starts = model.row_start.tolist()
    index, value = model.row_index.tolist(), model.row_value.tolist()
    for i, name in enumerate(model.row_names):
        span = range(starts[i], starts[i + 1])
        expression = LpAffineExpression.from_list([(variables[index[k]], value[k]) for k in span])
        low, up = float(model.row_lower[i]), float(model.row_upper[i])
        if low == up:
            constraint = expression == low
        elif low == -INF:
            constraint = expression <= up
        else:
            constraint = expression >= low  # no row of ours has two different finite bounds
        constraints.append(prob.addConstraint(constraint, name))
    used = np.flatnonzero(model.objective).tolist()
    prob.setObjective(LpAffineExpression.from_list([(variables[j], float(model.objective[j])) for j in used]))
    return prob, variables, constraints


@dataclass(frozen=True)
class Run:
    """One LP solved, read the same way whichever solver ran it.

    With HiGHS the numbers stay in its model and are read when asked for; with
    CBC they are copied out of PuLP once. Duals follow HiGHS's sign convention:
    COIN_CMD's come back negated on a maximisation (PuLP negates the objective
    it writes), and are turned round here, once.
    """

    status: str  # "optimal", "infeasible", "time_limit", "error"
    has_plan: bool
    highs: object | None = None
    cbc: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # column values, row duals, reduced costs
    problem: tuple[pulp.LpProblem, list[pulp.LpVariable], list[pulp.LpConstraint]] | None = None  # CBC's

    def values(self) -> np.ndarray:
        return np.asarray(self.highs.getSolution().col_value) if self.highs is not None else self.cbc[0]

    def row_duals(self) -> np.ndarray:
        return np.asarray(self.highs.getSolution().row_dual) if self.highs is not None else self.cbc[1]

    def reduced_costs(self) -> np.ndarray:
        return np.asarray(self.highs.getSolution().col_dual) if self.highs is not None else self.cbc[2]


def run(model: lp.Model, solver: str, time_limit: float | None) -> Run:
    """Solve the LP once and say plainly what came of it."""
    check_solver(solver)
    if solver == "highs":
        return run_within(to_highs(model), time_limit)
    return run_cbc(to_pulp(model), model.maximise, time_limit)


def run_cbc(
    problem: tuple[pulp.LpProblem, list[pulp.LpVariable], list[pulp.LpConstraint]],
    maximise: bool,
    time_limit: float | None,
) -> Run:
    """Solve a PuLP problem with CBC and copy its numbers out, duals in HiGHS's sign."""
    import pulp

    prob, variables, constraints = problem
    with quiet_stdout():
        stats = prob.solve(pulp.getSolver(SOLVERS["cbc"], msg=False, timeLimit=time_limit))
    sign = -1.0 if maximise else 1.0
    numbers = (
        np.array([v.varValue or 0.0 for v in variables]),
        np.array([sign * (c.pi or 0.0) for c in constraints]),
        np.array([sign * (v.dj or 0.0) for v in variables]),
    )
    return replace(coin_outcome(stats, numbers), problem=problem)


def cbc_least_money(first: Run, phase2: lp.Model, time_limit: float | None) -> Run:
    """Phase 2 in CBC's phase-1 PuLP problem: the score row added and spend as the objective.

    Building the PuLP problem again took longer than CBC's own phase 2 on the medium preset.
    """
    import pulp
    from pulp import LpAffineExpression

    prob, variables, constraints = first.problem
    last = phase2.row_count - 1
    span = range(int(phase2.row_start[last]), int(phase2.row_start[last + 1]))
    score = LpAffineExpression.from_list(
        [(variables[phase2.row_index[k]], float(phase2.row_value[k])) for k in span]
    )
    row = prob.addConstraint(score >= float(phase2.row_lower[last]), phase2.row_names[last])
    spent = np.flatnonzero(phase2.objective).tolist()
    prob.setObjective(
        LpAffineExpression.from_list([(variables[j], float(phase2.objective[j])) for j in spent])
    )
    prob.sense = pulp.LpMinimize
    return run_cbc((prob, variables, [*constraints, row]), False, time_limit)


def run_within(highs: object, seconds: float | None) -> Run:
    """Run HiGHS for at most `seconds` more (None: no limit) and say what came of it.

    HiGHS holds its time_limit against the run time of every run of a Highs
    object together: warm re-solves under a fixed limit stop at once when the
    earlier runs have used it up (measured: the 14th warm run of the medium
    preset under 0.1 s stopped after 3 ms, 32 iterations). So the limit is
    set past what the object has used.
    """
    highs.setOptionValue("time_limit", INF if seconds is None else highs.getRunTime() + float(seconds))
    with quiet_stdout():
        highs.run()
    return highs_outcome(highs)


class WarmLP:
    """One HiGHS model re-solved for every LP of the same shape, each from a given basis.

    LPs built from variants of one scenario mostly share their columns, rows and
    nonzero pattern and differ only in numbers, so a basis of one is a basis of
    the others: each is passed whole (0.02 s on the large preset, less than
    changing thousands of coefficients one by one) and re-solved from the
    basis. A tornado variant of the large preset takes ~0.2 s so, build
    included, against ~2.5 s cold. `fits` says whether an LP has the shape.
    """

    def __init__(self, model: lp.Model) -> None:
        self.shape = model
        self.highs = to_highs(model)

    def fits(self, model: lp.Model) -> bool:
        shape = self.shape
        return (
            model.maximise == shape.maximise
            and model.column_count == shape.column_count
            and np.array_equal(model.row_start, shape.row_start)
            and np.array_equal(model.row_index, shape.row_index)
            and all(
                np.array_equal(getattr(model.units, axis), getattr(shape.units, axis))
                for axis in ("option", "partner", "period")
            )
        )

    def solve(self, model: lp.Model, basis: object | None, seconds: float | None) -> Run:
        """Solve `model` (which must fit) in this HiGHS model, from `basis` when given."""
        pass_model(self.highs, model)
        if basis is not None:
            self.highs.setBasis(basis)
        return run_within(self.highs, seconds)


def highs_outcome(highs: object) -> Run:
    """HiGHS's own status: a solver stopped by its limit may claim a value while holding no plan."""
    import highspy

    status = highs.getModelStatus()
    feasible = highs.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible
    if status == highspy.HighsModelStatus.kOptimal:
        return Run("optimal", True, highs)
    if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        return Run("infeasible", False, highs)
    if status in (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kIterationLimit):
        return Run("time_limit", feasible, highs)
    return Run("error", False, highs)


def coin_outcome(stats: object, numbers: tuple[np.ndarray, np.ndarray, np.ndarray]) -> Run:
    import pulp

    s = pulp.LpSolveStatus
    if stats.status == s.Optimal:
        return Run("optimal", True, cbc=numbers)
    if stats.status == s.Infeasible:
        return Run("infeasible", False, cbc=numbers)
    if stats.status in (s.TimeLimit, s.NotSolved):
        return Run("time_limit", bool(stats.has_solution), cbc=numbers)
    return Run("error", False, cbc=numbers)


def warm_least_money(first: Run, phase2: lp.Model, time_limit: float | None) -> Run:
    """Phase 2 inside HiGHS's solved phase-1 model, from phase 1's basis.

    `phase2` is `lp.least_money` of phase 1: its last row (the score) and its
    objective (spend) go to HiGHS in place; a fresh transfer and cold solve
    cost 2-3x more on large scenarios.
    """
    import highspy

    highs = first.highs
    last = phase2.row_count - 1
    span = slice(phase2.row_start[last], phase2.row_start[last + 1])
    highs.addRow(
        float(phase2.row_lower[last]),
        INF,
        span.stop - span.start,
        phase2.row_index[span],
        phase2.row_value[span],
    )
    columns = phase2.column_count
    highs.changeColsCost(columns, np.arange(columns, dtype=np.int32), phase2.objective)
    highs.changeObjectiveSense(highspy.ObjSense.kMinimize)
    # Phase 1's optimum is feasible for phase 2: primal simplex goes on from it (large preset:
    # 1 iteration against 4,049 for the default dual simplex).
    highs.setOptionValue("simplex_strategy", 4)
    return run_within(highs, time_limit)


@dataclass(frozen=True)
class Optimum:
    """What both phases found, as numbers, before any table is made: all a study needs of a solve."""

    status: str  # "optimal", "infeasible", "time_limit", "error"
    score: float | None  # Z*, from phase 1
    units: np.ndarray | None  # units[o, p, t] of the plan (phase 2's when it finished); None: no plan
    prices: list[float]  # of the budget rows, in evaluation.money_use's order
    message: str
    solved: SolvedModel | None


def optimise(
    scenario: Scenario,
    solver: str = "highs",
    time_limit: float | None = None,
    committed: np.ndarray | None = None,
    export_model: str | os.PathLike[str] | None = None,
) -> Optimum:
    """Phase 1 (best score) then phase 2 (least money for it), warm in HiGHS (model.md)."""
    started = time.perf_counter()
    model = lp.build(scenario, committed=committed)
    if export_model is not None:
        from .export import export  # here: export reads to_pulp from this module

        export(model, export_model)
    first = run(model, solver, time_limit)
    if not first.has_plan:
        reason = {
            "infeasible": "the targets cannot all be met within the budgets",
            "time_limit": "stopped at the time limit before any plan was found",
        }.get(first.status, "the solver failed without a plan")
        return Optimum(first.status, None, None, [], reason, None)

    plan = first.values()
    best = float(model.score @ plan)
    duals = first.row_duals()
    prices = [max(0.0, float(duals[row.row])) for row in model.budget_rows]
    status, message, solved = first.status, "", model
    if first.status == "optimal":
        solved = lp.least_money(model, best)
        remaining = None if time_limit is None else max(1.0, time_limit - (time.perf_counter() - started))
        second = (
            warm_least_money(first, solved, remaining)
            if solver == "highs"
            else cbc_least_money(first, solved, remaining)
        )
        if second.status != "optimal":
            status, message = (
                "time_limit",
                "phase 2 (least money) did not finish: the plan may spend more than needed",
            )
        if not second.has_plan:
            return Optimum("time_limit", None, None, [], message, None)
        plan = second.values()
    else:
        message = "stopped at the time limit: best plan found, not proven optimal"
    units = units_of(scenario, model, plan)
    return Optimum(status, best, units, prices, message, SolvedModel(solved, first.highs))


def solve(
    scenario: Scenario,
    solver: str = "highs",
    time_limit: float | None = None,
    export_model: str | os.PathLike[str] | None = None,
    keep: pd.DataFrame | None = None,
) -> Solution:
    """The best plan for `scenario`: highest score, then least money (model.md), as a Solution.

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
    optimum = optimise(scenario, solver, time_limit, committed, export_model)
    if optimum.status == "infeasible":
        return infeasible(scenario, solver, time_limit, started, committed)
    if optimum.units is None:
        return no_plan(scenario, optimum.status, solver, started, optimum.message)
    allocation = allocation_table(scenario, optimum.units)
    raw = readiness.raw_readiness(scenario, optimum.units)
    return Solution(
        status=optimum.status,
        scenario=scenario,
        score=optimum.score,
        baseline_score=baseline_score(scenario),
        allocation=allocation,
        readiness=readiness_table(scenario, raw),
        budget_use=money_use(scenario, allocation).assign(shadow_price=optimum.prices),
        shortfalls=empty(SHORTFALL_COLUMNS),
        solver=solver,
        seconds=time.perf_counter() - started,
        message=optimum.message,
        model=optimum.solved,
    )


def units_of(scenario: Scenario, model: lp.Model, values: np.ndarray) -> np.ndarray:
    """units[o, p, t] of a plan from the LP's column values (the unit columns come first)."""
    columns = model.units
    units = np.zeros((len(scenario.options), len(scenario.partners), scenario.horizon))
    units[columns.option, columns.partner, columns.period - 1] = np.maximum(
        values[: len(columns.option)], 0.0
    )
    return units


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
    outcome = run(elastic, solver, time_limit)
    if not outcome.has_plan:
        return no_plan(scenario, "infeasible", solver, started, "the targets cannot all be met")
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
