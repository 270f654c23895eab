"""Reports of a `Solution`: JSON, a report workbook, a folder of CSV files, terminal text.

Three rules hold for every written report (see shared/workbook.md):

- It never replaces an input: an output path that resolves to an input
  workbook or folder, to a file inside an input folder, or to a folder inside
  an input folder is refused with `OutputError` before anything is written.
- It appears whole or not at all. A file is written to a temporary file in
  the same folder, flushed to disk, then renamed over the target
  (`os.replace`). A new CSV folder is written as a temporary sibling folder
  and renamed into place. An existing CSV folder is updated file by file:
  the five files are first all written into a temporary folder inside it,
  then each is renamed over its old copy, so a failure while writing leaves
  the previous report untouched (only a failing rename, after every file has
  been written, could leave a mix). Other files in that folder are left
  alone. Temporary files are removed on any error.
- User text stays text: the workbook writes every string with `write_string`
  (never a formula, number or link), and in CSV every text cell starting
  with `=`, `+`, `-`, `@`, tab or carriage return gets an apostrophe prefix.
  Numbers are numbers in both.

Money is in the scenario's currency label (`settings.currency`), scores on
the 0..score_cap scale.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import secrets
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import xlsxwriter
import xlsxwriter.exceptions

from . import schema
from .errors import OutputError
from .results import Solution

CellKind = Literal["text", "int", "money", "score", "units", "price", "seconds", "ratio"]


@dataclass(frozen=True)
class _Col:
    """One report column: its header and how its values are written."""

    name: str
    kind: CellKind


_ALLOCATION = (
    _Col("option", "text"),
    _Col("partner", "text"),
    _Col("period", "int"),
    _Col("units", "units"),
    _Col("cost", "money"),
)
_READINESS = (
    _Col("partner", "text"),
    _Col("domain", "text"),
    _Col("period", "int"),
    _Col("baseline", "score"),
    _Col("score", "score"),
    _Col("level", "int"),
    _Col("level_name", "text"),
)
_BUDGET_USE = (
    _Col("kind", "text"),
    _Col("period", "int"),
    _Col("name", "text"),
    _Col("limit", "money"),
    _Col("spend", "money"),
    _Col("slack", "money"),
    _Col("shadow_price", "price"),
)
_SHORTFALLS = (
    _Col("partner", "text"),
    _Col("domain", "text"),
    _Col("period", "int"),
    _Col("min_score", "score"),
    _Col("reached", "score"),
    _Col("shortfall", "score"),
    _Col("row", "int"),
)
_SUMMARY = (_Col("key", "text"), _Col("value", "text"))

CSV_FILES = ("summary.csv", "allocation.csv", "readiness.csv", "budget_use.csv", "shortfalls.csv")
_FILE_SUFFIXES_REFUSED_AS_FOLDER = (".csv", ".xls", ".xlsm")
_CSV_LIVE_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_FORMATS = {
    "int": "0",
    "money": "#,##0.00",
    "score": "0.0",
    "units": "#,##0.00",
    "price": "0.0000",
    "seconds": "0.00",
    "ratio": "0.00",
}


# --------------------------------------------------------------------------- values


def _plain(value: Any) -> Any:
    """A JSON-ready Python value: numpy scalars unwrapped, NaN/inf/NA as None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, str):
        return str(value)
    with contextlib.suppress(TypeError, ValueError):
        if pd.isna(value):
            return None
    return str(value)


def _cell(value: Any, kind: CellKind) -> Any:
    """A plain value of the column's kind (whole numbers in int columns become int)."""
    value = _plain(value)
    if value is None:
        return None
    if kind == "text":
        return value if isinstance(value, str) else str(value)
    if kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, float) and value == 0.0:
        return 0.0  # no -0.0
    return value


def _level_name(level: Any) -> str | None:
    level = _plain(level)
    if isinstance(level, (int, float)) and 0 <= int(level) < len(schema.LEVEL_NAMES):
        return schema.LEVEL_NAMES[int(level)]
    return None


def _records(table: pd.DataFrame, columns: tuple[_Col, ...]) -> list[dict[str, Any]]:
    """Rows of `table` as plain dicts over `columns` (a missing column reads as None)."""
    if table is None or len(table) == 0:
        return []
    stored = [c for c in columns if c.name != "level_name"]
    frame = table.reindex(columns=[c.name for c in stored])
    rows = []
    for values in frame.itertuples(index=False, name=None):
        row = {c.name: _cell(v, c.kind) for c, v in zip(stored, values, strict=True)}
        if len(stored) < len(columns):
            row["level_name"] = _level_name(row.get("level"))
            row = {c.name: row[c.name] for c in columns}
        rows.append(row)
    return rows


def _tables(solution: Solution) -> dict[str, tuple[tuple[_Col, ...], list[dict[str, Any]]]]:
    """Every tabular part of the report: name -> (columns, records)."""
    return {
        "allocation": (_ALLOCATION, _records(solution.allocation, _ALLOCATION)),
        "readiness": (_READINESS, _records(solution.readiness, _READINESS)),
        "budget_use": (_BUDGET_USE, _records(solution.budget_use, _BUDGET_USE)),
        "shortfalls": (_SHORTFALLS, _records(solution.shortfalls, _SHORTFALLS)),
    }


def _spend(solution: Solution) -> tuple[float | None, list[float | None]]:
    """Total spend and spend per period, or None where there is no plan."""
    periods = list(solution.scenario.periods)
    if not solution.has_plan:
        return None, [None] * len(periods)
    if len(solution.allocation) == 0:
        return 0.0, [0.0] * len(periods)
    return _cell(solution.spend, "money"), [_cell(x, "money") for x in solution.spend_by_period]


def _status_text(solution: Solution) -> str:
    """One sentence on what the status means for the planner."""
    if solution.status == "optimal":
        return "best score found, then the least money spent reaching it"
    if solution.status == "infeasible":
        return "the budgets cannot reach every target; no plan"
    if solution.status == "time_limit":
        if solution.has_plan:
            return "stopped at the time limit: best plan found, not proven optimal"
        return "stopped at the time limit: no plan was found"
    return "the solver failed; no plan"


# --------------------------------------------------------------------------- JSON


def to_json(solution: Solution) -> dict[str, Any]:
    """The whole result as a JSON-ready dict (plain Python values, None for missing numbers).

    Keys: status, outcome (a sentence), score (Z*, None without a plan),
    baseline_score, score_cap, spend and spend_by_period (None without a
    plan), budget (period totals), currency, allocation, readiness (with
    level_name), budget_use, shortfalls (records), solver, seconds, message,
    source.
    """
    scenario = solution.scenario
    spend, spend_by_period = _spend(solution)
    tables = _tables(solution)
    return {
        "status": str(solution.status),
        "outcome": _status_text(solution),
        "score": _cell(solution.score, "score"),
        "baseline_score": _cell(solution.baseline_score, "score"),
        "score_cap": _cell(scenario.settings.score_cap, "score"),
        "spend": spend,
        "spend_by_period": spend_by_period,
        "budget": [_cell(b.total, "money") for b in scenario.budgets],
        "currency": scenario.settings.currency,
        "allocation": tables["allocation"][1],
        "readiness": tables["readiness"][1],
        "budget_use": tables["budget_use"][1],
        "shortfalls": tables["shortfalls"][1],
        "solver": str(solution.solver),
        "seconds": _cell(solution.seconds, "seconds"),
        "message": str(solution.message or ""),
        "source": str(scenario.source or ""),
    }


# --------------------------------------------------------------------------- summary rows


def _summary_rows(solution: Solution) -> list[tuple[str, Any, CellKind]]:
    """The key/value rows of the summary sheet and summary.csv."""
    settings = solution.scenario.settings
    spend, _ = _spend(solution)
    return [
        ("status", solution.status, "text"),
        ("outcome", _status_text(solution), "text"),
        ("score_before", _cell(solution.baseline_score, "score"), "score"),
        ("score_after", _cell(solution.score, "score"), "score"),
        ("score_cap", _cell(settings.score_cap, "score"), "score"),
        ("spend", spend, "money"),
        ("budget", _cell(sum(b.total for b in solution.scenario.budgets), "money"), "money"),
        ("currency", settings.currency, "text"),
        ("solver", solution.solver, "text"),
        ("seconds", _cell(solution.seconds, "seconds"), "seconds"),
        ("message", solution.message or "", "text"),
        ("scenario", solution.scenario.source or "", "text"),
        ("score_periods", settings.score_periods, "text"),
        ("weakest_link", _cell(settings.weakest_link, "ratio"), "ratio"),
        ("level_thresholds", ", ".join(f"{x:g}" for x in settings.level_thresholds), "text"),
    ]


# --------------------------------------------------------------------------- workbook


def _display_width(value: Any, kind: CellKind) -> int:
    if value is None:
        return 0
    if kind == "text" or isinstance(value, str):
        return len(str(value))
    if kind == "int":
        return len(str(value))
    decimals = {"money": 2, "units": 2, "score": 1, "price": 4, "seconds": 2, "ratio": 2}[kind]
    return len(f"{value:,.{decimals}f}")


def _write_cell(ws: Any, row: int, col: int, value: Any, kind: CellKind, formats: dict[str, Any]) -> None:
    if value is None:
        return
    if isinstance(value, str):
        ws.write_string(row, col, value)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value)
    else:
        ws.write_number(row, col, value, formats.get(kind))


def _write_table(
    wb: Any, formats: dict[str, Any], name: str, columns: tuple[_Col, ...], rows: list[dict[str, Any]]
) -> None:
    """One sheet: bold frozen header, autofilter, widths, number formats, strings as strings."""
    ws = wb.add_worksheet(name)
    widths = [len(c.name) for c in columns]
    for j, c in enumerate(columns):
        ws.write_string(0, j, c.name, formats["header"])
    for i, record in enumerate(rows, start=1):
        for j, c in enumerate(columns):
            value = record.get(c.name)
            _write_cell(ws, i, j, value, c.kind, formats)
            widths[j] = max(widths[j], _display_width(value, c.kind))
    for j, width in enumerate(widths):
        ws.set_column(j, j, min(max(width, 6), 60) + 2)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)


def _write_summary_sheet(wb: Any, formats: dict[str, Any], solution: Solution) -> None:
    ws = wb.add_worksheet("summary")
    ws.write_string(0, 0, "key", formats["header"])
    ws.write_string(0, 1, "value", formats["header"])
    rows = _summary_rows(solution)
    width = 10
    for i, (key, value, kind) in enumerate(rows, start=1):
        ws.write_string(i, 0, key)
        _write_cell(ws, i, 1, value, kind, formats)
        width = max(width, _display_width(value, kind))
    ws.set_column(0, 0, max(len(k) for k, _, _ in rows) + 2)
    ws.set_column(1, 1, min(width, 80) + 2)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(rows), 1)


def _write_workbook(solution: Solution, path: Path) -> None:
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with xlsxwriter.Workbook(str(path), options) as wb:
        formats = {"header": wb.add_format({"bold": True})}
        formats.update({k: wb.add_format({"num_format": f}) for k, f in _NUMBER_FORMATS.items()})
        _write_summary_sheet(wb, formats, solution)
        tables = _tables(solution)
        for name in ("allocation", "readiness", "budget_use"):
            _write_table(wb, formats, name, *tables[name])
        if solution.status == "infeasible" or tables["shortfalls"][1]:
            _write_table(wb, formats, "shortfalls", *tables["shortfalls"])


# --------------------------------------------------------------------------- CSV


def csv_cell(value: Any, kind: CellKind = "text") -> str:
    """The CSV text of one cell: live-looking text defused with "'", numbers as they are."""
    value = _cell(value, kind)
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(_CSV_LIVE_START) else value
    return repr(value) if isinstance(value, float) else str(value)


def _write_csv(path: Path, columns: tuple[_Col, ...], rows: Iterable[list[tuple[Any, CellKind]]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.name for c in columns])
        for row in rows:
            writer.writerow([csv_cell(v, k) for v, k in row])
        handle.flush()
        os.fsync(handle.fileno())


def _csv_contents(
    solution: Solution,
) -> Iterator[tuple[str, tuple[_Col, ...], list[list[tuple[Any, CellKind]]]]]:
    yield "summary.csv", _SUMMARY, [[(k, "text"), (v, kind)] for k, v, kind in _summary_rows(solution)]
    for name, (columns, records) in _tables(solution).items():
        yield f"{name}.csv", columns, [[(r.get(c.name), c.kind) for c in columns] for r in records]


def _write_csv_files(solution: Solution, folder: Path) -> None:
    for file_name, columns, rows in _csv_contents(solution):
        _write_csv(folder / file_name, columns, rows)


# --------------------------------------------------------------------------- atomic writing


def _temporary(directory: Path, name: str, *, folder: bool = False) -> Path:
    """Create a new hidden temporary file or folder in `directory` and return its path.

    Like tempfile.mkstemp/mkdtemp (exclusive create, random name), but with
    the ordinary permissions the umask gives, since the file becomes the report.
    """
    for _ in range(100):
        candidate = directory / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            if folder:
                os.mkdir(candidate, 0o777)
            else:
                os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return candidate
    raise OutputError(f"Could not create a temporary file in '{directory}'.")


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _write_file_atomically(target: Path, write: Callable[[Path], None]) -> None:
    temporary = _temporary(target.parent, target.name)
    try:
        write(temporary)
        _fsync(temporary)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def _write_folder_atomically(solution: Solution, target: Path) -> None:
    if target.exists():
        # Existing folder: stage all files inside it (same file system), then
        # replace each old file; the folder's other files are left alone.
        staging = _temporary(target, "report", folder=True)
        try:
            _write_csv_files(solution, staging)
            for file_name in CSV_FILES:
                os.replace(staging / file_name, target / file_name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return
    staging = _temporary(target.parent, target.name, folder=True)
    try:
        _write_csv_files(solution, staging)
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


# --------------------------------------------------------------------------- input guard


def _is_within(path: str, folder: str) -> bool:
    with contextlib.suppress(ValueError):
        return os.path.commonpath([path, folder]) == folder
    return False


def _check_not_input(targets: list[Path], inputs: list[str | os.PathLike[str]], shown: str) -> None:
    """Refuse when any path to be written is an input or lies inside an input folder."""
    for given in inputs:
        real_input = os.path.realpath(given)
        input_is_folder = os.path.isdir(real_input)
        for target in targets:
            real_target = os.path.realpath(target)
            same = real_target == real_input
            if not same and os.path.exists(real_target) and os.path.exists(real_input):
                with contextlib.suppress(OSError):
                    same = os.path.samefile(real_target, real_input)
            if same:
                raise OutputError(
                    f"Refusing to write the report to '{shown}': it would overwrite the input "
                    f"'{os.fspath(given)}'. Choose another output path."
                )
            if input_is_folder and _is_within(real_target, real_input):
                raise OutputError(
                    f"Refusing to write the report to '{shown}': it is inside the input folder "
                    f"'{os.fspath(given)}'. Choose an output path outside it."
                )


def _kind_of(output: Path) -> Literal["xlsx", "json", "csv"]:
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


def write_report(
    solution: Solution,
    output: str | os.PathLike[str],
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write the report to `output` and return the (resolved) path written.

    `.xlsx`: the report workbook; `.json`: `to_json` as a file; anything else:
    a folder with summary.csv, allocation.csv, readiness.csv, budget_use.csv
    and shortfalls.csv (always all five, shortfalls.csv possibly header only,
    so no stale file of an earlier run survives). Parent folders are created.
    Raises OutputError when `output` is or lies in one of `inputs`, or when
    the file system refuses the write.
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    inputs = list(inputs)
    shown = os.fspath(output)
    target = Path(os.path.realpath(output))
    _check_not_input([target], inputs, shown)
    kind = _kind_of(Path(output))
    if kind == "csv":
        _check_not_input([target / f for f in CSV_FILES], inputs, shown)
    if kind == "csv":
        if target.exists() and not target.is_dir():
            raise OutputError(f"Cannot write CSV files into '{shown}': it is a file, not a folder.")
    elif target.is_dir():
        raise OutputError(f"Cannot write the report to '{shown}': it is a folder.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if kind == "xlsx":
            _write_file_atomically(target, lambda path: _write_workbook(solution, path))
        elif kind == "json":
            _write_file_atomically(target, lambda path: _write_json(solution, path))
        else:
            _write_folder_atomically(solution, target)
    except (OSError, xlsxwriter.exceptions.FileCreateError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise OutputError(f"Could not write the report to '{shown}': {reason}.") from exc
    return target


def _write_json(solution: Solution, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(to_json(solution), handle, indent=2, allow_nan=False, ensure_ascii=False)
        handle.write("\n")


# --------------------------------------------------------------------------- terminal text


def _clean(text: Any) -> str:
    """User text safe for a terminal: control characters shown escaped, never obeyed."""
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(text)
    )


def _one(x: float) -> str:
    return f"{x + 0.0:.1f}" if round(x, 1) != 0 else "0.0"


def _units(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") or "0"


def _money(x: float, currency: str) -> str:
    return f"{_one(x)} {_clean(currency)}".rstrip()


def summary(solution: Solution) -> str:
    """A short plain-text account of the result for the terminal."""
    scenario = solution.scenario
    settings = scenario.settings
    currency = settings.currency
    cap = f"{settings.score_cap:g}"
    lines = [f"Status: {solution.status} ({_status_text(solution)})"]
    if solution.has_plan:
        lines.append(f"Score: {_one(solution.baseline_score)} -> {_one(solution.score)} (out of {cap})")
    else:
        lines.append(f"Score today: {_one(solution.baseline_score)} (out of {cap}); no plan")
    if solution.message:
        lines.append(f"Solver says: {_clean(solution.message)}")

    if solution.status == "infeasible" or (not solution.has_plan and len(solution.shortfalls)):
        lines.extend(_shortfall_lines(solution))
    if solution.has_plan:
        lines.extend(_spend_lines(solution, currency))
        lines.extend(_level_lines(solution))
        lines.extend(_top_option_lines(solution, currency))
    lines.append(f"Solver: {_clean(solution.solver)}, {solution.seconds:.2f} s")
    return "\n".join(lines)


def _shortfall_lines(solution: Solution) -> list[str]:
    records = _records(solution.shortfalls, _SHORTFALLS)
    if not records:
        return ["Unmet targets: none could be named."]
    lines = ["Unmet targets:"]
    for r in sorted(records, key=lambda r: -(r["shortfall"] or 0.0)):
        text = (
            f"  {_clean(r['partner'])} in {_clean(r['domain'])} by period {r['period']}: "
            f"needs {_one(r['min_score'] or 0.0)}, reaches {_one(r['reached'] or 0.0)} at best "
            f"(short {_one(r['shortfall'] or 0.0)})"
        )
        if r["row"] is not None:
            text += f" — targets row {r['row']}"
        lines.append(text)
    return lines


def _spend_lines(solution: Solution, currency: str) -> list[str]:
    spend, by_period = _spend(solution)
    budgets = [b.total for b in solution.scenario.budgets]
    lines = [f"Spend: {_one(spend or 0.0)} of {_money(sum(budgets), currency)}"]
    for t, (used, total) in enumerate(zip(by_period, budgets, strict=True), start=1):
        lines.append(f"  period {t}: {_one(used or 0.0)} of {_money(total, currency)}")
    return lines


def _level_lines(solution: Solution) -> list[str]:
    final = solution.scenario.horizon
    records = [r for r in _records(solution.readiness, _READINESS) if r["period"] == final]
    if not records:
        return []
    lines = [f"Levels in period {final}:"]
    for domain in solution.scenario.domains:
        counts = [0] * len(schema.LEVEL_NAMES)
        for r in records:
            if r["domain"] == domain.id and r["level"] is not None:
                counts[min(max(r["level"], 0), len(counts) - 1)] += 1
        parts = [f"{n} {name}" for n, name in zip(counts, schema.LEVEL_NAMES, strict=True) if n]
        lines.append(f"  {_clean(domain.id)}: {', '.join(parts) if parts else 'no partner'}")
    return lines


def _top_option_lines(solution: Solution, currency: str, top: int = 5) -> list[str]:
    allocation = solution.allocation
    if len(allocation) == 0:
        return ["Options funded: none"]
    by_option = allocation.groupby("option", sort=False)[["units", "cost"]].sum()
    ranked = sorted(by_option.itertuples(name=None), key=lambda r: (-float(r[2]), str(r[0])))
    lines = [f"Top options by cost ({min(top, len(ranked))} of {len(ranked)}):"]
    for option, units, cost in ranked[:top]:
        noun = "unit" if _units(float(units)) == "1" else "units"
        lines.append(f"  {_clean(option)}: {_units(float(units))} {noun}, {_money(float(cost), currency)}")
    return lines


__all__ = ["CSV_FILES", "csv_cell", "summary", "to_json", "write_report"]
