"""Score a planner's own plan and list every rule it breaks, with no LP.

Readiness, levels and score are computed exactly as model.md defines them
(the same functions `solve` reports with), so the optimal plan evaluates to
the optimal score and a drafted plan can be compared with it fairly.
"""

from __future__ import annotations

import time
from collections import defaultdict

import numpy as np
import pandas as pd

from . import pairs, readiness
from .lp.status import Status
from .results import (
    BUDGET_COLUMNS,
    VIOLATION_COLUMNS,
    Solution,
    allocation_table,
    setup_table,
    units_array,
)
from .scenario import Scenario

TOLERANCE = 1e-6  # relative: solver plans sit within this of their limits


def evaluate(scenario: Scenario, plan: pd.DataFrame) -> Solution:
    """Evaluate `plan` (option, partner, period, units; names already checked) on `scenario`.

    The result has status "evaluated"; its `violations` list every rule broken.
    """
    started = time.perf_counter()
    units = units_array(scenario, plan)
    allocation = allocation_table(scenario, units)
    raw = readiness.raw_readiness(scenario, units)
    use = money_use(scenario, allocation)
    violations = pd.concat(
        [
            money_violations(use),
            unit_violations(scenario, units),
            target_violations(scenario, raw),
        ],
        ignore_index=True,
    )
    return Solution.of_plan(
        scenario,
        units,
        Status.EVALUATED,
        "",
        started,
        score=pairs.plan_score(scenario, units),
        money=lambda _: use,
        message="within every rule"
        if violations.empty
        else f"breaks {len(violations)} rule(s) of the scenario",
        violations=violations,
    )


def over(actual: float, limit: float) -> bool:
    return actual > limit + TOLERANCE * max(1.0, abs(limit))


def money_use(scenario: Scenario, allocation: pd.DataFrame) -> pd.DataFrame:
    """Every money limit with what the plan spends against it (no shadow prices: no LP).

    Set-up money of the options held in a period counts in its period and type budgets,
    never in a partner cap: it is spent on no single partner (model.md). Each funded row is
    added to its limits in one pass: pandas masks per limit took half a medium solve's tables.
    """
    types = {o.id: o.type for o in scenario.options}
    setups = setup_table(scenario, allocation)
    spent: dict[tuple[str, int, str], float] = defaultdict(float)
    funded = (allocation[c].tolist() for c in ("period", "option", "partner", "cost"))
    for period, option, partner, cost in zip(*funded, strict=True):
        spent["period", period, ""] += cost
        spent["type", period, types[option]] += cost
        spent["partner", period, partner] += cost
    held = (setups[c].tolist() for c in ("period", "type", "setup_cost"))
    for period, kind, cost in zip(*held, strict=True):
        spent["period", period, ""] += cost
        spent["type", period, kind] += cost
    records = [
        (money.kind, money.period, money.name, money.limit, spent[money.kind, money.period, money.name])
        for money in scenario.money_limits()
    ]
    table = pd.DataFrame.from_records(records, columns=BUDGET_COLUMNS[:5])
    table["slack"] = table["limit"] - table["spend"]
    table["shadow_price"] = np.nan
    return table


def money_violations(use: pd.DataFrame) -> pd.DataFrame:
    kinds = {"period": "period budget", "type": "type budget", "partner": "partner cap"}
    records = [
        (
            kinds[row.kind],
            "",
            row.name if row.kind == "type" else "",
            row.name if row.kind == "partner" else "",
            "",
            row.period,
            row.limit,
            row.spend,
            row.spend - row.limit,
        )
        for row in use.itertuples()
        if over(row.spend, row.limit)
    ]
    return pd.DataFrame.from_records(records, columns=VIOLATION_COLUMNS)


def unit_violations(scenario: Scenario, units: np.ndarray) -> pd.DataFrame:
    """Units above max_units, for partners an option is not offered to, a fraction of a whole
    unit (limit: the nearest whole number), or a unit below the lot size (limit: the lot)."""
    par, _, _ = readiness.index(scenario)
    eligible = np.zeros(units.shape[:2], dtype=bool)
    for o, option in enumerate(scenario.options):
        eligible[o, [par[p] for p in scenario.eligible(option)]] = True
    cap = np.array([np.inf if o.max_units is None else o.max_units for o in scenario.options])[:, None, None]
    whole = np.array([o.whole for o in scenario.options], dtype=bool)[:, None, None]
    lot = np.array([o.min_units for o in scenario.options], dtype=float)[:, None, None]
    nearest = np.round(units)
    fraction = whole & (np.abs(units - nearest) > TOLERANCE * np.maximum(1.0, units))
    below_lot = (units > 0) & (units < lot - TOLERANCE * np.maximum(1.0, lot))
    found = [
        ("eligibility", (units > 0) & ~eligible[:, :, None], np.zeros_like(units)),
        ("max units", units > cap + TOLERANCE * np.maximum(1.0, cap), np.broadcast_to(cap, units.shape)),
        ("whole units", fraction, nearest),
        ("lot size", below_lot, np.broadcast_to(lot, units.shape)),
    ]
    records = []
    for kind, mask, limit in found:
        for o, p, t in zip(*np.nonzero(mask), strict=True):
            amount = float(units[o, p, t])
            records.append(
                (
                    kind,
                    scenario.options[o].id,
                    "",
                    scenario.partners[p].id,
                    "",
                    int(t) + 1,
                    float(limit[o, p, t]),
                    amount,
                    abs(amount - float(limit[o, p, t])),  # over the cap, or off the whole number or lot
                )
            )
    return pd.DataFrame.from_records(records, columns=VIOLATION_COLUMNS)


def target_violations(scenario: Scenario, raw: np.ndarray) -> pd.DataFrame:
    """Targets missed, on raw readiness, and by how much."""
    par, dom, _ = readiness.index(scenario)
    records = []
    for target in scenario.targets:
        reached = float(raw[par[target.partner], dom[target.domain], target.period - 1])
        if reached < target.min_score - TOLERANCE * max(1.0, target.min_score):
            records.append(
                (
                    "target",
                    "",
                    "",
                    target.partner,
                    target.domain,
                    target.period,
                    target.min_score,
                    reached,
                    target.min_score - reached,
                )
            )
    return pd.DataFrame.from_records(records, columns=VIOLATION_COLUMNS)
