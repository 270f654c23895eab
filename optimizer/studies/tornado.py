"""Tornado: each number of the scenario moved down and up on its own.

Facts (budgets, unit costs, gains, effectiveness) change what can be achieved: they are ranked by
the swing of the optimal score. Value judgements (weakest_link, domain and partner weights) change
the yardstick the score is measured with, so their scores are on other scales and a swing says
nothing beside a budget's: they are ranked by how much the plan changes, the money moved from the
base plan to each variant's plan (replan.money_moved, model.md's sum of c_o k_p |x - x_base|).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParamError
from ..lp.solve import solve as solve_scenario
from ..lp.solvers import solver as solver_entry
from ..results import Solution, units_array
from ..scenario import Scenario
from . import parallel
from .parallel import ProgressArg
from .replan import money_moved
from .variants import apply_param, check_number, current_value, parse_param
from .warm import Point, WarmStart, cold_point, integer_points, phase1_score, warm_phase1_scores, warm_points
from .warm import warm_start as warm_start_of

# ---------------------------------------------------------------------------------------------------------
# Tornado

FACT, VALUE_JUDGEMENT = "fact", "value judgement"
VALUE_JUDGEMENT_GROUPS = ("domain_weight", "partner_weight", "weakest_link")

TORNADO_COLUMNS = [
    "kind",
    "group",
    "param",
    "name",
    "base_value",
    "low_value",
    "high_value",
    "score_low",
    "score_high",
    "swing",
    "moved_low",
    "moved_high",
    "money_moved",
    "status_low",
    "status_high",
]


@dataclass(frozen=True)
class TornadoResult:
    """One-at-a-time sensitivity: of the optimal score to facts, of the plan to value judgements.

    - table: kind (fact | value judgement), group (budget | unit_cost | gain | effectiveness |
      domain_weight | partner_weight | weakest_link), param (a sweep PARAM), name, base_value,
      low_value / high_value (the parameter down and up by delta), score_low / score_high
      (optimal scores there; NaN without a plan), swing = |score_high - score_low|, moved_low /
      moved_high (a value judgement's money moved from the base plan to that side's plan; NaN for
      a fact or without a plan), money_moved (the larger side), status_low / status_high.
      Facts first, by swing, largest first; then value judgements, by money moved; within each,
      rows where a side has no plan (infeasible) first of all.
    """

    base_score: float
    delta: float
    table: pd.DataFrame
    seconds: float
    base: Solution | None = field(default=None, compare=False, repr=False)  # the base case as solved

    @property
    def facts(self) -> pd.DataFrame:
        """The facts' rows, largest score swing first."""
        return self._of(FACT)

    @property
    def value_judgements(self) -> pd.DataFrame:
        """The value judgements' rows, most money moved first."""
        return self._of(VALUE_JUDGEMENT)

    def _of(self, kind: str) -> pd.DataFrame:
        return self.table[self.table["kind"] == kind].reset_index(drop=True)


def kind_of(group: str) -> str:
    """fact or value judgement: whether a parameter group changes what can be achieved or the yardstick."""
    return VALUE_JUDGEMENT if group in VALUE_JUDGEMENT_GROUPS else FACT


def tornado_params(scenario: Scenario) -> list[tuple[str, str, str]]:
    """(group, PARAM, name) of every parameter group tornado moves."""
    out = [("budget", f"budget:{t}", f"period {t} budget") for t in scenario.periods]
    for o in scenario.options:
        out.append(("unit_cost", f"unit_cost:{o.id}", o.id))
        out.append(("gain", f"gain_scale:{o.id}", o.id))
    out += [("domain_weight", f"domain_weight:{d.id}", d.id) for d in scenario.domains]
    out += [("effectiveness", f"effectiveness:{p.id}", p.id) for p in scenario.partners]
    out += [("partner_weight", f"partner_weight:{p.id}", p.id) for p in scenario.partners]
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
    clipped to [0, 1]. A fact's scores are phase-1 optima; a value judgement's variants are
    solved to their plans (both phases). An integer scenario's variants are MIPs, each started
    from the base plan.
    """
    started = time.perf_counter()
    check_number("delta", delta, low=0.0, strict=True)
    if delta >= 1:
        raise ParamError(f"delta must be below 1 (a fraction: 0.2 = 20 %), got {delta:g}")
    cases: list[tuple[str, str, str, float, float, float]] = []
    variants: list[Scenario] = []
    for group, param, name in tornado_params(scenario):
        p = parse_param(scenario, param)
        base = current_value(scenario, p)
        low, high = base * (1 - delta), base * (1 + delta)
        if p.kind == "weakest_link":
            low, high = max(0.0, low), min(1.0, high)
        cases.append((group, param, name, base, low, high))
        variants += [apply_param(scenario, p, low), apply_param(scenario, p, high)]
    judged = {n for n, case in enumerate(cases) if kind_of(case[0]) == VALUE_JUDGEMENT}
    workers = parallel.default_workers() if workers is None else workers
    with parallel.progress_reporter(progress, 1 + len(variants), "tornado") as advance:
        solution = solve_scenario(scenario, solver=solver, time_limit=time_limit)
        if advance is not None:
            advance(1)
        base_units = units_array(scenario, solution.allocation) if solution.has_plan else None
        facts = [v for n, v in enumerate(variants) if n // 2 not in judged]
        judgements = [v for n, v in enumerate(variants) if n // 2 in judged]
        if scenario.integer:  # each variant a MIP of its own, started from the base plan
            rest = () if base_units is None else (base_units,)
            scored = parallel.map_tasks(
                phase1_score, [(v, solver, time_limit, *rest) for v in facts], workers, scheduler, advance
            )
            tasks = [([v], solver, time_limit, *rest) for v in judgements]
            parts = parallel.map_tasks(integer_points, tasks, workers, scheduler, advance)
            planned = [point for part in parts for point in part]
        else:
            solving = _Variants(scenario, solver, workers, scheduler, time_limit, advance)
            start = warm_start_of(solution.model, time_limit, None) if solver_entry(solver).warm else None
            scored = solving.run(warm_phase1_scores, phase1_score, facts, start)
            planned = solving.run(warm_points, cold_point, judgements, start)
        scores, plans = iter(scored), iter(planned)
        points = [
            next(plans) if n // 2 in judged else Point(*next(scores), None, "") for n in range(len(variants))
        ]
    base_score = math.nan if solution.score is None else float(solution.score)
    records = []
    for n, (group, param, name, base, low, high) in enumerate(cases):
        sides = points[2 * n], points[2 * n + 1]
        kind = kind_of(group)
        moved = [_moved(scenario, base_units, p) if kind == VALUE_JUDGEMENT else math.nan for p in sides]
        records.append(
            (kind, group, param, name, base, low, high, sides[0].score, sides[1].score,
             abs(sides[1].score - sides[0].score), *moved, float(np.fmax(*moved)),
             sides[0].status, sides[1].status)
        )  # fmt: skip
    table = pd.DataFrame.from_records(records, columns=TORNADO_COLUMNS)
    ranked = table.assign(
        _judged=table["kind"] == VALUE_JUDGEMENT,
        _no_plan=table["score_low"].isna() | table["score_high"].isna(),
        _by=table["swing"].where(table["kind"] == FACT, table["money_moved"]),
    ).sort_values(["_judged", "_no_plan", "_by"], ascending=[True, False, False], kind="stable")
    return TornadoResult(
        base_score=base_score,
        delta=float(delta),
        table=table.loc[ranked.index].reset_index(drop=True),
        seconds=time.perf_counter() - started,
        base=solution,
    )


def _moved(scenario: Scenario, base_units: np.ndarray | None, point: Point) -> float:
    """Money moved from the base plan to a variant's plan (NaN when either has none)."""
    if base_units is None or point.units is None:
        return math.nan
    return float(money_moved(scenario, base_units, point.units).sum())


@dataclass(frozen=True)
class _Variants:
    """How a tornado's LP variants are solved: warm from the base (in chunks on workers) where the
    solver re-solves warm, else each cold."""

    scenario: Scenario
    solver: str
    workers: int
    scheduler: str | None
    time_limit: float | None
    advance: Callable[[int], None] | None

    def run(
        self, warm: Callable[..., list[Any]], cold: Callable[[Any], Any], variants: list[Scenario],
        start: WarmStart | None,
    ) -> list[Any]:  # fmt: skip
        """warm((base, variants, time_limit, None, start)) or cold((variant, solver, time_limit)) of each."""
        if not variants:
            return []
        rest = (self.time_limit, None, start)
        if start is not None and self.workers <= 1 and parallel.scheduler_address(self.scheduler) is None:
            return warm((self.scenario, variants, *rest), self.advance)
        if start is not None:  # warm in chunks, a few per worker so that progress moves
            parts = parallel.chunks(len(variants), 4 * max(self.workers, 2))
            return parallel.map_parts(
                warm, self.scenario, variants, parts, rest, self.workers, self.scheduler, self.advance
            )
        tasks = [(v, self.solver, self.time_limit) for v in variants]
        return parallel.map_tasks(cold, tasks, self.workers, self.scheduler, self.advance)
