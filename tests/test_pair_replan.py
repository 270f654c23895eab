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
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.errors import InputError
from optimizer.io.actuals import Actuals, load_actuals
from optimizer.io.validate import load_scenario
from optimizer.scenario import Budget, Domain, Effect, Option, Pair, Partner, Scenario, Settings
from optimizer.studies.replan import replan

EXAMPLE_PAIRS = str(Path(__file__).resolve().parents[1] / "inputs" / "example-pairs.xlsx")
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


def bilateral(score_cap: float = 100.0) -> Scenario:
    """A (baseline 20, effectiveness 1) and B (25, effectiveness 0.5) in one domain, the pair A-B at 30;
    one bilateral exercise (1 a unit, gain 1, pair gain 2), three periods of budget 10."""
    return Scenario(
        partners=(Partner("A"), Partner("B", effectiveness=0.5)),
        domains=(Domain("land"),),
        baseline={("A", "land"): 20.0, ("B", "land"): 25.0},
        options=(Option("bil", "training", 1.0),),
        effects=(Effect("bil", "land", 1.0, pair_gain=2.0),),
        budgets=(Budget(1, 10.0), Budget(2, 10.0), Budget(3, 10.0)),
        settings=Settings(score_cap=score_cap, pair_weight=0.5),
        pairs=(Pair("A", "B", "land", 30.0),),
    )


BILATERAL_ADOPTED = pd.DataFrame(
    {
        "option": ["bil"] * 4,
        "partner": ["A", "B", "A", "B"],
        "period": [1, 1, 2, 2],
        "units": [4.0, 3.0, 3.0, 3.0],
    }
)


@pytest.mark.parametrize(("score_cap", "predicted"), [(100.0, 35.0), (34.0, 34.0)])
def test_a_measured_pair_beside_the_pair_readiness_the_funded_units_predict(
    score_cap: float, predicted: float
) -> None:
    """The adopted plan has A 4 and B 3 units in period 1, 3 each in period 2; B really took 2 in
    period 1 (period 2 went as adopted). Joint units are min(x_A, x_B): 2 in period 1 and 3 in period
    2, so by the end of period 2 the pair has 30 + (2 + 3) x 2 x min(1, 0.5) = 35 (the adopted plan
    would have said 30 + 6 x 2 x 0.5 = 36). Measured 33, written B-A: difference 33 - 35 = -2.
    With score_cap 34 the prediction is counted as the pair score counts it: min(35, 34) = 34."""
    spent = pd.DataFrame(
        {"option": ["bil", "bil"], "partner": ["A", "B"], "period": [1, 1], "units": [4.0, 2.0]}
    )
    measured_pairs = pd.DataFrame(
        [("B", "A", "land", 2, 33.0)], columns=["partner_a", "partner_b", "domain", "period", "score"]
    )
    no_partner_rows = pd.DataFrame([], columns=["partner", "domain", "period", "score"])
    result = replan(
        bilateral(score_cap), BILATERAL_ADOPTED, Actuals(spent, no_partner_rows, measured_pairs), 3
    )
    assert result.pair_evaluation.to_dict("records") == [
        {
            "partner_a": "B",
            "partner_b": "A",
            "domain": "land",
            "period": 2,
            "predicted": pytest.approx(predicted),
            "measured": 33.0,
            "difference": pytest.approx(33.0 - predicted),
        }
    ]
    assert result.evaluation.empty and result.effectiveness.empty  # the fit stays partner-only


def test_the_pair_evaluation_is_empty_when_no_pair_is_measured() -> None:
    result = replan(triangle(), ADOPTED, actuals(), 2)
    assert result.pair_evaluation.empty
    assert list(result.pair_evaluation.columns) == [
        "partner_a",
        "partner_b",
        "domain",
        "period",
        "predicted",
        "measured",
        "difference",
    ]


@pytest.mark.slow
def test_replan_reports_a_measured_pair_in_every_output(runner: CliRunner) -> None:
    """The example with pairs, solved and adopted; the first two periods went as planned except that
    the first pair of the pairs sheet measured 3 points below the plan's own pair readiness at the end
    of period 2 (the plan's `pairs` sheet: the prediction from the units really funded)."""
    assert runner.invoke(main, ["solve", EXAMPLE_PAIRS, "-o", "plan.xlsx"]).exit_code == 0
    plan = pd.read_excel("plan.xlsx", sheet_name=None, engine="calamine")
    allocation = plan["allocation"]
    Path("actuals").mkdir()
    allocation[allocation["period"] < 3][["option", "partner", "period", "units"]].to_csv(
        "actuals/spent.csv", index=False
    )
    pair = plan["pairs"][plan["pairs"]["period"] == 2].iloc[0]
    assert 3 <= pair["score"] < 100
    with Path("actuals/measured.csv").open("w", newline="") as out:
        csv.writer(out).writerows(
            [
                ["partner", "partner_b", "domain", "period", "score"],
                [pair["partner_a"], pair["partner_b"], pair["domain"], 2, pair["score"] - 3],
            ]
        )
    args = ["replan", EXAMPLE_PAIRS, "--plan", "plan.xlsx", "--actuals", "actuals", "--from", "3"]
    result = runner.invoke(main, [*args, "-o", "replan.xlsx", "--html", "replan.html"])
    assert result.exit_code == 0, result.output
    who = f"{pair['partner_a']}–{pair['partner_b']}, {pair['domain']}, period 2"
    assert f"Measured against predicted: 1 pair cell, largest difference -3.0 ({who})" in result.output
    (row,) = pd.read_excel("replan.xlsx", sheet_name="pair_evaluation", engine="calamine").to_dict("records")
    assert row["predicted"] == pytest.approx(pair["score"]) and row["difference"] == pytest.approx(-3.0)
    assert "Scatter of 1 measured pair readiness cell against" in Path("replan.html").read_text()
    data = json.loads(runner.invoke(main, [*args, "-o", "replan.json", "--json"]).stdout)
    assert data["pair_evaluation"] == [
        {
            "partner_a": pair["partner_a"],
            "partner_b": pair["partner_b"],
            "domain": pair["domain"],
            "period": 2,
            "predicted": pytest.approx(pair["score"]),
            "measured": pytest.approx(pair["score"] - 3),
            "difference": pytest.approx(-3.0),
        }
    ]
    assert runner.invoke(main, [*args, "-o", "out"]).exit_code == 0
    assert (Path("out") / "pair_evaluation.csv").exists()
