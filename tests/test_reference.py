"""The production LP held to the plain reference of tests/reference_lp.py on generated scenarios.

The reference shares no code with `optimizer.lp` or `optimizer.readiness`, so a bug in the
builder (a lag landing a period early, a dropped weakest-link term, a stock row that loses a
unit) shows as a different Z*, spend or shortfall. Scenarios come from hypothesis (horizons up
to 6, lags up to 4, targets anywhere up to the cap, so many are infeasible) and from
`optimizer.io.synthetic.generate`, made infeasible by cutting the money.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import reference_lp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import numbers, scenarios

from optimizer.io.synthetic import generate
from optimizer.lp.solve import optimise, solve
from optimizer.scenario import Budget, Scenario, Target


def eps(score: float) -> float:
    """Phase 2's allowance of score (model.md)."""
    return 1e-7 * max(1.0, abs(score))


def assert_matches_reference(scenario: Scenario) -> None:
    """Same status; optimal: same Z* and spend (or the cheaper plan paid for it with at most
    phase 2's eps of score); infeasible: the same least total shortfall."""
    expected = reference_lp.solve(scenario)
    found = optimise(scenario)
    assert found.status == expected.status
    if expected.status == "infeasible":
        shortfalls = solve(scenario).shortfalls
        assert shortfalls["shortfall"].sum() == pytest.approx(expected.shortfall, rel=1e-6, abs=1e-5)
        return
    assert found.score == pytest.approx(expected.score, rel=1e-7, abs=1e-7)
    money = [[o.unit_cost * p.cost_factor for p in scenario.partners] for o in scenario.options]
    spend = sum(
        float(found.units[o, p].sum()) * money[o][p]
        for o in range(len(scenario.options))
        for p in range(len(scenario.partners))
    )
    ours = reference_lp.plan_score(scenario, found.units)
    theirs = reference_lp.plan_score(scenario, expected.units)
    assert ours >= expected.score - 3 * eps(expected.score)
    if spend != pytest.approx(expected.spend, rel=1e-6, abs=1e-6):
        cheap, dear = sorted([(spend, ours), (expected.spend, theirs)])
        assert 0 < dear[1] - cheap[1] <= 3 * eps(expected.score), (spend, expected.spend)


@st.composite
def longer_scenarios(draw: st.DrawFn) -> Scenario:
    """A tiny scenario stretched to 1-6 periods with lags up to 4, and 0-3 targets drawn anywhere
    in [0, cap]: reachable or not, so the elastic path is drawn too."""
    scenario = draw(scenarios(targets=False))
    horizon = draw(st.integers(1, 6))
    budgets = tuple(
        scenario.budgets[t - 1] if t <= scenario.horizon else Budget(t, draw(numbers(0, 50)))
        for t in range(1, horizon + 1)
    )
    options = tuple(replace(o, lag=draw(st.integers(0, 4))) for o in scenario.options)
    cap = scenario.settings.score_cap
    targets = tuple(
        Target(
            draw(st.sampled_from([p.id for p in scenario.partners])),
            draw(st.sampled_from([d.id for d in scenario.domains])),
            draw(st.integers(1, horizon)),
            draw(numbers(0, cap)),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    return replace(scenario, budgets=budgets, options=options, targets=targets)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(longer_scenarios())
def test_drawn_scenarios_match_the_reference(scenario: Scenario) -> None:
    assert_matches_reference(scenario)


@pytest.mark.parametrize("periods", ["final", "all"])
@pytest.mark.parametrize(("size", "seed"), [((3, 5, 2, 4), 0), ((4, 8, 3, 6), 1), ((5, 10, 3, 5), 2)])
def test_generated_scenarios_match_the_reference(
    size: tuple[int, int, int, int], seed: int, periods: str
) -> None:
    scenario = generate(*size, seed=seed).with_settings(score_periods=periods, weakest_link=0.4)
    assert_matches_reference(scenario)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_generated_scenarios_without_the_money_match_the_reference_shortfall(seed: int) -> None:
    """A tenth of the money and every target raised by 30 points: no plan, the same shortfall."""
    scenario = generate(4, 6, 3, 4, seed=seed)
    cap = scenario.settings.score_cap
    broke = replace(
        scenario,
        budgets=tuple(replace(b, total=b.total / 10) for b in scenario.budgets),
        targets=tuple(replace(t, min_score=min(cap, t.min_score + 30)) for t in scenario.targets),
    )
    assert broke.targets, "the generated scenario should carry targets"
    assert reference_lp.solve(broke).status == "infeasible"
    assert_matches_reference(broke)
