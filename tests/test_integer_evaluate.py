"""Evaluating a plan of a scenario with whole options, lot sizes and set-up costs.

A fraction of a whole unit and a unit below the lot size are rules broken (kind, where, the
limit, what the plan has, by how much); set-up money is spent once per option and period
held, in the period and type budgets and the plan's spend, never in a partner cap.
"""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.evaluation import evaluate
from optimizer.scenario import Budget, Domain, Effect, Option, Partner, Scenario, Settings


def scenario() -> Scenario:
    """EX: whole, 2 a unit, lot 2, set-up 3 (training); CRS: 1 a unit (standardization).
    Partners A (cap 5) and B; budget 12 a period, training 9; two periods."""
    return Scenario(
        partners=(Partner("A", max_spend=5.0), Partner("B")),
        domains=(Domain("D"),),
        baseline={("A", "D"): 10.0, ("B", "D"): 20.0},
        options=(
            Option("EX", "training", 2.0, max_units=3.0, whole=True, min_units=2.0, setup_cost=3.0),
            Option("CRS", "standardization", 1.0),
        ),
        effects=(Effect("EX", "D", 5.0), Effect("CRS", "D", 1.0)),
        budgets=(Budget(1, 12.0, {"training": 9.0}), Budget(2, 12.0, {"training": 9.0})),
        settings=Settings(weakest_link=0.25),
    )


def plan(*rows: tuple[str, str, int, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["option", "partner", "period", "units"])


def test_a_fraction_of_a_whole_unit_is_a_broken_rule() -> None:
    """2.5 units of EX: 0.5 off the nearest whole number (2; numpy rounds halves to even)."""
    result = evaluate(scenario(), plan(("EX", "B", 1, 2.5)))
    found = result.violations
    assert found[["kind", "option", "partner", "period"]].values.tolist() == [["whole units", "EX", "B", 1]]
    assert found[["limit", "actual", "excess"]].values.tolist() == [[2.0, 2.5, 0.5]]


def test_a_unit_below_the_lot_size_is_a_broken_rule() -> None:
    result = evaluate(scenario(), plan(("EX", "B", 2, 1.0), ("EX", "A", 2, 2.0)))
    found = result.violations
    assert found[["kind", "option", "partner", "period"]].values.tolist() == [["lot size", "EX", "B", 2]]
    assert found[["limit", "actual", "excess"]].values.tolist() == [[2.0, 1.0, 1.0]]


def test_whole_units_at_the_lot_size_break_nothing() -> None:
    assert evaluate(scenario(), plan(("EX", "B", 1, 3.0), ("EX", "A", 2, 2.0 + 1e-9))).feasible


def test_set_up_money_counts_once_per_period_held_in_spend_and_budgets() -> None:
    """EX held in period 1 for A and B (2 units each: 8 money) and in period 2 for B (2 units:
    4 money); CRS 1 unit for A in period 1. Set-up money 3 per period held: period 1 spends
    8 + 1 + 3 = 12, its training 8 + 3 = 11 > 9; period 2 spends 4 + 3 = 7. A's cap counts
    4 + 1 = 5, no set-up money, so it holds."""
    result = evaluate(
        scenario(), plan(("EX", "A", 1, 2.0), ("EX", "B", 1, 2.0), ("EX", "B", 2, 2.0), ("CRS", "A", 1, 1.0))
    )
    assert result.spend == pytest.approx(19.0)
    assert result.spend_by_period == pytest.approx([12.0, 7.0])
    assert result.setups[["option", "period", "setup_cost"]].values.tolist() == [
        ["EX", 1, 3.0],
        ["EX", 2, 3.0],
    ]
    use = result.budget_use.set_index(["kind", "period", "name"])["spend"]
    assert use["period", 1, ""] == pytest.approx(12.0)
    assert use["type", 1, "training"] == pytest.approx(11.0)
    assert use["partner", 1, "A"] == pytest.approx(5.0)
    broken = result.violations
    assert broken[["kind", "period", "type"]].values.tolist() == [["type budget", 1, "training"]]
    assert broken["excess"].tolist() == pytest.approx([2.0])


def test_no_units_no_set_up_money() -> None:
    result = evaluate(scenario(), plan(("CRS", "B", 2, 3.0)))
    assert result.setups.empty and result.spend == pytest.approx(3.0) and result.feasible
