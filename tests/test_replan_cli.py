"""`interop replan` end to end through click's runner, and the outputs every command checks first."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from optimizer.cli import main

EXAMPLE = str(Path(__file__).resolve().parents[1] / "inputs" / "example.xlsx")


def adopted_and_actuals(runner: CliRunner, replan_from: int) -> None:
    """Solve the example to plan.json and plan.xlsx, and write actuals in which everything before
    `replan_from` went exactly as planned (spent = the plan, measured = its predicted readiness)."""
    assert runner.invoke(main, ["solve", EXAMPLE, "-o", "plan.xlsx"]).exit_code == 0
    plan = pd.read_excel("plan.xlsx", sheet_name=None, engine="calamine")
    Path("actuals").mkdir()
    allocation = plan["allocation"]
    allocation[allocation["period"] < replan_from][["option", "partner", "period", "units"]].to_csv(
        "actuals/spent.csv", index=False
    )
    readiness = plan["readiness"]
    measured = readiness[(readiness["period"] < replan_from) & (readiness["score"] < 100)]
    measured[["partner", "domain", "period", "score"]].to_csv("actuals/measured.csv", index=False)


@pytest.mark.slow
def test_replan_of_a_year_as_planned_keeps_the_plan(runner: CliRunner) -> None:
    adopted_and_actuals(runner, 3)
    args = ["replan", EXAMPLE, "--plan", "plan.xlsx", "--actuals", "actuals", "--from", "3"]
    result = runner.invoke(main, [*args, "-o", "replan.xlsx", "--html", "replan.html", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    solved = json.loads(runner.invoke(main, ["solve", EXAMPLE, "--json", "-o", "again.json"]).stdout)
    # the adopted plan is phase 2's, which may give up eps = 1e-7 * Z* of the optimum (model.md)
    assert abs(data["score"] - solved["score"]) <= 2e-7 * solved["score"]
    assert data["money_moved"] == 0.0 and data["changes"] == []
    assert data["replan_from"] == 3 and data["recalibrated"] is False
    assert {row["period"] for row in data["allocation"]} == {1, 2, 3, 4, 5}  # history included
    assert all(abs(row["difference"]) < 1e-9 for row in data["evaluation"])
    assert all(abs(row["factor"] - 1.0) < 1e-9 for row in data["effectiveness"])
    sheets = openpyxl.load_workbook("replan.xlsx", read_only=True).sheetnames
    assert {"allocation", "changes", "evaluation", "effectiveness"} <= set(sheets)
    page = Path("replan.html").read_text()
    assert "Measured against predicted readiness" in page and "What the re-plan from period 3 changes" in page
    assert "Re-planned from period 3" in result.stderr


@pytest.mark.slow
def test_replan_writes_a_csv_folder_with_its_tables(runner: CliRunner) -> None:
    adopted_and_actuals(runner, 2)
    args = ["replan", EXAMPLE, "--plan", "plan.xlsx", "--actuals", "actuals", "--from", "2", "-o", "out"]
    assert runner.invoke(main, args).exit_code == 0
    assert {"allocation.csv", "changes.csv", "evaluation.csv", "effectiveness.csv"} <= set(
        p.name for p in Path("out").iterdir()
    )


def test_replan_refuses_bad_actuals_and_writes_nothing(runner: CliRunner) -> None:
    adopted_and_actuals(runner, 3)
    Path("actuals/spent.csv").write_text("option,partner,period,units\nEX-AIR,NOPE,1,2\nEX-AIR,ALD,4,1\n")
    args = ["replan", EXAMPLE, "--plan", "plan.xlsx", "--actuals", "actuals", "--from", "3", "-o", "r.xlsx"]
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert "spent.csv: sheet 'spent', row 2, column 'partner'" in result.stderr
    assert "row 3, column 'period': expected a period before the re-plan" in result.stderr
    assert not Path("r.xlsx").exists()


def test_replan_from_outside_the_horizon_is_refused(runner: CliRunner) -> None:
    adopted_and_actuals(runner, 3)
    result = runner.invoke(
        main, ["replan", EXAMPLE, "--plan", "plan.xlsx", "--actuals", "actuals", "--from", "9"]
    )
    assert result.exit_code == 2 and "from 2 to 5" in result.stderr


def test_an_html_page_that_cannot_be_written_is_refused_before_the_report_is_written(
    runner: CliRunner,
) -> None:
    """`solve -o plan.json --html plan.txt` once replaced plan.json, then refused plan.txt."""
    Path("plan.json").write_text("keep")
    result = runner.invoke(main, ["solve", EXAMPLE, "-o", "plan.json", "--html", "plan.txt"])
    assert result.exit_code == 2 and "plan.txt" in result.stderr
    assert Path("plan.json").read_text() == "keep"
    result = runner.invoke(main, ["evaluate", EXAMPLE, "--plan", EXAMPLE, "-o", "e.json", "--html", EXAMPLE])
    assert result.exit_code == 2 and not Path("e.json").exists()
