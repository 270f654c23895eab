"""optimizer.readiness, the plan-side arithmetic that reports and evaluation trust, against hand values.

One scenario, three periods: A (weight 3, effectiveness 2), B (weight 1), Z (weight 0, outside P+);
comms (weight 1) and logistics (weight 3); drill (lag 0) gives comms 3 and logistics 2 a unit,
kit (lag 2) gives comms 1. Plan: 1 drill and 2 kits for A in period 1, 4 kits for B in period 2
(they would count from period 4 > H: never), 2 drills for B in period 3.
"""

from __future__ import annotations

import numpy as np
import pytest

from optimizer import readiness
from optimizer.scenario import Budget, Domain, Effect, Option, Partner, Scenario, Settings

SCENARIO = Scenario(
    partners=(Partner("A", weight=3, effectiveness=2), Partner("B", weight=1), Partner("Z", weight=0)),
    domains=(Domain("comms"), Domain("logistics", weight=3)),
    baseline={
        ("A", "comms"): 10,
        ("A", "logistics"): 20,
        ("B", "comms"): 30,
        ("B", "logistics"): 40,
        ("Z", "comms"): 5,
        ("Z", "logistics"): 5,
    },
    options=(Option("drill", "training", 10), Option("kit", "standardization", 10, lag=2)),
    effects=(Effect("drill", "comms", 3), Effect("drill", "logistics", 2), Effect("kit", "comms", 1)),
    budgets=(Budget(1, 100), Budget(2, 100), Budget(3, 100)),
    settings=Settings(weakest_link=0.5, score_cap=35, score_periods="all"),
)


def plan() -> np.ndarray:
    units = np.zeros((2, 3, 3))  # option, partner, period
    units[0, 0, 0] = 1  # drill, A, period 1
    units[1, 0, 0] = 2  # kit, A, period 1: counts from period 3
    units[1, 1, 1] = 4  # kit, B, period 2: would count from period 4
    units[0, 1, 2] = 2  # drill, B, period 3
    return units


def test_raw_readiness_by_hand() -> None:
    """A comms: 10 + 2 * 3 = 16 from period 1, + 2 * 2 * 1 = 20 from period 3 (the kits' lag);
    A logistics 20 + 2 * 2 = 24; B comms 30 until period 3, then + 2 * 3 = 36; B logistics 40,
    then 44; Z stays at 5. No cap: raw readiness may pass 35."""
    raw = readiness.raw_readiness(SCENARIO, plan())
    assert raw.tolist() == [
        [[16, 16, 20], [24, 24, 24]],
        [[30, 30, 36], [40, 40, 44]],
        [[5, 5, 5], [5, 5, 5]],
    ]


def test_score_by_hand() -> None:
    """Cap 35, lambda 0.5, every period 1/3; w^ = 1/4, 3/4; omega^ = 3/4, 1/4, 0.
    Periods 1 and 2: comms 0.5 * (0.75 * 16 + 0.25 * 30) + 0.5 * 16 = 17.75; logistics (B capped
    at 35) 0.5 * (0.75 * 24 + 0.25 * 35) + 0.5 * 24 = 25.375; Z_t = 0.25 * 17.75 + 0.75 * 25.375
    = 23.46875. Period 3: comms 0.5 * (15 + 8.75) + 10 = 21.875, logistics 25.375: Z_t = 24.5.
    Z = (2 * 23.46875 + 24.5) / 3 = 23.8125. (Z at 5 is no one's weakest link: it has no weight.)
    """
    counted = readiness.capped(SCENARIO, readiness.raw_readiness(SCENARIO, plan()))
    assert counted[1, :, 2].tolist() == [35, 35]
    assert readiness.score(SCENARIO, counted) == pytest.approx(23.8125, abs=1e-12)


def test_final_period_score_by_hand() -> None:
    """score_periods final: only period 3 counts, Z = 24.5; lambda 0: 0.25 * 23.75 + 0.75 * 26.75."""
    counted = readiness.capped(SCENARIO, readiness.raw_readiness(SCENARIO, plan()))
    final = SCENARIO.with_settings(score_periods="final")
    assert readiness.score(final, counted) == pytest.approx(24.5, abs=1e-12)
    assert readiness.score(final.with_settings(weakest_link=0.0), counted) == pytest.approx(
        0.25 * 23.75 + 0.75 * 26.75, abs=1e-12
    )


def test_levels_at_and_around_each_threshold() -> None:
    """model.md: level 0 below 25, 1 from 25, 2 from 50, 3 from 75 (a threshold is the next level)."""
    scores = np.array([0, 24.99, 25, 49.99, 50, 74.99, 75, 100])
    assert readiness.levels(scores, (25, 50, 75)).tolist() == [0, 0, 1, 1, 2, 2, 3, 3]


def test_raw_readiness_with_drawn_gains() -> None:
    """Monte Carlo passes its own g[o, d]: only kit's comms gain, 5. A comms 10 until the kits
    count in period 3: 10 + 2 * 2 * 5 = 30; every other cell stays at its baseline."""
    gains = np.array([[0.0, 0.0], [5.0, 0.0]])
    raw = readiness.raw_readiness(SCENARIO, plan(), gains)
    assert raw.tolist() == [
        [[10, 10, 30], [20, 20, 20]],
        [[30, 30, 30], [40, 40, 40]],
        [[5, 5, 5], [5, 5, 5]],
    ]
