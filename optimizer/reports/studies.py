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
  (`report.csv_cell`), infinities are written `inf`, unknowns left empty.

The rules of report.py hold: never over an input (or inside an input
folder), whole or not at all (`atomic`), user text stays text. In the
workbook an infinite number is the text "inf" and an unknown one is blank.

`study_sections(result)` gives the pictures and tables for the HTML report
(`html_report.write_html(..., extra_sections=...)`); matplotlib is imported
only there. `study_summary(result)` is the terminal text.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xlsxwriter
import xlsxwriter.exceptions
import xlsxwriter.utility

from ..errors import OutputError
from ..io import atomic
from ..reports import plan as report
from ..reports import records, workbook
from ..studies.montecarlo import MonteCarloResult
from ..studies.ranging import SensitivityReport
from ..studies.sweep import SweepResult
from ..studies.tornado import TornadoResult
from ..studies.variants import BUDGET_KINDS
from .plan import clean_text as clean
from .printing import set_up_printing

if TYPE_CHECKING:
    from .html import Section

Study = SensitivityReport | SweepResult | TornadoResult | MonteCarloResult
Kind = records.CellKind

WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
# Okabe-Ito: told apart by colour-blind readers; markers, hatching and line styles carry the same
# distinctions in black and white.
BLUE, ORANGE, GREEN, VERMILION, PURPLE, SKY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9"
LINE_COLOURS = (BLUE, VERMILION, GREEN, PURPLE, ORANGE, SKY, "#000000", "#999999")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)))
TORNADO_BARS = 15  # rows in the workbook chart and the HTML picture
HISTOGRAM_BINS = 20

_KINDS: dict[str, Kind] = {
    "period": "int",
    "rank": "int",
    "draw": "int",
    "entering_rank": "int",
    "uncertain_effects": "int",
    "n": "int",
    "seed": "int",
    "optimal_plans": "int",
    "base_plan": "int",
    "score": "score",
    "score_low": "score",
    "score_high": "score",
    "change_low": "score",
    "change_high": "score",
    "swing": "score",
    "optimal_score": "score",
    "base_plan_score": "score",
    "regret": "score",
    "base_score": "score",
    "bin_low": "score",
    "bin_high": "score",
    "min_score": "score",
    "shadow_price": "price",
    "reduced_cost": "price",
    "reduced_cost_per_money": "price",
    "probability_funded": "ratio",
    "probability_met": "ratio",
    "spend": "money",
    "total_budget": "money",
    "unit_money": "money",
    "seconds": "seconds",
    "value": "price",
    "base_value": "price",
    "low_value": "price",
    "high_value": "price",
}


def _kind(column: str, dtype: Any) -> Kind:
    if column in _KINDS:
        return _KINDS[column]
    if column.startswith("period "):
        return "money"
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        return "text"
    return "units"


def _value(value: Any) -> Any:
    """A plain cell value: NaN/NA None, an infinity the text 'inf' / '-inf', numpy scalars unwrapped."""
    if isinstance(value, (float, np.floating)) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return records.plain(value)


# --------------------------------------------------------------------------- tables


class StudyTable:
    """One table of a study: a name (sheet or CSV file), typed headers and plain rows."""

    def __init__(self, name: str, headers: list[tuple[str, Kind]], rows: list[list[Any]]) -> None:
        self.name, self.headers, self.rows = name, headers, rows

    @classmethod
    def of(cls, name: str, frame: pd.DataFrame) -> StudyTable:
        headers = [(str(c), _kind(str(c), frame[c].dtype)) for c in frame.columns]
        rows = [[_value(v) for v in record] for record in frame.itertuples(index=False, name=None)]
        return cls(name, headers, rows)

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip([h for h, _ in self.headers], row, strict=True)) for row in self.rows]


def _key_values(name: str, pairs: Sequence[tuple[str, Any]]) -> StudyTable:
    return StudyTable(name, [("key", "text"), ("value", "text")], [[k, _value(v)] for k, v in pairs])


def study_kind(result: Study) -> str:
    """The command name of a study result: sensitivity, sweep, tornado or montecarlo."""
    for kind, cls in (
        ("sensitivity", SensitivityReport),
        ("sweep", SweepResult),
        ("tornado", TornadoResult),
        ("montecarlo", MonteCarloResult),
    ):
        if isinstance(result, cls):
            return kind
    raise TypeError(f"not a study result: {type(result).__name__}")


def _scalars(result: Study) -> list[tuple[str, Any]]:
    match result:
        case SensitivityReport():
            return [
                ("status", result.status),
                ("solver", result.solver),
                ("score", result.score),
                ("ranging", result.ranging),
                ("extended_ranges", result.extended_ranges),
                ("currency", result.currency),
                ("message", result.message),
                ("seconds", result.seconds),
            ]
        case SweepResult():
            return [
                ("param", result.param),
                ("base_value", result.base_value),
                ("budget_param", is_budget_sweep(result)),
                ("warm", result.warm),
                ("points", len(result.points)),
                ("seconds", result.seconds),
            ]
        case TornadoResult():
            return [
                ("base_score", result.base_score),
                ("delta", result.delta),
                ("parameters", len(result.table)),
                ("seconds", result.seconds),
            ]
        case MonteCarloResult():
            return [
                ("n", result.n),
                ("seed", result.seed),
                ("base_score", result.base_score),
                ("uncertain_effects", result.uncertain_effects),
                ("message", result.message),
                ("seconds", result.seconds),
            ]
    raise TypeError(f"not a study result: {type(result).__name__}")


def is_budget_sweep(result: SweepResult) -> bool:
    return result.param.split(":")[0].strip() in BUDGET_KINDS


def spend_by_period_wide(result: SweepResult) -> pd.DataFrame:
    """value, then one column 'period t' per period: the spend of each sweep point."""
    values = pd.DataFrame({"value": result.points["value"]})
    if result.spend_by_period.empty:
        return values
    wide = result.spend_by_period.pivot_table(index="value", columns="period", values="spend", sort=False)
    wide.columns = [f"period {int(t)}" for t in wide.columns]
    return values.merge(wide.reset_index(), on="value", how="left")


def tornado_table(result: TornadoResult) -> pd.DataFrame:
    """The tornado table with change_low / change_high: each side's score minus the base score."""
    table = result.table.copy()
    table.insert(
        3, "label", [_tornado_label(g, n) for g, n in zip(table["group"], table["name"], strict=True)]
    )
    table["change_low"] = table["score_low"] - result.base_score
    table["change_high"] = table["score_high"] - result.base_score
    return table


def _tornado_label(group: str, name: str) -> str:
    suffix = {"unit_cost": " unit cost", "gain": " gains", "domain_weight": " weight",
              "effectiveness": " effectiveness"}.get(group, "")  # fmt: skip
    return f"{name}{suffix}"


def histogram(result: MonteCarloResult, bins: int = HISTOGRAM_BINS) -> pd.DataFrame:
    """bin_low, bin_high, optimal_plans, base_plan: draws per score bin, the same bins for both scores."""
    optimal = result.optimal_scores[~np.isnan(result.optimal_scores)]
    base = result.base_plan_scores[~np.isnan(result.base_plan_scores)]
    both = np.concatenate([optimal, base])
    if not len(both):
        return pd.DataFrame(columns=["bin_low", "bin_high", "optimal_plans", "base_plan"])
    low, high = float(both.min()), float(both.max())
    if high - low < 1e-9:
        low, high = low - 0.5, high + 0.5
    count = max(1, min(bins, int(math.ceil(math.sqrt(len(optimal) or 1))) + 1))
    edges = np.linspace(low, high, count + 1)
    return pd.DataFrame(
        {
            "bin_low": edges[:-1],
            "bin_high": edges[1:],
            "optimal_plans": np.histogram(optimal, edges)[0],
            "base_plan": np.histogram(base, edges)[0],
        }
    )


def study_tables(result: Study) -> list[StudyTable]:
    """Every table of a study, in the order of the workbook's sheets."""
    summary = _key_values("summary", _scalars(result))
    match result:
        case SensitivityReport():
            sentences = pd.DataFrame({"sentence": list(result.sentences)}, dtype=object)
            return [
                summary,
                StudyTable.of("constraints", result.constraints),
                StudyTable.of("units", result.units),
                StudyTable.of("entering", result.entering),
                StudyTable.of("sentences", sentences),
            ]
        case SweepResult():
            tables = [summary, StudyTable.of("points", result.points)]
            if is_budget_sweep(result):
                tables.append(StudyTable.of("frontier", result.frontier.reset_index(drop=True)))
            tables += [
                StudyTable.of("spend_by_period", spend_by_period_wide(result)),
                StudyTable.of("units_by_option", result.units_by_option),
            ]
            return tables
        case TornadoResult():
            return [summary, StudyTable.of("tornado", tornado_table(result))]
        case MonteCarloResult():
            return [
                summary,
                StudyTable.of("percentiles", result.percentiles),
                StudyTable.of("histogram", histogram(result)),
                StudyTable.of("options", result.options),
                StudyTable.of("targets", result.targets),
                StudyTable.of("draws", result.draws),
            ]
    raise TypeError(f"not a study result: {type(result).__name__}")


# --------------------------------------------------------------------------- JSON


def study_json(result: Study, inputs: Iterable[str | os.PathLike[str]] = ()) -> dict[str, Any]:
    """The study as plain JSON values (see the module docstring: NaN null, infinity "inf")."""
    data: dict[str, Any] = {"study": study_kind(result)}
    inputs = list(inputs)
    if inputs:
        data["inputs"] = report.input_fingerprints(inputs)
    data.update({k: _value(v) for k, v in _scalars(result)})
    if isinstance(result, SensitivityReport):
        data["sentences"] = list(result.sentences)
    data["tables"] = {
        t.name: t.records() for t in study_tables(result) if t.name not in ("summary", "sentences")
    }
    return data


def _write_json(result: Study, path: Path, inputs: list[str | os.PathLike[str]]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(study_json(result, inputs), handle, indent=2, allow_nan=False, ensure_ascii=False)
        handle.write("\n")


# --------------------------------------------------------------------------- workbook


def _formats(wb: Any, currency: str) -> dict[str, Any]:
    formats: dict[str, Any] = {"header": wb.add_format({"bold": True, "bottom": 1})}
    number_formats = dict(records.NUMBER_FORMATS, money=workbook.excel_money_format(currency))
    number_formats["ratio"] = "0.000"
    formats.update({k: wb.add_format({"num_format": f}) for k, f in number_formats.items()})
    formats["money_label"] = "".join(ch for ch in str(currency) if ch.isprintable()).strip()[:40]
    return formats


def _currency(result: Study) -> str:
    return result.currency if isinstance(result, SensitivityReport) else ""


def _evenly_spaced(values: Sequence[float]) -> bool:
    if len(values) < 3:
        return True
    steps = np.diff(np.asarray(values, dtype=float))
    return bool(np.allclose(steps, steps[0], rtol=1e-6, atol=1e-12))


def _line_chart(
    wb: Any,
    sheet: str,
    rows: int,
    x_col: int,
    y_cols: Sequence[int],
    names: Sequence[str],
    x_values: Sequence[float],
    title: str,
    x_title: str,
    y_title: str,
) -> Any:
    """A line chart of columns y_cols against x_col (a scatter with lines when x is unevenly spaced,
    so that distances stay true); each series with its own colour, marker and dash."""
    even = _evenly_spaced(x_values)
    chart = (
        wb.add_chart({"type": "line"})
        if even
        else wb.add_chart({"type": "scatter", "subtype": "straight_with_markers"})
    )
    markers = ("circle", "square", "triangle", "diamond", "x", "star", "plus", "dash")
    dashes = ("solid", "dash", "round_dot", "long_dash", "dash_dot", "long_dash_dot", "square_dot", "solid")
    for k, (col, name) in enumerate(zip(y_cols, names, strict=True)):
        colour = LINE_COLOURS[k % len(LINE_COLOURS)]
        chart.add_series(
            {
                "name": name,
                "categories": [sheet, 1, x_col, rows, x_col],
                "values": [sheet, 1, col, rows, col],
                "line": {"color": colour, "width": 2, "dash_type": dashes[k % len(dashes)]},
                "marker": {
                    "type": markers[k % len(markers)],
                    "size": 6,
                    "border": {"color": colour},
                    "fill": {"color": colour},
                },
            }
        )
    chart.set_title({"name": title})
    chart.set_x_axis({"name": x_title})
    chart.set_y_axis({"name": y_title, "major_gridlines": {"visible": True, "line": {"color": "#DDDDDD"}}})
    chart.set_legend({"position": "bottom"} if len(y_cols) > 1 else {"none": True})
    chart.set_size({"width": 640, "height": 360})
    return chart


def _write_workbook(result: Study, path: Path, inputs: list[str | os.PathLike[str]]) -> None:
    tables = study_tables(result)
    with xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS) as wb:
        formats = _formats(wb, _currency(result))
        sheets = {}
        for table in tables:
            ws = workbook.write_rows(
                wb, formats, table.name, table.headers, table.rows, formats["money_label"]
            )
            sheets[table.name] = (ws, table)
        summary_ws = sheets["summary"][0]
        summary_ws.set_column(1, 1, 60)
        _add_charts(wb, result, sheets)
        set_up_printing(wb, inputs[0] if inputs else "")  # the scenario, named in the footer


def _column(table: StudyTable, name: str) -> int:
    return [h for h, _ in table.headers].index(name)


def _add_charts(wb: Any, result: Study, sheets: dict[str, tuple[Any, StudyTable]]) -> None:
    match result:
        case SweepResult():
            _sweep_charts(wb, result, sheets)
        case TornadoResult():
            _tornado_chart(wb, result, *sheets["tornado"])
        case MonteCarloResult():
            _histogram_charts(wb, *sheets["histogram"])
        case SensitivityReport():
            pass  # tables only: prices of rows in different units do not share one axis


def _sweep_charts(wb: Any, result: SweepResult, sheets: dict[str, tuple[Any, StudyTable]]) -> None:
    ws, table = sheets["points"]
    n = len(table.rows)
    if n == 0:
        return
    values = [float(v) for v in result.points["value"]]
    x, score = _column(table, "value"), _column(table, "score")
    chart = _line_chart(
        wb,
        "points",
        n,
        x,
        [score],
        ["score"],
        values,
        f"Optimal score by {result.param}",
        result.param,
        "score",
    )
    ws.insert_chart(1, len(table.headers) + 1, chart)
    if "frontier" in sheets:
        fws, frontier = sheets["frontier"]
        budgets = [float(v) for v in result.frontier["total_budget"]]
        chart = _line_chart(
            wb,
            "frontier",
            n,
            _column(frontier, "total_budget"),
            [_column(frontier, "score")],
            ["score"],
            budgets,
            "Budget frontier: optimal score against total budget",
            "total budget (sum of the period budgets)",
            "score",
        )
        fws.insert_chart(1, len(frontier.headers) + 1, chart)
    sws, spend = sheets["spend_by_period"]
    periods = [h for h, _ in spend.headers if h.startswith("period ")]
    if periods:
        chart = _line_chart(
            wb,
            "spend_by_period",
            n,
            0,
            [_column(spend, p) for p in periods],
            periods,
            values,
            f"Spend per period by {result.param}",
            result.param,
            "spend",
        )
        sws.insert_chart(1, len(spend.headers) + 1, chart)


def _tornado_chart(wb: Any, result: TornadoResult, ws: Any, table: StudyTable) -> None:
    n = min(TORNADO_BARS, len(table.rows))
    if n == 0:
        return
    chart = wb.add_chart({"type": "bar"})
    name = _column(table, "label")
    pct = f"{result.delta:.0%}"
    for k, (column, label) in enumerate(
        (("change_low", f"parameter down {pct}"), ("change_high", f"parameter up {pct}"))
    ):
        fill = (
            {"fill": {"color": BLUE}}
            if k == 0
            else {"pattern": {"pattern": "wide_upward_diagonal", "fg_color": ORANGE, "bg_color": "#FFFFFF"}}
        )
        chart.add_series(
            {
                "name": label,
                "categories": ["tornado", 1, name, n, name],
                "values": ["tornado", 1, _column(table, column), n, _column(table, column)],
                "border": {"color": "#333333"},
                "overlap": 100,
                "gap": 40,
                **fill,
            }
        )
    chart.set_title({"name": f"Tornado: change of the optimal score (base {_fmt(result.base_score)})"})
    chart.set_y_axis({"reverse": True})  # largest swing on top
    chart.set_x_axis({"name": "score change from the base", "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": max(320, 28 * n + 120)})
    ws.insert_chart(1, len(table.headers) + 1, chart)


def _histogram_charts(wb: Any, ws: Any, table: StudyTable) -> None:
    n = len(table.rows)
    if n == 0:
        return
    low = _column(table, "bin_low")
    for k, (column, title, colour) in enumerate(
        (
            ("optimal_plans", "Optimal score of each draw (re-optimised plan)", BLUE),
            ("base_plan", "Score the base plan reaches in each draw", ORANGE),
        )
    ):
        chart = wb.add_chart({"type": "column"})
        fill = (
            {"fill": {"color": colour}}
            if k == 0
            else {"pattern": {"pattern": "wide_upward_diagonal", "fg_color": colour, "bg_color": "#FFFFFF"}}
        )
        chart.add_series(
            {
                "name": column,
                "categories": ["histogram", 1, low, n, low],
                "values": ["histogram", 1, _column(table, column), n, _column(table, column)],
                "border": {"color": "#333333"},
                "gap": 5,
                **fill,
            }
        )
        chart.set_title({"name": title})
        chart.set_x_axis({"name": "score (bin start)", "num_format": "0.00"})
        chart.set_y_axis({"name": "draws"})
        chart.set_legend({"none": True})
        chart.set_size({"width": 560, "height": 320})
        ws.insert_chart(1 + 17 * k, len(table.headers) + 1, chart)


# --------------------------------------------------------------------------- CSV


def _write_csv_files(result: Study, folder: Path) -> None:
    import csv

    for table in study_tables(result):
        with open(folder / f"{table.name}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([h for h, _ in table.headers])
            for row in table.rows:
                writer.writerow([report.csv_cell(v, k) for v, (_, k) in zip(row, table.headers, strict=True)])
            handle.flush()
            os.fsync(handle.fileno())


# --------------------------------------------------------------------------- writing


def csv_names(result: Study) -> list[str]:
    return [f"{t.name}.csv" for t in study_tables(result)]


def check_output(output: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]) -> Path:
    """Refuse, before any work, an output that could not be written: an input, a file inside an input
    folder, a .csv/.xls name, a folder given for a file or a file for a folder. Returns the target."""
    inputs = list(inputs)
    shown = os.fspath(output)
    target = Path(os.path.realpath(output))
    atomic.check_not_input([target], inputs, shown)
    kind = report.output_kind(Path(output))
    if kind == "csv":
        if target.exists() and not target.is_dir():
            raise OutputError(f"Cannot write CSV files into '{shown}': it is a file, not a folder.")
    elif target.is_dir():
        raise OutputError(f"Cannot write the report to '{shown}': it is a folder.")
    return target


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
    shown = os.fspath(output)
    target = check_output(output, inputs)
    kind = report.output_kind(Path(output))
    if kind == "csv":
        atomic.check_not_input([target / name for name in csv_names(result)], inputs, shown)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if kind == "xlsx":
            atomic.write_file_atomically(target, lambda path: _write_workbook(result, path, inputs))
        elif kind == "json":
            atomic.write_file_atomically(target, lambda path: _write_json(result, path, inputs))
        else:
            atomic.write_folder_atomically(target, lambda folder: _write_csv_files(result, folder))
    except (OSError, xlsxwriter.exceptions.FileCreateError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise OutputError(f"Could not write the report to '{shown}': {reason}.") from exc
    return target


# --------------------------------------------------------------------------- HTML sections


def study_sections(result: Study) -> list[Section]:
    """Pictures and tables of a study for `html_report.write_html(..., extra_sections=...)`."""
    match result:
        case SensitivityReport():
            return _sensitivity_sections(result)
        case SweepResult():
            return _sweep_sections(result)
        case TornadoResult():
            return _tornado_sections(result)
        case MonteCarloResult():
            return _monte_carlo_sections(result)
    raise TypeError(f"not a study result: {type(result).__name__}")


def _fmt(value: Any, decimals: int = 2) -> str:
    if value is None or (isinstance(value, (float, np.floating)) and math.isnan(value)):
        return "–"
    if isinstance(value, (float, np.floating)) and math.isinf(value):
        return "unbounded" if value > 0 else "-unbounded"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        text = f"{float(value):,.{decimals}f}"
        return text[1:] if text.startswith("-") and not text.strip("-0.,") else text
    return clean(value)


def _sensitivity_sections(result: SensitivityReport) -> list[Section]:
    from .html import Html, Section, Table

    sections = []
    note = result.message or ("Allowable ranges from HiGHS's ranging." if result.ranging else "")
    if result.sentences:
        import html

        items = "".join(f"<li>{html.escape(s)}</li>" for s in result.sentences[:12])
        sections.append(Section("What the binding limits are worth", Html(f"<ul>{items}</ul>"), note=note))
    elif result.status != "optimal":
        sections.append(Section("Sensitivity", f"No sensitivity report: {result.message}"))
    money = result.constraints[
        (result.constraints["kind"] != "target") & (result.constraints["shadow_price"] > 0)
    ]
    if len(money):
        sections.append(
            Section(
                "Shadow prices of the binding money limits",
                _shadow_price_figure(money, result.currency),
                alt=_shadow_price_alt(money, result.currency),
                note="Score points gained per extra unit of money in each limit "
                "(0 for limits that do not bind).",
            )
        )
    priced = limit_rows(result)
    if len(priced):
        sections.append(
            Section(
                "Limits and targets that bind",
                Table(
                    ["limit", "period", "final value", "shadow price", "rhs", "allowable increase",
                     "allowable decrease"],
                    [
                        [_limit_name(r), r.period, _fmt(r.activity), _fmt(r.shadow_price, 4), _fmt(r.rhs),
                         _fmt(r.allowable_increase), _fmt(r.allowable_decrease)]
                        for r in priced.itertuples(index=False)
                    ],
                ),
            )
        )  # fmt: skip
    if len(result.entering):
        sections.append(
            Section(
                "Options closest to being funded",
                Table(
                    ["rank", "option", "partner", "period", "score lost per unit", "per unit of money"],
                    [
                        [r.rank, r.option, r.partner, r.period, _fmt(r.reduced_cost, 4),
                         _fmt(r.reduced_cost_per_money, 4)]
                        for r in result.entering.head(10).itertuples(index=False)
                    ],
                ),
            )
        )  # fmt: skip
    return sections


def _limit_name(row: Any) -> str:
    match row.kind:
        case "period":
            return "budget"
        case "type":
            return f"{row.name} budget"
        case "partner":
            return f"{row.name} cap"
    return f"target {row.name} {row.domain}"


def limit_rows(result: SensitivityReport) -> pd.DataFrame:
    """The budget, type, cap and target rows worth showing: the binding ones, dearest first."""
    rows = result.constraints[result.constraints["binding"] | (result.constraints["shadow_price"] > 0)]
    return rows.sort_values(["shadow_price", "kind", "period"], ascending=[False, True, True], kind="stable")


def _shadow_price_alt(rows: pd.DataFrame, currency: str) -> str:
    top = rows.sort_values("shadow_price", ascending=False).head(3)
    parts = [f"{_limit_name(r)} period {r.period}: {r.shadow_price:.3g}" for r in top.itertuples(index=False)]
    return f"Bar chart of score points per extra {currency or 'currency unit'}; highest: " + "; ".join(parts)


def _pictures() -> Any:
    from .html import Pictures

    return Pictures()


def _shadow_price_figure(rows: pd.DataFrame, currency: str) -> bytes:
    rows = rows.sort_values("shadow_price", ascending=False).head(TORNADO_BARS)
    labels = [f"{_limit_name(r)}, period {r.period}" for r in rows.itertuples(index=False)]
    pictures = _pictures()
    with pictures.context():
        fig = pictures.Figure(figsize=(6.4, 0.32 * len(rows) + 1.0))
        ax = fig.add_subplot()
        y = np.arange(len(rows))
        ax.barh(y, rows["shadow_price"], color=BLUE, edgecolor="#222222")
        for k, value in enumerate(rows["shadow_price"]):
            ax.text(value, k, f" {value:.3g}", va="center", fontsize=8)
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        ax.set_xlabel(f"score points per extra {currency or 'currency unit'}")
        ax.margins(x=0.15)
        return pictures.png(fig)


def _sweep_sections(result: SweepResult) -> list[Section]:
    from .html import Section, Table

    points = result.points
    solved = points[points["score"].notna()]
    sections = []
    if is_budget_sweep(result):
        frontier = result.frontier
        sections.append(
            Section(
                "Budget frontier",
                _line_figure(
                    frontier["total_budget"].to_numpy(),
                    {"optimal score": frontier["score"].to_numpy()},
                    "total budget (sum of the period budgets)",
                    "score",
                    base=_base_budget(result),
                ),
                alt=_frontier_alt(result),
                note=f"Optimal score against the total budget as {result.param} varies; the dashed line "
                "marks the scenario's own budget.",
            )
        )
    else:
        sections.append(
            Section(
                f"Optimal score by {result.param}",
                _line_figure(
                    points["value"].to_numpy(),
                    {"optimal score": points["score"].to_numpy()},
                    result.param,
                    "score",
                    base=result.base_value if math.isfinite(result.base_value) else None,
                ),
                alt=f"Line chart of the optimal score for {len(points)} values of {result.param}; "
                + (
                    f"from {solved['score'].iloc[0]:.2f} to {solved['score'].iloc[-1]:.2f}."
                    if len(solved)
                    else "no value has a plan."
                ),
                note="The dashed line marks the scenario's own value.",
            )
        )
    wide = spend_by_period_wide(result)
    periods = [c for c in wide.columns if c.startswith("period ")]
    if periods:
        sections.append(
            Section(
                f"Spend per period by {result.param}",
                _line_figure(
                    wide["value"].to_numpy(), {p: wide[p].to_numpy() for p in periods}, result.param, "spend"
                ),
                alt=f"Line chart of the spend in each of {len(periods)} periods "
                f"for each value of {result.param}.",
            )
        )
    sections.append(
        Section(
            f"Sweep of {result.param}",
            Table(
                ["value", "status", "score", "spend", "total budget"],
                [
                    [_fmt(r.value, 4), r.status, _fmt(r.score), _fmt(r.spend), _fmt(r.total_budget)]
                    for r in points.itertuples(index=False)
                ],
            ),
        )
    )
    return sections


def _base_budget(result: SweepResult) -> float | None:
    """The total budget of the sweep point at the scenario's own value, if the sweep has it."""
    at_base = result.points[np.isclose(result.points["value"], result.base_value)]
    return float(at_base["total_budget"].iloc[0]) if len(at_base) else None


def _frontier_alt(result: SweepResult) -> str:
    f = result.frontier.dropna(subset=["score"])
    if not len(f):
        return "Budget frontier: no budget level has a plan."
    first, last = f.iloc[0], f.iloc[-1]
    return (
        f"Line chart of the optimal score against the total budget: {first['score']:.2f} at "
        f"{first['total_budget']:.4g} rising to {last['score']:.2f} at {last['total_budget']:.4g}."
    )


def _line_figure(
    x: np.ndarray, series: dict[str, np.ndarray], x_label: str, y_label: str, base: float | None = None
) -> bytes:
    pictures = _pictures()
    with pictures.context():
        fig = pictures.Figure(figsize=(6.4, 3.6))
        ax = fig.add_subplot()
        for k, (name, y) in enumerate(series.items()):
            ax.plot(
                x, y, label=name, color=LINE_COLOURS[k % len(LINE_COLOURS)], marker=MARKERS[k % len(MARKERS)],
                linestyle=LINESTYLES[k % len(LINESTYLES)], linewidth=1.8, markersize=5,
            )  # fmt: skip
        if base is not None:
            ax.axvline(base, color="#555555", linestyle="--", linewidth=1)
        ax.set_xlabel(x_label)
        ax.set_ylabel(y_label)
        ax.grid(True, color="#DDDDDD", linewidth=0.6)
        if len(series) > 1:
            ax.legend(loc="best", fontsize=8)
        return pictures.png(fig)


def _tornado_sections(result: TornadoResult) -> list[Section]:
    from .html import Section, Table

    table = tornado_table(result)
    top = table.head(TORNADO_BARS)
    sections = []
    if len(top):
        described = "; ".join(f"{r.label}: swing {r.swing:.2f}" for r in top.head(3).itertuples(index=False))
        sections.append(
            Section(
                "Tornado: what moves the optimal score most",
                _tornado_figure(result, top),
                alt=f"Horizontal bars of the optimal score with each parameter down and up by "
                f"{result.delta:.0%}, largest swing first; {described}.",
                note=f"Each parameter down (solid) and up (hatched) by {result.delta:.0%}, one at a time; "
                f"the line is the base score {_fmt(result.base_score)}.",
            )
        )
    sections.append(
        Section(
            "Tornado table",
            Table(
                ["parameter", "base value", "low", "high", "score low", "score high", "swing"],
                [
                    [r.label, _fmt(r.base_value, 4), _fmt(r.low_value, 4), _fmt(r.high_value, 4),
                     _fmt(r.score_low), _fmt(r.score_high), _fmt(r.swing)]
                    for r in table.head(30).itertuples(index=False)
                ],
                caption=f"The {min(30, len(table))} largest swings of {len(table)}.",
            ),
        )
    )  # fmt: skip
    return sections


def _tornado_figure(result: TornadoResult, top: pd.DataFrame) -> bytes:
    pictures = _pictures()
    base = result.base_score
    with pictures.context():
        fig = pictures.Figure(figsize=(6.8, 0.34 * len(top) + 1.2))
        ax = fig.add_subplot()
        y = np.arange(len(top))
        low = np.nan_to_num(top["change_low"].to_numpy(dtype=float))
        high = np.nan_to_num(top["change_high"].to_numpy(dtype=float))
        pct = f"{result.delta:.0%}"
        ax.barh(y, low, left=base, color=BLUE, edgecolor="#222222", label=f"down {pct}")
        ax.barh(
            y, high, left=base, color="white", edgecolor=ORANGE, hatch="///", label=f"up {pct}", linewidth=1.2
        )
        ax.axvline(base, color="#000000", linewidth=1)
        ax.set_yticks(y, [clean(n)[:40] for n in top["label"]])
        ax.invert_yaxis()
        ax.set_xlabel("optimal score")
        ax.legend(loc="lower right", fontsize=8)
        ax.grid(True, axis="x", color="#DDDDDD", linewidth=0.6)
        return pictures.png(fig)


def _monte_carlo_sections(result: MonteCarloResult) -> list[Section]:
    from .html import Section, Table

    p = result.percentiles.set_index("statistic")
    sections = [
        Section(
            "Monte Carlo: how the score varies with uncertain gains",
            _histogram_figure(result),
            alt=(
                f"Two histograms over {result.n} draws: the optimal score (median "
                f"{_fmt(p.loc['p50', 'optimal_score'])}) and the base plan's score (median "
                f"{_fmt(p.loc['p50', 'base_plan_score'])})."
            ),
            note=(
                f"{result.n} draws of every gain from triangular(gain_low, gain, gain_high), "
                f"seed {result.seed}; "
                "the solid line is the base case's score, the dashed lines the 5th and 95th percentiles."
                + (f" {result.message}." if result.message else "")
            ),
        ),
        Section(
            "Monte Carlo percentiles",
            Table(
                ["statistic", "optimal score", "base plan's score"],
                [[s, _fmt(r.optimal_score), _fmt(r.base_plan_score)] for s, r in p.iterrows()],
            ),
        ),
    ]
    options = result.options.sort_values("probability_funded", ascending=False, kind="stable")
    options = options[(options["probability_funded"] > 0) | options["funded_in_base"]]
    if len(options):
        sections.append(
            Section(
                "Probability that each option is funded",
                Table(
                    ["option", "type", "probability funded", "funded in the base plan"],
                    [
                        [r.option, r.type, f"{r.probability_funded:.0%}", _fmt(r.funded_in_base)]
                        for r in options.itertuples(index=False)
                    ],
                ),
            )
        )
    if len(result.targets):
        targets = result.targets.sort_values("probability_met", kind="stable")
        sections.append(
            Section(
                "Probability that the base plan meets each target",
                Table(
                    ["partner", "domain", "period", "min score", "probability met"],
                    [
                        [r.partner, r.domain, r.period, _fmt(r.min_score, 1), f"{r.probability_met:.0%}"]
                        for r in targets.itertuples(index=False)
                    ],
                ),
            )
        )
    return sections


def _histogram_figure(result: MonteCarloResult) -> bytes:
    bins = histogram(result)
    pictures = _pictures()
    p = result.percentiles.set_index("statistic")
    with pictures.context():
        fig = pictures.Figure(figsize=(6.8, 4.6))
        axes = fig.subplots(2, 1, sharex=True)
        for ax, (column, stat, title, style) in zip(
            axes,
            (
                ("optimal_plans", "optimal_score", "optimal score (plan re-optimised for each draw)",
                 {"color": BLUE, "edgecolor": "#222222"}),
                ("base_plan", "base_plan_score", "score the base plan reaches",
                 {"color": "white", "edgecolor": VERMILION, "hatch": "///"}),
            ),
            strict=True,
        ):  # fmt: skip
            if len(bins):
                ax.bar(
                    bins["bin_low"], bins[column], width=bins["bin_high"] - bins["bin_low"], align="edge",
                    linewidth=1, **style,
                )  # fmt: skip
            ax.axvline(result.base_score, color="#000000", linewidth=1.2)
            for q in ("p5", "p95"):
                value = p.loc[q, stat]
                if math.isfinite(value):
                    ax.axvline(value, color="#555555", linestyle="--", linewidth=1)
            ax.set_title(title, loc="left")
            ax.set_ylabel("draws")
        axes[-1].set_xlabel("score")
        fig.tight_layout()
        return pictures.png(fig)


# --------------------------------------------------------------------------- terminal text


def _grid(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[j]) for r in rows)) if rows else len(h) for j, h in enumerate(headers)]
    line = "  ".join(
        h.ljust(w) if j == 0 else h.rjust(w) for j, (h, w) in enumerate(zip(headers, widths, strict=True))
    )
    out = ["  " + line.rstrip()]
    for row in rows:
        cells = [
            c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        out.append("  " + "  ".join(cells).rstrip())
    return out


def sensitivity_summary(
    result: SensitivityReport, rows: int = 12, entering: int = 5, sentences: int = 20
) -> str:
    """Binding limits in plain sentences, a short table of limit rows, the options closest to entering."""
    lines = [f"Sensitivity ({result.solver}): status {result.status}"]
    if result.score is not None:
        lines[0] += f", score {result.score:.2f}"
    if result.message:
        lines.append(f"Note: {clean(result.message)}")
    if result.score is None:
        return "\n".join(lines)
    if result.sentences:
        lines.append("What the binding limits are worth:")
        lines += [f"  {clean(s)}" for s in result.sentences[:sentences]]
        if len(result.sentences) > sentences:
            lines.append(f"  ... and {len(result.sentences) - sentences} more in the report")
    else:
        lines.append("No budget, cap or target binds with a positive price.")
    table = limit_rows(result)
    if len(table):
        lines.append(
            "Binding limits and targets (final value, shadow price, rhs, allowable increase/decrease):"
        )
        lines += _grid(
            ["limit", "period", "final", "price", "rhs", "increase", "decrease"],
            [
                [clean(_limit_name(r))[:40], str(r.period), _fmt(r.activity), _fmt(r.shadow_price, 4),
                 _fmt(r.rhs), _fmt(r.allowable_increase), _fmt(r.allowable_decrease)]
                for r in table.head(rows).itertuples(index=False)
            ],
        )  # fmt: skip
        if len(table) > rows:
            lines.append(f"  ... {len(table) - rows} more rows in the report")
    if len(result.entering):
        lines.append(
            f"The {min(entering, len(result.entering))} unfunded options closest to entering, closest first "
            "(score lost per unit forced in, and per unit of money):"
        )
        lines += _grid(
            ["option", "partner", "period", "per unit", "per money"],
            [
                [clean(r.option), clean(r.partner), str(r.period),
                 _fmt(r.reduced_cost, 4), _fmt(r.reduced_cost_per_money, 4)]
                for r in result.entering.head(entering).itertuples(index=False)
            ],
        )  # fmt: skip
    return "\n".join(lines)


def sweep_summary(result: SweepResult) -> str:
    wide = spend_by_period_wide(result)
    periods = [c for c in wide.columns if c.startswith("period ")]
    how = "warm re-solves" if result.warm else "cold solves"
    lines = [f"Sweep of {result.param} ({len(result.points)} values, {how}, {result.seconds:.1f} s):"]
    rows = []
    for k, point in enumerate(result.points.itertuples(index=False)):
        spend = [_fmt(wide[p].iloc[k], 1) if p in wide else "–" for p in periods]
        rows.append([_fmt(point.value, 4), point.status, _fmt(point.score), _fmt(point.spend, 1), *spend])
    lines += _grid(["value", "status", "score", "spend", *[p.replace("period ", "t") for p in periods]], rows)
    if is_budget_sweep(result):
        lines.append("Budget frontier (score against total budget) in the report: sheet 'frontier'.")
    lines.append("Units per option at each value: sheet 'units_by_option' of the report.")
    return "\n".join(lines)


def tornado_summary(result: TornadoResult, rows: int = 10) -> str:
    lines = [
        f"Tornado: each parameter down and up by {result.delta:.0%}; base score {_fmt(result.base_score)} "
        f"({len(result.table)} parameters, {result.seconds:.1f} s). Largest swings:"
    ]
    lines += _grid(
        ["parameter", "low", "high", "score low", "score high", "swing"],
        [
            [clean(r.label)[:40], _fmt(r.low_value, 4), _fmt(r.high_value, 4), _fmt(r.score_low),
             _fmt(r.score_high), _fmt(r.swing)]
            for r in tornado_table(result).head(rows).itertuples(index=False)
        ],
    )  # fmt: skip
    return "\n".join(lines)


def monte_carlo_summary(result: MonteCarloResult, rows: int = 8) -> str:
    lines = [
        f"Monte Carlo: {result.n} draws (seed {result.seed}), {result.uncertain_effects} uncertain gains, "
        f"{result.seconds:.1f} s; base case score {result.base_score:.2f}"
    ]
    if result.message:
        lines.append(f"Note: {clean(result.message)}")
    lines += _grid(
        ["statistic", "optimal score", "base plan's score"],
        [
            [r.statistic, _fmt(r.optimal_score), _fmt(r.base_plan_score)]
            for r in result.percentiles.itertuples()
        ],
    )
    options = result.options[(result.options["probability_funded"] > 0) | result.options["funded_in_base"]]
    options = options.sort_values("probability_funded", ascending=False, kind="stable")
    if len(options):
        lines.append("Probability that each option is funded in the optimal plans:")
        lines += _grid(
            ["option", "funded", "in base plan"],
            [
                [clean(r.option), f"{r.probability_funded:.0%}", _fmt(r.funded_in_base)]
                for r in options.head(rows).itertuples(index=False)
            ],
        )
    if len(result.targets):
        missed = result.targets[result.targets["probability_met"] < 1]
        if len(missed):
            lines.append("Targets the base plan may miss (probability met):")
            lines += [
                f"  {clean(r.partner)} {clean(r.domain)} >= {r.min_score:g} by period "
                f"{r.period}: {r.probability_met:.0%}"
                for r in missed.sort_values("probability_met").head(rows).itertuples(index=False)
            ]
        else:
            lines.append(f"The base plan meets all {len(result.targets)} targets in every draw.")
    return "\n".join(lines)


def study_summary(result: Study) -> str:
    """The terminal text of any study result."""
    match result:
        case SensitivityReport():
            return sensitivity_summary(result)
        case SweepResult():
            return sweep_summary(result)
        case TornadoResult():
            return tornado_summary(result)
        case MonteCarloResult():
            return monte_carlo_summary(result)
    raise TypeError(f"not a study result: {type(result).__name__}")


__all__ = [
    "StudyTable",
    "check_output",
    "histogram",
    "monte_carlo_summary",
    "sensitivity_summary",
    "study_json",
    "study_kind",
    "study_sections",
    "study_summary",
    "study_tables",
    "sweep_summary",
    "tornado_summary",
    "write_study",
]
