"""A standing suite of hostile and careless input to the command line (issue 14).

Each case must end in one plain sentence and exit status 2, before any solve and with nothing
written; none may end in a traceback or an "internal error".
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimizer.cli import main

EXAMPLE = str(Path(__file__).resolve().parents[1] / "inputs" / "example.xlsx")


def refused(runner: CliRunner, args: list[str]) -> str:
    """Run the CLI; check exit 2, no traceback, nothing written in the working folder; the message."""
    before = set(os.listdir("."))
    result = runner.invoke(main, args)
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert set(os.listdir(".")) == before, "a refused run wrote something"
    return result.output


def test_a_path_under_a_file_is_refused(runner: CliRunner) -> None:
    Path("base.json").write_text("{}")
    before = set(os.listdir("."))
    result = runner.invoke(main, ["template", "base.json/t.xlsx"])
    assert result.exit_code == 2 and "base.json" in result.output
    assert set(os.listdir(".")) == before and Path("base.json").read_text() == "{}"


def test_a_name_too_long_for_the_file_system_is_refused(runner: CliRunner) -> None:
    output = refused(runner, ["template", "t" * 300 + ".xlsx"])
    assert "name too long" in output.lower()


def test_an_empty_output_name_does_not_mean_the_current_folder(runner: CliRunner) -> None:
    assert "empty" in refused(runner, ["solve", EXAMPLE, "-o", ""])


@pytest.mark.parametrize("limit", ["nan", "inf"])
def test_a_time_limit_must_be_a_finite_number(runner: CliRunner, limit: str) -> None:
    assert "seconds" in refused(runner, ["solve", EXAMPLE, "--time-limit", limit])


def test_monte_carlo_draws_are_capped(runner: CliRunner) -> None:
    assert "100000" in refused(runner, ["montecarlo", EXAMPLE, "-n", "100000000"]).replace(",", "")


def test_sweep_values_are_capped_before_any_is_made(runner: CliRunner) -> None:
    """0.5:1.5:1000000000 once grew to 24 GB making the values; the cap is checked first."""
    output = refused(runner, ["sweep", EXAMPLE, "--param", "budget_scale", "--values", "0.5:1.5:1000000000"])
    assert "10,000" in output


def test_a_nonsense_scheduler_address_is_refused_at_once(runner: CliRunner) -> None:
    assert "scheduler address" in refused(
        runner, ["montecarlo", EXAMPLE, "-n", "20", "--scheduler", "nonsense://x"]
    )


def test_a_result_nested_too_deeply_is_refused(runner: CliRunner) -> None:
    Path("deep.json").write_text("[" * 200_000 + "]" * 200_000)
    before = set(os.listdir("."))
    result = runner.invoke(main, ["report", "deep.json", "--scenario", EXAMPLE])
    assert result.exit_code == 2 and "nested" in result.output, result.output
    assert set(os.listdir(".")) == before


def test_a_result_that_is_not_json_is_refused(runner: CliRunner) -> None:
    Path("plan.json").write_text(json.dumps({"status": "optimal"})[:-1])
    result = runner.invoke(main, ["report", "plan.json", "--scenario", EXAMPLE])
    assert result.exit_code == 2 and "plan.json" in result.output


def test_ids_holding_a_colon_work_in_every_param(tmp_path: Path) -> None:
    """An option id 'LNO:v2' is valid for solve, so tornado's PARAM unit_cost:LNO:v2 must parse
    (it was refused as malformed, a PARAM the user never typed)."""
    from dataclasses import replace

    from optimizer.io.validate import load_scenario
    from optimizer.studies.variants import parse_param

    scenario = load_scenario(EXAMPLE)
    options = tuple(replace(o, id="LNO:v2") if o.id == "LNO" else o for o in scenario.options)
    effects = tuple(replace(e, option="LNO:v2") if e.option == "LNO" else e for e in scenario.effects)
    renamed = replace(scenario, options=options, effects=effects)
    assert parse_param(renamed, "unit_cost:LNO:v2").target == "LNO:v2"
    assert parse_param(renamed, "gain_scale:LNO:v2").target == "LNO:v2"
    kind = scenario.option_types[0]
    assert (
        parse_param(renamed, f"type_budget:{kind}:2").target,
        parse_param(renamed, f"type_budget:{kind}:2").period,
    ) == (kind, 2)


def test_a_crashing_cbc_is_a_solver_failure_not_a_bug(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CBC's binary replaced by one that dies at once (as a broken or missing install does)."""
    import pulp

    crashing = Path("cbc")
    crashing.write_text("#!/bin/sh\nexit 139\n")
    crashing.chmod(0o755)
    real = pulp.getSolver
    monkeypatch.setattr(pulp, "getSolver", lambda name, **kw: real(name, path=str(crashing.resolve()), **kw))
    result = runner.invoke(main, ["solve", EXAMPLE, "--solver", "cbc", "-o", "plan.xlsx"])
    assert result.exit_code == 5, result.output
    assert "CBC failed" in result.output and "internal error" not in result.output
    assert not Path("plan.xlsx").exists()


def test_a_comparison_with_no_optimum_names_no_option_as_missing_from_it(runner: CliRunner) -> None:
    """evaluate --compare under a time limit too short for any optimum: every option the plan funds
    was listed as 'funded by your plan, not by the optimum'; with no optimum there is no such list."""
    assert runner.invoke(main, ["solve", EXAMPLE, "-o", "plan.xlsx"]).exit_code == 0
    args = ["evaluate", EXAMPLE, "--plan", "plan.xlsx", "--compare", "--time-limit", "0.000001", "--json"]
    result = runner.invoke(main, [*args, "-o", "e.json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["comparison"]
    assert data["only_in_plan"] == [] and data["only_in_optimum"] == []
    assert "not by the optimum" not in result.stderr


def edited_example(cells: list[tuple[str, str, str]]) -> Path:
    """The example's CSV folder copied here, with the first data row's `header` cell of each sheet set."""
    import csv
    import shutil

    folder = Path("scenario")
    shutil.copytree(Path(EXAMPLE).with_suffix(""), folder)
    for sheet, header, value in cells:
        path = folder / f"{sheet}.csv"
        with path.open(newline="") as handle:
            rows = list(csv.reader(handle))
        rows[1][rows[0].index(header)] = value
        with path.open("w", newline="") as handle:
            csv.writer(handle).writerows(rows)
    return folder


@pytest.mark.parametrize(
    ("sheet", "header", "value", "expected"),
    [
        ("options", "unit_cost", "1e15", "at most 1e+12 in size"),
        ("effects", "gain", "1e20", "at most 1e+12 in size"),
        ("partners", "effectiveness", "1e25", "at most 1e+12 in size"),
        ("partners", "partner", "Gal, veria", "without commas"),
        ("partners", "partner", "x" * 40_000, "at most 255 characters"),
        ("options", "unit_cost", "inf", "expected a number (infinite values are not allowed), got 'inf'"),
        ("budgets", "budget", "-Infinity", "(infinite values are not allowed)"),
        ("partners", "partner", "AL\u202eD", "without bidi controls"),
    ],
)
def test_numbers_and_ids_a_workbook_or_solver_cannot_hold_are_refused(
    runner: CliRunner, sheet: str, header: str, value: str, expected: str
) -> None:
    """Huge numbers once passed validate and failed in HiGHS as 'a bug'; a comma in an id made it
    impossible to name in options.partners; a 40,000-character id was truncated in the report."""
    result = runner.invoke(main, ["validate", str(edited_example([(sheet, header, value)]))])
    assert result.exit_code == 2 and expected in result.output, result.output
    assert f"{sheet}.csv: sheet '{sheet}', row 2, column '{header}'" in result.output


def test_products_a_solver_cannot_hold_are_refused_where_they_are_made(runner: CliRunner) -> None:
    """gain 1e11 x effectiveness 1e12: each fits, their product (a coefficient of the LP) does not."""
    folder = edited_example([("partners", "effectiveness", "1e12"), ("effects", "gain", "1e11")])
    result = runner.invoke(main, ["validate", str(folder)])
    assert result.exit_code == 2, result.output
    assert "effects.csv: sheet 'effects', row 2, column 'gain'" in result.output
    assert "readiness points per unit" in result.output


@pytest.mark.slow
def test_a_budget_sweep_gives_the_same_numbers_whatever_the_workers() -> None:
    """README promises it; spend per period once differed by 6.5e-4 between 1 and 2 workers, each
    worker's chain of warm starts finding another of the tied optima (issue 14, row 17)."""
    from optimizer.io.synthetic import generate_preset
    from optimizer.studies.sweep import sweep

    scenario = generate_preset("medium", seed=1)
    one = sweep(scenario, "budget_scale", "0.5:1.5:11", workers=1, progress=False)
    two = sweep(scenario, "budget_scale", "0.5:1.5:11", workers=2, progress=False)
    # the same plan: equal to the last digits floating point leaves between processes
    assert list(one.points["status"]) == list(two.points["status"])
    for column in ("score", "spend"):
        assert one.points[column].to_numpy() == pytest.approx(two.points[column].to_numpy(), rel=1e-9)
    assert one.spend_by_period["spend"].to_numpy() == pytest.approx(two.spend_by_period["spend"], abs=1e-9)
    assert one.units_by_option["units"].to_numpy() == pytest.approx(two.units_by_option["units"], abs=1e-9)


@pytest.mark.parametrize("study", ["sensitivity", "sweep", "tornado", "montecarlo"])
def test_a_study_refuses_a_path_under_a_file_before_it_runs(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, study: str
) -> None:
    """Once the whole study ran, then "Could not write the report to ...: File exists."."""
    import optimizer.lp.solve

    def no_solve(*args: object, **kwargs: object) -> None:
        raise AssertionError("the study ran before its output was checked")

    monkeypatch.setattr(optimizer.lp.solve, "optimise", no_solve)
    Path("base.json").write_text("{}")
    extra = {"sweep": ["--param", "budget_scale", "--values", "1,2"], "montecarlo": ["-n", "2"]}
    output = refused(runner, [study, EXAMPLE, *extra.get(study, []), "-o", "base.json/s.xlsx"])
    assert "'base.json' is a file, not a folder" in output


def test_a_read_only_output_folder_is_refused_before_any_work(runner: CliRunner) -> None:
    Path("locked").mkdir()
    os.chmod("locked", 0o555)
    if os.access("locked", os.W_OK):
        pytest.skip("this user writes into read-only folders (root)")
    args = ["sweep", EXAMPLE, "--param", "budget_scale", "--values", "1,2", "-o", "locked/s.xlsx"]
    assert "not writable" in refused(runner, args)


def test_bidi_controls_in_text_are_shown_escaped_in_html_and_csv(runner: CliRunner) -> None:
    """U+202E in a partner's name once reached the HTML page and CSV files as it was, where a
    browser or spreadsheet obeys it ("Evil<U+202E>txt.exe" shows as "Evilexe.txt")."""
    from optimizer.reports.writers import csv_cell

    folder = edited_example([("partners", "name", "Evil\u202etxt.exe")])
    result = runner.invoke(main, ["solve", str(folder), "--html", "plan.html", "-o", "plan.json"])
    assert result.exit_code == 0, result.output
    page = Path("plan.html").read_text(encoding="utf-8")
    assert "\u202e" not in page and "Evil\\u202etxt.exe" in page
    assert csv_cell("Evil\u202etxt.exe") == "Evil\\u202etxt.exe"
    assert csv_cell("line one\nline two") == "line one\nline two"  # other text kept as it is


@pytest.mark.parametrize("order", ["solver first", "limit first"])
def test_cbc_with_a_time_limit_is_refused_rather_than_run_past_it(runner: CliRunner, order: str) -> None:
    """CBC once ran the medium preset's LP 4 s past a 0.2 s limit and called it optimal."""
    solver, limit = ["--solver", "cbc"], ["--time-limit", "0.2"]
    args = ["solve", EXAMPLE, *(solver + limit if order == "solver first" else limit + solver)]
    assert "does not stop an LP at a time limit" in refused(runner, args)
