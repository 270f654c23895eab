"""A tornado study in a report: facts and value judgements apart, each with its table, workbook bar
chart, HTML sections and picture.

Facts are charted by the change of the optimal score, value judgements by the money the plan moves
(studies.tornado): two sheets, two charts, never one axis, since a weight's score is on a scale of
its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..studies.tornado import TornadoResult
from .html import Section, Table
from .pictures import Pictures
from .study_tables import frame_table
from .theme import BLUE, ORANGE, TORNADO_BARS, cell, clean_text, excel_fill
from .writers import SheetTable

FACTS_SHEET, JUDGEMENTS_SHEET = "tornado", "value_judgements"
MOVED_COLUMNS = ["moved_low", "moved_high", "money_moved"]


def scalars(result: TornadoResult) -> list[tuple[str, Any]]:
    return [
        ("base_score", result.base_score),
        ("delta", result.delta),
        ("parameters", len(result.table)),
        ("facts", len(result.facts)),
        ("value_judgements", len(result.value_judgements)),
        ("seconds", result.seconds),
    ]


def tables(result: TornadoResult) -> list[SheetTable]:
    return [
        frame_table(FACTS_SHEET, tornado_table(result)),
        frame_table(JUDGEMENTS_SHEET, judgement_table(result)),
    ]


def tornado_table(result: TornadoResult) -> pd.DataFrame:
    """The facts with change_low / change_high: each side's score minus the base score."""
    table = _labelled(result.facts).drop(columns=MOVED_COLUMNS)
    table["change_low"] = table["score_low"] - result.base_score
    table["change_high"] = table["score_high"] - result.base_score
    return table


def judgement_table(result: TornadoResult) -> pd.DataFrame:
    """The value judgements: money moved each way first, their scores (on their own scales) after;
    no swing, which would invite setting them beside the facts."""
    table = _labelled(result.value_judgements)
    order = ["kind", "group", "param", "label", "name", "base_value", "low_value", "high_value",
             *MOVED_COLUMNS, "score_low", "score_high", "status_low", "status_high"]  # fmt: skip
    return table[order]


def _labelled(rows: pd.DataFrame) -> pd.DataFrame:
    table = rows.copy()
    table.insert(
        4, "label", [_tornado_label(g, n) for g, n in zip(table["group"], table["name"], strict=True)]
    )
    return table


def _tornado_label(group: str, name: str) -> str:
    suffix = {"unit_cost": " unit cost", "gain": " gains", "domain_weight": " weight",
              "partner_weight": " weight", "effectiveness": " effectiveness"}.get(group, "")  # fmt: skip
    return f"{name}{suffix}"


@dataclass(frozen=True)
class _Bars:
    """What one of the two charts shows: its sheet, the columns of its two bars, title and axis."""

    sheet: str
    low: str
    high: str
    title: str
    axis: str


def _bars(result: TornadoResult) -> tuple[_Bars, _Bars]:
    return (
        _Bars(FACTS_SHEET, "change_low", "change_high",
              f"Tornado: change of the optimal score, facts only (base {cell(result.base_score)})",
              "score change from the base"),
        _Bars(JUDGEMENTS_SHEET, "moved_low", "moved_high",
              "Value judgements: money the plan moves from the base plan", "money moved from the base plan"),
    )  # fmt: skip


def charts(wb: Any, result: TornadoResult, sheets: dict[str, tuple[Any, SheetTable]]) -> None:
    for bars in _bars(result):
        _tornado_chart(wb, result, bars, *sheets[bars.sheet])


def _tornado_chart(wb: Any, result: TornadoResult, bars: _Bars, ws: Any, table: SheetTable) -> None:
    n = min(TORNADO_BARS, len(table.rows))
    if n == 0:
        return
    chart = wb.add_chart({"type": "bar"})
    name = table.index("label")
    pct = f"{result.delta:.0%}"
    for k, (column, label) in enumerate(
        ((bars.low, f"parameter down {pct}"), (bars.high, f"parameter up {pct}"))
    ):
        chart.add_series(
            {
                "name": label,
                "categories": [bars.sheet, 1, name, n, name],
                "values": [bars.sheet, 1, table.index(column), n, table.index(column)],
                "border": {"color": "#333333"},
                "overlap": 100 if bars.sheet == FACTS_SHEET else 0,  # money moved: both bars point right
                "gap": 40,
                **excel_fill(ORANGE if k else BLUE, hatched=k > 0),
            }
        )
    chart.set_title({"name": bars.title})
    chart.set_y_axis({"reverse": True})  # largest first, on top
    chart.set_x_axis({"name": bars.axis, "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": max(320, 28 * n + 120)})
    ws.insert_chart(1, len(table.headers) + 1, chart)


def sections(result: TornadoResult) -> list[Section]:
    return _fact_sections(result) + _judgement_sections(result)


def _fact_sections(result: TornadoResult) -> list[Section]:
    table = tornado_table(result)
    top = table.head(TORNADO_BARS)
    sections = []
    if len(top):
        described = "; ".join(f"{r.label}: swing {r.swing:.2f}" for r in top.head(3).itertuples(index=False))
        sections.append(
            Section(
                "Tornado: what moves the optimal score most",
                _tornado_figure(result, top, "change_low", "change_high", "optimal score", result.base_score),
                alt=f"Horizontal bars of the optimal score with each fact (budgets, costs, gains, "
                f"effectiveness) down and up by {result.delta:.0%}, largest swing first; {described}.",
                note=f"Each fact down (solid) and up (hatched) by {result.delta:.0%}, one at a time; "
                f"the line is the base score {cell(result.base_score)}. Weights and the weakest link "
                "are value judgements, shown apart below.",
            )
        )
    sections.append(
        _table_section(
            "Tornado table", "parameter", table.head(30), ["score_low", "score_high", "swing"],
            f"The {min(30, len(table))} largest swings of {len(table)} facts.",
        )
    )  # fmt: skip
    return sections


def _judgement_sections(result: TornadoResult) -> list[Section]:
    table = judgement_table(result)
    if not len(table):
        return []
    top = table.head(TORNADO_BARS)
    described = "; ".join(
        f"{r.label}: {cell(r.money_moved)} moved" for r in top.head(3).itertuples(index=False)
    )
    return [
        Section(
            "Value judgements: how much the plan changes",
            _tornado_figure(result, top, "moved_low", "moved_high", "money moved from the base plan", 0.0),
            alt=f"Horizontal bars of the money the plan moves with each weight and the weakest link "
            f"down and up by {result.delta:.0%}, most money first; {described}.",
            note="Weights and the weakest link change the yardstick, not what can be achieved: their "
            "scores are on other scales. Each bar is the money moved from the base plan to the plan "
            f"with that judgement down (solid) or up (hatched) by {result.delta:.0%}.",
        ),
        _table_section(
            "Value judgements table", "judgement", table, MOVED_COLUMNS,
            f"{len(table)} value judgements, most money moved first.",
        ),
    ]  # fmt: skip


def _table_section(title: str, first: str, rows: pd.DataFrame, columns: list[str], caption: str) -> Section:
    """A table of tornado rows: each parameter's label, values, then `columns` (scores or money)."""
    return Section(
        title,
        Table(
            [first, "base value", "low", "high", *(c.replace("_", " ") for c in columns)],
            [
                [r.label, cell(r.base_value, 4), cell(r.low_value, 4), cell(r.high_value, 4),
                 *(cell(getattr(r, c)) for c in columns)]
                for r in rows.itertuples(index=False)
            ],
            caption=caption,
        ),
    )  # fmt: skip


def _tornado_figure(
    result: TornadoResult, top: pd.DataFrame, low_column: str, high_column: str, axis: str, origin: float
) -> bytes:
    """Bars from `origin`: side by side when both point one way (money moved), else over each other."""
    pictures = Pictures()
    with pictures.context():
        fig = pictures.Figure(figsize=(6.8, 0.34 * len(top) + 1.2))
        ax = fig.add_subplot()
        y = np.arange(len(top))
        low = np.nan_to_num(top[low_column].to_numpy(dtype=float))
        high = np.nan_to_num(top[high_column].to_numpy(dtype=float))
        apart = origin == 0.0 and (low >= 0).all() and (high >= 0).all()
        height, shift = (0.4, 0.2) if apart else (0.8, 0.0)
        pct = f"{result.delta:.0%}"
        ax.barh(y - shift, low, height, left=origin, color=BLUE, edgecolor="#222222", label=f"down {pct}")
        ax.barh(
            y + shift, high, height, left=origin, color="white", edgecolor=ORANGE, hatch="///",
            label=f"up {pct}", linewidth=1.2,
        )  # fmt: skip
        ax.axvline(origin, color="#000000", linewidth=1)
        ax.set_yticks(y, [clean_text(n)[:40] for n in top["label"]])
        ax.invert_yaxis()
        ax.set_xlabel(axis)
        ax.legend(loc="lower right", fontsize=8)
        ax.grid(True, axis="x", color="#DDDDDD", linewidth=0.6)
        return pictures.png(fig)
