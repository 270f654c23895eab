"""Validation: one broken input per rule, each problem located as the spreadsheet user sees it.

Every test copies inputs/example/ (a CSV folder) into tmp_path, breaks one thing with the csv
module and checks that `load_scenario` raises an InputError holding a Problem at the exact
place: file, sheet, row number as a spreadsheet shows it (header row 1, first data row 2),
column and value, with a sensible expectation. Tests taking the `both` fixture also run on an
.xlsx workbook built from the edited CSV files, to show a workbook's problems are located the
same way.
"""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from optimizer.errors import InputError, Problem
from optimizer.io.template import write_scenario
from optimizer.io.validate import load_scenario
from optimizer.scenario import Scenario

EXAMPLE = Path(__file__).resolve().parents[1] / "inputs" / "example"

# Columns whose numeric-looking cells go into a workbook as number cells; everything else
# (identifiers above all) is written as a string cell, as a careful user's workbook holds it.
NUMBER_COLUMNS = frozenset(
    {
        "weight", "cost_factor", "effectiveness", "max_spend", "score", "unit_cost", "max_units", "lag",
        "gain", "gain_low", "gain_high", "period", "budget", "min_score", "training", "standardization",
        "value",
    }
)  # fmt: skip

ANY = object()  # problem(): do not check the value


def finite_number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class Inputs:
    """A copy of the example scenario to break; loaded as the CSV folder or as a workbook.

    Edits always go to the CSV files; with form 'xlsx' the workbook is built from them when the
    scenario is loaded, cell for cell, so row and column positions are the same in both forms.
    """

    def __init__(self, root: Path, form: str) -> None:
        self.form = form
        self.folder = root / "scenario"
        self.workbook = root / "scenario.xlsx"
        shutil.copytree(EXAMPLE, self.folder)

    # ------------------------------------------------------------------ editing

    def rows(self, sheet: str) -> list[list[str]]:
        with open(self.folder / f"{sheet}.csv", newline="", encoding="utf-8") as handle:
            return list(csv.reader(handle))

    def write(self, sheet: str, rows: list[list[str]]) -> None:
        with open(self.folder / f"{sheet}.csv", "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)

    def index(self, sheet: str, column: str) -> int:
        headers = [h.strip().lower() for h in self.rows(sheet)[0]]
        return headers.index(column.strip().lower())

    def cell(self, sheet: str, row_number: int, column: str) -> str:
        return self.rows(sheet)[row_number - 1][self.index(sheet, column)]

    def edit(self, sheet: str, row_number: int, column: str, new_value: str) -> None:
        """Set one cell; row_number as the spreadsheet shows it (the header is row 1)."""
        rows, i = self.rows(sheet), self.index(sheet, column)
        assert row_number >= 2, "edit data rows; use rename_column for headers"
        rows[row_number - 1][i] = new_value
        self.write(sheet, rows)

    def edit_column(self, sheet: str, column: str, new_value: str) -> None:
        """Set the cell of `column` in every data row."""
        rows, i = self.rows(sheet), self.index(sheet, column)
        for row in rows[1:]:
            row[i] = new_value
        self.write(sheet, rows)

    def find_row(self, sheet: str, **match: str) -> int:
        """The spreadsheet row number of the first data row whose cells equal `match`."""
        rows = self.rows(sheet)
        where = {self.index(sheet, c): v for c, v in match.items()}
        for number, row in enumerate(rows[1:], start=2):
            if all(row[i] == v for i, v in where.items()):
                return number
        raise AssertionError(f"no row of {sheet} with {match}")

    def drop_row(self, sheet: str, row_number: int) -> None:
        rows = self.rows(sheet)
        del rows[row_number - 1]
        self.write(sheet, rows)

    def keep_header_only(self, sheet: str) -> None:
        self.write(sheet, self.rows(sheet)[:1])

    def add_row(self, sheet: str, **values: str) -> int:
        """Append a row (blank where no value is given); its spreadsheet row number."""
        rows = self.rows(sheet)
        row = [""] * len(rows[0])
        for column, value in values.items():
            row[self.index(sheet, column)] = value
        rows.append(row)
        self.write(sheet, rows)
        return len(rows)

    def copy_row(self, sheet: str, row_number: int, **changes: str) -> int:
        rows = self.rows(sheet)
        row = list(rows[row_number - 1])
        for column, value in changes.items():
            row[self.index(sheet, column)] = value
        rows.append(row)
        self.write(sheet, rows)
        return len(rows)

    def insert_blank_row(self, sheet: str, before: int) -> None:
        rows = self.rows(sheet)
        rows.insert(before - 1, [])
        self.write(sheet, rows)

    def add_column(self, sheet: str, header: str, values: str = "") -> None:
        rows = self.rows(sheet)
        self.write(sheet, [rows[0] + [header]] + [row + [values] for row in rows[1:]])

    def rename_column(self, sheet: str, old: str, new: str) -> None:
        rows, i = self.rows(sheet), self.index(sheet, old)
        rows[0][i] = new
        self.write(sheet, rows)

    def drop_column(self, sheet: str, column: str) -> None:
        rows, i = self.rows(sheet), self.index(sheet, column)
        self.write(sheet, [row[:i] + row[i + 1 :] for row in rows])

    def remove_sheet(self, sheet: str) -> None:
        (self.folder / f"{sheet}.csv").unlink()

    def rename_id(self, old: str, new: str) -> None:
        """Rename an identifier everywhere: whole cells and items of comma lists."""
        for path in self.folder.glob("*.csv"):
            sheet = path.stem
            rows = self.rows(sheet)
            for row in rows[1:]:
                for i, value in enumerate(row):
                    if value == old:
                        row[i] = new
                    elif "," in value and old in [s.strip() for s in value.split(",")]:
                        row[i] = ", ".join(new if s.strip() == old else s.strip() for s in value.split(","))
            self.write(sheet, rows)

    # ------------------------------------------------------------------ loading

    def path(self) -> Path:
        if self.form == "csv":
            return self.folder
        book = xlsxwriter.Workbook(
            self.workbook,
            {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
        )
        for csv_path in sorted(self.folder.glob("*.csv")):
            sheet = book.add_worksheet(csv_path.stem)
            rows = self.rows(csv_path.stem)
            headers = [h.strip().lower() for h in rows[0]] if rows else []
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    if text == "":
                        continue
                    number = finite_number(text)
                    if r > 0 and c < len(headers) and headers[c] in NUMBER_COLUMNS and number is not None:
                        sheet.write_number(r, c, number)
                    else:
                        sheet.write_string(r, c, text)
        book.close()
        return self.workbook

    def file(self, sheet: str | None = None) -> str:
        """The file a problem in `sheet` names: the workbook, the sheet's CSV file, or the folder."""
        if self.form == "xlsx":
            return str(self.workbook)
        return str(self.folder if sheet is None else self.folder / f"{sheet}.csv")

    def load(self) -> Scenario:
        return load_scenario(self.path())

    def problems(self) -> list[Problem]:
        with pytest.raises(InputError) as info:
            load_scenario(self.path())
        problems = info.value.problems
        assert problems, "an InputError must carry at least one problem"
        return problems

    def problem(
        self, sheet: str, row: int | None, column: str | None, value: object = ANY, *expected: str
    ) -> Problem:
        """The one problem located at (file, sheet, row, column), checked against value and text."""
        problems = self.problems()
        here = [
            p
            for p in problems
            if (p.file, p.sheet, p.row, p.column) == (self.file(sheet), sheet, row, column)
        ]
        listing = "\n".join(str(p)[:300] for p in problems)
        assert len(here) == 1, (
            f"expected one problem at sheet {sheet!r} row {row} column {column!r}:\n{listing}"
        )
        found = here[0]
        if value is not ANY:
            assert same(found.value, value), f"{found.value!r} != {value!r}: {found}"
        for fragment in expected:
            assert fragment in found.expected, f"{fragment!r} not in: {found}"
        return found


def same(found: object, wanted: object) -> bool:
    """Values match; a number matches the same number however it is held (1, 1.0, '1.0')."""
    if isinstance(wanted, int | float) and not isinstance(wanted, bool):
        if isinstance(found, str):
            return finite_number(found) == wanted
        return isinstance(found, int | float) and not isinstance(found, bool) and float(found) == wanted
    return found == wanted


@pytest.fixture(scope="module")
def reference() -> Scenario:
    return load_scenario(EXAMPLE)


# ---------------------------------------------------------------- the unbroken example


def test_the_example_loads_the_same_from_csv_and_xlsx(both: Inputs, reference: Scenario) -> None:
    scenario = both.load()
    assert scenario == reference
    assert (len(scenario.partners), len(scenario.domains), scenario.horizon) == (12, 7, 5)


# ---------------------------------------------------------------- sheets and columns


@pytest.mark.parametrize("sheet", ["partners", "domains", "baseline", "options", "effects", "budgets"])
def test_a_missing_required_sheet_is_named(both: Inputs, sheet: str) -> None:
    both.remove_sheet(sheet)
    problems = both.problems()
    named = [p for p in problems if f"'{sheet}'" in p.expected]
    assert len(named) == 1, [str(p) for p in problems]
    found = named[0]
    assert (found.file, found.row, found.column) == (both.file(), None, None)
    assert "missing" in found.expected
    assert str(found).startswith(f"{both.file()}: ")


@pytest.mark.parametrize("sheet", ["targets", "settings"])
def test_an_optional_sheet_may_be_missing(both: Inputs, sheet: str) -> None:
    both.remove_sheet(sheet)
    scenario = both.load()
    if sheet == "targets":
        assert scenario.targets == ()
    else:
        assert scenario.settings.weakest_link == 0.25 and scenario.settings.score_cap == 100


REQUIRED_COLUMNS = [
    ("partners", "partner"),
    ("domains", "domain"),
    ("baseline", "partner"),
    ("baseline", "domain"),
    ("baseline", "score"),
    ("options", "option"),
    ("options", "type"),
    ("options", "unit_cost"),
    ("effects", "option"),
    ("effects", "domain"),
    ("effects", "gain"),
    ("budgets", "period"),
    ("budgets", "budget"),
    ("targets", "partner"),
    ("targets", "domain"),
    ("targets", "period"),
    ("targets", "min_score"),
    ("settings", "key"),
]


@pytest.mark.parametrize(("sheet", "column"), REQUIRED_COLUMNS)
def test_a_missing_required_column_is_named_in_row_1(inputs: Inputs, sheet: str, column: str) -> None:
    inputs.drop_column(sheet, column)
    problems = inputs.problems()
    named = [
        p
        for p in problems
        if (p.file, p.sheet, p.row) == (inputs.file(sheet), sheet, 1)
        and p.column in (None, column)
        and f"'{column}'" in p.expected
    ]
    assert len(named) == 1, [str(p) for p in problems]
    assert "missing" in named[0].expected


@pytest.mark.parametrize(
    ("sheet", "column", "typo"),
    [
        ("partners", "weight", "wieght"),
        ("partners", "cost_factor", "costfactor"),
        ("partners", "max_spend", "max spend"),
        ("domains", "weight", "Weigth"),
        ("options", "max_units", "max_unit"),
        ("options", "partners", "partner"),
        ("effects", "gain_high", "gain_hi"),
    ],
)
def test_an_unknown_column_suggests_the_nearest_name(
    both: Inputs, sheet: str, column: str, typo: str
) -> None:
    both.rename_column(sheet, column, typo)
    found = both.problem(sheet, 1, typo, typo, f"did you mean '{column}'?", "unknown column")
    assert found.expected.count("did you mean") == 1


def test_a_misspelt_weight_never_silently_becomes_the_default(inputs: Inputs) -> None:
    inputs.rename_column("partners", "weight", "wieght")
    problems = inputs.problems()  # raises: the misspelt column is not read as "weight missing"
    assert [(p.sheet, p.row, p.column) for p in problems] == [("partners", 1, "wieght")]


def test_an_unknown_column_without_close_name_lists_the_known_ones(inputs: Inputs) -> None:
    inputs.add_column("partners", "colour", "blue")
    found = inputs.problem("partners", 1, "colour", "colour", "unknown column", "cost_factor", "notes")
    assert "did you mean" not in found.expected


def test_an_unknown_budgets_type_column_suggests_the_option_type(both: Inputs) -> None:
    both.rename_column("budgets", "training", "trainng")
    both.problem("budgets", 1, "trainng", "trainng", "did you mean 'training'?", "option type")


def test_a_budgets_column_naming_no_option_type_is_an_error(inputs: Inputs) -> None:
    inputs.add_column("budgets", "equipment", "5")
    found = inputs.problem("budgets", 1, "equipment", "equipment", "option type")
    assert "training" in found.expected  # the types there are, to choose from


def test_budgets_type_columns_match_option_types_case_insensitively(
    inputs: Inputs, reference: Scenario
) -> None:
    inputs.rename_column("budgets", "training", " Training ")
    inputs.rename_column("budgets", "standardization", "STANDARDIZATION")
    assert inputs.load() == reference


def test_a_blank_type_budget_cell_means_no_cap(inputs: Inputs) -> None:
    inputs.edit("budgets", inputs.find_row("budgets", period="1"), "training", "")
    budgets = inputs.load().budgets
    assert "training" not in budgets[0].by_type
    assert "standardization" in budgets[0].by_type and "training" in budgets[1].by_type


@pytest.mark.parametrize(
    ("typo", "key"),
    [("weakest_lnk", "weakest_link"), ("scorecap", "score_cap"), ("curency", "currency")],
)
def test_an_unknown_settings_key_suggests_the_nearest(inputs: Inputs, typo: str, key: str) -> None:
    row = inputs.find_row("settings", key=key)
    inputs.edit("settings", row, "key", typo)
    inputs.problem("settings", row, "key", typo, f"did you mean '{key}'?")


def test_a_settings_key_given_twice_is_an_error(inputs: Inputs) -> None:
    first = inputs.find_row("settings", key="weakest_link")
    row = inputs.add_row("settings", key="weakest_link", value="0.5")
    inputs.problem("settings", row, "key", "weakest_link", "once", f"row {first}")


def test_notes_comment_and_hash_columns_are_ignored(both: Inputs, reference: Scenario) -> None:
    for sheet in ("partners", "baseline", "options", "budgets", "targets", "settings"):
        both.add_column(sheet, "notes", "high")
        both.add_column(sheet, " Comment ", "-1")
        both.add_column(sheet, "# mine", "wieght")
        both.add_column(sheet, "#", "nan")
    assert both.load() == reference


def test_headers_are_case_insensitive_and_trimmed(both: Inputs, reference: Scenario) -> None:
    both.rename_column("partners", "partner", " Partner ")
    both.rename_column("partners", "weight", "WEIGHT ")
    both.rename_column("domains", "domain", " Domain")
    both.rename_column("effects", "gain_low", "Gain_Low")
    both.rename_column("settings", "key", " KEY ")
    assert both.load() == reference


# ---------------------------------------------------------------- cells


@pytest.mark.parametrize(
    ("sheet", "row", "column"),
    [
        ("partners", 3, "partner"),
        ("options", 5, "type"),
        ("options", 5, "unit_cost"),
        ("effects", 7, "gain"),
        ("baseline", 4, "score"),
        ("budgets", 3, "budget"),
        ("targets", 3, "min_score"),
    ],
)
def test_a_blank_required_cell_is_located(both: Inputs, sheet: str, row: int, column: str) -> None:
    both.edit(sheet, row, column, "")
    found = both.problem(sheet, row, column, None, "expected a value")
    assert (
        str(found) == f"{both.file(sheet)}: sheet '{sheet}', row {row}, column '{column}': {found.expected}"
    )


def test_the_non_number_of_the_workbook_md_example(both: Inputs) -> None:
    both.edit("effects", 7, "gain", "high")
    found = both.problem("effects", 7, "gain", "high", "expected a number")
    assert str(found).startswith(
        f"{both.file('effects')}: sheet 'effects', row 7, column 'gain': expected a number"
    )
    assert str(found).endswith(", got 'high'")


def test_a_blank_line_above_keeps_the_spreadsheet_row_number(both: Inputs) -> None:
    both.insert_blank_row("effects", before=5)  # the old row 7 is now row 8
    both.edit("effects", 8, "gain", "high")
    both.problem("effects", 8, "gain", "high", "expected a number")


@pytest.mark.parametrize(
    ("sheet", "row", "column", "text"),
    [
        ("partners", 2, "weight", "heavy"),
        ("partners", 4, "max_spend", "none"),
        ("options", 3, "unit_cost", "1,5"),  # a decimal comma
        ("options", 3, "max_units", "two"),
        ("baseline", 9, "score", "n/a"),
        ("budgets", 4, "budget", "10 M"),
        ("budgets", 4, "training", "lots"),
        ("budgets", 4, "budget", "1_000"),  # Python reads it, a spreadsheet does not
        ("targets", 3, "min_score", "high"),
    ],
)
def test_a_non_number_in_a_number_column(
    inputs: Inputs, sheet: str, row: int, column: str, text: str
) -> None:
    inputs.edit(sheet, row, column, text)
    inputs.problem(sheet, row, column, text, "expected a number")


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf", "Infinity", "1e999"])
@pytest.mark.parametrize(("sheet", "row", "column"), [("effects", 7, "gain"), ("partners", 2, "weight")])
def test_numbers_must_be_finite(inputs: Inputs, sheet: str, row: int, column: str, text: str) -> None:
    inputs.edit(sheet, row, column, text)
    inputs.problem(sheet, row, column, text, "expected a number")


@pytest.mark.parametrize(
    ("sheet", "row", "column", "bad", "expected"),
    [
        ("partners", 3, "weight", "-1", ">= 0"),
        ("domains", 3, "weight", "-0.5", ">= 0"),
        ("partners", 3, "cost_factor", "0", "> 0"),
        ("partners", 3, "cost_factor", "-1.1", "> 0"),
        ("partners", 3, "effectiveness", "-0.1", ">= 0"),
        ("partners", 3, "max_spend", "-1", ">= 0"),
        ("options", 4, "unit_cost", "0", "> 0"),
        ("options", 4, "unit_cost", "-2", "> 0"),
        ("options", 4, "max_units", "-1", ">= 0"),
        ("options", 4, "lag", "-1", ">= 0"),
        ("effects", 5, "gain", "-1", ">= 0"),
        ("effects", 5, "gain_low", "-1", ">= 0"),
        ("baseline", 6, "score", "101", "from 0 to 100"),
        ("baseline", 6, "score", "-1", "from 0 to 100"),
        ("budgets", 4, "budget", "-5", ">= 0"),
        ("budgets", 4, "standardization", "-1", ">= 0"),
        ("targets", 4, "min_score", "100.5", "from 0 to 100"),
        ("targets", 4, "min_score", "-1", "from 0 to 100"),
    ],
)
def test_a_number_out_of_range(
    inputs: Inputs, sheet: str, row: int, column: str, bad: str, expected: str
) -> None:
    inputs.edit(sheet, row, column, bad)
    found = inputs.problem(sheet, row, column, float(bad), "expected a number", expected)
    assert found.expected.startswith("expected")


def test_a_negative_number_in_a_workbook_is_located_alike(both: Inputs) -> None:
    both.edit("partners", 5, "weight", "-2")
    both.problem("partners", 5, "weight", -2, "expected a number >= 0")


def test_range_boundaries_are_accepted(inputs: Inputs) -> None:
    inputs.edit("partners", 2, "weight", "0")
    inputs.edit("partners", 3, "cost_factor", "0.001")
    inputs.edit("partners", 4, "effectiveness", "0")
    inputs.edit("partners", 5, "max_spend", "0")
    inputs.edit("domains", 2, "weight", "0")
    inputs.edit("options", 2, "max_units", "0")
    inputs.edit("options", 2, "lag", "0")
    inputs.edit("effects", 2, "gain", "0")
    inputs.edit("effects", 2, "gain_low", "0")
    inputs.edit("effects", 2, "gain_high", "0")
    inputs.edit("baseline", 2, "score", "0")
    inputs.edit("baseline", 3, "score", "100")
    inputs.edit("budgets", 2, "budget", "0")
    inputs.edit("budgets", 2, "training", "0")
    inputs.edit("settings", inputs.find_row("settings", key="weakest_link"), "value", "1")
    scenario = inputs.load()
    assert scenario.partners[0].weight == 0 and scenario.partners[3].max_spend == 0
    assert scenario.baseline["ALD", "C2"] == 0 and scenario.baseline["ALD", "INT"] == 100
    assert scenario.settings.weakest_link == 1


def test_blank_optional_cells_take_the_default(inputs: Inputs) -> None:
    for column in ("weight", "cost_factor", "effectiveness", "max_spend"):
        inputs.edit("partners", 2, column, "")
    inputs.edit("options", 2, "lag", "")
    inputs.edit("options", 2, "max_units", "")
    scenario = inputs.load()
    ald = scenario.partners[0]
    assert (ald.weight, ald.cost_factor, ald.effectiveness, ald.max_spend) == (1, 1, 1, None)
    assert (scenario.options[0].lag, scenario.options[0].max_units) == (0, None)


@pytest.mark.parametrize(
    ("text", "expected"), [("1.5", "whole number"), ("-1", ">= 0"), ("two", "whole number")]
)
def test_lag_is_a_whole_number_not_negative(inputs: Inputs, text: str, expected: str) -> None:
    inputs.edit("options", 6, "lag", text)
    inputs.problem("options", 6, "lag", float(text) if finite_number(text) is not None else text, expected)


@pytest.mark.parametrize("sheet", ["partners", "domains"])
def test_weights_summing_to_zero(inputs: Inputs, sheet: str) -> None:
    inputs.edit_column(sheet, "weight", "0")
    inputs.problem(sheet, None, "weight", None, "positive")


def test_weights_of_zero_with_one_blank_default_are_fine(inputs: Inputs) -> None:
    inputs.edit_column("partners", "weight", "0")
    inputs.edit("partners", 4, "weight", "")  # blank: the default 1
    assert inputs.load().partners[2].weight == 1


@pytest.mark.parametrize("sheet", ["partners", "domains"])
def test_a_sheet_without_partners_or_domains_is_an_error(inputs: Inputs, sheet: str) -> None:
    inputs.keep_header_only(sheet)
    inputs.keep_header_only("baseline")
    inputs.remove_sheet("targets")
    if sheet == "partners":
        inputs.edit_column("options", "partners", "")
    else:
        inputs.keep_header_only("effects")
    problems = inputs.problems()
    assert any(p.sheet == sheet for p in problems)


def test_gain_low_above_gain(inputs: Inputs) -> None:
    gain = float(inputs.cell("effects", 2, "gain"))
    inputs.edit("effects", 2, "gain_low", str(gain + 1))
    inputs.problem("effects", 2, "gain_low", gain + 1, "gain_low <= gain")


def test_gain_high_below_gain(inputs: Inputs) -> None:
    gain = float(inputs.cell("effects", 2, "gain"))
    inputs.edit("effects", 2, "gain_high", str(gain - 1))
    inputs.problem("effects", 2, "gain_high", gain - 1, "gain_high >= gain")


def test_gain_bounds_may_equal_gain(inputs: Inputs) -> None:
    gain = inputs.cell("effects", 2, "gain")
    inputs.edit("effects", 2, "gain_low", gain)
    inputs.edit("effects", 2, "gain_high", gain)
    effect = inputs.load().effects[0]
    assert effect.gain_low == effect.gain == effect.gain_high == float(gain)


def test_baseline_above_a_lower_score_cap(inputs: Inputs) -> None:
    inputs.edit("settings", inputs.find_row("settings", key="score_cap"), "value", "80")
    inputs.edit_column("baseline", "score", "50")
    inputs.edit("baseline", 5, "score", "81")
    inputs.problem("baseline", 5, "score", 81, "from 0 to 80")


def test_target_above_a_lower_score_cap(inputs: Inputs) -> None:
    inputs.edit("settings", inputs.find_row("settings", key="score_cap"), "value", "80")
    inputs.edit_column("baseline", "score", "50")
    inputs.edit("targets", 3, "min_score", "85")
    inputs.problem("targets", 3, "min_score", 85, "from 0 to 80")


# ---------------------------------------------------------------- identifiers and references


@pytest.mark.parametrize(
    ("sheet", "column"), [("partners", "partner"), ("domains", "domain"), ("options", "option")]
)
def test_a_duplicate_identifier(inputs: Inputs, sheet: str, column: str) -> None:
    first = inputs.cell(sheet, 2, column)
    inputs.edit(sheet, 3, column, first)
    inputs.problem(sheet, 3, column, first, "once", "row 2")


@pytest.mark.parametrize(
    ("sheet", "pair"), [("baseline", ("partner", "domain")), ("effects", ("option", "domain"))]
)
def test_a_duplicate_pair(inputs: Inputs, sheet: str, pair: tuple[str, str]) -> None:
    row = inputs.copy_row(sheet, 2)
    ids = [inputs.cell(sheet, 2, c) for c in pair]
    problems = inputs.problems()
    here = [p for p in problems if (p.file, p.sheet, p.row) == (inputs.file(sheet), sheet, row)]
    assert len(here) == 1, [str(p) for p in problems]
    found = here[0]
    assert found.column in pair
    assert "once" in found.expected and "row 2" in found.expected
    assert all(i in str(found.value) for i in ids)
    assert len(problems) == 1


def test_a_missing_baseline_pair(inputs: Inputs) -> None:
    partner, domain = inputs.cell("baseline", 4, "partner"), inputs.cell("baseline", 4, "domain")
    inputs.drop_row("baseline", 4)
    problems = inputs.problems()
    assert len(problems) == 1, [str(p) for p in problems]
    found = problems[0]
    assert (found.file, found.sheet) == (inputs.file("baseline"), "baseline")
    assert f"'{partner}'" in found.expected and f"'{domain}'" in found.expected


@pytest.mark.parametrize(
    ("sheet", "row", "column", "bad", "known", "suggestion"),
    [
        ("baseline", 2, "partner", "ALDD", "partners", "ALD"),
        ("baseline", 9, "domain", "CYBR", "domains", "CYB"),
        ("effects", 2, "domain", "LNDD", "domains", "LND"),
        ("effects", 3, "option", "EX-BIL-LDN", "options", "EX-BIL-LND"),
        ("targets", 3, "partner", "ISTR", "partners", "IST"),
        ("targets", 4, "domain", "LOGS", "domains", "LOG"),
    ],
)
def test_a_reference_to_an_unknown_identifier(
    both: Inputs, sheet: str, row: int, column: str, bad: str, known: str, suggestion: str
) -> None:
    both.edit(sheet, row, column, bad)
    both.problem(sheet, row, column, bad, f"{known} sheet", f"did you mean '{suggestion}'?")


def test_an_unknown_partner_in_an_options_partners_list(both: Inputs) -> None:
    row = both.find_row("options", option="EX-MAR")
    both.edit("options", row, "partners", " ALD , BVR ")
    both.problem("options", row, "partners", "BVR", "partners sheet", "did you mean 'BRV'?")


def test_an_options_partners_list_with_spaces_is_accepted(both: Inputs) -> None:
    row = both.find_row("options", option="EX-MAR")
    both.edit("options", row, "partners", " ALD ,BRV ,  CAS,DRM ")
    option = next(o for o in both.load().options if o.id == "EX-MAR")
    assert option.partners == ("ALD", "BRV", "CAS", "DRM")


def test_an_empty_item_in_an_options_partners_list(inputs: Inputs) -> None:
    row = inputs.find_row("options", option="EX-MAR")
    inputs.edit("options", row, "partners", "ALD,,BRV")
    inputs.problem("options", row, "partners", "ALD,,BRV", "comma-separated")


def test_identifiers_stay_text(both: Inputs) -> None:
    both.rename_id("ALD", "007")
    both.rename_id("LND", "NA")
    both.rename_id("KAL", "TRUE")
    both.rename_id("EX-AIR", "1E3")
    both.edit("partners", both.find_row("partners", partner="007"), "name", "NA")
    both.edit("domains", both.find_row("domains", domain="NA"), "name", "NULL")
    scenario = both.load()
    first = scenario.partners[0]
    assert (first.id, first.name) == ("007", "NA")
    assert "TRUE" in [p.id for p in scenario.partners]
    land = next(d for d in scenario.domains if d.id == "NA")
    assert land.name == "NULL"
    assert ("007", "NA") in scenario.baseline
    assert "1E3" in [o.id for o in scenario.options]
    assert "007" in next(o for o in scenario.options if o.id == "EX-MAR").partners


# ---------------------------------------------------------------- targets


@pytest.mark.parametrize("period", ["6", "0", "-1"])
def test_a_target_period_outside_the_horizon(inputs: Inputs, period: str) -> None:
    inputs.edit("targets", 3, "period", period)
    inputs.problem("targets", 3, "period", int(period), "from 1 to 5")


def test_a_target_period_that_is_not_a_period(inputs: Inputs) -> None:
    inputs.edit("targets", 3, "period", "2.5")
    inputs.problem("targets", 3, "period", "2.5", "period")


def test_star_expands_to_every_partner_domain_and_period(inputs: Inputs) -> None:
    inputs.write(
        "targets",
        [
            ["partner", "domain", "period", "min_score"],
            ["*", "C2", "5", "30"],
            ["IST", "*", "3", "25"],
            ["KAL", "LOG", "*", "35"],
            ["*", "*", "*", "10"],
        ],
    )
    scenario = inputs.load()
    partners, domains, periods = len(scenario.partners), len(scenario.domains), scenario.horizon
    assert (partners, domains, periods) == (12, 7, 5)
    targets = scenario.targets
    assert len(targets) == partners + domains + periods + partners * domains * periods
    by_row = {row: [t for t in targets if t.row == row] for row in (2, 3, 4, 5)}
    assert [t.partner for t in by_row[2]] == [p.id for p in scenario.partners]
    assert {(t.domain, t.period, t.min_score) for t in by_row[2]} == {("C2", 5, 30)}
    assert [t.domain for t in by_row[3]] == [d.id for d in scenario.domains]
    assert [t.period for t in by_row[4]] == [1, 2, 3, 4, 5]
    assert len(set((t.partner, t.domain, t.period) for t in by_row[5])) == partners * domains * periods


# ---------------------------------------------------------------- budgets


def test_budget_periods_with_a_gap(inputs: Inputs) -> None:
    inputs.write(
        "budgets",
        [row for row in inputs.rows("budgets") if row[inputs.index("budgets", "period")] not in ("3", "5")],
    )  # periods 1, 2, 4
    inputs.write("targets", inputs.rows("targets")[:1])
    problems = inputs.problems()
    gap = [
        p for p in problems if (p.file, p.sheet, p.column) == (inputs.file("budgets"), "budgets", "period")
    ]
    assert len(gap) == 1, [str(p) for p in problems]
    assert "no gap" in gap[0].expected and "3" in gap[0].expected
    assert len(problems) == 1


@pytest.mark.parametrize("how", ["replace", "append"])
def test_a_budget_period_given_twice(inputs: Inputs, how: str) -> None:
    if how == "replace":  # periods 1, 1, 3, 4, 5
        row, period = 3, 1
        inputs.edit("budgets", row, "period", "1")
    else:  # periods 1 to 5, then 5 again
        row, period = inputs.copy_row("budgets", 6), 5
    inputs.problem("budgets", row, "period", period, "once")


def test_budget_period_zero(inputs: Inputs) -> None:
    inputs.edit("budgets", 2, "period", "0")
    inputs.problem("budgets", 2, "period", 0, "from 1 to 5")


def test_a_budget_period_that_is_not_whole(inputs: Inputs) -> None:
    inputs.edit("budgets", 3, "period", "2.5")
    inputs.problem("budgets", 3, "period", "2.5", "period number")


def test_a_huge_budget_period_gives_a_short_located_message(inputs: Inputs) -> None:
    inputs.edit("budgets", 6, "period", "100000")
    problems = inputs.problems()
    assert all(len(str(p)) < 500 for p in problems)
    inputs.problem("budgets", 6, "period", 100000)


# ---------------------------------------------------------------- settings


@pytest.mark.parametrize(
    ("key", "text", "expected"),
    [
        ("weakest_link", "1.5", "weakest_link from 0 to 1"),
        ("weakest_link", "-0.1", "weakest_link from 0 to 1"),
        ("weakest_link", "high", "weakest_link from 0 to 1"),
        ("score_cap", "0", "score_cap > 0"),
        ("score_cap", "-5", "score_cap > 0"),
        ("score_cap", "inf", "score_cap > 0"),
        ("score_periods", "sometimes", "'final' or 'all'"),
        ("level_thresholds", "50,25,75", "increasing"),
        ("level_thresholds", "25,50,50", "increasing"),
        ("level_thresholds", "25,50", "increasing"),
        ("level_thresholds", "low,mid,high", "increasing"),
    ],
)
def test_a_bad_setting_value(inputs: Inputs, key: str, text: str, expected: str) -> None:
    row = inputs.find_row("settings", key=key)
    inputs.edit("settings", row, "value", text)
    inputs.problem("settings", row, "value", text, "expected", expected)


def test_settings_keys_and_words_are_case_insensitive(inputs: Inputs) -> None:
    inputs.edit("settings", inputs.find_row("settings", key="score_periods"), "value", "ALL")
    inputs.edit("settings", inputs.find_row("settings", key="weakest_link"), "key", "Weakest_Link")
    settings = inputs.load().settings
    assert (settings.score_periods, settings.weakest_link) == ("all", 0.3)


# ---------------------------------------------------------------- all at once, and the text


def test_problems_in_different_sheets_are_all_reported_at_once(both: Inputs) -> None:
    both.edit("effects", 7, "gain", "high")
    both.edit("partners", 3, "cost_factor", "0")
    both.edit("budgets", 4, "budget", "-5")
    both.edit("options", 5, "lag", "1.5")
    both.edit("settings", both.find_row("settings", key="weakest_link"), "value", "2")
    both.rename_column("domains", "weight", "wieght")
    problems = both.problems()
    located = {(p.sheet, p.row, p.column) for p in problems}
    settings_row = both.find_row("settings", key="weakest_link")
    assert located == {
        ("effects", 7, "gain"),
        ("partners", 3, "cost_factor"),
        ("budgets", 4, "budget"),
        ("options", 5, "lag"),
        ("settings", settings_row, "value"),
        ("domains", 1, "wieght"),
    }
    assert len(problems) == 6
    assert {p.file for p in problems} == {both.file(p.sheet) for p in problems}


CELL_CASES = [
    pytest.param("effects", 7, "gain", "high", id="non-number"),
    pytest.param("partners", 3, "weight", "-1", id="below-range"),
    pytest.param("baseline", 6, "score", "120", id="above-range"),
    pytest.param("options", 4, "lag", "0.5", id="not-whole"),
    pytest.param("effects", 3, "domain", "LNDD", id="unknown-reference"),
    pytest.param("budgets", 2, "period", "0", id="period-zero"),
    pytest.param("targets", 3, "period", "9", id="target-period"),
    pytest.param("settings", 3, "value", "-1", id="setting"),
    pytest.param("domains", 3, "domain", "C2", id="duplicate"),
    pytest.param(
        "partners",
        1,
        "wieght",
        "wieght",
        id="unknown-column",
    ),
    pytest.param(
        "settings",
        2,
        "key",
        "weakest_lnk",
        id="unknown-setting",
    ),
]


@pytest.mark.parametrize(("sheet", "row", "column", "text"), CELL_CASES)
def test_every_cell_problem_reads_file_sheet_row_column_expected_got(
    both: Inputs, sheet: str, row: int, column: str, text: str
) -> None:
    if row == 1:
        both.rename_column(sheet, "weight", column)
    else:
        both.edit(sheet, row, column, text)
    found = both.problem(sheet, row, column)
    assert found.value is not None
    where = f"{both.file(sheet)}: sheet '{sheet}', row {row}, column '{column}'"
    assert str(found) == f"{where}: {found.expected}, got {found.value!r}"
    assert found.expected.startswith("expected ")
    assert "\n" not in str(found)


def test_a_workbook_written_by_write_scenario_and_edited_in_openpyxl(
    tmp_path: Path, reference: Scenario
) -> None:
    path = tmp_path / "plan.xlsx"
    write_scenario(reference, path)
    book = openpyxl.load_workbook(path)
    effects, partners = book["effects"], book["partners"]
    headers = {c.value: c.column for c in effects[1]}
    gain_row = next(
        r
        for r in range(2, effects.max_row + 1)
        if (effects.cell(r, headers["option"]).value, effects.cell(r, headers["domain"]).value)
        == ("EX-MAR", "MAR")
    )
    effects.cell(gain_row, headers["gain"]).value = "high"
    p_headers = {c.value: c.column for c in partners[1]}
    cas_row = next(
        r for r in range(2, partners.max_row + 1) if partners.cell(r, p_headers["partner"]).value == "CAS"
    )
    partners.cell(cas_row, p_headers["weight"]).value = -1
    book.save(path)

    with pytest.raises(InputError) as info:
        load_scenario(path)
    problems = info.value.problems
    located = sorted((p.file, p.sheet, p.row, p.column) for p in problems)
    assert located == [(str(path), "effects", gain_row, "gain"), (str(path), "partners", cas_row, "weight")]
    values = {p.sheet: p.value for p in problems}
    assert same(values["partners"], -1) and values["effects"] == "high"
    assert all(p.file == str(path) for p in problems)
    assert str(problems[-1]).startswith(f"{path}: sheet ")


def test_a_blank_setting_value_takes_the_default(inputs: Inputs) -> None:
    row = inputs.find_row("settings", key="weakest_link")
    inputs.edit("settings", row, "value", "")
    assert inputs.load().settings.weakest_link == 0.25
