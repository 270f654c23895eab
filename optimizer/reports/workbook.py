"""The report workbook of a solution: a sheet per table with number formats in the scenario's
currency, level colours, native charts (spend by period, readiness by domain before and
after) and a README sheet that explains every sheet and column. User text is written with
`write_string`, never as a formula, number or link.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import xlsxwriter
import xlsxwriter.utility

from ..io import atomic
from ..results import Solution
from .figures import domain_readiness, spend_table
from .pairs import SHEET_HELP as PAIR_SHEET_HELP
from .pairs import write_pair_matrix_sheet
from .printing import set_up_printing
from .records import (
    READINESS_COLUMNS,
    SETUP_COLUMNS,
    CellKind,
    Column,
    ReportTable,
    cell_value,
    solution_tables,
    summary_rows,
    table_records,
)
from .theme import EXCEL_PATTERNS, LEVEL_COLOURS, LEVEL_TEXT_COLOURS, TYPE_COLOURS
from .writers import (
    WORKBOOK_OPTIONS,
    display_width,
    excel_money_format,
    sheet_formats,
    write_cell,
    write_rows,
)


def _write_table(
    wb: Any, formats: dict[str, Any], name: str, columns: tuple[Column, ...], rows: list[dict[str, Any]]
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
    rows = summary_rows(solution)
    ws = write_rows(
        wb, formats, "summary", [("key", "text"), ("value", "text")], [[k, v] for k, v, _ in rows]
    )
    # each value in its own format (the header list above gives one kind per column)
    for i, (_, value, kind) in enumerate(rows, start=1):
        write_cell(ws, i, 1, value, kind, formats)
    ws.set_column(1, 1, min(max(display_width(v, k) for _, v, k in rows) + 12, 80))


def _workbook_formats(wb: Any, solution: Solution) -> dict[str, Any]:
    formats = sheet_formats(wb, solution.scenario.settings.currency)
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
    pattern = EXCEL_PATTERNS[index % len(EXCEL_PATTERNS)]
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
        [t, *(cell_value(table.by_type[k][i], "money") for k in table.types)]
        + [
            cell_value(table.spend[i], "money"),
            cell_value(table.budget[i], "money"),
            cell_value(table.unused[i], "money"),
        ]
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
            cell_value(r["weight"], "ratio"),
            cell_value(r["average_before"], "score"),
            cell_value(r["average_after"], "score"),
            cell_value(r["weakest_before"], "score"),
            ", ".join(r["weakest_partner_before"]) or None,
            cell_value(r["weakest_after"], "score"),
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
            "score_periods, weakest_link, level_thresholds; for whole units: score_bound (the "
            "proven bound), gap, lp_bound (the score with fractions allowed), whole_units_cost "
            "(lp_bound less score_after), setup_money.",
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
    "setups": (
        "Exercises held at a set-up cost: the money of holding the option in the period at all "
        "(hosting, planning, range fees), paid once whoever takes part.",
        {
            "option": "Option id.",
            "type": "Its type, whose budget the set-up money counts in.",
            "period": "Period it is held in.",
            "setup_cost": "The set-up money, in the currency; in the period budget and total spend.",
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
    "changes": (
        "interop replan: every allocation of the re-planned periods that differs from the adopted plan.",
        {
            "option / partner / period": "Where the allocation changed.",
            "adopted": "Units the adopted plan had.",
            "replanned": "Units the re-plan has.",
            "money_moved": "unit_cost x cost_factor x the difference in units.",
        },
    ),
    "evaluation": (
        "interop replan: each measured readiness beside the readiness the model predicted from the units "
        "really funded.",
        {
            "partner / domain / period": "The measured cell (measured at the end of the period).",
            "predicted": "Readiness the model predicts from what was really funded (capped).",
            "measured": "Readiness measured.",
            "difference": "measured - predicted.",
        },
    ),
    "pair_evaluation": (
        "interop replan: each measured pair readiness beside the pair readiness the model predicted from "
        "the units really funded.",
        {
            "partner_a / partner_b / domain / period": "The measured pair cell (partners as measured).",
            "predicted": "Pair readiness the model predicts from the joint units really funded (capped).",
            "measured": "Pair readiness measured.",
            "difference": "measured - predicted.",
        },
    ),
    "effectiveness": (
        "interop replan: each measured partner's implied effectiveness.",
        {
            "partner": "Partner id.",
            "factor": "The least-squares factor on its effectiveness that best explains its measured gains "
            "over baseline (1: as modelled).",
            "cells": "Measurements it rests on (those below the score cap with a modelled gain).",
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
        about, columns = (_SHEET_HELP | PAIR_SHEET_HELP)[sheet]
        rows.append([sheet, None, about])
        rows.extend([sheet, column, meaning] for column, meaning in columns.items())
    ws = write_rows(wb, formats, "README", [("sheet", "text"), ("column", "text"), ("meaning", "text")], rows)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 28)
    ws.set_column(2, 2, 100, formats["wrap"])


def write_workbook(solution: Solution, path: Path, extra: Mapping[str, ReportTable] | None = None) -> None:
    """The report workbook; `extra` tables (a comparison, a re-plan's changes) each get a sheet."""
    with atomic.xlsx_workbook(path, WORKBOOK_OPTIONS) as wb:
        formats = _workbook_formats(wb, solution)
        _write_summary_sheet(wb, formats, solution)
        tables = solution_tables(solution)
        sheets = ["summary"]
        for name in ("allocation", "readiness", "budget_use"):
            ws = _write_table(wb, formats, name, *tables[name])
            sheets.append(name)
            if name == "readiness":
                last = len(READINESS_COLUMNS) - 1
                _colour_levels(ws, formats, len(tables[name][1]), last - 1, last)
        if solution.scenario.integer:
            _write_table(wb, formats, "setups", SETUP_COLUMNS, table_records(solution.setups, SETUP_COLUMNS))
            sheets.append("setups")
        if solution.status == "infeasible" or tables["shortfalls"][1]:
            _write_table(wb, formats, "shortfalls", *tables["shortfalls"])
            sheets.append("shortfalls")
        violations = {"violations": tables["violations"]} if "violations" in tables else {}
        for name, table in (violations | dict(extra or {})).items():
            _write_table(wb, formats, name, *table)
            sheets.append(name)
        if solution.has_plan:
            _write_spend_sheet(wb, formats, solution)
            sheets.append("spend_by_period")
        _write_domain_sheet(wb, formats, solution)
        sheets.append("readiness_by_domain")
        if solution.scenario.pairs:
            write_pair_matrix_sheet(wb, formats, solution)
            sheets.append("pair_matrix")
        _write_readme_sheet(wb, formats, solution, sheets)
        set_up_printing(wb, solution.scenario.source)
