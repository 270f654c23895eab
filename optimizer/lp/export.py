"""The LP written to a file for other solvers to check (`--export-model`): MPS or LP format.

The MPS file is written here from the model's arrays, in free MPS. PuLP 4.2 writes an
OBJSENSE section before NAME, which CBC's command line and GLPK's glpsol refuse, and
neither of them reads OBJSENSE anyway: so a maximisation is written as the minimisation
of the negated objective, and a `*` comment line at the top of the file says so. The LP
format states its sense in the file and every reader we tried takes PuLP's, so it is
written through PuLP.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..errors import OutputError
from ..io import atomic
from . import model as lp
from .cbc import to_pulp

INF = math.inf


def export(model: lp.Model, path: str | os.PathLike[str]) -> None:
    """Write the LP as .mps (from the arrays) or .lp (through PuLP), so any solver can check it."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".mps", ".lp"):
        raise OutputError(f"cannot export the model to '{target}': the name must end in .mps or .lp")
    target.parent.mkdir(parents=True, exist_ok=True)

    def write(temporary: Path) -> None:
        if suffix == ".mps":
            with open(temporary, "w", encoding="ascii") as handle:
                handle.writelines(line + "\n" for line in mps_lines(model))
        else:
            to_pulp(model)[0].writeLP(str(temporary))

    try:  # whole or not at all: a full disk leaves no part of a model behind
        atomic.write_file_atomically(target, write)
    except OSError as error:
        raise OutputError(f"Could not write the model to '{target}': {error.strerror or error}.") from error


def mps_lines(model: lp.Model) -> Iterator[str]:
    """The LP in free MPS: NAME first, no OBJSENSE; a maximisation as min of the negated objective."""
    if model.maximise:
        yield "* Written as a minimisation of the negated objective (CBC and glpsol read no OBJSENSE):"
        yield "* the maximum of the model (the score Z*) is minus the optimal objective value of this file."
    yield "NAME readiness"
    yield from _rows(model)
    yield from _columns(model, -model.objective if model.maximise else model.objective)
    yield from _rhs(model)
    yield from _bounds(model)
    yield "ENDATA"


def _row_bounds(model: lp.Model) -> Iterator[tuple[str, float, float]]:
    return zip(model.row_names, model.row_lower.tolist(), model.row_upper.tolist(), strict=True)


def _rows(model: lp.Model) -> Iterator[str]:
    yield "ROWS"
    yield " N OBJ"
    for name, low, up in _row_bounds(model):
        kind = "E" if low == up else "L" if low == -INF else "G"  # no row of ours has two finite bounds
        yield f" {kind} {name}"


def _columns(model: lp.Model, objective: np.ndarray) -> Iterator[str]:
    """Each column's entries together, as MPS wants them: the CSR rows turned column-wise."""
    yield "COLUMNS"
    rows = model.entry_rows()
    order = np.argsort(model.row_index, kind="stable")
    column_start = np.searchsorted(model.row_index[order], np.arange(model.column_count + 1)).tolist()
    row_of, value_of = rows[order].tolist(), model.row_value[order].tolist()
    row_names, costs = model.row_names, objective.tolist()
    for j, name in enumerate(model.column_names()):
        span = range(column_start[j], column_start[j + 1])
        if costs[j] != 0.0 or not span:  # a column with no entry at all still has to be declared
            yield f" {name} OBJ {costs[j]!r}"
        for k in span:
            yield f" {name} {row_names[row_of[k]]} {value_of[k]!r}"


def _rhs(model: lp.Model) -> Iterator[str]:
    yield "RHS"
    for name, low, up in _row_bounds(model):
        value = up if low == -INF else low
        if value != 0.0:
            yield f" RHS {name} {value!r}"


def _bounds(model: lp.Model) -> Iterator[str]:
    """Bounds other than MPS's default [0, inf)."""
    yield "BOUNDS"
    bounds = zip(model.column_names(), model.col_lower.tolist(), model.col_upper.tolist(), strict=True)
    for name, low, up in bounds:
        if low == up:
            yield f" FX BND {name} {low!r}"
            continue
        if low == -INF:
            yield f" MI BND {name}"
        elif low != 0.0:
            yield f" LO BND {name} {low!r}"
        if up != INF:
            yield f" UP BND {name} {up!r}"
