"""Brute force for tiny integer scenarios, straight from model.md, with no LP and no optimizer code.

Every option must be whole and have max_units: every allocation x[o, p, t] in {0, 1, ..., u_o}
(0 or at least the lot size m_o) is listed, each rule is checked by plain arithmetic, Z is
computed from its formula, and the best score is kept, then the least spend among the plans
within eps of it (model.md, "Two phases"). An option is held in a period (y = 1) exactly when
some partner has units of it there: holding it otherwise only costs money, which neither
phase wants, so listing x alone lists every plan worth having.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from optimizer.scenario import Scenario

SLACK = 1e-9  # a plan may sit on a limit


@dataclass(frozen=True)
class Best:
    score: float  # Z*
    spend: float  # least money among plans within eps of Z*
    plan: dict[tuple[str, str, int], int]  # a plan of that spend, (option, partner, period) -> units


def choices(scenario: Scenario) -> list[tuple[tuple[str, str, int], list[int]]]:
    """Each unit variable with the whole numbers of units it may take."""
    found = []
    for option in scenario.options:
        assert option.whole and option.max_units is not None, "the reference lists whole, capped options"
        least = math.ceil(option.min_units)
        values = [0] + [n for n in range(1, int(option.max_units) + 1) if n >= least]
        eligible = option.partners or tuple(p.id for p in scenario.partners)
        for partner in eligible:
            for t in scenario.periods:
                found.append(((option.id, partner, t), values))
    return found


def money(scenario: Scenario, x: dict[tuple[str, str, int], int], t: int, kind: str | None) -> float:
    """Money of period t on options of type `kind` (None: every option), set-up money included."""
    factor = {p.id: p.cost_factor for p in scenario.partners}
    total = 0.0
    for option in scenario.options:
        if kind is not None and option.type != kind:
            continue
        units = {p: n for (o, p, s), n in x.items() if o == option.id and s == t and n > 0}
        total += sum(option.unit_cost * factor[p] * n for p, n in units.items())
        if units:
            total += option.setup_cost
    return total


def within_rules(scenario: Scenario, x: dict[tuple[str, str, int], int]) -> bool:
    """Period budgets, type budgets and partner caps (model.md, Constraints); targets apart."""
    for budget in scenario.budgets:
        t = budget.period
        if money(scenario, x, t, None) > budget.total + SLACK:
            return False
        for kind, limit in budget.by_type.items():
            if money(scenario, x, t, kind) > limit + SLACK:
                return False
    cost = {o.id: o.unit_cost for o in scenario.options}
    for partner in scenario.partners:
        if partner.max_spend is None:
            continue
        for t in scenario.periods:
            spent = sum(
                cost[o] * partner.cost_factor * n for (o, p, s), n in x.items() if p == partner.id and s == t
            )
            if spent > partner.max_spend + SLACK:
                return False
    return True


def raw(scenario: Scenario, x: dict[tuple[str, str, int], int], p: str, d: str, t: int) -> float:
    """r[p, d, t] = b + eta_p * sum_o g_od * (units of o for p funded in periods up to t - L_o)."""
    gain = {(e.option, e.domain): e.gain for e in scenario.effects}
    lag = {o.id: o.lag for o in scenario.options}
    eta = {q.id: q.effectiveness for q in scenario.partners}[p]
    added = sum(
        gain.get((o, d), 0.0) * n for (o, q, s), n in x.items() if q == p and s <= t - lag[o] and n > 0
    )
    return scenario.baseline[p, d] + eta * added


def score(scenario: Scenario, x: dict[tuple[str, str, int], int]) -> float:
    """Z = sum_t pi_t sum_d w_d [(1 - lambda) sum_p omega_p c + lambda min over weighted p of c]."""
    lam, cap = scenario.settings.weakest_link, scenario.settings.score_cap
    total_p = sum(p.weight for p in scenario.partners)
    total_d = sum(d.weight for d in scenario.domains)
    periods = (
        {scenario.horizon: 1.0}
        if scenario.settings.score_periods == "final"
        else {t: 1.0 / scenario.horizon for t in scenario.periods}
    )
    z = 0.0
    for t, pi in periods.items():
        for domain in scenario.domains:
            counted = {p.id: min(raw(scenario, x, p.id, domain.id, t), cap) for p in scenario.partners}
            average = sum(p.weight / total_p * counted[p.id] for p in scenario.partners)
            weakest = min(counted[p.id] for p in scenario.partners if p.weight > 0)
            z += pi * domain.weight / total_d * ((1 - lam) * average + lam * weakest)
    return z


def best_whole_plan(scenario: Scenario) -> Best | None:
    """The best score, then the least spend for it; None when no whole plan meets every rule."""
    variables = choices(scenario)
    plans = []
    for values in itertools.product(*(v for _, v in variables)):
        x = {key: n for (key, _), n in zip(variables, values, strict=True)}
        if not within_rules(scenario, x):
            continue
        if any(
            raw(scenario, x, target.partner, target.domain, target.period) < target.min_score - SLACK
            for target in scenario.targets
        ):
            continue
        spend = sum(money(scenario, x, t, None) for t in scenario.periods)
        plans.append((score(scenario, x), spend, x))
    if not plans:
        return None
    best = max(z for z, _, _ in plans)
    floor = best - 1e-7 * max(1.0, abs(best))
    z, spend, x = min((p for p in plans if p[0] >= floor), key=lambda p: p[1])
    return Best(best, spend, {k: n for k, n in x.items() if n})
