"""Every command end to end through click's test runner, as a planner would type it."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import highspy
import openpyxl
import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.io.template import write_scenario
from optimizer.io.validate import load_scenario
from optimizer.scenario import Target

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_XLSX = ROOT / "inputs" / "example.xlsx"
EXAMPLE_CSV = ROOT / "inputs" / "example"


@pytest.fixture
def infeasible_csv(tmp_path: Path) -> Path:
    """The example plus targets no budget can reach: every partner at 100 in C2 by period 1."""
    scenario = load_scenario(EXAMPLE_CSV)
    impossible = tuple(Target(p.id, "C2", 1, 100.0) for p in scenario.partners)
    folder = tmp_path / "infeasible"
    write_scenario(dataclasses.replace(scenario, targets=scenario.targets + impossible), folder)
    return folder


def test_help_lists_every_command_and_exit_status(runner: CliRunner) -> None:
    result = runner.invoke(main, ["-h"])
    assert result.exit_code == 0
    for command in ("solve", "template", "validate"):
        assert command in result.output
    assert "3 infeasible" in result.output


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert re.search(r"interop, version \d+\.\d+", result.output)


def test_every_command_is_documented_in_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for name in main.commands:
        assert f"interop {name}" in readme, name


def test_ci_runs_the_test_command_readme_gives() -> None:
    """The guide's rule: CI runs exactly README's second command (set up and run the tests)."""
    lines = (ROOT / "README.md").read_text().splitlines()
    tests = next(line.strip() for line in lines if line.startswith("    ") and "pytest" in line)
    assert tests in (ROOT / ".ci" / "run").read_text().splitlines()


def test_template_writes_a_workbook_that_validate_explains(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["template", "blank.xlsx"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "blank.xlsx")
    assert {"partners", "domains", "baseline", "options", "effects", "budgets"} <= set(book.sheetnames)
    # a blank template is not a scenario yet: validate says what is missing, exit 2
    result = runner.invoke(main, ["validate", "blank.xlsx"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_template_never_replaces_a_file(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "mine.xlsx").write_bytes(b"precious")
    result = runner.invoke(main, ["template", "mine.xlsx"])
    assert result.exit_code == 2
    assert "exists already" in result.stderr
    assert (tmp_path / "mine.xlsx").read_bytes() == b"precious"


def test_template_must_be_xlsx(runner: CliRunner) -> None:
    result = runner.invoke(main, ["template", "blank.csv"])
    assert result.exit_code == 2
    assert ".xlsx" in result.stderr


@pytest.mark.parametrize("source", [EXAMPLE_XLSX, EXAMPLE_CSV])
def test_validate_the_example(runner: CliRunner, source: Path) -> None:
    result = runner.invoke(main, ["validate", str(source)])
    assert result.exit_code == 0, result.output
    assert "12 partners, 7 domains" in result.output


def test_validate_reports_bad_input_located_with_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(EXAMPLE_CSV, folder)
    effects = (folder / "effects.csv").read_text().splitlines()
    header = effects[0].split(",")
    cells = effects[5].split(",")
    cells[header.index("gain")] = "high"
    effects[5] = ",".join(cells)
    (folder / "effects.csv").write_text("\n".join(effects) + "\n")
    result = runner.invoke(main, ["validate", str(folder)])
    assert result.exit_code == 2
    assert (
        f"{folder / 'effects.csv'}: sheet 'effects', row 6, column 'gain': expected a number, got 'high'"
        in (result.stderr)
    )
    assert "Traceback" not in result.output


def test_solve_without_input_runs_the_bundled_example(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["solve"])
    assert result.exit_code == 0, result.output
    assert re.search(r"Score: \d+\.\d -> \d+\.\d \(out of 100\)", result.stdout)
    assert "period 1:" in result.stdout
    report = tmp_path / "reports" / "example-plan.xlsx"
    assert report.is_file()
    assert {"summary", "allocation", "readiness", "budget_use"} <= set(
        openpyxl.load_workbook(report).sheetnames
    )


def test_solve_json_is_the_only_thing_on_stdout(runner: CliRunner) -> None:
    result = runner.invoke(main, ["solve", str(EXAMPLE_XLSX), "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "optimal"
    for key in ("score", "spend", "spend_by_period", "allocation", "readiness"):
        assert key in data
    assert len(data["spend_by_period"]) == 5
    assert data["spend"] == pytest.approx(sum(data["spend_by_period"]))
    assert "Score:" in result.stderr


@pytest.mark.slow
def test_json_survives_the_solver_banner_in_a_real_process(tmp_path: Path) -> None:
    """HiGHS prints its banner on descriptor 1 from C++: only a real process shows it."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "optimizer",
            "solve",
            str(EXAMPLE_CSV),
            "--json",
            "-o",
            str(tmp_path / "r.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["status"] == "optimal"


def test_csv_and_xlsx_inputs_give_the_same_plan(runner: CliRunner) -> None:
    runs = [
        runner.invoke(main, ["solve", str(s), "--json", "-o", f"r{i}.json"])
        for i, s in enumerate((EXAMPLE_XLSX, EXAMPLE_CSV))
    ]
    a, b = (json.loads(r.stdout) for r in runs)
    assert a["score"] == pytest.approx(b["score"], abs=1e-9)
    assert a["spend"] == pytest.approx(b["spend"], rel=1e-7)


def test_highs_and_cbc_agree_through_the_cli(runner: CliRunner) -> None:
    runs = [
        runner.invoke(main, ["solve", str(EXAMPLE_CSV), "--json", "--solver", s, "-o", f"{s}.json"])
        for s in ("highs", "cbc")
    ]
    assert [r.exit_code for r in runs] == [0, 0]
    highs, cbc = (json.loads(r.stdout) for r in runs)
    assert highs["score"] == pytest.approx(cbc["score"], rel=1e-6)
    assert highs["spend"] == pytest.approx(cbc["spend"], rel=1e-5)


def test_solve_to_a_csv_folder(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["solve", str(EXAMPLE_CSV), "-o", "plan"])
    assert result.exit_code == 0, result.output
    assert {"allocation.csv", "readiness.csv", "budget_use.csv", "summary.csv"} <= {
        p.name for p in (tmp_path / "plan").iterdir()
    }


def test_solve_never_writes_over_its_input(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "scenario.xlsx"
    shutil.copy(EXAMPLE_XLSX, source)
    before = source.read_bytes()
    result = runner.invoke(main, ["solve", str(source), "-o", str(source)])
    assert result.exit_code == 2
    assert source.read_bytes() == before


def test_bad_input_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(EXAMPLE_CSV, folder)
    (folder / "partners.csv").write_text("partner,wieght\nALD,1\n")
    result = runner.invoke(main, ["solve", str(folder)])
    assert result.exit_code == 2
    assert "did you mean 'weight'" in result.stderr
    assert "nothing was written" in result.stderr
    assert not (tmp_path / "reports").exists()


def test_infeasible_targets_exit_3_and_name_the_shortfall(runner: CliRunner, infeasible_csv: Path) -> None:
    result = runner.invoke(main, ["solve", str(infeasible_csv), "--json", "-o", "r.json"])
    assert result.exit_code == 3, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "infeasible"
    assert data["score"] is None
    unmet = data["shortfalls"]
    assert unmet
    for short in unmet:
        assert (short["domain"], short["period"], short["min_score"]) == ("C2", 1, 100)
        assert short["shortfall"] > 0
        assert short["reached"] + short["shortfall"] == pytest.approx(100)
    assert "C2 by period 1" in result.stderr


@pytest.mark.parametrize("suffix", [".mps", ".lp"])
def test_export_model_is_the_phase1_lp(runner: CliRunner, tmp_path: Path, suffix: str) -> None:
    """HiGHS alone, reading the exported file, reaches the same optimum."""
    result = runner.invoke(main, ["solve", str(EXAMPLE_CSV), "--json", "--export-model", f"model{suffix}"])
    assert result.exit_code == 0, result.stderr
    score = json.loads(result.stdout)["score"]
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    assert highs.readModel(str(tmp_path / f"model{suffix}")) == highspy.HighsStatus.kOk
    highs.run()
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert abs(highs.getInfo().objective_function_value) == pytest.approx(score, rel=1e-7)


def test_export_model_needs_a_known_format(runner: CliRunner) -> None:
    result = runner.invoke(main, ["solve", str(EXAMPLE_CSV), "--export-model", "model.txt"])
    assert result.exit_code == 2
    assert ".mps or .lp" in result.stderr


def test_time_limit_must_be_positive(runner: CliRunner) -> None:
    result = runner.invoke(main, ["solve", "--time-limit", "0"])
    assert result.exit_code == 2


def test_python_dash_m_works() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "optimizer", "--help"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0
    assert "Usage: interop" in out.stdout


def test_time_limit_without_a_plan_exits_4(runner: CliRunner) -> None:
    """A limit far below what HiGHS needs leaves no plan: say so, exit 4."""
    result = runner.invoke(
        main, ["solve", str(EXAMPLE_CSV), "--time-limit", "1e-9", "--json", "-o", "r.json"]
    )
    assert result.exit_code == 4, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "time_limit"
    assert data["score"] is None
    assert "time limit" in data["message"]


def test_generate_is_deterministic_and_valid(runner: CliRunner, tmp_path: Path) -> None:
    for name in ("a.xlsx", "b.xlsx"):
        result = runner.invoke(main, ["generate", name, "--partners", "4", "--options", "6", "--seed", "3"])
        assert result.exit_code == 0, result.output
    assert load_scenario(tmp_path / "a.xlsx") == load_scenario(tmp_path / "b.xlsx")
    assert runner.invoke(main, ["validate", "a.xlsx"]).exit_code == 0
    result = runner.invoke(main, ["generate", "a.xlsx"])
    assert result.exit_code == 2
    assert "exists already" in result.stderr


@pytest.mark.slow
def test_solve_html_and_report_rerender_from_json(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["solve", str(EXAMPLE_CSV), "-o", "plan.json", "--html", "plan.html"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "plan.html").read_text()
    assert "<img" in page and "http://" not in page
    result = runner.invoke(main, ["report", "plan.json", "-o", "again.xlsx", "--html", "again.html"])
    assert result.exit_code == 0, result.output
    assert {"summary", "allocation"} <= set(openpyxl.load_workbook(tmp_path / "again.xlsx").sheetnames)
    assert (tmp_path / "again.html").read_text().count("<img") == page.count("<img")


def test_report_of_a_file_that_is_not_a_result(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "junk.json").write_text("{not json")
    result = runner.invoke(main, ["report", "junk.json"])
    assert result.exit_code == 2
    assert "junk.json" in result.stderr
    assert "Traceback" not in result.output


def test_report_of_a_study_result_says_which_command_renders_it(runner: CliRunner, tmp_path: Path) -> None:
    """A study's JSON (every study writes "study": its kind) is not a plan: report says so and
    which command writes that study's workbook and HTML, and writes nothing."""
    (tmp_path / "mc.json").write_text('{"study": "montecarlo", "n": 10, "tables": {}}')
    result = runner.invoke(main, ["report", "mc.json", "-o", "mc.xlsx"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "mc.json: expected a plan's result (from solve, replan or evaluate); this is a montecarlo "
        "study's, whose workbook and HTML 'interop montecarlo -o FILE --html FILE' writes"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mc.json"]
