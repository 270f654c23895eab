"""Estimate ranges of an LP plan: how far each gain and unit cost of a funded option may move
before the plan changes shape (README, contract extensions: "estimate ranges").

A gain is a coefficient of the readiness rows and a unit cost one of the budget rows, so
HiGHS's ranging (of objective coefficients and right-hand sides) does not give these ranges.
Each end is searched instead by re-solving phase 1 with the estimate's matrix entries changed
in place on a HiGHS model of its own, warm from the plan's optimal basis: the plan "holds" at
a value when the re-solve is optimal and funds exactly the plan's (option, partner, period)
cells. From the estimate's value the search steps outwards (x(1 + 1/16), x(1 + 1/4), ...
up to SEARCH_LIMIT times it; x(1 - 1/16), ... down to 0 for a gain, to 1/SEARCH_LIMIT of it
for a unit cost), then bisects between the last value that holds and the first that does
not until they are within TOLERANCE of the value apart. The end reported is the last value
that holds.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..lp import model as lp
from ..lp.highs import HighsLP
from ..lp.status import Run, Status
from ..scenario import Scenario
from .variants import with_gains, with_unit_cost

ESTIMATE_COLUMNS = ["option", "domain", "estimate", "value", "low", "high", "low_end", "high_end", "solves"]

TOLERANCE = 1e-3  # of the value: how close each end is found
SEARCH_LIMIT = 1000.0  # an end not reached within this factor of the value has no limit
STEPS = (1 / 16, 1 / 4, 1.0, 4.0, 16.0, 64.0, SEARCH_LIMIT - 1)  # outwards, as fractions of the value
DOWN_STEPS = (1 / 16, 1 / 4, 1 / 2, 3 / 4, 1.0)  # 1.0: the floor (0, or value / SEARCH_LIMIT)
MAX_BISECTIONS = 20
FUNDED = 1e-7  # units above this fund a cell

# how each end was found, in the table's low_end / high_end columns
CHANGES = "plan changes"  # past it the plan funds other cells (or none)
AT_ZERO = "holds at 0"  # a gain: the plan holds even with no gain at all
NO_LIMIT = "no limit"  # holds up to SEARCH_LIMIT times (or down to 1/SEARCH_LIMIT of) the value
STOPPED = (
    "solve stopped"  # a re-solve stopped short (time limit, solver error): the plan holds at least this far
)


def estimate_ranges(
    scenario: Scenario, model: lp.Model, outcome: Run, time_limit: float | None, whole: bool
) -> pd.DataFrame:
    """One row per gain (option x domain with a gain) and per unit cost of each option funded in
    the LP plan `outcome` of `model` (phase 1): the interval over which the plan keeps its funded
    cells. `whole`: an integer plan's LP, in which options with whole units are held and not ranged."""
    count = len(model.units.option)
    cells = outcome.values()[:count] > FUNDED
    funded = sorted(set(model.units.option[cells].tolist()))
    search = _Search(model, outcome.warm.basis(), cells, time_limit)
    records = []
    for o in funded:
        option = scenario.options[o]
        if whole and option.whole:
            continue
        for k, effect in enumerate(scenario.effects):
            if effect.option == option.id and effect.gain > 0:
                gains = [e.gain * (2.0 if n == k else 1.0) for n, e in enumerate(scenario.effects)]
                entries = _entries(model, lp.build(with_gains(scenario, gains)))
                records.append(search.estimate(option.id, effect.domain, "gain", effect.gain, entries, 0.0))
        cost = option.unit_cost
        entries = _entries(model, lp.build(with_unit_cost(scenario, option.id, 2 * cost)))
        records.append(search.estimate(option.id, "", "unit_cost", cost, entries, cost / SEARCH_LIMIT))
    return pd.DataFrame.from_records(records, columns=ESTIMATE_COLUMNS)


def _entries(model: lp.Model, doubled: lp.Model) -> np.ndarray:
    """The matrix entries of unit columns that an estimate scales: those that double with it."""
    units = len(model.units.option)
    return np.flatnonzero((model.row_value != doubled.row_value) & (model.row_index < units))


class _Search:
    """The bracket-and-bisect search of each end, on a HighsLP of its own holding phase 1."""

    def __init__(self, model: lp.Model, basis: object, cells: np.ndarray, time_limit: float | None) -> None:
        self.model = model
        self.basis = basis
        self.cells = cells
        self.time_limit = time_limit
        self.warm = HighsLP(model)
        self.solves = 0

    def holds(self, entries: np.ndarray, factor: float) -> bool | None:
        """Whether the plan keeps its funded cells with the entries times `factor` (None: stopped)."""
        self.solves += 1
        status, values = self.warm.solve_with_entries(entries, factor, self.time_limit, self.basis)
        if status is Status.INFEASIBLE:
            return False  # no plan at all there: the plan changes
        if status is not Status.OPTIMAL:
            return None
        return bool(np.array_equal(values[: len(self.cells)] > FUNDED, self.cells))

    def estimate(
        self, option: str, domain: str, kind: str, value: float, entries: np.ndarray, floor: float
    ) -> tuple:
        """The table row of one estimate: its value and both ends (see the module docstring)."""
        self.solves = 0
        low, low_end = self.end(entries, value, -1, floor)
        high, high_end = self.end(entries, value, +1, math.inf)
        if low_end == NO_LIMIT:
            low = 0.0  # as cheap as the search went: no lower limit
        return option, domain, kind, value, low, high, low_end, high_end, self.solves

    def end(self, entries: np.ndarray, value: float, way: int, floor: float) -> tuple[float, str]:
        """The end of the range on side `way` (+1 up, -1 down) and how it was found."""
        inside = value
        for step in STEPS if way > 0 else DOWN_STEPS:
            trial = floor if way < 0 and step == 1.0 else value * (1 + way * step)
            held = self.holds(entries, trial / value)
            if held is None:
                return inside, STOPPED
            if not held:
                return self.bisect(entries, value, inside, trial)
            inside = trial
        if way > 0:
            return math.inf, NO_LIMIT
        return inside, AT_ZERO if floor == 0.0 else NO_LIMIT

    def bisect(self, entries: np.ndarray, value: float, inside: float, outside: float) -> tuple[float, str]:
        """Halve the bracket [inside holds, outside does not] until it is within TOLERANCE of the value."""
        for _ in range(MAX_BISECTIONS):
            if abs(outside - inside) <= TOLERANCE * value:
                break
            middle = (inside + outside) / 2
            held = self.holds(entries, middle / value)
            if held is None:
                return inside, STOPPED
            if held:
                inside = middle
            else:
                outside = middle
        return inside, CHANGES


def estimate_sentences(table: pd.DataFrame, currency: str) -> list[str]:
    """One sentence per estimate in the style of issue 11 ("EX-AIR stays in the plan while ...")."""
    if table.empty:
        return ["No estimate ranges: no option with units to range is funded in the plan."]
    money = f" {currency}" if currency else ""
    out = []
    for row in table.itertuples(index=False):
        what = f"its gain in {row.domain}" if row.estimate == "gain" else "its unit cost"
        unit = "" if row.estimate == "gain" else money
        bounded_low, bounded_high = row.low > 0, math.isfinite(row.high)
        if row.low == row.value == row.high:
            out.append(
                f"Any change of {row.option}'s {what[4:]} (now {row.value:.4g}{unit}) changes the cells "
                "the plan funds: a tie with another plan of the same score."
            )
            continue
        if bounded_low and bounded_high:
            span = f"is between {row.low:.4g} and {row.high:.4g}{unit}"
        elif bounded_low:
            span = f"is at least {row.low:.4g}{unit}"
        elif bounded_high:
            span = f"is at most {row.high:.4g}{unit}"
        else:
            span = "is anywhere from 0 to 1000 times its value"
        out.append(
            f"{row.option} stays in the plan, funding the same cells, while {what} {span} "
            f"(now {row.value:.4g}{unit})."
        )
    return out


def empty_estimates() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in ESTIMATE_COLUMNS})


__all__ = ["ESTIMATE_COLUMNS", "empty_estimates", "estimate_ranges", "estimate_sentences"]
