"""Studies of what the plan depends on: parametric sweeps, tornado, Monte Carlo.

Scenario helpers derive variants without touching files (`scale_budgets`,
`with_period_budget`, `with_setting`, ...). A sweep PARAM names one number of
the scenario (see PARAMS); `apply_param(scenario, param, value)` gives the
variant with that number set, and every study solves variants exactly as
`solve` does: best score, then least money (shared/model.md).

Budget sweeps re-solve warm: the LP is built once, and each level changes the
budget rows' bounds inside HiGHS's own model and runs again from the last
basis; phase 2 (least money) runs on a second HiGHS model from the level's
phase-1 basis. A warm run that stalls past its time limit falls back to a cold
`solve`. Other parameters change the matrix or the objective: each variant is
built and solved cold, in parallel when `workers > 1` or with a Dask
`scheduler`. Monte Carlo draws are always solved cold, one draw per solve, so
that their numbers do not depend on how draws are split between workers.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np
import pandas as pd

from . import model as lp
from . import readiness
from .errors import ParamError
from .parallel import ProgressArg, chunks, default_workers, map_tasks, progress_reporter, scheduler_address
from .results import Solution, units_array
from .scenario import Effect, Scenario
from .solver import Run, WarmLP, optimise, run, run_within, to_highs, units_of
from .solver import solve as solve_scenario

# ---------------------------------------------------------------------------------------------------------
# Scenario helpers


def scale_budgets(scenario: Scenario, factor: float, types: bool = True) -> Scenario:
    """Every period budget (and, with `types`, every type budget) times `factor`; partner caps unchanged."""
    _check_number("budget factor", factor, low=0.0)
    budgets = tuple(
        replace(
            b,
            total=b.total * factor,
            by_type=MappingProxyType({k: v * factor for k, v in b.by_type.items()}) if types else b.by_type,
        )
        for b in scenario.budgets
    )
    return replace(scenario, budgets=budgets)


def with_period_budget(scenario: Scenario, period: int, amount: float) -> Scenario:
    """Period `period`'s total budget set to `amount`."""
    _check_number(f"budget of period {period}", amount, low=0.0)
    _check_choice("period", period, list(scenario.periods))
    budgets = tuple(replace(b, total=float(amount)) if b.period == period else b for b in scenario.budgets)
    return replace(scenario, budgets=budgets)


def with_type_budget(scenario: Scenario, kind: str, amount: float, period: int) -> Scenario:
    """The budget for options of type `kind` in `period` set to `amount` (a cap where there was none)."""
    _check_number(f"{kind} budget of period {period}", amount, low=0.0)
    _check_choice("option type", kind, list(scenario.option_types))
    _check_choice("period", period, list(scenario.periods))
    budgets = tuple(
        replace(b, by_type=MappingProxyType({**b.by_type, kind: float(amount)})) if b.period == period else b
        for b in scenario.budgets
    )
    return replace(scenario, budgets=budgets)


def scale_type_budget(scenario: Scenario, kind: str, factor: float) -> Scenario:
    """The budget for options of type `kind` times `factor` in every period where it is set."""
    _check_number(f"{kind} budget factor", factor, low=0.0)
    _check_choice("option type with a budget", kind, _budgeted_types(scenario))
    budgets = tuple(
        replace(b, by_type=MappingProxyType({**b.by_type, kind: b.by_type[kind] * factor}))
        if kind in b.by_type
        else b
        for b in scenario.budgets
    )
    return replace(scenario, budgets=budgets)


def with_setting(scenario: Scenario, **changes: object) -> Scenario:
    """Settings changed by name, e.g. with_setting(s, weakest_link=0.5)."""
    known = set(scenario.settings.__dataclass_fields__)
    for name in changes:
        _check_choice("setting", name, sorted(known))
    if "weakest_link" in changes:
        _check_number("weakest_link", changes["weakest_link"], low=0.0, high=1.0)
    return scenario.with_settings(**changes)


def with_domain_weight(scenario: Scenario, domain: str, weight: float) -> Scenario:
    """Domain `domain`'s weight in the score set to `weight` (the weights must keep a positive sum)."""
    _check_number(f"weight of domain {domain}", weight, low=0.0)
    _check_choice("domain", domain, [d.id for d in scenario.domains])
    domains = tuple(replace(d, weight=float(weight)) if d.id == domain else d for d in scenario.domains)
    if sum(d.weight for d in domains) <= 0:
        raise ParamError(f"the domain weights must keep a positive sum; {domain} = {weight:g} leaves 0")
    return replace(scenario, domains=domains)


def with_unit_cost(scenario: Scenario, option: str, cost: float) -> Scenario:
    """Option `option`'s unit cost set to `cost` (> 0)."""
    _check_number(f"unit cost of {option}", cost, low=0.0, strict=True)
    _check_choice("option", option, [o.id for o in scenario.options])
    options = tuple(replace(o, unit_cost=float(cost)) if o.id == option else o for o in scenario.options)
    return replace(scenario, options=options)


def scale_gains(scenario: Scenario, option: str, factor: float) -> Scenario:
    """Every gain of option `option` (and its gain_low / gain_high) times `factor`."""
    _check_number(f"gain factor of {option}", factor, low=0.0)
    _check_choice("option", option, [o.id for o in scenario.options])

    def scaled(e: Effect) -> Effect:
        if e.option != option:
            return e
        return replace(
            e,
            gain=e.gain * factor,
            gain_low=None if e.gain_low is None else e.gain_low * factor,
            gain_high=None if e.gain_high is None else e.gain_high * factor,
        )

    return replace(scenario, effects=tuple(scaled(e) for e in scenario.effects))


def with_effectiveness(scenario: Scenario, partner: str, effectiveness: float) -> Scenario:
    """Partner `partner`'s effectiveness (multiplier of every gain for it) set to `effectiveness`."""
    _check_number(f"effectiveness of {partner}", effectiveness, low=0.0)
    _check_choice("partner", partner, [p.id for p in scenario.partners])
    partners = tuple(
        replace(p, effectiveness=float(effectiveness)) if p.id == partner else p for p in scenario.partners
    )
    return replace(scenario, partners=partners)


def without_option(scenario: Scenario, option: str) -> Scenario:
    """The scenario with option `option` removed (it is never funded)."""
    _check_choice("option", option, [o.id for o in scenario.options])
    return replace(
        scenario,
        options=tuple(o for o in scenario.options if o.id != option),
        effects=tuple(e for e in scenario.effects if e.option != option),
    )


def fix_option(
    option: str, partner: str, period: int, units: float, keep: pd.DataFrame | None = None
) -> pd.DataFrame:
    """A commitment table for `solve(scenario, keep=...)`: `units` of `option` for `partner` in `period`
    are committed (kept as a minimum), added to `keep` if given. solve checks the names."""
    _check_number("committed units", units, low=0.0)
    row = pd.DataFrame({"option": [option], "partner": [partner], "period": [int(period)], "units": [units]})
    return row if keep is None or keep.empty else pd.concat([keep, row], ignore_index=True)


def with_gains(scenario: Scenario, gains: Sequence[float]) -> Scenario:
    """Every effect's gain replaced, in the order of scenario.effects (Monte Carlo draws)."""
    if len(gains) != len(scenario.effects):
        raise ValueError(f"expected {len(scenario.effects)} gains, got {len(gains)}")
    effects = tuple(replace(e, gain=float(g)) for e, g in zip(scenario.effects, gains, strict=True))
    return replace(scenario, effects=effects)


def _budgeted_types(scenario: Scenario) -> list[str]:
    return list(dict.fromkeys(k for b in scenario.budgets for k in b.by_type))


# ---------------------------------------------------------------------------------------------------------
# PARAM grammar

PARAMS: dict[str, str] = {
    "budget_scale": "multiplier of every period budget and type budget (partner caps unchanged)",
    "budget:<period>": "total budget of that period (an amount)",
    "type_budget:<type>": "multiplier of that type's budget in every period where it is set",
    "type_budget:<type>:<period>": "budget of that type in that period (an amount)",
    "weakest_link": "weakest-link emphasis lambda, in [0, 1]",
    "domain_weight:<domain>": "weight of that domain in the score (>= 0)",
    "unit_cost:<option>": "cost of one unit of that option (> 0)",
    "gain_scale:<option>": "multiplier of every gain of that option (>= 0)",
    "effectiveness:<partner>": "that partner's effectiveness, multiplier of its gains (>= 0)",
}
BUDGET_KINDS = ("budget_scale", "budget", "type_budget")


@dataclass(frozen=True)
class Param:
    """A parsed PARAM: kind (the part before the first ':'), target id, optional period."""

    text: str
    kind: str
    target: str = ""
    period: int | None = None

    @property
    def budget_only(self) -> bool:
        """Changes only budget right-hand sides: sweeps re-solve it warm."""
        return self.kind in BUDGET_KINDS


def param_help() -> str:
    return "\n".join(f"  {name:<30} {text}" for name, text in PARAMS.items())


def parse_param(scenario: Scenario, text: str) -> Param:
    """Read a PARAM (see PARAMS) and check that what it names exists in `scenario`."""
    parts = [p.strip() for p in str(text).strip().split(":")]
    kind, args = parts[0], parts[1:]
    arity = {
        "budget_scale": (0,),
        "weakest_link": (0,),
        "budget": (1,),
        "type_budget": (1, 2),
        "domain_weight": (1,),
        "unit_cost": (1,),
        "gain_scale": (1,),
        "effectiveness": (1,),
    }
    if kind == "gain":
        raise ParamError(f"unknown PARAM '{text}': use gain_scale:<option> (a multiplier of its gains)")
    if kind not in arity:
        raise ParamError(f"unknown PARAM '{text}'; valid PARAMs:\n{param_help()}")
    if len(args) not in arity[kind] or any(not a for a in args):
        forms = [name for name in PARAMS if name.split(":")[0] == kind]
        raise ParamError(f"PARAM '{text}' is malformed: expected {' or '.join(forms)}")
    if kind in ("budget_scale", "weakest_link"):
        return Param(text, kind)
    if kind == "budget":
        return Param(text, kind, period=_period(scenario, args[0], text))
    if kind == "type_budget":
        if len(args) == 2:
            _check_choice("option type", args[0], list(scenario.option_types), text)
            return Param(text, kind, args[0], _period(scenario, args[1], text))
        _check_choice("option type with a budget", args[0], _budgeted_types(scenario), text)
        return Param(text, kind, args[0])
    choices = {
        "domain_weight": ("domain", [d.id for d in scenario.domains]),
        "unit_cost": ("option", [o.id for o in scenario.options]),
        "gain_scale": ("option", [o.id for o in scenario.options]),
        "effectiveness": ("partner", [p.id for p in scenario.partners]),
    }[kind]
    _check_choice(choices[0], args[0], choices[1], text)
    return Param(text, kind, args[0])


def _period(scenario: Scenario, text: str, param: str) -> int:
    try:
        period = int(text)
    except ValueError:
        period = -1
    if period not in scenario.periods:
        raise ParamError(
            f"PARAM '{param}': no period '{text}'; periods are 1 to {scenario.horizon}"
        ) from None
    return period


def parse_values(text: str | Iterable[float]) -> tuple[float, ...]:
    """VALUES: a comma list ('0.5,1,1.5') or START:STOP:N (N evenly spaced values, both ends included)."""
    if not isinstance(text, str):
        values = tuple(float(v) for v in text)
    elif ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise ParamError(f"VALUES '{text}': expected START:STOP:N, e.g. 0.5:1.5:11")
        try:
            start, stop = float(parts[0]), float(parts[1])
            count = int(parts[2])
        except ValueError:
            raise ParamError(
                f"VALUES '{text}': START and STOP must be numbers and N a whole number, e.g. 0.5:1.5:11"
            ) from None
        if count < 1:
            raise ParamError(f"VALUES '{text}': N must be at least 1")
        values = tuple(float(v) for v in np.linspace(start, stop, count))
    else:
        try:
            values = tuple(float(v) for v in text.split(",") if v.strip())
        except ValueError:
            raise ParamError(
                f"VALUES '{text}': expected numbers separated by commas, or START:STOP:N"
            ) from None
    if not values:
        raise ParamError("VALUES: give at least one value")
    if not all(math.isfinite(v) for v in values):
        raise ParamError(f"VALUES: every value must be a finite number, got {list(values)}")
    return values


def apply_param(scenario: Scenario, param: Param | str, value: float) -> Scenario:
    """The variant of `scenario` with PARAM set to `value`; ParamError for a value out of range."""
    p = parse_param(scenario, param) if isinstance(param, str) else param
    try:
        match p.kind:
            case "budget_scale":
                return scale_budgets(scenario, value)
            case "budget":
                return with_period_budget(scenario, p.period, value)
            case "type_budget" if p.period is None:
                return scale_type_budget(scenario, p.target, value)
            case "type_budget":
                return with_type_budget(scenario, p.target, value, p.period)
            case "weakest_link":
                return with_setting(scenario, weakest_link=float(value))
            case "domain_weight":
                return with_domain_weight(scenario, p.target, value)
            case "unit_cost":
                return with_unit_cost(scenario, p.target, value)
            case "gain_scale":
                return scale_gains(scenario, p.target, value)
            case "effectiveness":
                return with_effectiveness(scenario, p.target, value)
    except ParamError as error:
        raise ParamError(f"PARAM '{p.text}' = {value:g}: {error}") from None
    raise ParamError(f"unknown PARAM '{p.text}'")  # pragma: no cover - parse_param rejects it first


def current_value(scenario: Scenario, param: Param | str) -> float:
    """The scenario's own value of PARAM (1 for the multipliers)."""
    p = parse_param(scenario, param) if isinstance(param, str) else param
    match p.kind:
        case "budget":
            return scenario.budgets[p.period - 1].total
        case "type_budget" if p.period is not None:
            return scenario.budgets[p.period - 1].by_type.get(p.target, math.inf)
        case "weakest_link":
            return scenario.settings.weakest_link
        case "domain_weight":
            return next(d.weight for d in scenario.domains if d.id == p.target)
        case "unit_cost":
            return next(o.unit_cost for o in scenario.options if o.id == p.target)
        case "effectiveness":
            return next(x.effectiveness for x in scenario.partners if x.id == p.target)
    return 1.0


def _check_number(
    what: str, value: object, low: float | None = None, high: float | None = None, strict: bool = False
) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ParamError(f"{what} must be a finite number, got {value!r}")
    if low is not None and (value <= low if strict else value < low):
        raise ParamError(f"{what} must be {'>' if strict else '>='} {low:g}, got {value:g}")
    if high is not None and value > high:
        raise ParamError(f"{what} must be <= {high:g}, got {value:g}")


def _check_choice(what: str, value: object, choices: list, param: str | None = None) -> None:
    if value not in choices:
        head = f"PARAM '{param}': " if param else ""
        shown = ", ".join(str(c) for c in choices[:30]) + (", ..." if len(choices) > 30 else "")
        raise ParamError(f"{head}no {what} '{value}'; choose one of: {shown or '(none in this scenario)'}")


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

    With HiGHS each variant is re-solved warm (in `workers` contiguous chunks, each
    warm within itself): budget PARAMs by moving row bounds, others through
    solver.WarmLP; CBC or warm=False solve each variant cold.
    `warm_limit` caps each warm run (default max(2 s, 10x the first solve)) before
    a cold fallback. Raises ParamError (a ValueError) for a bad PARAM or value.
    """
    started = time.perf_counter()
    p = parse_param(scenario, param) if isinstance(param, str) else param
    levels = parse_values(values)
    variants = [apply_param(scenario, p, v) for v in levels]  # every value checked before any solve
    workers = default_workers() if workers is None else workers
    use_warm = warm and solver == "highs"
    # budgets only move row bounds, changed in place; any other PARAM goes through WarmLP
    warm_task = warm_budget_points if p.budget_only else warm_points
    with progress_reporter(progress, len(variants), f"sweep {p.text}") as advance:
        if use_warm:
            remote = scheduler_address(scheduler) is not None
            parts = chunks(len(variants), 1 if (workers <= 1 and not remote) else max(workers, 2))
            if len(parts) == 1 and not remote:
                points = warm_task((scenario, variants, time_limit, warm_limit), advance)
            else:
                tasks = [(scenario, [variants[i] for i in part], time_limit, warm_limit) for part in parts]
                weights = [len(part) for part in parts]
                per_part = map_tasks(warm_task, tasks, workers, scheduler, advance, weights)
                points = [point for part in per_part for point in part]
        else:
            tasks = [(v, solver, time_limit) for v in variants]
            points = map_tasks(cold_point, tasks, workers, scheduler, advance)
    return _sweep_result(p, levels, variants, points, current_value(scenario, p), use_warm, started)


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
        money = _unit_money(variant)
        total_budget = float(sum(b.total for b in variant.budgets))
        if point.units is None:
            rows.append((value, point.status, math.nan, math.nan, total_budget, point.method))
            continue
        spend = point.units * money[:, :, None]
        rows.append((value, point.status, point.score, float(spend.sum()), total_budget, point.method))
        for t in variant.periods:
            by_period.append((value, t, float(spend[:, :, t - 1].sum())))
        for o, option in enumerate(variant.options):
            by_option.append(
                (value, option.id, option.type, float(point.units[o].sum()), float(spend[o].sum()))
            )
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


def _unit_money(scenario: Scenario) -> np.ndarray:
    """money[o, p]: cost of one unit of option o for partner p (c_o * kappa_p)."""
    cost = np.array([o.unit_cost for o in scenario.options], dtype=float)
    factor = np.array([p.cost_factor for p in scenario.partners], dtype=float)
    return cost[:, None] * factor[None, :]


# ---------------------------------------------------------------------------------------------------------
# Tornado

TORNADO_COLUMNS = [
    "group",
    "param",
    "name",
    "base_value",
    "low_value",
    "high_value",
    "score_low",
    "score_high",
    "swing",
    "status_low",
    "status_high",
]


@dataclass(frozen=True)
class TornadoResult:
    """One-at-a-time sensitivity of the optimal score.

    - table: group (budget | unit_cost | gain | domain_weight | effectiveness | weakest_link), param
      (a sweep PARAM), name, base_value, low_value / high_value (the parameter down and up by delta),
      score_low / score_high (optimal scores there; NaN without a plan), swing = |score_high -
      score_low|, status_low / status_high; sorted by swing, largest first, rows where a side has
      no plan (infeasible) first of all
    """

    base_score: float
    delta: float
    table: pd.DataFrame
    seconds: float


def tornado_params(scenario: Scenario) -> list[tuple[str, str, str]]:
    """(group, PARAM, name) of every parameter group tornado moves."""
    out = [("budget", f"budget:{t}", f"period {t} budget") for t in scenario.periods]
    for o in scenario.options:
        out.append(("unit_cost", f"unit_cost:{o.id}", o.id))
        out.append(("gain", f"gain_scale:{o.id}", o.id))
    out += [("domain_weight", f"domain_weight:{d.id}", d.id) for d in scenario.domains]
    out += [("effectiveness", f"effectiveness:{p.id}", p.id) for p in scenario.partners]
    out.append(("weakest_link", "weakest_link", "weakest link"))
    return out


def tornado(
    scenario: Scenario,
    delta: float = 0.2,
    solver: str = "highs",
    workers: int | None = None,
    scheduler: str | None = None,
    time_limit: float | None = None,
    progress: ProgressArg = None,
) -> TornadoResult:
    """Each parameter group (tornado_params) down and up by `delta` (a fraction: 0.2 = 20 %), one at a time.

    Multipliers (gain) go to 1 -/+ delta; amounts to value * (1 -/+ delta); weakest_link is
    clipped to [0, 1]. Scores are phase-1 optima.
    """
    started = time.perf_counter()
    _check_number("delta", delta, low=0.0, strict=True)
    if delta >= 1:
        raise ParamError(f"delta must be below 1 (a fraction: 0.2 = 20 %), got {delta:g}")
    groups = tornado_params(scenario)
    cases: list[tuple[str, str, str, float, float, float]] = []
    variants: list[Scenario] = []
    for group, param, name in groups:
        p = parse_param(scenario, param)
        base = current_value(scenario, p)
        low, high = base * (1 - delta), base * (1 + delta)
        if p.kind == "weakest_link":
            low, high = max(0.0, low), min(1.0, high)
        cases.append((group, param, name, base, low, high))
        variants += [apply_param(scenario, p, low), apply_param(scenario, p, high)]
    everything = [scenario, *variants]
    workers = default_workers() if workers is None else workers
    with progress_reporter(progress, len(everything), "tornado") as advance:
        if solver == "highs" and workers <= 1 and scheduler_address(scheduler) is None:
            results = warm_phase1_scores((scenario, everything, time_limit, None), advance)
        elif solver == "highs":  # warm in chunks, a few per worker so that progress moves
            parts = chunks(len(everything), 4 * max(workers, 2))
            tasks = [(scenario, everything[r.start : r.stop], time_limit, None) for r in parts]
            weights = [len(r) for r in parts]
            per_part = map_tasks(warm_phase1_scores, tasks, workers, scheduler, advance, weights)
            results = [score for part in per_part for score in part]
        else:
            tasks = [(v, solver, time_limit) for v in everything]
            results = map_tasks(phase1_score, tasks, workers, scheduler, advance)
    (_, base_score), results = results[0], results[1:]
    records = []
    for n, (group, param, name, base, low, high) in enumerate(cases):
        (status_low, score_low), (status_high, score_high) = results[2 * n], results[2 * n + 1]
        swing = abs(score_high - score_low)
        records.append(
            (group, param, name, base, low, high, score_low, score_high, swing, status_low, status_high)
        )
    table = pd.DataFrame.from_records(records, columns=TORNADO_COLUMNS)
    order = table.assign(_no_plan=table["score_low"].isna() | table["score_high"].isna()).sort_values(
        ["_no_plan", "swing"], ascending=[False, False], kind="stable"
    )
    return TornadoResult(
        base_score=base_score,
        delta=float(delta),
        table=table.loc[order.index].reset_index(drop=True),
        seconds=time.perf_counter() - started,
    )


# ---------------------------------------------------------------------------------------------------------
# Monte Carlo


class NoBasePlanError(Exception):
    """Monte Carlo needs a base plan; `solution` is the base case's (infeasible or stopped) solve."""

    def __init__(self, solution: Solution) -> None:
        self.solution = solution
        super().__init__(f"the base scenario has no plan ({solution.status}): {solution.message}")


@dataclass(frozen=True)
class MonteCarloResult:
    """Robustness of the plan to uncertain gains, triangular(gain_low, gain, gain_high) per effect.

    - draws: draw, status, optimal_score (of the re-optimised plan), base_plan_score (the base
      case's plan evaluated under the drawn gains, no LP), regret = optimal - base_plan
    - percentiles: statistic (mean, std, min, p5, p25, p50, p75, p95, max), optimal_score,
      base_plan_score (over draws with a plan)
    - options: option, type, probability_funded (share of optimal plans that fund it at all),
      funded_in_base
    - targets: partner, domain, period, min_score, probability_met (by the base plan)
    """

    n: int
    seed: int
    base_score: float
    uncertain_effects: int
    draws: pd.DataFrame
    percentiles: pd.DataFrame
    options: pd.DataFrame
    targets: pd.DataFrame
    seconds: float
    message: str = ""

    @property
    def optimal_scores(self) -> np.ndarray:
        return self.draws["optimal_score"].to_numpy()

    @property
    def base_plan_scores(self) -> np.ndarray:
        return self.draws["base_plan_score"].to_numpy()


def triangular_bounds(scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(low, mode, high) of every effect's gain; a blank low or high is the gain itself."""
    mode = np.array([e.gain for e in scenario.effects], dtype=float)
    left = np.array([e.gain if e.gain_low is None else min(e.gain_low, e.gain) for e in scenario.effects])
    right = np.array([e.gain if e.gain_high is None else max(e.gain_high, e.gain) for e in scenario.effects])
    return left.reshape(mode.shape), mode, right.reshape(mode.shape)


def draw_gains(scenario: Scenario, n: int, seed: int) -> np.ndarray:
    """gains[i, e]: draw i of every effect's gain; effect e with gain_low < gain_high is triangular.

    Draw i uses its own stream, SeedSequence(seed).spawn(...)[i], so it does not depend on n,
    on how draws are chunked, or on the number of workers.
    """
    left, mode, right = triangular_bounds(scenario)
    uncertain = right > left
    gains = np.tile(mode, (n, 1))
    for i, child in enumerate(np.random.SeedSequence(seed).spawn(n)):
        rng = np.random.default_rng(child)
        gains[i, uncertain] = rng.triangular(left[uncertain], mode[uncertain], right[uncertain])
    return gains


def monte_carlo_draws(
    task: tuple[Scenario, np.ndarray, list[int], np.ndarray, str, float | None],
) -> list[tuple[int, str, float, float, np.ndarray, np.ndarray]]:
    """Solve and evaluate a chunk of draws: (draw, status, optimal score, base plan score,
    funded[option], target met[target]) for each."""
    scenario, base_units, indices, gains, solver, time_limit = task
    par, dom, _ = readiness.index(scenario)
    draws = [with_gains(scenario, g) for g in gains]
    if solver == "highs":  # the draws change gains only: warm from the base's optimum
        points = warm_points((scenario, draws, time_limit, None))
    else:
        points = [cold_point((drawn, solver, time_limit)) for drawn in draws]
    out = []
    for i, drawn, point in zip(indices, draws, points, strict=True):
        funded = (
            np.zeros(len(scenario.options), dtype=bool)
            if point.units is None
            else point.units.sum(axis=(1, 2)) > 1e-9
        )
        raw = readiness.raw_readiness(drawn, base_units)
        base_score = readiness.score(drawn, readiness.capped(drawn, raw))
        met = np.array(
            [
                raw[par[t.partner], dom[t.domain], t.period - 1] >= t.min_score - 1e-6 * max(1.0, t.min_score)
                for t in scenario.targets
            ],
            dtype=bool,
        )
        out.append((i, point.status, point.score, base_score, funded, met))
    return out


def monte_carlo(
    scenario: Scenario,
    n: int = 1000,
    seed: int = 0,
    solver: str = "highs",
    workers: int | None = None,
    scheduler: str | None = None,
    time_limit: float | None = None,
    progress: ProgressArg = None,
    chunk_size: int | None = None,
) -> MonteCarloResult:
    """Draw gains n times; for each draw the optimal score and the score the base plan really reaches.

    The same seed gives the same numbers whatever `workers`, `scheduler` or `chunk_size`.
    """
    started = time.perf_counter()
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ParamError(f"n must be a whole number of draws >= 1, got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ParamError(f"seed must be a whole number >= 0, got {seed!r}")
    base = solve_scenario(scenario, solver=solver, time_limit=time_limit)
    if not base.has_plan:
        raise NoBasePlanError(base)
    base_units = units_array(scenario, base.allocation)
    gains = draw_gains(scenario, n, seed)
    workers = default_workers() if workers is None else workers
    remote = scheduler_address(scheduler) is not None
    if chunk_size is None:
        slots = 1 if (workers <= 1 and not remote) else 4 * max(workers, 2)
        chunk_size = max(1, min(25, math.ceil(n / slots)))
    parts = [range(s, min(n, s + chunk_size)) for s in range(0, n, chunk_size)]
    tasks = [(scenario, base_units, list(r), gains[r.start : r.stop], solver, time_limit) for r in parts]
    with progress_reporter(progress, n, "monte carlo") as advance:
        chunked = map_tasks(monte_carlo_draws, tasks, workers, scheduler, advance, [len(r) for r in parts])
    rows = sorted((r for part in chunked for r in part), key=lambda r: r[0])
    return _monte_carlo_result(scenario, base, base_units, gains, rows, n, seed, started)


def _monte_carlo_result(
    scenario: Scenario,
    base: Solution,
    base_units: np.ndarray,
    gains: np.ndarray,
    rows: list[tuple[int, str, float, float, np.ndarray, np.ndarray]],
    n: int,
    seed: int,
    started: float,
) -> MonteCarloResult:
    draws = pd.DataFrame(
        {
            "draw": [r[0] for r in rows],
            "status": [r[1] for r in rows],
            "optimal_score": np.array([r[2] for r in rows], dtype=float),
            "base_plan_score": np.array([r[3] for r in rows], dtype=float),
        }
    )
    draws["regret"] = draws["optimal_score"] - draws["base_plan_score"]
    stats = ["mean", "std", "min", "p5", "p25", "p50", "p75", "p95", "max"]

    def summary(x: np.ndarray) -> list[float]:
        x = x[~np.isnan(x)]
        if not len(x):
            return [math.nan] * len(stats)
        q = np.percentile(x, [5, 25, 50, 75, 95])
        return [
            float(x.mean()),
            float(x.std(ddof=1)) if len(x) > 1 else 0.0,
            float(x.min()),
            *q,
            float(x.max()),
        ]

    percentiles = pd.DataFrame(
        {
            "statistic": stats,
            "optimal_score": summary(draws["optimal_score"].to_numpy()),
            "base_plan_score": summary(draws["base_plan_score"].to_numpy()),
        }
    )
    solved = [r for r in rows if not math.isnan(r[2])]
    funded = np.array([r[4] for r in solved]) if solved else np.zeros((0, len(scenario.options)), dtype=bool)
    funded_base = base_units.sum(axis=(1, 2)) > 1e-9
    options = pd.DataFrame(
        {
            "option": [o.id for o in scenario.options],
            "type": [o.type for o in scenario.options],
            "probability_funded": funded.mean(axis=0)
            if len(solved)
            else np.full(len(scenario.options), np.nan),
            "funded_in_base": funded_base,
        }
    )
    met = np.array([r[5] for r in rows]).reshape(len(rows), len(scenario.targets))
    targets = pd.DataFrame(
        {
            "partner": [t.partner for t in scenario.targets],
            "domain": [t.domain for t in scenario.targets],
            "period": [t.period for t in scenario.targets],
            "min_score": [t.min_score for t in scenario.targets],
            "probability_met": met.mean(axis=0) if len(rows) else [],
        }
    )
    low, _, high = triangular_bounds(scenario)
    uncertain = int((high > low).sum())
    no_plan = int(draws["optimal_score"].isna().sum())
    message = "" if uncertain else "no effect has gain_low / gain_high: every draw equals the base case"
    if no_plan:
        message = (message + "; " if message else "") + f"{no_plan} draw(s) had no optimal plan"
    return MonteCarloResult(
        n=n,
        seed=seed,
        base_score=float(base.score),
        uncertain_effects=uncertain,
        draws=draws,
        percentiles=percentiles,
        options=options,
        targets=targets,
        seconds=time.perf_counter() - started,
        message=message,
    )


__all__ = [
    "PARAMS",
    "MonteCarloResult",
    "NoBasePlanError",
    "Param",
    "ParamError",
    "SweepResult",
    "TornadoResult",
    "apply_param",
    "draw_gains",
    "fix_option",
    "monte_carlo",
    "parse_param",
    "parse_values",
    "scale_budgets",
    "scale_gains",
    "scale_type_budget",
    "sweep",
    "tornado",
    "with_domain_weight",
    "with_effectiveness",
    "with_gains",
    "with_period_budget",
    "with_setting",
    "with_type_budget",
    "with_unit_cost",
    "without_option",
]
