"""Reports of the sensitivity studies: workbook, CSV folder, JSON, HTML sections, terminal text.

`write_study(result, output, inputs)` writes a `SensitivityReport`, `SweepResult`,
`TornadoResult` or `MonteCarloResult` as

- `.xlsx`: one sheet per table (bold frozen header, autofilter, number formats)
  and native Excel charts: a line chart of the sweep (and of the budget
  frontier, score against total budget, for a budget PARAM), a bar chart of
  the tornado, column-chart histograms of the Monte Carlo scores;
- `.json`: {"study": kind, "inputs": [fingerprints], scalars..., "tables":
  {name: [records]}}, plain JSON values only: an unknown number (NaN, e.g. the
  score of an infeasible variant or a range that HiGHS does not give) is
  null, and an infinite one (an allowable increase with no end) is the string
  "inf" (or "-inf"), so that "unbounded" and "unknown" stay apart;
- anything else: a folder with one CSV file per table (`<table>.csv`); text
  cells that a spreadsheet would read as a formula get an apostrophe
  (`writers.csv_cell`), infinities are written `inf`, unknowns left empty.

The rules of `writers` hold: never over an input (or inside an input
folder), whole or not at all, user text stays text. In the workbook an
infinite number is the text "inf" and an unknown one is blank.

`study_sections(result)` gives the pictures and tables for the HTML report
(`html.write_html(..., extra_sections=...)`); matplotlib is imported only
there. `study_summary(result)` is the terminal text. Each study's own part
lives in its module (`sensitivity`, `sweep`, `tornado`, `montecarlo`); the
registry `STUDIES` says which module serves which result type.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..io import atomic
from ..studies.montecarlo import MonteCarloResult
from ..studies.ranging import SensitivityReport
from ..studies.sweep import SweepResult
from ..studies.tornado import TornadoResult
from . import montecarlo, sensitivity, sweep, text, tornado, writers
from .html import Section
from .plan import input_fingerprints
from .printing import set_up_printing
from .study_tables import cell_value, key_values
from .writers import WORKBOOK_OPTIONS, SheetTable, check_output

Study = SensitivityReport | SweepResult | TornadoResult | MonteCarloResult


@dataclass(frozen=True)
class StudyReport:
    """What a report needs from one kind of study, in the module that knows that study."""

    kind: str  # the command name: sensitivity, sweep, tornado or montecarlo
    scalars: Callable[[Any], list[tuple[str, Any]]]
    tables: Callable[[Any], list[SheetTable]]
    charts: Callable[[Any, Any, dict[str, tuple[Any, SheetTable]]], None]
    sections: Callable[[Any], list[Section]]
    summary: Callable[[Any], str]
    json_extras: Callable[[Any], dict[str, Any]] = field(default=lambda result: {})


STUDIES: dict[type, StudyReport] = {
    SensitivityReport: StudyReport(
        "sensitivity", sensitivity.scalars, sensitivity.tables, sensitivity.charts, sensitivity.sections,
        text.sensitivity_summary, sensitivity.json_extras,
    ),
    SweepResult: StudyReport(
        "sweep", sweep.scalars, sweep.tables, sweep.charts, sweep.sections, text.sweep_summary
    ),
    TornadoResult: StudyReport(
        "tornado", tornado.scalars, tornado.tables, tornado.charts, tornado.sections, text.tornado_summary
    ),
    MonteCarloResult: StudyReport(
        "montecarlo", montecarlo.scalars, montecarlo.tables, montecarlo.charts, montecarlo.sections,
        text.monte_carlo_summary,
    ),
}  # fmt: skip


def _report(result: Study) -> StudyReport:
    try:
        return STUDIES[type(result)]
    except KeyError:
        raise TypeError(f"not a study result: {type(result).__name__}") from None


def study_kind(result: Study) -> str:
    """The command name of a study result: sensitivity, sweep, tornado or montecarlo."""
    return _report(result).kind


def study_tables(result: Study) -> list[SheetTable]:
    """Every table of a study, in the order of the workbook's sheets: the summary first."""
    report = _report(result)
    return [key_values("summary", report.scalars(result)), *report.tables(result)]


def study_json(result: Study, inputs: Iterable[str | os.PathLike[str]] = ()) -> dict[str, Any]:
    """The study as plain JSON values (see the module docstring: NaN null, infinity "inf")."""
    report = _report(result)
    data: dict[str, Any] = {"study": report.kind}
    inputs = list(inputs)
    if inputs:
        data["inputs"] = input_fingerprints(inputs)
    data.update({k: cell_value(v) for k, v in report.scalars(result)})
    extras = report.json_extras(result)
    data.update(extras)
    data["tables"] = {t.name: t.records() for t in study_tables(result) if t.name not in {"summary", *extras}}
    return data


def study_sections(result: Study) -> list[Section]:
    """Pictures and tables of a study for `html.write_html(..., extra_sections=...)`."""
    return _report(result).sections(result)


def study_summary(result: Study) -> str:
    """The terminal text of any study result."""
    return _report(result).summary(result)


def _write_workbook(result: Study, path: Path, inputs: list[str | os.PathLike[str]]) -> None:
    currency = getattr(result, "currency", "")  # only a sensitivity report prices money
    with atomic.xlsx_workbook(path, WORKBOOK_OPTIONS) as wb:
        formats = writers.sheet_formats(wb, currency, ratio="0.000")
        sheets = {}
        for table in study_tables(result):
            ws = writers.write_rows(
                wb, formats, table.name, table.headers, table.rows, formats["money_label"]
            )
            sheets[table.name] = (ws, table)
        sheets["summary"][0].set_column(1, 1, 60)
        _report(result).charts(wb, result, sheets)
        set_up_printing(wb, inputs[0] if inputs else "")  # the scenario, named in the footer


def write_study(
    result: Study, output: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]] = ()
) -> Path:
    """Write a study to `output` (.xlsx, .json, or a CSV folder) and return the resolved path written.

    Raises OutputError when `output` is or lies in one of `inputs`, or when the write fails;
    parent folders are created.
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    inputs = list(inputs)
    tables = study_tables(result)
    return writers.write_output(
        output,
        inputs,
        workbook=lambda path: _write_workbook(result, path, inputs),
        data=lambda: study_json(result, inputs),
        tables=lambda: ((f"{t.name}.csv", [h for h, _ in t.headers], t.cells()) for t in tables),
        file_names=[f"{t.name}.csv" for t in tables],
    )


__all__ = [
    "STUDIES",
    "check_output",
    "study_json",
    "study_kind",
    "study_sections",
    "study_summary",
    "study_tables",
    "write_study",
]
