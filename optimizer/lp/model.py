"""The linear program of model.md as arrays, built from one function per family.

`build` neither reads files nor solves. The LP is the sparse stock form:
readiness r is carried only in the periods that the score counts or a target
names, each step adding the units whose lag ends inside it, and variables
that can never pay off (a lag that ends past the horizon, an option with no
gain, a partner it cannot help) are not created. None of these reductions
changes the optimum; tests in tests/test_model.py hold them to that.

The LP is held as numpy arrays (bounds, objective, rows in compressed sparse
row form), as linopy does, and optimizer.solver hands it to each solver from
them: to HiGHS in one call, and as a PuLP problem to CBC and for exporting.
On the large preset (193k columns) the arrays take 0.07 s to build and 0.02 s
to pass, where building PuLP's expressions and handing them over took 1.9 s,
longer than HiGHS's own solve (benchmarks/benchmark.py).

Options with whole units, lot sizes or set-up costs make it a mixed-integer program
(model.md, "Whole units, lot sizes and set-up costs"): `Model.integrality` marks the integer
columns (whole x, the lot binaries z, the set-up binaries y, which come last), and
`Model.relaxed()` drops it for the LP bound. A scenario without them builds the LP as before.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from .. import pairs, readiness
from ..scenario import Scenario, Target
from . import pairs as pair_terms
from .builder import Builder
from .scaling import scaling

INF = math.inf


@dataclass(frozen=True)
class UnitColumns:
    """x[o, p, t], the first columns of the LP, as parallel arrays: column j is unit j."""

    option: np.ndarray
    partner: np.ndarray
    period: np.ndarray  # from 1
    cost: np.ndarray  # money of one unit: c_o * kappa_p

    def names(self) -> list[str]:
        return [
            f"x_o{o}_p{p}_t{t}"
            for o, p, t in zip(self.option.tolist(), self.partner.tolist(), self.period.tolist(), strict=True)
        ]


@dataclass(frozen=True)
class BudgetRow:
    """One money constraint, in the planner's terms, with its row of the LP."""

    kind: str  # "period", "type" or "partner"
    period: int
    name: str  # the type or partner it caps; "" for a period budget
    limit: float
    row: int


@dataclass(frozen=True)
class LotColumns:
    """z[o, p, t] = 1 when unit column `unit` is funded at all, then at least its lot size."""

    unit: np.ndarray  # the x column each z gates
    column: np.ndarray


@dataclass(frozen=True)
class SetupColumns:
    """y[o, t] = 1 when option o is held in period t, which costs its set-up money once."""

    option: np.ndarray
    period: np.ndarray  # from 1
    cost: np.ndarray  # F_o
    column: np.ndarray


@dataclass(frozen=True)
class HeldSetup:
    """An option held in a period, and the set-up money the plan spends on it."""

    option: int
    period: int
    level: float  # y: 1 in an integer plan, possibly a fraction in the LP relaxation
    money: float  # F_o * y


@dataclass(frozen=True, eq=False)
class Model:
    """A built LP: columns, rows (CSR) and where the planner's quantities sit in them.

    Rows are `row_lower <= A x <= row_upper`; an equality has equal bounds.
    The unit columns come first; `score` and `spend` give Z and money as
    coefficients over all columns, whatever the objective.
    """

    maximise: bool
    objective: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    row_start: np.ndarray  # CSR: row i holds entries row_start[i] .. row_start[i + 1] - 1
    row_index: np.ndarray
    row_value: np.ndarray
    row_names: tuple[str, ...]
    other_names: tuple[str, ...]  # the columns after the units
    units: UnitColumns
    score: np.ndarray
    spend: np.ndarray
    budget_rows: tuple[BudgetRow, ...]
    target_rows: tuple[tuple[Target, int], ...]
    shortfalls: np.ndarray  # their columns; elastic problem only
    integrality: np.ndarray  # per column, int32: 0 continuous, 1 integer (HiGHS's kContinuous, kInteger)
    lots: LotColumns  # z[o, p, t]: the binaries of lot sizes
    setups: SetupColumns  # y[o, t]: the binaries of set-up costs

    @property
    def is_mip(self) -> bool:
        """Some column is integer: the solver must branch (model.md, integer plans)."""
        return bool(self.integrality.any())

    def relaxed(self) -> Model:
        """The LP relaxation: every column continuous, binaries in [0, 1]; its optimum is the LP bound."""
        return replace(self, integrality=np.zeros_like(self.integrality))

    @property
    def column_count(self) -> int:
        return len(self.objective)

    @property
    def row_count(self) -> int:
        return len(self.row_lower)

    def column_names(self) -> list[str]:
        return self.units.names() + list(self.other_names)

    def entry_rows(self) -> np.ndarray:
        """The row of each matrix entry: the CSR row starts spread over their entries."""
        return np.repeat(np.arange(self.row_count), np.diff(self.row_start))

    def activity(self, x: np.ndarray) -> np.ndarray:
        """A x: the left-hand side of every row at the column values x."""
        return np.bincount(
            self.entry_rows(), weights=self.row_value * x[self.row_index], minlength=self.row_count
        )

    def with_row_bound(self, row: int, lower: float, upper: float) -> Model:
        """The same LP with one row's bounds changed (a right-hand side moved)."""
        row_lower, row_upper = self.row_lower.copy(), self.row_upper.copy()
        row_lower[row], row_upper[row] = lower, upper
        return replace(self, row_lower=row_lower, row_upper=row_upper)


def scored_pairs(scenario: Scenario) -> list[tuple[int, int]]:
    """(partner, domain) positions whose readiness enters the score."""
    return [
        (p, d)
        for p, partner in enumerate(scenario.partners)
        if partner.weight > 0
        for d, domain in enumerate(scenario.domains)
        if domain.weight > 0
    ]


def needed_periods(scenario: Scenario, reduced: bool) -> dict[tuple[int, int], list[int]]:
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
    build: Builder, scenario: Scenario, committed: np.ndarray | None, reduced: bool
) -> UnitColumns:
    """x[o, p, t]: units of option o for partner p in period t, in [committed, max_units].

    Units that can never pay off are left out unless committed (their money is spent anyway)
    or the model is built `reduced=False`, as written in model.md.
    """
    par, _, _ = readiness.index(scenario)
    gains = readiness.gain_matrix(scenario)
    if scenario.pair_weight > 0:  # an option that raises only pairs pays off too
        gains = gains + pairs.pair_gain_matrix(scenario)
    horizon = scenario.horizon
    keep = np.zeros((len(scenario.options), len(scenario.partners), horizon), dtype=bool)
    for o, option in enumerate(scenario.options):
        if reduced and not (gains[o].any() and option.max_units != 0):
            continue
        last = horizon - option.lag if reduced else horizon  # later units never count
        helped = [
            par[p]
            for p in scenario.eligible(option)
            if scenario.partners[par[p]].effectiveness > 0 or not reduced
        ]
        keep[o, helped, : max(last, 0)] = True
    if committed is not None:
        keep |= committed > 0
    history = fixed_units(scenario)
    past = slice(0, scenario.planned_periods().start - 1)
    if reduced:  # the past holds what was funded, whether it pays off or not, and nothing else
        keep[:, :, past] = history[:, :, past] > 0
    option, partner, period = np.nonzero(keep)  # option-major, then partner, then period
    money = readiness.unit_money(scenario)
    max_units = np.array([INF if o.max_units is None else o.max_units for o in scenario.options], dtype=float)
    lower = np.zeros(len(option)) if committed is None else committed[option, partner, period].astype(float)
    upper = max_units[option]
    fixed = period < past.stop
    lower[fixed] = upper[fixed] = history[option, partner, period][fixed]
    build.add_columns(lower, upper)
    return UnitColumns(option, partner, period + 1, money[option, partner])


def fixed_units(scenario: Scenario) -> np.ndarray:
    """units[o, p, t] of a re-plan's history (zeros without one): the past periods are fixed at these."""
    par, _, opt = readiness.index(scenario)
    units = np.zeros((len(scenario.options), len(scenario.partners), scenario.horizon))
    for u in () if scenario.history is None else scenario.history.units:
        units[opt[u.option], par[u.partner], u.period - 1] += u.units
    return units


def define_readiness(
    build: Builder, scenario: Scenario, units: UnitColumns, reduced: bool
) -> dict[tuple[int, int, int], int]:
    """r[p, d, t] in the needed periods, as a stock: r_t = r_previous + gains landing in between.

    A unit funded in period tau counts from tau + lag; it lands in the row of the first needed
    period at or after that. Returns the column of each r.
    """
    gains = readiness.gain_matrix(scenario)
    base = readiness.baseline_matrix(scenario)
    horizon = scenario.horizon
    needed = needed_periods(scenario, reduced)
    keys = [(p, d, t) for (p, d), periods in needed.items() for t in periods]
    shift = readiness.shift_matrix(scenario)  # measurements of a re-plan: readiness moved from a period on
    columns = build.add_columns(  # gains are >= 0: readiness is never below baseline (plus what was measured)
        np.array([base[p, d] + shift[p, d, t - 1] for p, d, t in keys]),
        np.full(len(keys), INF),
        [f"r_p{p}_d{d}_t{t}" for p, d, t in keys],
    )
    stock = dict(zip(keys, columns.tolist(), strict=True))
    # one row per stock, in the stocks' order: r_t - r_previous = what lands in between, or r_first = baseline
    first = np.array([k == 0 or keys[k - 1][:2] != keys[k][:2] for k in range(len(keys))], dtype=bool)
    since = [1 if starts else keys[k - 1][2] + 1 for k, starts in enumerate(first.tolist())]
    # what measurements moved readiness by (a re-plan) lands in the stock rows as a gain does
    moved = np.diff(shift, axis=2, prepend=0.0)
    shifted = [float(moved[p, d, begin - 1 : t].sum()) for (p, d, t), begin in zip(keys, since, strict=True)]
    bound = np.where(first, [base[p, d] for p, d, _ in keys], 0.0) + np.array(shifted)
    rows = build.add_rows(bound, bound, [f"stock_p{p}_d{d}_t{t}" for p, d, t in keys])
    build.entries(rows, columns, np.ones(len(rows)))
    build.entries(rows[~first], columns[:-1][~first[1:]], -np.ones(int((~first).sum())))
    # landing_row[p, d, s]: the stock row in which a unit counting from period s lands (-1: none)
    landing_row = np.full((len(scenario.partners), len(scenario.domains), horizon + 2), -1)
    for row, (p, d, t), begin in zip(rows.tolist(), keys, since, strict=True):
        landing_row[p, d, begin : t + 1] = row  # units counting from begin..t land in row
    lags = np.array([option.lag for option in scenario.options], dtype=int)
    counts_from = np.minimum(units.period + lags[units.option], horizon + 1)
    unit, domain = np.nonzero(gains[units.option] != 0)
    row = landing_row[units.partner[unit], domain, counts_from[unit]]
    effectiveness = np.array([p.effectiveness for p in scenario.partners], dtype=float)
    gain = effectiveness[units.partner[unit]] * gains[units.option[unit], domain]
    lands = row >= 0
    build.entries(row[lands], unit[lands], -gain[lands])
    return stock


def define_counted(
    build: Builder, scenario: Scenario, stock: dict[tuple[int, int, int], int]
) -> dict[tuple[int, int, int], int]:
    """c[p, d, t] in [0, U] with c <= r: readiness as the score counts it."""
    keys = [(p, d, t) for t in scenario.counted_periods() for p, d in scored_pairs(scenario)]
    cap = scenario.settings.score_cap
    columns = build.add_columns(
        np.zeros(len(keys)), np.full(len(keys), cap), [f"c_p{p}_d{d}_t{t}" for p, d, t in keys]
    )
    rows = build.add_rows([-INF] * len(keys), [0.0] * len(keys), [f"cap_p{p}_d{d}_t{t}" for p, d, t in keys])
    build.entries(rows, columns, np.ones(len(keys)))
    build.entries(rows, np.array([stock[key] for key in keys], dtype=int), -np.ones(len(keys)))
    return dict(zip(keys, columns.tolist(), strict=True))


def define_weakest(
    build: Builder, scenario: Scenario, counted: dict[tuple[int, int, int], int]
) -> dict[tuple[int, int], int]:
    """m[d, t] <= c[p, d, t] for every partner of positive weight: the weakest link.

    Bounding m by r instead (the same minimum, as m <= U) and leaving c out when weakest_link is
    1 cut 1,200 of 14,139 columns on the medium max-min shape, but the large one's dual simplex
    then took over 98 CPU seconds where this form takes about 21 (benchmarks/RESULTS.md).
    """
    if scenario.settings.weakest_link == 0:
        return {}
    scored = list(counted)
    keys = list(dict.fromkeys((d, t) for _, d, t in scored))
    cap = scenario.settings.score_cap
    columns = build.add_columns(
        np.zeros(len(keys)), np.full(len(keys), cap), [f"m_d{d}_t{t}" for d, t in keys]
    )
    weakest = dict(zip(keys, columns.tolist(), strict=True))
    rows = build.add_rows(
        [-INF] * len(scored), [0.0] * len(scored), [f"weakest_p{p}_d{d}_t{t}" for p, d, t in scored]
    )
    build.entries(rows, np.array([weakest[d, t] for _, d, t in scored], dtype=int), np.ones(len(rows)))
    build.entries(rows, np.array([counted[key] for key in scored], dtype=int), -np.ones(len(rows)))
    return weakest


def score_coefficients(
    scenario: Scenario,
    counted: dict[tuple[int, int, int], int],
    weakest: dict[tuple[int, int], int],
    column_count: int,
) -> np.ndarray:
    """Z = sum_t pi_t sum_d w_d [(1 - lambda) sum_p omega_p c + lambda m], weights normalised."""
    pw, dw = readiness.shares(scenario)
    lam = scenario.settings.weakest_link
    pi = scenario.counted_periods()
    score = np.zeros(column_count)
    for (p, d, t), c in counted.items():
        score[c] = pi[t] * dw[d] * (1 - lam) * pw[p]
    for (d, t), m in weakest.items():
        score[m] = pi[t] * dw[d] * lam
    return score


def define_budgets(build: Builder, scenario: Scenario, units: UnitColumns) -> list[BudgetRow]:
    """Period budgets, type budgets and partner caps: every limit on money (Scenario.money_limits),
    each row keyed by its limit's (kind, period, name), which is how prices are joined to limits."""
    types = {kind: k for k, kind in enumerate(scenario.option_types)}
    option_type = np.array([types[o.type] for o in scenario.options], dtype=int)[units.option]
    par, _, _ = readiness.index(scenario)
    horizon = scenario.horizon
    period_row = np.full(horizon + 1, -1)
    type_row = np.full((len(types), horizon + 1), -1)
    partner_row = np.full((len(scenario.partners), horizon + 1), -1)
    rows: list[BudgetRow] = []
    planned = scenario.planned_periods()
    types_seen: dict[int, int] = defaultdict(int)  # type rows so far in each period, for their names
    for money in scenario.money_limits():
        t = money.period
        upper = money.limit if t in planned else INF  # a re-plan's past is history, not a plan to limit
        if money.kind == "period":
            row = period_row[t] = build.add_row(-INF, upper, f"budget_t{t}")
        elif money.kind == "type":
            row = type_row[types[money.name], t] = build.add_row(-INF, upper, f"type_k{types_seen[t]}_t{t}")
            types_seen[t] += 1
        else:
            p = par[money.name]
            row = partner_row[p, t] = build.add_row(-INF, upper, f"partner_p{p}_t{t}")
        rows.append(BudgetRow(money.kind, t, money.name, money.limit, int(row)))
    column = np.arange(len(units.option))
    for row in (
        period_row[units.period],
        type_row[option_type, units.period],
        partner_row[units.partner, units.period],
    ):
        capped = row >= 0
        build.entries(row[capped], column[capped], units.cost[capped])
    return rows


def define_targets(
    build: Builder, scenario: Scenario, stock: dict[tuple[int, int, int], int], elastic: bool
) -> tuple[list[tuple[Target, int]], np.ndarray]:
    """r[p, d, t] >= min_score; elastic adds a shortfall s >= 0 to each row."""
    par, dom, _ = readiness.index(scenario)
    count = len(scenario.targets) if elastic else 0
    shortfalls = build.add_columns(np.zeros(count), np.full(count, INF), [f"short_{n}" for n in range(count)])
    rows: list[tuple[Target, int]] = []
    for n, target in enumerate(scenario.targets):
        row = build.add_row(target.min_score, INF, f"target_{n}")
        r = stock[par[target.partner], dom[target.domain], target.period]
        build.entries(np.array([row]), np.array([r]), np.array([1.0]))
        if elastic:
            build.entries(np.array([row]), np.array([shortfalls[n]]), np.array([1.0]))
        rows.append((target, row))
    return rows, shortfalls


def gate_bounds(scenario: Scenario, units: UnitColumns) -> np.ndarray:
    """u-bar[o, p, t] of each unit column: the most units a binary may open (model.md).

    max_units where given, else the most period t's budget buys for p, B_t / (c_o kappa_p):
    a bound every plan keeps, never an arbitrary big number.
    """
    max_units = np.array([INF if o.max_units is None else o.max_units for o in scenario.options])
    budget = np.array([0.0] + [b.total for b in scenario.budgets])
    bound = max_units[units.option]
    open_ = np.isinf(bound)
    bound[open_] = budget[units.period[open_]] / units.cost[open_]
    return bound


def integer_units(scenario: Scenario, units: UnitColumns) -> np.ndarray:
    """The unit columns of whole options: x in {0, 1, 2, ...}."""
    whole = np.array([o.whole for o in scenario.options], dtype=bool)
    return np.flatnonzero(whole[units.option])


def labels(units: UnitColumns, unit: np.ndarray) -> list[str]:
    """o{o}_p{p}_t{t} of the given unit columns, to name what belongs to them."""
    o, p, t = (axis[unit].tolist() for axis in (units.option, units.partner, units.period))
    return [f"o{a}_p{b}_t{c}" for a, b, c in zip(o, p, t, strict=True)]


def gated_rows(
    build: Builder, units: UnitColumns, unit: np.ndarray, gate: np.ndarray, factor: np.ndarray, name: str
) -> None:
    """One row per gated unit column: x - factor * gate >= 0 for the "lot_min" rows, <= 0 for others."""
    lower, upper = (0.0, INF) if name == "lot_min" else (-INF, 0.0)
    rows = np.array(
        [build.add_row(lower, upper, f"{name}_{label}") for label in labels(units, unit)], dtype=int
    )
    build.entries(
        np.concatenate([rows, rows]),
        np.concatenate([unit, gate]),
        np.concatenate([np.ones(len(unit)), -factor]),
    )


def define_lots(build: Builder, scenario: Scenario, units: UnitColumns) -> LotColumns:
    """z[o, p, t] binary with m_o z <= x <= u-bar z: a unit column funded at all holds a whole lot."""
    lot = np.array([o.min_units for o in scenario.options], dtype=float)[units.option]
    unit = np.flatnonzero(lot > 0)
    column = build.add_columns(
        np.zeros(len(unit)), np.ones(len(unit)), [f"z_{n}" for n in labels(units, unit)]
    )
    gated_rows(build, units, unit, column, lot[unit], "lot_min")
    gated_rows(build, units, unit, column, gate_bounds(scenario, units)[unit], "lot_max")
    return LotColumns(unit, column)


def define_setups(
    build: Builder, scenario: Scenario, units: UnitColumns, budget_rows: Sequence[BudgetRow]
) -> SetupColumns:
    """y[o, t] binary with x[o, p, t] <= u-bar y for every p: units of o in t only if o is held.

    F_o y is money of period t: it enters the period budget and the budget of o's type,
    never a partner cap (it is spent on no single partner). An option gets a y only in
    the periods where it has unit columns.
    """
    cost = np.array([o.setup_cost for o in scenario.options], dtype=float)
    unit = np.flatnonzero(cost[units.option] > 0)
    pairs, gate = np.unique(
        np.stack([units.option[unit], units.period[unit]], axis=1), axis=0, return_inverse=True
    )
    option, period = pairs[:, 0], pairs[:, 1]
    column = build.add_columns(
        np.zeros(len(pairs)), np.ones(len(pairs)), [f"y_o{o}_t{t}" for o, t in pairs.tolist()]
    )
    gated_rows(build, units, unit, column[gate.ravel()], gate_bounds(scenario, units)[unit], "held")
    types = np.array([o.type for o in scenario.options], dtype=object)
    for budget in budget_rows:
        if budget.kind == "partner":
            continue
        mine = (period == budget.period) & ((budget.kind == "period") | (types[option] == budget.name))
        build.entries(np.full(int(mine.sum()), budget.row), column[mine], cost[option[mine]])
    return SetupColumns(option, period, cost[option], column)


def setups_held(model: Model, values: np.ndarray) -> list[HeldSetup]:
    """Which options a solved plan holds in which period, and at what set-up money (y > 0)."""
    levels = values[model.setups.column]
    integer = model.integrality[model.setups.column] == 1
    levels = np.where(integer, np.round(levels), np.clip(levels, 0.0, 1.0))
    return [
        HeldSetup(o, t, level, f * level)
        for o, t, f, level in zip(
            model.setups.option.tolist(),
            model.setups.period.tolist(),
            model.setups.cost.tolist(),
            levels.tolist(),
            strict=True,
        )
        if level > 1e-9
    ]


def build(
    scenario: Scenario, elastic: bool = False, committed: np.ndarray | None = None, reduced: bool = True
) -> Model:
    """Phase 1 (maximise the score), or with `elastic` the least-total-shortfall problem.

    `committed[o, p, t]` holds units already committed: kept as minimums. `reduced=False`
    builds model.md's LP literally, every variable in every period: the reference that
    tests hold the reductions to.
    """
    builder = Builder()
    units = define_units(builder, scenario, committed, reduced)
    stock = define_readiness(builder, scenario, units, reduced)
    counted = define_counted(builder, scenario, stock)
    weakest = define_weakest(builder, scenario, counted)
    budget_rows = define_budgets(builder, scenario, units)
    target_rows, shortfalls = define_targets(builder, scenario, stock, elastic)
    lots = define_lots(builder, scenario, units)
    setups = define_setups(builder, scenario, units, budget_rows)
    pairwise = pair_terms.define_pairs(builder, scenario, units, reduced)
    columns = builder.columns
    score = pair_terms.blended_score(
        scenario, score_coefficients(scenario, counted, weakest, columns), pairwise
    )
    spend = np.zeros(columns)
    spend[: len(units.cost)] = units.cost
    spend[setups.column] = setups.cost
    integrality = np.zeros(columns, dtype=np.int32)
    integrality[np.concatenate([integer_units(scenario, units), lots.column, setups.column])] = 1
    objective = np.zeros(columns)
    objective[shortfalls] = 1.0
    row_start, row_index, row_value = builder.matrix()
    return Model(
        maximise=not elastic,
        objective=objective if elastic else score,
        col_lower=np.concatenate(builder.lower),
        col_upper=np.concatenate(builder.upper),
        row_lower=np.array(builder.row_lower, dtype=float),
        row_upper=np.array(builder.row_upper, dtype=float),
        row_start=row_start,
        row_index=row_index,
        row_value=row_value,
        row_names=tuple(builder.row_names),
        other_names=tuple(builder.names),
        units=units,
        score=score,
        spend=spend,
        budget_rows=tuple(budget_rows),
        target_rows=tuple(target_rows),
        shortfalls=shortfalls.astype(np.int32),
        integrality=integrality,
        lots=lots,
        setups=setups,
    )


def score_floor(best_score: float, unit: float = 1.0) -> float:
    """Z* - eps, the least score phase 2 may keep (model.md: eps = 1e-7 * max(1, |Z*|), with 1
    read as `unit`, the LP's readiness factor (lp.scaling): eps does not depend on units)."""
    return best_score - 1e-7 * max(unit, abs(best_score))


def least_money(model: Model, best_score: float) -> Model:
    """Phase 2 from phase 1: least spend with Z >= Z* - eps (model.md), as one row more."""
    scored = np.flatnonzero(model.score).astype(np.int32)
    return replace(
        model,
        maximise=False,
        objective=model.spend,
        row_lower=np.append(model.row_lower, score_floor(best_score, scaling(model).readiness)),
        row_upper=np.append(model.row_upper, INF),
        row_start=np.append(model.row_start, model.row_start[-1] + len(scored)).astype(np.int32),
        row_index=np.concatenate([model.row_index, scored]),
        row_value=np.concatenate([model.row_value, model.score[scored]]),
        row_names=(*model.row_names, "phase2_score"),
    )
