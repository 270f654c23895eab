"""The linear program of model.md, built with PuLP from one function per family.

`build` neither reads files nor solves. The LP is the sparse stock form:
readiness r is carried only in the periods that the score counts or a target
names, each step adding the units whose lag ends inside it, and variables
that can never pay off (a lag that ends past the horizon, an option with no
gain, a partner it cannot help) are not created. None of these reductions
changes the optimum; tests in tests/test_model.py hold them to that.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pulp
from pulp import LpAffineExpression, LpConstraint, LpProblem, LpVariable

from . import readiness
from .scenario import Scenario, Target

Pairs = list[tuple[LpVariable, float]]


@dataclass(frozen=True)
class BudgetRow:
    """One money constraint, in the planner's terms, with its PuLP row."""

    kind: str  # "period", "type" or "partner"
    period: int
    name: str  # the type or partner it caps; "" for a period budget
    limit: float
    constraint: LpConstraint


@dataclass(frozen=True)
class UnitColumns:
    """The unit variables as parallel arrays, so rows are built with numpy masks, not Python loops."""

    option: np.ndarray
    partner: np.ndarray
    period: np.ndarray
    variables: np.ndarray  # of LpVariable
    cost: np.ndarray  # c_o * kappa_p of one unit

    def pairs(self, mask: np.ndarray, coefficients: np.ndarray) -> Pairs:
        return list(zip(self.variables[mask], coefficients[mask].tolist(), strict=True))


@dataclass
class Model:
    """A built LP and the handles later steps need to read it back."""

    prob: LpProblem
    units: dict[tuple[int, int, int], LpVariable]  # (option, partner, period) positions; period from 1
    score: LpAffineExpression
    spend: LpAffineExpression
    columns: UnitColumns  # the unit variables as arrays, with their costs
    variable_count: int  # every variable the build created
    budget_rows: list[BudgetRow] = field(default_factory=list)
    target_rows: list[tuple[Target, LpConstraint]] = field(default_factory=list)
    shortfalls: list[LpVariable] = field(default_factory=list)  # elastic problem only


def expr(pairs: Pairs, constant: float = 0.0) -> LpAffineExpression:
    """An expression from (variable, coefficient) pairs: PuLP's fast path."""
    return LpAffineExpression.from_list(pairs, constant)


def scored_pairs(scenario: Scenario) -> list[tuple[int, int]]:
    """(partner, domain) positions whose readiness enters the score."""
    return [
        (p, d)
        for p, partner in enumerate(scenario.partners)
        if partner.weight > 0
        for d, domain in enumerate(scenario.domains)
        if domain.weight > 0
    ]


def needed_periods(scenario: Scenario, reduced: bool = True) -> dict[tuple[int, int], list[int]]:
    """Periods in which readiness of each (partner, domain) must be known (every one, unreduced)."""
    if not reduced:
        return {
            (p, d): list(scenario.periods)
            for p in range(len(scenario.partners))
            for d in range(len(scenario.domains))
        }
    par, dom, _ = readiness.index(scenario)
    counted = list(scenario.counted_periods())
    needed: dict[tuple[int, int], set[int]] = defaultdict(set)
    for pair in scored_pairs(scenario):
        needed[pair].update(counted)
    for target in scenario.targets:
        needed[par[target.partner], dom[target.domain]].add(target.period)
    return {pair: sorted(periods) for pair, periods in needed.items()}


def define_units(
    prob: LpProblem, scenario: Scenario, committed: np.ndarray | None = None, reduced: bool = True
) -> dict[tuple[int, int, int], LpVariable]:
    """x[o, p, t]: units of option o for partner p in period t, in [committed, max_units].

    Units that can never pay off are left out unless committed (their money is spent anyway)
    or the model is built `reduced=False`, as written in model.md.
    """
    par, _, _ = readiness.index(scenario)
    gains = readiness.gain_matrix(scenario)
    units: dict[tuple[int, int, int], LpVariable] = {}
    for o, option in enumerate(scenario.options):
        last = scenario.horizon - option.lag if reduced else scenario.horizon  # later units never count
        useful = (gains[o].any() and option.max_units != 0) or not reduced
        keys = [
            (o, par[p], t)
            for p in scenario.eligible(option)
            if scenario.partners[par[p]].effectiveness > 0 or not reduced
            for t in range(1, last + 1)
            if useful
        ]
        if committed is not None:
            known = set(keys)
            keys += [
                (o, p, int(t) + 1)
                for p, t in zip(*np.nonzero(committed[o]), strict=True)
                if (o, p, int(t) + 1) not in known
            ]
        if not keys:
            continue
        names = [f"x_o{o}_p{p}_t{t}" for (_, p, t) in keys]
        made = prob.add_variable_dicts("%s", names, lowBound=0, upBound=option.max_units)
        units.update(zip(keys, (made[n] for n in names), strict=True))
    if committed is not None:
        for (o, p, t), var in units.items():
            if committed[o, p, t - 1] > 0:
                var.lowBound = float(committed[o, p, t - 1])
    return units


def unit_columns(scenario: Scenario, units: dict[tuple[int, int, int], LpVariable]) -> UnitColumns:
    keys = np.array(list(units), dtype=int).reshape(-1, 3)
    unit_cost = np.array([o.unit_cost for o in scenario.options])
    factor = np.array([p.cost_factor for p in scenario.partners])
    variables = np.empty(len(units), dtype=object)
    variables[:] = list(units.values())
    option, partner, period = keys.T
    return UnitColumns(option, partner, period, variables, unit_cost[option] * factor[partner])


def define_readiness(
    prob: LpProblem, scenario: Scenario, units: UnitColumns, reduced: bool = True
) -> dict[tuple[int, int, int], LpVariable]:
    """r[p, d, t] in the needed periods, as a stock: r_t = r_previous + gains landing in between."""
    gains = readiness.gain_matrix(scenario)
    base = readiness.baseline_matrix(scenario)
    lags = np.array([option.lag for option in scenario.options], dtype=int)
    counts_from = units.period + lags[units.option] if len(units.option) else units.period
    stock: dict[tuple[int, int, int], LpVariable] = {}
    for (p, d), periods in needed_periods(scenario, reduced).items():
        gain = scenario.partners[p].effectiveness * gains[units.option, d] * (units.partner == p)
        landing = gain > 0
        previous: LpVariable | None = None
        start = 0
        for t in periods:
            r = prob.add_variable(f"r_p{p}_d{d}_t{t}", lowBound=float(base[p, d]))
            pairs: Pairs = [(r, 1.0)]
            pairs += units.pairs(landing & (counts_from > start) & (counts_from <= t), -gain)
            if previous is None:
                prob.addConstraint(expr(pairs) == float(base[p, d]), f"stock_p{p}_d{d}_t{t}")
            else:
                pairs.append((previous, -1.0))
                prob.addConstraint(expr(pairs) == 0.0, f"stock_p{p}_d{d}_t{t}")
            stock[p, d, t] = r
            previous, start = r, t
    return stock


def define_counted(
    prob: LpProblem, scenario: Scenario, stock: dict[tuple[int, int, int], LpVariable]
) -> dict[tuple[int, int, int], LpVariable]:
    """c[p, d, t] in [0, U] with c <= r: readiness as the score counts it."""
    cap = scenario.settings.score_cap
    counted: dict[tuple[int, int, int], LpVariable] = {}
    for t in scenario.counted_periods():
        for p, d in scored_pairs(scenario):
            c = prob.add_variable(f"c_p{p}_d{d}_t{t}", lowBound=0, upBound=cap)
            prob.addConstraint(expr([(c, 1.0), (stock[p, d, t], -1.0)]) <= 0.0, f"cap_p{p}_d{d}_t{t}")
            counted[p, d, t] = c
    return counted


def define_weakest(
    prob: LpProblem, scenario: Scenario, counted: dict[tuple[int, int, int], LpVariable]
) -> dict[tuple[int, int], LpVariable]:
    """m[d, t] <= c[p, d, t] for every partner of positive weight: the weakest link."""
    if scenario.settings.weakest_link == 0:
        return {}
    weakest: dict[tuple[int, int], LpVariable] = {}
    for (p, d, t), c in counted.items():
        if (d, t) not in weakest:
            weakest[d, t] = prob.add_variable(f"m_d{d}_t{t}", lowBound=0, upBound=scenario.settings.score_cap)
        prob.addConstraint(expr([(weakest[d, t], 1.0), (c, -1.0)]) <= 0.0, f"weakest_p{p}_d{d}_t{t}")
    return weakest


def score_expression(
    scenario: Scenario,
    counted: dict[tuple[int, int, int], LpVariable],
    weakest: dict[tuple[int, int], LpVariable],
) -> LpAffineExpression:
    """Z = sum_t pi_t sum_d w_d [(1 - lambda) sum_p omega_p c + lambda m], weights normalised."""
    pw = np.array([p.weight for p in scenario.partners], dtype=float)
    dw = np.array([d.weight for d in scenario.domains], dtype=float)
    pw, dw = pw / pw.sum(), dw / dw.sum()
    lam = scenario.settings.weakest_link
    pi = scenario.counted_periods()
    pairs: Pairs = [(c, pi[t] * dw[d] * (1 - lam) * pw[p]) for (p, d, t), c in counted.items() if lam < 1]
    pairs += [(m, pi[t] * dw[d] * lam) for (d, t), m in weakest.items()]
    return expr(pairs)


def define_budgets(prob: LpProblem, scenario: Scenario, units: UnitColumns) -> list[BudgetRow]:
    """Period budgets, type budgets and partner caps: every limit on money.

    The rows come in the order evaluation.money_use lists them, which pairs each with its price.
    """
    option_type = np.array([o.type for o in scenario.options], dtype=object)[units.option]
    rows: list[BudgetRow] = []
    for budget in scenario.budgets:
        t = budget.period
        in_period = units.period == t
        row = prob.addConstraint(expr(units.pairs(in_period, units.cost)) <= budget.total, f"budget_t{t}")
        rows.append(BudgetRow("period", t, "", budget.total, row))
        for k, (kind, limit) in enumerate(budget.by_type.items()):
            mask = in_period & (option_type == kind)
            row = prob.addConstraint(expr(units.pairs(mask, units.cost)) <= limit, f"type_k{k}_t{t}")
            rows.append(BudgetRow("type", t, kind, limit, row))
    for p, partner in enumerate(scenario.partners):
        if partner.max_spend is None:
            continue
        for t in scenario.periods:
            mask = (units.partner == p) & (units.period == t)
            row = prob.addConstraint(
                expr(units.pairs(mask, units.cost)) <= partner.max_spend, f"partner_p{p}_t{t}"
            )
            rows.append(BudgetRow("partner", t, partner.id, partner.max_spend, row))
    return rows


def define_targets(
    prob: LpProblem,
    scenario: Scenario,
    stock: dict[tuple[int, int, int], LpVariable],
    elastic: bool,
) -> tuple[list[tuple[Target, LpConstraint]], list[LpVariable]]:
    """r[p, d, t] >= min_score; elastic adds a shortfall s >= 0 to each row."""
    par, dom, _ = readiness.index(scenario)
    rows: list[tuple[Target, LpConstraint]] = []
    shortfalls: list[LpVariable] = []
    for n, target in enumerate(scenario.targets):
        pairs: Pairs = [(stock[par[target.partner], dom[target.domain], target.period], 1.0)]
        if elastic:
            s = prob.add_variable(f"short_{n}", lowBound=0)
            shortfalls.append(s)
            pairs.append((s, 1.0))
        rows.append((target, prob.addConstraint(expr(pairs) >= target.min_score, f"target_{n}")))
    return rows, shortfalls


def build(
    scenario: Scenario, elastic: bool = False, committed: np.ndarray | None = None, reduced: bool = True
) -> Model:
    """Phase 1 (maximise the score), or with `elastic` the least-total-shortfall problem.

    `committed[o, p, t]` holds units already committed: kept as minimums. `reduced=False`
    builds model.md's LP literally, every variable in every period: the reference that
    tests hold the reductions to.
    """
    prob = LpProblem("shortfall" if elastic else "readiness", pulp.LpMinimize if elastic else pulp.LpMaximize)
    units = define_units(prob, scenario, committed, reduced)
    columns = unit_columns(scenario, units)
    stock = define_readiness(prob, scenario, columns, reduced)
    counted = define_counted(prob, scenario, stock)
    weakest = define_weakest(prob, scenario, counted)
    score = score_expression(scenario, counted, weakest)
    spend = expr(columns.pairs(np.ones(len(units), dtype=bool), columns.cost))
    budget_rows = define_budgets(prob, scenario, columns)
    target_rows, shortfalls = define_targets(prob, scenario, stock, elastic)
    prob.setObjective(expr([(s, 1.0) for s in shortfalls]) if elastic else score)
    created = len(units) + len(stock) + len(counted) + len(weakest) + len(shortfalls)
    return Model(prob, units, score, spend, columns, created, budget_rows, target_rows, shortfalls)


def least_money(model: Model, best_score: float) -> None:
    """Turn a solved phase 1 into phase 2: least spend with Z >= Z* - eps (model.md)."""
    eps = 1e-7 * max(1.0, abs(best_score))
    model.prob.addConstraint(model.score >= best_score - eps, "phase2_score")
    model.prob.setObjective(model.spend)
    model.prob.sense = pulp.LpMinimize
