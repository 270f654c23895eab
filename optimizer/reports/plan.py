"""Reports of a `Solution`: JSON (and reading it back), a report workbook, a folder of CSV files.

Every write follows the rules in `writers` (never over an input, whole or not at all, user
text stays text).

Money is in the scenario's currency label (`settings.currency`), scores on
the 0..score_cap scale. Here: the JSON (and reading it back) and the CSV folder;
the terminal text is in `text`. The tables all formats share are in
`records`, the workbook's sheets and charts in `workbook`, the figures both
the workbook and the HTML report (`html`) draw in `figures`.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import results
from ..errors import InputError, Problem
from ..results import Solution
from ..scenario import Scenario
from . import writers
from .pairs import pair_tables
from .records import (
    SUMMARY_COLUMNS,
    CellKind,
    ReportTable,
    cell_value,
    comparison_tables,
    plan_spend,
    solution_tables,
    status_text,
    summary_rows,
)
from .workbook import write_workbook

if TYPE_CHECKING:
    from ..studies.comparison import Comparison

CSV_FILES = ("summary.csv", "allocation.csv", "readiness.csv", "budget_use.csv", "shortfalls.csv")


@dataclass(frozen=True)
class Extras:
    """What a report adds beside its plan: tables (a sheet or CSV file each) and JSON keys.
    `evaluate --compare` adds a comparison, `replan` what changed and what was measured."""

    tables: Mapping[str, ReportTable] = field(default_factory=dict)
    json: Mapping[str, Any] = field(default_factory=dict)


def comparison_extras(comparison: Comparison) -> Extras:
    return Extras(comparison_tables(comparison), {"comparison": comparison_json(comparison)})


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """The comparison as JSON: both optima in full, the side-by-side tables, the option differences."""
    data: dict[str, Any] = {name: records for name, (_, records) in comparison_tables(comparison).items()}
    data["optimum"] = to_json(comparison.optimum)
    data["same_money"] = to_json(comparison.same_money)
    data["only_in_optimum"] = comparison.only_in("optimum", "plan")
    data["only_in_plan"] = comparison.only_in("plan", "optimum")
    return data


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

    Keys: status, outcome (a sentence), score (Z*, None without a plan), bound, gap,
    lp_bound, whole_units_cost and setups (integer plans; None and [] for an LP),
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
        **integer_keys(solution),
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
        **{name: records for name, (_, records) in pair_tables(solution).items()},  # with pairs only
    }


INTEGER_KEYS = ("bound", "gap", "lp_bound", "whole_units_cost")


def integer_keys(solution: Solution) -> dict[str, Any]:
    """An integer plan's proven bound, gap, LP bound and what whole units cost in score (None for
    an LP), and the exercises held at a set-up cost."""
    return {
        **{key: cell_value(getattr(solution, key), "score") for key in INTEGER_KEYS},
        "setups": [
            {"option": r.option, "type": r.type, "period": int(r.period), "setup_cost": float(r.setup_cost)}
            for r in solution.setups.itertuples()
        ],
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
    for key in ("score", "baseline_score", "seconds", "bound", "gap", "lp_bound"):
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
        **{key: None if data.get(key) is None else float(data[key]) for key in ("bound", "gap", "lp_bound")},
    )


# --------------------------------------------------------------------------- writing


def _csv_contents(
    solution: Solution, extras: Extras
) -> Iterator[tuple[str, list[str], list[list[tuple[Any, CellKind]]]]]:
    """Each CSV file of the report: its name, headers and rows of (value, kind)."""
    yield (
        "summary.csv",
        [c.name for c in SUMMARY_COLUMNS],
        [[(k, "text"), (v, kind)] for k, v, kind in summary_rows(solution)],
    )
    tables = solution_tables(solution) | dict(extras.tables)
    for name, (columns, records) in tables.items():
        yield (
            f"{name}.csv",
            [c.name for c in columns],
            [[(r.get(c.name), c.kind) for c in columns] for r in records],
        )


def write_report(
    solution: Solution,
    output: str | os.PathLike[str],
    inputs: Iterable[str | os.PathLike[str]] = (),
    *,
    fingerprints: list[dict[str, Any]] | None = None,
    comparison: Comparison | None = None,
    extras: Extras | None = None,
) -> Path:
    """Write the report to `output` and return the (resolved) path written.

    An evaluated plan adds its violations; a `comparison` (evaluate --compare)
    adds the side-by-side tables and, in JSON, both optima; `extras` any other
    tables and JSON keys (a re-plan's).

    `.xlsx`: the report workbook; `.json`: `to_json` as a file; anything else:
    a folder with summary.csv, allocation.csv, readiness.csv, budget_use.csv
    and shortfalls.csv (always all five, shortfalls.csv possibly header only,
    so no stale file of an earlier run survives), and one file per extra table.
    Parent folders are created.
    Raises OutputError when `output` is or lies in one of `inputs`, or when
    the file system refuses the write. The JSON report records the name and
    SHA-256 of every input (`input_fingerprints`), or `fingerprints` when
    given (e.g. to trace only the scenario, not every file that must not be
    overwritten).
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    inputs = list(inputs)
    extras = extras or (comparison_extras(comparison) if comparison is not None else Extras())
    extras = Extras(pair_tables(solution) | dict(extras.tables), extras.json)  # pairs: sheets and CSV files
    return writers.write_output(
        output,
        inputs,
        workbook=lambda path: write_workbook(solution, path, extras.tables),
        data=lambda: to_json(solution, inputs, fingerprints=fingerprints) | dict(extras.json),
        tables=lambda: _csv_contents(solution, extras),
        file_names=report_files(extras),
    )


def report_files(extras: Extras | None = None) -> tuple[str, ...]:
    """The CSV files of a report folder."""
    return CSV_FILES + tuple(f"{name}.csv" for name in (extras.tables if extras else {}))


__all__ = [
    "CSV_FILES",
    "comparison_json",
    "input_fingerprints",
    "solution_from_json",
    "to_json",
    "write_report",
]
