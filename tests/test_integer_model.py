"""The mixed-integer model of model.md ("Whole units, lot sizes and set-up costs") as arrays.

The arrays are solved here by a local helper that hands them to HiGHS with their integrality
(the solver side of the tool comes later), with a gap of 0: a proven optimum. Expected values
come from hand derivations (in each docstring) and from a brute-force enumeration of every
whole plan (tests/integer_reference.py).
"""

from __future__ import annotations

import dataclasses
import importlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from integer_reference import best_whole_plan

from optimizer.io.synthetic import generate
from optimizer.lp import model as lp
from optimizer.scenario import Budget, Domain, Effect, Option, Partner, Scenario, Settings, Target

solving = importlib.import_module("optimizer.lp.highs")


def run_mip(model: lp.Model) -> np.ndarray | None:
    """Column values of a proven optimum of `model` with its integrality; None if infeasible."""
    import highspy

    with solving.quiet_stdout():
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("mip_rel_gap", 0.0)
    solving.pass_model(highs, model)  # as the tool passes an LP, then the integrality on top
    columns = np.arange(model.column_count, dtype=np.int32)
    highs.changeColsIntegrality(model.column_count, columns, model.integrality)
    with solving.quiet_stdout():
        highs.run()
    status = highs.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        return None
    assert status == highspy.HighsModelStatus.kOptimal, highs.modelStatusToString(status)
    return np.asarray(highs.getSolution().col_value)


def two_phases(model: lp.Model) -> tuple[float, float, np.ndarray] | None:
    """Z* of phase 1, then the least spend with Z >= Z* - eps and its column values."""
    first = run_mip(model)
    if first is None:
        return None
    best = float(model.score @ first)
    second = run_mip(lp.least_money(model, best))
    assert second is not None
    return best, float(model.spend @ second), second


def tiny(
    options: tuple[Option, ...],
    effects: tuple[Effect, ...],
    budgets: tuple[Budget, ...],
    partners: tuple[Partner, ...] = (Partner("P1"),),
    cap: float = 100.0,
) -> Scenario:
    """One domain D, baseline 0, weakest_link 0: Z is the weighted average readiness in D."""
    return Scenario(
        partners,
        (Domain("D"),),
        {(p.id, "D"): 0.0 for p in partners},
        options,
        effects,
        budgets,
        settings=Settings(weakest_link=0.0, score_cap=cap),
    )


def test_whole_units_round_down_to_what_the_budget_buys() -> None:
    """A costs 2 a unit for 10 points; budget 5. The LP buys 2.5 units, Z = 25; whole units buy
    2 (4 money), Z = 20. The LP bound is the relaxation's 25."""
    scenario = tiny((Option("A", "training", 2.0, whole=True),), (Effect("A", "D", 10.0),), (Budget(1, 5.0),))
    model = lp.build(scenario)
    assert model.is_mip and model.integrality[0] == 1
    score, spend, values = two_phases(model)
    assert (score, spend, values[0]) == pytest.approx((20.0, 4.0, 2.0))
    assert two_phases(model.relaxed())[0] == pytest.approx(25.0)


def test_a_lot_the_budget_cannot_buy_is_not_funded() -> None:
    """A: 2 a unit, 10 points, max 4, lot 3 (6 money); B: 1 a unit, 3 points; budget 5. Three
    units of A cost more than the budget, so the plan is 5 units of B: Z = 15, spend 5. The
    relaxation (3z <= x <= 4z, z in [0, 1]) buys 2.5 units of A at z = 0.625: LP bound 25."""
    scenario = tiny(
        (Option("A", "training", 2.0, max_units=4.0, min_units=3.0), Option("B", "training", 1.0)),
        (Effect("A", "D", 10.0), Effect("B", "D", 3.0)),
        (Budget(1, 5.0),),
    )
    model = lp.build(scenario)
    score, spend, values = two_phases(model)
    assert (score, spend) == pytest.approx((15.0, 5.0))
    assert values[:2] == pytest.approx([0.0, 5.0])
    assert two_phases(model.relaxed())[0] == pytest.approx(25.0)


def test_without_max_units_the_lot_is_gated_by_what_the_budget_buys() -> None:
    """As above with A's max_units blank: u-bar = B_1 / c_A = 5 / 2 = 2.5, the z row reads
    x - 2.5 z <= 0 (no 1e6), and 3z <= x <= 2.5z leaves A out even in the relaxation: 15."""
    scenario = tiny(
        (Option("A", "training", 2.0, min_units=3.0), Option("B", "training", 1.0)),
        (Effect("A", "D", 10.0), Effect("B", "D", 3.0)),
        (Budget(1, 5.0),),
    )
    model = lp.build(scenario)
    z = model.lots.column[0]
    entries = model.row_value[model.row_index == z]
    assert sorted(entries.tolist()) == [-3.0, -2.5]
    assert two_phases(model.relaxed())[0] == pytest.approx(15.0)


def test_set_up_money_counts_in_the_type_budget() -> None:
    """Partners P1, P2 (Z = mean readiness). A (training): 1 a unit, 2 points, set-up 3; B
    (standardization): 2 a unit, 2 points. Budget 10, training 4. Holding A leaves 4 - 3 = 1
    unit of A (2 points) and 6 money for 3 units of B (6 points): Z = 4. Without A, 5 units of
    B: 10 points, Z = 5, which wins. Were the set-up money outside the type budget, A would
    take 4 units and Z = 5.5."""
    scenario = tiny(
        (Option("A", "training", 1.0, setup_cost=3.0), Option("B", "standardization", 2.0)),
        (Effect("A", "D", 2.0), Effect("B", "D", 2.0)),
        (Budget(1, 10.0, {"training": 4.0}),),
        partners=(Partner("P1"), Partner("P2")),
    )
    model = lp.build(scenario)
    score, spend, values = two_phases(model)
    assert (score, spend) == pytest.approx((5.0, 10.0))
    assert lp.setups_held(model, values) == []


def test_set_up_money_is_outside_partner_caps() -> None:
    """P1 may take 2 a period; A (only for P1): 1 a unit, 5 points, set-up 3; B: 2 a unit, 2
    points; budget 10. Two units of A fill P1's cap (10 points), money 2 + 3; B gets the other
    5 for P2: 2.5 units, 5 points. Z = (10 + 5) / 2 = 7.5, spend 10, A held in period 1 for 3.
    Counted in P1's cap, A could not be held at all and Z would be 5."""
    scenario = tiny(
        (Option("A", "training", 1.0, setup_cost=3.0, partners=("P1",)), Option("B", "training", 2.0)),
        (Effect("A", "D", 5.0), Effect("B", "D", 2.0)),
        (Budget(1, 10.0),),
        partners=(Partner("P1", max_spend=2.0), Partner("P2")),
    )
    model = lp.build(scenario)
    score, spend, values = two_phases(model)
    assert (score, spend) == pytest.approx((7.5, 10.0))
    assert lp.setups_held(model, values) == [lp.HeldSetup(0, 1, 1.0, 3.0)]


def test_phase_two_holds_no_exercise_it_does_not_need() -> None:
    """Score cap 10. A: 1 a unit, 5 points, set-up 3; B: 1 a unit, 5 points; budget 10. Two
    units of either reach the cap; phase 2 takes B's (money 2) over A's (money 5)."""
    scenario = tiny(
        (Option("A", "training", 1.0, setup_cost=3.0), Option("B", "training", 1.0)),
        (Effect("A", "D", 5.0), Effect("B", "D", 5.0)),
        (Budget(1, 10.0),),
        cap=10.0,
    )
    model = lp.build(scenario)
    score, spend, values = two_phases(model)
    assert (score, spend) == pytest.approx((10.0, 2.0))
    assert lp.setups_held(model, values) == []


def test_a_set_up_is_paid_in_each_period_the_option_is_held() -> None:
    """Two periods, score counted in the last; A: 1 a unit, 1 point, max 3, set-up 2, budgets
    5 and 5. Each period holds A for 2 and buys 3 units: 6 points, spend 10. The relaxation
    at y = 1 is the same plan, so the y rows read x - 3 y <= 0 and money 2 y per period."""
    scenario = tiny(
        (Option("A", "training", 1.0, max_units=3.0, setup_cost=2.0),),
        (Effect("A", "D", 1.0),),
        (Budget(1, 5.0), Budget(2, 5.0)),
    )
    model = lp.build(scenario)
    score, spend, values = two_phases(model)
    assert (score, spend) == pytest.approx((6.0, 10.0))
    assert lp.setups_held(model, values) == [lp.HeldSetup(0, 1, 1.0, 2.0), lp.HeldSetup(0, 2, 1.0, 2.0)]
    assert model.spend[model.setups.column].tolist() == [2.0, 2.0]


def test_a_scenario_without_lumps_builds_the_same_lp() -> None:
    scenario = generate(4, 8, 3, 4, seed=3)
    model = lp.build(scenario)
    assert not model.is_mip and len(model.lots.column) == len(model.setups.column) == 0
    assert len(model.column_names()) == model.column_count == len(model.integrality)


def lumpy(scenario: Scenario) -> Scenario:
    """Every other option whole, lot sizes and set-up costs on some: a generated MIP."""
    options = tuple(
        dataclasses.replace(
            o,
            whole=k % 2 == 0,
            min_units=1.0 if k % 3 == 1 else 0.0,
            setup_cost=o.unit_cost * 2 if k % 2 == 1 else 0.0,
        )
        for k, o in enumerate(scenario.options)
    )
    return dataclasses.replace(scenario, options=options, targets=())


@pytest.mark.parametrize("seed", [0, 1])
def test_reductions_leave_the_integer_optimum_unchanged(seed: int) -> None:
    scenario = lumpy(generate(3, 5, 2, 3, seed=seed))
    assert scenario.integer
    reduced, literal = lp.build(scenario), lp.build(scenario, reduced=False)
    assert reduced.column_count < literal.column_count
    best, full = two_phases(reduced), two_phases(literal)
    assert best[0] == pytest.approx(full[0], rel=1e-9, abs=1e-9)
    assert best[1] == pytest.approx(full[1], rel=1e-6, abs=1e-6)


def test_committed_units_open_their_lot_and_their_set_up() -> None:
    """A kept unit of A (lot 2, set-up 1) is a minimum: the plan holds A and at least 2 units."""
    scenario = tiny(
        (Option("A", "training", 1.0, max_units=3.0, min_units=2.0, setup_cost=1.0),),
        (Effect("A", "D", 0.0),),
        (Budget(1, 5.0),),
    )
    committed = np.ones((1, 1, 1))
    model = lp.build(scenario, committed=committed)
    _, spend, values = two_phases(model)
    assert spend == pytest.approx(3.0) and values[0] == pytest.approx(2.0)


# --------------------------------------------------------------------- against brute force


@st.composite
def whole_scenarios(draw: st.DrawFn) -> Scenario:
    """2 partners, 1-2 whole options, 1-2 periods, max_units 1-2, money on a coarse grid."""
    horizon = draw(st.integers(1, 2))
    n_options = draw(st.integers(1, 2))
    n_domains = draw(st.integers(1, 2))
    if n_options * horizon == 4:
        max_units = [1.0, draw(st.sampled_from([1.0, 2.0]))]
    else:
        max_units = [draw(st.sampled_from([1.0, 2.0, 3.0])) for _ in range(n_options)]
    half = st.integers(0, 16).map(lambda n: n / 2)
    partners = (
        Partner("P1", weight=draw(st.sampled_from([1.0, 2.0])), max_spend=draw(st.none() | half)),
        Partner(
            "P2",
            weight=draw(st.sampled_from([0.0, 1.0])),
            cost_factor=draw(st.sampled_from([1.0, 1.5])),
            effectiveness=draw(st.sampled_from([1.0, 0.5])),
        ),
    )
    domains = tuple(Domain(f"D{k}", weight=draw(st.sampled_from([1.0, 3.0]))) for k in range(n_domains))
    types = ("training", "standardization")
    options = tuple(
        Option(
            f"O{k}",
            draw(st.sampled_from(types)),
            draw(st.sampled_from([0.5, 1.0, 1.5, 2.0])),
            max_units=max_units[k],
            lag=draw(st.integers(0, horizon - 1)),
            partners=draw(st.sampled_from([None, ("P1",), ("P2",)])),
            whole=True,
            min_units=draw(st.sampled_from([0.0, 0.0, 1.5, 2.0])),
            setup_cost=draw(st.sampled_from([0.0, 1.0, 2.5])),
        )
        for k in range(n_options)
    )
    effects = tuple(
        Effect(o.id, d.id, float(draw(st.integers(0, 12))))
        for o in options
        for d in domains
        if draw(st.booleans())
    )
    used = dict.fromkeys(o.type for o in options)
    budgets = tuple(
        Budget(t, draw(half), {k: draw(half) for k in used if draw(st.integers(0, 3)) == 0})
        for t in range(1, horizon + 1)
    )
    cap = draw(st.sampled_from([100.0, 20.0]))
    baseline = {(p.id, d.id): float(draw(st.integers(0, 15))) for p in partners for d in domains}
    targets = tuple(
        Target(p, "D0", horizon, baseline[p, "D0"] + draw(st.integers(1, 8)))
        for p in ("P1", "P2")
        if draw(st.integers(0, 4)) == 0
    )
    return Scenario(
        partners,
        domains,
        baseline,
        options,
        effects,
        budgets,
        targets,
        Settings(
            weakest_link=draw(st.sampled_from([0.0, 0.25, 1.0])),
            score_cap=cap,
            score_periods=draw(st.sampled_from(["final", "all"])),
        ),
    )


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(whole_scenarios(), st.booleans())
def test_the_mip_finds_the_best_whole_plan_and_its_least_money(scenario: Scenario, reduced: bool) -> None:
    expected = best_whole_plan(scenario)
    found = two_phases(lp.build(scenario, reduced=reduced))
    if expected is None:
        assert found is None
        return
    assert found is not None
    assert found[0] == pytest.approx(expected.score, rel=1e-7, abs=1e-7)
    assert found[1] == pytest.approx(expected.spend, rel=1e-6, abs=1e-6)
