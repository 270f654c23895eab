"""Evaluation details that mutmut showed no test pinned: the whole violations table, the
message and solver of an evaluated plan, and where each tolerance starts.

The tolerances are relative with an absolute floor: a rule is broken when the plan is more
than 1e-6 x max(1, |limit|) past its limit (TOLERANCE in optimizer/evaluation.py).
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_evaluate import plan, two_partners

from optimizer.evaluation import evaluate
from optimizer.results import VIOLATION_COLUMNS
from optimizer.scenario import Budget, Domain, Effect, Option, Partner, Scenario, Target


def test_the_violations_table_of_a_plan_breaking_every_kind_of_rule() -> None:
    """two_partners (budget 4, training 4, A's cap 4, X at most 2 units, Y only for A) with a
    target A >= 40 in period 1; the plan: 3 X for A (cost 6), 1 Y for B (cost 1).
    Money, in the order of the scenario's money limits: period 7 > 4 (3 over), training 6 > 4
    (2 over), A's cap 6 > 4 (2 over). Units: Y for B, not eligible (limit 0, 1 over), then X
    for A above its 2 (1 over). Target: A reaches 10 + 3 x 5 = 25, 15 short of 40.
    One row each, numbered 0..5."""
    scenario = two_partners(targets=(Target("A", "D", 1, 40.0, 2),))
    result = evaluate(scenario, plan(("X", "A", 1, 3.0), ("Y", "B", 1, 1.0)))
    expected = pd.DataFrame(
        [
            ("period budget", "", "", "", "", 1, 4.0, 7.0, 3.0),
            ("type budget", "", "training", "", "", 1, 4.0, 6.0, 2.0),
            ("partner cap", "", "", "A", "", 1, 4.0, 6.0, 2.0),
            ("eligibility", "Y", "", "B", "", 1, 0.0, 1.0, 1.0),
            ("max units", "X", "", "A", "", 1, 2.0, 3.0, 1.0),
            ("target", "", "", "A", "D", 1, 40.0, 25.0, 15.0),
        ],
        columns=VIOLATION_COLUMNS,
    )
    pd.testing.assert_frame_equal(result.violations, expected, check_dtype=False)
    assert result.message == "breaks 6 rule(s) of the scenario"
    assert result.solver == ""


def test_a_plan_within_every_rule_says_so_and_names_no_solver() -> None:
    result = evaluate(two_partners(), plan(("X", "A", 1, 1.0)))
    assert result.violations.empty
    assert result.message == "within every rule"
    assert result.solver == ""


def one_option(budget: float = 1e6, target: float | None = None, **option: object) -> Scenario:
    """One partner A at 0, one option X at 1 a unit adding 1 point (so spend = readiness =
    units), one period; a target A >= `target` if given."""
    return Scenario(
        partners=(Partner("A"),),
        domains=(Domain("D"),),
        baseline={("A", "D"): 0.0},
        options=(Option("X", "training", 1.0, **option),),
        effects=(Effect("X", "D", 1.0),),
        budgets=(Budget(1, budget),),
        targets=() if target is None else (Target("A", "D", 1, target, 2),),
    )


@pytest.mark.parametrize(
    ("scenario", "units", "broken"),
    [
        # 5e-4 past a limit of 1000 is within 1e-6 x 1000 = 1e-3: the tolerance is relative ...
        (one_option(budget=1000.0), 1000.0005, []),
        (one_option(whole=True), 1000.0005, []),
        (one_option(max_units=1000.0), 1000.0005, []),
        (one_option(min_units=1000.0), 999.9995, []),
        (one_option(target=100.0), 100.0 - 5e-5, []),  # 1e-6 x 100 = 1e-4
        # ... and 1.5e-6 past a limit of 1 is beyond its floor of 1e-6
        (one_option(budget=1.0), 1.0000015, ["period budget"]),
        (one_option(whole=True), 1.0000015, ["whole units"]),
        (one_option(max_units=1.0), 1.0000015, ["max units"]),
        (one_option(min_units=1.0), 0.9999985, ["lot size"]),
        (one_option(target=1.0), 0.9999985, ["target"]),
    ],
)
def test_a_rule_is_broken_beyond_a_relative_tolerance_with_a_floor_of_one(
    scenario: Scenario, units: float, broken: list[str]
) -> None:
    result = evaluate(scenario, plan(("X", "A", 1, units)))
    assert result.violations["kind"].tolist() == broken


def test_set_up_money_counts_in_its_own_period_and_every_limit_shows_its_slack() -> None:
    """X (training, 1 a unit, set-up 3): 2 units for A in period 1, none in period 2; budgets
    20 a period, training 8; A's cap 10. Period 1 and its training spend 2 + 3 = 5 (slack 15
    and 3), A's cap only the 2 spent on A (slack 8); period 2 spends nothing. No LP: no shadow
    prices. Rows in the scenario's order of money limits: periods with their types, then caps."""
    scenario = Scenario(
        partners=(Partner("A", max_spend=10.0),),
        domains=(Domain("D"),),
        baseline={("A", "D"): 0.0},
        options=(Option("X", "training", 1.0, setup_cost=3.0),),
        effects=(Effect("X", "D", 1.0),),
        budgets=(Budget(1, 20.0, {"training": 8.0}), Budget(2, 20.0, {"training": 8.0})),
    )
    use = evaluate(scenario, plan(("X", "A", 1, 2.0))).budget_use
    expected = pd.DataFrame(
        [
            ("period", 1, "", 20.0, 5.0, 15.0),
            ("type", 1, "training", 8.0, 5.0, 3.0),
            ("period", 2, "", 20.0, 0.0, 20.0),
            ("type", 2, "training", 8.0, 0.0, 8.0),
            ("partner", 1, "A", 10.0, 2.0, 8.0),
            ("partner", 2, "A", 10.0, 0.0, 10.0),
        ],
        columns=["kind", "period", "name", "limit", "spend", "slack"],
    ).assign(shadow_price=float("nan"))
    pd.testing.assert_frame_equal(use, expected, check_dtype=False)
    assert use["shadow_price"].dtype == float
