"""Report tables as plain records: the columns, cell kinds and values that the workbook, CSV
and JSON writers share, so every format says the same thing.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from ..io import schema
from ..results import Solution

if TYPE_CHECKING:
    from ..studies.comparison import Comparison

CellKind = Literal["text", "int", "money", "score", "units", "price", "seconds", "ratio"]


@dataclass(frozen=True)
class Column:
    """One report column: its header and how its values are written."""

    name: str
    kind: CellKind


ALLOCATION_COLUMNS = (
    Column("option", "text"),
    Column("partner", "text"),
    Column("period", "int"),
    Column("units", "units"),
    Column("cost", "money"),
)
READINESS_COLUMNS = (
    Column("partner", "text"),
    Column("domain", "text"),
    Column("period", "int"),
    Column("baseline", "score"),
    Column("score", "score"),
    Column("level", "int"),
    Column("level_name", "text"),
)
BUDGET_USE_COLUMNS = (
    Column("kind", "text"),
    Column("period", "int"),
    Column("name", "text"),
    Column("limit", "money"),
    Column("spend", "money"),
    Column("slack", "money"),
    Column("shadow_price", "price"),
)
SHORTFALL_REPORT_COLUMNS = (
    Column("partner", "text"),
    Column("domain", "text"),
    Column("period", "int"),
    Column("min_score", "score"),
    Column("reached", "score"),
    Column("shortfall", "score"),
    Column("row", "int"),
)
VIOLATION_COLUMNS = (
    Column("kind", "text"),
    Column("option", "text"),
    Column("type", "text"),
    Column("partner", "text"),
    Column("domain", "text"),
    Column("period", "int"),
    Column("limit", "money"),
    Column("actual", "money"),
    Column("excess", "money"),
)
SUMMARY_COLUMNS = (Column("key", "text"), Column("value", "text"))

ReportTable = tuple[tuple[Column, ...], list[dict[str, Any]]]  # a table's columns and its plain records

NUMBER_FORMATS = {
    "int": "0",
    "money": "#,##0.00",
    "score": "0.0",
    "units": "#,##0.00",
    "price": "0.0000",
    "seconds": "0.00",
    "ratio": "0.00",
}


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


def cell_value(value: Any, kind: CellKind) -> Any:
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


def table_records(table: pd.DataFrame, columns: tuple[Column, ...]) -> list[dict[str, Any]]:
    """Rows of `table` as plain dicts over `columns` (a missing column reads as None)."""
    if table is None or len(table) == 0:
        return []
    stored = [c for c in columns if c.name != "level_name"]
    frame = table.reindex(columns=[c.name for c in stored])
    rows = []
    for values in frame.itertuples(index=False, name=None):
        row = {c.name: cell_value(v, c.kind) for c, v in zip(stored, values, strict=True)}
        if len(stored) < len(columns):
            row["level_name"] = _level_name(row.get("level"))
            row = {c.name: row[c.name] for c in columns}
        rows.append(row)
    return rows


def solution_tables(solution: Solution) -> dict[str, tuple[tuple[Column, ...], list[dict[str, Any]]]]:
    """Every tabular part of the report: name -> (columns, records)."""
    tables = {
        "allocation": (ALLOCATION_COLUMNS, table_records(solution.allocation, ALLOCATION_COLUMNS)),
        "readiness": (READINESS_COLUMNS, table_records(solution.readiness, READINESS_COLUMNS)),
        "budget_use": (BUDGET_USE_COLUMNS, table_records(solution.budget_use, BUDGET_USE_COLUMNS)),
        "shortfalls": (
            SHORTFALL_REPORT_COLUMNS,
            table_records(solution.shortfalls, SHORTFALL_REPORT_COLUMNS),
        ),
    }
    if solution.status == "evaluated":
        tables["violations"] = (VIOLATION_COLUMNS, table_records(solution.violations, VIOLATION_COLUMNS))
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


def comparison_tables(comparison: Comparison) -> dict[str, tuple[tuple[Column, ...], list[dict[str, Any]]]]:
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
            Column(c, "text" if c == "plan" and name == "compare" else _column_kind(c)) for c in frame
        )
        tables[name] = (columns, table_records(frame, columns))
    return tables


def plan_spend(solution: Solution) -> tuple[float | None, list[float | None]]:
    """Total spend and spend per period, or None where there is no plan."""
    periods = list(solution.scenario.periods)
    if not solution.has_plan:
        return None, [None] * len(periods)
    if len(solution.allocation) == 0:
        return 0.0, [0.0] * len(periods)
    return cell_value(solution.spend, "money"), [cell_value(x, "money") for x in solution.spend_by_period]


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


def summary_rows(solution: Solution) -> list[tuple[str, Any, CellKind]]:
    """The key/value rows of the summary sheet and summary.csv."""
    settings = solution.scenario.settings
    spend, _ = plan_spend(solution)
    return [
        ("status", solution.status, "text"),
        ("outcome", status_text(solution), "text"),
        ("score_before", cell_value(solution.baseline_score, "score"), "score"),
        ("score_after", cell_value(solution.score, "score"), "score"),
        ("score_cap", cell_value(settings.score_cap, "score"), "score"),
        ("spend", spend, "money"),
        ("budget", cell_value(sum(b.total for b in solution.scenario.budgets), "money"), "money"),
        ("currency", settings.currency, "text"),
        ("solver", solution.solver, "text"),
        ("seconds", cell_value(solution.seconds, "seconds"), "seconds"),
        ("message", solution.message or "", "text"),
        ("scenario", solution.scenario.source or "", "text"),
        ("score_periods", settings.score_periods, "text"),
        ("weakest_link", cell_value(settings.weakest_link, "ratio"), "ratio"),
        ("level_thresholds", ", ".join(f"{x:g}" for x in settings.level_thresholds), "text"),
        *integer_rows(solution),
    ]


def integer_rows(solution: Solution) -> list[tuple[str, Any, CellKind]]:
    """An integer scenario's summary rows: the proven bound, the gap, the LP bound and what whole
    units cost in score (model.md); none for an LP scenario."""
    if not solution.scenario.integer:
        return []
    return [
        ("score_bound", cell_value(solution.bound, "score"), "score"),
        ("gap", cell_value(solution.gap, "ratio"), "ratio"),
        ("lp_bound", cell_value(solution.lp_bound, "score"), "score"),
        ("whole_units_cost", cell_value(solution.whole_units_cost, "score"), "score"),
        ("setup_money", cell_value(float(solution.setups["setup_cost"].sum()), "money"), "money"),
    ]


SETUP_COLUMNS = (
    Column("option", "text"),
    Column("type", "text"),
    Column("period", "int"),
    Column("setup_cost", "money"),
)
