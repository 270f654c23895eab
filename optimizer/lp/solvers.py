"""The solvers the project can run, what each can do, and how to get one that is missing.

Studies and the command line ask the registry (`SOLVERS[name].ranging`, `.warm`) instead of
comparing solver names: a capability is said once, here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import SolverError
from . import cbc, highs, progress
from . import model as lp
from .status import Run


@dataclass(frozen=True)
class Solver:
    """One solver: how to run an LP with it and what it offers beyond a plan."""

    name: str
    label: str  # as a planner knows it
    is_installed: Callable[[], bool]
    run: Callable[[lp.Model, float | None], Run]  # an LP from scratch, within a time limit
    least_money: Callable[[Run, lp.Model, float | None], Run]  # phase 2 in phase 1's model
    # a MIP from scratch: (model, time limit, relative gap, start plan or None)
    mip: Callable[[lp.Model, float | None, float, np.ndarray | None], Run]
    ranging: bool  # allowable ranges of the sensitivity report
    warm: bool  # re-solves variants warm (sweeps, tornado, Monte Carlo)
    install: str  # how to install it
    # stops an LP at a time limit: CBC applies its -sec to branching only (issue 14: a 0.2 s limit
    # on the medium preset's LP ran its full 4 s and reported 'optimal')
    time_limit: bool = True

    @property
    def missing(self) -> str:
        return f"the solver '{self.name}' is not installed here ({self.install})"


SOLVERS: dict[str, Solver] = {
    "highs": Solver(
        "highs",
        "HiGHS",
        highs.installed,
        highs.run,
        highs.least_money,
        lambda model, seconds, gap, start: highs.run_mip(model, seconds, gap, start, progress.on_terminal()),
        True,
        True,
        highs.INSTALL,
    ),
    "cbc": Solver(
        "cbc",
        "CBC",
        cbc.installed,
        cbc.run_lp,
        cbc.least_money,
        cbc.run_mip,
        False,
        False,
        cbc.INSTALL,
        time_limit=False,
    ),
}


def solver(name: str) -> Solver:
    """The registry's entry for `name`; SolverError for a name it does not know."""
    if name not in SOLVERS:
        raise SolverError(f"unknown solver '{name}': choose one of {', '.join(SOLVERS)}")
    return SOLVERS[name]


def check_solver(name: str) -> Solver:
    """The entry for `name`, which must be installed here."""
    entry = solver(name)
    if not entry.is_installed():
        raise SolverError(entry.missing)
    return entry


def available_solvers() -> dict[str, bool]:
    """Which of our solvers this installation can run."""
    return {name: entry.is_installed() for name, entry in SOLVERS.items()}
