"""Reports: JSON, workbook, CSV folder, terminal summary; safety of writing."""

from __future__ import annotations

import csv
import dataclasses
import json
import os
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from optimizer import readiness, results
from optimizer.errors import OutputError
from optimizer.reports import plan as report
from optimizer.reports import text as terminal
from optimizer.reports import theme, workbook, writers
from optimizer.results import Solution
from optimizer.scenario import Budget, Domain, Effect, Option, Partner, Scenario, Settings, Target

# A tiny scenario whose numbers are worked out by hand in the comments below.
# Partner "=1+1" and option "@SUM(A1)" are text a spreadsheet would take for formulas.
SCENARIO = Scenario(
    partners=(Partner("ALD"), Partner("=1+1", name="Formula Land", cost_factor=1.5), Partner("BRV")),
    domains=(Domain("C2"), Domain("LOG")),
    baseline={
        ("ALD", "C2"): 20.0,
        ("ALD", "LOG"): 40.0,
        ("=1+1", "C2"): 10.0,
        ("=1+1", "LOG"): 60.0,
        ("BRV", "C2"): 55.0,
        ("BRV", "LOG"): 80.0,
    },
    options=(
        Option("TRN", "training", 2.0),
        Option("@SUM(A1)", "standardization", 5.0, lag=1),
    ),
    effects=(
        Effect("TRN", "C2", 5.0),
        Effect("@SUM(A1)", "LOG", 10.0),
        Effect("@SUM(A1)", "C2", 2.0),
    ),
    budgets=(Budget(1, 20.0, {"training": 7.0}), Budget(2, 15.0)),
    settings=Settings(currency="USD M"),
    source="inputs/plan.xlsx",
)

# Final-period readiness (period 2):
#   ALD  C2 20 + 2*5 + 1*2 = 32 (level 1)   LOG 40 + 10 = 50 (level 2)
#   =1+1 C2 10 + 1*5       = 15 (level 0)   LOG 60      = 60 (level 2)
#   BRV  C2 55 + 3*5       = 70 (level 2)   LOG 80      = 80 (level 3)
# Score: C2 0.75*39 + 0.25*15 = 33, LOG 0.75*63.33 + 0.25*50 = 60 -> Z = 46.5.
# Baseline: C2 0.75*28.33 + 0.25*10 = 23.75, LOG 0.75*60 + 0.25*40 = 55 -> 39.375.
# Spend: period 1 = 2*2 + 1*2*1.5 + 1*5 = 12, period 2 = 3*2 = 6.


def _units() -> np.ndarray:
    units = np.zeros((2, 3, 2))
    units[0, 0, 0] = 2.0  # TRN for ALD in period 1: cost 4
    units[0, 1, 0] = 1.0  # TRN for =1+1 in period 1: cost 3 (cost factor 1.5)
    units[1, 0, 0] = 1.0  # @SUM(A1) for ALD in period 1: cost 5, counts from period 2
    units[0, 2, 1] = 3.0  # TRN for BRV in period 2: cost 6
    return units


def _budget_use() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("period", 1, "total", 20.0, 12.0, 8.0, 0.0),
            ("period", 2, "total", 15.0, 6.0, 9.0, 0.0),
            ("type", 1, "training", 7.0, 7.0, 0.0, 0.125),
        ],
        columns=results.BUDGET_COLUMNS,
    )


def optimal_solution() -> Solution:
    units = _units()
    raw = readiness.raw_readiness(SCENARIO, units)
    return Solution(
        status="optimal",
        scenario=SCENARIO,
        score=readiness.score(SCENARIO, readiness.capped(SCENARIO, raw)),
        baseline_score=results.baseline_score(SCENARIO),
        allocation=results.allocation_table(SCENARIO, units),
        readiness=results.readiness_table(SCENARIO, raw),
        budget_use=_budget_use(),
        shortfalls=results.empty(results.SHORTFALL_COLUMNS),
        solver="highs",
        seconds=0.25,
    )


def infeasible_solution() -> Solution:
    scenario = dataclasses.replace(
        SCENARIO,
        targets=(Target("ALD", "C2", 2, 30.0, row=3), Target("=1+1", "LOG", 2, 90.0)),
    )
    shortfalls = pd.DataFrame(
        {
            "partner": ["ALD", "=1+1"],
            "domain": ["C2", "LOG"],
            "period": [2, 2],
            "min_score": [30.0, 90.0],
            "reached": [24.5, 85.0],
            "shortfall": [5.5, 5.0],
            "row": [3, None],  # float column with NaN: the second target has no row
        },
        columns=results.SHORTFALL_COLUMNS,
    )
    return Solution(
        status="infeasible",
        scenario=scenario,
        score=None,
        baseline_score=results.baseline_score(scenario),
        allocation=results.empty(results.ALLOCATION_COLUMNS),
        readiness=results.empty(results.READINESS_COLUMNS),
        budget_use=results.empty(results.BUDGET_COLUMNS),
        shortfalls=shortfalls,
        solver="highs",
        seconds=0.5,
        message="targets cannot all be met",
    )


def _leaves(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def _listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


# --------------------------------------------------------------------------- the fixture itself


def test_hand_worked_numbers_hold() -> None:
    solution = optimal_solution()
    assert solution.score == pytest.approx(46.5)
    assert solution.baseline_score == pytest.approx(39.375)
    assert solution.spend_by_period == pytest.approx([12.0, 6.0])


# --------------------------------------------------------------------------- JSON


def test_json_of_optimal_round_trips_with_plain_values() -> None:
    data = report.to_json(optimal_solution())
    assert all(type(v) in (str, int, float, bool, type(None)) for v in _leaves(data))
    back = json.loads(json.dumps(data, allow_nan=False))
    assert back == data
    expected_keys = {
        "status", "score", "baseline_score", "spend", "spend_by_period", "budget", "allocation",
        "readiness", "budget_use", "shortfalls", "solver", "seconds", "message", "currency",
    }  # fmt: skip
    assert expected_keys <= set(back)
    assert back["status"] == "optimal"
    assert back["score"] == pytest.approx(46.5)
    assert back["baseline_score"] == pytest.approx(39.375)
    assert back["spend"] == pytest.approx(18.0)
    assert back["spend_by_period"] == pytest.approx([12.0, 6.0])
    assert back["budget"] == [20.0, 15.0]
    assert back["currency"] == "USD M"
    assert back["solver"] == "highs" and back["seconds"] == 0.25 and back["message"] == ""
    assert back["shortfalls"] == []
    allocation = {
        (r["option"], r["partner"], r["period"]): (r["units"], r["cost"]) for r in back["allocation"]
    }
    assert allocation == {
        ("TRN", "ALD", 1): (2.0, 4.0),
        ("TRN", "=1+1", 1): (1.0, 3.0),
        ("@SUM(A1)", "ALD", 1): (1.0, 5.0),
        ("TRN", "BRV", 2): (3.0, 6.0),
    }
    assert all(type(r["period"]) is int for r in back["allocation"])
    final = {(r["partner"], r["domain"]): r for r in back["readiness"] if r["period"] == 2}
    assert final[("ALD", "C2")] == {
        "partner": "ALD",
        "domain": "C2",
        "period": 2,
        "baseline": 20.0,
        "score": 32.0,
        "level": 1,
        "level_name": "deconflicted",
    }
    assert final[("BRV", "LOG")]["level_name"] == "integrated"
    assert len(back["readiness"]) == 3 * 2 * 2
    assert back["budget_use"][2] == {
        "kind": "type",
        "period": 1,
        "name": "training",
        "limit": 7.0,
        "spend": 7.0,
        "slack": 0.0,
        "shadow_price": 0.125,
    }


def test_json_of_infeasible_has_nulls_and_shortfalls() -> None:
    back = json.loads(json.dumps(report.to_json(infeasible_solution()), allow_nan=False))
    assert back["status"] == "infeasible"
    assert back["score"] is None
    assert back["spend"] is None and back["spend_by_period"] == [None, None]
    assert back["baseline_score"] == pytest.approx(39.375)
    assert back["allocation"] == [] and back["readiness"] == []
    assert back["message"] == "targets cannot all be met"
    assert back["shortfalls"] == [
        {
            "partner": "ALD",
            "domain": "C2",
            "period": 2,
            "min_score": 30.0,
            "reached": 24.5,
            "shortfall": 5.5,
            "row": 3,
        },
        {
            "partner": "=1+1",
            "domain": "LOG",
            "period": 2,
            "min_score": 90.0,
            "reached": 85.0,
            "shortfall": 5.0,
            "row": None,
        },
    ]
    assert type(back["shortfalls"][0]["row"]) is int  # 3.0 in a float column comes out as 3


def test_json_turns_numpy_nan_and_inf_into_plain_values() -> None:
    odd = _budget_use()
    odd["limit"] = [np.float32(20.0), np.inf, np.nan]
    odd["period"] = np.array([1, 2, 1], dtype=np.int32)
    data = report.to_json(dataclasses.replace(optimal_solution(), budget_use=odd, seconds=np.float64(1.5)))
    assert [r["limit"] for r in data["budget_use"]] == [20.0, None, None]
    assert [type(r["period"]) for r in data["budget_use"]] == [int, int, int]
    assert type(data["seconds"]) is float and data["seconds"] == 1.5
    json.dumps(data, allow_nan=False)  # would raise on NaN or inf


def test_json_report_file(tmp_path: Path) -> None:
    written = report.write_report(optimal_solution(), tmp_path / "out" / "plan.json")
    assert written == tmp_path / "out" / "plan.json"
    data = json.loads(written.read_text(encoding="utf-8"))
    assert data["score"] == pytest.approx(46.5)
    assert data["allocation"][0]["partner"] in {"ALD", "=1+1", "BRV"}
    assert _listing(tmp_path / "out") == ["plan.json"]


# --------------------------------------------------------------------------- workbook


def _rows(sheet) -> list[tuple]:
    return [tuple(c.value for c in row) for row in sheet.iter_rows()]


def test_workbook_sheets_headers_and_values(tmp_path: Path) -> None:
    path = report.write_report(optimal_solution(), tmp_path / "reports" / "plan.xlsx")
    assert path == tmp_path / "reports" / "plan.xlsx"
    assert _listing(tmp_path / "reports") == ["plan.xlsx"]  # no temporary file left
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "summary", "allocation", "readiness", "budget_use",
        "spend_by_period", "readiness_by_domain", "README",
    ]  # fmt: skip

    summary = dict(_rows(wb["summary"])[1:])
    assert _rows(wb["summary"])[0] == ("key", "value")
    assert summary["status"] == "optimal"
    assert summary["score_before"] == pytest.approx(39.375)
    assert summary["score_after"] == pytest.approx(46.5)
    assert summary["spend"] == pytest.approx(18.0)
    assert summary["budget"] == pytest.approx(35.0)
    assert summary["currency"] == "USD M"
    assert summary["solver"] == "highs"
    assert summary["seconds"] == 0.25
    assert summary["scenario"] == "inputs/plan.xlsx"
    assert summary["score_periods"] == "final"
    assert summary["weakest_link"] == 0.25

    allocation = _rows(wb["allocation"])
    assert allocation[0] == ("option", "partner", "period", "units", "cost")
    assert set(allocation[1:]) == {
        ("TRN", "ALD", 1, 2, 4),
        ("TRN", "=1+1", 1, 1, 3),
        ("@SUM(A1)", "ALD", 1, 1, 5),
        ("TRN", "BRV", 2, 3, 6),
    }
    readiness_rows = _rows(wb["readiness"])
    assert readiness_rows[0] == ("partner", "domain", "period", "baseline", "score", "level", "level_name")
    assert ("=1+1", "C2", 2, 10, 15, 0, "not interoperable") in readiness_rows
    assert ("BRV", "LOG", 2, 80, 80, 3, "integrated") in readiness_rows
    budget = _rows(wb["budget_use"])
    assert budget[0] == ("kind", "period", "name", "limit", "spend", "slack", "shadow_price")
    assert budget[3] == ("type", 1, "training", 7, 7, 0, 0.125)


def test_workbook_keeps_formula_like_text_as_text(tmp_path: Path) -> None:
    path = report.write_report(optimal_solution(), tmp_path / "plan.xlsx")
    ws = openpyxl.load_workbook(path)["allocation"]
    cells = {c.value: c for row in ws.iter_rows(min_row=2) for c in row[:2]}
    assert cells["=1+1"].data_type == "s"  # a formula would be data_type 'f'
    assert cells["@SUM(A1)"].data_type == "s"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert all(c.hyperlink is None for row in ws.iter_rows() for c in row)


def test_workbook_layout_header_filter_formats(tmp_path: Path) -> None:
    path = report.write_report(optimal_solution(), tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(path)
    allocation = wb["allocation"]
    assert allocation["A1"].font.b is True
    assert allocation.freeze_panes == "A2"
    assert allocation.auto_filter.ref == "A1:E5"
    assert allocation["E2"].number_format == '#,##0.00 "USD M"'  # cost, with the currency label
    assert allocation.column_dimensions["A"].width > 8
    readiness_sheet = wb["readiness"]
    assert readiness_sheet["E2"].number_format == "0.0"  # score
    assert readiness_sheet.auto_filter.ref == "A1:G13"
    assert wb["budget_use"]["G4"].number_format == "0.0000"  # shadow price
    assert wb["summary"].freeze_panes == "A2"


def test_workbook_charts_formats_and_readme(tmp_path: Path) -> None:
    path = report.write_report(optimal_solution(), tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(path)
    money = '#,##0.00 "USD M"'
    # native charts: stacked spend by type with the budget as a line, readiness before/after by domain
    spend = wb["spend_by_period"]
    assert _rows(spend) == [
        ("period", "training", "standardization", "spend", "budget", "unused"),
        (1, 7, 5, 12, 20, 8),
        (2, 6, 0, 6, 15, 9),
    ]
    (chart,) = spend._charts
    bar, line = chart._charts
    assert type(bar).__name__ == "BarChart" and bar.grouping == "stacked" and len(bar.series) == 2
    assert type(line).__name__ == "LineChart" and len(line.series) == 1
    assert "USD M" in chart.y_axis.numFmt.formatCode
    assert spend["B2"].number_format == money and spend["E3"].number_format == money
    domains = wb["readiness_by_domain"]
    rows = _rows(domains)
    assert rows[0] == (
        "domain", "name", "weight", "average_before", "average_after",
        "weakest_before", "weakest_partner_before", "weakest_after", "weakest_partner_after",
    )  # fmt: skip
    # C2: baseline 20, 10, 55 -> average 28.33, weakest 10 (=1+1); period 2: 32, 15, 70 -> 39, 15
    assert rows[1][0] == "C2" and rows[1][3] == pytest.approx(85 / 3) and rows[1][4] == pytest.approx(39.0)
    assert rows[1][5:] == (10, "=1+1", 15, "=1+1")
    assert domains["G2"].data_type == "s"  # formula-like partner id stays text
    (chart,) = domains._charts
    assert type(chart).__name__ == "BarChart" and chart.grouping == "clustered" and len(chart.series) == 2
    # frozen headers everywhere, currency in money formats
    assert all(wb[name].freeze_panes == "A2" for name in wb.sheetnames)
    assert wb["budget_use"]["D2"].number_format == money  # limit
    summary = {r[0].value: r[1] for r in wb["summary"].iter_rows(min_row=2)}
    assert summary["spend"].number_format == money and summary["budget"].number_format == money
    # the level column is coloured by conditional formatting, one colour per level
    readiness_sheet = wb["readiness"]
    (rule_range,) = [r for r in readiness_sheet.conditional_formatting]
    assert str(rule_range.sqref) == "F2:G13"
    rules = rule_range.rules
    assert [r.formula for r in rules] == [["$F2=0"], ["$F2=1"], ["$F2=2"], ["$F2=3"]]
    fills = {r.dxf.fill.bgColor.rgb[-6:] for r in rules}
    assert fills == {c.lstrip("#").upper() for c in theme.LEVEL_COLOURS} and len(fills) == 4
    # README explains every sheet and every column
    readme = _rows(wb["README"])
    assert readme[0] == ("sheet", "column", "meaning")
    explained = {(r[0], r[1]) for r in readme[1:] if r[2]}
    for name in wb.sheetnames:
        assert (name, None) in explained, name
        headers = [c.value for c in wb[name][1]]
        if name == "spend_by_period":  # one column per option type, explained once
            headers = [h for h in headers if h not in SCENARIO.option_types]
            assert (name, "(one column per option type)") in explained
        for header in headers:
            assert (name, header) in explained, (name, header)
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)


def test_workbook_currency_label_with_quotes_stays_a_label(tmp_path: Path) -> None:
    odd = dataclasses.replace(SCENARIO, settings=Settings(currency='EUR "k"\t'))
    solution = dataclasses.replace(optimal_solution(), scenario=odd)
    path = report.write_report(solution, tmp_path / "plan.xlsx")
    fmt = openpyxl.load_workbook(path)["allocation"]["E2"].number_format
    assert fmt == '#,##0.00 "EUR "\\""k"\\"""'
    assert writers.excel_money_format("") == "#,##0.00"
    assert writers.excel_money_format("USD M", "#,##0") == '#,##0 "USD M"'


def test_workbook_of_infeasible_has_shortfalls_sheet(tmp_path: Path) -> None:
    path = report.write_report(infeasible_solution(), tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(path)
    # no plan: no spend sheet, but the baseline readiness by domain and the README
    assert wb.sheetnames == [
        "summary", "allocation", "readiness", "budget_use", "shortfalls",
        "readiness_by_domain", "README",
    ]  # fmt: skip
    rows = _rows(wb["shortfalls"])
    assert rows[0] == ("partner", "domain", "period", "min_score", "reached", "shortfall", "row")
    assert rows[1] == ("ALD", "C2", 2, 30, 24.5, 5.5, 3)
    assert rows[2] == ("=1+1", "LOG", 2, 90, 85, 5, None)
    assert wb["shortfalls"]["A3"].data_type == "s"
    summary = dict(_rows(wb["summary"])[1:])
    assert summary["status"] == "infeasible"
    assert summary["score_after"] is None
    assert summary["message"] == "targets cannot all be met"
    assert _rows(wb["allocation"]) == [("option", "partner", "period", "units", "cost")]


# --------------------------------------------------------------------------- CSV


def _read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_csv_folder_has_every_table(tmp_path: Path) -> None:
    folder = report.write_report(infeasible_solution(), tmp_path / "out" / "run1")
    assert folder == tmp_path / "out" / "run1"
    assert _listing(folder) == sorted(report.CSV_FILES)
    assert _listing(tmp_path / "out") == ["run1"]  # the staging folder is gone
    shortfalls = _read_csv(folder / "shortfalls.csv")
    assert shortfalls[0] == ["partner", "domain", "period", "min_score", "reached", "shortfall", "row"]
    assert shortfalls[1] == ["ALD", "C2", "2", "30.0", "24.5", "5.5", "3"]
    assert shortfalls[2] == ["'=1+1", "LOG", "2", "90.0", "85.0", "5.0", ""]
    summary = dict(_read_csv(folder / "summary.csv")[1:])
    assert summary["status"] == "infeasible" and summary["score_after"] == ""
    assert summary["score_before"] == "39.375"
    assert _read_csv(folder / "allocation.csv") == [["option", "partner", "period", "units", "cost"]]


def test_csv_escapes_live_text_and_leaves_numbers(tmp_path: Path) -> None:
    names = pd.DataFrame(
        [
            ("type", 1, "+x", 7.0, 7.0, 0.0, -0.5),
            ("type", 1, "-x", 7.0, 7.0, -1.25, 0.0),
            ("type", 1, "@x", 7.0, 7.0, 0.0, 0.0),
            ("type", 1, "\tx", 7.0, 7.0, 0.0, 0.0),
            ("type", 1, "\rx", 7.0, 7.0, 0.0, 0.0),
            ("type", 1, "plain -x", 7.0, 7.0, 0.0, 0.0),
        ],
        columns=results.BUDGET_COLUMNS,
    )
    solution = dataclasses.replace(optimal_solution(), budget_use=names)
    folder = report.write_report(solution, tmp_path / "csv")
    rows = _read_csv(folder / "budget_use.csv")[1:]
    assert [r[2] for r in rows] == ["'+x", "'-x", "'@x", "'\tx", "'\rx", "plain -x"]
    assert rows[0][6] == "-0.5"  # a number stays a number
    assert rows[1][5] == "-1.25"
    allocation = _read_csv(folder / "allocation.csv")[1:]
    assert ["TRN", "'=1+1", "1", "1.0", "3.0"] in allocation
    assert ["'@SUM(A1)", "ALD", "1", "1.0", "5.0"] in allocation
    assert writers.csv_cell(-3.5, "money") == "-3.5"
    assert writers.csv_cell("-3.5") == "'-3.5"  # the same characters as user text are defused


def test_csv_into_existing_folder_replaces_report_files_only(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "mine.txt").write_text("keep me")
    (folder / "shortfalls.csv").write_text("stale")
    report.write_report(optimal_solution(), folder)
    assert _listing(folder) == sorted([*report.CSV_FILES, "mine.txt"])
    assert (folder / "mine.txt").read_text() == "keep me"
    assert _read_csv(folder / "shortfalls.csv") == [
        ["partner", "domain", "period", "min_score", "reached", "shortfall", "row"]
    ]


# --------------------------------------------------------------------------- refusing inputs


@pytest.fixture
def input_workbook(tmp_path: Path) -> Path:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"PK original scenario bytes")
    return path


@pytest.mark.parametrize("spelling", ["same", "dotdot", "symlink", "hardlink", "bare-string"])
def test_refuses_to_overwrite_input_workbook(tmp_path: Path, input_workbook: Path, spelling: str) -> None:
    output: Path | str = input_workbook
    inputs: object = [input_workbook]
    if spelling == "dotdot":
        (tmp_path / "sub").mkdir()
        output = tmp_path / "sub" / ".." / "plan.xlsx"
    elif spelling == "symlink":
        output = tmp_path / "link.xlsx"
        output.symlink_to(input_workbook)
    elif spelling == "hardlink":
        output = tmp_path / "other.xlsx"
        os.link(input_workbook, output)
    elif spelling == "bare-string":
        inputs = str(input_workbook)  # one path, not a list of paths
    before = _listing(tmp_path)
    with pytest.raises(OutputError, match="overwrite the input"):
        report.write_report(optimal_solution(), output, inputs=inputs)
    assert input_workbook.read_bytes() == b"PK original scenario bytes"
    assert _listing(tmp_path) == before


@pytest.mark.parametrize("output", [".", "report.json", "report.xlsx", "partners.csv", "sub/report"])
def test_refuses_to_write_into_input_folder(tmp_path: Path, output: str) -> None:
    scenario_folder = tmp_path / "scenario"
    scenario_folder.mkdir()
    (scenario_folder / "partners.csv").write_text("partner\nALD\n")
    with pytest.raises(OutputError, match="input") as caught:
        report.write_report(optimal_solution(), scenario_folder / output, inputs=[scenario_folder])
    assert "Refusing to write the report" in str(caught.value)
    assert _listing(scenario_folder) == ["partners.csv"]
    assert (scenario_folder / "partners.csv").read_text() == "partner\nALD\n"


def test_refuses_csv_folder_that_would_overwrite_an_input_file(tmp_path: Path) -> None:
    (tmp_path / "summary.csv").write_text("my own data")
    with pytest.raises(OutputError, match="overwrite the input"):
        report.write_report(optimal_solution(), tmp_path, inputs=[tmp_path / "summary.csv"])
    assert (tmp_path / "summary.csv").read_text() == "my own data"
    assert _listing(tmp_path) == ["summary.csv"]


def test_writes_next_to_inputs_when_not_one_of_them(tmp_path: Path, input_workbook: Path) -> None:
    written = report.write_report(optimal_solution(), tmp_path / "plan-report.xlsx", inputs=[input_workbook])
    assert openpyxl.load_workbook(written).sheetnames[0] == "summary"
    assert input_workbook.read_bytes() == b"PK original scenario bytes"


def test_refuses_csv_suffix_and_unwritable_places(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="folder name"):
        report.write_report(optimal_solution(), tmp_path / "report.csv")
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(OutputError, match="a-file' is a file, not a folder"):  # before any work
        report.write_report(optimal_solution(), tmp_path / "a-file" / "report.json")
    with pytest.raises(OutputError, match="not a folder"):
        report.write_report(optimal_solution(), tmp_path / "a-file")
    (tmp_path / "dir.xlsx").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        report.write_report(optimal_solution(), tmp_path / "dir.xlsx")
    assert _listing(tmp_path) == ["a-file", "dir.xlsx"]
    assert (tmp_path / "a-file").read_text() == "x"


# --------------------------------------------------------------------------- atomicity


def test_failed_workbook_leaves_previous_report_intact(tmp_path: Path, monkeypatch) -> None:
    path = report.write_report(optimal_solution(), tmp_path / "plan.xlsx")
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(workbook, "_write_table", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        report.write_report(infeasible_solution(), path)
    assert path.read_bytes() == before
    assert _listing(tmp_path) == ["plan.xlsx"]


def test_failed_json_leaves_previous_report_intact(tmp_path: Path, monkeypatch) -> None:
    path = report.write_report(optimal_solution(), tmp_path / "plan.json")
    before = path.read_bytes()
    # json.dump writes part of this before it meets the object it cannot encode
    monkeypatch.setattr(
        report, "to_json", lambda solution, inputs=(), **_: {"status": "optimal", "bad": object()}
    )
    with pytest.raises(TypeError):
        report.write_report(optimal_solution(), path)
    assert path.read_bytes() == before
    assert json.loads(before)["score"] == pytest.approx(46.5)
    assert _listing(tmp_path) == ["plan.json"]


def _fail_on_third_csv(monkeypatch) -> None:
    real = writers.write_csv
    calls = []

    def flaky(path, columns, rows):
        calls.append(path)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        real(path, columns, rows)

    monkeypatch.setattr(writers, "write_csv", flaky)


def test_failed_csv_update_leaves_previous_folder_intact(tmp_path: Path, monkeypatch) -> None:
    folder = report.write_report(optimal_solution(), tmp_path / "out")
    before = {name: (folder / name).read_bytes() for name in report.CSV_FILES}
    _fail_on_third_csv(monkeypatch)
    with pytest.raises(RuntimeError, match="disk full"):
        report.write_report(infeasible_solution(), folder)
    assert {name: (folder / name).read_bytes() for name in report.CSV_FILES} == before
    assert _listing(folder) == sorted(report.CSV_FILES)
    assert _listing(tmp_path) == ["out"]


def test_failed_new_csv_folder_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    _fail_on_third_csv(monkeypatch)
    with pytest.raises(RuntimeError, match="disk full"):
        report.write_report(optimal_solution(), tmp_path / "new")
    assert _listing(tmp_path) == []


def test_rewriting_replaces_whole_report(tmp_path: Path) -> None:
    path = report.write_report(optimal_solution(), tmp_path / "plan.xlsx")
    report.write_report(infeasible_solution(), path)
    assert "shortfalls" in openpyxl.load_workbook(path).sheetnames
    assert _listing(tmp_path) == ["plan.xlsx"]


# --------------------------------------------------------------------------- terminal summary


def test_summary_of_optimal_plan() -> None:
    text = terminal.summary(optimal_solution())
    lines = text.splitlines()
    assert lines[0].startswith("Status: optimal")
    assert "Score: 39.4 -> 46.5 (out of 100)" in lines
    assert "Spend: 18.0 of 35.0 USD M" in lines
    assert "  period 1: 12.0 of 20.0 USD M" in lines
    assert "  period 2: 6.0 of 15.0 USD M" in lines
    assert "Levels in period 2:" in lines
    assert "  C2: 1 not interoperable, 1 deconflicted, 1 compatible" in lines
    assert "  LOG: 2 compatible, 1 integrated" in lines
    top = lines.index("Top options by cost (2 of 2):")
    assert lines[top + 1 : top + 3] == ["  TRN: 6 units, 13.0 USD M", "  @SUM(A1): 1 unit, 5.0 USD M"]
    assert "Solver: highs, 0.25 s" in lines
    assert "\x1b" not in text


def test_summary_lists_only_five_options() -> None:
    options = tuple(Option(f"OPT{i}", "training", float(i)) for i in range(1, 8))
    scenario = dataclasses.replace(SCENARIO, options=options, effects=(Effect("OPT1", "C2", 1.0),))
    units = np.zeros((7, 3, 2))
    units[:, 0, 0] = 1.0
    solution = dataclasses.replace(
        optimal_solution(), scenario=scenario, allocation=results.allocation_table(scenario, units)
    )
    lines = terminal.summary(solution).splitlines()
    top = lines.index("Top options by cost (5 of 7):")
    assert lines[top + 1 : top + 6] == [f"  OPT{i}: 1 unit, {i}.0 USD M" for i in (7, 6, 5, 4, 3)]
    assert not any("OPT2:" in line or "OPT1:" in line for line in lines)


def test_summary_of_infeasible_names_unmet_targets() -> None:
    lines = terminal.summary(infeasible_solution()).splitlines()
    assert lines[0] == "Status: infeasible (the budgets cannot reach every target; no plan)"
    assert "Score today: 39.4 (out of 100); no plan" in lines
    assert "Unmet targets:" in lines
    assert "  ALD in C2 by period 2: needs 30.0, reaches 24.5 at best (short 5.5) — targets row 3" in lines
    assert "  =1+1 in LOG by period 2: needs 90.0, reaches 85.0 at best (short 5.0)" in lines
    assert not any(line.startswith("Spend") for line in lines)


def test_summary_of_time_limit_with_and_without_plan() -> None:
    with_plan = dataclasses.replace(optimal_solution(), status="time_limit")
    text = terminal.summary(with_plan)
    assert "stopped at the time limit: best plan found, not proven optimal" in text
    assert "Score: 39.4 -> 46.5 (out of 100)" in text
    without = dataclasses.replace(with_plan, score=None, allocation=results.empty(results.ALLOCATION_COLUMNS))
    text = terminal.summary(without)
    assert "stopped at the time limit: no plan was found" in text
    assert "Score today: 39.4 (out of 100); no plan" in text
    assert report.to_json(without)["spend"] is None


def test_summary_escapes_control_characters_in_user_text() -> None:
    shortfalls = infeasible_solution().shortfalls.copy()
    shortfalls.loc[0, "partner"] = "\x1b[31mRED"
    text = terminal.summary(dataclasses.replace(infeasible_solution(), shortfalls=shortfalls))
    assert "\x1b" not in text
    assert "\\x1b[31mRED in C2 by period 2" in text


# --------------------------------------------------------------------------- back from JSON


@pytest.mark.parametrize("make", [optimal_solution, infeasible_solution])
def test_solution_from_json_round_trips(tmp_path: Path, make) -> None:
    solution = make()
    path = report.write_report(solution, tmp_path / "result.json")
    data = json.loads(path.read_text())
    back = report.solution_from_json(data, solution.scenario, source=str(path))
    assert back.status == solution.status and back.score == solution.score
    assert back.spend_by_period == solution.spend_by_period
    again = report.to_json(back)
    assert {k: v for k, v in again.items() if k != "seconds"} == {
        k: v for k, v in data.items() if k != "seconds"
    }
    # the workbook from the saved result is the workbook of the run
    report.write_report(back, tmp_path / "again.xlsx")
    report.write_report(solution, tmp_path / "first.xlsx")
    first, second = (
        openpyxl.load_workbook(tmp_path / "first.xlsx"),
        openpyxl.load_workbook(tmp_path / "again.xlsx"),
    )
    assert first.sheetnames == second.sheetnames
    assert all(_rows(first[n]) == _rows(second[n]) for n in first.sheetnames if n != "summary")


def test_solution_from_json_names_every_problem() -> None:
    from optimizer.errors import InputError

    data = report.to_json(optimal_solution())
    data["status"] = "great"
    data["allocation"][0]["partner"] = "ZZZ"
    data["allocation"][1]["period"] = 7
    data["readiness"][0]["domain"] = "SEA"
    with pytest.raises(InputError) as caught:
        report.solution_from_json(data, SCENARIO, source="old.json")
    text = [str(p) for p in caught.value.problems]
    assert len(text) == 4
    assert all(t.startswith("old.json") for t in text)
    assert any("status" in t and "'great'" in t for t in text)
    assert any("partner 'ZZZ'" in t for t in text)
    assert any("1..2" in t and "7" in t for t in text)
    assert any("domain 'SEA'" in t for t in text)
    with pytest.raises(InputError, match="missing key 'allocation'"):
        report.solution_from_json({"status": "optimal", "baseline_score": 1.0}, SCENARIO)
    with pytest.raises(InputError, match="JSON object"):
        report.solution_from_json([1, 2], SCENARIO)


def test_one_number_format_for_text_and_pages() -> None:
    # expected values written by hand from the rules: no "-0.0", "–" unknown, cut never rounds up
    assert theme.number(-0.04) == "0.0"
    assert theme.number(1234.56) == "1,234.6"
    assert theme.number(1234.56, grouped=False) == "1234.6"
    assert theme.number(2.5, 2, trim=True) == "2.5"
    assert theme.number(3.0, 2, trim=True) == "3"
    assert theme.number(74.96, cut=True, trim=True, grouped=False) == "74.9"
    assert theme.number(float("nan")) == theme.number(None) == "–"
    assert theme.number(float("-inf")) == "-unbounded"
    assert theme.number(0.0803125, significant=3) == "0.0803"
    assert theme.number(12345.6, significant=3) == "12,346"
    assert theme.money(12.34, "EUR") == "12.3 EUR" and theme.money(None, "EUR") == "–"
    assert theme.cell(True) == "yes" and theme.cell(7) == "7" and theme.cell("a\x1b") == "a\\x1b"
