"""What a re-plan reports beside its plan: what changed, predicted against measured, effectiveness.

The re-planned plan itself is reported as any plan is (reports/plan.py); this module adds the
tables and sentences of the re-plan: JSON keys `money_moved`, `changes`, `evaluation`,
`effectiveness` and `kept`, and the terminal account of them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import pandas as pd

from ..studies.replan import Replan
from .plan import clean_text, summary, to_json
from .records import VIOLATION_COLUMNS, Column, cell_value, table_records

CHANGE_COLUMNS = (
    Column("option", "text"),
    Column("partner", "text"),
    Column("period", "int"),
    Column("adopted", "units"),
    Column("replanned", "units"),
    Column("money_moved", "money"),
)
EVALUATION_COLUMNS = (
    Column("partner", "text"),
    Column("domain", "text"),
    Column("period", "int"),
    Column("predicted", "score"),
    Column("measured", "score"),
    Column("difference", "score"),
)
EFFECTIVENESS_COLUMNS = (Column("partner", "text"), Column("factor", "ratio"), Column("cells", "int"))


def replan_tables(result: Replan) -> dict[str, tuple[tuple[Column, ...], pd.DataFrame]]:
    """The re-plan's own tables, by sheet (and CSV file) name, with their columns."""
    return {
        "changes": (CHANGE_COLUMNS, result.changes),
        "evaluation": (EVALUATION_COLUMNS, result.evaluation),
        "effectiveness": (EFFECTIVENESS_COLUMNS, result.effectiveness),
    }


def replan_json(result: Replan, inputs: Iterable[str | os.PathLike[str]] = ()) -> dict[str, Any]:
    """The plan's JSON (allocation over the whole horizon, history included) and the re-plan's keys."""
    data = to_json(result.solution, inputs)
    kept = result.kept
    data.update(
        {
            "replan_from": result.replan_from,
            "recalibrated": result.recalibrated,
            "money_moved": cell_value(result.money_moved, "money"),
            **{
                name: table_records(table, columns)
                for name, (columns, table) in replan_tables(result).items()
            },
            "kept": {
                "score": cell_value(kept.score, "score"),
                "spend": cell_value(kept.spend, "money"),
                "violations": table_records(future_violations(result), VIOLATION_COLUMNS),
            },
        }
    )
    return data


def future_violations(result: Replan) -> pd.DataFrame:
    """Rules the adopted plan, kept as it is, breaks from the re-plan period on (the past is history)."""
    violations = result.kept.violations
    return violations[violations["period"].astype(int) >= result.replan_from]


def replan_summary(result: Replan) -> str:
    """The plan's account, then what the re-plan changed and what keeping the adopted plan would cost."""
    currency = clean_text(result.solution.scenario.settings.currency)
    money = f" {currency}" if currency else ""
    lines = [summary(result.solution), f"Re-planned from period {result.replan_from}"]
    if result.recalibrated:
        lines[-1] += ", with each measured partner's effectiveness recalibrated"
    if result.solution.has_plan:
        lines.append(
            f"Money moved from the adopted plan: {result.money_moved:.1f}{money} "
            f"({len(result.changes)} allocation{'s' if len(result.changes) != 1 else ''} changed)"
        )
        kept, broken = result.kept, len(future_violations(result))
        lost, extra = kept.score - result.solution.score, kept.spend - result.solution.spend
        lines.append(
            f"Keeping the adopted plan instead: score {kept.score:.1f} ({lost:+.1f}), "
            f"spend {kept.spend:.1f}{money} ({extra:+.1f})"
            + (f", breaking {broken} rule{'s' if broken != 1 else ''}" if broken else "")
        )
    if len(result.evaluation):
        worst = result.evaluation.loc[result.evaluation["difference"].abs().idxmax()]
        lines.append(
            f"Measured against predicted: {len(result.evaluation)} cells, largest difference "
            f"{worst['difference']:+.1f} ({clean_text(worst['partner'])}, {clean_text(worst['domain'])}, "
            f"period {int(worst['period'])})"
        )
    below = result.effectiveness[result.effectiveness["factor"] < 1 - 1e-9]
    for row in below.itertuples(index=False):
        lines.append(
            f"  {clean_text(row.partner)}: implied effectiveness x{row.factor:.2f} ({row.cells} cells)"
        )
    return "\n".join(lines)
