"""Read a scenario workbook (.xlsx) or a folder of CSV files into raw tables.

Nothing is converted or validated here (the validator does that): the job is to hand over
each cell as the user typed it, located by the row number the spreadsheet shows, and to
refuse a hostile or broken file with one line naming it, before a library can hang, eat
memory, answer with its own exception or silently read a formula's missing result as blank.
"""

from __future__ import annotations

import csv
import datetime
import html
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from python_calamine import CalamineWorkbook

from optimizer.errors import InputError, Problem
from optimizer.io.schema import SHEETS, is_ignored_header

Cell = str | float | int | bool | None  # None = blank

# Limits: a workbook is a zip, and neither calamine nor openpyxl bounds decompression.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # sum of the sizes the zip directory declares
MAX_COMPRESSION_RATIO = 100  # unpacked / file size, checked once the total is ...
RATIO_CHECK_FROM_BYTES = 10 * 1024 * 1024  # ... above this (small workbooks compress well)
MAX_ROWS_PER_SHEET = 1_000_000  # spreadsheet rows, header and blank rows included
MAX_CELLS_PER_SHEET = 20_000_000  # rows x columns: one stray cell at XFD1048576 is 17e9
MAX_CSV_BYTES = MAX_UNPACKED_BYTES

KNOWN_SHEETS = frozenset(s.name for s in SHEETS)
FORMULA_EXPECTED = (
    "expected a value, not a formula without a saved result: open and save the workbook in Excel "
    "or LibreOffice, or paste values"
)


@dataclass(frozen=True)
class RawTable:
    """One sheet as typed: text headers of row 1 and the non-blank rows below, numbered."""

    file: str  # the workbook path, or the CSV file's path, as given (for messages)
    sheet: str  # canonical lower-case sheet name, e.g. 'partners'
    headers: tuple[str, ...]  # row 1, stripped, '' for blank
    rows: tuple[tuple[int, tuple[Cell, ...]], ...]  # (spreadsheet row number, cells)


def read_tables(path: str | os.PathLike[str], wanted: frozenset[str] = KNOWN_SHEETS) -> dict[str, RawTable]:
    """The `wanted` sheets of a .xlsx workbook or CSV folder, by lower-case sheet name.

    Raises InputError for anything that cannot be read as given.
    """
    file = os.fspath(path)
    if not os.path.exists(file):
        raise _error(file, "no such file or folder")
    if os.path.isdir(file):
        return _read_csv_folder(file, wanted)
    suffix = os.path.splitext(file)[1].lower()
    if suffix == ".csv":
        raise _error(file, "expected the folder holding partners.csv, domains.csv, ..., not one CSV file")
    if suffix != ".xlsx":
        raise _error(
            file,
            f"expected an .xlsx workbook or a folder of CSV files, not a '{suffix or 'no extension'}' file",
        )
    if not os.path.isfile(file):
        raise _error(file, "expected a regular file")
    return _read_xlsx(file, wanted)


def read_sheet(path: str | os.PathLike[str], sheet: str) -> RawTable:
    """One table: a single CSV file, `sheet`.csv in a folder, or the sheet of that name in a workbook."""
    file = os.fspath(path)
    if os.path.isfile(file) and os.path.splitext(file)[1].lower() == ".csv":
        return _read_csv(file, sheet)
    tables = read_tables(file, frozenset({sheet}))
    if sheet not in tables:
        raise _error(file, f"expected a sheet named '{sheet}'")
    return tables[sheet]


def _error(
    file: str, expected: str, sheet: str | None = None, row: int | None = None, value: object = None
) -> InputError:
    """A one-problem InputError, for input that cannot be read any further."""
    return InputError([Problem(file, expected, sheet=sheet, row=row, value=value)])


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] or type(exc).__name__


# ---------------------------------------------------------------- tables (CSV and xlsx alike)


def _table(file: str, sheet: str, records: Iterable[tuple[int, list[Cell]]]) -> RawTable:
    """Headers from row 1, and every non-blank row below it padded to the headers' width.

    The width runs to the last column holding any value, so a value under a blank header
    reaches the validator instead of being dropped.
    """
    filled = [(n, cells) for n, cells in records if any(c is not None for c in cells)]
    if not filled:
        return RawTable(file, sheet, (), ())
    if filled[0][0] != 1:
        raise _error(file, "expected the column headers in row 1, found it blank", sheet=sheet, row=1)
    width = max(max(i for i, c in enumerate(cells) if c is not None) + 1 for _, cells in filled)
    padded = [(n, tuple(cells[:width]) + (None,) * (width - len(cells))) for n, cells in filled]
    headers = tuple(_header_text(c) for c in padded[0][1])
    return RawTable(file, sheet, headers, tuple(padded[1:]))


def _header_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


# ---------------------------------------------------------------- CSV folder


def _read_csv_folder(folder: str, wanted: frozenset[str]) -> dict[str, RawTable]:
    """One CSV file per known sheet, file names matched case-insensitively."""
    try:
        entries = sorted(os.listdir(folder))
    except OSError as exc:
        raise _error(folder, f"cannot list the folder ({_one_line(exc)})") from None
    found: dict[str, str] = {}
    for entry in entries:
        stem, ext = os.path.splitext(entry)
        sheet = stem.strip().lower()
        if ext.lower() != ".csv" or sheet not in wanted:
            continue
        if sheet in found:
            raise _error(
                os.path.join(folder, entry),
                f"expected one file per sheet, but '{found[sheet]}' is sheet '{sheet}' too: keep only one",
            )
        found[sheet] = entry
    if not found:
        names = ", ".join(f"{s}.csv" for s in sorted(wanted))
        raise _error(folder, f"expected a folder holding the CSV files {names}; found none of them")
    return {sheet: _read_csv(os.path.join(folder, entry), sheet) for sheet, entry in found.items()}


def _read_csv(file: str, sheet: str) -> RawTable:
    """Every cell stays text ('007' and 'NA' included); rows are records, as a spreadsheet shows."""
    if not os.path.isfile(file):
        raise _error(file, "expected a regular file")
    size = os.path.getsize(file)
    if size > MAX_CSV_BYTES:
        raise _error(
            file, f"the file has {size:,} bytes, more than the limit of {MAX_CSV_BYTES:,} for a CSV file"
        )
    records: list[tuple[int, list[Cell]]] = []
    try:
        with open(file, encoding="utf-8-sig", newline="") as handle:
            for number, record in enumerate(csv.reader(handle), start=1):
                if number > MAX_ROWS_PER_SHEET:
                    raise _too_many_rows(file, sheet)
                records.append((number, [_text_cell(c) for c in record]))
    except UnicodeDecodeError:
        raise _error(file, f"expected UTF-8 text: {_decode_failure(file)}; save it as 'CSV UTF-8'") from None
    except csv.Error as exc:
        raise _error(
            file, f"expected well-formed CSV ({_one_line(exc)})", sheet=sheet, row=len(records) + 1
        ) from None
    except OSError as exc:
        raise _error(file, f"cannot be read ({_one_line(exc)})") from None
    table = _table(file, sheet, records)
    named = [h for h in table.headers if h]
    if len(named) == 1:  # data rows may have more columns: '1,5' is a decimal comma
        separator = next((s for s in ";\t" if s in named[0]), None)
        if separator is not None:
            name = "';'" if separator == ";" else "a tab"
            raise _error(
                file,
                f"expected comma-separated values, but the header is one column holding {name}: "
                "save it as 'CSV UTF-8 (comma delimited)'",
                sheet=sheet,
                row=1,
                value=named[0],
            )
    return table


def _decode_failure(file: str) -> str:
    """Where the first non-UTF-8 byte is, for the message (the file is small: size checked)."""
    with open(file, "rb") as handle:
        data = handle.read()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return f"byte 0x{data[exc.start]:02X} on line {line} is not UTF-8"
    return "the file changed while being read"


def _text_cell(text: str) -> Cell:
    text = text.strip()
    return text or None


def _too_many_rows(file: str, sheet: str, rows: int | None = None) -> InputError:
    found = f"{rows:,} rows, more than" if rows is not None else "more rows than"
    return _error(file, f"the sheet has {found} the limit of {MAX_ROWS_PER_SHEET:,} rows", sheet=sheet)


# ---------------------------------------------------------------- xlsx workbook


def _read_xlsx(file: str, wanted_sheets: frozenset[str]) -> dict[str, RawTable]:
    """Check the zip and scan each sheet's XML before calamine parses anything, then read the
    values with calamine and report the cells whose value it would read wrongly."""
    if not zipfile.is_zipfile(file):
        raise _error(file, f"expected an .xlsx workbook, but {_sniff(file)}")
    tables: dict[str, RawTable] = {}
    problems: list[Problem] = []
    try:
        with zipfile.ZipFile(file) as archive:
            _check_unpacked_size(file, archive)
            _refuse_dtds(file, archive)
            parts, full_calc = _sheet_parts(file, archive)
            wanted = _known_sheets(file, parts, wanted_sheets)
            suspects: dict[str, list[Suspect]] = {}
            for key, (_, part) in wanted.items():
                if part is None:
                    raise _error(file, "cannot find this sheet's XML (a damaged workbook?)", sheet=key)
                suspects[key] = _scan_sheet(file, key, archive.read(part), full_calc)
        # Only now, with every size known to be sane, may calamine parse anything.
        book = _calamine(file, lambda: CalamineWorkbook.from_path(file))
        for key, (name, _) in wanted.items():
            tables[key] = _read_sheet(file, book, name, key)
            problems += _suspect_problems(tables[key], suspects[key])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, RuntimeError, EOFError, ValueError) as exc:
        # RuntimeError: an encrypted member; NotImplementedError (one too): an unknown compression.
        raise _error(file, f"expected a readable .xlsx workbook ({_one_line(exc)})") from None
    except OSError as exc:
        raise _error(file, f"cannot be read ({_one_line(exc)})") from None
    if problems:
        raise InputError(problems)
    return tables


def _sniff(file: str) -> str:
    """What a file that is not a zip seems to be, so the user knows what went wrong."""
    with open(file, "rb") as handle:
        head = handle.read(512)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "it is an old .xls workbook or a password-protected one: save it as .xlsx without password"
    if head.startswith(b"PK"):
        return "it is a damaged zip (a truncated download?)"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table")):
        return "it is an HTML or XML export: open it in Excel and save it as .xlsx"
    if b"\x00" not in head and (b"," in head or b";" in head):
        return "it looks like CSV text: put CSV files in a folder and give the folder"
    return "it is not a zip file (damaged or not a workbook)"


def _check_unpacked_size(file: str, archive: zipfile.ZipFile) -> None:
    """Refuse zip bombs from the directory alone, before anything is decompressed."""
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_UNPACKED_BYTES:
        raise _error(
            file,
            f"its zip directory says it unpacks to {total:,} bytes, more than the limit of "
            f"{MAX_UNPACKED_BYTES:,}: refused as a possible zip bomb",
        )
    packed = max(os.path.getsize(file), 1)
    if total > RATIO_CHECK_FROM_BYTES and total / packed > MAX_COMPRESSION_RATIO:
        raise _error(
            file,
            f"its zip directory says it unpacks {packed:,} bytes to {total:,}, a ratio of "
            f"{total / packed:,.0f}:1, more than the limit of {MAX_COMPRESSION_RATIO}:1: "
            "refused as a possible zip bomb",
        )


_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")


def _refuse_dtds(file: str, archive: zipfile.ZipFile) -> None:
    """OOXML parts never declare a DTD; one that does is an entity trick (billion laughs, XXE).

    A DTD can only come before the root element, so the start of each part is enough.
    """
    for info in archive.infolist():
        if info.filename.lower().endswith((".xml", ".rels")):
            with archive.open(info) as part:
                head = part.read(65536)
            if _DTD.search(head):
                raise _error(
                    file,
                    f"{info.filename} declares a DTD or entities, which no workbook does: "
                    "refused as an XML entity attack",
                )


_ATTR = re.compile(rb"""(?<![\w.:-])([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SHEET_TAG = re.compile(rb"<(?:[\w.-]+:)?sheet\b([^<>]*)>")
_REL_TAG = re.compile(rb"<(?:[\w.-]+:)?Relationship\b([^<>]*)>")
_FULL_CALC = re.compile(rb"""<(?:[\w.-]+:)?calcPr\b[^<>]*\bfullCalcOnLoad\s*=\s*["'](?:1|true)["']""")


def _attrs(text: bytes) -> dict[str, str]:
    """Attributes of one tag by local name (r:id -> id), entities such as &amp; decoded."""
    found = {}
    for m in _ATTR.finditer(text):
        name = m[1].decode("ascii", "replace").rpartition(":")[2]
        found[name] = html.unescape((m[2] if m[2] is not None else m[3]).decode("utf-8", "replace"))
    return found


def _sheet_parts(file: str, archive: zipfile.ZipFile) -> tuple[list[tuple[str, str | None]], bool]:
    """(sheet name, zip member of its XML or None if missing), and whether the workbook asks for a
    full recalculation on opening.

    Through _rels/.rels, the workbook part and its relationships, as OOXML defines them.
    Regex over bytes (already bounded by the size check) rather than an XML parser.
    """
    members = {name.lower(): name for name in archive.namelist()}

    def read(part: str) -> bytes | None:
        name = members.get(part.lower())
        return archive.read(name) if name is not None else None

    def resolve(base: str, target: str) -> str:
        target = unquote(target)
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))

    workbook = "xl/workbook.xml"
    for tag in _REL_TAG.findall(read("_rels/.rels") or b""):
        rel = _attrs(tag)
        if rel.get("Type", "").endswith("/officeDocument"):
            workbook = resolve("", rel.get("Target", ""))
    workbook_xml = read(workbook)
    if workbook_xml is None:
        raise _error(file, f"expected an .xlsx workbook, but the zip holds no workbook part ({workbook})")
    rels_part = posixpath.join(posixpath.dirname(workbook), "_rels", posixpath.basename(workbook) + ".rels")
    targets = {}
    for tag in _REL_TAG.findall(read(rels_part) or b""):
        rel = _attrs(tag)
        targets[rel.get("Id")] = resolve(workbook, rel.get("Target", ""))
    parts = []
    for tag in _SHEET_TAG.findall(workbook_xml):
        sheet = _attrs(tag)
        if "name" in sheet:
            parts.append((sheet["name"], members.get(targets.get(sheet.get("id"), "").lower())))
    return parts, _FULL_CALC.search(workbook_xml) is not None


def _calamine[T](file: str, call: Callable[[], T]) -> T:
    """Run a calamine call; any failure of the Rust reader becomes one line naming the file."""
    try:
        return call()
    except BaseException as exc:
        # CalamineError and its kin, or pyo3's PanicException, which is a BaseException.
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        raise _error(file, f"expected a readable .xlsx workbook ({_one_line(exc)})") from None


def _known_sheets(
    file: str, parts: list[tuple[str, str | None]], known: frozenset[str]
) -> dict[str, tuple[str, str | None]]:
    """Canonical name -> (the workbook's own name, its XML part), for the sheets asked for."""
    wanted: dict[str, tuple[str, str | None]] = {}
    for name, part in parts:
        key = name.strip().lower()
        if key not in known:
            continue
        if key in wanted:
            first = wanted[key][0]
            raise _error(file, f"expected one sheet '{key}', found '{first}' and '{name}': keep only one")
        wanted[key] = (name, part)
    return wanted


def _read_sheet(file: str, book: CalamineWorkbook, name: str, key: str) -> RawTable:
    sheet = _calamine(file, lambda: book.get_sheet_by_name(name))
    # skip_empty_area=False starts at A1, so list index + 1 is the spreadsheet's row number.
    values = _calamine(file, lambda: sheet.to_python(skip_empty_area=False))
    return _table(file, key, ((i, [_xlsx_cell(v) for v in row]) for i, row in enumerate(values, start=1)))


def _xlsx_cell(value: object) -> Cell:
    """Numbers stay as calamine gives them; dates and times become ISO text."""
    if isinstance(value, str):
        return _text_cell(value)
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime.date | datetime.time):  # datetime is a date
        return value.isoformat()
    return str(value)  # timedelta (a duration format), or anything a later calamine adds


# A <row> start tag, or a whole <c> cell (self-closed or with its body), any namespace prefix.
# Every pattern here stops at the next '<' (never valid inside a tag or a text) and the body
# may not hold another <c, with possessive runs: hostile bytes cannot make a scan quadratic.
_ROW_OR_CELL = re.compile(
    rb"<(?P<p>(?:[\w.-]+:)?)(?:row\b(?P<row>[^<>]*)>"
    rb"|c\b(?P<cell>[^<>]*?)(?:/>|>(?P<body>[^<]*+(?:<(?!/?(?P=p)c\b)[^<]*+)*+)</(?P=p)c>))"
)
_R_ATTR = re.compile(rb"""\sr\s*=\s*["']([^"']*)["']""")
_TYPE = re.compile(rb"""\st\s*=\s*["'](\w*)["']""")
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f\b")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v\b[^<>]*?(?:/>|>(?P<text>[^<]*)<)")
_MAYBE_SUSPECT = re.compile(rb"""<(?:[\w.-]+:)?f\b|\st\s*=\s*["']e["']""")
_CELL_REF = re.compile(rb"\s*([A-Za-z]{1,3})([0-9]{1,7})\s*")
_ROW_REF = re.compile(rb"\s*([0-9]{1,7})\s*")

Suspect = tuple[int, int, str, str | None]  # row number, 0-based column, expected, value found


def _scan_sheet(file: str, sheet: str, xml: bytes, full_calc: bool) -> list[Suspect]:
    """One pass over a sheet's XML before calamine sees it, for two things calamine gets wrong.

    Size: calamine stores a sheet densely, so one stray cell at XFD1048576 in a 5 KB file
    would ask it for 17e9 cells; the area is measured here and refused above the limits.
    Values: a formula without a trustworthy saved result (none saved, or fullCalcOnLoad, which
    openpyxl and xlsxwriter set because their cached values are fake: xlsxwriter saves 0) and
    an error value such as #DIV/0! both read as a plausible number or a blank.
    """
    check_values = _MAYBE_SUSPECT.search(xml) is not None
    rows = columns = 0
    suspects: list[Suspect] = []
    row, col = 0, -1
    for m in _ROW_OR_CELL.finditer(xml):
        if m["row"] is not None:  # rows and cells may leave out r="...": then they follow on
            number = _reference(file, sheet, m["row"], _ROW_REF)
            row, col = (int(number[0]) if number else row + 1), -1
            continue
        ref = _reference(file, sheet, m["cell"], _CELL_REF)
        col, row = (_column_index(ref[0].decode()), int(ref[1])) if ref else (col + 1, row)
        body = m["body"]
        if not body or body.isspace():
            continue  # no content: calamine leaves it out of the sheet's area
        rows, columns = max(rows, row), max(columns, col + 1)
        if check_values and (suspect := _suspect(m["cell"], body, full_calc)):
            suspects.append((row, col, *suspect))
    if rows > MAX_ROWS_PER_SHEET:
        raise _too_many_rows(file, sheet, rows)
    if rows * columns > MAX_CELLS_PER_SHEET:
        raise _error(
            file,
            f"the sheet spans {rows:,} rows x {columns:,} columns, more than the limit of "
            f"{MAX_CELLS_PER_SHEET:,} cells: delete stray cells far from the table",
            sheet=sheet,
        )
    return suspects


def _reference(file: str, sheet: str, attrs: bytes, form: re.Pattern[bytes]) -> tuple[bytes, ...] | None:
    """The parts of an r="B12" (or row r="12") attribute; None when there is none."""
    found = _R_ATTR.search(attrs)
    if found is None:
        return None
    ref = form.fullmatch(found[1])
    if ref is None:
        value = found[1][:20].decode("utf-8", "replace")
        raise _error(file, "expected cell positions like B12 in the sheet's XML", sheet=sheet, value=value)
    return ref.groups()


def _suspect(attrs: bytes, body: bytes, full_calc: bool) -> tuple[str, str | None] | None:
    """(expected, value found) if calamine would misread this cell, else None.

    A formula's saved result is a non-empty <v>, or an empty one in a text cell (t="str"):
    Excel and LibreOffice save a formula giving "" that way, for example one filled down a
    template's empty rows.
    """
    saved = _VALUE.search(body)
    text = (saved["text"] or b"").decode("utf-8", "replace").strip() if saved else ""
    kind = _TYPE.search(attrs)
    cell_type = kind[1] if kind else b"n"
    if _FORMULA.search(body) and (full_calc or not (text or (saved and cell_type == b"str"))):
        return FORMULA_EXPECTED, None
    if cell_type == b"e":
        return "expected a value, not a spreadsheet error", html.unescape(text)
    return None


def _suspect_problems(table: RawTable, suspects: list[Suspect]) -> list[Problem]:
    """One located problem per suspect cell, except in the user's own notes columns."""
    problems = []
    for row, col, expected, value in suspects:
        header = table.headers[col] if col < len(table.headers) else ""
        if is_ignored_header(header):
            continue  # the validator never reads it, so its value cannot mislead
        column = header if row > 1 and header else _column_letters(col)
        problems.append(Problem(table.file, expected, sheet=table.sheet, row=row, column=column, value=value))
    return problems


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
