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
the 0..score_cap scale. The workbook carries that label in its number
formats, has native charts (spend by period, readiness by domain before and
after), level colours on the readiness sheet and a README sheet that
explains every sheet and column. The HTML report is in `html_report`.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import math
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import xlsxwriter
import xlsxwriter.exceptions
import xlsxwriter.utility

from . import atomic, results, schema
from .errors import InputError, OutputError, Problem
from .figures import domain_readiness, spend_table
from .results import Solution
from .scenario import Scenario

if TYPE_CHECKING:
    from .comparison import Comparison

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
BUDGET_USE_COLUMNS = (
    _Col("kind", "text"),
    _Col("period", "int"),
    _Col("name", "text"),
    _Col("limit", "money"),
    _Col("spend", "money"),
    _Col("slack", "money"),
    _Col("shadow_price", "price"),
)
SHORTFALL_REPORT_COLUMNS = (
    _Col("partner", "text"),
    _Col("domain", "text"),
    _Col("period", "int"),
    _Col("min_score", "score"),
    _Col("reached", "score"),
    _Col("shortfall", "score"),
    _Col("row", "int"),
)
_VIOLATIONS = (
    _Col("kind", "text"),
    _Col("option", "text"),
    _Col("type", "text"),
    _Col("partner", "text"),
    _Col("domain", "text"),
    _Col("period", "int"),
    _Col("limit", "money"),
    _Col("actual", "money"),
    _Col("excess", "money"),
)
_SUMMARY = (_Col("key", "text"), _Col("value", "text"))

CSV_FILES = ("summary.csv", "allocation.csv", "readiness.csv", "budget_use.csv", "shortfalls.csv")
_FILE_SUFFIXES_REFUSED_AS_FOLDER = (".csv", ".xls", ".xlsm")
_CSV_LIVE_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {
    "int": "0",
    "money": "#,##0.00",
    "score": "0.0",
    "units": "#,##0.00",
    "price": "0.0000",
    "seconds": "0.00",
    "ratio": "0.00",
}


# --------------------------------------------------------------------------- values


def plain(value: Any) -> Any:
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
    value = plain(value)
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
    level = plain(level)
    if isinstance(level, (int, float)) and 0 <= int(level) < len(schema.LEVEL_NAMES):
        return schema.LEVEL_NAMES[int(level)]
    return None


def table_records(table: pd.DataFrame, columns: tuple[_Col, ...]) -> list[dict[str, Any]]:
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
    tables = {
        "allocation": (_ALLOCATION, table_records(solution.allocation, _ALLOCATION)),
        "readiness": (_READINESS, table_records(solution.readiness, _READINESS)),
        "budget_use": (BUDGET_USE_COLUMNS, table_records(solution.budget_use, BUDGET_USE_COLUMNS)),
        "shortfalls": (
            SHORTFALL_REPORT_COLUMNS,
            table_records(solution.shortfalls, SHORTFALL_REPORT_COLUMNS),
        ),
    }
    if solution.status == "evaluated":
        tables["violations"] = (_VIOLATIONS, table_records(solution.violations, _VIOLATIONS))
    return tables


def _column_kind(name: str) -> CellKind:
    """How a comparison column is written, from its name."""
    if name.endswith("_cost") or name == "spend":
        return "money"
    if name.endswith("_units"):
        return "units"
    if name in ("score", "plan", "optimum", "same_money"):
        return "score"
    return "text"


def _comparison_tables(comparison: Comparison) -> dict[str, tuple[tuple[_Col, ...], list[dict[str, Any]]]]:
    """The side-by-side tables of a plan and the optima, named as their sheets and CSV files."""
    frames = {
        "compare": comparison.headline,
        "compare_domains": comparison.by_domain,
        "compare_partners": comparison.by_partner,
        "compare_options": comparison.options,
    }
    tables = {}
    for name, frame in frames.items():
        columns = tuple(
            _Col(c, "text" if c == "plan" and name == "compare" else _column_kind(c)) for c in frame
        )
        tables[name] = (columns, table_records(frame, columns))
    return tables


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """The comparison as JSON: both optima in full, the side-by-side tables, the option differences."""
    data: dict[str, Any] = {name: records for name, (_, records) in _comparison_tables(comparison).items()}
    data["optimum"] = to_json(comparison.optimum)
    data["same_money"] = to_json(comparison.same_money)
    data["only_in_optimum"] = comparison.only_in("optimum", "plan")
    data["only_in_plan"] = comparison.only_in("plan", "optimum")
    return data


def comparison_summary(comparison: Comparison) -> str:
    """The "same money, better plan" answer in a few lines."""
    currency = comparison.evaluation.scenario.settings.currency
    lines = ["Compared with the optimum:"]
    for row in comparison.headline.itertuples():
        score = "no plan" if pd.isna(row.score) else f"score {_one(row.score)}"
        spend = "" if pd.isna(row.spend) else f", spend {_money(row.spend, currency)}"
        label = {
            "plan": "your plan",
            "optimum": "optimum (scenario budgets)",
            "same_money": "optimum with the same money per period",
        }[row.plan]
        lines.append(f"  {label}: {score}{spend} ({row.status})")
    for title, names in (
        ("Funded by the optimum, not by your plan", comparison.only_in("optimum", "plan")),
        ("Funded by your plan, not by the optimum", comparison.only_in("plan", "optimum")),
    ):
        if names:
            lines.append(f"  {title}: {', '.join(clean_text(n) for n in names)}")
    return "\n".join(lines)


def plan_spend(solution: Solution) -> tuple[float | None, list[float | None]]:
    """Total spend and spend per period, or None where there is no plan."""
    periods = list(solution.scenario.periods)
    if not solution.has_plan:
        return None, [None] * len(periods)
    if len(solution.allocation) == 0:
        return 0.0, [0.0] * len(periods)
    return _cell(solution.spend, "money"), [_cell(x, "money") for x in solution.spend_by_period]


def status_text(solution: Solution) -> str:
    """One sentence on what the status means for the planner."""
    if solution.status == "optimal":
        return "best score found, then the least money spent reaching it"
    if solution.status == "infeasible":
        return "the budgets cannot reach every target; no plan"
    if solution.status == "time_limit":
        if solution.has_plan:
            return "stopped at the time limit: best plan found, not proven optimal"
        return "stopped at the time limit: no plan was found"
    if solution.status == "evaluated":
        broken = len(getattr(solution, "violations", ())) > 0
        return "a given plan, scored as it stands, not optimised" + (
            "; it breaks rules of the scenario" if broken else ""
        )
    return "the solver failed; no plan"


# --------------------------------------------------------------------------- input fingerprints


def _sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_fingerprints(inputs: Iterable[str | os.PathLike[str]]) -> list[dict[str, Any]]:
    """Name and SHA-256 of each input, so a report can be traced to the files it came from.

    A file: {"path", "kind": "file", "sha256", "files": []}. A folder:
    "files" lists each CSV file (name, sha256) sorted by name, and "sha256"
    is the SHA-256 of the lines "<sha256>  <name>\n" in that order, i.e. what
    `cd FOLDER && export LC_ALL=C && sha256sum *.csv | sha256sum` prints. An input that
    cannot be read is listed with sha256 None.
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    result = []
    for given in inputs:
        entry: dict[str, Any] = {"path": os.fspath(given), "kind": "file", "sha256": None, "files": []}
        try:
            if os.path.isdir(given):
                entry["kind"] = "folder"
                names = sorted(
                    n
                    for n in os.listdir(given)
                    if n.lower().endswith(".csv") and os.path.isfile(os.path.join(given, n))
                )
                entry["files"] = [{"name": n, "sha256": _sha256_file(os.path.join(given, n))} for n in names]
                listing = "".join(f"{f['sha256']}  {f['name']}\n" for f in entry["files"])
                entry["sha256"] = hashlib.sha256(listing.encode("utf-8")).hexdigest()
            else:
                entry["sha256"] = _sha256_file(given)
        except OSError:
            entry["sha256"] = None
        result.append(entry)
    return result


# --------------------------------------------------------------------------- JSON


def to_json(
    solution: Solution,
    inputs: Iterable[str | os.PathLike[str]] = (),
    *,
    fingerprints: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The whole result as a JSON-ready dict (plain Python values, None for missing numbers).

    Keys: status, outcome (a sentence), score (Z*, None without a plan),
    baseline_score, score_cap, spend and spend_by_period (None without a
    plan), budget (period totals), currency, allocation, readiness (with
    level_name), budget_use, shortfalls (records), solver, seconds, message,
    source, inputs (`fingerprints` if given, else `input_fingerprints(inputs)`:
    name and SHA-256 of each input, empty when none are given).
    """
    scenario = solution.scenario
    spend, spend_by_period = plan_spend(solution)
    tables = _tables(solution)
    return {
        "status": str(solution.status),
        "outcome": status_text(solution),
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
        "violations": tables["violations"][1] if "violations" in tables else [],
        "solver": str(solution.solver),
        "seconds": _cell(solution.seconds, "seconds"),
        "message": str(solution.message or ""),
        "source": str(scenario.source or ""),
        "inputs": input_fingerprints(inputs) if fingerprints is None else fingerprints,
    }


_STATUSES = ("optimal", "infeasible", "time_limit", "error", "evaluated")
_JSON_TABLES = {
    "allocation": (results.ALLOCATION_COLUMNS, ("option", "partner")),
    "readiness": (results.READINESS_COLUMNS, ("partner", "domain")),
    "budget_use": (results.BUDGET_COLUMNS, ()),
    "shortfalls": (results.SHORTFALL_COLUMNS, ("partner", "domain")),
    "violations": (results.VIOLATION_COLUMNS, ("option", "partner", "domain")),  # evaluated plans only
}


def _whole(value: Any) -> int | None:
    """An integer value (1, 1.0 or numpy's), or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and float(value).is_integer():
        return int(value)
    return None


def solution_from_json(data: Any, scenario: Scenario, source: str = "result") -> Solution:
    """Rebuild a Solution from `to_json` output (a saved --json result or .json report).

    `scenario` is the scenario it was solved for, loaded again: its labels
    (names, currency) may have changed since; its ids must not. The tables
    are taken as saved, not recomputed. Raises InputError naming every
    problem (`source` is the file name used in the messages).
    """
    problems: list[Problem] = []

    def problem(expected: str, value: Any = None, where: str | None = None) -> None:
        problems.append(Problem(source, expected, column=where, value=value))

    if not isinstance(data, dict):
        raise InputError([Problem(source, "expected a JSON object written by interop solve --json")])
    for key in ("status", "baseline_score", *_JSON_TABLES):
        if key not in data and key != "violations":
            problem(f"missing key '{key}': not a result written by interop solve --json")
    if problems:
        raise InputError(problems)
    status = data.get("status")
    if status not in _STATUSES:
        problem(f"'status' must be one of {', '.join(_STATUSES)}", status, "status")
    known = {
        "option": {o.id for o in scenario.options},
        "partner": {p.id for p in scenario.partners},
        "domain": {d.id for d in scenario.domains},
    }
    frames: dict[str, pd.DataFrame] = {}
    for name, (columns, ids) in _JSON_TABLES.items():
        records = data.get(name, [])
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            problem(f"'{name}' must be a list of records", None, name)
            continue
        if not records:
            frames[name] = results.empty(columns)
            continue
        frame = pd.DataFrame.from_records(records).reindex(columns=columns)
        for column in ids:
            unknown = sorted(
                {str(v) for v in frame[column] if v not in known[column] and v not in ("", None)}
            )
            for value in unknown:
                problem(
                    f"{column} '{value}' in '{name}' is not in the scenario {scenario.source or ''}".rstrip()
                )
        if "period" in frame and name != "budget_use":
            periods = [_whole(v) for v in frame["period"]]
            for value in sorted({str(v) for v, t in zip(frame["period"], periods, strict=True) if t is None}):
                problem(f"period in '{name}' must be a whole number", value, name)
            for value in sorted({t for t in periods if t is not None and not 1 <= t <= scenario.horizon}):
                problem(f"period in '{name}' must be 1..{scenario.horizon}", value, name)
            if all(t is not None for t in periods):
                frame["period"] = pd.Series(periods, dtype="int64", index=frame.index)
        frames[name] = frame
    for key in ("score", "baseline_score", "seconds"):
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            problem(f"'{key}' must be a number", value, key)
    if data.get("baseline_score") is None:
        problem("'baseline_score' must be a number", None, "baseline_score")
    if problems:
        raise InputError(problems)
    score = data.get("score")
    return Solution(
        status=status,
        scenario=scenario,
        score=None if score is None else float(score),
        baseline_score=float(data["baseline_score"]),
        allocation=frames["allocation"],
        readiness=frames["readiness"],
        budget_use=frames["budget_use"],
        shortfalls=frames["shortfalls"],
        solver=str(data.get("solver") or ""),
        seconds=float(data.get("seconds") or 0.0),
        message=str(data.get("message") or ""),
        violations=frames["violations"],
    )


# --------------------------------------------------------------------------- summary rows


def _summary_rows(solution: Solution) -> list[tuple[str, Any, CellKind]]:
    """The key/value rows of the summary sheet and summary.csv."""
    settings = solution.scenario.settings
    spend, _ = plan_spend(solution)
    return [
        ("status", solution.status, "text"),
        ("outcome", status_text(solution), "text"),
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


def _column_width(column: list[Any], kind: CellKind) -> int:
    """The widest cell of a column as shown: numbers are widest at their extremes, so only
    those two are formatted (6,000-row tables otherwise spend more here than in writing)."""
    texts = [len(v) for v in column if isinstance(v, str)]
    numbers = [v for v in column if v is not None and not isinstance(v, str)]
    ends = [_display_width(v, kind) for v in (min(numbers), max(numbers))] if numbers else []
    return max([0, *texts, *ends])


def _write_cell(ws: Any, row: int, col: int, value: Any, kind: CellKind, formats: dict[str, Any]) -> None:
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
            _write_cell(ws, i, j, value, kind, formats)
        width = _column_width(column, kind)
        width += extra if kind == "money" and width else 0
        ws.set_column(j, j, min(max(width, len(header), 6), 60) + 2)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    return ws


def _write_table(
    wb: Any, formats: dict[str, Any], name: str, columns: tuple[_Col, ...], rows: list[dict[str, Any]]
) -> Any:
    """One sheet of a report table (see `write_rows`); returns the worksheet."""
    return write_rows(
        wb,
        formats,
        name,
        [(c.name, c.kind) for c in columns],
        [[record.get(c.name) for c in columns] for record in rows],
        formats.get("money_label", ""),
    )


def _write_summary_sheet(wb: Any, formats: dict[str, Any], solution: Solution) -> None:
    rows = _summary_rows(solution)
    ws = write_rows(
        wb, formats, "summary", [("key", "text"), ("value", "text")], [[k, v] for k, v, _ in rows]
    )
    # each value in its own format (the header list above gives one kind per column)
    for i, (_, value, kind) in enumerate(rows, start=1):
        _write_cell(ws, i, 1, value, kind, formats)
    ws.set_column(1, 1, min(max(_display_width(v, k) for _, v, k in rows) + 12, 80))


# Colours of the four readiness levels, light to dark (ColorBrewer YlGnBu: safe for colour-blind
# readers, and grey print keeps the order), and the text colour that reads on each.
LEVEL_COLOURS = ("#FFFFCC", "#A1DAB4", "#41B6C4", "#225EA8")
LEVEL_TEXT_COLOURS = ("#000000", "#000000", "#000000", "#FFFFFF")
# Option types: Okabe-Ito colours, each with its own fill pattern for black-and-white print.
TYPE_COLOURS = ("#E69F00", "#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
_EXCEL_PATTERNS = (
    None,
    "wide_upward_diagonal",
    "small_grid",
    "wide_downward_diagonal",
    "dotted_diamond",
    "dark_horizontal",
    "large_confetti",
    "dark_vertical",
)


def excel_money_format(currency: str, base: str = "#,##0.00") -> str:
    """An Excel number format that shows the currency label after the number.

    The label is quoted literal text; a '"' in it is written as \" between
    quoted parts, control characters are dropped and long labels cut to 40
    characters.
    """
    label = "".join(ch for ch in str(currency) if ch.isprintable()).strip()[:40]
    if not label:
        return base
    return base + ' "' + label.replace('"', '"\\""') + '"'


def _workbook_formats(wb: Any, solution: Solution) -> dict[str, Any]:
    currency = solution.scenario.settings.currency
    formats: dict[str, Any] = {"header": wb.add_format({"bold": True, "bottom": 1})}
    number_formats = dict(NUMBER_FORMATS, money=excel_money_format(currency))
    formats.update({k: wb.add_format({"num_format": f}) for k, f in number_formats.items()})
    formats["money_label"] = "".join(ch for ch in str(currency) if ch.isprintable()).strip()[:40]
    formats["wrap"] = wb.add_format({"text_wrap": True, "valign": "top"})
    formats["title"] = wb.add_format({"bold": True, "font_size": 14})
    for level, (fill, text) in enumerate(zip(LEVEL_COLOURS, LEVEL_TEXT_COLOURS, strict=True)):
        formats[f"level{level}"] = wb.add_format({"bg_color": fill, "font_color": text})
    return formats


def _colour_levels(ws: Any, formats: dict[str, Any], rows: int, level_col: int, last_col: int) -> None:
    """Conditional formatting: each level's cells in its colour (level and level_name columns)."""
    if rows == 0:
        return
    letter = xlsxwriter.utility.xl_col_to_name(level_col)
    for level in range(len(LEVEL_COLOURS)):
        ws.conditional_format(
            1,
            level_col,
            rows,
            last_col,
            {"type": "formula", "criteria": f"=${letter}2={level}", "format": formats[f"level{level}"]},
        )


def _series_fill(index: int) -> dict[str, Any]:
    colour = TYPE_COLOURS[index % len(TYPE_COLOURS)]
    pattern = _EXCEL_PATTERNS[index % len(_EXCEL_PATTERNS)]
    if pattern is None:
        return {"fill": {"color": colour}, "border": {"color": "#333333"}}
    return {
        "pattern": {"pattern": pattern, "fg_color": colour, "bg_color": "#FFFFFF"},
        "border": {"color": colour},
    }


def _write_spend_sheet(wb: Any, formats: dict[str, Any], solution: Solution) -> None:
    """spend_by_period: spend per option type, total, budget and unused, with a stacked column chart."""
    table = spend_table(solution)
    if table is None:
        return
    headers: list[tuple[str, CellKind]] = [("period", "int")]
    headers += [(k, "money") for k in table.types]
    headers += [("spend", "money"), ("budget", "money"), ("unused", "money")]
    rows = [
        [t, *(_cell(table.by_type[k][i], "money") for k in table.types)]
        + [_cell(table.spend[i], "money"), _cell(table.budget[i], "money"), _cell(table.unused[i], "money")]
        for i, t in enumerate(table.periods)
    ]
    name = "spend_by_period"
    ws = write_rows(wb, formats, name, headers, rows, formats["money_label"])
    n = len(rows)
    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    for j, _ in enumerate(table.types, start=1):
        chart.add_series(
            {
                "name": [name, 0, j],
                "categories": [name, 1, 0, n, 0],
                "values": [name, 1, j, n, j],
                "gap": 60,
                **_series_fill(j - 1),
            }
        )
    budget_col = len(table.types) + 2
    line = wb.add_chart({"type": "line"})
    line.add_series(
        {
            "name": [name, 0, budget_col],
            "categories": [name, 1, 0, n, 0],
            "values": [name, 1, budget_col, n, budget_col],
            "line": {"color": "#000000", "width": 2, "dash_type": "dash"},
            "marker": {
                "type": "square",
                "size": 6,
                "fill": {"color": "#000000"},
                "border": {"color": "#000000"},
            },
        }
    )
    chart.combine(line)
    label = formats["money_label"]
    chart.set_title({"name": "Spend by period and option type, against the period budget"})
    chart.set_x_axis({"name": "period"})
    chart.set_y_axis(
        {
            "name": f"spend ({label})" if label else "spend",
            "num_format": excel_money_format(label, "#,##0"),
            "min": 0,
            "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
        }
    )
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": 400})
    ws.insert_chart(1, len(headers) + 1, chart)


def _write_domain_sheet(wb: Any, formats: dict[str, Any], solution: Solution) -> None:
    """readiness_by_domain: average and weakest readiness before and after, with a clustered chart."""
    headers: list[tuple[str, CellKind]] = [
        ("domain", "text"),
        ("name", "text"),
        ("weight", "ratio"),
        ("average_before", "score"),
        ("average_after", "score"),
        ("weakest_before", "score"),
        ("weakest_partner_before", "text"),
        ("weakest_after", "score"),
        ("weakest_partner_after", "text"),
    ]
    records = domain_readiness(solution)
    rows = [
        [
            r["domain"],
            r["name"] or None,
            _cell(r["weight"], "ratio"),
            _cell(r["average_before"], "score"),
            _cell(r["average_after"], "score"),
            _cell(r["weakest_before"], "score"),
            ", ".join(r["weakest_partner_before"]) or None,
            _cell(r["weakest_after"], "score"),
            ", ".join(r["weakest_partner_after"]) or None,
        ]
        for r in records
    ]
    name = "readiness_by_domain"
    ws = write_rows(wb, formats, name, headers, rows)
    n = len(rows)
    if n == 0:
        return
    chart = wb.add_chart({"type": "column"})
    series = [(3, {"fill": {"color": "#BDBDBD"}, "border": {"color": "#333333"}})]
    if solution.has_plan and any(r["average_after"] is not None for r in records):
        series.append((4, {"fill": {"color": LEVEL_COLOURS[3]}, "border": {"color": "#000000"}}))
    for col, style in series:
        chart.add_series(
            {
                "name": [name, 0, col],
                "categories": [name, 1, 0, n, 0],
                "values": [name, 1, col, n, col],
                "data_labels": {"value": True, "num_format": "0.0", "font": {"size": 8}},
                "gap": 80,
                **style,
            }
        )
    cap = float(solution.scenario.settings.score_cap)
    after = f"period {solution.scenario.horizon}"
    chart.set_title({"name": f"Average readiness by domain: baseline and {after}"})
    chart.set_x_axis({"name": "domain"})
    chart.set_y_axis(
        {
            "name": "readiness (partner-weighted average)",
            "min": 0,
            "max": cap,
            "num_format": "0",
            "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
        }
    )
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": 400})
    ws.insert_chart(n + 3, 0, chart)


_SHEET_HELP: dict[str, tuple[str, dict[str, str]]] = {
    "summary": (
        "The run at a glance, one fact per row.",
        {
            "key": "What the row is: status, outcome, score_before (funding nothing), score_after "
            "(the plan's score Z), score_cap, spend (total of the plan), budget (sum of the period "
            "budgets), currency, solver, seconds, message (from the solver), scenario (input file), "
            "score_periods, weakest_link, level_thresholds.",
            "value": "Its value; empty where there is no plan.",
        },
    ),
    "allocation": (
        "The plan: one row per option, partner and period with units funded. "
        "`interop evaluate --plan` reads this sheet back.",
        {
            "option": "Option id (options sheet of the scenario).",
            "partner": "Partner receiving the units.",
            "period": "Period the units are funded in; they count from period + lag on.",
            "units": "Units funded (fractions allowed: the model is a linear program).",
            "cost": "units x unit_cost x the partner's cost_factor, in the currency.",
        },
    ),
    "readiness": (
        "Readiness of every partner in every domain and period under the plan.",
        {
            "partner": "Partner id.",
            "domain": "Domain id.",
            "period": "Period.",
            "baseline": "Readiness today (baseline sheet).",
            "score": "Readiness in that period with the plan, capped at score_cap.",
            "level": "Interoperability level of the score: 0 to 3 (see level_name), coloured.",
            "level_name": "not interoperable, deconflicted, compatible or integrated, from the "
            "level_thresholds setting.",
        },
    ),
    "budget_use": (
        "Every budget and spending cap: its limit, what the plan spends, what is left, and the shadow price.",
        {
            "kind": "period (total budget of a period), type (budget of one option type) or "
            "partner (a partner's max_spend per period).",
            "period": "Period.",
            "name": "Option type or partner the row is about (empty for a period total).",
            "limit": "The budget or cap.",
            "spend": "What the plan spends against it.",
            "slack": "limit - spend: money left.",
            "shadow_price": "Score points one more currency unit of this budget would buy "
            "(from the best-score phase; 0 where the budget is not binding).",
        },
    ),
    "shortfalls": (
        "Only when the targets cannot all be met: each unmet target and by how much.",
        {
            "partner": "Partner of the target.",
            "domain": "Domain of the target.",
            "period": "Period of the target.",
            "min_score": "Readiness the target demands.",
            "reached": "The most readiness reachable within the budgets.",
            "shortfall": "min_score - reached.",
            "row": "Row of the targets sheet the target came from.",
        },
    ),
    "violations": (
        "Only for an evaluated plan: every rule of the scenario it breaks.",
        {
            "kind": "period budget, type budget, partner cap, max units, eligibility or target.",
            "option": "The option concerned (max units, eligibility).",
            "type": "The option type whose budget is broken (type budget).",
            "partner": "The partner concerned (partner cap, max units, eligibility, target).",
            "domain": "The domain of a missed target.",
            "period": "The period.",
            "limit": "The limit: budget, cap, max_units (0 for an ineligible partner) or min_score.",
            "actual": "What the plan has: spend, units or readiness reached.",
            "excess": "By how much the plan is over the limit (short of it, for a target).",
        },
    ),
    "compare": (
        "evaluate --compare: the plan, the optimum under the scenario's budgets, and the optimum "
        "with each period's budget set to the plan's own spend (same money).",
        {
            "plan": "plan, optimum or same_money.",
            "score": "Interoperability score Z.",
            "spend": "Total spend.",
            "status": "Whether the plan keeps every rule; the solver status of each optimum.",
        },
    ),
    "compare_domains": (
        "Final-period readiness per domain (partners averaged with their weights), per plan.",
        {"domain": "Domain id.", "plan / optimum / same_money": "Readiness under each plan."},
    ),
    "compare_partners": (
        "Final-period readiness per partner (domains averaged with their weights), per plan.",
        {"partner": "Partner id.", "plan / optimum / same_money": "Readiness under each plan."},
    ),
    "compare_options": (
        "Units and cost of every option any of the three plans funds.",
        {
            "option": "Option id.",
            "<plan>_units": "Units of the option in that plan, all partners and periods.",
            "<plan>_cost": "Their cost.",
        },
    ),
    "spend_by_period": (
        "Spend of the plan per period, split by option type, against the period budget; "
        "with a stacked column chart (the dashed line is the budget).",
        {
            "period": "Period.",
            "(one column per option type)": "Spend on options of that type in the period.",
            "spend": "Total spend in the period.",
            "budget": "The period's total budget.",
            "unused": "budget - spend.",
        },
    ),
    "readiness_by_domain": (
        "Readiness by domain before (baseline) and after (final period of the plan), with a "
        "clustered column chart of the averages.",
        {
            "domain": "Domain id.",
            "name": "Domain name.",
            "weight": "Domain weight in the score.",
            "average_before": "Average baseline readiness over partners, weighted by partner weight "
            "as in the score.",
            "average_after": "The same in the final period with the plan.",
            "weakest_before": "Lowest baseline readiness of a partner of positive weight.",
            "weakest_partner_before": "The partner(s) at that lowest readiness.",
            "weakest_after": "Lowest readiness in the final period with the plan.",
            "weakest_partner_after": "The partner(s) at that lowest readiness.",
        },
    ),
    "README": (
        "This sheet: what every sheet and column means.",
        {
            "sheet": "Sheet name.",
            "column": "Column of that sheet (empty: the sheet itself).",
            "meaning": "What it holds.",
        },
    ),
}


def _write_readme_sheet(wb: Any, formats: dict[str, Any], solution: Solution, sheets: list[str]) -> None:
    settings = solution.scenario.settings
    label = formats["money_label"]
    thresholds = ", ".join(f"{x:g}" for x in settings.level_thresholds)
    rows: list[list[Any]] = [
        [
            "(all)",
            None,
            f"Money is in {label or 'the scenario currency (no label set)'}; readiness and "
            f"scores are on the 0 to {settings.score_cap:g} scale; levels begin at {thresholds} "
            "(not interoperable, deconflicted, compatible, integrated).",
        ],
    ]
    for sheet in [*sheets, "README"]:
        about, columns = _SHEET_HELP[sheet]
        rows.append([sheet, None, about])
        rows.extend([sheet, column, meaning] for column, meaning in columns.items())
    ws = write_rows(wb, formats, "README", [("sheet", "text"), ("column", "text"), ("meaning", "text")], rows)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 28)
    ws.set_column(2, 2, 100, formats["wrap"])


def _write_workbook(solution: Solution, path: Path, comparison: Comparison | None = None) -> None:
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with xlsxwriter.Workbook(str(path), options) as wb:
        formats = _workbook_formats(wb, solution)
        _write_summary_sheet(wb, formats, solution)
        tables = _tables(solution)
        sheets = ["summary"]
        for name in ("allocation", "readiness", "budget_use"):
            ws = _write_table(wb, formats, name, *tables[name])
            sheets.append(name)
            if name == "readiness":
                last = len(_READINESS) - 1
                _colour_levels(ws, formats, len(tables[name][1]), last - 1, last)
        if solution.status == "infeasible" or tables["shortfalls"][1]:
            _write_table(wb, formats, "shortfalls", *tables["shortfalls"])
            sheets.append("shortfalls")
        extra = {"violations": tables["violations"]} if "violations" in tables else {}
        extra |= _comparison_tables(comparison) if comparison is not None else {}
        for name, table in extra.items():
            _write_table(wb, formats, name, *table)
            sheets.append(name)
        if solution.has_plan:
            _write_spend_sheet(wb, formats, solution)
            sheets.append("spend_by_period")
        _write_domain_sheet(wb, formats, solution)
        sheets.append("readiness_by_domain")
        _write_readme_sheet(wb, formats, solution, sheets)


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
    solution: Solution, comparison: Comparison | None
) -> Iterator[tuple[str, tuple[_Col, ...], list[list[tuple[Any, CellKind]]]]]:
    yield "summary.csv", _SUMMARY, [[(k, "text"), (v, kind)] for k, v, kind in _summary_rows(solution)]
    tables = _tables(solution) | (_comparison_tables(comparison) if comparison is not None else {})
    for name, (columns, records) in tables.items():
        yield f"{name}.csv", columns, [[(r.get(c.name), c.kind) for c in columns] for r in records]


def _write_csv_files(solution: Solution, folder: Path, comparison: Comparison | None) -> None:
    for file_name, columns, rows in _csv_contents(solution, comparison):
        _write_csv(folder / file_name, columns, rows)


# --------------------------------------------------------------------------- input guard


def output_kind(output: Path) -> Literal["xlsx", "json", "csv"]:
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
    *,
    fingerprints: list[dict[str, Any]] | None = None,
    comparison: Comparison | None = None,
) -> Path:
    """Write the report to `output` and return the (resolved) path written.

    An evaluated plan adds its violations; a `comparison` (evaluate --compare)
    adds the side-by-side tables and, in JSON, both optima.

    `.xlsx`: the report workbook; `.json`: `to_json` as a file; anything else:
    a folder with summary.csv, allocation.csv, readiness.csv, budget_use.csv
    and shortfalls.csv (always all five, shortfalls.csv possibly header only,
    so no stale file of an earlier run survives). Parent folders are created.
    Raises OutputError when `output` is or lies in one of `inputs`, or when
    the file system refuses the write. The JSON report records the name and
    SHA-256 of every input (`input_fingerprints`), or `fingerprints` when
    given (e.g. to trace only the scenario, not every file that must not be
    overwritten).
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    inputs = list(inputs)
    shown = os.fspath(output)
    target = Path(os.path.realpath(output))
    atomic.check_not_input([target], inputs, shown)
    kind = output_kind(Path(output))
    if kind == "csv":
        atomic.check_not_input([target / f for f in CSV_FILES], inputs, shown)
    if kind == "csv":
        if target.exists() and not target.is_dir():
            raise OutputError(f"Cannot write CSV files into '{shown}': it is a file, not a folder.")
    elif target.is_dir():
        raise OutputError(f"Cannot write the report to '{shown}': it is a folder.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if kind == "xlsx":
            atomic.write_file_atomically(target, lambda path: _write_workbook(solution, path, comparison))
        elif kind == "json":
            atomic.write_file_atomically(
                target, lambda path: _write_json(solution, path, inputs, fingerprints, comparison)
            )
        else:
            atomic.write_folder_atomically(
                target, lambda folder: _write_csv_files(solution, folder, comparison)
            )
    except (OSError, xlsxwriter.exceptions.FileCreateError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise OutputError(f"Could not write the report to '{shown}': {reason}.") from exc
    return target


def _write_json(
    solution: Solution,
    path: Path,
    inputs: list[str | os.PathLike[str]],
    fingerprints: list[dict[str, Any]] | None,
    comparison: Comparison | None = None,
) -> None:
    data = to_json(solution, inputs, fingerprints=fingerprints)
    if comparison is not None:
        data["comparison"] = comparison_json(comparison)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(
            data,
            handle,
            indent=2,
            allow_nan=False,
            ensure_ascii=False,
        )
        handle.write("\n")


# --------------------------------------------------------------------------- terminal text


def clean_text(text: Any) -> str:
    """User text safe for a terminal: control characters shown escaped, never obeyed."""
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(text)
    )


def _one(x: float) -> str:
    return f"{x + 0.0:.1f}" if round(x, 1) != 0 else "0.0"


def _units(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") or "0"


def _money(x: float, currency: str) -> str:
    return f"{_one(x)} {clean_text(currency)}".rstrip()


def summary(solution: Solution) -> str:
    """A short plain-text account of the result for the terminal."""
    scenario = solution.scenario
    settings = scenario.settings
    currency = settings.currency
    cap = f"{settings.score_cap:g}"
    lines = [f"Status: {solution.status} ({status_text(solution)})"]
    if solution.has_plan:
        lines.append(f"Score: {_one(solution.baseline_score)} -> {_one(solution.score)} (out of {cap})")
    else:
        lines.append(f"Score today: {_one(solution.baseline_score)} (out of {cap}); no plan")
    if solution.message and solution.status != "evaluated":
        lines.append(f"Solver says: {clean_text(solution.message)}")

    if solution.status == "infeasible" or (not solution.has_plan and len(solution.shortfalls)):
        lines.extend(_shortfall_lines(solution))
    if solution.status == "evaluated":
        lines.extend(_violation_lines(solution))
    if solution.has_plan:
        lines.extend(_spend_lines(solution, currency))
        lines.extend(_level_lines(solution))
        lines.extend(_top_option_lines(solution, currency))
    if solution.solver:
        lines.append(f"Solver: {clean_text(solution.solver)}, {solution.seconds:.2f} s")
    return "\n".join(lines)


def _violation_lines(solution: Solution) -> list[str]:
    records = table_records(solution.violations, _VIOLATIONS)
    if not records:
        return ["The plan keeps every rule of the scenario."]
    lines = [f"The plan breaks {len(records)} rule(s):"]
    for r in records:
        what = " ".join(
            [r["kind"], *(clean_text(r[k]) for k in ("type", "option", "partner", "domain") if r[k])]
        )
        amount = "short by" if r["kind"] == "target" else "over by"
        lines.append(
            f"  {what} in period {r['period']}: {_units(r['actual'])} against "
            f"{_units(r['limit'])} ({amount} {_units(r['excess'])})"
        )
    return lines


def _shortfall_lines(solution: Solution) -> list[str]:
    records = table_records(solution.shortfalls, SHORTFALL_REPORT_COLUMNS)
    if not records:
        return ["Unmet targets: none could be named."]
    lines = ["Unmet targets:"]
    for r in sorted(records, key=lambda r: -(r["shortfall"] or 0.0)):
        text = (
            f"  {clean_text(r['partner'])} in {clean_text(r['domain'])} by period {r['period']}: "
            f"needs {_one(r['min_score'] or 0.0)}, reaches {_one(r['reached'] or 0.0)} at best "
            f"(short {_one(r['shortfall'] or 0.0)})"
        )
        if r["row"] is not None:
            text += f" — targets row {r['row']}"
        lines.append(text)
    return lines


def _spend_lines(solution: Solution, currency: str) -> list[str]:
    spend, by_period = plan_spend(solution)
    budgets = [b.total for b in solution.scenario.budgets]
    lines = [f"Spend: {_one(spend or 0.0)} of {_money(sum(budgets), currency)}"]
    for t, (used, total) in enumerate(zip(by_period, budgets, strict=True), start=1):
        lines.append(f"  period {t}: {_one(used or 0.0)} of {_money(total, currency)}")
    return lines


def _level_lines(solution: Solution) -> list[str]:
    final = solution.scenario.horizon
    records = [r for r in table_records(solution.readiness, _READINESS) if r["period"] == final]
    if not records:
        return []
    lines = [f"Levels in period {final}:"]
    for domain in solution.scenario.domains:
        counts = [0] * len(schema.LEVEL_NAMES)
        for r in records:
            if r["domain"] == domain.id and r["level"] is not None:
                counts[min(max(r["level"], 0), len(counts) - 1)] += 1
        parts = [f"{n} {name}" for n, name in zip(counts, schema.LEVEL_NAMES, strict=True) if n]
        lines.append(f"  {clean_text(domain.id)}: {', '.join(parts) if parts else 'no partner'}")
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
        lines.append(
            f"  {clean_text(option)}: {_units(float(units))} {noun}, {_money(float(cost), currency)}"
        )
    return lines


__all__ = [
    "CSV_FILES",
    "csv_cell",
    "input_fingerprints",
    "solution_from_json",
    "summary",
    "to_json",
    "write_report",
]
