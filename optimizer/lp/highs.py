"""HiGHS, in process through highspy: the one module that talks to it.

Everything the project asks of HiGHS goes through here: the options it runs
with, passing an LP, reading HiGHS's status into ours, ranging, and re-solving
one LP after another warm (`HighsLP`), which each study and ranging use.
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import Enum, StrEnum
from typing import Any

import numpy as np

from ..errors import SolverError
from . import model as lp
from . import tuning
from .scaling import scaling
from .status import Run, Status

INF = math.inf

DUAL_SIMPLEX, PRIMAL_SIMPLEX = 1, 4  # HiGHS's simplex_strategy values


INSTALL = "pip install highspy"


def installed() -> bool:
    return importlib.util.find_spec("highspy") is not None


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """Silence file descriptor 1 while a solver runs.

    HiGHS prints its banner straight to descriptor 1 from C++, which would
    corrupt `--json` output; Python-level redirection cannot catch it. Our
    solvers run with messages off, so nothing else is lost.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def to_highs(model: lp.Model) -> Any:
    """A HiGHS model holding the LP, passed from the arrays in one call; messages off."""
    import highspy

    with quiet_stdout():  # the first Highs() of a process prints a banner on descriptor 1
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    for name, value in tuning.highs_options(model).items():
        highs.setOptionValue(name, value)
    pass_model(highs, model)
    return highs


def pass_model(highs: Any, model: lp.Model) -> None:
    """Hand HiGHS the LP's arrays in one call, replacing any model it held (options stay), at unit
    magnitude (lp.scaling: the factors measured from `model`, kept on `highs` for reading back)."""
    import highspy

    factors = scaling(model)
    highs.interop_scaling = factors  # what every number read back from HiGHS is multiplied by
    columns, rows = factors.columns, factors.rows
    entry_row = model.entry_rows()
    # columns a derived LP appends (phase 3's moves) are continuous and may be missing from it
    integrality = np.zeros(model.column_count, dtype=np.int32)
    integrality[: len(model.integrality)] = model.integrality
    passed = highs.passModel(
        model.column_count,
        model.row_count,
        len(model.row_index),
        int(highspy.MatrixFormat.kRowwise),
        int(highspy.ObjSense.kMaximize if model.maximise else highspy.ObjSense.kMinimize),
        0.0,
        model.objective * columns / factors.objective,
        model.col_lower / columns,
        model.col_upper / columns,
        model.row_lower / rows,
        model.row_upper / rows,
        model.row_start[:-1],  # HiGHS takes each row's start, not the end of the last
        model.row_index,
        model.row_value * columns[model.row_index] / rows[entry_row],
        integrality,  # all 0 for an LP: this overload needs it said
    )
    # kWarning is HiGHS tidying the LP: a coefficient below 1e-9 (a unit cost of 1e-283, say) dropped
    if passed == highspy.HighsStatus.kError:
        raise SolverError("HiGHS refused the model: this is a bug, please report it")


def run_within(highs: Any, seconds: float | None, progress: Progress | None = None) -> Run:
    """Run HiGHS for at most `seconds` more (None: no limit) and say what came of it; a MIP's
    `progress` hears of its incumbents and bounds.

    Ctrl-C stops HiGHS through its interrupt callbacks (simplex, interior point, branch and
    bound) and raises KeyboardInterrupt here, after HiGHS has let go: nothing partial leaves
    the solve. A Python handler alone runs only once HiGHS returns: Ctrl-C during the large
    preset's LP relaxation (whole exercises, 35 s) used to wait for its end.

    HiGHS holds its time_limit against the run time of every run of a Highs
    object together: warm re-solves under a fixed limit stop at once when the
    earlier runs have used it up (measured: the 14th warm run of the medium
    preset under 0.1 s stopped after 3 ms, 32 iterations). So the limit is
    set past what the object has used.
    """
    highs.setOptionValue("time_limit", INF if seconds is None else highs.getRunTime() + float(seconds))
    with interruptible(highs, progress) as stopped, quiet_stdout():
        highs.run()
    if stopped():
        raise KeyboardInterrupt
    status, has_plan = outcome(highs)
    return Run(status, has_plan, highs=highs)


def outcome(highs: Any) -> tuple[Status, bool]:
    """HiGHS's status as ours, and whether it holds a plan: one stopped by its limit may claim a
    value while holding none."""
    import highspy

    model_status = highs.getModelStatus()
    feasible = highs.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible
    codes = highspy.HighsModelStatus
    if model_status == codes.kOptimal:
        return Status.OPTIMAL, True
    if model_status in (codes.kInfeasible, codes.kUnboundedOrInfeasible):
        return Status.INFEASIBLE, False
    if model_status in (codes.kTimeLimit, codes.kIterationLimit):
        return Status.TIME_LIMIT, feasible
    return Status.ERROR, False


@dataclass(frozen=True)
class Solution:
    """HiGHS's solution in the LP's own units (lp.scaling undone)."""

    col_value: np.ndarray
    row_value: np.ndarray
    col_dual: np.ndarray
    row_dual: np.ndarray


def solution(highs: Any) -> Solution:
    got, factors = highs.getSolution(), highs.interop_scaling
    columns, rows, objective = factors.columns, factors.rows, factors.objective
    return Solution(
        np.asarray(got.col_value) * columns,
        np.asarray(got.row_value) * rows,
        np.asarray(got.col_dual) * objective / columns,
        np.asarray(got.row_dual) * objective / rows,
    )


def with_score_row(basis: Any) -> Any:
    """Phase 1's basis with phase 2's score row basic: phase 1's optimum, feasible for phase 2."""
    import highspy

    extended = highspy.HighsBasis()
    extended.col_status = list(basis.col_status)
    extended.row_status = [*basis.row_status, highspy.HighsBasisStatus.kBasic]
    extended.valid = True
    return extended


def plain_basis(basis: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A HiGHS basis as numbers (column statuses, row statuses), which pickle: a study's workers
    start warm from the base's basis without solving the base again."""
    return tuple(int(s) for s in basis.col_status), tuple(int(s) for s in basis.row_status)


def highs_basis(plain: tuple[tuple[int, ...], tuple[int, ...]]) -> Any:
    """plain_basis turned back into a HiGHS basis."""
    import highspy

    status = {int(member): member for member in highspy.HighsBasisStatus.__members__.values()}
    basis = highspy.HighsBasis()
    basis.col_status = [status[s] for s in plain[0]]
    basis.row_status = [status[s] for s in plain[1]]
    basis.valid = True
    return basis


# ---------------------------------------------------------------------------------------------------------
# Ranging


def row_ranging(highs: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """HiGHS's (down, up) ends of each row's bound over which the optimal basis stays optimal."""
    import highspy

    with quiet_stdout():
        status, ranging = highs.getRanging()
    if status != highspy.HighsStatus.kOk or not ranging.valid:
        return None
    rows = highs.interop_scaling.rows
    return np.asarray(ranging.row_bound_dn.value_) * rows, np.asarray(ranging.row_bound_up.value_) * rows


def basic_rows(highs: Any) -> np.ndarray:
    """Which rows are basic (do not bind) at HiGHS's current basis."""
    import highspy

    basic = highspy.HighsBasisStatus.kBasic
    return np.array([status == basic for status in highs.getBasis().row_status], dtype=bool)


def basis_end(highs: Any, lower: np.ndarray, upper: np.ndarray, i: int, way: int) -> float:
    """How far the bound of nonbasic row i moves (`way` +1 up, -1 down) before the basis changes.

    HiGHS's row ranging for one row: a column of the basis inverse and a ratio test over the
    basic variables, with `lower` and `upper` the bounds of columns, then rows. getRanging
    computes every row and column, 0.25 s a call on the large preset, and an extension needs
    one row; tests hold this to getRanging's values.
    """
    columns, factors = highs.getNumCol(), highs.interop_scaling
    both = np.concatenate([factors.columns, factors.rows])  # HiGHS's numbers from here on
    lower, upper = lower / both, upper / both
    _, basic = highs.getBasicVariables()  # column j, or row i as -1 - i
    _, direction = highs.getBasisInverseCol(i)
    now = highs.getSolution()
    position = np.where(basic >= 0, basic, columns - 1 - basic)
    value = np.concatenate([now.col_value, now.row_value])[position]
    change = way * np.where(basic >= 0, direction, -direction)  # of each basic variable per unit
    with np.errstate(divide="ignore", invalid="ignore"):
        room = np.where(
            change > 1e-9,
            (upper[position] - value) / change,
            np.where(change < -1e-9, (lower[position] - value) / change, math.inf),
        )
    end = float(now.row_value[i]) + way * max(0.0, float(room.min(initial=math.inf)))
    return end * float(factors.rows[i])


# ---------------------------------------------------------------------------------------------------------
# Warm re-solves


class Start(StrEnum):
    """How `HighsLP.solve` started an LP; the values are a sweep's `method` words where they meet."""

    IN_PLACE = "in place"  # bounds (or phase 2's row and objective) changed in HiGHS's model
    BASIS = "basis"  # the LP passed whole, re-solved from a basis
    COLD = "cold"  # the LP passed whole, solved from scratch


class Reason(Enum):
    """Why `HighsLP.solve` started an LP the way it did (after linopy's RebuildReason)."""

    BOUNDS = "only column or row bounds changed"
    SCORE_ROW = "one row added at the end and the objective changed (phase 2 of phase 1)"
    NUMBERS = "the same columns, rows and nonzero pattern with other numbers"
    FIRST = "the first LP of this model"
    SHAPE = "the columns, rows or nonzero pattern changed: no basis fits"


@dataclass(frozen=True)
class Resolve:
    """What `HighsLP.solve` did with an LP, and why."""

    start: Start
    reason: Reason


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a is b or np.array_equal(a, b)


class HighsLP:
    """One HiGHS model re-solved for LP after LP, each as warm as it allows.

    LPs built from variants of one scenario mostly share their columns, rows and
    nonzero pattern. Only bounds moved: changed in place, HiGHS goes on from
    its basis. Phase 2 of the LP held (one score row more, spend as objective):
    added in place. Other numbers: the LP passed whole (0.02 s on the large
    preset, less than changing thousands of coefficients one by one) and
    re-solved from a basis. Anything else is solved cold. A tornado variant of
    the large preset takes ~0.2 s so, build included, against ~2.5 s cold.
    """

    def __init__(self, model: lp.Model | None = None) -> None:
        """`model`: passed to HiGHS unsolved, so that the first LP solved is judged against it."""
        self.highs: Any = None if model is None else to_highs(model)
        self.model = model  # the LP HiGHS holds
        self.solved = False  # whether HiGHS holds a basis of its own

    def decide(self, model: lp.Model, basis: Any = None) -> Resolve:
        """How `solve` would start `model` from `basis` (None: the basis HiGHS holds, if any)."""
        # later the basis HiGHS holds is one; only a first LP without a basis starts cold
        held = self.model
        if held is None or (basis is None and not self.solved):
            return Resolve(Start.COLD if basis is None else Start.BASIS, Reason.FIRST)
        if not self._same_columns(held, model):
            return Resolve(Start.COLD, Reason.SHAPE)
        if model.row_count == held.row_count + 1 and self._grown_by_one_row(held, model):
            return Resolve(Start.IN_PLACE, Reason.SCORE_ROW)
        if not (_same(model.row_start, held.row_start) and _same(model.row_index, held.row_index)):
            return Resolve(Start.COLD, Reason.SHAPE)
        numbers = (
            model.maximise == held.maximise
            and _same(model.objective, held.objective)
            and _same(model.row_value, held.row_value)
        )
        if numbers:
            return Resolve(Start.IN_PLACE, Reason.BOUNDS)
        return Resolve(Start.BASIS, Reason.NUMBERS)

    def solve(self, model: lp.Model, seconds: float | None, basis: Any = None, primal: bool = False) -> Run:
        """Solve `model` as `decide` says, for at most `seconds` (None: no limit), from `basis`
        when given; `primal`: by primal simplex (the start is feasible: phase 2 from phase 1)."""
        how = self.decide(model, basis)
        if how.start is Start.BASIS and basis is None:
            basis = self.highs.getBasis()  # the basis HiGHS holds, kept across the new pass
        if self.highs is None:
            self.highs = to_highs(model)
        elif how.reason is Reason.SCORE_ROW:
            self._add_score_row(model)
        elif how.start is Start.IN_PLACE:
            self._change_bounds(model)
        else:
            pass_model(self.highs, model)
        if basis is not None and how.start is not Start.COLD:
            self.highs.setBasis(basis)
        self.highs.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX if primal else DUAL_SIMPLEX)
        self.model, self.solved = model, True
        return replace(run_within(self.highs, seconds), resolve=how, warm=self)

    def basis(self) -> Any:
        return self.highs.getBasis()

    def solve_with_entries(
        self, entries: np.ndarray, factor: float, seconds: float | None, basis: Any
    ) -> tuple[Status, np.ndarray | None]:
        """The LP HiGHS holds with its matrix entries `entries` (positions in the held LP's
        row_index / row_value) times `factor`, changed in place and run from `basis` for at most
        `seconds`: its status and column values (None without a plan). The entries are set back
        afterwards, so the LP held is unchanged.

        An estimate's gain or unit cost is a few hundred entries (studies.estimates): changed
        one by one, far less work than passing the LP whole."""
        held, factors = self.model, self.highs.interop_scaling
        rows = np.searchsorted(held.row_start, entries, side="right") - 1
        columns = held.row_index[entries]
        values = (
            held.row_value[entries] * factors.columns[columns] / factors.rows[rows]
        )  # as HiGHS holds them
        for row, column, value in zip(
            rows.tolist(), columns.tolist(), (values * factor).tolist(), strict=True
        ):
            self.highs.changeCoeff(row, column, value)
        self.highs.setBasis(basis)
        self.highs.setOptionValue("simplex_strategy", DUAL_SIMPLEX)
        run = run_within(self.highs, seconds)
        plan = solution(self.highs).col_value if run.has_plan else None
        for row, column, value in zip(rows.tolist(), columns.tolist(), values.tolist(), strict=True):
            self.highs.changeCoeff(row, column, value)
        return run.status, plan

    @staticmethod
    def _same_columns(held: lp.Model, model: lp.Model) -> bool:
        return model.column_count == held.column_count and all(
            _same(getattr(model.units, axis), getattr(held.units, axis))
            for axis in ("option", "partner", "period")
        )

    @staticmethod
    def _grown_by_one_row(held: lp.Model, model: lp.Model) -> bool:
        """`model` is `held` with one row more at the end (and any objective)."""
        kept = int(held.row_start[-1])
        return (
            _same(model.row_start[:-1], held.row_start)
            and _same(model.row_index[:kept], held.row_index)
            and _same(model.row_value[:kept], held.row_value)
            and _same(model.row_lower[:-1], held.row_lower)
            and _same(model.row_upper[:-1], held.row_upper)
            and _same(model.col_lower, held.col_lower)
            and _same(model.col_upper, held.col_upper)
        )

    def _add_score_row(self, model: lp.Model) -> None:
        """Phase 2 in HiGHS's solved phase-1 model: a fresh transfer and cold solve cost 2-3x more
        on large scenarios, and phase 1's optimum is feasible for it."""
        import highspy

        held = self.highs.interop_scaling
        factors = scaling(model, held.readiness, held.money)
        self.highs.interop_scaling = factors
        last = model.row_count - 1
        span = slice(model.row_start[last], model.row_start[last + 1])
        self.highs.addRow(
            float(model.row_lower[last] / factors.rows[last]),
            float(model.row_upper[last] / factors.rows[last]),
            span.stop - span.start,
            model.row_index[span],
            model.row_value[span] * factors.columns[model.row_index[span]] / factors.rows[last],
        )
        columns = model.column_count
        self.highs.changeColsCost(
            columns, np.arange(columns, dtype=np.int32), model.objective * factors.columns / factors.objective
        )
        self.highs.changeObjectiveSense(
            highspy.ObjSense.kMaximize if model.maximise else highspy.ObjSense.kMinimize
        )

    def _change_bounds(self, model: lp.Model) -> None:
        held, factors = self.model, self.highs.interop_scaling
        for lower, upper, old_lower, old_upper, factor, change in (
            (
                model.col_lower,
                model.col_upper,
                held.col_lower,
                held.col_upper,
                factors.columns,
                self.highs.changeColsBounds,
            ),
            (
                model.row_lower,
                model.row_upper,
                held.row_lower,
                held.row_upper,
                factors.rows,
                self.highs.changeRowsBounds,
            ),
        ):
            if lower is old_lower and upper is old_upper:
                continue
            moved = np.flatnonzero((lower != old_lower) | (upper != old_upper)).astype(np.int32)
            if len(moved):
                change(len(moved), moved, lower[moved] / factor[moved], upper[moved] / factor[moved])


def run(model: lp.Model, seconds: float | None) -> Run:
    """The LP solved from scratch in a HighsLP of its own, which later LPs can be warm in."""
    return HighsLP().solve(model, seconds)


def least_money(first: Run, phase2: lp.Model, seconds: float | None) -> Run:
    """Phase 2 in phase 1's HighsLP: its score row added in place. Phase 1's optimum is feasible
    for it, so primal simplex goes on from there (large preset: 1 iteration against 4,049 for
    the default dual simplex)."""
    return first.warm.solve(phase2, seconds, primal=True)


# ---------------------------------------------------------------------------------------------------------
# Integer plans (model.md, "Whole units, lot sizes and set-up costs")

# Presolve off for MIPs too, measured (`benchmarks/benchmark.py --integer`, large preset with
# training whole and set-ups, 194k columns of which 110k integer, 2 shared cores): with presolve
# on HiGHS had no plan after 10x the LP's time (its presolve alone ran past 150 s, without a
# callback, so Ctrl-C could not stop it); with presolve off it had a plan within 1.1 % of the LP
# bound. Medium preset made so (12k columns, 6k integer), 60 s: gap 0.08 % off, 0.15 % on. Only
# the bundled example-whole is faster with it on (0.10-0.24 s against 0.23-0.37 s).
MIP_OPTIONS: dict[str, object] = {"presolve": "off"}


def run_mip(
    model: lp.Model,
    seconds: float | None,
    gap: float,
    start: np.ndarray | None = None,
    progress: Progress | None = None,
) -> Run:
    """The MIP solved in a Highs of its own until its relative gap is within `gap` or `seconds`
    pass; `start`: a plan (column values) HiGHS takes as its first incumbent if it is feasible.
    Ctrl-C stops it (run_within), its root LP too."""
    highs = to_highs(model)
    for name, value in MIP_OPTIONS.items():
        highs.setOptionValue(name, value)
    highs.setOptionValue("mip_rel_gap", float(gap))
    factors = highs.interop_scaling
    if start is not None:
        highs.setSolution(_highs_solution(start / factors.columns))
    run = run_within(highs, seconds, progress)
    info = highs.getInfo()
    found = run.has_plan and math.isfinite(info.mip_dual_bound)
    bound = float(info.mip_dual_bound) * factors.objective if found else None
    return replace(run, bound=bound, gap=float(info.mip_gap) if bound is not None else None)


def _highs_solution(values: np.ndarray) -> Any:
    import highspy

    solution = highspy.HighsSolution()
    solution.col_value = np.asarray(values, dtype=float).tolist()
    solution.value_valid = True
    return solution


class Progress:
    """Where a MIP's progress goes: `report(incumbent, bound, gap, seconds)` once the MIP has run
    `every` seconds (a short one says nothing), then at most every `every` seconds and whenever
    a better plan is found."""

    def __init__(self, report: Any, every: float = 1.0) -> None:
        self.report, self.every, self.last = report, every, 0.0

    def seen(self, incumbent: float, bound: float, gap: float, seconds: float, improved: bool) -> None:
        if seconds < self.every:
            return
        if improved or seconds - self.last >= self.every:
            self.last = seconds
            self.report(incumbent, bound, gap, seconds)


@contextlib.contextmanager
def interruptible(highs: Any, progress: Progress | None) -> Iterator[Any]:
    """While HiGHS runs: Ctrl-C asks it to stop at its next simplex, interior-point or branch and
    bound check (a Python handler alone would not run until HiGHS returns), and `progress` hears
    of a MIP's incumbents and bounds."""
    import signal
    import threading

    asked = threading.Event()
    unit = highs.interop_scaling.objective  # the score's, HiGHS's objective being at unit magnitude

    def seen(out: Any, improved: bool) -> None:
        if progress is not None:
            incumbent, bound = out.mip_primal_bound * unit, out.mip_dual_bound * unit
            progress.seen(incumbent, bound, out.mip_gap, out.running_time, improved)

    def on_interrupt(event: Any) -> None:
        if asked.is_set():
            event.data_in.user_interrupt = True
        seen(event.data_out, False)

    def on_lp_interrupt(event: Any) -> None:
        if asked.is_set():
            event.data_in.user_interrupt = True

    def on_improved(event: Any) -> None:
        seen(event.data_out, True)

    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, lambda *_: asked.set()) if main else None
    callbacks = (
        (highs.cbMipInterrupt, on_interrupt),
        (highs.cbMipImprovingSolution, on_improved),
        (highs.cbSimplexInterrupt, on_lp_interrupt),
        (highs.cbIpmInterrupt, on_lp_interrupt),
    )
    for callback, handler in callbacks:
        callback.subscribe(handler)
    try:
        yield asked.is_set
    finally:
        for callback, _ in callbacks:
            callback.clear()
        if main:
            signal.signal(signal.SIGINT, previous)
