"""Re-planning from what happened (model.md), on scenarios small enough to solve by hand.

The hand scenario: one partner P, one domain D, baseline 10, option X (unit cost 1, 2 points per
unit, no lag), budgets of 5 in each of three periods, the score counting the final period only. With
one partner and one domain, Z = r_D,3 = 10 + 2 * (x1 + x2 + x3), so the optimum spends every budget:
x = 5, 5, 5 and Z* = 40. The adopted plan is that optimum; the re-plan starts in period 3.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.errors import InputError, ParamError
from optimizer.io.actuals import Actuals, load_actuals
from optimizer.io.synthetic import generate
from optimizer.lp.solve import solve
from optimizer.scenario import Budget, Domain, Effect, Option, Partner, Scenario, Settings, Target
from optimizer.studies.replan import replan

ADOPTED = pd.DataFrame(
    {"option": ["X", "X", "X"], "partner": ["P", "P", "P"], "period": [1, 2, 3], "units": [5.0, 5.0, 5.0]}
)


def hand(
    options: tuple[Option, ...] = (Option("X", "training", 1.0),), targets: tuple[Target, ...] = ()
) -> Scenario:
    return Scenario(
        partners=(Partner("P"),),
        domains=(Domain("D"),),
        baseline={("P", "D"): 10.0},
        options=options,
        effects=tuple(Effect(o.id, "D", 2.0) for o in options),
        budgets=tuple(Budget(t, 5.0) for t in (1, 2, 3)),
        targets=targets,
        settings=Settings(weakest_link=0.0),
    )


def actuals(spent: list[tuple[str, str, int, float]], measured: list[tuple[str, str, int, float]]) -> Actuals:
    return Actuals(
        pd.DataFrame(spent, columns=["option", "partner", "period", "units"]),
        pd.DataFrame(measured, columns=["partner", "domain", "period", "score"]),
    )


def test_as_planned_the_re_plan_keeps_the_plan_and_its_score() -> None:
    """Everything as planned: spent 5, 5 and readiness measured after period 2 as predicted,
    10 + 2 * 10 = 30. Period 3 can still buy 5 units: Z = 40 again, nothing moved."""
    result = replan(
        hand(), ADOPTED, actuals([("X", "P", 1, 5.0), ("X", "P", 2, 5.0)], [("P", "D", 2, 30.0)]), 3
    )
    assert result.status == "optimal"
    assert result.solution.score == pytest.approx(40.0, abs=1e-6)
    assert result.money_moved == pytest.approx(0.0, abs=1e-6)
    assert result.changes.empty
    assert result.evaluation.to_dict("records") == [
        {"partner": "P", "domain": "D", "period": 2, "predicted": 30.0, "measured": 30.0, "difference": 0.0}
    ]
    assert result.effectiveness.to_dict("records") == [{"partner": "P", "factor": 1.0, "cells": 1}]
    assert result.kept.score == pytest.approx(40.0, abs=1e-6)


def test_a_slipped_exercise_and_a_low_measurement() -> None:
    """Period 2 funded only 3 units (an exercise slipped) and readiness measured 20 after it.

    Predicted from the units really funded: 10 + 2 * (5 + 3) = 26, so the difference is -6. The
    implied effectiveness is f = G * M / G^2 with G = 16 modelled points and M = 20 - 10 measured:
    f = 10 / 16 = 0.625. The re-plan grows from the measured 20: period 3's 5 units give 30. Kept
    as it is, the adopted plan (5 units in period 3) scores the same 30: no money moves."""
    result = replan(hand(), ADOPTED, actuals([("X", "P", 2, 3.0)], [("P", "D", 2, 20.0)]), 3)
    assert result.evaluation.loc[0, "predicted"] == pytest.approx(26.0)
    assert result.evaluation.loc[0, "difference"] == pytest.approx(-6.0)
    assert result.effectiveness.loc[0, "factor"] == pytest.approx(0.625)
    assert result.solution.score == pytest.approx(30.0, abs=1e-6)
    assert result.kept.score == pytest.approx(30.0, abs=1e-6)
    assert result.money_moved == pytest.approx(0.0, abs=1e-6)
    # period 1 had no spent rows: funded as adopted (5); period 2 as really spent (3)
    history = result.solution.allocation.set_index("period")["units"]
    assert history[1] == pytest.approx(5.0) and history[2] == pytest.approx(3.0)


def test_recalibrating_re_plans_with_the_fitted_effectiveness() -> None:
    """With eta = 0.625 the model explains the measured 20 exactly (10 + 0.625 * 16), and period 3's
    5 units add 0.625 * 2 * 5 = 6.25: Z = 26.25."""
    result = replan(
        hand(), ADOPTED, actuals([("X", "P", 2, 3.0)], [("P", "D", 2, 20.0)]), 3, recalibrate=True
    )
    assert result.recalibrated
    assert result.solution.score == pytest.approx(26.25, abs=1e-6)
    assert result.solution.scenario.partners[0].effectiveness == pytest.approx(0.625)


def test_persistence_keeps_what_partners_were_told_among_equal_plans() -> None:
    """Two identical options X and Y (cost 1, 2 points). The adopted plan split period 3 as 2.5 X +
    2.5 Y: every split of 5 units scores 40 at 15 money, so phases 1 and 2 may return any of them (a
    simplex vertex is 5 + 0); phase 3 must return the adopted split and move nothing."""
    options = (Option("X", "training", 1.0), Option("Y", "training", 1.0))
    adopted = pd.DataFrame(
        {
            "option": ["X", "X", "X", "Y"],
            "partner": ["P"] * 4,
            "period": [1, 2, 3, 3],
            "units": [5.0, 5.0, 2.5, 2.5],
        }
    )
    result = replan(hand(options), adopted, actuals([], [("P", "D", 2, 30.0)]), 3)
    plan = result.solution.allocation.set_index(["option", "period"])["units"]
    assert plan[("X", 3)] == pytest.approx(2.5, abs=1e-6) and plan[("Y", 3)] == pytest.approx(2.5, abs=1e-6)
    assert result.money_moved == pytest.approx(0.0, abs=1e-6)


def test_money_moved_counts_each_unit_moved_at_its_cost() -> None:
    """Score cap 45, and readiness measured 40 after period 2 where 30 was predicted. Period 3 needs
    only (45 - 40) / 2 = 2.5 units to reach the cap; more buys nothing, so phase 2 funds 2.5 and the
    other 2.5 adopted units (2.5 money at unit cost 1) move."""
    scenario = replace(hand(), settings=Settings(weakest_link=0.0, score_cap=45.0))
    result = replan(scenario, ADOPTED, actuals([], [("P", "D", 2, 40.0)]), 3)
    assert result.solution.score == pytest.approx(45.0, abs=1e-6)
    assert result.changes[["option", "period"]].to_dict("records") == [{"option": "X", "period": 3}]
    assert result.changes.loc[0, "replanned"] == pytest.approx(2.5, abs=1e-5)
    assert result.money_moved == pytest.approx(2.5, abs=1e-5)
    # keeping the adopted plan scores the same 45 but spends 2.5 more than it needs
    assert result.kept.spend - result.solution.spend == pytest.approx(2.5, abs=1e-5)


def test_history_that_makes_a_target_unreachable_is_infeasible_with_the_shortfall() -> None:
    """A target of 45 in period 3 after readiness measured 20: period 3 can add at most 2 * 5 = 10,
    reaching 30, short by 15."""
    scenario = hand(targets=(Target("P", "D", 3, 45.0),))
    result = replan(scenario, ADOPTED, actuals([], [("P", "D", 2, 20.0)]), 3)
    assert result.status == "infeasible"
    shortfall = result.solution.shortfalls.iloc[0]
    assert (shortfall["period"], shortfall["shortfall"]) == (3, pytest.approx(15.0, abs=1e-6))


def test_past_targets_and_budgets_are_history_not_rules() -> None:
    """Period 1 overspent (8 against a budget of 5) and missed a target of 30 in period 1 (readiness
    26): the re-plan from period 2 still solves, funding 5 + 5 more: Z = 26 + 20 = 46."""
    scenario = hand(targets=(Target("P", "D", 1, 30.0),))
    result = replan(scenario, ADOPTED, actuals([("X", "P", 1, 8.0)], []), 2)
    assert result.status == "optimal"
    assert result.solution.score == pytest.approx(46.0, abs=1e-6)


@pytest.mark.slow
def test_the_re_plan_of_a_generated_scenario_equals_the_plan_when_all_went_as_planned() -> None:
    """A larger case: every actual equals the adopted optimum's, so the re-plan keeps its score and
    moves (almost) no money: phases 2 and 3 may each give up the model's epsilon, no more."""
    scenario = generate(5, 8, 3, 4, seed=3)
    base = solve(scenario)
    adopted = base.allocation[["option", "partner", "period", "units"]]
    readiness = base.readiness
    cap = scenario.settings.score_cap
    measured = readiness[(readiness["period"] < 3) & (readiness["score"] < cap)]
    result = replan(
        scenario,
        adopted,
        Actuals(adopted[adopted["period"] < 3], measured[["partner", "domain", "period", "score"]]),
        3,
    )
    assert result.solution.score == pytest.approx(base.score, rel=1e-6)
    assert result.money_moved <= 1e-6 * max(1.0, base.spend)
    assert np.allclose(result.effectiveness["factor"], 1.0)


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), lift=st.floats(0.0, 20.0), replan_from=st.integers(2, 4))
def test_measured_above_prediction_never_lowers_the_re_planned_score(
    seed: int, lift: float, replan_from: int
) -> None:
    scenario = generate(4, 6, 3, 4, seed=seed)
    base = solve(scenario)
    adopted = base.allocation[["option", "partner", "period", "units"]]
    readiness = base.readiness[base.readiness["period"] < replan_from]
    as_predicted = readiness[["partner", "domain", "period", "score"]]
    higher = as_predicted.assign(score=np.minimum(as_predicted["score"] + lift, scenario.settings.score_cap))
    spent = adopted[adopted["period"] < replan_from]
    low = replan(scenario, adopted, Actuals(spent, as_predicted), replan_from)
    high = replan(scenario, adopted, Actuals(spent, higher), replan_from)
    assert low.status == high.status == "optimal"
    assert high.solution.score >= low.solution.score - 1e-6 * max(1.0, abs(low.solution.score))


def write_actuals(folder, spent: str, measured: str) -> None:
    folder.mkdir()
    (folder / "spent.csv").write_text(spent)
    (folder / "measured.csv").write_text(measured)


def test_actuals_are_checked_with_located_errors(tmp_path) -> None:
    folder = tmp_path / "actuals"
    write_actuals(
        folder,
        "option,partner,period,units\nX,P,1,5\nX,Q,1,1\nX,P,3,2\n",
        "partner,domain,period,score\nP,D,2,140\nP,E,1,20\n",
    )
    with pytest.raises(InputError) as error:
        load_actuals(folder, hand(), 3)
    lines = [str(p) for p in error.value.problems]
    assert any("spent.csv" in line and "row 3" in line and "'partner'" in line for line in lines)
    assert any("row 4" in line and "before the re-plan" in line for line in lines)
    assert any("measured.csv" in line and "row 2" in line and "0 to 100" in line for line in lines)
    assert any("row 3" in line and "'domain'" in line for line in lines)
    assert len(lines) == 4


@pytest.mark.parametrize("replan_from", [1, 4])
def test_the_re_plan_period_must_leave_a_past_and_a_future(replan_from: int) -> None:
    with pytest.raises(ParamError, match="from 2 to 3"):
        replan(hand(), ADOPTED, actuals([], []), replan_from)


def test_readiness_measured_below_baseline_is_taken_as_measured() -> None:
    """Readiness measured 4 after period 2, below the baseline of 10 (trained people left), with
    every period scored. Period 1 as adopted: 10 + 2 * 5 = 20; period 2 as measured: 4; period 3
    grows from 4 by 5 units: 14. Z = (20 + 4 + 14) / 3."""
    scenario = replace(hand(), settings=Settings(weakest_link=0.0, score_periods="all"))
    result = replan(scenario, ADOPTED, actuals([], [("P", "D", 2, 4.0)]), 3)
    assert result.status == "optimal"
    assert result.solution.score == pytest.approx(38 / 3, abs=1e-6)


def test_a_re_plan_of_whole_exercises_funds_whole_units() -> None:
    """X whole, period 3's budget 4.5: the re-plan funds 4 units, not 4.5. From the measured 30:
    Z = 30 + 2 * 4 = 38 (the LP bound, with 4.5 units, is 39)."""
    scenario = replace(
        hand((Option("X", "training", 1.0, whole=True),)),
        budgets=(Budget(1, 5.0), Budget(2, 5.0), Budget(3, 4.5)),
    )
    result = replan(scenario, ADOPTED, actuals([], [("P", "D", 2, 30.0)]), 3)
    assert result.status == "optimal"
    assert result.solution.score == pytest.approx(38.0, abs=1e-6)
    assert result.solution.lp_bound == pytest.approx(39.0, abs=1e-6)
    units = result.solution.allocation.set_index("period")["units"]
    assert units[3] == pytest.approx(4.0, abs=1e-9)
    assert result.money_moved == pytest.approx(1.0, abs=1e-6)  # 5 adopted units in period 3 become 4
