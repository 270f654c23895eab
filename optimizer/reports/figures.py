"""Figures derived from a solution for the reports: readiness before and after, levels, spend
per period and per partner, readiness by domain. Shared by the workbook (workbook.py) and the
HTML report (html.py), so both show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import readiness
from ..io import schema
from ..results import Solution


def readiness_matrices(solution: Solution) -> tuple[np.ndarray, np.ndarray | None]:
    """Readiness [partner, domain] before (baseline, capped) and after (final period of the plan).

    Rows and columns follow the scenario's partner and domain order. `after`
    is None when there is no plan (or no readiness table).
    """
    scenario = solution.scenario
    before = readiness.capped(scenario, readiness.baseline_matrix(scenario))
    table = solution.readiness
    if not solution.has_plan or table is None or len(table) == 0:
        return before, None
    final = table[table["period"] == scenario.horizon]
    if len(final) == 0:
        return before, None
    par, dom, _ = readiness.index(scenario)
    after = np.full(before.shape, np.nan)
    p = final["partner"].map(par)
    d = final["domain"].map(dom)
    known = p.notna() & d.notna()
    after[p[known].astype(int).to_numpy(), d[known].astype(int).to_numpy()] = final["score"][known].to_numpy(
        dtype=float
    )
    return before, after


def level_matrix(solution: Solution, scores: np.ndarray) -> np.ndarray:
    """Level 0..3 of each score (NaN scores read as level 0; callers show them as missing)."""
    clean = np.nan_to_num(np.round(scores, 9), nan=-np.inf)
    return readiness.levels(clean, solution.scenario.settings.level_thresholds)


def level_counts(solution: Solution, scores: np.ndarray) -> list[int]:
    """How many partner x domain pairs are at each level (index = level)."""
    levels = level_matrix(solution, scores)[~np.isnan(scores)]
    return [int(np.count_nonzero(levels == k)) for k in range(len(schema.LEVEL_NAMES))]


@dataclass(frozen=True)
class SpendTable:
    """Spend of a plan by period and option type, against the period budgets."""

    periods: list[int]
    types: list[str]
    by_type: dict[str, list[float]]  # type -> spend per period
    spend: list[float]
    budget: list[float]

    @property
    def unused(self) -> list[float]:
        return [b - s for b, s in zip(self.budget, self.spend, strict=True)]


def spend_table(solution: Solution) -> SpendTable | None:
    """Spend by period and type; None when there is no plan."""
    if not solution.has_plan:
        return None
    scenario = solution.scenario
    periods = list(scenario.periods)
    types = list(scenario.option_types)
    by_type = {k: [0.0] * len(periods) for k in types}
    allocation = solution.allocation
    if len(allocation):
        type_of = {o.id: o.type for o in scenario.options}
        for option, period, cost in zip(
            allocation["option"], allocation["period"], allocation["cost"], strict=True
        ):
            kind = type_of.get(option)
            if kind is not None and 1 <= int(period) <= len(periods):
                by_type[kind][int(period) - 1] += float(cost)
    spend = [sum(by_type[k][i] for k in types) for i in range(len(periods))]
    return SpendTable(periods, types, by_type, spend, [float(b.total) for b in scenario.budgets])


def spend_by_partner(solution: Solution) -> dict[str, dict[str, float]]:
    """partner -> type -> total spend over the horizon (every partner, scenario order)."""
    scenario = solution.scenario
    result = {p.id: dict.fromkeys(scenario.option_types, 0.0) for p in scenario.partners}
    allocation = solution.allocation
    if solution.has_plan and len(allocation):
        type_of = {o.id: o.type for o in scenario.options}
        for option, partner, cost in zip(
            allocation["option"], allocation["partner"], allocation["cost"], strict=True
        ):
            if partner in result and option in type_of:
                result[partner][type_of[option]] += float(cost)
    return result


def _weakest(scores: np.ndarray, ids: list[str], counted: np.ndarray) -> tuple[float | None, list[str]]:
    values = scores[counted]
    if values.size == 0 or np.all(np.isnan(values)):
        return None, []
    low = float(np.nanmin(values))
    names = [i for i, v, c in zip(ids, scores, counted, strict=True) if c and abs(v - low) <= 1e-9]
    return low, names


def domain_readiness(solution: Solution) -> list[dict[str, Any]]:
    """Per domain: partner-weighted average and weakest partner, before and after (final period).

    The average uses the normalised partner weights of the score; the weakest
    partner is taken over partners of positive weight, as in the score (ties
    are all named). `*_after` values are None without a plan.
    """
    scenario = solution.scenario
    before, after = readiness_matrices(solution)
    share, _ = readiness.shares(scenario)
    counted = share > 0
    ids = [p.id for p in scenario.partners]
    rows = []
    for j, domain in enumerate(scenario.domains):
        weakest_before, who_before = _weakest(before[:, j], ids, counted)
        row: dict[str, Any] = {
            "domain": domain.id,
            "name": domain.name,
            "weight": float(domain.weight),
            "average_before": float(share @ before[:, j]),
            "average_after": None,
            "weakest_before": weakest_before,
            "weakest_partner_before": who_before,
            "weakest_after": None,
            "weakest_partner_after": [],
        }
        if after is not None and not np.any(np.isnan(after[:, j])):
            row["average_after"] = float(share @ after[:, j])
            row["weakest_after"], row["weakest_partner_after"] = _weakest(after[:, j], ids, counted)
        rows.append(row)
    return rows
