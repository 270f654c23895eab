"""The LP as built: each formulation reduction leaves the optimum unchanged."""

from __future__ import annotations

import dataclasses
import importlib

import pytest

from optimizer import model as lp
from optimizer.scenario import Settings
from optimizer.synthetic import generate

solving = importlib.import_module("optimizer.solver")


def optimum(scenario, reduced: bool) -> tuple[float, float, int]:
    """Score, phase-2 spend and column count of the two phases, for a model built either way."""
    model = lp.build(scenario, reduced=reduced)
    assert solving.run(model.prob, "highs", None).status == "optimal"
    best = model.score.value()
    lp.least_money(model, best)
    assert solving.run(model.prob, "highs", None).status == "optimal"
    return best, model.spend.value(), len(model.prob.variables())


def with_idle_options(scenario):
    """Add an option with no gain and one whose lag ends past the horizon: both only cost money."""
    first = scenario.options[0]
    idle = dataclasses.replace(first, id="IDLE", lag=0)
    late = dataclasses.replace(first, id="LATE", lag=scenario.horizon)
    late_effects = tuple(
        dataclasses.replace(e, option="LATE") for e in scenario.effects if e.option == first.id
    )
    return dataclasses.replace(
        scenario, options=(*scenario.options, idle, late), effects=scenario.effects + late_effects
    )


@pytest.mark.parametrize("size", [(3, 5, 2, 3), (4, 8, 3, 4), (8, 20, 6, 5)])
@pytest.mark.parametrize("periods", ["final", "all"])
@pytest.mark.parametrize("seed", [0, 1])
def test_reductions_leave_score_and_spend_unchanged(size, periods, seed) -> None:
    scenario = with_idle_options(generate(*size, seed=seed))
    scenario = scenario.with_settings(score_periods=periods)
    reduced = optimum(scenario, reduced=True)
    literal = optimum(scenario, reduced=False)
    assert reduced[0] == pytest.approx(literal[0], rel=1e-9, abs=1e-9)
    assert reduced[1] == pytest.approx(literal[1], rel=1e-6, abs=1e-6)
    assert reduced[2] < literal[2]  # the reductions did remove variables


def test_zero_weight_partner_and_zero_effect_are_left_out_without_changing_the_optimum() -> None:
    scenario = generate(4, 6, 3, 3, seed=5)
    partners = (
        dataclasses.replace(scenario.partners[0], weight=0.0, effectiveness=0.0),
        *scenario.partners[1:],
    )
    scenario = dataclasses.replace(
        scenario, partners=partners, targets=(), settings=Settings(weakest_link=0.5)
    )
    assert optimum(scenario, True)[:2] == pytest.approx(optimum(scenario, False)[:2], rel=1e-7, abs=1e-7)


def test_units_that_cannot_pay_off_are_not_variables() -> None:
    scenario = with_idle_options(generate(3, 4, 2, 3, seed=2))
    names = {o.id: i for i, o in enumerate(scenario.options)}
    units = lp.build(scenario).units
    assert not any(o in (names["IDLE"], names["LATE"]) for o, _, _ in units)
    assert any(o == names[scenario.options[0].id] for o, _, _ in units)
