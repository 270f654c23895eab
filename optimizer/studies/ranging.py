"""The LP sensitivity report of phase 1: shadow prices, allowable ranges, reduced costs.

Everything here reads phase 1 (maximise the score; shared/model.md), solved
once, never phase 2. Prices are in the planner's sign convention whatever the
solver's: a budget, type budget or partner cap price is >= 0 (score points per
extra currency unit), a target's price is >= 0 (score points lost per extra
readiness point demanded), and a unit's reduced cost is >= 0 when it is
unfunded at the optimum (score points lost per unit forced in).

Allowable ranges come from HiGHS's own ranging (`Highs.getRanging()`) on the
solved phase-1 model. HiGHS ranges a row's right-hand side over the interval
in which the *optimal basis* stays optimal. Our LP is degenerate (ties between
partners, readiness above the cap, ...), so the price usually holds well past
that interval: the next basis carries the same price. Unless
`extend_ranges=False`, each end is therefore carried on through those
degenerate basis changes on a copy of the HiGHS model: set the right-hand side
just past the end, re-run warm, and while the row's dual is unchanged take the
new basis's ranging end. The objective is concave in a budget (convex in a
target), so the price at a point past the end equals the price at the end only
if it holds all the way in between; the result is the whole interval in which
the shadow price holds (the `basis_*` columns keep HiGHS's raw values).

A row that does not bind (basic in HiGHS) has price 0 up to infinity and down
to its activity, as in Excel Solver's report, extended the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..lp import highs as interface
from ..lp import model as lp
from ..lp.highs import HighsLP
from ..lp.integer import fixed
from ..lp.solve import run
from ..lp.solvers import solver as solver_entry
from ..lp.status import Run, Status
from ..scenario import Scenario
from .estimates import empty_estimates, estimate_ranges, estimate_sentences
from .steps import STEP_COLUMNS, step_sentences, steps

CONSTRAINT_COLUMNS = [
    "kind",
    "period",
    "name",
    "domain",
    "rhs",
    "activity",
    "slack",
    "binding",
    "shadow_price",
    "allowable_increase",
    "allowable_decrease",
    "lower_limit",
    "upper_limit",
    "basis_increase",
    "basis_decrease",
]
UNIT_COLUMNS = [
    "option",
    "type",
    "partner",
    "period",
    "units",
    "unit_money",
    "funded",
    "at_max",
    "reduced_cost",
    "reduced_cost_per_money",
    "entering_rank",
]
ENTERING_COLUMNS = ["rank", "option", "type", "partner", "period", "reduced_cost", "reduced_cost_per_money"]

TOLERANCE = 1e-9  # units and prices below this are zero
MAX_EXTENSIONS = 60  # warm re-solves spent extending one end of one range


@dataclass(frozen=True)
class SensitivityReport:
    """Phase-1 sensitivity of a scenario.

    - constraints: one row per money limit (kind period | type | partner) and
      per target (kind target; name = partner, domain), with rhs, activity,
      slack, binding, shadow_price (planner's sign), allowable_increase and
      allowable_decrease of the rhs (inf when unbounded, NaN when unknown),
      lower_limit / upper_limit (rhs - decrease, rhs + increase) and HiGHS's
      raw basis ranges (basis_increase, basis_decrease)
    - units: every LP unit variable (option x partner x period that can pay
      off): phase-1 units, money per unit, funded, at_max, reduced_cost
      (score lost per unit forced in), reduced_cost_per_money, entering_rank
      (1 = the unfunded unit closest to entering)
    - entering: unfunded options (no unit anywhere in phase 1), each at its
      best partner and period, ranked by reduced cost per unit of money
    - sentences: plain statements for the binding budgets and targets
    - estimates: the estimate ranges of the funded options' gains and unit costs
      (studies.estimates), with estimate_sentences (or one sentence saying why there are none)
    """

    status: str
    solver: str
    score: float | None
    ranging: bool  # allowable ranges available (HiGHS, proven optimal)
    constraints: pd.DataFrame
    units: pd.DataFrame
    entering: pd.DataFrame
    sentences: tuple[str, ...] = ()
    message: str = ""
    currency: str = ""
    seconds: float = 0.0
    extended_ranges: bool = field(default=True)
    steps: pd.DataFrame = field(default_factory=lambda: _empty(STEP_COLUMNS))  # integer plans only
    estimates: pd.DataFrame = field(default_factory=empty_estimates)
    estimate_sentences: tuple[str, ...] = ()

    @property
    def binding(self) -> pd.DataFrame:
        return self.constraints[self.constraints["binding"]]


def sensitivity(
    scenario: Scenario,
    solver: str = "highs",
    time_limit: float | None = None,
    extend_ranges: bool = True,
    relax: bool = False,
    estimates: bool = True,
) -> SensitivityReport:
    """Shadow prices, allowable ranges and reduced costs of phase 1 (see the module docstring),
    and unless `estimates` is False the estimate ranges of the funded options (studies.estimates).

    An integer scenario: those of the LP with the plan's exercises fixed, and the steps
    (studies.steps); `relax`: those of its LP relaxation instead."""
    import time

    started = time.perf_counter()
    model = lp.build(scenario)
    if relax:
        model = model.relaxed()
    currency = scenario.settings.currency
    integer_plan, whole = None, model
    if model.is_mip:
        first = solver_entry(solver).mip(model, time_limit, scenario.settings.mip_gap, None)
        if first.has_plan:
            integer_plan, model = first.values(), fixed(model, first.values())
    solving = time.perf_counter()
    outcome = run(model, solver, time_limit)
    solved_in = time.perf_counter() - solving
    if not outcome.has_plan:
        reason = {
            "infeasible": "the scenario is infeasible: no prices exist (solve it to see which targets fail)",
            "time_limit": "the solver stopped at the time limit before finding any plan",
        }.get(outcome.status, "the solver failed without a plan")
        return SensitivityReport(
            status=outcome.status,
            solver=solver,
            score=None,
            ranging=False,
            constraints=_empty(CONSTRAINT_COLUMNS),
            units=_empty(UNIT_COLUMNS),
            entering=_empty(ENTERING_COLUMNS),
            message=reason,
            currency=currency,
            seconds=time.perf_counter() - started,
            extended_ranges=False,
            estimate_sentences=(f"No estimate ranges: {reason}.",),
        )
    plan = outcome.values()
    score = float(model.score @ plan)
    rows = _rows(model)
    index = np.array([i for *_, i in rows], dtype=int)
    direction = np.array([d for *_, d, _ in rows], dtype=float)
    prices = direction * outcome.row_duals()[index]
    activity = model.activity(plan)[index]
    ranges = None
    message = ""
    ranged_estimates, estimate_text = empty_estimates(), ["No estimate ranges: not asked for."]
    entry = solver_entry(solver)
    if not entry.ranging:
        message = f"ranging is not available with {entry.label}: shadow prices and reduced costs only"
        estimate_text = [f"No estimate ranges: they are re-solved warm in HiGHS, not with {entry.label}."]
    elif outcome.status != "optimal":
        message = "the solve stopped at the time limit: prices are not proven, and no ranging is given"
        estimate_text = ["No estimate ranges: the solve stopped at the time limit, the plan is not proven."]
    else:
        # each warm run that extends a range gets a limit; one that stops short leaves its range narrower
        warm_limit = time_limit if time_limit is not None else max(2.0, 10 * solved_in)
        ranges, stalled = _ranges(model, outcome, rows, extend_ranges, warm_limit)
        if estimates:
            ranged_estimates = estimate_ranges(scenario, model, outcome, warm_limit, integer_plan is not None)
            estimate_text = estimate_sentences(ranged_estimates, currency)
            if integer_plan is not None:
                estimate_text = [
                    GIVEN_THE_EXERCISES,
                    *(f"Given the plan's exercises: {t}" for t in estimate_text),
                ]
        if ranges is None:
            message = "HiGHS gave no valid ranging for this model: shadow prices and reduced costs only"
        elif stalled:
            message = (
                f"{stalled} range end(s) could not be carried past a degenerate basis change in time: "
                "there the price holds over at least the range given"
            )
    constraints = _constraint_table(model, rows, prices, activity, ranges)
    units = _unit_table(scenario, model, outcome)
    sentences = _sentences(constraints, currency, ranges is not None)
    step_table = _empty(STEP_COLUMNS)
    if integer_plan is not None:
        message = " ".join(filter(None, [GIVEN_THE_PLAN, message]))
        sentences = [f"Given the plan's exercises: {s[0].lower()}{s[1:]}" for s in sentences]
        binding = [b for b in whole.budget_rows if b.kind != "partner" and _binds(b, constraints)]
        step_table = steps(whole, integer_plan, binding, solver, scenario.settings.mip_gap)
        sentences += step_sentences(step_table, currency)
    return SensitivityReport(
        status=outcome.status,
        solver=solver,
        score=score,
        ranging=ranges is not None,
        constraints=constraints,
        units=units,
        entering=_entering(units),
        sentences=tuple(sentences),
        message=message,
        currency=currency,
        seconds=time.perf_counter() - started,
        extended_ranges=extend_ranges and ranges is not None,
        steps=step_table,
        estimates=ranged_estimates,
        estimate_sentences=tuple(estimate_text),
    )


GIVEN_THE_PLAN = (
    "An integer plan: prices and ranges are given the plan's exercises (every whole unit, lot and "
    "set-up held at the plan's value); the steps say what more money buys in whole units."
)


GIVEN_THE_EXERCISES = (
    "Estimate ranges are for LP plans: these are of the LP with the plan's exercises held, for the "
    "funded options whose units are not whole (whole options are held at the plan's units and not ranged)."
)


def _binds(budget: lp.BudgetRow, constraints: pd.DataFrame) -> bool:
    """Whether the budget row binds in the constraint table (same kind, period and name)."""
    same = (
        (constraints["kind"] == budget.kind)
        & (constraints["period"] == budget.period)
        & (constraints["name"] == budget.name)
    )
    return bool((constraints["binding"] & same).any())


# (kind, period, name, domain, direction, row of the LP); direction +1 for <= rows, -1 for >= rows
Row = tuple[str, int, str, str, int, int]


def _rows(model: lp.Model) -> list[Row]:
    rows: list[Row] = [(b.kind, b.period, b.name, "", 1, b.row) for b in model.budget_rows]
    rows += [("target", t.period, t.partner, t.domain, -1, i) for t, i in model.target_rows]
    return rows


def _rhs(model: lp.Model, i: int) -> float:
    upper = float(model.row_upper[i])
    return upper if math.isfinite(upper) else float(model.row_lower[i])


def _ranges(
    model: lp.Model, outcome: Run, rows: list[Row], extend: bool, time_limit: float | None
) -> tuple[list[tuple[float, float, float, float]] | None, int]:
    """(lower_limit, upper_limit, basis_lower, basis_upper) of each row's rhs (None without ranging),
    and how many ends stopped short of their full extension."""
    ranging = interface.row_ranging(outcome.highs)
    if ranging is None:
        return None, 0
    down, up = ranging
    basic = interface.basic_rows(outcome.highs)
    solution = interface.solution(outcome.highs)
    copy = _Copy(model, outcome.warm.basis(), time_limit) if extend else None
    result = []
    for *_, direction, i in rows:
        rhs = _rhs(model, i)
        dual = float(solution.row_dual[i])
        if basic[i]:
            value = float(solution.row_value[i])
            low, high = (value, math.inf) if direction > 0 else (-math.inf, value)
            basis_low, basis_high = low, high
        else:
            low, high = _finite(down[i]), _finite(up[i])
            basis_low, basis_high = low, high
        if copy is not None:
            high = copy.extend(i, direction, rhs, dual, high, +1)
            low = copy.extend(i, direction, rhs, dual, low, -1)
        result.append((min(low, rhs), max(high, rhs), min(basis_low, rhs), max(basis_high, rhs)))
    return result, 0 if copy is None else copy.stalled


def _finite(value: float) -> float:
    return value if abs(value) < 1e29 else math.copysign(math.inf, value)


class _Copy:
    """A HighsLP of its own, with the project's options, on which ranges are carried past degenerate
    ends: each end starts from the solved phase-1 `basis` and moves one row's bound in place."""

    def __init__(self, model: lp.Model, basis: object, time_limit: float | None) -> None:
        self.model = model
        self.basis = basis
        self.warm = HighsLP()
        self.lower = np.concatenate([model.col_lower, model.row_lower])  # columns, then rows
        self.upper = np.concatenate([model.col_upper, model.row_upper])
        self.time_limit = time_limit  # of each warm run
        self.stalled = 0  # ends left where a warm run stopped short of optimal

    def basis_end(self, i: int, way: int) -> float:
        """How far the bound of nonbasic row i moves (`way` +1 up, -1 down) before the basis changes."""
        return interface.basis_end(self.warm.highs, self.lower, self.upper, i, way)

    def extend(self, i: int, direction: int, rhs: float, dual: float, end: float, way: int) -> float:
        """Carry the `way` (+1 up, -1 down) end of row i's rhs range on while its dual stays `dual`."""
        if not math.isfinite(end):
            return end
        lower, upper = self.model.row_lower[i], self.model.row_upper[i]
        basis = self.basis  # the first trial starts from phase 1's basis, later ones go on from theirs
        for _ in range(MAX_EXTENSIONS):
            trial = end + way * 1e-6 * max(1.0, abs(end))
            moved = (
                self.model.with_row_bound(i, lower, trial)
                if direction > 0
                else self.model.with_row_bound(i, trial, upper)
            )
            outcome = self.warm.solve(moved, self.time_limit, basis)
            basis = None
            if outcome.status != Status.OPTIMAL:
                self.stalled += outcome.status != Status.INFEASIBLE
                return end  # infeasible past the end, or stalled: keep the end known so far
            solution = interface.solution(self.warm.highs)
            if abs(solution.row_dual[i] - dual) > 1e-9 + 1e-6 * abs(dual):
                return end
            if interface.basic_rows(self.warm.highs)[i]:
                value = float(solution.row_value[i])
                nxt = way * math.inf if way == direction else value
            else:
                nxt = self.basis_end(i, way)
            end = max(nxt, trial) if way > 0 else min(nxt, trial)
            if not math.isfinite(end):
                return end
        self.stalled += 1
        return end


def _constraint_table(
    model: lp.Model,
    rows: list[Row],
    prices: np.ndarray,
    activity: np.ndarray,
    ranges: list[tuple[float, float, float, float]] | None,
) -> pd.DataFrame:
    records = []
    for n, (kind, period, name, domain, direction, i) in enumerate(rows):
        rhs = _rhs(model, i)
        slack = direction * (rhs - activity[n])
        price = float(prices[n])
        if ranges is None:
            low = high = basis_low = basis_high = math.nan
        else:
            low, high, basis_low, basis_high = ranges[n]
        records.append(
            (
                kind,
                period,
                name,
                domain,
                rhs,
                float(activity[n]),
                max(0.0, slack),
                slack <= 1e-7 * max(1.0, abs(rhs)),
                0.0 if abs(price) < TOLERANCE else price,
                high - rhs + 0.0,  # + 0.0: no -0.0 in reports
                rhs - low + 0.0,
                low + 0.0,
                high + 0.0,
                basis_high - rhs + 0.0,
                rhs - basis_low + 0.0,
            )
        )
    table = pd.DataFrame.from_records(records, columns=CONSTRAINT_COLUMNS)
    table["binding"] = table["binding"].astype(bool)
    return table


def _unit_table(scenario: Scenario, model: lp.Model, outcome: Run) -> pd.DataFrame:
    columns = model.units
    count = len(columns.option)
    values = np.maximum(0.0, outcome.values()[:count]).tolist()
    costs = (-outcome.reduced_costs()[:count]).tolist()
    records = []
    for o, p, t, units, reduced, money in zip(
        columns.option.tolist(),
        columns.partner.tolist(),
        columns.period.tolist(),
        values,
        costs,
        columns.cost.tolist(),
        strict=True,
    ):
        option = scenario.options[o]
        reduced = 0.0 if abs(reduced) < TOLERANCE else reduced
        cap = option.max_units
        at_max = cap is not None and units >= cap - 1e-9 * max(1.0, cap)
        records.append(
            (
                option.id,
                option.type,
                scenario.partners[p].id,
                t,
                units,
                money,
                units > TOLERANCE,
                at_max,
                reduced,
                reduced / money,
            )
        )
    table = pd.DataFrame.from_records(records, columns=UNIT_COLUMNS[:-1])
    table["funded"] = table["funded"].astype(bool)
    table["at_max"] = table["at_max"].astype(bool)
    unfunded = table[~table["funded"]].sort_values(
        ["reduced_cost_per_money", "option", "partner", "period"], kind="stable"
    )
    table["entering_rank"] = pd.Series(range(1, len(unfunded) + 1), index=unfunded.index, dtype="Int64")
    return table


def _entering(units: pd.DataFrame) -> pd.DataFrame:
    """Options with no funded unit, each at its closest (partner, period), closest first."""
    funded = set(units.loc[units["funded"], "option"])
    candidates = units[~units["option"].isin(funded)].sort_values(
        ["reduced_cost_per_money", "option", "partner", "period"], kind="stable"
    )
    best = candidates.drop_duplicates("option").reset_index(drop=True)
    best.insert(0, "rank", range(1, len(best) + 1))
    return best[ENTERING_COLUMNS]


def _number(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def _sentences(constraints: pd.DataFrame, currency: str, ranged: bool) -> list[str]:
    """Plain statements for every binding limit and target with a positive price, dearest first."""
    money = currency or "currency unit"
    out = []
    priced = constraints[constraints["shadow_price"] > TOLERANCE].sort_values("shadow_price", ascending=False)
    for row in priced.itertuples(index=False):
        price = _number(row.shadow_price)
        if row.kind == "target":
            head = (
                f"Demanding one more point of {row.domain} readiness from {row.name} in period {row.period} "
                f"costs {price} score points"
            )
            what = "that target"
        else:
            head, what = {
                "period": (
                    f"One more {money} in period {row.period} buys {price} score points",
                    "that budget",
                ),
                "type": (
                    f"One more {money} for {row.name} in period {row.period} buys {price} score points",
                    f"that {row.name} budget",
                ),
                "partner": (
                    f"Letting {row.name} absorb one more {money} in period {row.period} "
                    f"buys {price} score points",
                    f"{row.name}'s cap",
                ),
            }[row.kind]
        if not ranged or math.isnan(row.upper_limit):
            out.append(head + ".")
        elif math.isinf(row.upper_limit):
            out.append(f"{head}, however far {what} rises.")
        else:
            out.append(f"{head}, until {what} reaches {row.upper_limit:.4g}.")
    return out


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
