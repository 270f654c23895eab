"""Integer plans at the command line: JSON keys, --relax, the workbook and page, progress.

The bundled example-whole is the example with its exercises whole and set-up costs on the
multinational ones (README-integer.md); its expectations come from the example's LP and from
the hand-solved set-up case of test_integer_solve.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from test_integer_model import tiny
from test_integer_solve import exact

from optimizer.cli import main
from optimizer.io.template import write_scenario
from optimizer.lp import progress
from optimizer.scenario import Budget, Effect, Option

ROOT = Path(__file__).resolve().parents[1]
WHOLE = ROOT / "inputs" / "example-whole.xlsx"
EXAMPLE = ROOT / "inputs" / "example.xlsx"


def solved(runner: CliRunner, *args: str) -> dict:
    result = runner.invoke(main, ["solve", *args, "--json", "-o", "plan.xlsx"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_whole_example_has_no_fractional_exercise_and_says_its_bounds(runner: CliRunner) -> None:
    plan = solved(runner, str(WHOLE))
    lp = solved(runner, str(EXAMPLE))
    assert plan["status"] == "optimal"
    exercises = [row["units"] for row in plan["allocation"] if row["option"].startswith("EX-")]
    assert all(units == round(units) for units in exercises)
    assert plan["lp_bound"] == pytest.approx(lp["score"], rel=1e-6)
    assert plan["score"] <= plan["bound"] + 1e-9 <= plan["lp_bound"] + 1e-6
    assert plan["whole_units_cost"] == pytest.approx(plan["lp_bound"] - plan["score"])
    assert 0 <= plan["gap"] <= 1e-4
    assert lp["bound"] is None and lp["gap"] is None and lp["lp_bound"] is None and lp["setups"] == []


def test_relax_solves_the_lp_of_the_whole_example(runner: CliRunner) -> None:
    relaxed = solved(runner, str(WHOLE), "--relax")
    assert relaxed["score"] == pytest.approx(solved(runner, str(EXAMPLE))["score"], rel=1e-6)
    assert "--relax" in relaxed["message"]


@pytest.fixture
def held(tmp_path: Path) -> Path:
    """The hand-solved set-up case (test_integer_solve): A held in period 1 at set-up money 3."""
    scenario = tiny(
        (
            Option("A", "training", 1.0, whole=True, setup_cost=3.0),
            Option("B", "training", 2.0, whole=True),
        ),
        (Effect("A", "D", 10.0), Effect("B", "D", 8.0)),
        (Budget(1, 6.0),),
    )
    path = tmp_path / "held.xlsx"
    write_scenario(exact(scenario), path)
    return path


def test_the_workbook_and_page_show_the_set_ups_held(runner: CliRunner, held: Path) -> None:
    plan = solved(runner, str(held), "--html", "plan.html")
    assert plan["setups"] == [{"option": "A", "type": "training", "period": 1, "setup_cost": 3.0}]
    book = openpyxl.load_workbook("plan.xlsx")
    assert list(book["setups"].iter_rows(values_only=True)) == [
        ("option", "type", "period", "setup_cost"),
        ("A", "training", 1, 3),
    ]
    summary = dict(book["summary"].iter_rows(min_row=2, values_only=True))
    assert summary["score_bound"] == pytest.approx(30.0) and summary["setup_money"] == 3
    assert summary["lp_bound"] == pytest.approx(summary["score_after"] + summary["whole_units_cost"])
    page = Path("plan.html").read_text()
    assert 'id="whole-units"' in page and 'id="setups"' in page


def test_progress_stays_quiet_when_piped(held: Path, tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "optimizer", "solve", str(held), "-o", str(tmp_path / "p.xlsx")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "bound" not in run.stderr and "gap" not in run.stderr
    assert progress.on_terminal() is None  # pytest's stderr is not a terminal either


def test_a_progress_line_reads_as_a_planner_would() -> None:
    assert progress.line(57.1, 57.2, 0.0017, 12.34) == "     12.3 s  best plan 57.1  bound 57.2  gap 0.17%"
    assert "no plan yet" in progress.line(1e300, 60.0, float("inf"), 1.0)


@pytest.mark.slow
def test_ctrl_c_during_a_long_mip_exits_130_and_writes_nothing(tmp_path: Path) -> None:
    """The medium preset with whole training and set-ups, solved to a gap of 0: minutes of
    branching. SIGINT a few seconds in, wherever the solve is, stops it with nothing written."""
    import dataclasses
    import signal
    import time

    from optimizer.io.synthetic import generate_preset

    scenario = generate_preset("medium")
    options = tuple(
        dataclasses.replace(o, whole=True, setup_cost=3 * o.unit_cost) if o.type == "training" else o
        for o in scenario.options
    )
    source = tmp_path / "long.xlsx"
    write_scenario(exact(dataclasses.replace(scenario, options=options)), source)
    target = tmp_path / "plan.xlsx"
    solving = subprocess.Popen(
        [sys.executable, "-m", "optimizer", "solve", str(source), "-o", str(target)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(8)
    solving.send_signal(signal.SIGINT)
    out, err = solving.communicate(timeout=120)
    assert solving.returncode == 130, err
    assert "nothing was written" in err and not target.exists() and out == ""


def test_progress_waits_a_second_then_reports_each_second_and_each_better_plan() -> None:
    from optimizer.lp.highs import Progress

    heard: list[float] = []
    progress = Progress(lambda incumbent, bound, gap, seconds: heard.append(seconds), every=1.0)
    for seconds, improved in (
        (0.2, True),
        (0.9, False),
        (1.5, False),
        (1.7, False),
        (1.8, True),
        (2.9, False),
    ):
        progress.seen(50.0, 51.0, 0.02, seconds, improved)
    assert heard == [1.5, 1.8, 2.9]


def test_a_saved_integer_result_reads_back_with_its_bounds(runner: CliRunner, held: Path) -> None:
    from optimizer.io.validate import load_scenario
    from optimizer.reports.plan import solution_from_json

    saved = solved(runner, str(held))
    again = solution_from_json(saved, load_scenario(held))
    assert (again.bound, again.gap, again.lp_bound) == (saved["bound"], saved["gap"], saved["lp_bound"])
    # the LP: y = x / 6 (6 units are the most budget 6 buys), so a unit of A costs 1 + 3/6: 4 units
    assert again.lp_bound == pytest.approx(40.0)


@pytest.mark.parametrize("whole", [WHOLE, ROOT / "inputs" / "example-whole"])
def test_example_whole_is_the_example_with_whole_exercises_and_set_ups(whole: Path) -> None:
    """README-integer.md: every EX- option whole, set-ups 2.0, 1.5 and 2.0 on the multinational
    exercises, nothing else changed (the xlsx and the CSV folder alike)."""
    import dataclasses

    from optimizer.io.validate import load_scenario

    base, derived = load_scenario(EXAMPLE), load_scenario(whole)
    setups = {"EX-MUL-LND": 2.0, "EX-MAR": 1.5, "EX-AIR": 2.0}
    expected = tuple(
        dataclasses.replace(o, whole=True, setup_cost=setups.get(o.id, 0.0)) if o.id.startswith("EX-") else o
        for o in base.options
    )
    assert derived.options == expected
    assert dataclasses.replace(derived, options=base.options, source=base.source) == base
