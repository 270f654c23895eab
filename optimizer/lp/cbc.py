"""CBC through PuLP's COIN_CMD: the PuLP problem of an LP, its solve, and CBC's status as ours."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ParamError, SolverError
from . import model as lp
from .highs import quiet_stdout
from .scaling import UNSCALED, scaling
from .status import Run, Status

if TYPE_CHECKING:
    import pulp

    Problem = tuple[pulp.LpProblem, list[pulp.LpVariable], list[pulp.LpConstraint]]

NAME = "COIN_CMD"  # PuLP's name for CBC run as a command
INSTALL = "pip install 'pulp[cbc]'"
INF = math.inf


def installed() -> bool:
    import pulp

    return bool(pulp.getSolver(NAME, msg=False).available())


def run_lp(model: lp.Model, time_limit: float | None) -> Run:
    """An LP solved by CBC from scratch; refused (`within_tolerances`) when its units are extreme."""
    within_tolerances(model)
    return run(to_pulp(model), model.maximise, time_limit)


def within_tolerances(model: lp.Model) -> None:
    """ParamError when readiness or money needs scaling to unit magnitude (lp.scaling): CBC is given
    the LP as built, and its absolute tolerances (1e-7) would then decide the plan, as HiGHS's did
    before it was given the LP scaled (issue 14: a plan 4 % below the optimum called optimal)."""
    factors = scaling(model)
    if factors.identity:
        return
    low, high = UNSCALED
    quantities = [
        f"{what} of magnitude about {factor:.0e}"
        for what, factor in (("readiness", factors.readiness), ("money", factors.money))
        if factor != 1.0
    ]
    raise ParamError(
        f"CBC cannot be trusted with {' and '.join(quantities)}: its tolerances are absolute, and it "
        f"is given the LP in the scenario's units (only HiGHS is given it scaled). Choose --solver "
        f"highs, or state readiness and money in units where they lie within [{low:g}, {high:g}]"
    )


def to_pulp(model: lp.Model) -> Problem:
    """The PuLP problem of the LP, with its variables and constraints in column and row order.

    Names are model.md's (x_o0_p1_t2, stock_p0_d1_t3, ...), so an exported file reads.
    """
    import pulp
    from pulp import LpAffineExpression

    prob = pulp.LpProblem("readiness", pulp.LpMaximize if model.maximise else pulp.LpMinimize)
    made = prob.add_variable_dicts("%s", model.column_names())
    variables = list(made.values())
    integer_columns = set(np.flatnonzero(model.integrality).tolist())
    bounds = zip(model.col_lower.tolist(), model.col_upper.tolist(), strict=True)
    for j, (var, (low, up)) in enumerate(zip(variables, bounds, strict=True)):
        var.lowBound = None if low == -INF else low
        var.upBound = None if up == INF else up
        if j in integer_columns:
            var.cat = pulp.LpInteger
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


def run(problem: Problem, maximise: bool, time_limit: float | None, **options: object) -> Run:
    """Solve a PuLP problem with CBC and copy its numbers out, duals in HiGHS's sign: COIN_CMD's
    come back negated on a maximisation (PuLP negates the objective it writes). `options` are
    COIN_CMD's (gapRel, warmStart)."""
    import pulp

    prob, variables, constraints = problem
    try:
        with quiet_stdout():
            stats = prob.solve(pulp.getSolver(NAME, msg=False, timeLimit=time_limit, **options))
    except pulp.PulpSolverError as error:  # the binary missing, crashing or writing no solution
        raise SolverError(f"CBC failed ({error}); {INSTALL} installs it, or choose --solver highs") from None
    sign = -1.0 if maximise else 1.0
    numbers = (
        np.array([v.varValue or 0.0 for v in variables]),
        np.array([sign * (c.pi or 0.0) for c in constraints]),
        np.array([sign * (v.dj or 0.0) for v in variables]),
    )
    status, has_plan = outcome(stats)
    return Run(status, has_plan, cbc=numbers, problem=problem)


def run_mip(model: lp.Model, time_limit: float | None, gap: float, start: np.ndarray | None = None) -> Run:
    """The MIP solved by CBC to relative gap `gap`, from the plan `start` (column values) when
    given. `bound` and `gap` stay None: PuLP's best_bound (read from CBC's log) came back equal
    to the plan's value where CBC's log said otherwise; an optimal status means within `gap`."""
    within_tolerances(model)
    problem = to_pulp(model)
    if start is not None:
        for variable, value in zip(problem[1], start.tolist(), strict=True):
            variable.setInitialValue(round(value) if variable.cat == "Integer" else value)
    return run(problem, model.maximise, time_limit, gapRel=float(gap), warmStart=start is not None)


def outcome(stats: object) -> tuple[Status, bool]:
    """CBC's status (PuLP's LpSolveStatus) as ours, and whether it left a plan."""
    import pulp

    s = pulp.LpSolveStatus
    if stats.status in (s.Optimal, s.GapLimit):  # GapLimit: a MIP within its gapRel, as asked
        return Status.OPTIMAL, True
    if stats.status == s.Infeasible:
        return Status.INFEASIBLE, False
    if stats.status in (s.TimeLimit, s.NotSolved):
        return Status.TIME_LIMIT, bool(stats.has_solution)
    return Status.ERROR, False


def least_money(first: Run, phase2: lp.Model, time_limit: float | None) -> Run:
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
    return run((prob, variables, [*constraints, row]), False, time_limit)
