"""The reduced LP on the weakest-link shapes: model.md's literal optimum, also with budgets moved in place."""

from __future__ import annotations

import dataclasses
import importlib
import math

import pytest
from test_model import optimum  # score, phase-2 spend, columns

from optimizer.io.synthetic import Shape, generate, generate_shape
from optimizer.lp import model as lp
from optimizer.scenario import Budget, Domain, Effect, Option, Partner, Scenario, Settings

solving = importlib.import_module("optimizer.lp.solve")


def two_partners(weakest_link: float = 1.0) -> Scenario:
    """A at 90 everywhere; B at 10, capped at 1 money per period; three periods, all counted.

    X (1 point per money, 5 units at most) and Y (2 points per money) are open to both, Z
    (4 points per money) only to A.
    """
    return Scenario(
        partners=(Partner("A", "A", 1.0, 1.0, 1.0, None), Partner("B", "B", 1.0, 1.0, 1.0, 1.0)),
        domains=(Domain("D1", "D1", 1.0), Domain("D2", "D2", 1.0)),
        baseline={("A", "D1"): 90.0, ("A", "D2"): 90.0, ("B", "D1"): 10.0, ("B", "D2"): 10.0},
        options=(
            Option("X", "training", 1.0, "X", 5.0, 0),
            Option("Y", "training", 1.0, "Y", None, 0),
            Option("Z", "standardization", 1.0, "Z", None, 0, ("A",)),
        ),
        effects=(
            Effect("X", "D1", 1.0, 1.0, 1.0),
            Effect("X", "D2", 1.0, 1.0, 1.0),
            Effect("Y", "D1", 2.0, 2.0, 2.0),
            Effect("Y", "D2", 2.0, 2.0, 2.0),
            Effect("Z", "D1", 4.0, 4.0, 4.0),
            Effect("Z", "D2", 4.0, 4.0, 4.0),
        ),
        budgets=tuple(Budget(t, 50.0, {}) for t in (1, 2, 3)),
        settings=Settings(weakest_link=weakest_link, score_cap=100.0, score_periods="all", currency="USD M"),
    )


def test_budgets_moved_in_place_keep_the_reduced_lp_exact() -> None:
    """Studies change budget rows in the built LP: the reductions must hold for any budget."""
    scenario = generate(10, 30, 4, 4, seed=1).with_settings(weakest_link=1.0, score_periods="all")
    model = lp.build(scenario)
    for factor in (0.5, 1.5, 4.0):
        moved = model
        for row in model.budget_rows:
            moved = moved.with_row_bound(row.row, -math.inf, row.limit * factor)
        first = solving.run(moved, "highs", None)
        assert first.status == "optimal"
        scaled = dataclasses.replace(
            scenario,
            budgets=tuple(
                Budget(b.period, b.total * factor, {k: v * factor for k, v in b.by_type.items()})
                for b in scenario.budgets
            ),
            partners=tuple(
                dataclasses.replace(p, max_spend=None if p.max_spend is None else p.max_spend * factor)
                for p in scenario.partners
            ),
        )
        literal = optimum(scaled, reduced=False)[0]
        assert float(moved.score @ first.values()) == pytest.approx(literal, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("weakest_link", [0.3, 1.0])
def test_hand_scenario_keeps_its_optimum(weakest_link) -> None:
    scenario = two_partners(weakest_link)
    assert optimum(scenario, reduced=True)[:2] == pytest.approx(
        optimum(scenario, reduced=False)[:2], rel=1e-9, abs=1e-9
    )


@pytest.mark.parametrize("size", [(5, 14, 2, 3), (10, 30, 4, 4)])
@pytest.mark.parametrize("weakest_link", [0.3, 1.0])
@pytest.mark.parametrize("periods", ["final", "all"])
@pytest.mark.parametrize("caps", [True, False])
def test_weakest_link_shapes_keep_their_optimum(size, weakest_link, periods, caps) -> None:
    scenario = generate(*size, seed=1).with_settings(weakest_link=weakest_link, score_periods=periods)
    if not caps:
        scenario = dataclasses.replace(
            scenario, partners=tuple(dataclasses.replace(p, max_spend=None) for p in scenario.partners)
        )
    reduced, literal = optimum(scenario, reduced=True), optimum(scenario, reduced=False)
    assert reduced[0] == pytest.approx(literal[0], rel=1e-9, abs=1e-9)
    assert reduced[1] == pytest.approx(literal[1], rel=1e-6, abs=1e-6)


def test_the_generator_shapes_change_only_settings_targets_and_caps() -> None:
    base = generate(30, 100, 8, 5, seed=2)
    shape = generate_shape(Shape("medium", 1.0, "all", targets=False, partner_caps=False), seed=2)
    assert shape.settings.weakest_link == 1.0 and shape.settings.score_periods == "all"
    assert shape.targets == () and base.targets
    assert all(p.max_spend is None for p in shape.partners)
    assert shape.options == base.options and shape.budgets == base.budgets
