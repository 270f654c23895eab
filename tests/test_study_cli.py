"""The sensitivity commands end to end through click's test runner, their reports, and the README script."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from optimizer.cli import main
from optimizer.io.synthetic import generate
from optimizer.io.template import write_scenario
from optimizer.io.validate import load_scenario
from optimizer.reports.study import study_json, write_study
from optimizer.scenario import Target
from optimizer.studies.sweep import sweep
from optimizer.studies.variants import param_help

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_XLSX = ROOT / "inputs" / "example.xlsx"
EXAMPLE_CSV = ROOT / "inputs" / "example"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic scenario (3 partners, 4 options): tornado on it is a few dozen solves."""
    folder = tmp_path_factory.mktemp("tiny") / "tiny"
    write_scenario(generate(3, 4, 2, 3, seed=5), folder)
    return folder


@pytest.fixture(scope="module")
def infeasible(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plus targets no budget can reach: every partner at 100 in C2 by period 1."""
    scenario = load_scenario(EXAMPLE_CSV)
    impossible = tuple(Target(p.id, "C2", 1, 100.0) for p in scenario.partners)
    folder = tmp_path_factory.mktemp("infeasible") / "infeasible"
    write_scenario(dataclasses.replace(scenario, targets=scenario.targets + impossible), folder)
    return folder


def no_nan(text: str) -> Any:
    """json.loads that refuses NaN and Infinity (plain JSON only)."""

    def refuse(constant: str) -> None:
        raise AssertionError(f"not plain JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def run_json(runner: CliRunner, args: list[str], code: int = 0) -> tuple[Result, dict[str, Any]]:
    result = runner.invoke(main, [*args, "--json"])
    assert result.exit_code == code, result.stderr
    return result, no_nan(result.stdout)


def charts(path: Path) -> dict[str, list[str]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: [type(c).__name__ for c in ws._charts] for ws in book.worksheets}


def extra_sections(page: str) -> list[str]:
    return re.findall(r'<h2 id="h-extra-\d+">([^<]*)</h2>', page)


# --------------------------------------------------------------------------- sensitivity


@pytest.mark.slow
def test_sensitivity_of_the_bundled_example(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["sensitivity"])
    assert result.exit_code == 0, result.output
    assert "score points" in result.stdout and "buys" in result.stdout
    assert "allowable increase/decrease" in result.stdout
    assert "closest to entering" in result.stdout
    entering = result.stdout.split("closest to entering")[1].split("Estimate ranges")[0].strip().splitlines()
    assert len(entering) == 1 + 1 + 5  # the rest of the heading, the column names, the five closest
    report = tmp_path / "reports" / "example-sensitivity.xlsx"
    book = openpyxl.load_workbook(report)
    assert book.sheetnames == ["summary", "constraints", "units", "entering", "sentences", "estimate_ranges"]
    units = book["units"]
    header = [c.value for c in units[1]]
    assert {"option", "partner", "period", "units", "reduced_cost", "funded"} <= set(header)
    assert units.freeze_panes == "A2" and units.auto_filter.ref
    assert units[1][0].font.b
    constraints = book["constraints"]
    kinds = {row[0] for row in constraints.iter_rows(min_row=2, values_only=True)}
    assert {"period", "type", "partner", "target"} <= kinds


@pytest.mark.slow
def test_sensitivity_json_and_html(runner: CliRunner, tmp_path: Path) -> None:
    result, data = run_json(runner, ["sensitivity", str(EXAMPLE_XLSX), "-o", "s.json", "--html", "s.html"])
    assert data["study"] == "sensitivity" and data["status"] == "optimal" and data["ranging"] is True
    assert data["sentences"] and "Sensitivity" in result.stderr
    rows = data["tables"]["constraints"]
    binding = [r for r in rows if r["binding"] and r["shadow_price"] > 0]
    assert binding
    for row in rows:
        for key in ("allowable_increase", "allowable_decrease"):
            assert row[key] == "inf" or (isinstance(row[key], float) and row[key] >= 0), row
    slack = [r for r in rows if not r["binding"] and r["kind"] == "period"]
    assert all(r["allowable_increase"] == "inf" and r["shadow_price"] == 0 for r in slack)
    assert no_nan((tmp_path / "s.json").read_text())["tables"]["constraints"] == rows
    page = (tmp_path / "s.html").read_text()
    assert "What the binding limits are worth" in extra_sections(page)
    assert "Shadow prices of the binding money limits" in extra_sections(page)


def test_sensitivity_basis_ranges_are_the_unextended_ones(runner: CliRunner) -> None:
    study = ["sensitivity", str(EXAMPLE_XLSX), "--no-estimate-ranges"]  # constraint ranges are the subject
    _, full = run_json(runner, [*study, "-o", "full.json"])
    _, basis = run_json(runner, [*study, "-o", "basis.json", "--basis-ranges"])
    assert full["extended_ranges"] is True and basis["extended_ranges"] is False and basis["ranging"]
    pairs = list(zip(full["tables"]["constraints"], basis["tables"]["constraints"], strict=True))
    for f, b in pairs:
        assert b["shadow_price"] == f["shadow_price"]
        assert (b["allowable_increase"], b["allowable_decrease"]) == (
            f["basis_increase"],
            f["basis_decrease"],
        )
    assert any(f["allowable_increase"] != b["allowable_increase"] for f, b in pairs)  # extension mattered


def test_sensitivity_with_cbc_says_ranging_is_not_available(runner: CliRunner) -> None:
    result, data = run_json(runner, ["sensitivity", str(EXAMPLE_CSV), "--solver", "cbc", "-o", "c.json"])
    assert data["ranging"] is False
    assert "not available with CBC" in data["message"] and "not available with CBC" in result.stderr
    assert all(r["allowable_increase"] is None for r in data["tables"]["constraints"])


def test_sensitivity_exit_statuses(runner: CliRunner, infeasible: Path, tmp_path: Path) -> None:
    result, data = run_json(runner, ["sensitivity", str(infeasible), "-o", "i.xlsx"], code=3)
    assert data["status"] == "infeasible" and data["score"] is None
    assert "infeasible" in result.stderr
    result, data = run_json(runner, ["sensitivity", "--time-limit", "1e-9", "-o", "t.json"], code=4)
    assert data["status"] == "time_limit"
    assert "time limit" in result.stderr


# --------------------------------------------------------------------------- sweep


@pytest.mark.slow
def test_budget_sweep_workbook_frontier_and_html(runner: CliRunner, tmp_path: Path) -> None:
    args = ["sweep", str(EXAMPLE_CSV), "--param", "budget_scale", "--values", "0.5:1.5:5", "--workers", "1"]
    result = runner.invoke(main, [*args, "-o", "w.xlsx", "--html", "w.html"])
    assert result.exit_code == 0, result.output
    assert "Sweep of budget_scale (5 values, warm" in result.stdout
    found = charts(tmp_path / "w.xlsx")
    assert list(found) == ["summary", "points", "frontier", "spend_by_period", "units_by_option"]
    assert found["points"] == ["LineChart"] and found["frontier"] == ["LineChart"]
    assert found["spend_by_period"] == ["LineChart"]
    book = openpyxl.load_workbook(tmp_path / "w.xlsx")
    scores = [row[2] for row in book["points"].iter_rows(min_row=2, values_only=True)]
    assert len(scores) == 5 and scores == sorted(scores)
    assert [c.value for c in book["spend_by_period"][1]] == ["value", *[f"period {t}" for t in range(1, 6)]]
    page = (tmp_path / "w.html").read_text()
    sections = extra_sections(page)
    assert sections[0] == "Budget frontier"
    assert "Spend per period by budget_scale" in sections
    plain = runner.invoke(main, ["solve", str(EXAMPLE_CSV), "-o", "p.json", "--html", "p.html"])
    assert plain.exit_code == 0
    assert page.count("<img") == (tmp_path / "p.html").read_text().count("<img") + 2


def test_other_param_sweep_json_and_csv_folder(runner: CliRunner, tmp_path: Path) -> None:
    args = ["sweep", str(EXAMPLE_XLSX), "--param", "weakest_link", "--values", "0,0.5,1", "--workers", "1"]
    _, data = run_json(runner, [*args, "-o", "wl"])
    assert data["study"] == "sweep" and data["param"] == "weakest_link" and data["budget_param"] is False
    assert [p["value"] for p in data["tables"]["points"]] == [0, 0.5, 1]
    assert "frontier" not in data["tables"]
    assert {r["option"] for r in data["tables"]["units_by_option"]} >= {"LNO", "STD-DOC"}
    files = {p.name for p in (tmp_path / "wl").iterdir()}
    assert files == {"summary.csv", "points.csv", "spend_by_period.csv", "units_by_option.csv"}


@pytest.mark.parametrize(
    ("param", "values", "says"),
    [
        ("budgt", "1,2", "budget_scale"),
        ("unit_cost:NOPE", "1,2", "choose one of: EX-BIL-LND"),
        ("budget:9", "10,20", "periods are 1 to 5"),
        ("type_budget:air:1", "1", "choose one of: training"),
        ("budget_scale", "1:2", "START:STOP:N"),
        ("budget_scale", "a,b", "START:STOP:N"),
        ("budget_scale", "1:2:0", "N must be at least 1"),
        ("weakest_link", "0.5,2", "must be <= 1"),
        ("budget_scale", "-1,1", "must be >= 0"),
    ],
)
def test_bad_param_or_values_exit_2_and_write_nothing(
    runner: CliRunner, tmp_path: Path, param: str, values: str, says: str
) -> None:
    args = ["sweep", str(EXAMPLE_CSV), "--param", param, "--values", values, "--workers", "1"]
    result = runner.invoke(main, [*args, "-o", "out.xlsx", "--html", "out.html", "--json"])
    assert result.exit_code == 2, result.output
    assert says in result.stderr
    assert param_help() in result.stderr  # the valid PARAMs, named
    assert "Nothing was written" in result.stderr and "Traceback" not in result.output
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_sweep_json_has_null_for_an_infeasible_value(tmp_path: Path) -> None:
    scenario = load_scenario(EXAMPLE_CSV)
    result = sweep(scenario, "budget_scale", [0.0, 1.0], progress=False)
    assert result.points["status"].tolist() == ["infeasible", "optimal"]
    path = write_study(result, tmp_path / "s.json", inputs=[EXAMPLE_CSV])
    data = no_nan(path.read_text())
    assert data["tables"]["points"][0]["score"] is None
    assert data["inputs"][0]["sha256"]
    assert study_json(result)["tables"]["points"][1]["score"] == pytest.approx(result.points["score"][1])


def test_study_csv_defuses_formula_text_and_workbook_keeps_it_text(tmp_path: Path) -> None:
    scenario = load_scenario(EXAMPLE_CSV)
    result = sweep(scenario, "budget_scale", [1.0], progress=False)
    evil = result.units_by_option.assign(option='=HYPERLINK("http://x")', type="+1")
    result = dataclasses.replace(result, units_by_option=evil)
    write_study(result, tmp_path / "csv")
    with open(tmp_path / "csv" / "units_by_option.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["option"] == '\'=HYPERLINK("http://x")' and rows[0]["type"] == "'+1"
    write_study(result, tmp_path / "s.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "s.xlsx")["units_by_option"]
    assert sheet["B2"].value == '=HYPERLINK("http://x")' and sheet["B2"].data_type == "s"


def test_a_study_never_writes_over_its_input(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "scenario.xlsx"
    shutil.copy(EXAMPLE_XLSX, source)
    before = source.read_bytes()
    for args in (
        ["sweep", str(source), "--param", "budget_scale", "--values", "1", "-o", str(source)],
        ["sensitivity", str(source), "-o", str(source)],
        ["montecarlo", str(source), "-n", "2", "-o", "x.xlsx", "--html", str(source)],
        ["tornado", str(source), "-o", str(source)],
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 2, result.output
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenario.xlsx"]


# --------------------------------------------------------------------------- tornado


@pytest.mark.slow
def test_tornado_table_chart_and_html(runner: CliRunner, tmp_path: Path, tiny: Path) -> None:
    args = ["tornado", str(tiny), "--delta", "0.2", "--workers", "1", "-o", "t.xlsx", "--html", "t.html"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "Tornado: each parameter down and up by 20%" in result.stdout
    assert charts(tmp_path / "t.xlsx") == {
        "summary": [],
        "tornado": ["BarChart"],
        "value_judgements": ["BarChart"],
    }
    chart = openpyxl.load_workbook(tmp_path / "t.xlsx")["tornado"]._charts[0]
    assert chart.barDir == "bar"  # horizontal
    html = extra_sections((tmp_path / "t.html").read_text())
    assert "Tornado: what moves the optimal score most" in html
    assert "Value judgements: how much the plan changes" in html
    _, data = run_json(runner, [*args[:-4], "-o", "t.json"])
    table = data["tables"]["tornado"]
    swings = [r["swing"] for r in table]
    assert swings == sorted(swings, reverse=True)
    judged = data["tables"]["value_judgements"]
    assert {r["group"] for r in table} == {"budget", "unit_cost", "gain", "effectiveness"}
    assert {r["group"] for r in judged} == {"domain_weight", "partner_weight", "weakest_link"}
    assert (len(table), len(judged)) == (3 + 2 * 4 + 3, 2 + 3 + 1)


@pytest.mark.parametrize("delta", ["1.5", "0", "-0.1"])
def test_tornado_bad_delta_exits_2(runner: CliRunner, tmp_path: Path, tiny: Path, delta: str) -> None:
    result = runner.invoke(main, ["tornado", str(tiny), "--delta", delta, "--workers", "1"])
    assert result.exit_code == 2, result.output
    assert "delta" in result.stderr
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- Monte Carlo


@pytest.mark.slow
def test_montecarlo_workbook_histograms_and_html(runner: CliRunner, tmp_path: Path) -> None:
    args = ["montecarlo", str(EXAMPLE_CSV), "-n", "10", "--seed", "3", "--workers", "1"]
    result = runner.invoke(main, [*args, "--html", "m.html"])
    assert result.exit_code == 0, result.output
    assert "Monte Carlo: 10 draws (seed 3)" in result.stdout and "p95" in result.stdout
    found = charts(tmp_path / "reports" / "example-montecarlo.xlsx")
    assert list(found) == ["summary", "percentiles", "histogram", "options", "targets", "draws"]
    assert found["histogram"] == ["BarChart", "BarChart"]
    book = openpyxl.load_workbook(tmp_path / "reports" / "example-montecarlo.xlsx")
    assert all(c.barDir == "col" for c in book["histogram"]._charts)
    counts = [(r[2], r[3]) for r in book["histogram"].iter_rows(min_row=2, values_only=True)]
    assert sum(a for a, _ in counts) == 10 and sum(b for _, b in counts) == 10
    page = (tmp_path / "m.html").read_text()
    assert "Monte Carlo: how the score varies with uncertain gains" in extra_sections(page)
    assert "Probability that each option is funded" in extra_sections(page)


@pytest.mark.slow
def test_montecarlo_numbers_do_not_depend_on_workers(runner: CliRunner) -> None:
    runs = [
        run_json(
            runner,
            ["montecarlo", str(EXAMPLE_CSV), "-n", "10", "--seed", "4", "--workers", w, "-o", f"{w}.json"],
        )
        for w in ("1", "2")
    ]
    (_, one), (_, two) = runs
    assert one["study"] == "montecarlo" and one["n"] == 10
    for table in ("draws", "percentiles", "options", "targets"):
        assert one["tables"][table] == two["tables"][table], table
    assert all(0 <= r["probability_funded"] <= 1 for r in one["tables"]["options"])
    assert all(0 <= r["probability_met"] <= 1 for r in one["tables"]["targets"])
    assert [r["statistic"] for r in one["tables"]["percentiles"]][-3:] == ["p75", "p95", "max"]


def test_montecarlo_without_a_base_plan_reports_like_solve(runner: CliRunner, infeasible: Path) -> None:
    result, data = run_json(runner, ["montecarlo", str(infeasible), "-n", "3", "--workers", "1"], code=3)
    assert data["status"] == "infeasible" and data["base"]["status"] == "infeasible"
    assert "C2 by period 1" in result.stderr and "nothing was written" in result.stderr
    assert not Path("reports").exists()


@pytest.mark.slow
def test_montecarlo_on_a_dask_cluster_through_the_cli(runner: CliRunner) -> None:
    distributed = pytest.importorskip(
        "distributed", reason="dask.distributed is not installed (pip install 'dask[distributed]')"
    )
    args = ["montecarlo", str(EXAMPLE_CSV), "-n", "4", "--seed", "9"]
    _, local = run_json(runner, [*args, "--workers", "1", "-o", "local.json"])
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
    ) as cluster:
        _, remote = run_json(runner, [*args, "--scheduler", cluster.scheduler_address, "-o", "remote.json"])
    assert local["tables"]["draws"] == remote["tables"]["draws"]


@pytest.mark.slow
def test_json_stays_clean_with_worker_processes_in_a_real_process(tmp_path: Path) -> None:
    """Worker processes share descriptor 1: their solvers must not print into the JSON."""
    out = subprocess.run(
        [sys.executable, "-m", "optimizer", "montecarlo", str(EXAMPLE_CSV), "-n", "4", "--workers", "2",
         "--json", "-o", str(tmp_path / "m.json")],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert no_nan(out.stdout)["study"] == "montecarlo"
    assert "Monte Carlo" in out.stderr


# --------------------------------------------------------------------------- README


def readme_script() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Sensitivity analysis", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "the Sensitivity analysis section holds one python script"
    return blocks[0]


def test_readme_documents_every_study_command_and_param() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Sensitivity analysis", 1)[1].split("\n## ", 1)[0]
    for command in ("sensitivity", "sweep", "tornado", "montecarlo"):
        assert f"    interop {command}" in section, command
    for line in param_help().splitlines():
        assert f"`{line.split()[0]}`" in section, line


@pytest.mark.slow
def test_the_readme_sensitivity_study_script_runs(tmp_path: Path) -> None:
    script = readme_script()
    assert 'if __name__ == "__main__":' in script
    for name in ("load_scenario", "sensitivity", "sweep", "tornado", "monte_carlo", "write_report"):
        assert f"{name}(" in script, name
    fast = script.replace("n=500", "n=6").replace('"0.5:1.5:11"', '"0.5:1.5:3"')
    assert fast.count("n=6") == 1 and fast.count('"0.5:1.5:3"') == 1
    (tmp_path / "inputs").mkdir()
    shutil.copy(EXAMPLE_XLSX, tmp_path / "inputs" / "example.xlsx")
    (tmp_path / "study.py").write_text(fast, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "study.py"], capture_output=True, text=True, check=False, cwd=tmp_path, timeout=600
    )
    assert out.returncode == 0, out.stderr
    assert "score points" in out.stdout  # a sensitivity sentence
    assert "total_budget" in out.stdout and "swing" in out.stdout and "p50" in out.stdout
    assert "probability_funded" in out.stdout
    assert re.search(r"score with 10% more money: \d+\.\d\d", out.stdout)
    assert openpyxl.load_workbook(tmp_path / "reports" / "richer-plan.xlsx").sheetnames[0] == "summary"
