"""The raw-table reader: same tables from .xlsx and CSV, and a one-line InputError for bad files."""

from __future__ import annotations

import csv
import datetime
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from optimizer.errors import InputError
from optimizer.io import sheets
from optimizer.io.sheets import RawTable, read_tables

Rows = list[list[object]]

SCENARIO: dict[str, Rows] = {
    "Partners": [
        ["partner", " name ", "weight", "notes", "# mine"],
        ["ALD", "Aldoria", 2, "first one", None],
        [None, None, None, None, None],  # blank row 3: skipped, numbering kept
        ["007", "NA", None, "n/a", "null"],
        ["BRN", "  Brunia ", 1.5, None, None],
    ],
    "domains": [
        ["domain", "name", "weight"],
        ["C2", "Command", 1],
        ["LOG", None, 0.5],
    ],
    "README": [["This sheet is for people"], ["and is not read"]],
}


# ---------------------------------------------------------------- builders


def write_xlsxwriter(path: Path, book: dict[str, Rows]) -> Path:
    workbook = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False})
    for name, rows in book.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write_number(r, c, value)
    workbook.close()
    return path


def write_openpyxl(path: Path, book: dict[str, Rows]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in book.items():
        sheet = workbook.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(r, c, value)
    workbook.save(path)
    return path


def write_csv_folder(folder: Path, book: dict[str, Rows]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, rows in book.items():
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([["" if v is None else str(v) for v in row] for row in rows])
    return folder


def handmade_xlsx(path: Path, sheet_data: str, calc_pr: str = "", prefix: str = "") -> Path:
    """A minimal workbook whose XML we write ourselves, as a spreadsheet program would save it."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{ns}"' if prefix else f'xmlns="{ns}"'
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><{p}workbook {xmlns} xmlns:r="{rel}">'
            f'<{p}sheets><{p}sheet name="Partners" sheetId="1" r:id="rId1"/></{p}sheets>{calc_pr}'
            f"</{p}workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {xmlns}>'
            f"<{p}sheetData>{sheet_data}</{p}sheetData></{p}worksheet>"
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>partner</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>weight</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>notes</t></is></c></row>'
)


def rewrite_zip(src: Path, dst: Path, edits: dict[str, Callable[[bytes], bytes]]) -> Path:
    """Copy a workbook, changing some parts, to make the broken or hostile variants."""
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            data = old.read(name)
            new.writestr(name, edits[name](data) if name in edits else data)
    return dst


def input_error(path: object) -> InputError:
    with pytest.raises(InputError) as caught:
        read_tables(path)  # type: ignore[arg-type]
    return caught.value


def one_line_error(path: Path) -> str:
    """The message of a file-level refusal: one line, naming the file."""
    message = str(input_error(path))
    assert "\n" not in message
    assert message.startswith(str(path))
    return message


@pytest.fixture
def no_calamine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any call into calamine fail the test: the check must come before parsing."""

    class Forbidden:
        @staticmethod
        def from_path(*args: object) -> None:
            raise AssertionError("calamine was called")

    monkeypatch.setattr(sheets, "CalamineWorkbook", Forbidden)


def same_cell(xlsx: object, text: object) -> bool:
    """Equal, except that a number in the workbook is text in the CSV file."""
    if isinstance(xlsx, float) and isinstance(text, str):
        return float(text) == xlsx
    return xlsx == text


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize("writer", [write_xlsxwriter, write_openpyxl])
def test_xlsx_and_csv_folder_give_the_same_tables(tmp_path: Path, writer: Callable) -> None:
    workbook = writer(tmp_path / "plan.xlsx", SCENARIO)
    folder = write_csv_folder(tmp_path / "plan", SCENARIO)

    from_xlsx, from_csv = read_tables(workbook), read_tables(folder)

    assert set(from_xlsx) == set(from_csv) == {"partners", "domains"}
    for name in ("Partners", "domains"):
        key = name.lower()
        x, c = from_xlsx[key], from_csv[key]
        assert x.file == str(workbook)
        assert c.file == str(folder / f"{name}.csv")
        assert x.sheet == c.sheet == key
        assert x.headers == c.headers
        assert [n for n, _ in x.rows] == [n for n, _ in c.rows]
        for (_, xrow), (_, crow) in zip(x.rows, c.rows, strict=True):
            assert len(xrow) == len(crow) == len(x.headers)
            assert all(same_cell(a, b) for a, b in zip(xrow, crow, strict=True)), (xrow, crow)


def test_cells_as_typed_with_spreadsheet_row_numbers(tmp_path: Path) -> None:
    table = read_tables(write_xlsxwriter(tmp_path / "plan.xlsx", SCENARIO))["partners"]

    assert table.headers == ("partner", "name", "weight", "notes", "# mine")  # stripped, notes kept
    assert table.rows == (
        (2, ("ALD", "Aldoria", 2.0, "first one", None)),
        (4, ("007", "NA", None, "n/a", "null")),  # row 3 was blank
        (5, ("BRN", "Brunia", 1.5, None, None)),
    )


def test_csv_cells_are_text_and_never_missing_markers(tmp_path: Path) -> None:
    folder = tmp_path / "plan"
    folder.mkdir()
    (folder / "partners.csv").write_text(
        '\ufeffpartner,weight,notes\n007,NA,"two\nlines"\n\n ,  ,\nnull,n/a,\nX,1e3,"a, b"\n',
        encoding="utf-8",
    )

    table = read_tables(folder)["partners"]

    assert table.headers == ("partner", "weight", "notes")  # BOM gone
    # A quoted line break is one spreadsheet row; blank lines still count as rows.
    assert table.rows == (
        (2, ("007", "NA", "two\nlines")),
        (5, ("null", "n/a", None)),
        (6, ("X", "1e3", "a, b")),
    )


def test_blank_rows_and_columns_after_the_header(tmp_path: Path) -> None:
    book = {"partners": [["partner", "weight"], [], [], ["A", 1], ["B"], [None, None, "orphan"]]}
    table = read_tables(write_xlsxwriter(tmp_path / "plan.xlsx", book))["partners"]

    # A value under no header is kept (the validator reports it) rather than silently dropped.
    assert table.headers == ("partner", "weight", "")
    assert table.rows == ((4, ("A", 1.0, None)), (5, ("B", None, None)), (6, (None, None, "orphan")))


def test_only_known_sheets_with_lower_case_names(tmp_path: Path) -> None:
    book = {" OPTIONS ": [["option"], ["o1"]], "Notes": [["x"]], "README": [["y"]]}
    assert set(read_tables(write_xlsxwriter(tmp_path / "plan.xlsx", book))) == {"options"}
    folder = write_csv_folder(tmp_path / "plan", {"OPTIONS": [["option"], ["o1"]], "other": [["x"]]})
    (folder / "partners.txt").write_text("partner\nA\n")
    assert set(read_tables(folder)) == {"options"}


def test_dates_and_times_become_iso_text(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("settings")
    sheet.write_row(0, 0, ["key", "value", "when", "at"])
    sheet.write_string(1, 0, "start")
    sheet.write_boolean(1, 1, True)
    sheet.write_datetime(1, 2, datetime.date(2026, 3, 1), workbook.add_format({"num_format": "yyyy-mm-dd"}))
    sheet.write_datetime(
        1, 3, datetime.datetime(2026, 3, 1, 8, 15), workbook.add_format({"num_format": "hh:mm"})
    )
    workbook.close()

    assert read_tables(path)["settings"].rows == ((2, ("start", True, "2026-03-01", "2026-03-01T08:15:00")),)


def test_empty_sheet_gives_an_empty_table(tmp_path: Path) -> None:
    table = read_tables(write_xlsxwriter(tmp_path / "plan.xlsx", {"partners": []}))["partners"]
    assert table == RawTable(str(tmp_path / "plan.xlsx"), "partners", (), ())


def test_header_must_be_row_1(tmp_path: Path) -> None:
    path = write_xlsxwriter(tmp_path / "plan.xlsx", {"partners": [[], ["partner"], ["A"]]})
    problem = input_error(path).problems[0]
    assert (problem.sheet, problem.row) == ("partners", 1)
    assert "headers in row 1" in problem.expected


# ---------------------------------------------------------------- formulas


def test_xlsxwriter_and_openpyxl_ask_for_full_recalculation(tmp_path: Path) -> None:
    """The assumption behind fullCalcOnLoad: both libraries set it, and xlsxwriter caches a fake 0."""
    x = tmp_path / "x.xlsx"
    workbook = xlsxwriter.Workbook(x)
    workbook.add_worksheet("partners").write_formula("A1", "=1+1")
    workbook.close()
    o = tmp_path / "o.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "=1+1"
    book.save(o)

    for path in (x, o):
        with zipfile.ZipFile(path) as archive:
            assert b'fullCalcOnLoad="1"' in archive.read("xl/workbook.xml")
    with zipfile.ZipFile(x) as archive:
        assert b"<f>1+1</f><v>0</v>" in archive.read("xl/worksheets/sheet1.xml")


def test_xlsxwriter_formula_is_located(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Partners")
    sheet.write_row(0, 0, ["partner", "weight", "cost_factor"])
    sheet.write_row(1, 0, ["A", 1, 1])
    sheet.write_string(3, 0, "B")
    sheet.write_formula(3, 1, "=B2*2")
    sheet.write_formula(3, 2, "=C2", None, 7)  # even with a value given, the cache is not trustworthy
    workbook.close()

    problems = input_error(path).problems
    assert [(p.file, p.sheet, p.row, p.column) for p in problems] == [
        (str(path), "partners", 4, "weight"),
        (str(path), "partners", 4, "cost_factor"),
    ]
    assert problems[0].expected == sheets.FORMULA_EXPECTED
    assert "open and save the workbook" in str(problems[0])


def test_openpyxl_formula_is_located(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "README"
    sheet = book.create_sheet("domains")
    for row in (["domain", "name", "weight"], ["C2", "Command", 1], ["LOG", "Logistics", "=C2/2"]):
        sheet.append(row)
    book.save(path)

    (problem,) = input_error(path).problems
    assert (problem.sheet, problem.row, problem.column) == ("domains", 3, "weight")
    assert problem.file == str(path)
    assert "expected a value, not a formula" in str(problem)


def test_formula_with_saved_result_reads_normally(tmp_path: Path) -> None:
    path = handmade_xlsx(
        tmp_path / "plan.xlsx",
        HEADER_ROW
        + '<row r="2"><c r="A2" t="inlineStr"><is><t>A</t></is></c><c r="B2"><f>1+2</f><v>3</v></c>'
        '<c r="C2" t="str"><f>"note"</f><v>note</v></c></row>'
        # An empty result saved by Excel, e.g. a formula filled down the template's empty rows.
        '<row r="3"><c r="A3" t="str"><f>IF(1,"","x")</f><v></v></c></row>',
        calc_pr='<calcPr calcId="191029"/>',
    )
    assert read_tables(path)["partners"].rows == ((2, ("A", 3.0, "note")),)


@pytest.mark.parametrize("flag", ['fullCalcOnLoad="1"', "fullCalcOnLoad='true'"])
def test_full_calc_on_load_distrusts_every_saved_result(tmp_path: Path, flag: str) -> None:
    rows = '<row r="2"><c r="A2" t="inlineStr"><is><t>A</t></is></c><c r="B2"><f>1+2</f><v>3</v></c></row>'
    path = handmade_xlsx(tmp_path / "plan.xlsx", HEADER_ROW + rows, calc_pr=f"<calcPr calcId='1' {flag}/>")
    (problem,) = input_error(path).problems
    assert (problem.row, problem.column, problem.expected) == (2, "weight", sheets.FORMULA_EXPECTED)


def test_formula_without_saved_result_in_a_workbook_without_full_calc(tmp_path: Path) -> None:
    rows = (
        '<row r="5"><c r="A5" t="inlineStr"><is><t>A</t></is></c><c r="B5"><f>1+2</f><v></v></c>'
        '<c r="C5"><f>1+2</f></c></row>'  # a notes column: never read, so never reported
        '<row r="6"><c r="A6"><f t="shared" ref="A6:A7" si="0">"X"</f></c>'
        '<c r="B6"><f>1+2</f><v>3</v></c></row>'
    )
    problems = input_error(handmade_xlsx(tmp_path / "plan.xlsx", HEADER_ROW + rows)).problems
    assert [(p.row, p.column) for p in problems] == [(5, "weight"), (6, "partner")]


def test_formula_found_with_namespace_prefix_and_implicit_positions(tmp_path: Path) -> None:
    rows = (
        '<x:row r="1"><x:c t="inlineStr"><x:is><x:t>partner</x:t></x:is></x:c>'
        '<x:c t="inlineStr"><x:is><x:t>weight</x:t></x:is></x:c></x:row>'
        '<x:row><x:c t="inlineStr"><x:is><x:t>A</x:t></x:is></x:c><x:c><x:f>1+1</x:f></x:c></x:row>'
    )
    (problem,) = input_error(handmade_xlsx(tmp_path / "plan.xlsx", rows, prefix="x")).problems
    assert (problem.row, problem.column) == (2, "weight")


def test_error_value_is_reported_not_read_as_blank(tmp_path: Path) -> None:
    rows = (
        '<row r="2"><c r="A2" t="inlineStr"><is><t>A</t></is></c>'
        '<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
    )
    (problem,) = input_error(handmade_xlsx(tmp_path / "plan.xlsx", HEADER_ROW + rows)).problems
    assert (problem.row, problem.column, problem.value) == (2, "weight", "#DIV/0!")


# ---------------------------------------------------------------- refused files


def test_missing_path(tmp_path: Path) -> None:
    assert "no such file or folder" in one_line_error(tmp_path / "nope.xlsx")


def test_folder_without_known_csv(tmp_path: Path) -> None:
    write_csv_folder(tmp_path / "plan", {"other": [["x"]]})
    assert "partners.csv" in one_line_error(tmp_path / "plan")


@pytest.mark.parametrize("name", ["plan.xls", "plan.ods", "plan.xlsm", "plan"])
def test_other_extensions(tmp_path: Path, name: str) -> None:
    path = write_xlsxwriter(tmp_path / "plan.xlsx", SCENARIO).rename(tmp_path / name)
    assert "expected an .xlsx workbook or a folder of CSV files" in one_line_error(path)


def test_single_csv_file(tmp_path: Path) -> None:
    path = tmp_path / "partners.csv"
    path.write_text("partner\nA\n")
    assert "folder" in one_line_error(path)


@pytest.mark.parametrize(
    ("content", "cause"),
    [
        (b"partner,weight\nA,1\n", "CSV"),
        (b"<!DOCTYPE html><html><body><table><tr><td>partner</td></tr></table></body></html>", "HTML"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "old .xls"),
        (bytes(range(256)) * 8, "not a zip"),
    ],
)
def test_not_a_workbook(tmp_path: Path, no_calamine: None, content: bytes, cause: str) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(content)
    assert cause in one_line_error(path)


def test_truncated_download(tmp_path: Path) -> None:
    whole = write_xlsxwriter(tmp_path / "whole.xlsx", SCENARIO).read_bytes()
    path = tmp_path / "plan.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert "a truncated download?" in one_line_error(path)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "no workbook part" in one_line_error(path)


def test_damaged_sheet_xml_is_one_line(tmp_path: Path) -> None:
    path = handmade_xlsx(tmp_path / "plan.xlsx", '<row r="1"><c r="A1" t="inlineStr"><is><t>partner</row>')
    assert "expected a readable .xlsx workbook" in one_line_error(path)


def test_zip_bomb_refused_before_parsing(tmp_path: Path, no_calamine: None) -> None:
    path = tmp_path / "plan.xlsx"
    chunk = b"<c>" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for _ in range(100):  # 300 MB unpacked, about 1.3 MB on disk
                part.write(chunk)
    message = one_line_error(path)
    assert "314,572,811 bytes" in message
    assert f"limit of {sheets.MAX_UNPACKED_BYTES:,}" in message


def test_compression_ratio_refused_before_parsing(
    tmp_path: Path, no_calamine: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheets, "RATIO_CHECK_FROM_BYTES", 100_000)
    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<c/>" * 250_000)  # 1 MB of almost nothing
    message = one_line_error(path)
    assert "ratio of" in message
    assert "limit of 100:1" in message


def test_too_many_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheets, "MAX_ROWS_PER_SHEET", 5)
    book = {"partners": [["partner"]] + [[f"P{i}"] for i in range(9)]}
    path = write_xlsxwriter(tmp_path / "plan.xlsx", book)
    (problem,) = input_error(path).problems
    assert (problem.file, problem.sheet) == (str(path), "partners")
    assert "10 rows, more than the limit of 5 rows" in problem.expected
    folder = write_csv_folder(tmp_path / "plan", book)
    (problem,) = input_error(folder).problems
    assert (problem.file, problem.sheet) == (str(folder / "partners.csv"), "partners")
    assert "more rows than the limit of 5 rows" in problem.expected


@pytest.mark.parametrize(
    ("row", "said"),
    [
        (4999, "5,000 rows x 16,384 columns, more than the limit of 20,000,000 cells"),
        (1048575, "1,048,576 rows"),
    ],
)
def test_stray_cell_far_away_refused_before_parsing(
    tmp_path: Path, no_calamine: None, row: int, said: str
) -> None:
    """calamine stores the area densely: a 5 KB file with one cell at XFD5000 took it 1 GB."""
    path = tmp_path / "plan.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("partners")
    sheet.write_string(0, 0, "partner")
    sheet.write_string(row, 16383, "x")  # column XFD
    workbook.close()
    one_line_error(path)
    (problem,) = input_error(path).problems
    assert (problem.file, problem.sheet) == (str(path), "partners")
    assert said in problem.expected


def test_csv_too_big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheets, "MAX_CSV_BYTES", 10)
    folder = write_csv_folder(tmp_path / "plan", {"partners": [["partner"], ["ALD"], ["BRN"]]})
    message = str(input_error(folder))
    assert message.startswith(str(folder / "partners.csv"))
    size = (folder / "partners.csv").stat().st_size
    assert f"{size} bytes, more than the limit of 10" in message


def test_csv_not_utf8(tmp_path: Path) -> None:
    folder = tmp_path / "plan"
    folder.mkdir()
    (folder / "partners.csv").write_bytes("partner,name\nA,Fran\u00e7ais\n".encode("cp1252"))
    message = str(input_error(folder))
    assert message.startswith(str(folder / "partners.csv"))
    assert "UTF-8" in message
    assert "0xE7 on line 2" in message


@pytest.mark.parametrize(("separator", "said"), [(";", "';'"), ("\t", "a tab")])
def test_csv_with_other_separator(tmp_path: Path, separator: str, said: str) -> None:
    folder = tmp_path / "plan"
    folder.mkdir()
    (folder / "partners.csv").write_text(f"partner{separator}weight\nA{separator}1,5\n")
    (problem,) = input_error(folder).problems
    assert (problem.file, problem.sheet, problem.row) == (str(folder / "partners.csv"), "partners", 1)
    assert f"one column holding {said}" in problem.expected


def test_same_csv_sheet_twice(tmp_path: Path) -> None:
    folder = write_csv_folder(tmp_path / "plan", {"partners": [["partner"]], "Partners": [["partner"]]})
    message = str(input_error(folder))
    assert "Partners.csv" in message
    assert "partners.csv" in message
    assert "\n" not in message


@pytest.mark.parametrize("twin", [b"PARTNERS", b" partners", b"partners"])
def test_same_sheet_twice_in_workbook(tmp_path: Path, twin: bytes) -> None:
    src = write_xlsxwriter(tmp_path / "src.xlsx", {"partners": [["partner"]], "other": [["partner"]]})
    path = rewrite_zip(src, tmp_path / "plan.xlsx", {"xl/workbook.xml": lambda b: b.replace(b"other", twin)})
    message = one_line_error(path)
    assert f"found 'partners' and '{twin.decode()}': keep only one" in message


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1 or ''};" * 10}">' for i in range(1, 10))
    + "]>"
)


def test_billion_laughs_refused(tmp_path: Path, no_calamine: None) -> None:
    src = write_xlsxwriter(tmp_path / "src.xlsx", {"partners": [["partner"], ["A"]]})

    def laugh(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[1].replace(b"<t>A</t>", b"<t>&lol9;</t>")
        return BILLION_LAUGHS.encode() + body

    path = rewrite_zip(src, tmp_path / "plan.xlsx", {"xl/sharedStrings.xml": laugh})
    message = one_line_error(path)
    assert "xl/sharedStrings.xml declares a DTD" in message


def test_external_entity_refused(tmp_path: Path, no_calamine: None) -> None:
    doctype = f'<!DOCTYPE w [<!ENTITY xxe SYSTEM "file://{os.devnull}">]>'
    rows = HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    path = handmade_xlsx(tmp_path / "plan.xlsx", rows)
    path = rewrite_zip(
        path,
        tmp_path / "xxe.xlsx",
        {"xl/worksheets/sheet1.xml": lambda b: b.replace(b"?>", b"?>" + doctype.encode(), 1)},
    )
    assert "entity" in one_line_error(path)


def test_calamine_refuses_entities_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past our DTD check (patched out), calamine's own refusal still ends in one line."""
    monkeypatch.setattr(sheets, "_refuse_dtds", lambda file, archive: None)
    src = write_xlsxwriter(tmp_path / "src.xlsx", {"partners": [["partner"], ["A"]]})
    path = rewrite_zip(
        src,
        tmp_path / "plan.xlsx",
        {
            "xl/sharedStrings.xml": lambda b: (
                BILLION_LAUGHS.encode() + b.split(b"?>", 1)[1].replace(b">A<", b">&lol9;<")
            )
        },
    )
    assert "expected a readable .xlsx workbook" in one_line_error(path)
