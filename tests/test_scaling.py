"""The answer does not depend on units (issue 14, row 5): readiness in units of 1e-8 once gave
'optimal' at 5.501e-7 where a plan scoring 5.715e-7 existed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimizer import load_scenario, solve
from optimizer.evaluation import evaluate
from optimizer.lp import model as lp
from optimizer.lp import scaling
from optimizer.scenario import Scenario

EXAMPLE = Path(__file__).resolve().parents[1] / "inputs" / "example.xlsx"


def times(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def readiness_times(scenario: Scenario, factor: float) -> Scenario:
    """Every readiness quantity (baseline, gains, targets, cap, thresholds) times `factor`."""
    settings = scenario.settings
    return replace(
        scenario,
        baseline={key: score * factor for key, score in scenario.baseline.items()},
        effects=tuple(
            replace(
                e,
                gain=e.gain * factor,
                gain_low=times(e.gain_low, factor),
                gain_high=times(e.gain_high, factor),
                pair_gain=e.pair_gain * factor,
            )
            for e in scenario.effects
        ),
        targets=tuple(replace(t, min_score=t.min_score * factor) for t in scenario.targets),
        settings=replace(
            settings,
            score_cap=settings.score_cap * factor,
            level_thresholds=tuple(x * factor for x in settings.level_thresholds),
        ),
    )


def money_times(scenario: Scenario, factor: float) -> Scenario:
    """Every money quantity (unit and set-up costs, budgets, partner caps) times `factor`."""
    return replace(
        scenario,
        options=tuple(
            replace(o, unit_cost=o.unit_cost * factor, setup_cost=o.setup_cost * factor)
            for o in scenario.options
        ),
        budgets=tuple(
            replace(b, total=b.total * factor, by_type={k: v * factor for k, v in b.by_type.items()})
            for b in scenario.budgets
        ),
        partners=tuple(replace(p, max_spend=times(p.max_spend, factor)) for p in scenario.partners),
    )


@pytest.fixture(scope="module")
def example() -> Scenario:
    return load_scenario(EXAMPLE)


@pytest.fixture(scope="module")
def optimum(example: Scenario):  # noqa: ANN201 - a Solution
    return solve(example)


def plan(solution) -> pd.DataFrame:  # noqa: ANN001 - a Solution
    return solution.allocation[["option", "partner", "period", "units"]]


def as_good(example: Scenario, optimum, result, money: float = 1.0) -> None:  # noqa: ANN001 - Solutions
    """`result`'s plan, scored on the example as model.md defines it (evaluate, the plain reference),
    scores what the example's optimum scores, for the same money. The plans themselves need not be
    equal: the example's least-money plan is not unique (its money x0.1, which goes to HiGHS
    unscaled, gives another plan 4.4 units away at the same score and spend)."""
    assert evaluate(example, plan(result)).score == pytest.approx(optimum.score, rel=1e-6)
    assert result.allocation["cost"].sum() / money == pytest.approx(
        optimum.allocation["cost"].sum(), rel=1e-6
    )


@pytest.mark.parametrize("factor", [1e-8, 1e6])
def test_readiness_in_other_units_gives_the_same_plan_and_score(example, optimum, factor: float) -> None:  # noqa: ANN001
    scaled = readiness_times(example, factor)
    result = solve(scaled)
    assert result.status == "optimal"
    assert result.score / factor == pytest.approx(optimum.score, rel=1e-6)
    as_good(example, optimum, result)


@pytest.mark.parametrize("factor", [1e8, 1e-6])
def test_money_in_other_units_gives_the_same_plan_and_score(example, optimum, factor: float) -> None:  # noqa: ANN001
    result = solve(money_times(example, factor))
    assert result.status == "optimal"
    assert result.score == pytest.approx(optimum.score, rel=1e-6)
    as_good(example, optimum, result, money=factor)


def test_shadow_prices_come_back_in_the_scenarios_units(example, optimum) -> None:  # noqa: ANN001
    """Score per money: readiness x1e-8 and money x1e8 make every price 1e-16 of the example's."""
    result = solve(money_times(readiness_times(example, 1e-8), 1e8))
    np.testing.assert_allclose(
        result.budget_use["shadow_price"] * 1e16, optimum.budget_use["shadow_price"], rtol=1e-6, atol=1e-9
    )


def test_the_example_goes_to_highs_unscaled(example: Scenario) -> None:
    """Its readiness (cap 100) and money (budgets up to 38) are at unit magnitude already."""
    model = lp.build(example)
    factors = scaling.scaling(model)
    assert factors.identity and factors.objective == 1.0
    assert scaling.scaling(lp.build(readiness_times(example, 1e-8))).readiness == 2.0**-20  # cap 1e-6


def test_a_tiny_scale_reads_in_significant_digits(example: Scenario, optimum) -> None:  # noqa: ANN001
    """At score_cap 1e-6 the terminal said "Score: 0.0 -> 0.0"; money x1e-6 "Spend: 0.0 of 0.0"."""
    from optimizer.reports.text import summary

    tiny = summary(solve(readiness_times(example, 1e-8)))
    before, after = optimum.baseline_score * 1e-8, optimum.score * 1e-8
    assert f"Score: {before:.3g} -> {after:.3g} (out of 1e-06)" in tiny
    cheap = summary(solve(money_times(example, 1e-6)))
    assert f"Spend: {optimum.allocation['cost'].sum() * 1e-6:.3g} of 0.000223" in cheap
    assert "Score: 40.4 -> 57.2 (out of 100)" in summary(optimum)  # an ordinary scale as before


def test_rounding_noise_reads_as_zero_on_any_scale() -> None:
    from optimizer.reports.theme import on_scale

    assert on_scale(-3.55e-15, 100.0) == "0.0"
    assert on_scale(-3.55e-15 * 1e-8, 1e-6) == "0"
    assert on_scale(20.200000000000003, 50.0) == "20.2"


@pytest.mark.parametrize(
    ("scaled", "named"),
    [
        (lambda s: readiness_times(s, 1e-8), "readiness of magnitude about"),
        (lambda s: money_times(s, 1e8), "money"),
    ],
)
def test_cbc_is_refused_where_only_a_scaled_lp_is_right(example: Scenario, scaled, named: str) -> None:  # noqa: ANN001
    """CBC gets the LP unscaled, so with readiness in units of 1e-8 its absolute tolerances would
    pick the plan (as HiGHS's did); it is refused with a sentence naming HiGHS instead of
    answering. The example as it is solves with CBC as before."""
    from optimizer.errors import ParamError

    with pytest.raises(ParamError, match=f"CBC cannot be trusted with {named}.*--solver highs"):
        solve(scaled(example), solver="cbc")
    assert solve(example, solver="cbc").status == "optimal"
