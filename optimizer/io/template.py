"""Write scenario workbooks: a blank annotated template, or a whole Scenario.

Both draw their sheets and columns from `schema`, so what is written here is
exactly what the reader expects (see shared/workbook.md). A scenario goes to
an `.xlsx` workbook or, for any other path, to a folder of one CSV per sheet;
reading either back gives an equal Scenario (numbers in a workbook keep 16
significant digits, the most xlsxwriter writes; Excel itself keeps 15).

Identifiers and other text are always written as text, never as a number,
formula or link. A workbook appears whole or not at all: it is written to a
temporary file beside the target and renamed over it. A CSV folder is built
beside the target and swapped in by two renames (the old folder is moved
aside, then the new one into place), so the sheet files change together.
"""

from __future__ import annotations

import csv
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import OutputError
from ..io import atomic, schema
from ..scenario import Scenario, Settings, Target

Cell = str | int | float | None

XLSX_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "in_memory": True,  # no scratch files of xlsxwriter's own to leave behind
}
TEMPLATE_TYPE_COLUMNS = ("training", "standardization")
NOTES_HEADER = "notes"
TEXT_KINDS = ("id", "text", "id_list")
LUMP_COLUMNS = ("whole", "min_units", "setup_cost")  # written only for a scenario that uses them


@dataclass
class Table:
    """One sheet to write: its header, its rows, and a note for each header cell."""

    sheet: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # header -> comment on its cell
    text_columns: set[str] = field(default_factory=set)  # formatted as text for new entries


# --- the blank template -------------------------------------------------------


def write_template(path: str | os.PathLike) -> None:
    """Write a blank, annotated scenario workbook (.xlsx) to `path`.

    A README sheet comes first; then every sheet of the schema with its header
    row (each header cell carries its meaning as a comment) and blank data rows,
    so a planner fills it in and loads it as it is. The settings sheet lists
    every key with its default. `notes` columns are the planner's own and are
    never read.
    """
    tables = [_readme_table()]
    for sheet in schema.SHEETS:
        table = _blank_table(sheet)
        if sheet.name == "budgets":
            for type_name in TEMPLATE_TYPE_COLUMNS:
                _add_type_column(table, type_name, example=True)
        if sheet.name == "settings":
            table.rows = [[s.key, s.default or None, s.note] for s in schema.SETTINGS]
        table.header.append(NOTES_HEADER)
        table.notes[NOTES_HEADER] = "Your own remarks: this column is never read."
        tables.append(table)
    _atomic_write(Path(path), lambda tmp: _write_xlsx(tables, tmp))


def _blank_table(sheet: schema.Sheet) -> Table:
    return Table(
        sheet.name,
        [c.name for c in sheet.columns],
        notes={c.name: f"{'Required' if c.required else 'Optional'}. {c.note}" for c in sheet.columns},
        text_columns={c.name for c in sheet.columns if c.kind in TEXT_KINDS},
    )


def _add_type_column(table: Table, type_name: str, example: bool = False) -> None:
    table.header.append(type_name)
    note = f"Optional. Most that may be spent on options of type '{type_name}' in the period (blank: no cap)."
    if example:
        note += " Rename or delete this column to match the types on your options sheet."
    table.notes[type_name] = note


README_TEXT = (
    "Interoperability readiness scenario",
    "",
    "Fill in one row per item on each sheet below; the header row names the columns "
    "(hover over a header cell for its meaning). Blank optional cells take their default.",
    "Headers are matched case-insensitively. Columns named 'notes' or 'comment', or whose "
    "header starts with '#', are yours and are never read; so is this README sheet.",
    "Identifiers (partner, domain, option) are text and unique; every reference to one must exist.",
    "Budgets: add one column per option type (e.g. training) to cap what that type may spend "
    "in a period; a blank cell there means no cap.",
    "Targets: '*' in partner, domain or period means every partner, domain or period.",
    "Whole exercises: on the options sheet, 'whole' = yes funds whole units only, 'min_units' is a "
    "lot size (funded at all, at least that many units) and 'setup_cost' is money spent once in "
    "each period the option is held at all; the plan is then solved as a mixed-integer program "
    "that stops within the setting 'mip_gap' of the best possible score.",
    "The same scenario may be kept as a folder of CSV files instead, one per sheet, named "
    "after the sheet (partners.csv, domains.csv, ...), with the same columns.",
    "",
)


def _readme_table() -> Table:
    rows: list[list[Cell]] = [[line] for line in README_TEXT]
    rows.append(["sheet", "column", "required", "meaning"])
    for sheet in schema.SHEETS:
        required = "required sheet" if sheet.required else "optional sheet"
        rows.append([sheet.name, None, required, sheet.note])
        rows.extend([sheet.name, c.name, "yes" if c.required else "no", c.note] for c in sheet.columns)
    rows += [[], ["setting", "default", None, "meaning"]]
    rows.extend([s.key, s.default or None, None, s.note] for s in schema.SETTINGS)
    return Table("README", [], rows)


# --- a whole scenario -----------------------------------------------------------


def write_scenario(scenario: Scenario, path: str | os.PathLike) -> None:
    """Write `scenario` to an .xlsx workbook, or to a folder of CSV files.

    A path ending in `.xlsx` (any case) gets a workbook; any other path a
    folder with one UTF-8 CSV per sheet. An existing workbook is replaced
    whole; in an existing folder the sheet files are replaced together (a
    sheet file the scenario no longer has, such as targets.csv, is removed)
    and other files are kept.
    """
    target = Path(path)
    tables = scenario_tables(scenario)
    if target.suffix.lower() == ".xlsx":
        if target.is_dir():
            raise OutputError(f"{target}: is a folder, cannot write a workbook over it")
        _atomic_write(target, lambda tmp: _write_xlsx(tables, tmp))
    else:
        if target.exists() and not target.is_dir():
            raise OutputError(f"{target}: is a file; a CSV scenario is written to a folder")
        _write_csv_folder(tables, target)


def scenario_tables(scenario: Scenario) -> list[Table]:
    """The sheets of `scenario` as tables, in schema order.

    What only an integer plan reads (the options' whole, min_units and setup_cost columns, a
    default mip_gap) is written only for a scenario that uses it, as targets only if any.
    """
    records = {
        "partners": [
            {
                "partner": p.id,
                "name": p.name,
                "weight": p.weight,
                "cost_factor": p.cost_factor,
                "effectiveness": p.effectiveness,
                "max_spend": p.max_spend,
            }
            for p in scenario.partners
        ],
        "domains": [{"domain": d.id, "name": d.name, "weight": d.weight} for d in scenario.domains],
        "baseline": [
            {"partner": p, "domain": d, "score": score} for (p, d), score in _ordered_baseline(scenario)
        ],
        "options": [
            {
                "option": o.id,
                "type": o.type,
                "unit_cost": o.unit_cost,
                "name": o.name,
                "max_units": o.max_units,
                "lag": o.lag,
                "partners": None if o.partners is None else ", ".join(o.partners),
                "whole": "yes" if o.whole else None,
                "min_units": o.min_units or None,
                "setup_cost": o.setup_cost or None,
            }
            for o in scenario.options
        ],
        "effects": [
            {
                "option": e.option,
                "domain": e.domain,
                "gain": e.gain,
                "gain_low": e.gain_low,
                "gain_high": e.gain_high,
                "pair_gain": e.pair_gain or None,
                "pair_gain_low": e.pair_gain_low,
                "pair_gain_high": e.pair_gain_high,
            }
            for e in scenario.effects
        ],
        "budgets": [
            {"period": b.period, "budget": b.total, **dict(b.by_type.items())} for b in scenario.budgets
        ],
        "targets": list(_target_records(scenario)),
        "pairs": [
            {
                "partner_a": q.partner_a,
                "partner_b": q.partner_b,
                "domain": q.domain,
                "score": q.score,
                "weight": q.weight,
            }
            for q in scenario.pairs
        ],
        "settings": [
            {"key": s.key, "value": _setting_text(scenario, s.key)}
            for s in schema.SETTINGS
            if (s.key != "mip_gap" or scenario.integer or scenario.settings.mip_gap != Settings().mip_gap)
            and (s.key != "pair_weight" or scenario.settings.pair_weight is not None)
        ],
    }
    tables = []
    for sheet in schema.SHEETS:
        if sheet.name in ("targets", "pairs") and not records[sheet.name]:
            continue
        table = _blank_table(sheet)
        if sheet.name == "budgets":
            for type_name in _capped_types(scenario):
                _add_type_column(table, type_name)
        if sheet.name == "options" and not scenario.integer:
            table.header = [h for h in table.header if h not in LUMP_COLUMNS]
        if sheet.name == "effects":
            table.header = [h for h in table.header if h not in _unused_pair_gain_columns(scenario)]
        table.rows = [[_cell(r.get(h)) for h in table.header] for r in records[sheet.name]]
        tables.append(table)
    return tables


def _unused_pair_gain_columns(scenario: Scenario) -> set[str]:
    """The pair gain columns no effect of `scenario` sets: a scenario without pairs is written as before."""
    used = {
        column
        for e in scenario.effects
        for column, value in (
            ("pair_gain", e.pair_gain or None),
            ("pair_gain_low", e.pair_gain_low),
            ("pair_gain_high", e.pair_gain_high),
        )
        if value is not None
    }
    return {"pair_gain", "pair_gain_low", "pair_gain_high"} - used


def _ordered_baseline(scenario: Scenario) -> list[tuple[tuple[str, str], float]]:
    """Baseline pairs in partner order, then domain order (unknown ids last)."""
    partner_at = {p.id: i for i, p in enumerate(scenario.partners)}
    domain_at = {d.id: i for i, d in enumerate(scenario.domains)}
    last = len(partner_at) + len(domain_at)
    return sorted(
        scenario.baseline.items(),
        key=lambda item: (partner_at.get(item[0][0], last), domain_at.get(item[0][1], last)),
    )


def _capped_types(scenario: Scenario) -> list[str]:
    """Budget type columns: option types first, in their order, then any other capped type."""
    capped = dict.fromkeys(k for b in scenario.budgets for k in b.by_type)
    reserved = {c.name for c in schema.SHEETS_BY_NAME["budgets"].columns}
    for type_name in capped:
        if type_name.strip().lower() in reserved or schema.is_ignored_header(type_name):
            raise OutputError(f"option type {type_name!r} cannot be a budgets column header")
    return [k for k in scenario.option_types if k in capped] + [
        k for k in capped if k not in scenario.option_types
    ]


def _target_records(scenario: Scenario) -> Iterator[dict[str, Cell]]:
    """One row per target, except that targets expanded from one '*' row become that row again.

    Targets sharing a spreadsheet row number that cover every partner (domain,
    period) with one minimum are written back as '*', so a scenario read from
    a workbook is written as it was typed.
    """
    groups: dict[object, list[Target]] = {}
    for t in scenario.targets:
        groups.setdefault(t.row if t.row is not None else object(), []).append(t)
    every = (
        [p.id for p in scenario.partners],
        [d.id for d in scenario.domains],
        list(scenario.periods),
    )
    for group in groups.values():
        collapsed = _collapse(group, every)
        rows = [collapsed] if collapsed else [(t.partner, t.domain, t.period) for t in group]
        for partner, domain, period in rows:
            yield {"partner": partner, "domain": domain, "period": period, "min_score": group[0].min_score}


def _collapse(group: list[Target], every: tuple[list, list, list]) -> tuple[Cell, Cell, Cell] | None:
    """The one (partner, domain, period) row with '*' that expands to `group`, if there is one."""
    if len(group) < 2 or len({t.min_score for t in group}) > 1:
        return None
    found = [
        list(dict.fromkeys(t.partner for t in group)),
        list(dict.fromkeys(t.domain for t in group)),
        list(dict.fromkeys(t.period for t in group)),
    ]
    if len({(t.partner, t.domain, t.period) for t in group}) != math.prod(len(v) for v in found):
        return None  # duplicates or not a full product
    row: list[Cell] = []
    for values, all_values in zip(found, every, strict=True):
        if len(values) == 1:
            row.append(values[0])
        elif set(values) == set(all_values):
            row.append("*")
        else:
            return None
    return row[0], row[1], row[2]


def _setting_text(scenario: Scenario, key: str) -> str:
    """A setting as the text a planner would type: 0.3, 100, final, 25,50,75, USD M."""
    value = getattr(scenario.settings, key)
    if isinstance(value, tuple):
        return ",".join(_number_text(v) for v in value)
    if isinstance(value, int | float):
        return _number_text(value)
    return str(value)


def _cell(value: object) -> Cell:
    """Blank for None and empty text; numbers stay numbers, everything else is text."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise OutputError(f"cannot write {value!r}: expected a number or text")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise OutputError(f"cannot write {value!r}: expected a finite number")
        return value
    return str(value)


def _number_text(x: int | float) -> str:
    """Shortest text that reads back as the same number; whole numbers without '.0'."""
    if isinstance(x, int):
        return str(x)
    if x.is_integer() and abs(x) < 2**53:
        return str(int(x))
    return repr(x)


# --- writers --------------------------------------------------------------------


def _write_xlsx(tables: Iterable[Table], path: Path) -> None:
    with atomic.xlsx_workbook(path, XLSX_OPTIONS) as workbook:
        formats = {
            "bold": workbook.add_format({"bold": True}),
            "text": workbook.add_format({"num_format": "@"}),
            "title": workbook.add_format({"bold": True, "font_size": 14}),
        }
        for table in tables:
            sheet = workbook.add_worksheet(table.sheet)
            if table.header:
                _write_data_sheet(sheet, table, formats)
            else:
                _write_readme(sheet, table, formats)


def _write_data_sheet(sheet, table: Table, formats: dict) -> None:
    """Bold frozen header with a comment on each cell, then the rows: text as text, numbers as numbers."""
    sheet.write_row(0, 0, table.header, formats["bold"])
    sheet.freeze_panes(1, 0)
    for col, header in enumerate(table.header):
        fmt = formats["text"] if header in table.text_columns else None
        sheet.set_column(col, col, _width(table, col), fmt)
        if header in table.notes:
            sheet.write_comment(0, col, f"{header}: {table.notes[header]}", {"x_scale": 2, "y_scale": 1.5})
    for r, row in enumerate(table.rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            elif value is not None:
                sheet.write_number(r, c, value)


def _write_readme(sheet, table: Table, formats: dict) -> None:
    """Free text: a title, paragraphs, and the tables of sheets and settings with bold headings."""
    for col, width in enumerate((18, 18, 16, 100)):
        sheet.set_column(col, col, width)
    for r, row in enumerate(table.rows):
        fmt = formats["title"] if r == 0 else formats["bold"] if row[:1] in (["sheet"], ["setting"]) else None
        for c, value in enumerate(row):
            if value is not None:
                sheet.write_string(r, c, str(value), fmt)


def _width(table: Table, col: int) -> float:
    header = table.header[col]
    if header == NOTES_HEADER:
        return 60
    longest = max([len(header)] + [len(_csv_text(row[col])) for row in table.rows if col < len(row)])
    return min(max(longest + 2, 12), 60)


def _write_csv_folder(tables: list[Table], folder: Path) -> None:
    """Write the sheet files into a new folder beside `folder`, then swap it in."""
    folder = folder.absolute()
    folder.parent.mkdir(parents=True, exist_ok=True)
    fresh = atomic.temporary(folder.parent, folder.name, folder=True)
    try:
        for table in tables:
            with open(fresh / f"{table.sheet}.csv", "w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f, lineterminator="\n")
                writer.writerow(table.header)
                writer.writerows([_csv_text(v) for v in row] for row in table.rows)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    if not folder.exists():
        os.replace(fresh, folder)
        return
    # Swap the folders, then bring the planner's own files over from the old one.
    old_root = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".old", dir=folder.parent))
    aside = old_root / folder.name
    os.replace(folder, aside)
    try:
        os.replace(fresh, folder)
    except BaseException:
        os.replace(aside, folder)
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(old_root, ignore_errors=True)
        raise
    sheet_files = {f"{s.name}.csv" for s in schema.SHEETS}
    for entry in aside.iterdir():
        if entry.name.lower() not in sheet_files:
            os.replace(entry, folder / entry.name)
    shutil.rmtree(old_root)


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return _number_text(value)


def _atomic_write(target: Path, write: Callable[[Path], None]) -> None:
    """Run `write` on a temporary file beside `target`, then rename it over `target`."""
    target = target.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_file_atomically(target, write)
