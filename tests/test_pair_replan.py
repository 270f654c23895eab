"""Re-planning with measured pair readiness: `measured` rows with a partner_b (README, contract extensions).

The hand scenario: partners A, B, C (baseline 40 in one domain), pairs A-B and A-C (baseline 40),
all of the score from pairs (pair_weight 1) and all of it from the weakest pair (weakest_link 1),
counted in the final period of two. Exercise "ab" (A with B) and "ac" (A with C) cost 1 a unit for
each partner and add 1 point per joint unit to their pair; each period's budget of 10 buys 5 joint
units. So Z = min(q_AB, q_AC) = 40 + 5 over the two periods' 10 joint units split evenly: the adopted
plan, ab 5 in period 1 and ac 5 in period 2, reaches Z = 45.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from optimizer.errors import InputError
from optimizer.io.actuals import Actuals, load_actuals
from optimizer.io.validate import load_scenario
from optimizer.scenario import Budget, Domain, Effect, Option, Pair, Partner, Scenario, Settings
from optimizer.studies.replan import replan

ADOPTED = pd.DataFrame(
    {
        "option": ["ab", "ab", "ac", "ac"],
        "partner": ["A", "B", "A", "C"],
        "period": [1, 1, 2, 2],
        "units": [5.0, 5.0, 5.0, 5.0],
    }
)


def triangle() -> Scenario:
    return Scenario(
        partners=(Partner("A"), Partner("B"), Partner("C")),
        domains=(Domain("land"),),
        baseline={("A", "land"): 40.0, ("B", "land"): 40.0, ("C", "land"): 40.0},
        options=(
            Option("ab", "training", 1.0, partners=("A", "B")),
            Option("ac", "training", 1.0, partners=("A", "C")),
        ),
        effects=(Effect("ab", "land", 0.0, pair_gain=1.0), Effect("ac", "land", 0.0, pair_gain=1.0)),
        budgets=(Budget(1, 10.0), Budget(2, 10.0)),
        settings=Settings(weakest_link=1.0, pair_weight=1.0),
        pairs=(Pair("A", "B", "land", 40.0), Pair("A", "C", "land", 40.0)),
    )


def actuals(*measured_pairs: tuple[str, str, str, int, float]) -> Actuals:
    return Actuals(
        ADOPTED[ADOPTED["period"] == 1].reset_index(drop=True),
        pd.DataFrame([], columns=["partner", "domain", "period", "score"]),
        pd.DataFrame(list(measured_pairs), columns=["partner_a", "partner_b", "domain", "period", "score"]),
    )


def units(result, option: str, period: int) -> dict[str, float]:
    table = result.solution.allocation
    rows = table[(table["option"] == option) & (table["period"] == period)]
    # phase 2 may give up 1e-7 Z* of score to save money: here 4.3e-6 of a unit
    return {p: pytest.approx(u, abs=1e-5) for p, u in zip(rows["partner"], rows["units"], strict=True)}


def test_as_measured_as_modelled_the_re_plan_keeps_the_plan() -> None:
    """A-B measured at 45 after period 1, as modelled (40 + 5): period 2 still goes to ac, Z = 45."""
    result = replan(triangle(), ADOPTED, actuals(("A", "B", "land", 1, 45.0)), 2)
    assert result.solution.score == pytest.approx(45.0, abs=1e-6)
    assert result.changes.empty


@pytest.mark.parametrize("order", [("A", "B"), ("B", "A")])
def test_a_low_pair_measurement_moves_joint_exercises_to_that_pair(order: tuple[str, str]) -> None:
    """A-B measured at 41 after period 1 (the model said 45). Period 2's 5 joint units split y to ab
    and 5 - y to ac: Z = min(41 + y, 40 + 5 - y), best at y = 2: Z = 43, ab 2 and ac 3."""
    result = replan(triangle(), ADOPTED, actuals((*order, "land", 1, 41.0)), 2)
    assert result.solution.score == pytest.approx(43.0, abs=1e-6)
    assert units(result, "ab", 2) == {"A": 2.0, "B": 2.0}
    assert units(result, "ac", 2) == {"A": 3.0, "C": 3.0}
    assert result.money_moved == pytest.approx(2 * 2 + 2 * 2, abs=1e-4)  # 2 units of A and B, 2 of A and C
    pairs = result.solution.pairs.set_index(["partner_a", "partner_b", "period"])["score"]
    assert pairs["A", "B", 1] == pytest.approx(41.0) and pairs["A", "B", 2] == pytest.approx(43.0, abs=1e-5)
    assert pairs["A", "C", 2] == pytest.approx(43.0, abs=1e-5)
    # keeping the adopted plan: A-B stays at 41, the weakest pair
    assert result.kept.score == pytest.approx(41.0, abs=1e-6)


def test_the_pair_shift_is_measured_minus_modelled() -> None:
    result = replan(triangle(), ADOPTED, actuals(("B", "A", "land", 1, 41.0)), 2)
    (shift,) = result.solution.scenario.history.pair_shifts
    assert (shift.partner_a, shift.partner_b, shift.period, shift.delta) == (
        "B",
        "A",
        1,
        pytest.approx(41.0 - 45.0),
    )


def write_measured(folder: Path, *rows: list[str]) -> Path:
    folder.mkdir()
    with (folder / "measured.csv").open("w", newline="") as out:
        csv.writer(out).writerows([["partner", "partner_b", "domain", "period", "score"], *rows])
    return folder


def problems(path: Path, scenario: Scenario) -> list[tuple[int | None, str | None, object, str]]:
    with pytest.raises(InputError) as caught:
        load_actuals(path, scenario, 3)
    return [(p.row, p.column, p.value, p.expected) for p in caught.value.problems]


def test_measured_pairs_are_read_beside_partner_rows(tmp_path: Path) -> None:
    scenario = load_scenario("inputs/example-pairs.xlsx")  # lists ALD-BRV in MAR
    path = write_measured(
        tmp_path / "actuals", ["ALD", "", "MAR", "1", "70"], ["BRV", "ALD", "MAR", "2", "60"]
    )
    actuals = load_actuals(path, scenario, 3)
    assert actuals.measured.to_dict("records") == [
        {"partner": "ALD", "domain": "MAR", "period": 1, "score": 70.0}
    ]
    assert actuals.measured_pairs.to_dict("records") == [
        {"partner_a": "BRV", "partner_b": "ALD", "domain": "MAR", "period": 2, "score": 60.0}
    ]


def test_bad_pair_measurements_are_located(tmp_path: Path) -> None:
    scenario = load_scenario("inputs/example-pairs.xlsx")
    listed = {(frozenset((q.partner_a, q.partner_b)), q.domain) for q in scenario.pairs}
    assert (frozenset(("ALD", "BRV")), "CYB") not in listed
    path = write_measured(
        tmp_path / "actuals",
        ["ALD", "BRV", "MAR", "1", "70"],
        ["ALD", "ALD", "MAR", "1", "50"],
        ["ALD", "ALDD", "MAR", "1", "50"],
        ["ALD", "BRV", "CYB", "1", "50"],
        ["BRV", "ALD", "MAR", "1", "60"],
        ["ALD", "", "MAR", "1", "70"],
    )
    found = problems(path, scenario)
    assert [(row, column, value) for row, column, value, _ in found] == [
        (4, "partner_b", "ALDD"),
        (3, "partner_b", "ALD"),
        (5, "partner_b", "ALD, BRV"),
        (6, "partner_b", "BRV, ALD"),
    ]
    expected = [e for *_, e in found]
    assert "did you mean 'ALD'?" in expected[0]
    assert "a partner other than partner 'ALD'" in expected[1]
    assert "a pair that the pairs sheet lists in domain 'CYB'" in expected[2]
    assert "already in row 2; BRV-ALD and ALD-BRV are the same pair" in expected[3]


def test_a_pair_measurement_without_a_pairs_sheet_is_located(tmp_path: Path) -> None:
    scenario = load_scenario("inputs/example.xlsx")
    path = write_measured(tmp_path / "actuals", ["ALD", "BRV", "MAR", "1", "70"])
    assert problems(path, scenario) == [
        (
            2,
            "partner_b",
            "ALD, BRV",
            "expected a pair that a pairs sheet (the scenario has none) lists in domain 'MAR' "
            "(blank partner_b: the partner's own readiness)",
        )
    ]
