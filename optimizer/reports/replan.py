"""What a re-plan reports beside its plan: what changed, predicted against measured, effectiveness.

The re-planned plan itself is reported as any plan is (`plan`, `html`); this module adds the re-plan's
tables (a sheet or CSV file each), its JSON keys (`money_moved`, `changes`, `evaluation`,
`pair_evaluation` with pairs, `effectiveness`, `kept`), its HTML sections (a picture of predicted
against measured readiness, partners and pairs) and its lines in the terminal.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from ..studies.replan import Replan
from . import writers
from .html import Section, Table, check_html, write_html
from .pictures import Pictures
from .plan import Extras, report_files, to_json, write_report
from .records import VIOLATION_COLUMNS, Column, ReportTable, cell_value, table_records
from .text import summary
from .theme import BLUE, ORANGE, cell, clean_text, plural

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
PAIR_EVALUATION_COLUMNS = (Column("partner_a", "text"), Column("partner_b", "text"), *EVALUATION_COLUMNS[1:])
EFFECTIVENESS_COLUMNS = (Column("partner", "text"), Column("factor", "ratio"), Column("cells", "int"))


def replan_tables(result: Replan) -> dict[str, ReportTable]:
    """The re-plan's own tables, by sheet (and CSV file) name; `pair_evaluation` with pairs only,
    as the plan's pair tables."""
    tables = [
        ("changes", CHANGE_COLUMNS, result.changes),
        ("evaluation", EVALUATION_COLUMNS, result.evaluation),
        ("effectiveness", EFFECTIVENESS_COLUMNS, result.effectiveness),
    ]
    if result.solution.scenario.pairs:
        tables.insert(2, ("pair_evaluation", PAIR_EVALUATION_COLUMNS, result.pair_evaluation))
    return {name: (columns, table_records(frame, columns)) for name, columns, frame in tables}


def future_violations(result: Replan) -> pd.DataFrame:
    """Rules the adopted plan, kept as it is, breaks from the re-plan period on (the past is history)."""
    violations = result.kept.violations
    return violations[violations["period"].astype(int) >= result.replan_from]


def replan_extras(result: Replan) -> Extras:
    tables = replan_tables(result)
    kept = result.kept
    return Extras(
        tables,
        {
            "replan_from": result.replan_from,
            "recalibrated": result.recalibrated,
            "money_moved": cell_value(result.money_moved, "money"),
            **{name: records for name, (_, records) in tables.items()},
            "kept": {
                "score": cell_value(kept.score, "score"),
                "spend": cell_value(kept.spend, "money"),
                "violations": table_records(future_violations(result), VIOLATION_COLUMNS),
            },
        },
    )


def replan_json(result: Replan, inputs: list[str | os.PathLike[str]]) -> dict[str, Any]:
    """The plan's JSON (allocation over the whole horizon, history included) and the re-plan's keys."""
    return to_json(result.solution, inputs) | dict(replan_extras(result).json)


def replan_sections(result: Replan) -> list[Section]:
    """What the HTML page shows after the plan: the changes, measured against predicted, effectiveness."""
    sections = []
    if result.solution.has_plan:
        rows = [
            [r.option, r.partner, r.period, cell(r.adopted), cell(r.replanned), cell(r.money_moved)]
            for r in result.changes.itertuples(index=False)
        ]
        note = f"{plural(len(rows), 'allocation')} changed, {cell(result.money_moved)} money moved in all."
        sections.append(
            Section(
                f"What the re-plan from period {result.replan_from} changes",
                Table(["option", "partner", "period", "adopted", "re-planned", "money moved"], rows)
                if rows
                else "Nothing: the adopted plan is still the best for the years left.",
                note=note,
            )
        )
    partner_cells, pair_cells = len(result.evaluation), len(result.pair_evaluation)
    if partner_cells or pair_cells:
        counted = " and ".join(
            text
            for n, text in (
                (partner_cells, plural(partner_cells, "measured partner readiness cell")),
                (pair_cells, plural(pair_cells, "measured pair readiness cell")),
            )
            if n
        )
        sections.append(
            Section(
                "Measured against predicted readiness",
                _measured_figure(result.evaluation, result.pair_evaluation),
                alt=f"Scatter of {counted} against the model's prediction; points below the diagonal "
                "did worse than predicted.",
                note="Each blue dot is one partner, domain and period"
                + (", each orange triangle one pair, domain and period" if pair_cells else "")
                + "; below the diagonal is below prediction.",
            )
        )
    if partner_cells:
        rows = [[r.partner, cell(r.factor), r.cells] for r in result.effectiveness.itertuples(index=False)]
        note = (
            "Re-planned with these factors."
            if result.recalibrated
            else "Use --recalibrate to re-plan with them."
        )
        sections.append(
            Section("Implied effectiveness", Table(["partner", "factor", "cells"], rows), note=note)
        )
    return sections


def _measured_figure(evaluation: pd.DataFrame, pair_evaluation: pd.DataFrame) -> bytes:
    """Measured against predicted: partner cells as blue dots, pair cells as orange triangles."""
    both = pd.concat([evaluation[["predicted", "measured"]], pair_evaluation[["predicted", "measured"]]])
    pictures = Pictures()
    with pictures.context():
        fig = pictures.Figure(figsize=(4.2, 4.0))
        ax = fig.add_subplot()
        low, high = float(both.min().min()), float(both.max().max())
        ax.plot([low, high], [low, high], color="#777777", linestyle="--", linewidth=1)
        for table, colour, marker, label in (
            (evaluation, BLUE, "o", "partner"),
            (pair_evaluation, ORANGE, "^", "pair"),
        ):
            if len(table):
                ax.scatter(
                    table["predicted"], table["measured"], s=14, color=colour, marker=marker, label=label
                )
        if len(evaluation) and len(pair_evaluation):
            ax.legend(loc="upper left")
        ax.set_xlabel("predicted readiness")
        ax.set_ylabel("measured readiness")
        fig.tight_layout()
        return pictures.png(fig)


def write_replan(
    result: Replan, output: Path, html_path: Path | None, inputs: list[str | os.PathLike[str]]
) -> list[Path]:
    """The report (workbook, JSON or CSV folder) and the HTML page; both paths are checked before
    either is written, so a refused page never leaves a report behind."""
    extras = replan_extras(result)
    writers.check_output(output, inputs, report_files(extras))
    if html_path is not None:
        check_html(html_path, inputs)
    written = [write_report(result.solution, output, inputs, extras=extras)]
    if html_path is not None:
        written.append(write_html(result.solution, html_path, inputs, extra_sections=replan_sections(result)))
    return written


def replan_summary(result: Replan) -> str:
    """The plan's account, then what the re-plan changed and what keeping the adopted plan would cost."""
    currency = clean_text(result.solution.scenario.settings.currency)
    money = f" {currency}" if currency else ""
    lines = [summary(result.solution), f"Re-planned from period {result.replan_from}"]
    if result.recalibrated:
        lines[-1] += ", with each measured partner's effectiveness recalibrated"
    if result.solution.has_plan:
        lines.append(
            f"Money moved from the adopted plan: {cell(result.money_moved)}{money} "
            f"({plural(len(result.changes), 'allocation')} changed)"
        )
        kept, broken = result.kept, len(future_violations(result))
        lost, extra = kept.score - result.solution.score, kept.spend - result.solution.spend
        lines.append(
            f"Keeping the adopted plan instead: score {kept.score:.1f} ({lost:+.1f}), "
            f"spend {kept.spend:.1f}{money} ({extra:+.1f})"
            + (f", breaking {plural(broken, 'rule')}" if broken else "")
        )
    measured = [
        _largest_difference(plural(len(table), noun), table, names)
        for table, noun, names in (
            (result.evaluation, "cell", ["partner"]),
            (result.pair_evaluation, "pair cell", ["partner_a", "partner_b"]),
        )
        if len(table)
    ]
    if measured:
        lines.append("Measured against predicted: " + "; ".join(measured))
    below = result.effectiveness[result.effectiveness["factor"] < 1 - 1e-9]
    for row in below.itertuples(index=False):
        lines.append(
            f"  {clean_text(row.partner)}: implied effectiveness x{row.factor:.2f} ({row.cells} cells)"
        )
    return "\n".join(lines)


def _largest_difference(counted: str, table: pd.DataFrame, names: list[str]) -> str:
    """'12 cells, largest difference -3.0 (ALD, MAR, period 2)'; a pair is named A–B."""
    worst = table.loc[table["difference"].abs().idxmax()]
    who = "–".join(clean_text(worst[name]) for name in names)
    return (
        f"{counted}, largest difference {worst['difference']:+.1f} "
        f"({who}, {clean_text(worst['domain'])}, period {int(worst['period'])})"
    )
