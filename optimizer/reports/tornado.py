"""A tornado study in a report: its table, workbook bar chart, HTML sections and picture."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..studies.tornado import TornadoResult
from .html import Section, Table
from .pictures import Pictures
from .study_tables import frame_table
from .theme import BLUE, ORANGE, TORNADO_BARS, cell, clean_text, excel_fill
from .writers import SheetTable


def scalars(result: TornadoResult) -> list[tuple[str, Any]]:
    return [
        ("base_score", result.base_score),
        ("delta", result.delta),
        ("parameters", len(result.table)),
        ("seconds", result.seconds),
    ]


def tables(result: TornadoResult) -> list[SheetTable]:
    return [frame_table("tornado", tornado_table(result))]


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


def charts(wb: Any, result: TornadoResult, sheets: dict[str, tuple[Any, SheetTable]]) -> None:
    _tornado_chart(wb, result, *sheets["tornado"])


def _tornado_chart(wb: Any, result: TornadoResult, ws: Any, table: SheetTable) -> None:
    n = min(TORNADO_BARS, len(table.rows))
    if n == 0:
        return
    chart = wb.add_chart({"type": "bar"})
    name = table.index("label")
    pct = f"{result.delta:.0%}"
    for k, (column, label) in enumerate(
        (("change_low", f"parameter down {pct}"), ("change_high", f"parameter up {pct}"))
    ):
        chart.add_series(
            {
                "name": label,
                "categories": ["tornado", 1, name, n, name],
                "values": ["tornado", 1, table.index(column), n, table.index(column)],
                "border": {"color": "#333333"},
                "overlap": 100,
                "gap": 40,
                **excel_fill(ORANGE if k else BLUE, hatched=k > 0),
            }
        )
    chart.set_title({"name": f"Tornado: change of the optimal score (base {cell(result.base_score)})"})
    chart.set_y_axis({"reverse": True})  # largest swing on top
    chart.set_x_axis({"name": "score change from the base", "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": max(320, 28 * n + 120)})
    ws.insert_chart(1, len(table.headers) + 1, chart)


def sections(result: TornadoResult) -> list[Section]:
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
                f"the line is the base score {cell(result.base_score)}.",
            )
        )
    sections.append(
        Section(
            "Tornado table",
            Table(
                ["parameter", "base value", "low", "high", "score low", "score high", "swing"],
                [
                    [r.label, cell(r.base_value, 4), cell(r.low_value, 4), cell(r.high_value, 4),
                     cell(r.score_low), cell(r.score_high), cell(r.swing)]
                    for r in table.head(30).itertuples(index=False)
                ],
                caption=f"The {min(30, len(table))} largest swings of {len(table)}.",
            ),
        )
    )  # fmt: skip
    return sections


def _tornado_figure(result: TornadoResult, top: pd.DataFrame) -> bytes:
    pictures = Pictures()
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
        ax.set_yticks(y, [clean_text(n)[:40] for n in top["label"]])
        ax.invert_yaxis()
        ax.set_xlabel("optimal score")
        ax.legend(loc="lower right", fontsize=8)
        ax.grid(True, axis="x", color="#DDDDDD", linewidth=0.6)
        return pictures.png(fig)
