"""Monte Carlo over uncertain gains, triangular(gain_low, gain, gain_high) per effect, and likewise
triangular(pair_gain_low, pair_gain, pair_gain_high) for its pair gain.

Draws are re-optimised one a solve and the base plan is scored under each draw, with one RNG stream per
draw, so that the numbers do not depend on how draws are split between workers.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import pairs, readiness
from ..errors import ParamError
from ..lp.solve import solve as solve_scenario
from ..lp.solvers import solver as solver_entry
from ..results import Solution, units_array
from ..scenario import Scenario
from .parallel import ProgressArg, default_workers, map_tasks, progress_reporter, scheduler_address
from .variants import with_gains
from .warm import WarmStart, cold_point, warm_points, warm_start

# ---------------------------------------------------------------------------------------------------------
# Monte Carlo


class NoBasePlanError(Exception):
    """Monte Carlo needs a base plan; `solution` is the base case's (infeasible or stopped) solve."""

    def __init__(self, solution: Solution) -> None:
        self.solution = solution
        super().__init__(f"the base scenario has no plan ({solution.status}): {solution.message}")


@dataclass(frozen=True)
class MonteCarloResult:
    """Robustness of the plan to uncertain gains, triangular(gain_low, gain, gain_high) per effect
    and triangular(pair_gain_low, pair_gain, pair_gain_high) for its pair gain.

    - draws: draw, status, optimal_score (of the re-optimised plan), base_plan_score (the base
      case's plan evaluated under the drawn gains, no LP), regret = optimal - base_plan
    - percentiles: statistic (mean, std, min, p5, p25, p50, p75, p95, max), optimal_score,
      base_plan_score (over draws with a plan)
    - options: option, type, probability_funded (share of optimal plans that fund it at all),
      funded_in_base
    - targets: partner, domain, period, min_score, probability_met (by the base plan)
    - pairs: partner_a, partner_b, domain, planned (the base plan's counted pair readiness in the
      final period with the deterministic gains), mean, p5, p50, p95 (of the same over the draws)
    """

    n: int
    seed: int
    base_score: float
    uncertain_effects: int  # effects with an uncertain gain or pair gain
    uncertain_pair_gains: int  # effects with an uncertain pair gain
    draws: pd.DataFrame
    percentiles: pd.DataFrame
    options: pd.DataFrame
    targets: pd.DataFrame
    pairs: pd.DataFrame
    seconds: float
    message: str = ""
    base: Solution | None = field(default=None, compare=False, repr=False)  # the base case as solved

    @property
    def optimal_scores(self) -> np.ndarray:
        return self.draws["optimal_score"].to_numpy()

    @property
    def base_plan_scores(self) -> np.ndarray:
        return self.draws["base_plan_score"].to_numpy()


def triangular_bounds(scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(low, mode, high) of every effect's gain, then of every effect's pair gain (2 x effects
    numbers); a blank low or high is the gain itself."""
    numbers = [(e.gain, e.gain_low, e.gain_high) for e in scenario.effects]
    numbers += [(e.pair_gain, e.pair_gain_low, e.pair_gain_high) for e in scenario.effects]
    mode = np.array([m for m, _, _ in numbers], dtype=float)
    left = np.array([m if low is None else min(low, m) for m, low, _ in numbers], dtype=float)
    right = np.array([m if high is None else max(high, m) for m, _, high in numbers], dtype=float)
    return left, mode, right


def draw_gains(scenario: Scenario, n: int, seed: int) -> np.ndarray:
    """gains[i, :]: draw i of every effect's gain, then of every effect's pair gain (as
    triangular_bounds orders them); a number whose low < high is triangular.

    Draw i uses its own stream, SeedSequence(seed).spawn(...)[i], so it does not depend on n,
    on how draws are chunked, or on the number of workers. Pair gains come after the gains in
    that stream, so a scenario without pair gain bounds draws exactly the gains it did before.
    """
    left, mode, right = triangular_bounds(scenario)
    uncertain = right > left
    gains = np.tile(mode, (n, 1))
    for i, child in enumerate(np.random.SeedSequence(seed).spawn(n)):
        rng = np.random.default_rng(child)
        gains[i, uncertain] = rng.triangular(left[uncertain], mode[uncertain], right[uncertain])
    return gains


Draw = tuple[int, str, float, float, np.ndarray, np.ndarray, np.ndarray]
PAIR_COLUMNS = ["partner_a", "partner_b", "domain", "planned", "mean", "p5", "p50", "p95"]


def final_pair_readiness(scenario: Scenario, units: np.ndarray) -> np.ndarray:
    """c[k]: pair k's counted (capped) readiness in the final period under units[o, p, t]."""
    return pairs.counted_pair_readiness(scenario, units)[:, -1]


def monte_carlo_draws(
    task: tuple[Scenario, np.ndarray, list[int], np.ndarray, str, float | None, WarmStart | None],
) -> list[Draw]:
    """Solve and evaluate a chunk of draws: (draw, status, optimal score, base plan score,
    funded[option], target met[target], the base plan's final pair readiness[pair]) for each.
    With a WarmStart the draws (gains changed only) are re-solved warm from the base's optimum,
    which is not solved again."""
    scenario, base_units, indices, gains, solver, time_limit, start = task
    par, dom, _ = readiness.index(scenario)
    effects = len(scenario.effects)
    draws = [with_gains(scenario, g[:effects], g[effects:]) for g in gains]
    if start is not None:
        points = warm_points((scenario, draws, time_limit, None, start))
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
        base_score = pairs.plan_score(drawn, base_units)
        met = np.array(
            [
                raw[par[t.partner], dom[t.domain], t.period - 1] >= t.min_score - 1e-6 * max(1.0, t.min_score)
                for t in scenario.targets
            ],
            dtype=bool,
        )
        out.append(
            (i, point.status, point.score, base_score, funded, met, final_pair_readiness(drawn, base_units))
        )
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
    start = warm_start(base.model, time_limit, None) if solver_entry(solver).warm else None
    gains = draw_gains(scenario, n, seed)
    workers = default_workers() if workers is None else workers
    remote = scheduler_address(scheduler) is not None
    if chunk_size is None:
        slots = 1 if (workers <= 1 and not remote) else 4 * max(workers, 2)
        chunk_size = max(1, min(25, math.ceil(n / slots)))
    parts = [range(s, min(n, s + chunk_size)) for s in range(0, n, chunk_size)]
    tasks = [
        (scenario, base_units, list(r), gains[r.start : r.stop], solver, time_limit, start) for r in parts
    ]
    with progress_reporter(progress, n, "monte carlo") as advance:
        chunked = map_tasks(monte_carlo_draws, tasks, workers, scheduler, advance, [len(r) for r in parts])
    rows = sorted((r for part in chunked for r in part), key=lambda r: r[0])
    return _monte_carlo_result(scenario, base, base_units, gains, rows, n, seed, started)


def _monte_carlo_result(
    scenario: Scenario,
    base: Solution,
    base_units: np.ndarray,
    gains: np.ndarray,
    rows: list[Draw],
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
    varies = (high > low).reshape(2, len(scenario.effects))  # [gain or pair gain, effect]
    uncertain = int(varies.any(axis=0).sum())
    no_plan = int(draws["optimal_score"].isna().sum())
    message = (
        ""
        if uncertain
        else "no effect has gain_low / gain_high or pair_gain_low / pair_gain_high: "
        "every draw equals the base case"
    )
    if no_plan:
        message = (message + "; " if message else "") + f"{no_plan} draw(s) had no optimal plan"
    return MonteCarloResult(
        n=n,
        seed=seed,
        base_score=float(base.score),
        uncertain_effects=uncertain,
        uncertain_pair_gains=int(varies[1].sum()),
        draws=draws,
        percentiles=percentiles,
        options=options,
        targets=targets,
        pairs=pair_percentiles(scenario, base_units, rows),
        seconds=time.perf_counter() - started,
        message=message,
        base=base,
    )


def pair_percentiles(scenario: Scenario, base_units: np.ndarray, rows: list[Draw]) -> pd.DataFrame:
    """Per listed pair, the base plan's counted readiness in the final period (the period
    `weakest_pairs` reports as "after"): planned, then mean, p5, p50, p95 over every draw (the
    base plan is evaluated in every draw, with or without an optimal plan of its own)."""
    drawn = np.array([r[6] for r in rows]).reshape(len(rows), len(scenario.pairs))
    q = np.percentile(drawn, [5, 50, 95], axis=0)
    return pd.DataFrame(
        {
            "partner_a": pd.Series([p.partner_a for p in scenario.pairs], dtype=object),
            "partner_b": pd.Series([p.partner_b for p in scenario.pairs], dtype=object),
            "domain": pd.Series([p.domain for p in scenario.pairs], dtype=object),
            "planned": final_pair_readiness(scenario, base_units),
            "mean": drawn.mean(axis=0),
            "p5": q[0],
            "p50": q[1],
            "p95": q[2],
        },
        columns=PAIR_COLUMNS,
    )
