"""model.md's LP as a user would first write it in highspy: every variable, readiness as cumulative sums.

The benchmark's second yardstick. Every x[o, p, t] for every eligible partner
and period, a counted c[p, d, t] for every partner, domain and period, a
weakest m[d, t] in every period, and readiness written out in each row that
needs it as baseline + effectiveness * gain * (units funded up to t - lag),
no stock variables and nothing left out. Solved with HiGHS's defaults.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from optimizer import readiness
from optimizer.scenario import Scenario

INF = np.inf


class Rows:
    """Rows collected as triplets, handed to HiGHS at once."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, lower: float, upper: float) -> int:
        self.lower.append(lower)
        self.upper.append(upper)
        return len(self.lower) - 1

    def entries(self, rows: Any, columns: Any, values: Any) -> None:
        rows, columns, values = np.broadcast_arrays(np.asarray(rows), np.asarray(columns), np.asarray(values))
        self.parts.append((rows.ravel(), columns.ravel(), values.ravel().astype(float)))

    def csr(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        row, column, value = (np.concatenate(part) for part in zip(*self.parts, strict=True))
        keep = value != 0
        row, column, value = row[keep], column[keep], value[keep]
        order = np.lexsort((column, row))
        start = np.searchsorted(row[order], np.arange(len(self.lower)))
        return start.astype(np.int32), column[order].astype(np.int32), value[order]


def build_highs(scenario: Scenario, new_highs: Any) -> Any:
    """A Highs object (from `new_highs()`, options as given) holding the straightforward LP."""
    import highspy

    par, _, _ = readiness.index(scenario)
    gains = readiness.gain_matrix(scenario)
    base = readiness.baseline_matrix(scenario)
    n_p, n_d, horizon = len(scenario.partners), len(scenario.domains), scenario.horizon
    cap = scenario.settings.score_cap
    lam = scenario.settings.weakest_link
    pw = np.array([p.weight for p in scenario.partners], dtype=float)
    dw = np.array([d.weight for d in scenario.domains], dtype=float)
    pw, dw = pw / pw.sum(), dw / dw.sum()
    pi = np.zeros(horizon + 1)
    for t, share in scenario.counted_periods().items():
        pi[t] = share
    effectiveness = np.array([p.effectiveness for p in scenario.partners], dtype=float)
    factor = np.array([p.cost_factor for p in scenario.partners], dtype=float)

    # columns: x (option, partner, period), then c (partner, domain, period), then m (domain, period)
    keys = [
        (o, par[p], t)
        for o, option in enumerate(scenario.options)
        for p in scenario.eligible(option)
        for t in scenario.periods
    ]
    x_option, x_partner, x_period = (np.array(axis, dtype=int) for axis in zip(*keys, strict=True))
    n_x = len(keys)
    x_upper = np.array(
        [INF if scenario.options[o].max_units is None else scenario.options[o].max_units for o in x_option]
    )
    x_cost = np.array([scenario.options[o].unit_cost for o in x_option]) * factor[x_partner]
    c_of = n_x + np.arange(n_p * n_d * horizon).reshape(n_p, n_d, horizon)  # period t at index t - 1
    m_of = n_x + n_p * n_d * horizon + np.arange(n_d * horizon).reshape(n_d, horizon)
    n_cols = n_x + c_of.size + m_of.size
    lower = np.zeros(n_cols)
    upper = np.concatenate([x_upper, np.full(c_of.size + m_of.size, cap)])
    cost = np.zeros(n_cols)
    periods = np.arange(1, horizon + 1)
    cost[c_of] = (pi[periods][None, None, :] * dw[None, :, None] * (1 - lam)) * pw[:, None, None]
    cost[m_of] = pi[periods][None, :] * dw[:, None] * lam

    rows = Rows()
    # readiness in each (p, d, t): the units of every earlier period whose lag has ended
    lags = np.array([o.lag for o in scenario.options], dtype=int)
    cap_row = np.array(
        [[[rows.add(-INF, base[p, d]) for _ in periods] for d in range(n_d)] for p in range(n_p)]
    )
    rows.entries(cap_row, c_of, 1.0)  # c - (gains so far) <= baseline
    for t in periods:
        counted = x_period + lags[x_option] <= t
        unit, domain = np.nonzero(gains[x_option] * counted[:, None])
        value = effectiveness[x_partner[unit]] * gains[x_option[unit], domain]
        rows.entries(cap_row[x_partner[unit], domain, t - 1], unit, -value)
    positive = [p for p in range(n_p) if pw[p] > 0]
    for p in positive:  # m - c <= 0
        weakest = np.array([[rows.add(-INF, 0.0) for _ in periods] for _ in range(n_d)])
        rows.entries(weakest, m_of, 1.0)
        rows.entries(weakest, c_of[p], -1.0)
    types = {kind: k for k, kind in enumerate(scenario.option_types)}
    x_type = np.array([types[scenario.options[o].type] for o in x_option])
    for budget in scenario.budgets:
        t = budget.period
        in_period = np.flatnonzero(x_period == t)
        rows.entries(rows.add(-INF, budget.total), in_period, x_cost[in_period])
        for kind, limit in budget.by_type.items():
            chosen = np.flatnonzero((x_period == t) & (x_type == types[kind]))
            rows.entries(rows.add(-INF, limit), chosen, x_cost[chosen])
    for p, partner in enumerate(scenario.partners):
        if partner.max_spend is not None:
            for t in periods:
                chosen = np.flatnonzero((x_period == t) & (x_partner == p))
                rows.entries(rows.add(-INF, partner.max_spend), chosen, x_cost[chosen])
    dom = readiness.index(scenario)[1]
    for target in scenario.targets:
        p, d, t = par[target.partner], dom[target.domain], target.period
        chosen = np.flatnonzero(
            (x_partner == p) & (x_period + lags[x_option] <= t) & (gains[x_option, d] > 0)
        )
        row = rows.add(target.min_score - base[p, d], INF)
        rows.entries(row, chosen, effectiveness[p] * gains[x_option[chosen], d])

    start, index, value = rows.csr()
    highs = new_highs()
    highs.passModel(
        n_cols,
        len(rows.lower),
        len(index),
        int(highspy.MatrixFormat.kRowwise),
        int(highspy.ObjSense.kMaximize),
        0.0,
        cost,
        lower,
        upper,
        np.array(rows.lower),
        np.array(rows.upper),
        start,
        index,
        value,
        np.zeros(n_cols, dtype=np.int32),
    )
    return highs
