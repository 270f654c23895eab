"""Evaluating a planner's own plan, comparing it with the optimum, keeping commitments."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.cli import main
from optimizer.errors import InputError
from optimizer.evaluation import evaluate
from optimizer.io.plan import load_plan
from optimizer.io.validate import load_scenario
from optimizer.lp.solve import solve
from optimizer.reports.plan import write_report
from optimizer.scenario import Budget, Domain, Effect, Option, Partner, Scenario, Settings, Target
from optimizer.studies.comparison import compare

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inputs" / "example.xlsx"


def two_partners(**changes: object) -> Scenario:
    """A at 10, B at 20 in one domain; X costs 2 and adds 5 points a unit; budget 4; lambda 0.25."""
    scenario = Scenario(
        partners=(Partner("A", max_spend=4.0), Partner("B")),
        domains=(Domain("D"),),
        baseline={("A", "D"): 10.0, ("B", "D"): 20.0},
        options=(
            Option("X", "training", 2.0, max_units=2.0),
            Option("Y", "standardization", 1.0, partners=("A",)),
        ),
        effects=(Effect("X", "D", 5.0), Effect("Y", "D", 1.0)),
        budgets=(Budget(1, 4.0, {"training": 4.0}),),
        settings=Settings(weakest_link=0.25),
    )
    return dataclasses.replace(scenario, **changes)


def plan(*rows: tuple[str, str, int, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["option", "partner", "period", "units"])


def test_hand_computed_score_of_a_small_plan() -> None:
    """One X for A: A = 10 + 5 = 15, B = 20. Z = 0.75 * (15 + 20) / 2 + 0.25 * 15 = 13.125 + 3.75 = 16.875."""
    result = evaluate(two_partners(), plan(("X", "A", 1, 1.0)))
    assert result.status == "evaluated"
    assert result.score == pytest.approx(16.875)
    assert result.baseline_score == pytest.approx(0.75 * 15 + 0.25 * 10)
    assert result.spend == pytest.approx(2.0)
    assert result.feasible
    a = result.readiness.set_index("partner").loc["A"]
    assert a["score"] == pytest.approx(15.0)


def test_capped_readiness_counts_only_up_to_the_cap() -> None:
    """Two X for B: raw 20 + 10 = 30, cap 25 -> B counts 25. Z = 0.75 * (10 + 25) / 2 + 0.25 * 10 = 15.625."""
    scenario = two_partners(settings=Settings(weakest_link=0.25, score_cap=25.0))
    result = evaluate(scenario, plan(("X", "B", 1, 2.0)))
    assert result.score == pytest.approx(15.625)


def violations_of(result, kind: str) -> pd.DataFrame:
    return result.violations[result.violations["kind"] == kind]


def test_every_kind_of_violation_is_reported_with_its_amount() -> None:
    """X: 3 units for A (max 2: over by 1) cost 6 (budget 4, training 4, A's cap 4: each over by 2);
    Y for B (only A may have it: 1 unit); target A >= 40 reaches 10 + 15 = 25 (short by 15)."""
    scenario = two_partners(targets=(Target("A", "D", 1, 40.0, 2),))
    result = evaluate(scenario, plan(("X", "A", 1, 3.0), ("Y", "B", 1, 1.0)))
    assert not result.feasible
    amounts = {
        kind: float(violations_of(result, kind)["excess"].iloc[0])
        for kind in ("period budget", "type budget", "partner cap", "max units", "eligibility", "target")
    }
    assert amounts == pytest.approx(
        {
            "period budget": 3.0,
            "type budget": 2.0,
            "partner cap": 2.0,
            "max units": 1.0,
            "eligibility": 1.0,
            "target": 15.0,
        }
    )
    assert violations_of(result, "type budget")["type"].iloc[0] == "training"
    assert violations_of(result, "partner cap")["partner"].iloc[0] == "A"
    assert violations_of(result, "eligibility")[["option", "partner"]].iloc[0].tolist() == ["Y", "B"]


def test_the_optimal_plan_evaluates_to_the_optimal_score() -> None:
    """Phase 2 may give up eps = 1e-7 * Z* of score to save money (plus the solver's feasibility
    tolerance on that row), so the match is within 2e-7 relative."""
    scenario = load_scenario(EXAMPLE)
    solution = solve(scenario)
    result = evaluate(scenario, solution.allocation)
    assert result.feasible
    assert result.score == pytest.approx(solution.score, rel=2e-7)
    assert result.spend == pytest.approx(solution.spend, rel=1e-12)


@pytest.mark.parametrize("form", ["report.xlsx", "report"])
def test_the_allocation_solve_writes_round_trips_through_plan(tmp_path: Path, form: str) -> None:
    scenario = load_scenario(EXAMPLE)
    solution = solve(scenario)
    written = write_report(solution, tmp_path / form)
    read = load_plan(written, scenario)
    expected = solution.allocation[["option", "partner", "period", "units"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(read, expected, check_dtype=False, rtol=1e-15)


def test_plan_names_are_checked_and_located(tmp_path: Path) -> None:
    scenario = two_partners()
    file = tmp_path / "draft.csv"
    file.write_text("option,partner,period,units\nX,A,1,1\nZ,A,1,1\nX,Q,2,-1\n")
    with pytest.raises(InputError) as error:
        load_plan(file, scenario)
    found = {(p.row, p.column) for p in error.value.problems}
    assert {(3, "option"), (4, "partner"), (4, "period"), (4, "units")} <= found


def test_keep_with_the_optimal_plan_changes_nothing() -> None:
    scenario = load_scenario(EXAMPLE)
    solution = solve(scenario)
    kept = solve(scenario, keep=solution.allocation)
    assert kept.status == "optimal"
    assert kept.score == pytest.approx(solution.score, rel=2e-7)
    assert kept.spend == pytest.approx(solution.spend, rel=1e-6)


def test_keep_fixes_minimums_and_optimises_the_rest() -> None:
    """Committing one Y for A (cost 1, +1 point) leaves 3 for X: 1.5 units, A = 10 + 1 + 7.5 = 18.5.
    Z = 0.75 * (18.5 + 20) / 2 + 0.25 * 18.5 = 14.4375 + 4.625 = 19.0625 (without: A = 20, Z = 20)."""
    scenario = two_partners(budgets=(Budget(1, 4.0),))
    kept = solve(scenario, keep=plan(("Y", "A", 1, 1.0)))
    assert kept.score == pytest.approx(19.0625, abs=1e-6)
    units = kept.allocation.set_index(["option", "partner"])["units"]
    assert units[("Y", "A")] == pytest.approx(1.0)
    assert units[("X", "A")] == pytest.approx(1.5, abs=1e-5)


def test_commitments_that_alone_break_a_budget_are_reported() -> None:
    kept = solve(two_partners(), keep=plan(("X", "A", 1, 3.0)))
    assert kept.status == "infeasible"
    assert "period budget in period 1: 6 against 4" in kept.message


def test_compare_same_money_is_never_worse_than_the_plan() -> None:
    """The plan funds Y (1 point per money) where X gives 2.5: same money (2) buys X and more score.

    Plan: 2 Y for A, A = 12, B = 20: Z = 0.75 * 32 / 2 + 0.25 * 12 = 15. Same money: one X for A
    (A, the weakest, gains 2.5 * (0.375 + 0.25) per money against B's 2.5 * 0.375), A = 15:
    Z = 0.75 * 35 / 2 + 0.25 * 15 = 16.875. Optimum, all 4: two X for A, A = 20 = B: Z = 20.
    """
    result = evaluate(two_partners(budgets=(Budget(1, 4.0),)), plan(("Y", "A", 1, 2.0)))
    comparison = compare(result)
    scores = comparison.headline.set_index("plan")["score"]
    assert scores["plan"] == pytest.approx(15.0, abs=1e-9)
    assert scores["same_money"] == pytest.approx(16.875, abs=1e-6)
    assert scores["optimum"] == pytest.approx(20.0, abs=1e-6)
    assert comparison.same_money.spend == pytest.approx(2.0, abs=1e-5)
    assert comparison.only_in("optimum", "plan") == ["X"]
    assert comparison.only_in("plan", "optimum") == ["Y"]


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.floats(0, 1), min_size=4, max_size=4))
def test_no_feasible_plan_scores_above_the_optimum(shares: list[float]) -> None:
    """Random plans scaled into every budget and cap never beat the LP's optimum."""
    scenario = two_partners(budgets=(Budget(1, 4.0),))
    cells = [("X", "A"), ("X", "B"), ("Y", "A"), ("Y", "A")]
    draft = plan(*[(o, p, 1, s) for (o, p), s in zip(cells, shares, strict=True)])
    draft = draft.groupby(["option", "partner", "period"], as_index=False)["units"].sum()
    result = evaluate(scenario, draft)
    scale = min([1.0, *(row.limit / row.spend for row in result.budget_use.itertuples() if row.spend > 0)])
    units = draft["units"] * scale
    units[draft["option"] == "X"] = units[draft["option"] == "X"].clip(upper=2.0)
    result = evaluate(scenario, draft.assign(units=units))
    assert result.feasible
    assert result.score <= solve(scenario).score + 1e-9


@pytest.mark.slow
def test_evaluate_command_feasible_and_breaking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["solve", str(EXAMPLE), "-o", "plan.xlsx"]).exit_code == 0
    result = runner.invoke(main, ["evaluate", str(EXAMPLE), "--plan", "plan.xlsx", "--json", "-o", "e.json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "evaluated"
    assert data["violations"] == []
    draft = tmp_path / "draft.csv"
    draft.write_text("option,partner,period,units\nFMN,ALD,1,10\n")
    result = runner.invoke(main, ["evaluate", str(EXAMPLE), "--plan", str(draft), "--compare", "--json"])
    assert result.exit_code == 6, result.stderr
    data = json.loads(result.stdout)
    assert {v["kind"] for v in data["violations"]} >= {"period budget"}
    assert data["comparison"]["optimum"]["score"] > data["score"]
    assert "same money" in result.stderr.lower()
    assert (tmp_path / "reports" / "draft-evaluation.xlsx").is_file()


def test_solve_keep_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    committed = tmp_path / "committed.csv"
    committed.write_text("option,partner,period,units\nFMN,ALD,1,1\n")
    result = runner.invoke(main, ["solve", str(EXAMPLE), "--keep", str(committed), "--json", "-o", "k.json"])
    assert result.exit_code == 0, result.stderr
    rows = [
        r for r in json.loads(result.stdout)["allocation"] if (r["option"], r["partner"]) == ("FMN", "ALD")
    ]
    assert rows and rows[0]["units"] >= 1 - 1e-9
    committed.write_text("option,partner,period,units\nFMN,ALD,1,10\n")
    result = runner.invoke(main, ["solve", str(EXAMPLE), "--keep", str(committed), "--json", "-o", "k.json"])
    assert result.exit_code == 3
    assert "commitments alone break" in json.loads(result.stdout)["message"]
