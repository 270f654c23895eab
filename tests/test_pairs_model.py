"""Pairwise interoperability (model.md): hand-solved scenarios, the literal model, and properties.

Notation as in test_hand_solved.py. With pair_weight mu and weakest_link lambda,
Z = (1 - mu) Z_partners + mu Z_pairs, Z_pairs = (1 - lambda) mean of pairs + lambda weakest pair
in a scenario of one domain whose pairs weigh the same.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from test_hand_solved import approx, plan
from test_model import optimum

from optimizer import pairs
from optimizer.evaluation import evaluate
from optimizer.io.synthetic import generate
from optimizer.lp import model as lp
from optimizer.lp.solve import solve
from optimizer.scenario import Budget, Domain, Effect, Option, Pair, Partner, Scenario, Settings


def units_of(solution, option: str) -> dict[str, float]:
    rows = solution.allocation[solution.allocation["option"] == option]
    return dict(zip(rows["partner"], rows["units"], strict=True))


def two_partners(**settings: object) -> Scenario:
    """A (40) and B (60) in one domain; the pair A-B starts at the weaker, 40."""
    return Scenario(
        partners=(Partner("A"), Partner("B")),
        domains=(Domain("land"),),
        baseline={("A", "land"): 40.0, ("B", "land"): 60.0},
        options=(Option("bil", "training", 1.0), Option("solo", "training", 1.0)),
        effects=(Effect("bil", "land", 1.0, pair_gain=4.0), Effect("solo", "land", 2.0)),
        budgets=(Budget(1, 10.0),),
        settings=Settings(weakest_link=0.0, **settings),  # type: ignore[arg-type]
        pairs=(Pair("A", "B", "land", 40.0),),
    )


def test_two_partners_one_pair_the_bilateral_exercise_wins(solver: str) -> None:
    """mu = 0.5, lambda = 0: Z = 0.5 * 0.5 (r_A + r_B) + 0.5 q_AB.

    solo: 2 points for one partner per unit of money: 0.25 * 2 = 0.5 score per money.
    bil: n units each for A and B cost 2n and give each partner n points (0.25 * 2n) and the
    pair 4n (0.5 * 4n): 2.5n per 2n money = 1.25 per money, so all 10 go to bil: n = 5
    (q = 40 + 20 = 60 <= 100). Z = 0.25 * (45 + 65) + 0.5 * 60 = 57.5; baseline
    0.25 * 100 + 0.5 * 40 = 45.
    """
    solution = solve(two_partners(), solver)
    assert solution.score == approx(57.5)
    assert solution.baseline_score == approx(45.0)
    assert units_of(solution, "bil") == {"A": plan(5.0, 57.5, 0.8), "B": plan(5.0, 57.5, 0.8)}
    assert units_of(solution, "solo") == {}


def test_two_partners_without_pair_weight_fund_solo_training(solver: str) -> None:
    """mu = 0: Z = 0.5 (r_A + r_B); solo buys 0.5 * 2 = 1 per money, bil 0.5 * 2 / 2 = 0.5:
    10 units of solo, Z = 0.5 * (40 + 60 + 20) = 60."""
    solution = solve(two_partners(pair_weight=0.0), solver)
    assert solution.score == approx(60.0)
    assert units_of(solution, "bil") == {}
    assert sum(units_of(solution, "solo").values()) == plan(10.0, 60.0, 1.0)


def three_partners() -> Scenario:
    """A, B, C at 50 with every pair at 40 in one domain; 'mul' (all three) and 'bil' (A and B)
    raise only pairs, no partner alone (partner gain 0: pruning must keep them)."""
    return Scenario(
        partners=(Partner("A"), Partner("B"), Partner("C")),
        domains=(Domain("sea"),),
        baseline={(p, "sea"): 50.0 for p in "ABC"},
        options=(Option("mul", "training", 1.0), Option("bil", "training", 1.0, partners=("A", "B"))),
        effects=(Effect("mul", "sea", 0.0, pair_gain=2.0), Effect("bil", "sea", 0.0, pair_gain=3.0)),
        budgets=(Budget(1, 9.0),),
        settings=Settings(weakest_link=0.5, pair_weight=0.5),
        pairs=(Pair("A", "B", "sea", 40.0), Pair("A", "C", "sea", 40.0), Pair("B", "C", "sea", 40.0)),
    )


def test_three_partners_one_multilateral_exercise_raises_every_pair(solver: str) -> None:
    """Z_partners stays 50. With mul units a <= b <= c (sum 9) the joint units are
    min(a,b) + min(a,c) + min(b,c) = 2a + b <= a + b + c, equal only when a = b = c = 3,
    and the weakest pair gains 2a <= 6: (3, 3, 3) is best, every pair 46, Z_pairs = 46.
    Moving 2m of money to bil (A-B +3m) leaves mul at n = 3 - 2m/3 and
    Z_pairs = 40 + 2n + 0.5 * m = 46 - 5m/6: worse. Z = 0.5 * 50 + 0.5 * 46 = 48; baseline 45.
    """
    solution = solve(three_partners(), solver)
    assert solution.score == approx(48.0)
    assert solution.baseline_score == approx(45.0)
    assert units_of(solution, "mul") == {p: plan(3.0, 48.0, 3.0) for p in "ABC"}
    assert units_of(solution, "bil") == {}


def test_evaluated_pair_readiness_takes_the_less_frequent_partner() -> None:
    """mul units A 3, B 1, C 2: joint units A-B 1, A-C 2, B-C 1, at 2 points each:
    q = 42, 44, 42; Z_pairs = 0.5 * (128 / 3) + 0.5 * 42; Z = 0.5 * 50 + 0.5 * Z_pairs."""
    scenario = three_partners()
    units = np.zeros((2, 3, 1))
    units[0, :, 0] = [3.0, 1.0, 2.0]
    assert pairs.raw_pair_readiness(scenario, units)[:, 0].tolist() == [42.0, 44.0, 42.0]
    assert pairs.plan_score(scenario, units) == pytest.approx(25 + 0.5 * (64 / 3 + 21))


def with_pairs(scenario: Scenario, share: float, seed: int, weakest: float = 0.25) -> Scenario:
    """The scenario with a `share` of all pairs listed in every domain (score blank: the weaker
    baseline, some weights 0 or 2) and pair gains on every training option."""
    rng = np.random.default_rng(seed)
    ids = [p.id for p in scenario.partners]
    listed = []
    for d in scenario.domains:
        first = True  # weighs 1: a domain's pair weights never all 0
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                if rng.random() < share:
                    base = min(scenario.baseline[a, d.id], scenario.baseline[b, d.id])
                    weight = 1.0 if first else float(rng.choice([1.0, 1.0, 2.0, 0.0]))
                    listed.append(Pair(a, b, d.id, base, weight))
                    first = False
    training = {o.id for o in scenario.options if o.type == "training"}
    effects = tuple(
        dataclasses.replace(e, pair_gain=round(e.gain * 1.5, 3)) if e.option in training else e
        for e in scenario.effects
    )
    return dataclasses.replace(scenario, pairs=tuple(listed), effects=effects).with_settings(
        weakest_link=weakest
    )


@pytest.mark.parametrize("size", [(3, 5, 2, 3), (5, 8, 3, 4)])
@pytest.mark.parametrize("periods", ["final", "all"])
@pytest.mark.parametrize("seed", [0, 1])
def test_literal_model_with_pairs_has_the_same_optimum(size, periods, seed) -> None:
    scenario = with_pairs(generate(*size, seed=seed), 0.7, seed).with_settings(score_periods=periods)
    reduced, literal = optimum(scenario, reduced=True), optimum(scenario, reduced=False)
    assert reduced[0] == pytest.approx(literal[0], rel=1e-9, abs=1e-9)
    assert reduced[1] == pytest.approx(literal[1], rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pair_weight_zero_gives_todays_plan_and_score_exactly(seed: int) -> None:
    scenario = generate(6, 12, 4, 3, seed=seed)
    paired = with_pairs(scenario, 0.6, seed).with_settings(pair_weight=0.0)
    today, zero = solve(scenario), solve(paired)
    assert zero.score == today.score
    assert zero.baseline_score == today.baseline_score
    assert zero.allocation.equals(today.allocation)
    built, built_today = lp.build(paired), lp.build(scenario)
    assert np.array_equal(built.score, built_today.score)
    assert built.row_names == built_today.row_names


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("weakest", [0.0, 0.4])
def test_with_pairs_the_optimum_is_the_evaluated_score_of_its_plan(seed: int, weakest: float) -> None:
    scenario = with_pairs(generate(6, 12, 4, 3, seed=seed), 0.6, seed, weakest).with_settings(
        score_periods="all" if seed == 1 else "final"
    )
    solution = solve(scenario)
    evaluated = evaluate(scenario, solution.allocation)
    assert evaluated.score == pytest.approx(solution.score, rel=1e-6, abs=1e-6)
