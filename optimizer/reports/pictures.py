"""The report's pictures: matplotlib (imported on first use, Agg renderer, no global backend
change) in the report's style, each figure returned as PNG bytes.

Colours come from `theme`, told apart by colour-blind readers, with printed numbers, ordered greys
and hatching so that a black-and-white print reads the same.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import Any

import numpy as np

from ..results import Solution
from . import figures
from .theme import (
    LEVEL_COLOURS,
    LEVEL_TEXT_COLOURS,
    MISSING_COLOUR,
    TYPE_COLOURS,
    TYPE_HATCHES,
    number,
    partner_label,
)

DPI = 192  # pictures at twice the CSS pixel density: sharp on screens and in print


def figure_png(figure: Any, dpi: int = DPI) -> bytes:
    """The PNG of a matplotlib Figure, as the report embeds it (tight box, white background)."""
    buffer = io.BytesIO()
    figure.savefig(
        buffer, format="png", dpi=dpi, bbox_inches="tight", pad_inches=0.06, facecolor="white",
        metadata={"Software": None},
    )  # fmt: skip
    return buffer.getvalue()


class Pictures:
    """matplotlib, imported on first use, with the report's style and no global backend change."""

    def __init__(self) -> None:
        import matplotlib
        from matplotlib.figure import Figure

        self._matplotlib = matplotlib
        self.Figure = Figure
        self.style = {
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.titlesize": 10,
            "axes.labelsize": 9,
            "axes.edgecolor": "#555555",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "xtick.color": "#333333",
            "ytick.color": "#333333",
            "legend.frameon": False,
            "hatch.linewidth": 0.8,
            "hatch.color": "#222222",
            "text.parse_math": False,  # user text with $ signs is text, not TeX
            "svg.fonttype": "none",
        }

    @contextlib.contextmanager
    def context(self) -> Any:
        with self._matplotlib.rc_context(self.style), warnings.catch_warnings():
            # a glyph missing from the font must not break a report (pytest turns warnings into errors)
            warnings.simplefilter("ignore", UserWarning)
            yield

    def png(self, figure: Any) -> bytes:
        return figure_png(figure)


def heatmap(
    pictures: Pictures,
    solution: Solution,
    scores: np.ndarray,
    change: np.ndarray | None = None,
    rows: list[str] | None = None,
    columns: list[str] | None = None,
) -> bytes:
    """Partner x domain grid coloured by level, the score printed in each cell (and its change).

    `rows` and `columns` label another grid of scores (a partner x partner matrix of pairs);
    a NaN cell shows as missing."""
    from matplotlib.colors import ListedColormap

    scenario = solution.scenario
    n_p, n_d = scores.shape
    levels = figures.level_matrix(solution, scores).astype(float)
    levels[np.isnan(scores)] = np.nan
    cell_w = min(0.8, max(0.52, 4.3 / max(n_d, 1)))
    cell_h = 0.35
    with pictures.context():
        fig = pictures.Figure(figsize=(n_d * cell_w, n_p * cell_h))
        ax = fig.add_axes((0, 0, 1, 1))
        cmap = ListedColormap(LEVEL_COLOURS).with_extremes(bad=MISSING_COLOUR)
        ax.pcolormesh(
            np.ma.masked_invalid(levels), cmap=cmap, vmin=-0.5, vmax=len(LEVEL_COLOURS) - 0.5,
            edgecolors="white", linewidth=2,
        )  # fmt: skip
        ax.set_xlim(0, n_d)
        ax.set_ylim(n_p, 0)
        ax.set_xticks(np.arange(n_d) + 0.5, columns or [d.id for d in scenario.domains])
        ax.set_yticks(np.arange(n_p) + 0.5, rows or [partner_label(p) for p in scenario.partners])
        ax.xaxis.tick_top()
        ax.tick_params(length=0, pad=3)
        for spine in ax.spines.values():
            spine.set_visible(False)
        for i in range(n_p):
            for j in range(n_d):
                value = scores[i, j]
                if np.isnan(value):
                    ax.text(j + 0.5, i + 0.5, "–", ha="center", va="center", fontsize=8.5)
                    continue
                colour = LEVEL_TEXT_COLOURS[int(levels[i, j])]
                moved = change is not None and abs(change[i, j]) >= 0.05
                y = i + (0.40 if moved else 0.5)
                weight = "bold" if moved else "normal"
                ax.text(
                    j + 0.5, y, number(value, cut=True, trim=True, grouped=False), ha="center", va="center",
                    fontsize=8.5, color=colour,
                    fontweight=weight,
                )  # fmt: skip
                if moved:
                    ax.text(
                        j + 0.5, i + 0.77, f"{change[i, j]:+.0f}" if abs(change[i, j]) >= 0.5 else "+<1",
                        ha="center", va="center", fontsize=7, color=colour,
                    )  # fmt: skip
        return pictures.png(fig)


def spend_by_period_chart(pictures: Pictures, solution: Solution, table: figures.SpendTable) -> bytes:
    currency = solution.scenario.settings.currency
    x = np.arange(len(table.periods))
    top = max([*table.budget, *table.spend, 1e-9])
    with pictures.context():
        fig = pictures.Figure(figsize=(6.4, 3.5))
        ax = fig.add_subplot()
        bottom = np.zeros(len(x))
        for k, kind in enumerate(table.types):
            values = np.array(table.by_type[kind])
            ax.bar(
                x, values, 0.62, bottom=bottom, label=kind, color=TYPE_COLOURS[k % len(TYPE_COLOURS)],
                hatch=TYPE_HATCHES[k % len(TYPE_HATCHES)], edgecolor="#222222", linewidth=0.6,
            )  # fmt: skip
            bottom += values
        ax.hlines(table.budget, x - 0.42, x + 0.42, colors="#000000", linewidth=2.2, label="period budget")
        for i in x:
            ax.text(
                i, max(table.budget[i], table.spend[i]) + top * 0.03,
                f"{number(table.spend[i])}\nof {number(table.budget[i])}", ha="center", va="bottom",
                fontsize=8,
            )  # fmt: skip
        ax.set_xticks(x, [f"period {t}" for t in table.periods])
        ax.set_ylim(0, top * 1.28)
        ax.set_ylabel(f"spend ({currency})" if currency else "spend")
        ax.yaxis.grid(True, color="#DDDDDD", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=min(len(table.types) + 1, 4))
        return pictures.png(fig)


def spend_by_partner_chart(pictures: Pictures, solution: Solution) -> bytes:
    scenario = solution.scenario
    by_partner = figures.spend_by_partner(solution)
    types = list(scenario.option_types)
    labels = [partner_label(p) for p in scenario.partners]
    totals = [sum(by_partner[p.id].values()) for p in scenario.partners]
    top = max([*totals, 1e-9])
    y = np.arange(len(labels))
    with pictures.context():
        fig = pictures.Figure(figsize=(6.4, 0.3 * len(labels) + 1.0))
        ax = fig.add_subplot()
        left = np.zeros(len(y))
        for k, kind in enumerate(types):
            values = np.array([by_partner[p.id][kind] for p in scenario.partners])
            ax.barh(
                y, values, 0.66, left=left, label=kind, color=TYPE_COLOURS[k % len(TYPE_COLOURS)],
                hatch=TYPE_HATCHES[k % len(TYPE_HATCHES)], edgecolor="#222222", linewidth=0.6,
            )  # fmt: skip
            left += values
        for i, total in enumerate(totals):
            ax.text(total + top * 0.01, i, number(total), va="center", fontsize=8)
        ax.set_yticks(y, labels)
        ax.set_ylim(len(y) - 0.5, -0.5)
        ax.set_xlim(0, top * 1.12)
        currency = scenario.settings.currency
        ax.set_xlabel(f"spend over all periods ({currency})" if currency else "spend over all periods")
        ax.xaxis.grid(True, color="#DDDDDD", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.tick_params(axis="y", length=0)
        ax.legend(loc="lower right", ncol=1)
        return pictures.png(fig)
