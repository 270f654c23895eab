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
the 0..score_cap scale. Here: the JSON (and reading it back), the CSV folder,
the input guard and the terminal text. The tables all formats share are in
`records`, the workbook's sheets and charts in `workbook`, the figures both
the workbook and the HTML report (`html_report`) draw in `figures`.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import xlsxwriter
import xlsxwriter.exceptions
import xlsxwriter.utility

from .. import results
from ..errors import InputError, OutputError, Problem
from ..io import atomic, schema
from ..results import Solution
from ..scenario import Scenario
from .records import (
    READINESS_COLUMNS,
    SHORTFALL_REPORT_COLUMNS,
    SUMMARY_COLUMNS,
    VIOLATION_COLUMNS,
    CellKind,
    Column,
    cell_value,
    comparison_tables,
    plan_spend,
    solution_tables,
    status_text,
    summary_rows,
    table_records,
)
from .workbook import write_workbook

if TYPE_CHECKING:
    from ..studies.comparison import Comparison

CSV_FILES = ("summary.csv", "allocation.csv", "readiness.csv", "budget_use.csv", "shortfalls.csv")
_FILE_SUFFIXES_REFUSED_AS_FOLDER = (".csv", ".xls", ".xlsm")
_CSV_LIVE_START = ("=", "+", "-", "@", "\t", "\r")


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """The comparison as JSON: both optima in full, the side-by-side tables, the option differences."""
    data: dict[str, Any] = {name: records for name, (_, records) in comparison_tables(comparison).items()}
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
    tables = solution_tables(solution)
    return {
        "status": str(solution.status),
        "outcome": status_text(solution),
        "score": cell_value(solution.score, "score"),
        "baseline_score": cell_value(solution.baseline_score, "score"),
        "score_cap": cell_value(scenario.settings.score_cap, "score"),
        "spend": spend,
        "spend_by_period": spend_by_period,
        "budget": [cell_value(b.total, "money") for b in scenario.budgets],
        "currency": scenario.settings.currency,
        "allocation": tables["allocation"][1],
        "readiness": tables["readiness"][1],
        "budget_use": tables["budget_use"][1],
        "shortfalls": tables["shortfalls"][1],
        "violations": tables["violations"][1] if "violations" in tables else [],
        "solver": str(solution.solver),
        "seconds": cell_value(solution.seconds, "seconds"),
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

# --------------------------------------------------------------------------- workbook


# --------------------------------------------------------------------------- CSV


def csv_cell(value: Any, kind: CellKind = "text") -> str:
    """The CSV text of one cell: live-looking text defused with "'", numbers as they are."""
    value = cell_value(value, kind)
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(_CSV_LIVE_START) else value
    return repr(value) if isinstance(value, float) else str(value)


def _write_csv(path: Path, columns: tuple[Column, ...], rows: Iterable[list[tuple[Any, CellKind]]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.name for c in columns])
        for row in rows:
            writer.writerow([csv_cell(v, k) for v, k in row])
        handle.flush()
        os.fsync(handle.fileno())


def _csv_contents(
    solution: Solution, comparison: Comparison | None
) -> Iterator[tuple[str, tuple[Column, ...], list[list[tuple[Any, CellKind]]]]]:
    yield "summary.csv", SUMMARY_COLUMNS, [[(k, "text"), (v, kind)] for k, v, kind in summary_rows(solution)]
    tables = solution_tables(solution) | (comparison_tables(comparison) if comparison is not None else {})
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
            atomic.write_file_atomically(target, lambda path: write_workbook(solution, path, comparison))
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
    records = table_records(solution.violations, VIOLATION_COLUMNS)
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
    records = [r for r in table_records(solution.readiness, READINESS_COLUMNS) if r["period"] == final]
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
