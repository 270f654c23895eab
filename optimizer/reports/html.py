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

The page is the Jinja2 template `templates/plan.html` (autoescaped: all user
text is escaped); this module gathers what it shows, as text already worded
and numbers already written (`theme.number`). Pictures are drawn by `pictures`
(matplotlib, imported only when a report is made, so the command line starts fast).

Writing follows the rules of `writers`: never over an input, whole or not at all.
"""

from __future__ import annotations

import datetime
import functools
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from ..errors import OutputError, without_bidi
from ..io import atomic
from ..results import Solution
from . import figures, plan_page, writers
from .cells import PageTable, Picture
from .pairs import pair_sections
from .pictures import Pictures, figure_png
from .plan import input_fingerprints
from .theme import LEVEL_COLOURS

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


def render(template: str, **context: Any) -> str:
    """A template of `templates/` filled in, user text escaped."""
    return _environment().get_template(template).render(**context)


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("optimizer.reports"),
        autoescape=jinja2.select_autoescape(),
        undefined=jinja2.StrictUndefined,
        finalize=_neutral,
    )


def _neutral(value: Any) -> Any:
    """Text put in the page with its bidi controls shown escaped (a browser would obey them);
    markup we made (pictures, tables) goes in as it is."""
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return without_bidi(value)
    return value


def _extra(section: Section) -> dict[str, Any]:
    content = section.content
    part: dict[str, Any] = dict.fromkeys(("picture", "table", "markup", "text"))
    part |= {"title": section.title, "note": section.note}
    if isinstance(content, (bytes, bytearray)):
        part["picture"] = Picture.of(bytes(content), section.alt or section.title)
    elif isinstance(content, Table):
        part["table"] = PageTable([str(h) for h in content.headers], content.rows, caption=content.caption)
    elif isinstance(content, Html):
        part["markup"] = markupsafe.Markup(content)
    else:
        part["text"] = content
    return part


# --------------------------------------------------------------------------- the page


def render_html(
    solution: Solution,
    inputs: Iterable[str | os.PathLike[str]] = (),
    *,
    extra_sections: Sequence[Section] = (),
    fingerprints: Sequence[Mapping[str, Any]] | None = None,
) -> str:
    """The report page as a string (see `write_html`)."""
    if fingerprints is None:
        fingerprints = input_fingerprints(inputs)
    drawing = Pictures()
    before, after = figures.readiness_matrices(solution)
    source = os.path.basename(str(solution.scenario.source).rstrip("/\\")) if solution.scenario.source else ""
    return render(
        "plan.html",
        title=f"Interoperability plan: {source}" if source else "Interoperability plan",
        level_colours=LEVEL_COLOURS,
        has_plan=solution.has_plan,
        horizon=solution.scenario.horizon,
        header=plan_page.header(solution),
        cards=plan_page.cards(solution, before, after),
        readiness=plan_page.readiness(drawing, solution, before, after),
        changes=plan_page.level_changes(solution, before, after) if after is not None else None,
        spend=plan_page.spend(drawing, solution),
        weakest=plan_page.weakest(solution),
        options=plan_page.options(solution),
        whole_units=plan_page.whole_units(solution),
        shortfalls=plan_page.shortfalls(solution),
        violations=plan_page.violations(solution),
        extras=[*pair_sections(drawing, solution), *(_extra(s) for s in extra_sections)],
        scenario=plan_page.scenario(solution, fingerprints),
        version=plan_page.version(),
        now=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def check_html(path: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]) -> Path:
    """Refuse, before any work, an HTML page that could not be written (not .html, an input, ...)."""
    if Path(path).suffix.lower() not in _HTML_SUFFIXES:
        raise OutputError(f"Cannot write the HTML report to '{os.fspath(path)}': use a name ending in .html.")
    return writers.check_output(path, inputs, folder=False, what="HTML report")


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
    (the `inputs` list of a saved JSON result, see `plan.input_fingerprints`).
    extra_sections: further sections (e.g. sensitivity pictures) shown after
    the plan and before the scenario settings.
    Raises OutputError for a refused or failed write; parent folders are created.
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    inputs = list(inputs)
    shown = os.fspath(path)
    target = check_html(path, inputs)
    page = render_html(solution, inputs, extra_sections=extra_sections, fingerprints=fingerprints)

    def write(temporary: Path) -> None:
        with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(page)

    with writers.refused_writes(shown, what="HTML report"):
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_file_atomically(target, write)
    return target


__all__ = ["Html", "Section", "Table", "check_html", "figure_png", "render_html", "write_html"]
