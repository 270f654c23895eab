"""The blank template, scenario writing (xlsx and CSV) and the shipped example."""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import openpyxl
import pytest

from optimizer.errors import OutputError
from optimizer.io import schema, template
from optimizer.io.template import write_scenario, write_template
from optimizer.io.validate import load_scenario
from optimizer.scenario import Budget, Domain, Effect, Option, Partner, Scenario, Settings, Target

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_XLSX = ROOT / "inputs" / "example.xlsx"
EXAMPLE_CSV = ROOT / "inputs" / "example"
PACKAGED_XLSX = ROOT / "optimizer" / "data" / "example.xlsx"


def small_scenario(**changes: object) -> Scenario:
    """A scenario with the awkward values: a numeric-looking id, a formula-like name, blank caps."""
    fields: dict[str, object] = dict(
        partners=(
            Partner("007", "=1+1", 2.0, 1.0, 1.0, None),
            Partner("B", "Bravo", 1.0, 1.25, 0.9, 5.5),
        ),
        domains=(Domain("C2", "Command", 2.0), Domain("LOG", "", 1.0)),
        baseline={("007", "C2"): 10.0, ("007", "LOG"): 20.5, ("B", "C2"): 30.0, ("B", "LOG"): 40.0},
        options=(
            Option("EX", "training", 1.5, "Exercise", 2.0, 0, None),
            Option("STD", "standardization", 3.0, "Doctrine", None, 1, ("007", "B")),
        ),
        effects=(Effect("EX", "C2", 2.0, 1.0, 3.0), Effect("STD", "LOG", 4.0)),
        budgets=(Budget(1, 10.0, {"training": 4.0}), Budget(2, 12.0)),
        targets=(Target("007", "C2", 2, 20.0),),  # no row: equal to the one read back from row 2
        settings=Settings(0.3, 100.0, "all", (20.0, 45.5, 80.0), "EUR M"),
    )
    fields.update(changes)
    return Scenario(**fields)  # type: ignore[arg-type]


def xlsx_rows(path: Path, sheet: str) -> list[tuple]:
    return list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))


def csv_rows(folder: Path, sheet: str) -> list[list[str]]:
    with open(folder / f"{sheet}.csv", encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def headers(sheet: schema.Sheet) -> list[str]:
    return [c.name for c in sheet.columns]


# --- the template ----------------------------------------------------------------


@pytest.fixture(scope="module")
def template_book(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("template") / "template.xlsx"
    write_template(path)
    return openpyxl.load_workbook(path)


def test_template_has_a_readme_then_every_sheet_in_order(template_book: openpyxl.Workbook) -> None:
    assert template_book.sheetnames == ["README"] + [s.name for s in schema.SHEETS]


@pytest.mark.parametrize("sheet", schema.SHEETS, ids=lambda s: s.name)
def test_template_header_has_every_column_required_first(
    template_book: openpyxl.Workbook, sheet: schema.Sheet
) -> None:
    ws = template_book[sheet.name]
    header = [c.value for c in ws[1]]
    extra = ["training", "standardization"] if sheet.name == "budgets" else []
    assert header == headers(sheet) + extra + ["notes"]
    required = [c.required for c in sheet.columns]
    assert required == sorted(required, reverse=True)
    assert ws.freeze_panes == "A2"
    assert all(c.font.b for c in ws[1])
    for cell, column in zip(ws[1], sheet.columns, strict=False):
        assert column.note in cell.comment.text


@pytest.mark.parametrize("sheet", [s for s in schema.SHEETS if s.name != "settings"], ids=lambda s: s.name)
def test_template_data_rows_are_blank(template_book: openpyxl.Workbook, sheet: schema.Sheet) -> None:
    assert list(template_book[sheet.name].iter_rows(min_row=2, values_only=True)) == []


def test_template_settings_list_every_key_with_its_default(template_book: openpyxl.Workbook) -> None:
    rows = list(template_book["settings"].iter_rows(min_row=2, values_only=True))
    assert [(key, value or "") for key, value, _ in rows] == [(s.key, s.default) for s in schema.SETTINGS]
    assert [note for *_, note in rows] == [s.note for s in schema.SETTINGS]
    assert all(isinstance(value, str) for _, value, _ in rows if value is not None)


def test_template_readme_describes_every_column(template_book: openpyxl.Workbook) -> None:
    rows = set(template_book["README"].iter_rows(values_only=True))
    for sheet in schema.SHEETS:
        for c in sheet.columns:
            assert (sheet.name, c.name, "yes" if c.required else "no", c.note) in rows


# --- a scenario as a workbook ------------------------------------------------------


def test_scenario_workbook_cells(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    write_scenario(small_scenario(), path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [s.name for s in schema.SHEETS if s.name != "pairs"]  # no pairs: no sheet
    partners = book["partners"]
    assert [c.value for c in partners[1]] == headers(schema.SHEETS_BY_NAME["partners"])
    assert [c.value for c in partners[2]] == ["007", "=1+1", 2, 1, 1, None]
    assert partners["A2"].data_type == "s"  # "007" stays text, not the number 7
    assert partners["B2"].data_type == "s"  # a name that looks like a formula stays text
    assert partners["F3"].value == 5.5 and partners["F3"].data_type == "n"
    assert xlsx_rows(path, "baseline")[1:] == [
        ("007", "C2", 10),
        ("007", "LOG", 20.5),
        ("B", "C2", 30),
        ("B", "LOG", 40),
    ]
    assert xlsx_rows(path, "options")[1:] == [
        ("EX", "training", 1.5, "Exercise", 2, 0, None),
        ("STD", "standardization", 3, "Doctrine", None, 1, "007, B"),
    ]
    assert xlsx_rows(path, "effects")[1:] == [("EX", "C2", 2, 1, 3), ("STD", "LOG", 4, None, None)]
    assert xlsx_rows(path, "budgets") == [("period", "budget", "training"), (1, 10, 4), (2, 12, None)]
    assert xlsx_rows(path, "targets") == [("partner", "domain", "period", "min_score"), ("007", "C2", 2, 20)]
    assert xlsx_rows(path, "settings")[1:] == [
        ("weakest_link", "0.3"),
        ("score_cap", "100"),
        ("score_periods", "all"),
        ("level_thresholds", "20,45.5,80"),
        ("currency", "EUR M"),
    ]
    for sheet in book:
        for row in sheet.iter_rows():
            assert all(c.data_type in ("s", "n") for c in row)  # never a formula


def test_scenario_without_targets_has_no_targets_sheet(tmp_path: Path) -> None:
    write_scenario(small_scenario(targets=()), tmp_path / "s.xlsx")
    write_scenario(small_scenario(targets=()), tmp_path / "s")
    assert "targets" not in openpyxl.load_workbook(tmp_path / "s.xlsx").sheetnames
    assert not (tmp_path / "s" / "targets.csv").exists()


def test_targets_expanded_from_one_star_row_are_written_as_that_row(tmp_path: Path) -> None:
    targets = (
        Target("007", "C2", 2, 20.0, row=2),
        Target("B", "C2", 2, 20.0, row=2),  # '*' over partners, from row 2
        Target("B", "C2", 1, 5.0, row=3),
        Target("B", "LOG", 1, 5.0, row=3),  # '*' over domains, from row 3
        Target("007", "LOG", 1, 7.0),
        Target("B", "LOG", 1, 7.0),  # no row: written one by one
    )
    write_scenario(small_scenario(targets=targets), tmp_path / "s")
    assert csv_rows(tmp_path / "s", "targets")[1:] == [
        ["*", "C2", "2", "20"],
        ["B", "*", "1", "5"],
        ["007", "LOG", "1", "7"],
        ["B", "LOG", "1", "7"],
    ]


def test_capped_type_named_like_a_column_is_refused(tmp_path: Path) -> None:
    scenario = small_scenario(
        options=(Option("EX", "budget", 1.5),), budgets=(Budget(1, 10.0, {"budget": 4.0}), Budget(2, 12.0))
    )
    with pytest.raises(OutputError, match="budget"):
        write_scenario(scenario, tmp_path / "s.xlsx")


# --- a scenario as CSV files -------------------------------------------------------


def test_scenario_csv_cells(tmp_path: Path) -> None:
    folder = tmp_path / "scenario"
    write_scenario(small_scenario(), folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{s.name}.csv" for s in schema.SHEETS if s.name != "pairs"
    )
    assert csv_rows(folder, "partners") == [
        headers(schema.SHEETS_BY_NAME["partners"]),
        ["007", "=1+1", "2", "1", "1", ""],
        ["B", "Bravo", "1", "1.25", "0.9", "5.5"],
    ]
    assert csv_rows(folder, "domains")[1:] == [["C2", "Command", "2"], ["LOG", "", "1"]]
    assert csv_rows(folder, "options")[1:] == [
        ["EX", "training", "1.5", "Exercise", "2", "0", ""],
        ["STD", "standardization", "3", "Doctrine", "", "1", "007, B"],
    ]
    assert csv_rows(folder, "effects")[2] == ["STD", "LOG", "4", "", ""]
    assert csv_rows(folder, "budgets") == [
        ["period", "budget", "training"],
        ["1", "10", "4"],
        ["2", "12", ""],
    ]
    assert csv_rows(folder, "settings")[4] == ["level_thresholds", "20,45.5,80"]


def test_csv_numbers_keep_full_precision(tmp_path: Path) -> None:
    awkward = 0.1 + 0.2
    scenario = small_scenario(partners=(Partner("007", weight=awkward), Partner("B", weight=1e-20)))
    write_scenario(scenario, tmp_path / "s")
    weights = [row[2] for row in csv_rows(tmp_path / "s", "partners")[1:]]
    assert weights == ["0.30000000000000004", "1e-20"]
    assert [float(w) for w in weights] == [awkward, 1e-20]


# --- writing safely ------------------------------------------------------------------


def test_existing_workbook_is_replaced_whole_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    path.write_bytes(b"not a workbook, and longer than nothing" * 10_000)
    write_scenario(small_scenario(), path)
    assert openpyxl.load_workbook(path).sheetnames[0] == "partners"
    assert os.listdir(tmp_path) == ["s.xlsx"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.xlsx"
    path.write_bytes(b"old")

    def broken(tables: object, tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")

    monkeypatch.setattr(template, "_write_xlsx", broken)
    with pytest.raises(RuntimeError):
        write_scenario(small_scenario(), path)
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["s.xlsx"]


def test_new_files_get_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_template(tmp_path / "t.xlsx")
        write_scenario(small_scenario(), tmp_path / "s")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "t.xlsx").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "s").stat().st_mode) == 0o755


def test_existing_folder_gets_new_sheets_and_keeps_other_files(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    write_scenario(small_scenario(), folder)
    (folder / "README.txt").write_text("mine")
    (folder / "partners.csv").write_text("stale")
    write_scenario(small_scenario(targets=()), folder)
    assert not (folder / "targets.csv").exists()  # the scenario has no targets any more
    assert (folder / "README.txt").read_text() == "mine"
    assert csv_rows(folder, "partners")[1][0] == "007"
    assert os.listdir(tmp_path) == ["s"]


def test_wrong_kind_of_output_path_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dir.xlsx").mkdir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="folder"):
        write_scenario(small_scenario(), tmp_path / "dir.xlsx")
    with pytest.raises(OutputError, match="file"):
        write_scenario(small_scenario(), tmp_path / "file")


# --- the shipped example -------------------------------------------------------------


def test_packaged_example_is_the_inputs_example() -> None:
    assert PACKAGED_XLSX.read_bytes() == EXAMPLE_XLSX.read_bytes()


def test_example_workbook_and_csv_folder_hold_the_same_cells() -> None:
    book = openpyxl.load_workbook(EXAMPLE_XLSX)
    assert sorted(book.sheetnames) == sorted(p.stem for p in EXAMPLE_CSV.iterdir())
    for sheet in book:
        as_text = [[template._csv_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        assert as_text == csv_rows(EXAMPLE_CSV, sheet.title), sheet.title


def test_example_has_the_promised_shape() -> None:
    assert len(csv_rows(EXAMPLE_CSV, "partners")) - 1 == 12
    assert len(csv_rows(EXAMPLE_CSV, "domains")) - 1 == 7
    assert len(csv_rows(EXAMPLE_CSV, "baseline")) - 1 == 12 * 7
    assert csv_rows(EXAMPLE_CSV, "budgets")[0] == ["period", "budget", "training", "standardization"]
    assert any("*" in row for row in csv_rows(EXAMPLE_CSV, "targets")[1:])


# --- round trips through the loader (optimizer.io.validate) --------------------------------


def test_example_workbook_and_csv_folder_load_to_the_same_scenario() -> None:
    assert load_scenario(EXAMPLE_XLSX) == load_scenario(EXAMPLE_CSV)


@pytest.mark.parametrize("name", ["again.xlsx", "again"], ids=["xlsx", "csv"])
def test_written_example_loads_back_equal(tmp_path: Path, name: str) -> None:
    original = load_scenario(EXAMPLE_XLSX)
    write_scenario(original, tmp_path / name)
    assert load_scenario(tmp_path / name) == original


@pytest.mark.parametrize("name", ["small.xlsx", "small"], ids=["xlsx", "csv"])
def test_awkward_scenario_loads_back_equal(tmp_path: Path, name: str) -> None:
    write_scenario(small_scenario(), tmp_path / name)
    assert load_scenario(tmp_path / name) == small_scenario()
