"""Sensitivity of an integer plan: prices given the plan's exercises, and the steps.

A (whole) costs 2 a unit for 10 points, B (fractions) 1 a unit for 1 point; budget 5. The plan:
A 2 units (4), B 1 unit (1), Z = 21. With A held at 2, one more unit of money buys one more of
B: price 1. A third A needs 1 more money (budget 6: A 3, Z = 30 against 22 with B): the step
is +1, buying 9 points; the bisection brackets it from above within 5 / 2**5.
"""

from __future__ import annotations

import pytest
from test_integer_model import tiny
from test_integer_solve import exact

from optimizer.scenario import Budget, Effect, Option
from optimizer.studies.ranging import sensitivity
from optimizer.studies.steps import MAX_SOLVES


def scenario():
    return exact(
        tiny(
            (Option("A", "training", 2.0, whole=True), Option("B", "training", 1.0)),
            (Effect("A", "D", 10.0), Effect("B", "D", 1.0)),
            (Budget(1, 5.0),),
        )
    )


def test_prices_are_given_the_plans_exercises() -> None:
    report = sensitivity(scenario())
    budget = report.constraints[report.constraints["kind"] == "period"].iloc[0]
    assert report.score == pytest.approx(21.0)
    assert budget["shadow_price"] == pytest.approx(1.0)
    assert "given the plan's exercises" in report.message
    assert all(s.startswith("Given the plan's exercises") for s in report.sentences if "buys 1 " in s)


def test_the_step_of_a_binding_budget_is_the_next_whole_exercise() -> None:
    step = sensitivity(scenario()).steps.iloc[0]
    assert step["kind"] == "period" and step["period"] == 1
    assert 1.0 <= step["increase"] <= 1.0 + 5.0 / 2 ** (MAX_SOLVES - 1)
    assert step["score_gain"] == pytest.approx(9.0 + (step["increase"] - 1.0) * 1.0, abs=1e-6)


def test_relax_gives_the_lp_relaxations_report() -> None:
    """The LP: A alone at 5 points a money, 2.5 units, Z = 25, price 5; no steps."""
    report = sensitivity(scenario(), relax=True)
    budget = report.constraints[report.constraints["kind"] == "period"].iloc[0]
    assert report.score == pytest.approx(25.0)
    assert budget["shadow_price"] == pytest.approx(5.0)
    assert report.steps.empty and "given the plan" not in report.message
