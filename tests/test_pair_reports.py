"""Reports of pairs: the JSON key `pairs` and its companions, the workbook's pair sheets with
coloured cells, the HTML heatmaps, the terminal lines, and `evaluate --plan` scoring pairs.

The numbers are those of the hand-solved two-partner scenario of test_pairs_model.py: the plan
funds 5 units of 'bil' for A and for B, so the pair A-B in 'land' goes from 40 to 40 + 4 * 5 = 60.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from test_pairs_model import three_partners, two_partners

from optimizer.cli import main
from optimizer.evaluation import evaluate
from optimizer.io.template import write_scenario
from optimizer.lp.solve import solve
from optimizer.reports.html import render_html
from optimizer.reports.plan import to_json, write_report
from optimizer.reports.text import summary
from optimizer.scenario import Target

EXAMPLE = Path(__file__).resolve().parents[1] / "inputs" / "example.xlsx"


@pytest.fixture(scope="module")
def solution():
    return solve(two_partners())


def test_json_lists_pair_readiness_the_weakest_pair_and_what_the_joint_exercise_raised(solution) -> None:
    data = to_json(solution)  # phase 2 may give up eps of score: 5 units are 5 - 1e-6 or so
    [pair] = data["pairs"]
    assert pair.pop("score") == pytest.approx(60.0, abs=1e-4)
    assert pair == {"partner_a": "A", "partner_b": "B", "domain": "land", "period": 1, "baseline": 40.0}
    [weakest] = data["weakest_pairs"]
    assert weakest.pop("weakest_after") == pytest.approx(60.0, abs=1e-4)
    assert weakest == {"domain": "land", "weakest_before": 40.0, "pairs_before": "A-B", "pairs_after": "A-B"}
    [raised] = data["joint_exercises"]
    assert (raised["option"], raised["partner_a"], raised["partner_b"], raised["domain"]) == (
        "bil",
        "A",
        "B",
        "land",
    )
    assert raised["joint_units"] == pytest.approx(5.0, abs=1e-5)
    assert raised["points"] == pytest.approx(20.0, abs=1e-4)


def test_a_scenario_without_pairs_reports_no_pair_keys_or_sheets(tmp_path: Path) -> None:
    plain = solve(dataclasses.replace(two_partners(), pairs=()))
    assert not {"pairs", "weakest_pairs", "joint_exercises"} & set(to_json(plain))
    write_report(plain, tmp_path / "r.xlsx")
    assert not {"pairs", "pair_matrix"} & set(openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames)
    assert "pair" not in summary(plain).lower()


def test_workbook_has_the_pair_sheets_and_a_coloured_matrix(solution, tmp_path: Path) -> None:
    write_report(solution, tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert {"pairs", "weakest_pairs", "joint_exercises", "pair_matrix"} <= set(book.sheetnames)
    matrix = book["pair_matrix"]
    # block 'land: baseline' (rows 1-3), then 'land: period 1 with the plan' (rows 5-7)
    assert matrix["A1"].value == "land: baseline"
    assert (matrix["C2"].value, matrix["B3"].value, matrix["B2"].value) == (40.0, 40.0, None)
    assert matrix["A5"].value == "land: period 1 with the plan"
    assert matrix["C6"].value == pytest.approx(60.0, abs=1e-4)
    # 40 is 'deconflicted' (25-50), 60 'compatible' (50-75): two different fills
    assert matrix["C2"].fill.fgColor.rgb != matrix["C6"].fill.fgColor.rgb
    readme = {row[0].value for row in book["README"].iter_rows()}
    assert {"pairs", "pair_matrix", "joint_exercises", "weakest_pairs"} <= readme


def test_html_shows_a_heatmap_before_and_after_and_the_tables(solution) -> None:
    page = render_html(solution)
    assert "Pairs in land: baseline" in page
    assert "Pairs in land: period 1 with the plan" in page
    assert "Weakest pair per domain" in page and "Pairs each joint exercise raised" in page


def test_terminal_names_the_weakest_pair(solution) -> None:
    assert "land: A-B 40.0 -> A-B 60.0" in summary(solution)


def test_evaluate_plan_scores_pairs(runner, tmp_path: Path) -> None:
    """The optimal plan, evaluated, scores the blended optimum 57.5 (test_pairs_model.py)."""
    write_scenario(two_partners(), tmp_path / "s.xlsx")
    assert runner.invoke(main, ["solve", "s.xlsx", "-o", "plan.xlsx"]).exit_code == 0
    result = runner.invoke(main, ["evaluate", "s.xlsx", "--plan", "plan.xlsx", "--json", "-o", "e.json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["score"] == pytest.approx(57.5, abs=1e-5)
    assert data["pairs"][0]["score"] == pytest.approx(60.0, abs=1e-4)


def test_weakest_pairs_name_every_pair_at_the_lowest_readiness() -> None:
    """mul units A 3, B 1, C 2 (test_pairs_model.py): A-B 42, A-C 44, B-C 42 from 40 each."""
    draft = pd.DataFrame(
        {"option": ["mul"] * 3, "partner": list("ABC"), "period": [1] * 3, "units": [3.0, 1.0, 2.0]}
    )
    [row] = to_json(evaluate(three_partners(), draft))["weakest_pairs"]
    assert row == {
        "domain": "sea",
        "weakest_before": 40.0,
        "pairs_before": "A-B, A-C, B-C",
        "weakest_after": 42.0,
        "pairs_after": "A-B, B-C",
    }


def test_replan_with_pairs_of_a_year_as_planned_keeps_the_plan(runner, monkeypatch) -> None:
    """Re-planning holds the pairs too: with everything before period 3 as planned, the re-plan
    reaches the blended optimum again and moves no money."""
    import test_replan_cli

    example = str(EXAMPLE.with_name("example-pairs.xlsx"))
    monkeypatch.setattr(test_replan_cli, "EXAMPLE", example)
    test_replan_cli.adopted_and_actuals(runner, 3)
    args = ["replan", example, "--plan", "plan.xlsx", "--actuals", "actuals", "--from", "3", "--json"]
    result = runner.invoke(main, [*args, "-o", "replan.json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    solved = json.loads(runner.invoke(main, ["solve", example, "--json", "-o", "again.json"]).stdout)
    assert abs(data["score"] - solved["score"]) <= 2e-7 * solved["score"]
    assert data["money_moved"] == pytest.approx(0.0, abs=1e-6)
    assert len(data["pairs"]) == len(solved["pairs"]) > 0


def test_without_a_plan_the_pair_tables_are_empty(tmp_path: Path) -> None:
    """A target no budget reaches (A at 100 needs 60 points; 10 units of solo give 20)."""
    scenario = dataclasses.replace(two_partners(), targets=(Target("A", "land", 1, 100.0),))
    solution = solve(scenario)
    assert solution.status == "infeasible"
    data = to_json(solution)
    assert data["pairs"] == data["weakest_pairs"] == data["joint_exercises"] == []
    write_report(solution, tmp_path / "r.xlsx")
    assert "pair_matrix" in openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames
