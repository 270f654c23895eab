"""Writing report tables, the same way for a plan and for every study.

Three rules hold for every written report (see shared/workbook.md):

- It never replaces an input: an output path that resolves to an input
  workbook or folder, to a file inside an input folder, or to a folder inside
  an input folder is refused with `OutputError` before anything is written.
- It appears whole or not at all. A file is written to a temporary file in
  the same folder, flushed to disk, then renamed over the target
  (`os.replace`). A new CSV folder is written as a temporary sibling folder
  and renamed into place. An existing CSV folder is updated file by file:
  the files are first all written into a temporary folder inside it, then
  each is renamed over its old copy, so a failure while writing leaves the
  previous report untouched (only a failing rename, after every file has
  been written, could leave a mix). Other files in that folder are left
  alone. Temporary files are removed on any error.
- User text stays text: the workbook writes every string with `write_string`
  (never a formula, number or link), and in CSV every text cell starting
  with `=`, `+`, `-`, `@`, tab or carriage return gets an apostrophe prefix.
  Numbers are numbers in both.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import xlsxwriter.exceptions

from ..errors import OutputError, without_bidi
from ..io import atomic
from .records import NUMBER_FORMATS, CellKind, cell_value

OutputKind = Literal["xlsx", "json", "csv"]
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
_FILE_SUFFIXES_REFUSED_AS_FOLDER = (".csv", ".xls", ".xlsm")
_CSV_LIVE_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class SheetTable:
    """One table of a report: its sheet (or CSV file) name, typed headers and plain rows."""

    name: str
    headers: list[tuple[str, CellKind]]
    rows: list[list[Any]]

    def cells(self) -> Iterator[list[tuple[Any, CellKind]]]:
        """Each row as (value, kind) pairs, as `write_csv` takes them."""
        kinds = [k for _, k in self.headers]
        for row in self.rows:
            yield list(zip(row, kinds, strict=True))

    def index(self, header: str) -> int:
        """The column number of `header`."""
        return [h for h, _ in self.headers].index(header)

    def cell_range(self, header: str) -> list[Any]:
        """The cells of column `header` below the header, as an xlsxwriter chart range."""
        j = self.index(header)
        return [self.name, 1, j, len(self.rows), j]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip([h for h, _ in self.headers], row, strict=True)) for row in self.rows]


# --------------------------------------------------------------------------- the output guard


def output_kind(output: Path) -> OutputKind:
    """xlsx or json by the name's suffix; any other name is a folder of CSV files."""
    suffix = output.suffix.lower()
    if suffix == ".xlsx":
        return "xlsx"
    if suffix == ".json":
        return "json"
    if suffix in _FILE_SUFFIXES_REFUSED_AS_FOLDER:
        raise OutputError(
            f"Cannot write a report to '{output}': use a name ending in .xlsx or .json for one file, "
            f"or a folder name (without {suffix}) for a folder of CSV files."
        )
    return "csv"


def check_output(
    output: str | os.PathLike[str],
    inputs: Iterable[str | os.PathLike[str]],
    file_names: Sequence[str] = (),
    *,
    folder: bool | None = None,
    what: str = "report",
) -> Path:
    """Refuse, before any work, a report path that could not be written: an input, a file inside an
    input folder, a .csv/.xls name, a folder given for a file or a file for a folder. Returns the target.

    folder: whether the output is a folder of the CSV files `file_names` (None: by its name, see
    `output_kind`); what: the report as the messages name it.
    """
    inputs = list(inputs)
    shown = os.fspath(output)
    target = Path(os.path.realpath(output))
    atomic.check_not_input([target], inputs, shown)
    check_folder(Path(output), shown, what)
    if folder is None:
        folder = output_kind(Path(output)) == "csv"
    if folder:
        atomic.check_not_input([target / name for name in file_names], inputs, shown)
        if target.exists() and not target.is_dir():
            raise OutputError(f"Cannot write CSV files into '{shown}': it is a file, not a folder.")
    elif target.is_dir():
        raise OutputError(f"Cannot write the {what} to '{shown}': it is a folder.")
    return target


def check_folder(output: Path, shown: str, what: str) -> None:
    """The nearest folder that exists on the way to `output` must be one we may write in: found
    before a long study, not after it (a path under a file said only "File exists.")."""
    existing = next(p for p in [output.parent, *output.parent.parents] if os.path.lexists(p))
    if not existing.is_dir():
        raise OutputError(f"Cannot write the {what} to '{shown}': '{existing}' is a file, not a folder.")
    if output.is_dir():
        existing = output  # a folder of CSV files written into
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"Cannot write the {what} to '{shown}': the folder '{existing}' is not writable.")


@contextlib.contextmanager
def refused_writes(shown: str, what: str = "report") -> Iterator[None]:
    """A file system refusal as one OutputError naming the path."""
    try:
        yield
    except (OSError, xlsxwriter.exceptions.FileCreateError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise OutputError(f"Could not write the {what} to '{shown}': {reason}.") from exc


def write_output(
    output: str | os.PathLike[str],
    inputs: Iterable[str | os.PathLike[str]],
    *,
    workbook: Callable[[Path], None],
    data: Callable[[], dict[str, Any]],
    tables: Callable[[], Iterable[tuple[str, Sequence[str], Iterable[Sequence[tuple[Any, CellKind]]]]]],
    file_names: Sequence[str],
) -> Path:
    """Write a report to `output`: `.xlsx` by `workbook(path)`, `.json` the dict `data()`, anything
    else a folder of the CSV files `tables()` gives (file name, headers, rows of (value, kind)).

    `file_names` are the CSV files, checked against the inputs before anything is written.
    Parent folders are created; returns the resolved path written.
    """
    target = check_output(output, inputs, file_names)
    kind = output_kind(Path(output))
    with refused_writes(os.fspath(output)):
        target.parent.mkdir(parents=True, exist_ok=True)
        if kind == "xlsx":
            atomic.write_file_atomically(target, workbook)
        elif kind == "json":
            atomic.write_file_atomically(target, lambda path: write_json(path, data()))
        else:
            atomic.write_folder_atomically(target, lambda folder: _write_csv_files(folder, tables()))
    return target


# --------------------------------------------------------------------------- JSON and CSV


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Plain JSON values only (no NaN), UTF-8 kept readable."""
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, allow_nan=False, ensure_ascii=False)
        handle.write("\n")


def csv_cell(value: Any, kind: CellKind = "text") -> str:
    """The CSV text of one cell: live-looking text defused with "'", numbers as they are."""
    value = cell_value(value, kind)
    if value is None:
        return ""
    if isinstance(value, str):
        value = without_bidi(value)  # a spreadsheet would obey a U+202E and show the cell reversed
        return "'" + value if value.startswith(_CSV_LIVE_START) else value
    return repr(value) if isinstance(value, float) else str(value)


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[tuple[Any, CellKind]]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([csv_cell(v, k) for v, k in row])
        handle.flush()
        os.fsync(handle.fileno())


def _write_csv_files(
    folder: Path, tables: Iterable[tuple[str, Sequence[str], Iterable[Sequence[tuple[Any, CellKind]]]]]
) -> None:
    for file_name, headers, rows in tables:
        write_csv(folder / file_name, headers, rows)


# --------------------------------------------------------------------------- workbook sheets


def excel_money_format(currency: str, base: str = "#,##0.00") -> str:
    """An Excel number format that shows the currency label after the number.

    The label is quoted literal text; a '"' in it is written as \" between
    quoted parts, control characters are dropped and long labels cut to 40
    characters.
    """
    label = money_label(currency)
    if not label:
        return base
    return base + ' "' + label.replace('"', '"\\""') + '"'


def money_label(currency: str) -> str:
    """The currency as a workbook shows it: printable characters only, at most 40."""
    return "".join(ch for ch in str(currency) if ch.isprintable()).strip()[:40]


def sheet_formats(wb: Any, currency: str, **number_formats: str) -> dict[str, Any]:
    """The header format, one number format per cell kind (money in `currency`), and the money label;
    `number_formats` overrides a kind's format."""
    formats: dict[str, Any] = {"header": wb.add_format({"bold": True, "bottom": 1})}
    chosen = dict(NUMBER_FORMATS, money=excel_money_format(currency)) | number_formats
    formats.update({k: wb.add_format({"num_format": f}) for k, f in chosen.items()})
    formats["money_label"] = money_label(currency)
    return formats


def display_width(value: Any, kind: CellKind) -> int:
    if value is None:
        return 0
    if kind in ("text", "int") or isinstance(value, str):
        return len(str(value))
    decimals = {"money": 2, "units": 2, "score": 1, "price": 4, "seconds": 2, "ratio": 2}[kind]
    return len(f"{value:,.{decimals}f}")


def _column_width(column: list[Any], kind: CellKind) -> int:
    """The widest cell of a column as shown: numbers are widest at their extremes, so only
    those two are formatted (6,000-row tables otherwise spend more here than in writing)."""
    texts = [len(v) for v in column if isinstance(v, str)]
    numbers = [v for v in column if v is not None and not isinstance(v, str)]
    ends = [display_width(v, kind) for v in (min(numbers), max(numbers))] if numbers else []
    return max([0, *texts, *ends])


def write_cell(ws: Any, row: int, col: int, value: Any, kind: CellKind, formats: dict[str, Any]) -> None:
    if value is None:
        return
    if isinstance(value, str):
        ws.write_string(row, col, value)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value)
    else:
        ws.write_number(row, col, value, formats.get(kind))


def write_rows(
    wb: Any,
    formats: dict[str, Any],
    name: str,
    headers: list[tuple[str, CellKind]],
    rows: list[list[Any]],
    money_label: str = "",
) -> Any:
    """One sheet of plain rows: bold frozen header, autofilter, widths, number formats."""
    ws = wb.add_worksheet(name)
    extra = len(money_label) + 1 if money_label else 0
    for j, (header, kind) in enumerate(headers):
        ws.write_string(0, j, header, formats["header"])
        column = [values[j] for values in rows]
        for i, value in enumerate(column, start=1):
            write_cell(ws, i, j, value, kind, formats)
        width = _column_width(column, kind)
        width += extra if kind == "money" and width else 0
        ws.set_column(j, j, min(max(width, len(header), 6), 60) + 2)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    return ws
