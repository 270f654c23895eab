"""A parameter sweep in a report: its tables, workbook line charts, HTML sections and pictures."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..studies.sweep import SweepResult
from ..studies.variants import BUDGET_KINDS
from .html import Section, Table
from .pictures import Pictures
from .study_tables import frame_table
from .theme import LINE_COLOURS, LINESTYLES, MARKERS, cell
from .writers import SheetTable


def scalars(result: SweepResult) -> list[tuple[str, Any]]:
    return [
        ("param", result.param),
        ("base_value", result.base_value),
        ("budget_param", is_budget_sweep(result)),
        ("warm", result.warm),
        ("points", len(result.points)),
        ("seconds", result.seconds),
    ]


def tables(result: SweepResult) -> list[SheetTable]:
    tables = [frame_table("points", result.points)]
    if is_budget_sweep(result):
        tables.append(frame_table("frontier", result.frontier.reset_index(drop=True)))
    return [
        *tables,
        frame_table("spend_by_period", spend_by_period_wide(result)),
        frame_table("units_by_option", result.units_by_option),
    ]


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


# --------------------------------------------------------------------------- workbook


def charts(wb: Any, result: SweepResult, sheets: dict[str, tuple[Any, SheetTable]]) -> None:
    ws, table = sheets["points"]
    n = len(table.rows)
    if n == 0:
        return
    values = [float(v) for v in result.points["value"]]
    x, score = table.index("value"), table.index("score")
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
        corners = frontier_steps(result.frontier) if result.integer else []
        if corners:
            chart = _staircase_chart(wb, fws, frontier, corners)
        else:
            chart = _line_chart(
                wb,
                "frontier",
                n,
                frontier.index("total_budget"),
                [frontier.index("score")],
                ["score"],
                budgets,
                FRONTIER_TITLE,
                FRONTIER_X,
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
            [spend.index(p) for p in periods],
            periods,
            values,
            f"Spend per period by {result.param}",
            result.param,
            "spend",
        )
        sws.insert_chart(1, len(spend.headers) + 1, chart)


FRONTIER_TITLE = "Budget frontier: optimal score against total budget"
FRONTIER_X = "total budget (sum of the period budgets)"
STEPS_LABEL = (
    "Staircase the chart draws (whole units: a budget between two levels buys what the lower one "
    "does): each level's point, then the next level's budget at the same score"
)


def frontier_steps(frontier: pd.DataFrame) -> list[tuple[float, float]]:
    """(total budget, score) corners of the staircase through the solved levels, in budget order:
    each level's point followed by the point at the next level's budget with the same score."""
    solved = frontier[frontier["score"].notna()]
    levels = list(zip(solved["total_budget"].astype(float), solved["score"].astype(float), strict=True))
    corners = []
    for (budget, score), (following, _) in zip(levels, levels[1:], strict=False):
        corners += [(budget, score), (following, score)]
    return corners + levels[-1:]


def _staircase_chart(wb: Any, ws: Any, frontier: SheetTable, corners: list[tuple[float, float]]) -> Any:
    """The frontier of an integer scenario as a staircase: xlsxwriter has no step chart, so a scatter
    with straight lines runs over a labelled helper table of the `corners` written below the
    frontier (plain numbers), and the solved levels are marked on it."""
    label = len(frontier.rows) + 2  # a blank row under the frontier, then the label and the headers
    bold = wb.add_format({"bold": True})
    ws.write_string(label, 0, STEPS_LABEL)
    ws.write_string(label + 1, 0, "total_budget", bold)
    ws.write_string(label + 1, 1, "score", bold)
    for i, (budget, score) in enumerate(corners, start=label + 2):
        ws.write_number(i, 0, budget)
        ws.write_number(i, 1, score)
    chart = wb.add_chart({"type": "scatter", "subtype": "straight"})
    first, last = label + 2, label + 1 + len(corners)
    chart.add_series(
        {
            "name": "optimal score (whole units)",
            "categories": ["frontier", first, 0, last, 0],
            "values": ["frontier", first, 1, last, 1],
            "line": {"color": LINE_COLOURS[0], "width": 2},
            "marker": {"type": "none"},
        }
    )
    x, y, n = frontier.index("total_budget"), frontier.index("score"), len(frontier.rows)
    chart.add_series(
        {
            "name": "solved budget levels",
            "categories": ["frontier", 1, x, n, x],
            "values": ["frontier", 1, y, n, y],
            "line": {"none": True},
            "marker": {"type": "circle", "size": 6, "border": {"color": LINE_COLOURS[0]},
                       "fill": {"color": LINE_COLOURS[0]}},
        }
    )  # fmt: skip
    chart.set_title({"name": FRONTIER_TITLE})
    chart.set_x_axis({"name": FRONTIER_X})
    chart.set_y_axis({"name": "score", "major_gridlines": {"visible": True, "line": {"color": "#DDDDDD"}}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": 360})
    return chart


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


# --------------------------------------------------------------------------- HTML


def sections(result: SweepResult) -> list[Section]:
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
                    FRONTIER_X,
                    "score",
                    base=_base_budget(result),
                    drawstyle=frontier_drawstyle(result),
                ),
                alt=_frontier_alt(result),
                note=f"Optimal score against the total budget as {result.param} varies; the dashed line "
                "marks the scenario's own budget."
                + (
                    " Whole units: the score holds until the budget buys the next exercise, a staircase."
                    if result.integer
                    else ""
                ),
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
                    [cell(r.value, 4), r.status, cell(r.score), cell(r.spend), cell(r.total_budget)]
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


def frontier_drawstyle(result: SweepResult) -> str:
    """How the budget frontier is drawn: a staircase for whole units (a budget between two levels
    buys what the lower one does), else straight lines (the LP's frontier is piecewise linear)."""
    return "steps-post" if result.integer else "default"


def _line_figure(
    x: np.ndarray,
    series: dict[str, np.ndarray],
    x_label: str,
    y_label: str,
    base: float | None = None,
    drawstyle: str = "default",
) -> bytes:
    pictures = Pictures()
    with pictures.context():
        fig = pictures.Figure(figsize=(6.4, 3.6))
        ax = fig.add_subplot()
        for k, (name, y) in enumerate(series.items()):
            ax.plot(
                x, y, label=name, color=LINE_COLOURS[k % len(LINE_COLOURS)], marker=MARKERS[k % len(MARKERS)],
                linestyle=LINESTYLES[k % len(LINESTYLES)], linewidth=1.8, markersize=5, drawstyle=drawstyle,
            )  # fmt: skip
        if base is not None:
            ax.axvline(base, color="#555555", linestyle="--", linewidth=1)
        ax.set_xlabel(x_label)
        ax.set_ylabel(y_label)
        ax.grid(True, color="#DDDDDD", linewidth=0.6)
        if len(series) > 1:
            ax.legend(loc="best", fontsize=8)
        return pictures.png(fig)
