"""More tiny scenarios solved by hand: a weakest-link blend below 1/2 and a lag under a target
in an intermediate period with the final period scored. Notation and tolerances as in
tests/test_hand_solved.py, whose helpers these use.
"""

from __future__ import annotations

from test_hand_solved import approx, budget, plan, ready, scenario, solved, units

from optimizer.scenario import Budget, Effect, Option, Partner, Target


def test_weakest_link_at_four_tenths_keeps_both_partners_level(solver: str) -> None:
    """lambda = 0.4: Z = 0.3 * (r_A + r_B) + 0.4 * min(r_A, r_B). A baseline 20, B baseline 40 with
    effectiveness 2; drill cost 10 gain 2 (A 0.2, B 0.4 points per money); budget 175.

    Rates per money: A while the weakest 0.2 * (0.3 + 0.4) = 0.14, A above B 0.2 * 0.3 = 0.06;
    B above A 0.4 * 0.3 = 0.12. Both together at a tie: one point on each costs 5 + 2.5 = 7.5
    and buys one point of Z (0.3 + 0.3 + 0.4), rate 2/15 = 0.1333 > 0.12.
    So A first, 100 money to r_A = 40 = r_B; the other 75 raise both together by 75 / 7.5 = 10:
    in all A 150 (15 drills, r_A = 50), B 25 (2.5 drills, r_B = 50).
    Z* = 0.3 * 100 + 0.4 * 50 = 50; the budget's price is 2/15 either side of the tie.
    (Check: A 100 and B 75 give r = 40, 70 and Z = 49; all to A gives 55, 40 and Z = 44.5.
    Lambda read as 0 would send all 175 to B: r_B = 100, Z = 60.) per_point = 7.5.
    """
    s = scenario(
        [Partner("A"), Partner("B", effectiveness=2)],
        {("A", "comms"): 20, ("B", "comms"): 40},
        [Option("drill", "training", 10)],
        [Effect("drill", "comms", 2)],
        [Budget(1, 175)],
        weakest_link=0.4,
    )
    sol = solved(s, solver)
    assert sol.score == approx(50)
    assert units(sol, "drill", "A") == plan(15, 50, 7.5)
    assert units(sol, "drill", "B") == plan(2.5, 50, 7.5)
    assert ready(sol, "A") == plan(50, 50, 7.5)
    assert ready(sol, "B") == plan(50, 50, 7.5)
    assert sol.spend == plan(175, 50, 7.5)
    assert budget(sol, "period", 1)["shadow_price"] == approx(2 / 15)


def test_lag_under_a_target_in_an_intermediate_period(solver: str) -> None:
    """score_periods final, one partner, baseline 10, three periods of budget 100; target
    r_2 >= 45. kit cost 10 gain 3 lag 1 (funded in tau, counts from tau + 1); drill cost 10 gain 1
    lag 0. Only r_2 (the target) and r_3 (the score) are modelled: the lag must land in the right one.

    Without the target: kits in periods 1 and 2, drills in 3. With it, r_2 = 10 + 3 * (kits of
    period 1) + (drills of periods 1 and 2). Period-1 money is best in kits (0.3 per money towards
    both r_2 and r_3): 10 kits, r_2 = 40. The last 5 points must come from drills of period 2
    (kits of period 2 count only from 3): 5 drills, 50 money, leaving 50 for 5 kits.
    Period 3: kits would count from 4 > H, so 10 drills.
    r_1 = 10, r_2 = 10 + 30 + 5 = 45, r_3 = 45 + 15 + 10 = 70 = Z*. Every money buys score:
    spend 300. (A lag landing one period early would let period-2 kits meet the target: Z = 80.)
    per_point = 10 (drills of period 3).
    """
    s = scenario(
        [Partner("A")],
        {("A", "comms"): 10},
        [Option("kit", "standardization", 10, lag=1), Option("drill", "training", 10)],
        [Effect("kit", "comms", 3), Effect("drill", "comms", 1)],
        [Budget(1, 100), Budget(2, 100), Budget(3, 100)],
        targets=(Target("A", "comms", 2, 45),),
        score_periods="final",
    )
    sol = solved(s, solver)
    assert sol.score == approx(70)
    assert units(sol, "kit", "A", 1) == plan(10, 70, 10)
    assert units(sol, "drill", "A", 1) == approx(0)
    assert units(sol, "kit", "A", 2) == plan(5, 70, 10)
    assert units(sol, "drill", "A", 2) == plan(5, 70, 10)
    assert units(sol, "kit", "A", 3) == approx(0)
    assert units(sol, "drill", "A", 3) == plan(10, 70, 10)
    assert [ready(sol, "A", period=t) for t in (1, 2, 3)] == [
        approx(10),
        plan(45, 70, 10),
        plan(70, 70, 10),
    ]
    assert sol.spend == plan(300, 70, 10)
