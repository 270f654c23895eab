"""Tiny scenarios whose optimum is worked out by hand (shared/model.md).

Every test builds its scenario straight from the dataclasses, states the
arithmetic of the optimum in its docstring, and runs once per solver (the
`solver` fixture in conftest.py), so HiGHS and CBC must both reach the hand
answer.

Notation used in the docstrings: a "rate" is score points of Z per currency
unit spent, i.e. (coefficient of the partner's readiness in Z) * eta_p * g_o,d
/ (c_o * kappa_p). With one partner, average and weakest link coincide, so
Z = sum_d w^_d * r_d whatever lambda is.

Tolerances. Phase-1 numbers (Z*, shadow prices, shortfalls) are unique and
checked to 1e-6. The reported plan comes from phase 2, which may give up
eps = 1e-7 * max(1, |Z*|) of score to save money (model.md), so a plan
quantity (spend, units, readiness) may sit eps * per_point away from the hand
value (the check allows twice that), per_point being how much that quantity moves per score point; it is
worked out in each test as money per point at the margin phase 2 would cut
(1 / the rate), which bounds readiness and units as well in these scenarios.
"""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.lp.solve import solve
from optimizer.results import Solution
from optimizer.scenario import Budget, Domain, Effect, Option, Partner, Scenario, Settings, Target

TOL = 1e-6


def approx(expected: float) -> object:
    return pytest.approx(expected, abs=TOL)


def plan(expected: float, z: float, per_point: float) -> object:
    """A phase-2 plan quantity: allow the eps of score that phase 2 may trade for money
    (twice eps, so that a solver's feasibility tolerance on the Z >= Z* - eps row fits too)."""
    return pytest.approx(expected, abs=TOL + 2 * 1e-7 * max(1.0, abs(z)) * per_point)


def scenario(
    partners: list[Partner],
    baseline: dict[tuple[str, str], float],
    options: list[Option],
    effects: list[Effect],
    budgets: list[Budget],
    domains: list[Domain] | None = None,
    targets: tuple[Target, ...] = (),
    **settings: object,
) -> Scenario:
    return Scenario(
        partners=tuple(partners),
        domains=tuple(domains or [Domain("comms")]),
        baseline=baseline,
        options=tuple(options),
        effects=tuple(effects),
        budgets=tuple(budgets),
        targets=targets,
        settings=Settings(**settings),  # type: ignore[arg-type]
    )


def check_budget_use(solution: Solution) -> None:
    """Every budget_use row: spend is the allocation's cost over what the row limits, slack = limit - spend,
    shadow price >= 0 (planner's sign convention)."""
    alloc = solution.allocation
    kinds = {o.id: o.type for o in solution.scenario.options}
    for row in solution.budget_use.itertuples(index=False):
        in_period = alloc[alloc["period"] == row.period]
        if row.kind == "period":
            spent = in_period["cost"].sum()
        elif row.kind == "type":
            spent = in_period[in_period["option"].map(kinds) == row.name]["cost"].sum()
        elif row.kind == "partner":
            spent = in_period[in_period["partner"] == row.name]["cost"].sum()
        else:
            raise AssertionError(f"unknown budget_use kind {row.kind!r}")
        assert row.spend == pytest.approx(float(spent), abs=TOL), row
        assert row.slack == pytest.approx(row.limit - row.spend, abs=TOL), row
        assert row.shadow_price >= -TOL, row
    # the period rows together are the whole spend
    periods = solution.budget_use[solution.budget_use["kind"] == "period"]
    assert periods["spend"].sum() == pytest.approx(solution.spend, abs=TOL)
    assert sum(solution.spend_by_period) == pytest.approx(solution.spend, abs=TOL)


def solved(s: Scenario, solver: str) -> Solution:
    solution = solve(s, solver=solver, time_limit=None)
    assert solution.status == "optimal", solution.message
    assert solution.is_ok and solution.has_plan
    check_budget_use(solution)
    return solution


def budget(solution: Solution, kind: str, period: int, name: str | None = None) -> pd.Series:
    bu = solution.budget_use
    rows = bu[(bu["kind"] == kind) & (bu["period"] == period)]
    if name is not None:
        rows = rows[rows["name"] == name]
    assert len(rows) == 1, bu
    return rows.iloc[0]


def ready(solution: Solution, partner: str, domain: str = "comms", period: int = 1) -> float:
    r = solution.readiness
    rows = r[(r["partner"] == partner) & (r["domain"] == domain) & (r["period"] == period)]
    assert len(rows) == 1, r
    return float(rows["score"].iloc[0])


def units(solution: Solution, option: str, partner: str, period: int = 1) -> float:
    a = solution.allocation
    rows = a[(a["option"] == option) & (a["partner"] == partner) & (a["period"] == period)]
    return float(rows["units"].sum())


# --------------------------------------------------------------------------- period budget


def test_period_budget_binds(solver: str) -> None:
    """One partner, baseline 20, one option: cost 10, gain 2 (rate 0.2), budget 100.

    Units = 100 / 10 = 10, r = 20 + 10 * 2 = 40 = Z*. The whole budget is spent
    (slack 0) and one more currency unit buys 2 / 10 = 0.2 points: the shadow
    price. Non-degenerate: x, c, m basic against budget, c <= r and m <= c.
    Readiness row by hand: baseline 20, score 40, level 1 (25 <= 40 < 50).
    per_point = 1 / 0.2 = 5.
    """
    s = scenario(
        [Partner("A")],
        {("A", "comms"): 20},
        [Option("drill", "training", 10)],
        [Effect("drill", "comms", 2)],
        [Budget(1, 100)],
    )
    sol = solved(s, solver)
    assert sol.score == approx(40)
    assert sol.baseline_score == approx(20)
    assert sol.spend == plan(100, 40, 5)
    assert sol.spend_by_period == [plan(100, 40, 5)]
    assert units(sol, "drill", "A") == plan(10, 40, 5)
    row = sol.readiness.iloc[0]
    assert len(sol.readiness) == 1
    assert (row["partner"], row["domain"], row["period"]) == ("A", "comms", 1)
    assert row["baseline"] == approx(20)
    assert row["score"] == plan(40, 40, 5)
    assert row["level"] == 1
    b = budget(sol, "period", 1)
    assert b["limit"] == approx(100)
    assert b["spend"] == plan(100, 40, 5)
    assert b["slack"] == plan(0, 40, 5)
    assert b["shadow_price"] == approx(0.2)


def test_best_option_by_gain_per_money(solver: str) -> None:
    """One partner, baseline 10, budget 200 and three options:
    exercise 3 / 20 = 0.15, radios 10 / 50 = 0.2, liaison 0.5 / 5 = 0.1 points per money.

    All money goes to radios: 200 / 50 = 4 units, +40 -> Z* = 50, shadow price 0.2
    (the best rate). Nothing else is funded. per_point = 5.
    """
    s = scenario(
        [Partner("A")],
        {("A", "comms"): 10},
        [
            Option("exercise", "training", 20),
            Option("radios", "standardization", 50),
            Option("liaison", "liaison", 5),
        ],
        [Effect("exercise", "comms", 3), Effect("radios", "comms", 10), Effect("liaison", "comms", 0.5)],
        [Budget(1, 200)],
    )
    sol = solved(s, solver)
    assert sol.score == approx(50)
    assert set(sol.allocation["option"]) == {"radios"}
    assert units(sol, "radios", "A") == plan(4, 50, 5)
    assert sol.spend == plan(200, 50, 5)
    assert budget(sol, "period", 1)["shadow_price"] == approx(0.2)


@pytest.mark.parametrize(
    ("comms_weight", "score", "radios", "trucks", "price"),
    [
        # w^ = 3/4, 1/4: radios 0.75 * 5 / 10 = 0.375 beats trucks 0.25 * 8 / 10 = 0.2;
        # 40 / 10 = 4 radios -> comms 60, Z* = 0.75 * 60 + 0.25 * 40 = 55
        (3.0, 55.0, 4.0, 0.0, 0.375),
        # w^ = 1/2, 1/2: radios 0.25 loses to trucks 0.4; 4 trucks -> logistics 72,
        # Z* = 0.5 * 40 + 0.5 * 72 = 56
        (1.0, 56.0, 0.0, 4.0, 0.4),
    ],
)
def test_domain_weights(
    solver: str, comms_weight: float, score: float, radios: float, trucks: float, price: float
) -> None:
    """One partner, baseline 40 in comms and logistics, budget 40; radios (cost 10) give
    5 comms points, trucks (cost 10) 8 logistics points. Domain weights decide (see the
    parameters). per_point = 1 / price < 3."""
    s = scenario(
        [Partner("A")],
        {("A", "comms"): 40, ("A", "logistics"): 40},
        [Option("radios", "standardization", 10), Option("trucks", "standardization", 10)],
        [Effect("radios", "comms", 5), Effect("trucks", "logistics", 8)],
        [Budget(1, 40)],
        domains=[Domain("comms", weight=comms_weight), Domain("logistics", weight=1.0)],
    )
    sol = solved(s, solver)
    assert sol.score == approx(score)
    assert units(sol, "radios", "A") == plan(radios, score, 3)
    assert units(sol, "trucks", "A") == plan(trucks, score, 3)
    assert ready(sol, "A", "comms") == plan(40 + 5 * radios, score, 3)
    assert ready(sol, "A", "logistics") == plan(40 + 8 * trucks, score, 3)
    assert budget(sol, "period", 1)["shadow_price"] == approx(price)


# --------------------------------------------------------------------------- type budget


def test_type_budget_caps_training(solver: str) -> None:
    """One partner, baseline 0, budget 100 of which at most 30 for training.
    drill (training) cost 10 gain 4: 0.4 per money; kit (standardization) cost 20 gain 5: 0.25.

    Training first, up to its cap: 30 / 10 = 3 drills, +12. The other 70 go to kit:
    70 / 20 = 3.5 kits, +17.5. Z* = 29.5.
    Shadow prices: one more unit of total budget buys kit, 0.25; one more unit of
    training budget moves a unit of money from kit to drill, 0.4 - 0.25 = 0.15.
    Non-degenerate: x_drill, x_kit, c, m basic against the four binding rows.
    per_point = 1 / 0.25 = 4 (phase 2 would cut kit money).
    """
    s = scenario(
        [Partner("A")],
        {("A", "comms"): 0},
        [Option("drill", "training", 10), Option("kit", "standardization", 20)],
        [Effect("drill", "comms", 4), Effect("kit", "comms", 5)],
        [Budget(1, 100, {"training": 30})],
    )
    sol = solved(s, solver)
    assert sol.score == approx(29.5)
    assert units(sol, "drill", "A") == plan(3, 29.5, 4)
    assert units(sol, "kit", "A") == plan(3.5, 29.5, 4)
    assert sol.spend == plan(100, 29.5, 4)
    total = budget(sol, "period", 1)
    assert total["shadow_price"] == approx(0.25)
    training = budget(sol, "type", 1, "training")
    assert training["limit"] == approx(30)
    assert training["spend"] == plan(30, 29.5, 4)
    assert training["slack"] == plan(0, 29.5, 4)
    assert training["shadow_price"] == approx(0.15)


# --------------------------------------------------------------------------- partners


def test_partner_cap_cost_factor_effectiveness(solver: str) -> None:
    """lambda = 0, three partners of weight 1 (w^ = 1/3), baseline 30, one option drill cost 10
    gain 4, budget 100.
      A: kappa 1, eta 1, max_spend 60: rate (1/3) * 4 / 10          = 0.1333
      B: kappa 2, eta 1.5:             rate (1/3) * 1.5 * 4 / 20    = 0.1
      C: eta 0.5:                      rate (1/3) * 0.5 * 4 / 10    = 0.0667
    A takes its cap 60: 6 units, r_A = 30 + 24 = 54. B takes the other 40: a unit costs
    10 * 2 = 20, so 2 units, r_B = 30 + 1.5 * 4 * 2 = 42. C stays at 30.
    Z* = (54 + 42 + 30) / 3 = 42.
    Shadow prices: budget 0.1 (B's rate); A's cap 0.1333 - 0.1 = 1/30.
    per_point = 10 (phase 2 cuts B's money).
    """
    s = scenario(
        [
            Partner("A", max_spend=60),
            Partner("B", cost_factor=2, effectiveness=1.5),
            Partner("C", effectiveness=0.5),
        ],
        {("A", "comms"): 30, ("B", "comms"): 30, ("C", "comms"): 30},
        [Option("drill", "training", 10)],
        [Effect("drill", "comms", 4)],
        [Budget(1, 100)],
        weakest_link=0.0,
    )
    sol = solved(s, solver)
    assert sol.score == approx(42)
    assert units(sol, "drill", "A") == plan(6, 42, 10)
    assert units(sol, "drill", "B") == plan(2, 42, 10)
    assert units(sol, "drill", "C") == plan(0, 42, 10)
    b_row = sol.allocation[sol.allocation["partner"] == "B"]
    assert float(b_row["cost"].sum()) == plan(40, 42, 10)
    assert ready(sol, "A") == plan(54, 42, 10)
    assert ready(sol, "B") == plan(42, 42, 10)
    assert ready(sol, "C") == approx(30)
    assert budget(sol, "period", 1)["shadow_price"] == approx(0.1)
    cap = budget(sol, "partner", 1, "A")
    assert cap["limit"] == approx(60)
    assert cap["spend"] == plan(60, 42, 10)
    assert cap["shadow_price"] == approx(1 / 30)
    assert set(sol.budget_use.loc[sol.budget_use["kind"] == "partner", "name"]) == {"A"}


def test_max_units_per_partner_per_period(solver: str) -> None:
    """One partner, baseline 20, two periods of budget 30, final score.
    radios cost 10 gain 5 (0.5 per money) at most 2 units per period; drill cost 10 gain 2 (0.2).

    Each period: 2 radios (20 money, +10) then 1 drill (10 money, +2).
    r_1 = 32, r_2 = Z* = 20 + 2 * 12 = 44. (A cap over the whole horizon would give
    20 + 10 + 4 * 2 = 38.) Both budgets price 0.2: the marginal money buys drill, and with
    lag 0 it counts in the final period whichever period funds it. per_point = 5.
    """
    s = scenario(
        [Partner("A")],
        {("A", "comms"): 20},
        [Option("radios", "standardization", 10, max_units=2), Option("drill", "training", 10)],
        [Effect("radios", "comms", 5), Effect("drill", "comms", 2)],
        [Budget(1, 30), Budget(2, 30)],
    )
    sol = solved(s, solver)
    assert sol.score == approx(44)
    for t in (1, 2):
        assert units(sol, "radios", "A", t) == plan(2, 44, 5)
        assert units(sol, "drill", "A", t) == plan(1, 44, 5)
        assert budget(sol, "period", t)["shadow_price"] == approx(0.2)
    assert ready(sol, "A", period=1) == plan(32, 44, 5)
    assert ready(sol, "A", period=2) == plan(44, 44, 5)
    assert sol.spend_by_period == [plan(30, 44, 5), plan(30, 44, 5)]


def test_eligibility(solver: str) -> None:
    """lambda = 0, A weight 3, B weight 1 (w^ = 0.75, 0.25), both at baseline 20, budget 100.
    radios cost 10 gain 5 only for B: rate 0.25 * 5 / 10 = 0.125 (for A it would be 0.375);
    drill cost 10 gain 2 for everyone: A 0.75 * 0.2 = 0.15, B 0.05.

    Best eligible use is drill for A: 10 units, r_A = 40; Z* = 0.75 * 40 + 0.25 * 20 = 35.
    (Ignoring eligibility, radios for A would give 0.75 * 70 + 5 = 57.5.) Price 0.15.
    per_point = 1 / 0.15 < 7.
    """
    s = scenario(
        [Partner("A", weight=3), Partner("B", weight=1)],
        {("A", "comms"): 20, ("B", "comms"): 20},
        [Option("radios", "standardization", 10, partners=("B",)), Option("drill", "training", 10)],
        [Effect("radios", "comms", 5), Effect("drill", "comms", 2)],
        [Budget(1, 100)],
        weakest_link=0.0,
    )
    sol = solved(s, solver)
    assert sol.score == approx(35)
    a = sol.allocation
    assert a[(a["option"] == "radios") & (a["partner"] == "A")].empty
    assert units(sol, "drill", "A") == plan(10, 35, 7)
    assert ready(sol, "A") == plan(40, 35, 7)
    assert ready(sol, "B") == plan(20, 35, 7)
    assert budget(sol, "period", 1)["shadow_price"] == approx(0.15)


# --------------------------------------------------------------------------- score cap


def test_score_cap_phase2_spends_only_what_buys_score(solver: str) -> None:
    """One partner, baseline 70, score cap U = 80, option cost 10 gain 2, budget 100.

    The cap is reached with (80 - 70) / 2 = 5 units = 50 money; Z* = 80. Money above that
    buys nothing, so phase 2 spends exactly 50: slack 50. The budget's shadow price is 0
    (unique: a dual with a positive budget price costs 100 * y > 0 more in the dual objective).
    Readiness reported = min(r, U) = 80, level 3 (>= 75). per_point = 5.
    """
    s = scenario(
        [Partner("A")],
        {("A", "comms"): 70},
        [Option("drill", "training", 10)],
        [Effect("drill", "comms", 2)],
        [Budget(1, 100)],
        score_cap=80.0,
    )
    sol = solved(s, solver)
    assert sol.score == approx(80)
    assert sol.spend == plan(50, 80, 5)
    assert units(sol, "drill", "A") == plan(5, 80, 5)
    assert ready(sol, "A") == plan(80, 80, 5)
    assert sol.readiness["score"].max() <= 80 + TOL
    assert int(sol.readiness["level"].iloc[0]) == 3
    b = budget(sol, "period", 1)
    assert b["slack"] == plan(50, 80, 5)
    assert b["shadow_price"] == approx(0)


# --------------------------------------------------------------------------- weakest link


def test_weakest_link_zero_is_weighted_average(solver: str) -> None:
    """lambda = 0: Z = sum_p w^_p r_p. A weight 1 baseline 10, B weight 3 baseline 50
    (w^ = 0.25, 0.75); option cost 10 gain 2; budget 100.
    Rates: A 0.25 * 0.2 = 0.05, B 0.75 * 0.2 = 0.15, so all money goes to B, the strongest:
    r_B = 50 + 20 = 70, Z* = 0.25 * 10 + 0.75 * 70 = 55. Price 0.15. per_point < 7.
    """
    s = scenario(
        [Partner("A", weight=1), Partner("B", weight=3)],
        {("A", "comms"): 10, ("B", "comms"): 50},
        [Option("drill", "training", 10)],
        [Effect("drill", "comms", 2)],
        [Budget(1, 100)],
        weakest_link=0.0,
    )
    sol = solved(s, solver)
    assert sol.score == approx(55)
    assert units(sol, "drill", "A") == plan(0, 55, 7)
    assert units(sol, "drill", "B") == plan(10, 55, 7)
    assert ready(sol, "A") == approx(10)
    assert ready(sol, "B") == plan(70, 55, 7)
    assert budget(sol, "period", 1)["shadow_price"] == approx(0.15)


def test_weakest_link_one_equalises_the_weakest(solver: str) -> None:
    """lambda = 1: Z = min_p r_p. Baselines A 10, B 30, C 60; option cost 10 gain 2; budget 300.
    First 100 money lift A to 30 (10 units); the other 200 (20 units, 40 points) lift A and B
    together, 20 points each, to 50 < 60. Z* = 50; A gets 20 units, B 10, C none.
    Phase 2 cannot save anything: min = 50 needs both A and B at 50, i.e. 300.
    Shadow price: one more point of min costs 10 money (5 for A, 5 for B): 0.1.
    (Dual unique: with z_A = z_B = 1/2 it is the only minimiser of
    300 y + 10 z_A + 30 z_B + 60 z_C s.t. z_A + z_B + z_C = 1, z <= 5 y.)
    per_point = 10.
    """
    s = scenario(
        [Partner("A"), Partner("B"), Partner("C")],
        {("A", "comms"): 10, ("B", "comms"): 30, ("C", "comms"): 60},
        [Option("drill", "training", 10)],
        [Effect("drill", "comms", 2)],
        [Budget(1, 300)],
        weakest_link=1.0,
    )
    sol = solved(s, solver)
    assert sol.score == approx(50)
    assert units(sol, "drill", "A") == plan(20, 50, 10)
    assert units(sol, "drill", "B") == plan(10, 50, 10)
    assert units(sol, "drill", "C") == plan(0, 50, 10)
    assert ready(sol, "A") == plan(50, 50, 10)
    assert ready(sol, "B") == plan(50, 50, 10)
    assert ready(sol, "C") == approx(60)
    assert sol.spend == plan(300, 50, 10)
    assert budget(sol, "period", 1)["shadow_price"] == approx(0.1)


@pytest.mark.parametrize(
    ("lam", "score", "spend", "r_a", "r_b", "budget_price", "cap_price", "per_point"),
    [
        # A-only rate 0.2 * 0.5 = 0.1 < B-only 0.4 * 0.5 = 0.2: all 100 to B, r_B = 40 + 40 = 80,
        # Z* = (20 + 80) / 2 = 50; A's cap is slack (price 0), the budget prices 0.2.
        (0.0, 50.0, 100.0, 20.0, 80.0, 0.2, 0.0, 5.0),
        # A-only (A is the weakest) 0.2 * (0.5 * 0.5 + 0.5) = 0.15 > B-only 0.4 * 0.5 * 0.5 = 0.1:
        # A takes its cap 60 (6 units, r_A = 32 < 40, still the weakest), B the other 40
        # (4 units, r_B = 40 + 16 = 56). Z* = 0.5 * (32 + 56) / 2 + 0.5 * 32 = 22 + 16 = 38.
        # Budget price 0.1 (B's rate), A's cap 0.15 - 0.1 = 0.05.
        (0.5, 38.0, 100.0, 32.0, 56.0, 0.1, 0.05, 10.0),
        # Z = r_A while A < B: A takes its cap 60, r_A = 32 = Z*. Money for B buys no score,
        # so phase 2 spends only 60; budget price 0, A's cap price 0.2.
        (1.0, 32.0, 60.0, 32.0, 40.0, 0.0, 0.2, 5.0),
    ],
)
def test_weakest_link_blend(
    solver: str,
    lam: float,
    score: float,
    spend: float,
    r_a: float,
    r_b: float,
    budget_price: float,
    cap_price: float,
    per_point: float,
) -> None:
    """Z = (1 - lambda) * (r_A + r_B) / 2 + lambda * min(r_A, r_B). A baseline 20, at most 60 per
    period; B baseline 40, effectiveness 2; option cost 10 gain 2 (A 0.2, B 0.4 points per
    money); budget 100. The intermediate lambda = 0.5 splits the money (A to its cap, rest to B)
    where lambda = 0 sends all to B and lambda = 1 stops at A's cap; arithmetic in the parameters.
    """
    s = scenario(
        [Partner("A", max_spend=60), Partner("B", effectiveness=2)],
        {("A", "comms"): 20, ("B", "comms"): 40},
        [Option("drill", "training", 10)],
        [Effect("drill", "comms", 2)],
        [Budget(1, 100)],
        weakest_link=lam,
    )
    sol = solved(s, solver)
    assert sol.score == approx(score)
    assert sol.spend == plan(spend, score, per_point)
    assert ready(sol, "A") == plan(r_a, score, per_point)
    assert ready(sol, "B") == plan(r_b, score, per_point)
    assert budget(sol, "period", 1)["shadow_price"] == approx(budget_price)
    assert budget(sol, "partner", 1, "A")["shadow_price"] == approx(cap_price)


def test_partner_weights_and_zero_weight_partner(solver: str) -> None:
    """lambda = 0.5. A weight 0 baseline 10 (outside P+: neither in the average nor the weakest
    link), B weight 3 baseline 30, C weight 1 baseline 50 (w^ = 0, 0.75, 0.25); option cost 10
    gain 2; budget 50.
    Rates: A 0; B (the weakest of P+) 0.2 * (0.5 * 0.75 + 0.5) = 0.175; C 0.2 * 0.5 * 0.25 = 0.025.
    All 50 to B: 5 units, r_B = 40 < 50. Z* = 0.5 * (0.75 * 40 + 0.25 * 50) + 0.5 * 40 = 41.25.
    (Were A the weakest link, money would go to A and Z would be far lower.)
    Baseline score: 0.5 * (0.75 * 30 + 0.25 * 50) + 0.5 * 30 = 32.5. Price 0.175. per_point < 6.
    """
    s = scenario(
        [Partner("A", weight=0), Partner("B", weight=3), Partner("C", weight=1)],
        {("A", "comms"): 10, ("B", "comms"): 30, ("C", "comms"): 50},
        [Option("drill", "training", 10)],
        [Effect("drill", "comms", 2)],
        [Budget(1, 50)],
        weakest_link=0.5,
    )
    sol = solved(s, solver)
    assert sol.score == approx(41.25)
    assert sol.baseline_score == approx(32.5)
    assert units(sol, "drill", "A") == plan(0, 41.25, 6)
    assert units(sol, "drill", "B") == plan(5, 41.25, 6)
    assert ready(sol, "A") == approx(10)
    assert ready(sol, "B") == plan(40, 41.25, 6)
    assert budget(sol, "period", 1)["shadow_price"] == approx(0.175)


# --------------------------------------------------------------------------- periods and lags


@pytest.mark.parametrize(
    ("periods", "score", "prices"),
    [
        # pi = 1/2 each: r_1 = 30, r_2 = 40, Z* = (30 + 40) / 2 = 35; money of period 1 counts
        # in both periods (2 * 0.5 * 0.2 = 0.2), money of period 2 only in period 2 (0.1).
        ("all", 35.0, (0.2, 0.1)),
        # only period 2 counts: Z* = r_2 = 40, both periods' money 0.2.
        ("final", 40.0, (0.2, 0.2)),
    ],
)
def test_score_periods(solver: str, periods: str, score: float, prices: tuple[float, float]) -> None:
    """One partner, baseline 20, two periods of budget 50, option cost 10 gain 2: each period
    buys 5 units, +10. per_point = 10."""
    s = scenario(
        [Partner("A")],
        {("A", "comms"): 20},
        [Option("drill", "training", 10)],
        [Effect("drill", "comms", 2)],
        [Budget(1, 50), Budget(2, 50)],
        score_periods=periods,
    )
    sol = solved(s, solver)
    assert sol.score == approx(score)
    assert ready(sol, "A", period=1) == plan(30, score, 10)
    assert ready(sol, "A", period=2) == plan(40, score, 10)
    for t, price in zip((1, 2), prices, strict=True):
        assert budget(sol, "period", t)["shadow_price"] == approx(price)


def test_score_periods_all_funds_early(solver: str) -> None:
    """score_periods = all, baseline 90, cap 100, two periods of budget 100, option cost 10 gain 2.
    50 money in period 1 puts both periods at the cap: Z* = 100. Money in period 2 instead would
    leave r_1 = 90 (Z = 95), so phase 2's least-money plan is [50, 0]. per_point = 5.
    """
    s = scenario(
        [Partner("A")],
        {("A", "comms"): 90},
        [Option("drill", "training", 10)],
        [Effect("drill", "comms", 2)],
        [Budget(1, 100), Budget(2, 100)],
        score_periods="all",
    )
    sol = solved(s, solver)
    assert sol.score == approx(100)
    assert sol.spend_by_period == [plan(50, 100, 5), plan(0, 100, 5)]
    assert ready(sol, "A", period=1) == plan(100, 100, 5)
    assert ready(sol, "A", period=2) == plan(100, 100, 5)


@pytest.mark.parametrize(
    ("periods", "score", "prices", "per_point"),
    [
        # final: kits of periods 1-2 count in period 3 (0.3 per money) against drill 0.1; a kit of
        # period 3 counts from 4 > H: worth 0, so period 3 buys drill (0.1).
        # Z* = r_3 = 10 + 60 + 10 = 80. per_point = 1 / 0.1 = 10.
        ("final", 80.0, (0.3, 0.3, 0.1), 10.0),
        # all (pi = 1/3): a kit of period tau counts in tau+1..3, a drill in tau..3:
        # period 1: kit 2/3 * 0.3 = 0.2 > drill 3/3 * 0.1 = 0.1;
        # period 2: kit 1/3 * 0.3 = 0.1 > drill 2/3 * 0.1 = 0.0667;
        # period 3: kit 0 < drill 1/3 * 0.1 = 1/30. Same plan;
        # Z* = (10 + 40 + 80) / 3 = 130 / 3. per_point = 30.
        ("all", 130 / 3, (0.2, 0.1, 1 / 30), 30.0),
    ],
)
def test_lags(solver: str, periods: str, score: float, prices: tuple[float, ...], per_point: float) -> None:
    """One partner, baseline 10, three periods of budget 100.
    kit cost 10 gain 3 lag 1 (a unit of period tau counts from tau + 1); drill cost 10 gain 1 lag 0.
    Plan (both settings, see the parameters): 10 kits in periods 1 and 2, 10 drills in period 3,
    no kit in period 3. Readiness by hand: r_1 = 10 (period-1 kits count from 2),
    r_2 = 10 + 30 = 40, r_3 = 10 + 60 + 10 = 80.
    """
    s = scenario(
        [Partner("A")],
        {("A", "comms"): 10},
        [Option("kit", "standardization", 10, lag=1), Option("drill", "training", 10)],
        [Effect("kit", "comms", 3), Effect("drill", "comms", 1)],
        [Budget(1, 100), Budget(2, 100), Budget(3, 100)],
        score_periods=periods,
    )
    sol = solved(s, solver)
    assert sol.score == approx(score)
    assert units(sol, "kit", "A", 1) == plan(10, score, per_point)
    assert units(sol, "kit", "A", 2) == plan(10, score, per_point)
    assert units(sol, "kit", "A", 3) == approx(0)
    assert units(sol, "drill", "A", 1) == approx(0)
    assert units(sol, "drill", "A", 3) == plan(10, score, per_point)
    assert [ready(sol, "A", period=t) for t in (1, 2, 3)] == [
        approx(10),
        plan(40, score, per_point),
        plan(80, score, per_point),
    ]
    assert sol.spend_by_period == [plan(100, score, per_point)] * 3
    assert [budget(sol, "period", t)["shadow_price"] for t in (1, 2, 3)] == [approx(x) for x in prices]


def test_lag_past_horizon_is_never_funded(solver: str) -> None:
    """One partner, baseline 10, two periods of budget 100, final score.
    kit cost 10 gain 5 lag 2 counts from period 3 or later > H = 2: worth nothing, never funded.
    drill cost 10 gain 1 lag 1: funded in period 1 it counts in period 2 (0.1 per money);
    funded in period 2 it would count from 3: worth nothing.
    Plan: 10 drills in period 1, nothing else. Z* = 10 + 10 = 20, spend by period [100, 0];
    prices 0.1 and 0 (period 2 money buys nothing). per_point = 10.
    """
    s = scenario(
        [Partner("A")],
        {("A", "comms"): 10},
        [Option("kit", "standardization", 10, lag=2), Option("drill", "training", 10, lag=1)],
        [Effect("kit", "comms", 5), Effect("drill", "comms", 1)],
        [Budget(1, 100), Budget(2, 100)],
    )
    sol = solved(s, solver)
    assert sol.score == approx(20)
    assert "kit" not in set(sol.allocation["option"])
    assert units(sol, "drill", "A", 1) == plan(10, 20, 10)
    assert sol.spend_by_period == [plan(100, 20, 10), approx(0)]
    assert ready(sol, "A", period=1) == approx(10)
    assert ready(sol, "A", period=2) == plan(20, 20, 10)
    assert budget(sol, "period", 1)["shadow_price"] == approx(0.1)
    assert budget(sol, "period", 2)["shadow_price"] == approx(0)


def test_only_option_lags_past_horizon_spends_nothing(solver: str) -> None:
    """H = 1, the only option has lag 1: no unit can ever count. Z* = baseline 25, no
    allocation at all, spend 0, the budget is all slack at price 0. Readiness level 1 (25)."""
    s = scenario(
        [Partner("A")],
        {("A", "comms"): 25},
        [Option("kit", "standardization", 10, lag=1)],
        [Effect("kit", "comms", 5)],
        [Budget(1, 100)],
    )
    sol = solved(s, solver)
    assert sol.score == approx(25)
    assert sol.allocation.empty
    assert sol.spend == approx(0)
    assert ready(sol, "A") == approx(25)
    assert int(sol.readiness["level"].iloc[0]) == 1
    b = budget(sol, "period", 1)
    assert b["slack"] == approx(100)
    assert b["shadow_price"] == approx(0)


# --------------------------------------------------------------------------- targets


def _target_scenario(targets: tuple[Target, ...]) -> Scenario:
    return scenario(
        [Partner("A"), Partner("B", effectiveness=2)],
        {("A", "comms"): 20, ("B", "comms"): 20},
        [Option("drill", "training", 10)],
        [Effect("drill", "comms", 2)],
        [Budget(1, 100)],
        targets=targets,
        weakest_link=0.0,
    )


def test_target_forces_money_to_a_partner(solver: str) -> None:
    """lambda = 0, A and B at 20, equal weights, option cost 10 gain 2, B effectiveness 2; budget 100.
    Rates: A 0.5 * 0.2 = 0.1, B 0.5 * 0.4 = 0.2.
    Without a target all 100 go to B: r_B = 60, Z* = (20 + 60) / 2 = 40.
    Target r_A >= 30: A needs 10 points = 5 units = 50 money; the other 50 go to B, r_B = 40.
    Z* = (30 + 40) / 2 = 35: lower by 50 * (0.2 - 0.1) = 5. The target is met exactly
    (more for A would cost score). per_point = 5.
    """
    free = solved(_target_scenario(()), solver)
    assert free.score == approx(40)
    assert ready(free, "A") == approx(20)

    sol = solved(_target_scenario((Target("A", "comms", 1, 30, row=2),)), solver)
    assert sol.score == approx(35)
    assert free.score - sol.score == approx(5)
    assert ready(sol, "A") == plan(30, 35, 5)
    assert ready(sol, "A") >= 30 - TOL
    assert ready(sol, "B") == plan(40, 35, 5)
    assert units(sol, "drill", "A") == plan(5, 35, 5)
    assert sol.spend == plan(100, 35, 5)


def test_infeasible_target_reports_shortfall(solver: str) -> None:
    """One partner, comms baseline 12, logistics baseline 40; option cost 10 gain 2.5 (comms only);
    budget 50. The best comms can reach is 12 + 5 * 2.5 = 24.5 < target 30: infeasible.
    The elastic problem spends all 50 on comms: shortfall 30 - 24.5 = 5.5. The logistics target
    (35 <= 40) is met and is not listed.
    """
    s = scenario(
        [Partner("A")],
        {("A", "comms"): 12, ("A", "logistics"): 40},
        [Option("drill", "training", 10)],
        [Effect("drill", "comms", 2.5)],
        [Budget(1, 50)],
        domains=[Domain("comms"), Domain("logistics")],
        targets=(Target("A", "comms", 1, 30, row=2), Target("A", "logistics", 1, 35, row=3)),
    )
    sol = solve(s, solver=solver, time_limit=None)
    assert sol.status == "infeasible"
    assert sol.score is None
    assert not sol.has_plan
    short = sol.shortfalls
    assert len(short) == 1, short
    row = short.iloc[0]
    assert (row["partner"], row["domain"], int(row["period"])) == ("A", "comms", 1)
    assert row["min_score"] == approx(30)
    assert row["reached"] == approx(24.5)
    assert row["shortfall"] == approx(5.5)
    assert int(row["row"]) == 2
