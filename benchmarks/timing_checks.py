"""Timing checks that used to sit in tests, where a loaded machine made them fail by chance.

    python benchmarks/timing_checks.py

Each check prints its measurement, its limit and the ratio measured / limit (under 1 passes),
and the script exits 1 when any ratio is over 1. Run it on a quiet machine.

- presets: generating each preset of optimizer.io.synthetic takes under 2 s.
- warm time limit: HiGHS counts its time_limit over all runs of one Highs object, and
  optimizer.lp.highs.run_within gives each run its own: 100 warm runs of about 4 ms, each under
  a 0.1 s limit, must all be optimal while together they pass 0.1 s.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from optimizer.io.synthetic import PRESETS, generate, generate_preset
from optimizer.lp import highs
from optimizer.lp import model as lp
from optimizer.lp import solve as solving


def check(name: str, measured: float, limit: float) -> bool:
    ratio = measured / limit
    print(f"{name:<40} {measured:8.3f} s  limit {limit:6.3f} s  ratio {ratio:5.2f}")
    return ratio <= 1.0


def presets() -> bool:
    fine = True
    for name in PRESETS:
        started = time.perf_counter()
        generate_preset(name)
        fine &= check(f"generate preset {name}", time.perf_counter() - started, 2.0)
    return fine


def warm_time_limit() -> bool:
    """The slowest of 100 warm runs against its own 0.1 s limit, and all of them past one limit."""
    model = lp.build(generate(30, 100, 8, 5, seed=0))
    first = solving.run(model, "highs", 1.0)
    assert first.status == "optimal"
    rows = [b.row for b in model.budget_rows if b.kind == "period"]
    slowest, stopped = 0.0, 0
    for level in range(100):
        for i in rows:
            first.highs.changeRowBounds(i, -np.inf, model.row_upper[i] * (0.5 + (level % 7) / 7))
        started = time.perf_counter()
        stopped += highs.run_within(first.highs, 0.1).status != "optimal"
        slowest = max(slowest, time.perf_counter() - started)
    print(
        f"warm runs stopped by their limit: {stopped} of 100; HiGHS run time {first.highs.getRunTime():.3f} s"
    )
    return check("slowest warm run", slowest, 0.1) and stopped == 0 and first.highs.getRunTime() > 0.1


if __name__ == "__main__":
    results = [presets(), warm_time_limit()]
    sys.exit(0 if all(results) else 1)
