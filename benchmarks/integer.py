"""`benchmark.py --integer`: the large preset with whole exercises and set-up costs (issue 11).

One run: the LP relaxation is solved and timed (T), then the MIP for 10 T under each variant
(HiGHS alone with presolve on, with presolve off, and from the rounding-and-repair start, whose
own time counts against the 10 T); the gap reached at 1 T, 3 T and 10 T is read from HiGHS's
progress callbacks, against its proven bound ("no bound" before HiGHS has one) and against
the LP bound.
"""

from __future__ import annotations

import dataclasses
import math
import time
from typing import Any

import numpy as np

SHARE_WITH_SETUP = 0.5  # of the training options, the dearer half pays a set-up cost ...
SETUP_UNITS = 3.0  # ... of this many units' money: an exercise's hosting and planning
MULTIPLES = (1, 3, 10)


def lumpy(scenario: Any) -> Any:
    """Training options (the exercises and courses) whole; the dearer half of them with a set-up."""
    training = [o.unit_cost for o in scenario.options if o.type == "training"]
    dear = float(np.quantile(training, 1 - SHARE_WITH_SETUP))
    options = tuple(
        dataclasses.replace(
            o, whole=True, setup_cost=round(SETUP_UNITS * o.unit_cost, 2) if o.unit_cost >= dear else 0.0
        )
        if o.type == "training"
        else o
        for o in scenario.options
    )
    return dataclasses.replace(scenario, options=options)


def trace_run(model: Any, seconds: float, gap: float, start: np.ndarray | None = None) -> dict[str, Any]:
    """The MIP run for `seconds`, every incumbent and bound HiGHS reports, with their times."""
    from optimizer.lp import highs

    seen: list[tuple[float, float, float]] = []  # seconds, incumbent, bound
    progress = highs.Progress(lambda inc, bound, _gap, at: seen.append((at, inc, bound)), every=0.0)
    began = time.perf_counter()
    run = highs.run_mip(model, seconds, gap, start, progress)
    wall = time.perf_counter() - began
    final = float(model.score @ run.values()) if run.has_plan else None
    return {"trace": seen, "wall": wall, "status": str(run.status), "score": final, "bound": run.bound}


def gap_at(trace: list[tuple[float, float, float]], at: float, lp_bound: float) -> tuple[float, float] | None:
    """(gap to the proven bound, gap to the LP bound) of the best plan known `at` seconds in."""
    known = [(inc, bound) for t, inc, bound in trace if t <= at and abs(inc) < 1e30]
    if not known:
        return None
    incumbent = max(inc for inc, _ in known)
    bound = min(b for _, b in known)
    proven = (bound - incumbent) / max(1.0, abs(bound)) if math.isfinite(bound) else math.inf
    return proven, (lp_bound - incumbent) / max(1.0, abs(lp_bound))


def bench_integer(preset: str, seed: int) -> dict[str, Any]:
    from optimizer.io.synthetic import generate_preset
    from optimizer.lp import highs, rounding
    from optimizer.lp import model as lp

    scenario = lumpy(generate_preset(preset, seed))
    model = lp.build(scenario)
    began = time.perf_counter()
    relaxation = highs.run(model.relaxed(), None)
    lp_seconds = time.perf_counter() - began
    lp_values = relaxation.values()
    lp_bound = float(model.score @ lp_values)
    began = time.perf_counter()
    start = rounding.repaired_start(scenario, model, lp_values, highs.run, None)
    start_seconds = time.perf_counter() - began
    out: dict[str, Any] = {
        "preset": preset,
        "columns": model.column_count,
        "integer_columns": int(model.integrality.sum()),
        "lp_seconds": lp_seconds,
        "lp_bound": lp_bound,
        "start_seconds": start_seconds,
        "start_score": None if start is None else float(model.score @ start),
        "runs": {},
    }
    limit = MULTIPLES[-1] * lp_seconds
    gap = scenario.settings.mip_gap
    presolve = dict(highs.MIP_OPTIONS)
    for name, options, first in (
        ("HiGHS alone, presolve on", {"presolve": "on"}, None),
        ("HiGHS alone, presolve off", {"presolve": "off"}, None),
        ("rounded start, then HiGHS (off)", {"presolve": "off"}, start),
    ):
        if first is None and name.startswith("rounded"):
            continue
        highs.MIP_OPTIONS.update(options)
        try:  # the start's own time counts against the limit; its plan is known from then on
            spent = 0.0 if first is None else start_seconds
            run = trace_run(model, limit - spent, gap, first)
        finally:
            highs.MIP_OPTIONS.clear()
            highs.MIP_OPTIONS.update(presolve)
        run["trace"] = [(at + spent, inc, bound) for at, inc, bound in run["trace"]]
        if first is not None:
            run["trace"].insert(0, (spent, out["start_score"], math.inf))
        run["gaps"] = {m: gap_at(run["trace"], m * lp_seconds, lp_bound) for m in MULTIPLES}
        out["runs"][name] = run
    return out


def print_integer(result: dict[str, Any]) -> None:
    def pct(pair: tuple[float, float] | None, k: int) -> str:
        if pair is None:
            return "no plan"
        return f"{100 * pair[k]:.2f}%" if math.isfinite(pair[k]) else "no bound"

    print(
        f"\nInteger plans: {result['preset']} preset, training whole, set-ups on the dearer half "
        f"({result['columns']} columns, {result['integer_columns']} integer)"
    )
    print(f"LP relaxation: {result['lp_seconds']:.2f} s (T), LP bound {result['lp_bound']:.4f}")
    shown = "none (the rounded plan breaks a rule)"
    if result["start_score"] is not None:
        shown = f"score {result['start_score']:.4f}, {result['start_seconds']:.2f} s"
    print(f"Rounding-and-repair start: {shown}")
    print(f"{'gap to proven bound / to LP bound':38}" + "".join(f"{f'at {m} T':>22}" for m in MULTIPLES))
    for name, run in result["runs"].items():
        cells = "".join(f"{pct(run['gaps'][m], 0) + ' / ' + pct(run['gaps'][m], 1):>22}" for m in MULTIPLES)
        print(f"{name:38}{cells}")
