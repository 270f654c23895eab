"""Integer plans through the real solve path (`solve`), with HiGHS and with CBC.

Expected values are derived by hand in each docstring, or come from the brute-force
enumeration of every whole plan (tests/integer_reference.py).
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from integer_reference import best_whole_plan
from test_integer_model import tiny, whole_scenarios

from optimizer.lp.solve import solve
from optimizer.scenario import Budget, Effect, Option, Scenario


def exact(scenario: Scenario) -> Scenario:
    """The scenario solved to a proven optimum (mip_gap 0)."""
    return dataclasses.replace(scenario, settings=dataclasses.replace(scenario.settings, mip_gap=0.0))


def rounding_down() -> Scenario:
    """A costs 2 a unit for 10 points, budget 5: the LP buys 2.5 units (Z = 25), whole units 2
    (Z = 20, spend 4)."""
    return tiny((Option("A", "training", 2.0, whole=True),), (Effect("A", "D", 10.0),), (Budget(1, 5.0),))


def test_whole_units_solve_to_the_whole_plan_with_its_lp_bound(solver: str) -> None:
    solution = solve(exact(rounding_down()), solver=solver)
    assert solution.status == "optimal"
    assert solution.score == pytest.approx(20.0)
    assert solution.spend == pytest.approx(4.0)
    assert solution.allocation["units"].tolist() == pytest.approx([2.0])
    assert solution.lp_bound == pytest.approx(25.0)
    assert solution.whole_units_cost == pytest.approx(5.0)


def test_the_bound_and_gap_of_a_proven_plan() -> None:
    """HiGHS proves Z = 20: its bound is 20 (within mip_gap 0) and its gap 0."""
    solution = solve(exact(rounding_down()), solver="highs")
    assert solution.bound == pytest.approx(20.0)
    assert solution.gap == pytest.approx(0.0, abs=1e-9)


def test_a_set_up_is_paid_only_where_it_buys_more_than_it_costs(solver: str) -> None:
    """A: 1 a unit, 10 points, set-up 3; B: 2 a unit, 8 points, no set-up; budget 6.
    A alone: 3 units (3 + 3 = 6), Z = 30. B alone: 3 units, Z = 24. Both: A 1 unit + B 1 unit
    = 1 + 3 + 2 = 6, Z = 18. Best: A held, 3 units, set-up money 3."""
    scenario = tiny(
        (
            Option("A", "training", 1.0, whole=True, setup_cost=3.0),
            Option("B", "training", 2.0, whole=True),
        ),
        (Effect("A", "D", 10.0), Effect("B", "D", 8.0)),
        (Budget(1, 6.0),),
    )
    solution = solve(exact(scenario), solver=solver)
    assert solution.score == pytest.approx(30.0)
    assert solution.allocation[["option", "units"]].values.tolist() == [["A", pytest.approx(3.0)]]
    assert solution.setups[["option", "period", "setup_cost"]].values.tolist() == [["A", 1, 3.0]]
    assert solution.spend == pytest.approx(6.0)


def test_relax_solves_the_lp_relaxation_and_says_so(solver: str) -> None:
    solution = solve(exact(rounding_down()), solver=solver, relax=True)
    assert solution.score == pytest.approx(25.0)
    assert solution.allocation["units"].tolist() == pytest.approx([2.5])
    assert "--relax" in solution.message
    assert solution.lp_bound is None


def test_a_scenario_without_lumps_has_no_integer_numbers(solver: str) -> None:
    scenario = tiny((Option("A", "training", 2.0),), (Effect("A", "D", 10.0),), (Budget(1, 5.0),))
    solution = solve(scenario, solver=solver)
    assert solution.score == pytest.approx(25.0)
    assert (solution.bound, solution.gap, solution.lp_bound) == (None, None, None)


def test_whole_units_that_cannot_meet_a_target_are_infeasible(solver: str) -> None:
    """Budget 5 buys 2 whole units (Z = 20) where the target asks 22: the LP could (2.2 units)."""
    from optimizer.scenario import Target

    scenario = dataclasses.replace(rounding_down(), targets=(Target("P1", "D", 1, 22.0),))
    assert solve(exact(scenario), solver=solver).status == "infeasible"


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(whole_scenarios())
def test_solve_finds_the_best_whole_plan_and_its_least_money(scenario: Scenario) -> None:
    scenario = exact(scenario)
    expected = best_whole_plan(scenario)
    found = solve(scenario, solver="highs")
    if expected is None:
        assert found.status == "infeasible"
        return
    assert found.status == "optimal"
    assert found.score == pytest.approx(expected.score, rel=1e-7, abs=1e-7)
    assert found.spend == pytest.approx(expected.spend, rel=1e-6, abs=1e-6)


def kept(*rows: tuple[str, str, int, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["option", "partner", "period", "units"])


def test_kept_units_of_a_whole_option_are_a_minimum_the_plan_rounds_up(solver: str) -> None:
    """1.5 units of whole A kept (budget 5, 2 a unit): not a broken rule; the plan has 2 units
    (Z = 20), the most whole units the budget buys."""
    solution = solve(exact(rounding_down()), solver=solver, keep=kept(("A", "P1", 1, 1.5)))
    assert solution.status == "optimal"
    assert solution.allocation["units"].tolist() == pytest.approx([2.0])


def test_kept_units_below_a_lot_open_the_lot(solver: str) -> None:
    """Lot size 2 (A: 1 a unit, 10 points; budget 2.5): keeping 1 unit is no broken rule; the plan
    funds the lot, 2 units (Z = 20), not 2.5 (whole)."""
    scenario = tiny(
        (Option("A", "training", 1.0, whole=True, min_units=2.0, max_units=3.0),),
        (Effect("A", "D", 10.0),),
        (Budget(1, 2.5),),
    )
    solution = solve(exact(scenario), solver=solver, keep=kept(("A", "P1", 1, 1.0)))
    assert solution.status == "optimal"
    assert solution.allocation["units"].tolist() == pytest.approx([2.0])


def test_the_score_of_a_whole_plan_is_its_units_score_exactly() -> None:
    """Budget 0 buys nothing, so Z is P1's baseline, 8 (P2 weighs 0). HiGHS's MIP held its
    readiness column 1e-6 above that (its feasibility tolerance) and solve said 8.000001: the
    score reported is the score of the whole units written in the plan."""
    from optimizer.scenario import Budget, Domain, Effect, Option, Partner, Settings

    scenario = Scenario(
        partners=(Partner("P1"), Partner("P2", weight=0.0)),
        domains=(Domain("D0"),),
        baseline={("P1", "D0"): 8.0, ("P2", "D0"): 0.0},
        options=tuple(Option(f"O{k}", "standardization", 0.5, max_units=1.0, whole=True) for k in (0, 1)),
        effects=(Effect("O1", "D0", 1.0),),
        budgets=(Budget(1, 0.0),),
        settings=Settings(weakest_link=0.0, score_cap=20.0),
    )
    found = solve(scenario, solver="highs")
    assert found.status == "optimal"
    assert found.score == 8.0
