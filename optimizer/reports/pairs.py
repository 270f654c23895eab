"""Reports of pairwise interoperability (model.md): the pair tables every format shares, the
partner x partner matrix per domain before and after (coloured cells in the workbook, a heatmap
in HTML), the weakest pair per domain and, for each funded joint exercise, the pairs it raised.

A scenario without pairs reports nothing here, so its reports are as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import pairs as pair_model
from ..results import Solution
from . import pictures
from .cells import PageTable, Picture
from .pictures import Pictures
from .records import Column, ReportTable, table_records
from .theme import LEVEL_COLOURS, LEVEL_TEXT_COLOURS, number, partner_label

PAIR_REPORT_COLUMNS = (
    Column("partner_a", "text"),
    Column("partner_b", "text"),
    Column("domain", "text"),
    Column("period", "int"),
    Column("baseline", "score"),
    Column("score", "score"),
)
WEAKEST_REPORT_COLUMNS = (
    Column("domain", "text"),
    Column("weakest_before", "score"),
    Column("pairs_before", "text"),
    Column("weakest_after", "score"),
    Column("pairs_after", "text"),
)
JOINT_REPORT_COLUMNS = (
    Column("option", "text"),
    Column("partner_a", "text"),
    Column("partner_b", "text"),
    Column("domain", "text"),
    Column("joint_units", "units"),
    Column("points", "score"),
)

SHEET_HELP: dict[str, tuple[str, dict[str, str]]] = {
    "pairs": (
        "Readiness of every pair of the scenario's pairs sheet in every period under the plan.",
        {
            "partner_a / partner_b / domain": "The pair and the domain it is modelled in.",
            "period": "Period.",
            "baseline": "How well the two work together today (pairs.score, or the weaker baseline).",
            "score": "Pair readiness in that period with the plan, capped at score_cap.",
        },
    ),
    "weakest_pairs": (
        "The weakest pair of positive weight in each domain with pairs, before and in the final period.",
        {
            "weakest_before / weakest_after": "Lowest pair readiness at baseline / with the plan.",
            "pairs_before / pairs_after": "The pair(s) at that lowest readiness.",
        },
    ),
    "joint_exercises": (
        "For each funded option with a pair gain, the pairs it raised by the partners taking part together.",
        {
            "option": "Option id.",
            "partner_a / partner_b / domain": "A pair it raised.",
            "joint_units": "Units both partners took part in (the less of the two, per period), "
            "counting within the horizon.",
            "points": "Pair readiness points they add, before the cap.",
        },
    ),
    "pair_matrix": (
        "Partner x partner matrix of pair readiness per domain, at baseline and in the final period, "
        "each cell coloured by its level; blank where the pair is not modelled.",
        {},
    ),
}


def pair_tables(solution: Solution) -> dict[str, ReportTable]:
    """The pair tables of a report, named as their sheets and CSV files; none without pairs."""
    if not solution.scenario.pairs:
        return {}
    table = solution.pairs
    return {
        "pairs": (PAIR_REPORT_COLUMNS, table_records(table, PAIR_REPORT_COLUMNS)),
        "weakest_pairs": (
            WEAKEST_REPORT_COLUMNS,
            table_records(pair_model.weakest_pairs(solution.scenario, table), WEAKEST_REPORT_COLUMNS),
        ),
        "joint_exercises": (
            JOINT_REPORT_COLUMNS,
            table_records(solution.joint_exercises, JOINT_REPORT_COLUMNS),
        ),
    }


@dataclass(frozen=True)
class PairMatrix:
    """One domain's partner x partner grid (symmetric, NaN where no pair is modelled)."""

    domain: str
    partners: list[str]  # ids, in the partners sheet's order
    before: np.ndarray
    after: np.ndarray | None  # final period with the plan; None without a plan


def pair_matrices(solution: Solution) -> list[PairMatrix]:
    """A matrix per domain that has pairs, over the partners paired in it."""
    scenario = solution.scenario
    table = solution.pairs
    final = table[table["period"] == scenario.horizon]
    order = {p.id: i for i, p in enumerate(scenario.partners)}
    matrices = []
    for domain in dict.fromkeys(q.domain for q in scenario.pairs):
        listed = [q for q in scenario.pairs if q.domain == domain]
        ids = sorted({p for q in listed for p in (q.partner_a, q.partner_b)}, key=order.__getitem__)
        at = {p: i for i, p in enumerate(ids)}
        before = np.full((len(ids), len(ids)), np.nan)
        after = before.copy()
        for q in listed:
            i, j = at[q.partner_a], at[q.partner_b]
            before[i, j] = before[j, i] = q.score
        rows = final[final["domain"] == domain]
        for a, b, score in zip(rows["partner_a"], rows["partner_b"], rows["score"], strict=True):
            after[at[a], at[b]] = after[at[b], at[a]] = score
        matrices.append(PairMatrix(domain, ids, before, after if solution.has_plan else None))
    return matrices


def write_pair_matrix_sheet(wb: Any, formats: dict[str, Any], solution: Solution) -> None:
    """pair_matrix: for each domain a block 'before' and a block 'after', cells coloured by level."""
    ws = wb.add_worksheet("pair_matrix")
    thresholds = solution.scenario.settings.level_thresholds
    fills = [
        wb.add_format({"bg_color": fill, "font_color": text, "num_format": "0.0", "align": "center"})
        for fill, text in zip(LEVEL_COLOURS, LEVEL_TEXT_COLOURS, strict=True)
    ]
    row = 0
    for matrix in pair_matrices(solution):
        blocks = [("baseline", matrix.before)]
        if matrix.after is not None:
            blocks.append((f"period {solution.scenario.horizon} with the plan", matrix.after))
        for title, grid in blocks:
            ws.write_string(row, 0, f"{matrix.domain}: {title}", formats["header"])
            for j, partner in enumerate(matrix.partners, start=1):
                ws.write_string(row, j, partner, formats["header"])
            for i, partner in enumerate(matrix.partners, start=1):
                ws.write_string(row + i, 0, partner, formats["header"])
                for j in range(len(matrix.partners)):
                    value = grid[i - 1, j]
                    if not np.isnan(value):
                        level = int(np.searchsorted(np.asarray(thresholds), round(value, 9), side="right"))
                        ws.write_number(row + i, j + 1, float(value), fills[level])
            row += len(matrix.partners) + 2
    ws.set_column(0, 0, 34)


def pair_sections(drawing: Pictures, solution: Solution) -> list[dict[str, Any]]:
    """The HTML page's pair parts (as the page's extra sections): a heatmap per domain before and
    after, the weakest pairs and the joint exercises; none without pairs."""
    if not solution.scenario.pairs:
        return []
    parts = []
    for matrix in pair_matrices(solution):
        labels = [
            partner_label(next(p for p in solution.scenario.partners if p.id == i)) for i in matrix.partners
        ]
        for title, grid, change in (
            ("baseline", matrix.before, None),
            *(
                []
                if matrix.after is None
                else [
                    (
                        f"period {solution.scenario.horizon} with the plan",
                        matrix.after,
                        matrix.after - matrix.before,
                    )
                ]
            ),
        ):
            png = pictures.heatmap(drawing, solution, grid, change, rows=labels, columns=matrix.partners)
            alt = (
                f"Heatmap of pair readiness in domain {matrix.domain}, {title}: partners by partners, each "
                "cell coloured by its level with its score; blank cells are pairs not modelled. The scores "
                "are also in the pairs table of the workbook and JSON report."
            )
            parts.append(_part(f"Pairs in {matrix.domain}: {title}", Picture.of(png, alt)))
    tables = pair_tables(solution)
    for name, caption in (
        ("weakest_pairs", "Weakest pair per domain"),
        ("joint_exercises", "Pairs each joint exercise raised"),
    ):
        columns, records = tables[name]
        rows = [[_text(r[c.name], c.kind) for c in columns] for r in records]
        if rows:
            headers = [c.name for c in columns]
            numeric = [k for k, c in enumerate(columns) if c.kind != "text"]
            parts.append(_part(caption, table=PageTable(headers, rows, caption=caption, numeric=numeric)))
    return parts


def _text(value: Any, kind: str) -> str:
    return value if kind == "text" else number(value)


def _part(title: str, picture: Picture | None = None, table: PageTable | None = None) -> dict[str, Any]:
    """A section as the page template reads its extra parts."""
    return {"title": title, "note": "", "picture": picture, "table": table, "markup": None, "text": None}
