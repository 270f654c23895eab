"""The LP sensitivity report in a report: its tables, HTML sections and pictures.

A sensitivity report has no workbook chart: the prices of rows in different units do not share one axis.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..studies.ranging import SensitivityReport
from .html import Html, Section, Table, render
from .pictures import Pictures
from .study_tables import frame_table
from .theme import BLUE, TORNADO_BARS, cell
from .writers import SheetTable


def scalars(result: SensitivityReport) -> list[tuple[str, Any]]:
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


def tables(result: SensitivityReport) -> list[SheetTable]:
    sentences = pd.DataFrame({"sentence": [*result.sentences, *result.estimate_sentences]}, dtype=object)
    return [
        frame_table("constraints", result.constraints),
        frame_table("units", result.units),
        frame_table("entering", result.entering),
        frame_table("sentences", sentences),
        *([frame_table("steps", result.steps)] if len(result.steps) else []),
        *([frame_table("estimate_ranges", result.estimates)] if len(result.estimates) else []),
    ]


def json_extras(result: SensitivityReport) -> dict[str, Any]:
    """The sentences as lists of their own in JSON (not a table): the limits', then the estimates'."""
    return {"sentences": list(result.sentences), "estimate_sentences": list(result.estimate_sentences)}


def charts(wb: Any, result: SensitivityReport, sheets: dict[str, tuple[Any, SheetTable]]) -> None:
    """None: see the module docstring."""


def sections(result: SensitivityReport) -> list[Section]:
    sections = []
    note = result.message or ("Allowable ranges from HiGHS's ranging." if result.ranging else "")
    if result.sentences:
        sentences = Html(render("sentences.html", sentences=result.sentences[:12]))
        sections.append(Section("What the binding limits are worth", sentences, note=note))
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
                        [limit_name(r), r.period, cell(r.activity), cell(r.shadow_price, 4), cell(r.rhs),
                         cell(r.allowable_increase), cell(r.allowable_decrease)]
                        for r in priced.itertuples(index=False)
                    ],
                ),
            )
        )  # fmt: skip
    sections += _estimate_sections(result)
    if len(result.entering):
        sections.append(
            Section(
                "Options closest to being funded",
                Table(
                    ["rank", "option", "partner", "period", "score lost per unit", "per unit of money"],
                    [
                        [r.rank, r.option, r.partner, r.period, cell(r.reduced_cost, 4),
                         cell(r.reduced_cost_per_money, 4)]
                        for r in result.entering.head(10).itertuples(index=False)
                    ],
                ),
            )
        )  # fmt: skip
    return sections


def _estimate_sections(result: SensitivityReport) -> list[Section]:
    """The estimate ranges: their sentences, then the table when there is one."""
    more = len(result.estimate_sentences) - ESTIMATE_SENTENCES
    sentences = Html(render("sentences.html", sentences=result.estimate_sentences[:ESTIMATE_SENTENCES]))
    note = ESTIMATE_NOTE + (f" {more} more sentences in the workbook." if more > 0 else "")
    sections = [Section("Estimate ranges of the funded options", sentences, note=note)]
    if len(result.estimates):
        table = Table(
            ["option", "domain", "estimate", "value", "low", "high", "low end", "high end"],
            [
                [r.option, r.domain, r.estimate.replace("_", " "), cell(r.value), cell(r.low), cell(r.high),
                 r.low_end, r.high_end]
                for r in result.estimates.itertuples(index=False)
            ],
        )  # fmt: skip
        sections.append(Section("Estimate ranges", table))
    return sections


ESTIMATE_SENTENCES = 12
ESTIMATE_NOTE = (
    "Each range holds while the LP plan funds the same option x partner x period cells; ends found "
    "by warm re-solves to within 0.1 % of the value, searched up to 1000 times it."
)


def limit_name(row: Any) -> str:
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
    parts = [f"{limit_name(r)} period {r.period}: {r.shadow_price:.3g}" for r in top.itertuples(index=False)]
    return f"Bar chart of score points per extra {currency or 'currency unit'}; highest: " + "; ".join(parts)


def _shadow_price_figure(rows: pd.DataFrame, currency: str) -> bytes:
    rows = rows.sort_values("shadow_price", ascending=False).head(TORNADO_BARS)
    labels = [f"{limit_name(r)}, period {r.period}" for r in rows.itertuples(index=False)]
    pictures = Pictures()
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
