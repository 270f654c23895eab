"""A deliberately plain LP of model.md, for tests only: the oracle the production builder is held to.

Nothing here is shared with `optimizer.lp` or `optimizer.readiness`: it reads the Scenario's
dataclasses and writes model.md's LP literally, densely, with every variable in every period
(x for every option, partner and period, ineligible ones fixed at 0; c and m everywhere) and
readiness as the cumulative sum r = b + eta * sum_o g * sum_{tau <= t - lag} x, no stock rows, no
pruning. scipy's linprog (HiGHS inside scipy, not our highspy model) solves it.

Integer options (model.md, "Whole units, lot sizes and set-up costs") are not in the Scenario
yet. When they come, they enter at `unit_columns` (an integrality mark per x column, and z and
y columns beside it), linprog's `integrality` argument takes the marks, and tiny integer cases
are checked against brute-force enumeration of the units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from optimizer.scenario import Scenario


@dataclass(frozen=True)
class Outcome:
    """What the reference found: Z* and phase 2's spend, or the least total shortfall."""

    status: str  # "optimal" or "infeasible"
    score: float | None
    spend: float | None
    units: np.ndarray | None  # units[o, p, t], t = 0 is period 1
    shortfall: float | None  # least total shortfall over target rows, when infeasible


@dataclass(frozen=True)
class Layout:
    """Where each variable sits: x[o, p, t], then c[p, d, t], then m[d, t], then s[n] (elastic)."""

    options: int
    partners: int
    domains: int
    horizon: int
    targets: int

    def x(self, o: int, p: int, t: int) -> int:
        return (o * self.partners + p) * self.horizon + t

    def c(self, p: int, d: int, t: int) -> int:
        return self.options * self.partners * self.horizon + (p * self.domains + d) * self.horizon + t

    def m(self, d: int, t: int) -> int:
        return (self.options + self.domains) * self.partners * self.horizon + d * self.horizon + t

    def s(self, n: int) -> int:
        return (self.options + self.domains) * self.partners * self.horizon + self.domains * self.horizon + n

    @property
    def size(self) -> int:
        return self.s(self.targets)


def gains(scenario: Scenario) -> np.ndarray:
    """g[o, d], zero where the effects sheet has no row."""
    g = np.zeros((len(scenario.options), len(scenario.domains)))
    for effect in scenario.effects:
        o = [option.id for option in scenario.options].index(effect.option)
        d = [domain.id for domain in scenario.domains].index(effect.domain)
        g[o, d] = effect.gain
    return g


def baseline(scenario: Scenario) -> np.ndarray:
    return np.array([[scenario.baseline[p.id, d.id] for d in scenario.domains] for p in scenario.partners])


def readiness_row(scenario: Scenario, layout: Layout, p: int, d: int, t: int) -> np.ndarray:
    """Coefficients of r[p, d, t] - b[p, d] over the columns: every unit that counts by period t."""
    row = np.zeros(layout.size)
    g = gains(scenario)
    eta = scenario.partners[p].effectiveness
    for o, option in enumerate(scenario.options):
        for tau in range(scenario.horizon):
            if tau + option.lag <= t:  # funded in tau + 1, counts from tau + 1 + lag
                row[layout.x(o, p, tau)] += eta * g[o, d]
    return row


def unit_columns(scenario: Scenario, layout: Layout) -> tuple[list[tuple[float, float]], np.ndarray]:
    """Bounds of every x (0 for partners not eligible) and the money of one unit."""
    bounds, money = [], np.zeros(layout.size)
    for o, option in enumerate(scenario.options):
        for p, partner in enumerate(scenario.partners):
            allowed = option.partners is None or partner.id in option.partners
            top = (math.inf if option.max_units is None else option.max_units) if allowed else 0.0
            for t in range(scenario.horizon):
                bounds.append((0.0, top))
                money[layout.x(o, p, t)] = option.unit_cost * partner.cost_factor
    return bounds, money


def score_vector(scenario: Scenario, layout: Layout) -> np.ndarray:
    """Z = sum_t pi_t sum_d w^_d [(1 - lambda) sum_p omega^_p c + lambda m] over the columns."""
    z = np.zeros(layout.size)
    lam = scenario.settings.weakest_link
    partner_total = sum(p.weight for p in scenario.partners)
    domain_total = sum(d.weight for d in scenario.domains)
    h = scenario.horizon
    for t in range(h):
        pi = (1.0 if t == h - 1 else 0.0) if scenario.settings.score_periods == "final" else 1.0 / h
        for d, domain in enumerate(scenario.domains):
            for p, partner in enumerate(scenario.partners):
                z[layout.c(p, d, t)] = (
                    pi * domain.weight / domain_total * (1 - lam) * partner.weight / partner_total
                )
            z[layout.m(d, t)] = pi * domain.weight / domain_total * lam
    return z


def constraints(scenario: Scenario, layout: Layout, money: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every row of model.md as A x <= b: cap, weakest link, budgets, partner caps, targets."""
    rows, limits = [], []
    b = baseline(scenario)
    P, D, H = layout.partners, layout.domains, layout.horizon
    for p in range(P):
        for d in range(D):
            for t in range(H):
                row = -readiness_row(scenario, layout, p, d, t)  # c <= r
                row[layout.c(p, d, t)] = 1.0
                rows.append(row)
                limits.append(b[p, d])
                if scenario.partners[p].weight > 0:  # m <= c over P+
                    row = np.zeros(layout.size)
                    row[layout.m(d, t)], row[layout.c(p, d, t)] = 1.0, -1.0
                    rows.append(row)
                    limits.append(0.0)
    for t, budget in enumerate(scenario.budgets):
        for kind, limit in [(None, budget.total), *budget.by_type.items()]:
            row = np.zeros(layout.size)
            for o, option in enumerate(scenario.options):
                if kind is None or option.type == kind:
                    for p in range(P):
                        row[layout.x(o, p, t)] = money[layout.x(o, p, t)]
            rows.append(row)
            limits.append(limit)
        for p, partner in enumerate(scenario.partners):
            if partner.max_spend is not None:
                row = np.zeros(layout.size)
                for o in range(layout.options):
                    row[layout.x(o, p, t)] = money[layout.x(o, p, t)]
                rows.append(row)
                limits.append(partner.max_spend)
    partner_ids = [p.id for p in scenario.partners]
    domain_ids = [d.id for d in scenario.domains]
    for n, target in enumerate(scenario.targets):
        p, d = partner_ids.index(target.partner), domain_ids.index(target.domain)
        row = -readiness_row(scenario, layout, p, d, target.period - 1)  # r + s >= min_score
        if layout.targets:
            row[layout.s(n)] = -1.0
        rows.append(row)
        limits.append(b[p, d] - target.min_score)
    return np.array(rows).reshape(len(rows), layout.size), np.array(limits)


def solve(scenario: Scenario) -> Outcome:
    """Phase 1 (max Z), phase 2 (least spend with Z >= Z* - eps), or else the elastic problem."""
    plain = Layout(len(scenario.options), len(scenario.partners), len(scenario.domains), scenario.horizon, 0)
    bounds, money = unit_columns(scenario, plain)
    cap = scenario.settings.score_cap
    bounds += [(0.0, cap)] * (plain.size - len(bounds))
    a, b = constraints(scenario, plain, money)
    z = score_vector(scenario, plain)
    first = linprog(-z, A_ub=a, b_ub=b, bounds=bounds, method="highs")
    if first.status == 2:
        return Outcome("infeasible", None, None, None, least_shortfall(scenario))
    assert first.status == 0, first.message
    best = float(z @ first.x)
    floor = best - 1e-7 * max(1.0, abs(best))
    second = linprog(money, A_ub=np.vstack([a, -z]), b_ub=np.append(b, -floor), bounds=bounds, method="highs")
    assert second.status == 0, second.message
    units = second.x[: plain.c(0, 0, 0)].reshape(plain.options, plain.partners, plain.horizon)
    return Outcome("optimal", best, float(money @ second.x), units, None)


def least_shortfall(scenario: Scenario) -> float:
    """min sum_n s_n with r + s >= min_score on every target row and every other row kept."""
    layout = Layout(
        len(scenario.options),
        len(scenario.partners),
        len(scenario.domains),
        scenario.horizon,
        len(scenario.targets),
    )
    bounds, money = unit_columns(scenario, layout)
    cap = scenario.settings.score_cap
    bounds += [(0.0, cap)] * (layout.s(0) - len(bounds)) + [(0.0, math.inf)] * layout.targets
    a, b = constraints(scenario, layout, money)
    shortfall = np.zeros(layout.size)
    shortfall[layout.s(0) :] = 1.0
    result = linprog(shortfall, A_ub=a, b_ub=b, bounds=bounds, method="highs")
    assert result.status == 0, result.message
    return float(result.fun)


def plan_score(scenario: Scenario, units: np.ndarray) -> float:
    """Z of a plan units[o, p, t], by model.md's formula in loops: c = min(r, U), m = min over P+."""
    b, g = baseline(scenario), gains(scenario)
    cap, lam, h = scenario.settings.score_cap, scenario.settings.weakest_link, scenario.horizon
    partner_total = sum(p.weight for p in scenario.partners)
    domain_total = sum(d.weight for d in scenario.domains)
    z = 0.0
    for t in range(h):
        pi = (1.0 if t == h - 1 else 0.0) if scenario.settings.score_periods == "final" else 1.0 / h
        for d, domain in enumerate(scenario.domains):
            counted = []
            for p, partner in enumerate(scenario.partners):
                raw = b[p, d] + sum(
                    partner.effectiveness * g[o, d] * units[o, p, tau]
                    for o, option in enumerate(scenario.options)
                    for tau in range(h)
                    if tau + option.lag <= t
                )
                counted.append(min(raw, cap))
            average = sum(
                c * p.weight / partner_total for c, p in zip(counted, scenario.partners, strict=True)
            )
            weakest = min(c for c, p in zip(counted, scenario.partners, strict=True) if p.weight > 0)
            z += pi * domain.weight / domain_total * ((1 - lam) * average + lam * weakest)
    return z
