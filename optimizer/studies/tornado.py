"""Tornado: each number of the scenario moved down and up on its own, ranked by score swing."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import pandas as pd

from ..errors import ParamError
from ..lp.solve import solve as solve_scenario
from ..lp.solvers import solver as solver_entry
from ..results import Solution
from ..scenario import Scenario
from . import parallel
from .parallel import ProgressArg
from .variants import apply_param, check_number, current_value, parse_param
from .warm import phase1_score, warm_phase1_scores, warm_start

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
    base: Solution | None = field(default=None, compare=False, repr=False)  # the base case as solved


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
    check_number("delta", delta, low=0.0, strict=True)
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
    workers = parallel.default_workers() if workers is None else workers
    with parallel.progress_reporter(progress, 1 + len(variants), "tornado") as advance:
        solution = solve_scenario(scenario, solver=solver, time_limit=time_limit)
        if advance is not None:
            advance(1)
        start = warm_start(solution.model, time_limit, None) if solver_entry(solver).warm else None
        if start is not None and workers <= 1 and parallel.scheduler_address(scheduler) is None:
            results = warm_phase1_scores((scenario, variants, time_limit, None, start), advance)
        elif start is not None:  # warm in chunks, a few per worker so that progress moves
            parts = parallel.chunks(len(variants), 4 * max(workers, 2))
            rest = (time_limit, None, start)
            results = parallel.map_parts(
                warm_phase1_scores, scenario, variants, parts, rest, workers, scheduler, advance
            )
        else:
            tasks = [(v, solver, time_limit) for v in variants]
            results = parallel.map_tasks(phase1_score, tasks, workers, scheduler, advance)
    base_score = math.nan if solution.score is None else float(solution.score)
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
        base=solution,
    )
