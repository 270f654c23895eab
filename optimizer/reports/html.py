"""The HTML report: one self-contained page a commander or finance officer can open offline.

`write_html(solution, path, inputs)` writes a single file with no external
resources: inline CSS, no script, every picture a PNG in a `data:` URI. It
shows, in this order: the headline numbers (score before -> after, spend
against budget, partner x domain pairs per level), readiness heatmaps before
and after, the level changes, spend by period and type against each budget,
spend by partner, the weakest partner per domain, the funded options, unmet
targets, any extra sections (sensitivity pictures), and the scenario settings
with the SHA-256 of every input so that a printed report traces to its files.
A solution without a plan shows what is known: status, message, shortfalls
and the baseline heatmap.

Pictures are drawn with matplotlib's Agg renderer (imported only when a
report is made, so the command line starts fast), in colours that colour-blind
readers tell apart and with printed numbers, ordered greys and hatching so a
black-and-white print reads the same. All user text is escaped.

Writing follows report.py's rules: never over an input, whole or not at all.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import html
import io
import math
import os
import struct
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import OutputError
from ..io import atomic, schema
from ..reports import figures, records, workbook
from ..reports import plan as report
from ..results import Solution

LEVEL_COLOURS = workbook.LEVEL_COLOURS
LEVEL_TEXT_COLOURS = workbook.LEVEL_TEXT_COLOURS
TYPE_COLOURS = workbook.TYPE_COLOURS
TYPE_HATCHES = ("", "///", "...", "xxx", "\\\\\\", "+++", "ooo", "---")
MISSING_COLOUR = "#E0E0E0"
DPI = 192  # pictures at twice the CSS pixel density: sharp on screens and in print
CSS_DPI = 96
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_HTML_SUFFIXES = (".html", ".htm")


# --------------------------------------------------------------------------- hooks for other sections


class Html(str):
    """Markup the caller vouches for (already escaped); a plain str is shown as text."""

    __slots__ = ()


@dataclass(frozen=True)
class Table:
    """A table for a `Section`; every header and cell is escaped when shown."""

    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    caption: str = ""


@dataclass(frozen=True)
class Section:
    """An extra part of the report, e.g. a budget frontier, a tornado or Monte Carlo histograms.

    content: PNG bytes (use `figure_png` for a matplotlib figure; `alt` is
    then its text alternative, required for accessibility and defaulting to
    the title), a `Table`, `Html` markup, or a plain str shown as a paragraph.
    note: an optional sentence shown under the title.
    """

    title: str
    content: bytes | Table | Html | str
    alt: str = ""
    note: str = ""


def figure_png(figure: Any, dpi: int = DPI) -> bytes:
    """The PNG of a matplotlib Figure, as the report embeds it (tight box, white background)."""
    buffer = io.BytesIO()
    figure.savefig(
        buffer, format="png", dpi=dpi, bbox_inches="tight", pad_inches=0.06, facecolor="white",
        metadata={"Software": None},
    )  # fmt: skip
    return buffer.getvalue()


# --------------------------------------------------------------------------- text and numbers


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _num(value: float | None, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text  # no "-0.0"


def _money(value: float | None, currency: str) -> str:
    return f"{_num(value)} {currency}".rstrip() if value is not None else "–"


def _units(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") or "0"


def _floor1(value: float) -> str:
    """A score for a cell, cut (not rounded) to one decimal so it never reads as the next level."""
    cut = math.floor(value * 10 + 1e-6) / 10
    return f"{cut:.0f}" if cut == int(cut) else f"{cut:.1f}"


def _partner_label(partner: Any, width: int = 24) -> str:
    if not partner.name or partner.name == partner.id:
        return partner.id
    name = partner.name if len(partner.name) <= width else partner.name[: width - 1] + "…"
    return f"{name} ({partner.id})"


def _level_names() -> tuple[str, ...]:
    return schema.LEVEL_NAMES


def _level_ranges(thresholds: Sequence[float]) -> list[str]:
    t = [f"{x:g}" for x in thresholds]
    return [f"below {t[0]}", f"{t[0]} to {t[1]}", f"{t[1]} to {t[2]}", f"{t[2]} and above"]


def _chip(level: int | None) -> str:
    if level is None:
        return ""
    return f'<span class="chip l{level}" aria-hidden="true"></span>'


def _type_chip(index: int) -> str:
    colour = TYPE_COLOURS[index % len(TYPE_COLOURS)]
    return f'<span class="chip" style="background:{colour}" aria-hidden="true"></span>'


def _level_cell(score: float | None, level: int | None) -> str:
    if score is None or level is None:
        return "–"
    name = _e(_level_names()[level])
    return f'<span class="nw">{_chip(level)}{_num(score)} <span class="lvl">{name}</span></span>'


# --------------------------------------------------------------------------- HTML tables


def _table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    caption: str = "",
    numeric: Sequence[int] = (),
    row_headers: bool = True,
    table_id: str = "",
    raw: bool = False,
) -> str:
    """A table with column headers (and the first cell of each row as its row header).

    Cells are escaped unless `raw` (then the caller built them from escaped parts).
    """
    cell = (lambda v: "" if v is None else str(v)) if raw else _e
    parts = [f'<table id="{_e(table_id)}">' if table_id else "<table>"]
    if caption:
        parts.append(f"<caption>{_e(caption)}</caption>")
    parts.append("<thead><tr>")
    parts.extend(
        f'<th scope="col"{' class="num"' if j in numeric else ""}>{_e(h)}</th>' for j, h in enumerate(headers)
    )
    parts.append("</tr></thead><tbody>")
    for row in rows:
        parts.append("<tr>")
        for j, value in enumerate(row):
            cls = ' class="num"' if j in numeric else ""
            if j == 0 and row_headers:
                parts.append(f'<th scope="row"{cls}>{cell(value)}</th>')
            else:
                parts.append(f"<td{cls}>{cell(value)}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


# --------------------------------------------------------------------------- pictures


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


def _heatmap(
    pictures: Pictures,
    solution: Solution,
    scores: np.ndarray,
    change: np.ndarray | None = None,
) -> bytes:
    """Partner x domain grid coloured by level, the score printed in each cell (and its change)."""
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
        ax.set_xticks(np.arange(n_d) + 0.5, [d.id for d in scenario.domains])
        ax.set_yticks(np.arange(n_p) + 0.5, [_partner_label(p) for p in scenario.partners])
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
                    j + 0.5, y, _floor1(value), ha="center", va="center", fontsize=8.5, color=colour,
                    fontweight=weight,
                )  # fmt: skip
                if moved:
                    ax.text(
                        j + 0.5, i + 0.77, f"{change[i, j]:+.0f}" if abs(change[i, j]) >= 0.5 else "+<1",
                        ha="center", va="center", fontsize=7, color=colour,
                    )  # fmt: skip
        return pictures.png(fig)


def _spend_by_period_chart(pictures: Pictures, solution: Solution, table: figures.SpendTable) -> bytes:
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
                f"{_num(table.spend[i])}\nof {_num(table.budget[i])}", ha="center", va="bottom", fontsize=8,
            )  # fmt: skip
        ax.set_xticks(x, [f"period {t}" for t in table.periods])
        ax.set_ylim(0, top * 1.28)
        ax.set_ylabel(f"spend ({currency})" if currency else "spend")
        ax.yaxis.grid(True, color="#DDDDDD", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=min(len(table.types) + 1, 4))
        return pictures.png(fig)


def _spend_by_partner_chart(pictures: Pictures, solution: Solution) -> bytes:
    scenario = solution.scenario
    by_partner = figures.spend_by_partner(solution)
    types = list(scenario.option_types)
    labels = [_partner_label(p) for p in scenario.partners]
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
            ax.text(total + top * 0.01, i, _num(total), va="center", fontsize=8)
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


def _png_size(png: bytes) -> tuple[int, int]:
    if png[:8] != _PNG_SIGNATURE or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _img(png: bytes, alt: str, dpi: int = DPI) -> str:
    """An <img> with the PNG as a data: URI, shown at its natural print size."""
    width, height = _png_size(png)
    css_w, css_h = round(width * CSS_DPI / dpi), round(height * CSS_DPI / dpi)
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<img src="data:image/png;base64,{data}" alt="{_e(alt)}" width="{css_w}" height="{css_h}" '
        'decoding="sync">'
    )


# --------------------------------------------------------------------------- the page


_LEVEL_VARS = ":root { " + " ".join(f"--l{k}: {c};" for k, c in enumerate(LEVEL_COLOURS)) + " }"
_CSS = (
    _LEVEL_VARS
    + """
:root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --paper: #ffffff; --bg: #f3f5f7; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink); line-height: 1.4;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  "Liberation Sans", "DejaVu Sans", sans-serif; }
main { max-width: 1260px; margin: 0 auto; padding: 14px 22px 40px; }
header.top { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 18px; margin-bottom: 8px; }
h1 { font-size: 22px; margin: 0; }
h2 { font-size: 17px; margin: 22px 0 6px; }
h3 { font-size: 14px; margin: 0 0 6px; }
.sub { color: var(--muted); margin: 0; }
.status { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600;
  border: 1px solid currentColor; }
.status.ok { color: #0b5d1e; background: #e6f4ea; }
.status.warn { color: #7a4a00; background: #fff4d6; }
.status.bad { color: #8a1010; background: #fde8e8; }
.cards { display: grid; grid-template-columns: 1fr 1fr 1.35fr; gap: 12px; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.card h2 { font-size: 13px; margin: 0 0 2px; color: var(--muted); font-weight: 600;
  text-transform: uppercase; letter-spacing: .04em; }
.big { font-size: 30px; font-weight: 700; margin: 2px 0; white-space: nowrap; }
.big small { font-size: 15px; font-weight: 600; color: var(--muted); }
.arrow { color: var(--muted); font-weight: 400; padding: 0 4px; }
.card p { margin: 0; }
.card p.parts { margin-top: 8px; padding-top: 6px; border-top: 1px solid var(--line); }
.card table { width: 100%; margin: 0; }
.card table th, .card table td { padding: 2px 6px; }
.panel { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
figure { margin: 0; background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
  padding: 8px 10px; }
figure img { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption { font-weight: 600; margin-bottom: 6px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 2px 0 8px; color: var(--ink); }
.chip { display: inline-block; width: 12px; height: 12px; border: 1px solid #555; border-radius: 2px;
  vertical-align: -1px; margin-right: 5px; }
.chip.l0 { background: var(--l0); } .chip.l1 { background: var(--l1); }
.chip.l2 { background: var(--l2); } .chip.l3 { background: var(--l3); }
.lvl { color: var(--muted); font-size: 12px; }
.nw { white-space: nowrap; }
table { border-collapse: collapse; background: var(--paper); margin: 4px 0 8px; font-size: 13px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #8c959f; background: #f6f8fa; }
tbody th { font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.hash { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12px;
  word-break: break-all; }
.note { color: var(--muted); margin: 4px 0 8px; }
details { margin: 6px 0; }
summary { cursor: pointer; color: #0550ae; }
footer { color: var(--muted); margin-top: 28px; font-size: 12px; }
@media (max-width: 980px) { .cards, .grid2 { grid-template-columns: 1fr; } }
@media print {
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  .card, .panel, figure { border-color: #999; }
  figure, .card, table, tr { break-inside: avoid; }
  h2 { break-after: avoid; }
  summary { color: var(--ink); }
}
@page { margin: 12mm; }
/* ---- printing: every figure whole on one page, long tables flowing between rows ---- */
@media print {
  figure img { max-height: 80vh; object-fit: contain; }
  table { break-inside: auto; }
  .card table, figure table { break-inside: avoid; }
  thead { display: table-header-group; }
}
/* ---- end of printing ---- */
"""
)


def _status_class(solution: Solution) -> str:
    if solution.status == "optimal":
        return "ok"
    if solution.has_plan:
        return "warn"
    return "bad"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _header(solution: Solution) -> str:
    scenario = solution.scenario
    source = os.path.basename(str(scenario.source).rstrip("/\\")) if scenario.source else ""
    title = f"Interoperability plan: {source}" if source else "Interoperability plan"
    facts = " · ".join(
        [
            _plural(len(scenario.partners), "partner"),
            _plural(len(scenario.domains), "domain"),
            _plural(len(scenario.options), "option"),
            _plural(scenario.horizon, "period"),
            _plural(len(scenario.targets), "target"),
        ]
    )
    status = f"{solution.status}: {records.status_text(solution)}"
    message = f'<p class="sub">Solver says: {_e(solution.message)}</p>' if solution.message else ""
    return (
        f'<header class="top"><h1>{_e(title)}</h1>'
        f'<p class="sub">{_e(facts)}</p>'
        f'<p><span class="status {_status_class(solution)}" id="status">{_e(status)}</span></p>'
        f"{message}</header>"
    )


def _score_parts(solution: Solution) -> str:
    """The two halves of the score in the last period: partner average and weakest partner."""
    rows = figures.domain_readiness(solution)
    weights = np.array([r["weight"] for r in rows], dtype=float)
    if not rows or weights.sum() <= 0:
        return ""
    share = weights / weights.sum()

    def blend(key: str) -> float | None:
        values = [r[key] for r in rows]
        return None if any(v is None for v in values) else float(share @ np.array(values, dtype=float))

    average = _num(blend("average_before"))
    weakest = _num(blend("weakest_before"))
    when = "today"
    if solution.has_plan and blend("average_after") is not None:
        average += f" → {_num(blend('average_after'))}"
        weakest += f" → {_num(blend('weakest_after'))}"
        when = f"today → period {solution.scenario.horizon}"
    lam = solution.scenario.settings.weakest_link
    return (
        f'<p class="parts">Partner average {average}; weakest partner {weakest} '
        f'<span class="lvl">({when}, domain-weighted; the score weighs the weakest by {lam:g})</span></p>'
    )


def _cards(solution: Solution, before: np.ndarray, after: np.ndarray | None) -> str:
    scenario = solution.scenario
    settings = scenario.settings
    currency = settings.currency
    counted = "final period" if settings.score_periods == "final" else "average over all periods"
    if solution.has_plan and solution.score is not None:
        gain = solution.score - solution.baseline_score
        score = (
            f'<p class="big"><span id="score-before">{_num(solution.baseline_score)}</span>'
            '<span class="arrow" aria-label="to">→</span>'
            f'<span id="score-after">{_num(solution.score)}</span></p>'
            f"<p>{'+' if gain >= 0 else ''}{_num(gain)} points, out of {settings.score_cap:g} ({counted})</p>"
        )
    else:
        score = (
            f'<p class="big"><span id="score-before">{_num(solution.baseline_score)}</span> '
            f"<small>today</small></p><p>No plan, so no score after; out of {settings.score_cap:g}</p>"
        )
    score += _score_parts(solution)
    budget = sum(b.total for b in scenario.budgets)
    spend, _ = records.plan_spend(solution)
    if spend is not None:
        share = f"{spend / budget:.0%} of the budget" if budget > 0 else "no budget"
        money = (
            f'<p class="big"><span id="spend-total">{_num(spend)}</span> <small>of '
            f'<span id="budget-total">{_num(budget)}</span> {_e(currency)}</small></p>'
            f"<p>{share} over {_plural(scenario.horizon, 'period')}; {_money(budget - spend, _e(currency))}"
            " unused</p>"
        )
        table = figures.spend_table(solution)
        if table is not None and table.types:
            parts = [
                f'<span class="nw">{_type_chip(k)}{_e(kind)} {_num(sum(table.by_type[kind]))}</span>'
                for k, kind in enumerate(table.types)
            ]
            money += f'<p class="parts">{" · ".join(parts)}</p>'
    else:
        money = (
            f'<p class="big"><span id="budget-total">{_num(budget)}</span> <small>{_e(currency)} budget'
            f"</small></p><p>No plan, so nothing spent; budget over {_plural(scenario.horizon, 'period')}</p>"
        )
    counts_before = figures.level_counts(solution, before)
    counts_after = figures.level_counts(solution, after) if after is not None else None
    ranges = _level_ranges(settings.level_thresholds)
    rows = []
    for level, name in enumerate(_level_names()):
        after_cell = str(counts_after[level]) if counts_after is not None else "–"
        delta = ""
        if counts_after is not None:
            d = counts_after[level] - counts_before[level]
            delta = f"{d:+d}" if d else "0"
        rows.append(
            [
                f'<span class="nw" title="{_e(ranges[level])}">{_chip(level)}{_e(name)}</span>',
                f'<span id="count-before-{level}">{counts_before[level]}</span>',
                f'<span id="count-after-{level}">{after_cell}</span>',
                delta or "–",
            ]
        )
    final = f"period {scenario.horizon}"
    levels = _table(
        ["level", "before", final, "change"], rows, numeric=(1, 2, 3), raw=True, table_id="levels"
    )
    pairs = len(scenario.partners) * len(scenario.domains)
    return (
        '<section class="cards" aria-label="Headline numbers">'
        f'<div class="card"><h2>Interoperability score</h2>{score}</div>'
        f'<div class="card" id="spend-card"><h2>Spend against budget</h2>{money}</div>'
        f'<div class="card"><h2>Partner × domain pairs by level ({pairs} pairs)</h2>{levels}</div>'
        "</section>"
    )


def _legend(solution: Solution) -> str:
    ranges = _level_ranges(solution.scenario.settings.level_thresholds)
    items = "".join(
        f'<span>{_chip(k)}{_e(name)} <span class="lvl">({_e(ranges[k])})</span></span>'
        for k, name in enumerate(_level_names())
    )
    return f'<div class="legend" role="note" aria-label="Colour key of the levels">{items}</div>'


def _count_sentence(solution: Solution, scores: np.ndarray) -> str:
    counts = figures.level_counts(solution, scores)
    return "; ".join(f"{n} {name}" for n, name in zip(counts, _level_names(), strict=True))


def _heatmap_section(
    pictures: Pictures, solution: Solution, before: np.ndarray, after: np.ndarray | None
) -> str:
    scenario = solution.scenario
    shape = (
        f"{_plural(len(scenario.partners), 'partner')} (rows) by {_plural(len(scenario.domains), 'domain')}"
    )
    alt_before = (
        f"Heatmap of readiness before the plan (baseline), {shape} (columns); each cell is coloured by "
        f"its level and shows its score. Pairs per level: {_count_sentence(solution, before)}. "
        "The scores are also in the table 'Readiness scores by partner and domain' below."
    )
    png = _heatmap(pictures, solution, before)
    figures = [f"<figure><figcaption>Before: baseline readiness</figcaption>{_img(png, alt_before)}</figure>"]
    if after is not None:
        alt_after = (
            f"Heatmap of readiness in period {scenario.horizon} with the plan, {shape} (columns); each cell "
            "is coloured by its level and shows its score, with the gain over the baseline below it in "
            f"bold cells. Pairs per level: {_count_sentence(solution, after)}. The scores are also in the "
            "table 'Readiness scores by partner and domain' below."
        )
        png = _heatmap(pictures, solution, after, change=after - before)
        figures.append(
            f"<figure><figcaption>After: period {scenario.horizon} with the plan "
            f'<span class="lvl">(bold: changed; small: points gained)</span></figcaption>'
            f"{_img(png, alt_after)}</figure>"
        )
    grid = f'<div class="grid2">{"".join(figures)}</div>' if len(figures) == 2 else figures[0]
    domains = "; ".join(f"{d.id} = {d.name}" for d in scenario.domains if d.name and d.name != d.id)
    key = f'<p class="note">Domains: {_e(domains)}.</p>' if domains else ""
    # the numbers behind the maps, for screen readers and for copying
    rows = []
    for i, p in enumerate(scenario.partners):
        cells = []
        for j in range(len(scenario.domains)):
            text = _num(before[i, j])
            if after is not None:
                text += f" → {_num(after[i, j])}"
            cells.append(text)
        rows.append([_partner_label(p, 40), *cells])
    headers = ["partner", *(d.id for d in scenario.domains)]
    caption = "Readiness scores by partner and domain" + (
        f" (baseline → period {scenario.horizon})" if after is not None else " (baseline)"
    )
    data = _table(headers, rows, caption=caption, numeric=range(1, len(headers)))
    return (
        '<section id="readiness" aria-labelledby="h-readiness">'
        '<h2 id="h-readiness">Readiness by partner and domain</h2>'
        f"{_legend(solution)}{grid}{key}"
        f"<details><summary>Readiness scores as a table</summary>{data}</details></section>"
    )


def _level_changes_section(solution: Solution, before: np.ndarray, after: np.ndarray) -> str:
    scenario = solution.scenario
    names = _level_names()
    lb = figures.level_matrix(solution, before)
    la = figures.level_matrix(solution, after)
    known = ~np.isnan(after)
    matrix = [
        [f"{_chip(k)}{_e(names[k])}"]
        + [str(int(np.count_nonzero((lb == k) & (la == m) & known))) for m in range(len(names))]
        for k in range(len(names))
    ]
    transition = _table(
        ["before \\ after", *names],
        matrix,
        caption=f"Pairs moving from each level before (rows) to each level in period {scenario.horizon} "
        "(columns)",
        numeric=range(1, len(names) + 1),
        raw=True,
        table_id="transitions",
    )
    changed = []
    for i, p in enumerate(scenario.partners):
        for j, d in enumerate(scenario.domains):
            if known[i, j] and lb[i, j] != la[i, j]:
                changed.append(
                    [
                        f'<span class="nw">{_e(_partner_label(p, 40))}</span>',
                        _e(d.id),
                        _level_cell(float(before[i, j]), int(lb[i, j])),
                        _level_cell(float(after[i, j]), int(la[i, j])),
                        f"{int(la[i, j]) - int(lb[i, j]):+d}",
                    ]
                )
    if changed:
        pairs = _table(
            ["partner", "domain", "before", f"period {scenario.horizon}", "levels"],
            changed,
            caption=f"{_plural(len(changed), 'pair')} change level",
            numeric=(4,),
            raw=True,
            table_id="level-changes",
        )
    else:
        pairs = '<p class="note" id="level-changes">No partner changes level in any domain.</p>'
    return (
        '<section id="changes" aria-labelledby="h-changes"><h2 id="h-changes">Level changes</h2>'
        f"{transition}{pairs}</section>"
    )


def _binding_budgets(solution: Solution) -> dict[int, list[tuple[str, float]]]:
    """Period -> (budget, shadow price) of each period or type budget with a positive price."""
    use = solution.budget_use
    result: dict[int, list[tuple[str, float]]] = {}
    if use is None or len(use) == 0:
        return result
    for record in records.table_records(use, records.BUDGET_USE_COLUMNS):
        price, period = record["shadow_price"], record["period"]
        if record["kind"] not in ("period", "type") or price is None or period is None or price <= 1e-9:
            continue
        name = "total" if record["kind"] == "period" else str(record["name"] or "")
        result.setdefault(int(period), []).append((name, float(price)))
    return result


def _spend_section(pictures: Pictures, solution: Solution) -> str:
    scenario = solution.scenario
    currency = scenario.settings.currency
    table = figures.spend_table(solution)
    if table is None:
        return ""
    parts = [f"{t}: {_num(table.spend[i])} of {_num(table.budget[i])}" for i, t in enumerate(table.periods)]
    alt = (
        f"Stacked columns of spend per period by option type ({', '.join(table.types)}), each against "
        f"a black line at the period budget, in {currency or 'currency units'}. Spend of budget by period: "
        f"{'; '.join(parts)}. The numbers are in the table below."
    )
    binding = _binding_budgets(solution)
    headers = ["period", *table.types, "spend", "budget", "unused"]
    if binding:
        headers.append(f"binding budgets: score per extra {currency or 'unit'}".strip())
    rows = []
    for i, t in enumerate(table.periods):
        row = [str(t), *(_num(table.by_type[k][i]) for k in table.types)]
        row += [_num(table.spend[i]), _num(table.budget[i]), _num(table.unused[i])]
        if binding:
            row.append("; ".join(f"{name} {_num(price, 3)}" for name, price in binding.get(t, [])) or "–")
        rows.append(row)
    total = ["total", *(_num(sum(table.by_type[k])) for k in table.types)]
    total += [_num(sum(table.spend)), _num(sum(table.budget)), _num(sum(table.unused))]
    if binding:
        total.append("")
    rows.append(total)
    data = _table(
        headers,
        rows,
        caption=f"Spend by period and option type ({currency})" if currency else "Spend by period and type",
        numeric=range(1, len(headers)),
        table_id="spend-by-period",
    )
    partner_totals = figures.spend_by_partner(solution)
    ranked = sorted(
        ((sum(v.values()), p.id) for p, v in zip(scenario.partners, partner_totals.values(), strict=True)),
        key=lambda x: -x[0],
    )
    top = "; ".join(f"{pid} {_num(v)}" for v, pid in ranked[:5])
    alt_partner = (
        f"Horizontal stacked bars of spend per partner over all periods, by option type, in "
        f"{currency or 'currency units'}, with each total printed at the end of its bar. Largest: {top}."
    )
    return (
        '<section id="spend" aria-labelledby="h-spend"><h2 id="h-spend">Where the money goes</h2>'
        '<div class="grid2">'
        f"<figure><figcaption>Spend by period and option type, against each period's budget</figcaption>"
        f"{_img(_spend_by_period_chart(pictures, solution, table), alt)}</figure>"
        f"<figure><figcaption>Spend by partner over all periods</figcaption>"
        f"{_img(_spend_by_partner_chart(pictures, solution), alt_partner)}</figure>"
        f"</div>{data}</section>"
    )


def _weakest_section(solution: Solution) -> str:
    scenario = solution.scenario
    has_after = solution.has_plan
    rows = []
    for r in figures.domain_readiness(solution):
        level_b = _level_of(solution, r["weakest_before"])
        row = [
            _e(r["domain"]) + (f' <span class="lvl">{_e(r["name"])}</span>' if r["name"] else ""),
            _e(", ".join(r["weakest_partner_before"]) or "–"),
            _level_cell(r["weakest_before"], level_b),
        ]
        if has_after:
            level_a = _level_of(solution, r["weakest_after"])
            row += [
                _e(", ".join(r["weakest_partner_after"]) or "–"),
                _level_cell(r["weakest_after"], level_a),
                _num(r["average_before"]),
                _num(r["average_after"]),
            ]
        else:
            row.append(_num(r["average_before"]))
        rows.append(row)
    if has_after:
        final = f"period {scenario.horizon}"
        headers = [
            "domain", "weakest before", "score", f"weakest in {final}", "score",
            "average before", f"average in {final}",
        ]  # fmt: skip
        numeric: Sequence[int] = (5, 6)
    else:
        headers = ["domain", "weakest partner", "score", "average"]
        numeric = (3,)
    table = _table(headers, rows, numeric=numeric, raw=True, table_id="weakest-table")
    return (
        '<section id="weakest" aria-labelledby="h-weakest"><h2 id="h-weakest">Weakest partner per domain</h2>'
        '<p class="note">The coalition works only as well as its least ready member: the weakest partner '
        f"(of positive weight) carries a weight of {scenario.settings.weakest_link:g} in each domain's "
        "score. Averages are weighted by partner weight, as in the score.</p>"
        f"{table}</section>"
    )


def _level_of(solution: Solution, score: float | None) -> int | None:
    if score is None:
        return None
    return int(figures.level_matrix(solution, np.array([score]))[0])


def _share(part: float, total: float) -> str:
    if total <= 0:
        return "–"
    return "<1%" if 0 < part / total < 0.005 else f"{part / total:.0%}"


def _options_section(solution: Solution) -> str:
    scenario = solution.scenario
    currency = scenario.settings.currency
    allocation = solution.allocation
    if not solution.has_plan:
        return ""
    if allocation is None or len(allocation) == 0:
        return (
            '<section id="options" aria-labelledby="h-options"><h2 id="h-options">Funded options</h2>'
            '<p class="note">The plan funds nothing.</p></section>'
        )
    by_id = {o.id: o for o in scenario.options}
    total = float(allocation["cost"].sum())
    grouped = allocation.groupby("option", sort=False).agg(
        units=("units", "sum"), cost=("cost", "sum"), partners=("partner", "nunique")
    )
    rows = []
    for option_id, row in sorted(grouped.iterrows(), key=lambda x: (-float(x[1]["cost"]), str(x[0]))):
        option = by_id.get(option_id)
        rows.append(
            [
                option_id,
                option.name if option else "",
                option.type if option else "",
                _num(option.unit_cost, 2) if option else "–",
                str(int(row["partners"])),
                _units(float(row["units"])),
                _num(float(row["cost"])),
                _share(float(row["cost"]), total),
            ]
        )
    money = f" ({currency})" if currency else ""
    table = _table(
        ["option", "name", "type", f"unit cost{money}", "partners", "units", f"cost{money}", "share"],
        rows,
        numeric=(3, 4, 5, 6, 7),
        table_id="options-table",
    )
    detail_rows = [
        [o, p, str(int(t)), _units(float(u)), _num(float(c), 2)]
        for o, p, t, u, c in sorted(
            zip(allocation["option"], allocation["partner"], allocation["period"], allocation["units"],
                allocation["cost"], strict=True),
            key=lambda r: (str(r[0]), str(r[1]), int(r[2])),
        )
    ]  # fmt: skip
    detail = _table(["option", "partner", "period", "units", f"cost{money}"], detail_rows, numeric=(2, 3, 4))
    return (
        '<section id="options" aria-labelledby="h-options"><h2 id="h-options">Funded options</h2>'
        f'<p class="note">{_plural(len(rows), "option")} funded for {_money(total, _e(currency))}. '
        "Unit costs are before each partner's cost factor; units may be fractions (the plan is a linear "
        "program).</p>"
        f"{table}<details><summary>Every funded unit by option, partner and period "
        f"({len(detail_rows)} rows)</summary>{detail}</details></section>"
    )


def _shortfalls_section(solution: Solution) -> str:
    frame = solution.shortfalls
    if frame is None or len(frame) == 0:
        if solution.status == "infeasible":
            return (
                '<section id="shortfalls" aria-labelledby="h-short"><h2 id="h-short">Unmet targets</h2>'
                '<p class="note">The targets cannot all be met, but none could be named.</p></section>'
            )
        return ""
    unmet = sorted(
        records.table_records(frame, records.SHORTFALL_REPORT_COLUMNS), key=lambda r: -(r["shortfall"] or 0.0)
    )
    rows = [
        [r["partner"], r["domain"], r["period"], _num(r["min_score"]), _num(r["reached"]),
         _num(r["shortfall"]), "" if r["row"] is None else r["row"]]
        for r in unmet
    ]  # fmt: skip
    table = _table(
        ["partner", "domain", "period", "target", "reachable", "short by", "targets row"],
        rows,
        numeric=(2, 3, 4, 5, 6),
        table_id="shortfalls-table",
    )
    return (
        '<section id="shortfalls" aria-labelledby="h-short"><h2 id="h-short">Unmet targets</h2>'
        '<p class="note">Targets the budgets cannot reach, with the most readiness reachable (found by '
        "minimising the total shortfall) and the row of the targets sheet each came from.</p>"
        f"{table}</section>"
    )


def _violations_section(solution: Solution) -> str:
    frame = getattr(solution, "violations", None)
    if frame is None or len(frame) == 0:
        return ""
    headers = [str(c) for c in frame.columns]
    rows = [
        [_num(v, 2) if isinstance(v, float) else ("" if v is None else v) for v in values]
        for values in frame.itertuples(index=False, name=None)
    ]
    table = _table(headers, rows, table_id="violations-table")
    return (
        '<section id="violations" aria-labelledby="h-viol"><h2 id="h-viol">Rules the plan breaks</h2>'
        f"{table}</section>"
    )


def _extra_section(section: Section, index: int) -> str:
    anchor = f"extra-{index}"
    note = f'<p class="note">{_e(section.note)}</p>' if section.note else ""
    content = section.content
    if isinstance(content, (bytes, bytearray)):
        body = f"<figure>{_img(bytes(content), section.alt or section.title)}</figure>"
    elif isinstance(content, Table):
        body = _table([str(h) for h in content.headers], content.rows, caption=content.caption)
    elif isinstance(content, Html):
        body = str(content)
    else:
        body = f"<p>{_e(content)}</p>"
    return (
        f'<section id="{anchor}" aria-labelledby="h-{anchor}"><h2 id="h-{anchor}">{_e(section.title)}</h2>'
        f"{note}{body}</section>"
    )


def _settings_section(solution: Solution, fingerprints: Sequence[Mapping[str, Any]]) -> str:
    scenario = solution.scenario
    settings = scenario.settings
    facts = [
        ["status", f"{solution.status}: {records.status_text(solution)}"],
        ["solver", f"{solution.solver}, {solution.seconds:.2f} s"],
        ["scenario", scenario.source or "(not from a file)"],
        ["weakest_link", f"{settings.weakest_link:g}"],
        ["score_cap", f"{settings.score_cap:g}"],
        ["score_periods", settings.score_periods],
        ["level_thresholds", ", ".join(f"{x:g}" for x in settings.level_thresholds)],
        ["currency", settings.currency or "(none)"],
        ["periods", str(scenario.horizon)],
        ["budgets", "; ".join(f"{b.period}: {_num(b.total)}" for b in scenario.budgets)],
        ["targets", str(len(scenario.targets))],
    ]
    if solution.message:
        facts.insert(2, ["message", solution.message])
    settings_table = _table(["setting", "value"], facts, caption="Scenario and run", table_id="settings")
    rows = []
    for entry in fingerprints:
        digest = entry.get("sha256") or "(could not be read)"
        kind = entry.get("kind", "file")
        label = "SHA-256 of its CSV files' listing (below)" if kind == "folder" else "SHA-256"
        rows.append(
            [_e(entry.get("path", "")), _e(kind), f'<span class="hash">{_e(digest)}</span>', _e(label)]
        )
        for f in entry.get("files", ()) or ():
            rows.append(
                [
                    f"&nbsp;&nbsp;{_e(f.get('name', ''))}",
                    "csv",
                    f'<span class="hash">{_e(f.get("sha256") or "(could not be read)")}</span>',
                    "SHA-256",
                ]
            )
    if rows:
        inputs = _table(
            ["input", "kind", "fingerprint", "digest"],
            rows,
            caption="Input files",
            raw=True,
            table_id="inputs",
        )
        inputs += (
            '<p class="note">Check a file with <code>sha256sum FILE</code>; a folder with '
            "<code>cd FOLDER &amp;&amp; export LC_ALL=C &amp;&amp; sha256sum *.csv | sha256sum</code>.</p>"
        )
    else:
        inputs = '<p class="note" id="inputs">No input file was given to fingerprint.</p>'
    partners = _table(
        ["partner", "name", "weight", "cost factor", "effectiveness", "max spend per period"],
        [
            [p.id, p.name, f"{p.weight:g}", f"{p.cost_factor:g}", f"{p.effectiveness:g}",
             "–" if p.max_spend is None else _num(p.max_spend)]
            for p in scenario.partners
        ],
        caption="Partners",
        numeric=(2, 3, 4, 5),
        table_id="partners",
    )  # fmt: skip
    domains = _table(
        ["domain", "name", "weight"],
        [[d.id, d.name, f"{d.weight:g}"] for d in scenario.domains],
        caption="Domains",
        numeric=(2,),
        table_id="domains",
    )
    return (
        '<section id="scenario" aria-labelledby="h-scenario"><h2 id="h-scenario">Scenario and inputs</h2>'
        f'<div class="grid2"><div>{settings_table}</div><div>{inputs}</div></div>'
        f'<div class="grid2"><div>{partners}</div><div>{domains}</div></div></section>'
    )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    with contextlib.suppress(PackageNotFoundError):
        return version("interop-optimizer")
    return "unknown"


def render_html(
    solution: Solution,
    inputs: Iterable[str | os.PathLike[str]] = (),
    *,
    extra_sections: Sequence[Section] = (),
    fingerprints: Sequence[Mapping[str, Any]] | None = None,
) -> str:
    """The report page as a string (see `write_html`)."""
    if fingerprints is None:
        fingerprints = report.input_fingerprints(inputs)
    pictures = Pictures()
    before, after = figures.readiness_matrices(solution)
    body = [_header(solution), _cards(solution, before, after)]
    if not solution.has_plan:
        body.append(_shortfalls_section(solution))
    body.append(_heatmap_section(pictures, solution, before, after))
    if after is not None:
        body.append(_level_changes_section(solution, before, after))
    body.append(_spend_section(pictures, solution))
    body.append(_weakest_section(solution))
    body.append(_options_section(solution))
    if solution.has_plan:
        body.append(_shortfalls_section(solution))
    body.append(_violations_section(solution))
    body.extend(_extra_section(s, i) for i, s in enumerate(extra_sections, start=1))
    body.append(_settings_section(solution, fingerprints))
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    body.append(f"<footer>Made by interop-optimizer {_e(_version())} on {now}.</footer>")
    source = os.path.basename(str(solution.scenario.source).rstrip("/\\")) if solution.scenario.source else ""
    title = f"Interoperability plan: {source}" if source else "Interoperability plan"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(part for part in body if part)
        + "\n</main>\n</body>\n</html>\n"
    )


def write_html(
    solution: Solution,
    path: str | os.PathLike[str],
    inputs: Iterable[str | os.PathLike[str]] = (),
    *,
    extra_sections: Sequence[Section] = (),
    fingerprints: Sequence[Mapping[str, Any]] | None = None,
) -> Path:
    """Write the HTML report to `path` (.html or .htm) and return the resolved path written.

    inputs: the scenario file or folder (and any other input): the report is
    never written over one of them or inside an input folder, and each is
    fingerprinted (name and SHA-256) unless `fingerprints` gives them already
    (the `inputs` list of a saved JSON result, see `report.input_fingerprints`).
    extra_sections: further sections (e.g. sensitivity pictures) shown after
    the plan and before the scenario settings.
    Raises OutputError for a refused or failed write; parent folders are created.
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    inputs = list(inputs)
    shown = os.fspath(path)
    if Path(path).suffix.lower() not in _HTML_SUFFIXES:
        raise OutputError(f"Cannot write the HTML report to '{shown}': use a name ending in .html.")
    target = Path(os.path.realpath(path))
    atomic.check_not_input([target], inputs, shown)
    if target.is_dir():
        raise OutputError(f"Cannot write the HTML report to '{shown}': it is a folder.")
    page = render_html(solution, inputs, extra_sections=extra_sections, fingerprints=fingerprints)

    def write(temporary: Path) -> None:
        with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(page)

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_file_atomically(target, write)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OutputError(f"Could not write the HTML report to '{shown}': {reason}.") from exc
    return target


__all__ = ["Html", "Section", "Table", "figure_png", "render_html", "write_html"]
