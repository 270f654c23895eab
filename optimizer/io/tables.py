"""Raw sheets -> typed tables: headers matched, every cell typed, problems collected with where they are."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import BIDI_CONTROLS, Problem
from .schema import Column, Sheet, is_ignored_header
from .sheets import Cell, RawTable

EVERY = "*"


@dataclass
class Row:
    """One data row after typing: values by column name, None where blank."""

    number: int
    values: dict[str, object]


@dataclass
class Table:
    file: str
    sheet: str
    rows: list[Row] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # budgets: option-type columns, lower case


class Checker:
    """Collects problems; knows where each table came from."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(
        self,
        table: Table,
        expected: str,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.problems.append(Problem(table.file, expected, table.sheet, row, column, value))


# --- typing cells -------------------------------------------------------------------------


def as_text(cell: Cell) -> str | None:
    """Identifiers stay text: a whole number typed in a cell reads as its digits."""
    if cell is None:
        return None
    if isinstance(cell, bool):
        return str(cell).upper()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip() or None


def as_number(cell: Cell) -> float | None:
    """A finite number, or None if the cell does not hold one."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        value = float(cell)
    else:
        try:
            value = float(str(cell).replace("_", "x"))  # Python reads "1_000"; a spreadsheet does not
        except ValueError:
            return None
    return value if math.isfinite(value) else None


KIND_EXPECTED = {
    "id": "expected an identifier",
    "text": "expected text",
    "number": "expected a number",
    "integer": "expected a whole number",
    "id_list": "expected a comma-separated list of identifiers",
    "period": "expected a period number (1, 2, ...)",
    "yes_no": "expected yes or no (or true/false, 1/0)",
}
YES_NO = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


# a text Python reads as a number that is not finite: "expected a number, got 'inf'" left it unsaid why
_NOT_FINITE = {
    word: " (infinite values are not allowed)"
    for word in ("inf", "+inf", "-inf", "infinity", "+infinity", "-infinity")
}
_NOT_FINITE |= {word: " (NaN is not allowed)" for word in ("nan", "+nan", "-nan")}

MAX_ID_LENGTH = 255  # an id appears in comma lists, sheet cells (32,767 at most) and every report
LARGEST_NUMBER = 1e12  # beyond this the LP's coefficients leave the range a solver can trust


def typed(cell: Cell, column: Column, allow_every: bool) -> tuple[object, str | None]:
    """(value, None) for one non-blank cell of `column`, or (None, what was expected)."""
    text = as_text(cell)
    if allow_every and text == EVERY:
        return EVERY, None
    if column.kind == "id":
        if "," in str(text):
            return None, "expected an identifier without commas (options.partners separates ids by commas)"
        if len(str(text)) > MAX_ID_LENGTH:
            return None, f"expected an identifier of at most {MAX_ID_LENGTH} characters"
        if BIDI_CONTROLS.intersection(str(text)):  # reports show them escaped: the id would not read back
            return None, "expected an identifier without bidi controls (such as U+202E, which reverses text)"
        return text, None
    if column.kind == "text":
        return text, None
    if column.kind == "id_list":
        items = tuple(s.strip() for s in str(text).split(","))
        return tuple(s for s in items if s), None if all(items) else KIND_EXPECTED["id_list"]
    if column.kind == "yes_no":
        word = str(text).lower()
        return YES_NO.get(word), None if word in YES_NO else KIND_EXPECTED["yes_no"]
    number = as_number(cell)
    if number is None:
        return None, KIND_EXPECTED[column.kind] + _NOT_FINITE.get(str(text).strip().lower(), "")
    if abs(number) > LARGEST_NUMBER:
        return None, f"expected a number of at most {LARGEST_NUMBER:g} in size"
    if column.kind in ("integer", "period"):
        return (int(number), None) if number.is_integer() else (None, KIND_EXPECTED[column.kind])
    return number, None


def read_table(raw: RawTable, sheet: Sheet, extra_names: Iterable[str], check: Checker) -> Table:
    """Match headers, reject unknown ones with a suggestion, type every cell."""
    table = Table(raw.file, sheet.name)
    known = {c.name: c for c in sheet.columns}
    extra_names = list(extra_names)
    positions: dict[str, int] = {}
    for i, header in enumerate(raw.headers):
        name = header.strip().lower()
        if not name:
            if any(i < len(cells) and cells[i] is not None for _, cells in raw.rows):
                check.add(table, "expected a column name in row 1 above values", 1, f"#{i + 1}")
            continue
        if is_ignored_header(name):
            continue
        if name in positions:
            check.add(table, "expected each column once", 1, header, header)
            continue
        if name in known or (sheet.open_columns and name in extra_names):
            positions[name] = i
            if name not in known:
                table.extra.append(name)
            continue
        choices = list(known) + extra_names
        close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        allowed = ", ".join(choices)
        what = f"an {sheet.open_columns} or " if sheet.open_columns else ""
        check.add(
            table,
            f"expected a known column name{hint} (unknown column; {what}one of: {allowed}; "
            "notes columns may be named 'notes', 'comment' or start with '#')",
            1,
            header,
            header,
        )
    for column in sheet.columns:
        if column.required and column.name not in positions:
            check.add(table, f"expected a column named '{column.name}' (required, missing)", 1, column.name)
    allow_every = sheet.name in ("targets", "pairs")  # pairs: only its domain column
    for number, cells in raw.rows:
        values: dict[str, object] = {}
        for name, i in positions.items():
            column = known.get(name) or Column(name, "number", False, "")
            cell = cells[i] if i < len(cells) else None
            if cell is None:
                values[name] = None
                if column.required:
                    check.add(table, f"expected a value ({column.note})", number, name)
                continue
            value, expected = typed(
                cell, column, allow_every and column.name in ("partner", "domain", "period")
            )
            if expected is not None:
                check.add(table, expected, number, name, cell)
            values[name] = value
        table.rows.append(Row(number, values))
    return table


def default(row: Row, column: str, value: float) -> float:
    found = row.values.get(column)
    return value if found is None else found
