"""What came of a solve, in one vocabulary whichever solver ran it, and its exit status (README)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np


class Status(StrEnum):
    """The outcome of a solve; the values are what JSON results and reports carry."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    TIME_LIMIT = "time_limit"
    ERROR = "error"
    EVALUATED = "evaluated"  # a planner's plan scored, not solved


# README "Exit statuses": the command line's status for each outcome of a solve
EXIT_STATUS: dict[Status, int] = {
    Status.OPTIMAL: 0,
    Status.INFEASIBLE: 3,
    Status.TIME_LIMIT: 4,
    Status.ERROR: 5,
}


@dataclass(frozen=True)
class Run:
    """One LP solved, read the same way whichever solver ran it.

    With HiGHS the numbers stay in its model and are read when asked for; with
    CBC they are copied out of PuLP once. Duals follow HiGHS's sign convention
    (lp.cbc turns COIN_CMD's round).
    """

    status: Status
    has_plan: bool
    highs: Any = None
    cbc: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # column values, row duals, reduced costs
    problem: Any = None  # CBC's PuLP problem, its variables and constraints, for phase 2
    resolve: Any = None  # lp.highs.Resolve: how a HighsLP started this LP, and why
    warm: Any = None  # the lp.highs.HighsLP that solved it, where the next LP can be warm
    bound: float | None = None  # a MIP's proven bound on its objective (None: an LP, or CBC's unread)
    gap: float | None = None  # a MIP's relative gap between its plan and that bound

    def values(self) -> np.ndarray:
        return self.cbc[0] if self.highs is None else _highs_array(self.highs, "col_value")

    def row_duals(self) -> np.ndarray:
        return self.cbc[1] if self.highs is None else _highs_array(self.highs, "row_dual")

    def reduced_costs(self) -> np.ndarray:
        return self.cbc[2] if self.highs is None else _highs_array(self.highs, "col_dual")


def _highs_array(highs: Any, name: str) -> np.ndarray:
    """One array of HiGHS's solution (through lp.highs, which alone talks to HiGHS)."""
    import numpy as np

    from . import highs as interface

    return np.asarray(getattr(interface.solution(highs), name))
