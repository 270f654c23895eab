"""What a solve returns: a frozen result made of tidy DataFrames.

The solver fills in units and duals; everything a planner reads (readiness,
levels, spend) is recomputed here from the plan itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import pairs, readiness
from .lp.status import Status
from .scenario import Scenario

ALLOCATION_COLUMNS = ["option", "partner", "period", "units", "cost"]
READINESS_COLUMNS = ["partner", "domain", "period", "baseline", "score", "level"]
BUDGET_COLUMNS = ["kind", "period", "name", "limit", "spend", "slack", "shadow_price"]
SHORTFALL_COLUMNS = ["partner", "domain", "period", "min_score", "reached", "shortfall", "row"]
SETUP_COLUMNS = ["option", "type", "period", "setup_cost"]
VIOLATION_COLUMNS = ["kind", "option", "type", "partner", "domain", "period", "limit", "actual", "excess"]
PLAN_TOLERANCE = 1e-9  # units at or below this are solver noise, not part of the plan


@dataclass(frozen=True)
class Solution:
    """The outcome of `solve`.

    - allocation: option, partner, period, units, cost (funded units only)
    - readiness: partner, domain, period, baseline, score (min(r, cap)), level
    - budget_use: kind (period | type | partner), period, name, limit, spend,
      slack, shadow_price (score points per currency unit, from phase 1)
    - shortfalls: the unmet targets of an infeasible scenario
    - violations: for a plan that was evaluated rather than solved (status
      "evaluated"), every rule it breaks: kind (period budget | type budget |
      partner cap | max units | eligibility | whole units | lot size | target),
      where, the limit, what the plan has and by how much it is over (or short)

    Set-up money (options held in a period, `setups`) follows from the allocation and is
    part of `spend` and `spend_by_period`.
    """

    status: Status
    scenario: Scenario
    score: float | None
    baseline_score: float
    allocation: pd.DataFrame
    readiness: pd.DataFrame
    budget_use: pd.DataFrame
    shortfalls: pd.DataFrame
    solver: str
    seconds: float
    message: str = ""
    violations: pd.DataFrame = field(default_factory=lambda: empty(VIOLATION_COLUMNS))
    model: Any = field(default=None, compare=False, repr=False)  # solved model handle
    bound: float | None = None  # integer plans: the proven bound on the score (None: an LP, or unread)
    gap: float | None = None  # integer plans: (bound - score) / max(1, |bound|)
    lp_bound: float | None = None  # integer plans: the score of the LP relaxation

    @classmethod
    def of_plan(
        cls,
        scenario: Scenario,
        units: np.ndarray,
        status: Status | str,
        solver: str,
        started: float,
        *,
        score: float | None = None,
        money: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
        message: str = "",
        shortfalls: pd.DataFrame | None = None,
        violations: pd.DataFrame | None = None,
        model: Any = None,
        bound: float | None = None,
        gap: float | None = None,
        lp_bound: float | None = None,
    ) -> Solution:
        """The Solution of units[o, p, t], every table a planner reads recomputed from the plan
        itself. `money` makes the budget-use table from the allocation (None: no table, no plan);
        `started` is the perf_counter time the work began. Units the allocation leaves out as
        solver noise are left out of readiness too, so the two tables tell the same plan."""
        units = np.where(units > PLAN_TOLERANCE, units, 0.0)
        allocation = allocation_table(scenario, units)
        return cls(
            status=Status(status),
            scenario=scenario,
            score=score,
            baseline_score=baseline_score(scenario),
            allocation=allocation,
            readiness=readiness_table(scenario, readiness.raw_readiness(scenario, units)),
            budget_use=empty(BUDGET_COLUMNS) if money is None else money(allocation),
            shortfalls=empty(SHORTFALL_COLUMNS) if shortfalls is None else shortfalls,
            solver=solver,
            seconds=time.perf_counter() - started,
            message=message,
            violations=empty(VIOLATION_COLUMNS) if violations is None else violations,
            model=model,
            bound=bound,
            gap=gap,
            lp_bound=lp_bound,
        )

    @property
    def is_ok(self) -> bool:
        return self.status == "optimal"

    @property
    def feasible(self) -> bool:
        """Within every rule of the scenario: always for a solved plan, checked for an evaluated one."""
        return self.has_plan and self.violations.empty

    @property
    def has_plan(self) -> bool:
        return self.score is not None

    @property
    def whole_units_cost(self) -> float | None:
        """What whole units cost in score: the LP bound less the integer plan's score."""
        if self.lp_bound is None or self.score is None:
            return None
        return max(0.0, self.lp_bound - self.score)

    @property
    def pairs(self) -> pd.DataFrame:
        """Readiness of the modelled pairs under the plan (model.md, pairwise): partner_a, partner_b,
        domain, period, baseline, score (capped); empty without pairs or without a plan."""
        if not self.scenario.pairs or not self.has_plan:
            return empty(pairs.PAIR_COLUMNS)
        return pairs.pair_table(self.scenario, units_array(self.scenario, self.allocation))

    @property
    def joint_exercises(self) -> pd.DataFrame:
        """Each funded joint exercise with the pairs it raised (pairs.joint_table)."""
        if not self.scenario.pairs or not self.has_plan:
            return empty(pairs.JOINT_COLUMNS)
        return pairs.joint_table(self.scenario, units_array(self.scenario, self.allocation))

    @property
    def setups(self) -> pd.DataFrame:
        return setup_table(self.scenario, self.allocation)

    @property
    def spend(self) -> float:
        return float(self.allocation["cost"].sum() + self.setups["setup_cost"].sum())

    @property
    def spend_by_period(self) -> list[float]:
        units = self.allocation.groupby("period")["cost"].sum()
        setups = self.setups.groupby("period")["setup_cost"].sum()
        return [float(units.get(t, 0.0) + setups.get(t, 0.0)) for t in self.scenario.periods]


def units_array(scenario: Scenario, allocation: pd.DataFrame) -> np.ndarray:
    """units[o, p, t] from an allocation table."""
    par, _, opt = readiness.index(scenario)
    units = np.zeros((len(scenario.options), len(scenario.partners), scenario.horizon))
    if len(allocation):
        o = allocation["option"].map(opt).to_numpy()
        p = allocation["partner"].map(par).to_numpy()
        t = allocation["period"].to_numpy(dtype=int) - 1
        np.add.at(units, (o, p, t), allocation["units"].to_numpy(dtype=float))
    return units


def allocation_table(
    scenario: Scenario, units: np.ndarray, tolerance: float = PLAN_TOLERANCE
) -> pd.DataFrame:
    """Tidy allocation with the cost of each row (c_o * kappa_p * units)."""
    o, p, t = np.nonzero(units > tolerance)
    money = readiness.unit_money(scenario)
    amount = units[o, p, t]
    return pd.DataFrame(
        {
            "option": pd.Series([scenario.options[i].id for i in o], dtype=object),
            "partner": pd.Series([scenario.partners[i].id for i in p], dtype=object),
            "period": t + 1,
            "units": amount,
            "cost": amount * money[o, p],
        },
        columns=ALLOCATION_COLUMNS,
    )


def setup_table(scenario: Scenario, allocation: pd.DataFrame) -> pd.DataFrame:
    """Options with a set-up cost held in a period (some partner has units there), with that money.

    Rows by period, then in the order of the options sheet.
    """
    funded = set(zip(allocation["option"], allocation["period"].astype(int), strict=True))
    records = [
        (option.id, option.type, t, option.setup_cost)
        for t in scenario.periods
        for option in scenario.options
        if option.setup_cost > 0 and (option.id, t) in funded
    ]
    table = pd.DataFrame.from_records(records, columns=SETUP_COLUMNS)
    return table.astype({"option": object, "type": object, "period": int, "setup_cost": float})


def readiness_table(scenario: Scenario, raw: np.ndarray) -> pd.DataFrame:
    """Readiness of every partner, domain and period, capped, with its level."""
    counted = readiness.capped(scenario, raw)
    n_p, n_d, n_t = counted.shape
    p, d, t = np.meshgrid(np.arange(n_p), np.arange(n_d), np.arange(n_t), indexing="ij")
    base = readiness.baseline_matrix(scenario)
    scores = counted.ravel()
    return pd.DataFrame(
        {
            "partner": pd.Series([scenario.partners[i].id for i in p.ravel()], dtype=object),
            "domain": pd.Series([scenario.domains[i].id for i in d.ravel()], dtype=object),
            "period": t.ravel() + 1,
            "baseline": base[p.ravel(), d.ravel()],
            "score": scores,
            "level": readiness.levels(np.round(scores, 9), scenario.settings.level_thresholds),
        },
        columns=READINESS_COLUMNS,
    )


def baseline_score(scenario: Scenario) -> float:
    """The score of funding nothing."""
    nothing = np.zeros((len(scenario.options), len(scenario.partners), scenario.horizon))
    return pairs.plan_score(scenario, nothing)


def empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
