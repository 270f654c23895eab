"""A drafted plan beside the optimum: "same money, better plan".

Two optima are solved: (a) under the scenario's own budgets, and (b) with each
period's total budget set to what the plan spends in it (every other limit
unchanged), so (b) answers what the plan's own money could have bought.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..lp.solve import solve
from ..results import Solution
from ..scenario import Scenario

PLANS = ("plan", "optimum", "same_money")


@dataclass(frozen=True)
class Comparison:
    """The plan, the optimum and the optimum at the plan's spend, in tidy tables.

    - headline: plan, score, spend, status (one row per plan)
    - by_domain / by_partner: final-period readiness, one column per plan
      (partners averaged with their weights; domains with theirs)
    - options: option, units and cost in each plan, for options any plan funds
    """

    evaluation: Solution
    optimum: Solution
    same_money: Solution
    headline: pd.DataFrame
    by_domain: pd.DataFrame
    by_partner: pd.DataFrame
    options: pd.DataFrame

    def only_in(self, first: str, second: str) -> list[str]:
        """Options that plan `first` funds and plan `second` does not (none when either has no plan)."""
        units = self.options
        if f"{first}_units" not in units or f"{second}_units" not in units:
            return []
        return list(
            units.loc[(units[f"{first}_units"] > 1e-9) & (units[f"{second}_units"] <= 1e-9), "option"]
        )


def at_plan_spend(scenario: Scenario, spend_by_period: list[float]) -> Scenario:
    """The scenario with each period's total budget set to the plan's spend."""
    budgets = tuple(
        replace(b, total=float(s)) for b, s in zip(scenario.budgets, spend_by_period, strict=True)
    )
    return replace(scenario, budgets=budgets)


def compare(evaluation: Solution, solver: str = "highs", time_limit: float | None = None) -> Comparison:
    scenario = evaluation.scenario
    optimum = solve(scenario, solver=solver, time_limit=time_limit)
    same_money = solve(
        at_plan_spend(scenario, evaluation.spend_by_period), solver=solver, time_limit=time_limit
    )
    # an optimum with no plan (infeasible, stopped) has no readiness or options to set beside the plan
    plans = {"plan": evaluation} | {
        n: s for n, s in (("optimum", optimum), ("same_money", same_money)) if s.has_plan
    }
    headline = pd.DataFrame(
        {
            "plan": list(PLANS),
            "score": [evaluation.score, optimum.score, same_money.score],
            "spend": [
                evaluation.spend,
                optimum.spend if optimum.has_plan else None,
                same_money.spend if same_money.has_plan else None,
            ],
            "status": [
                "feasible" if evaluation.feasible else "breaks rules",
                optimum.status,
                same_money.status,
            ],
        }
    )
    return Comparison(
        evaluation=evaluation,
        optimum=optimum,
        same_money=same_money,
        headline=headline,
        by_domain=final_readiness(scenario, plans, "domain"),
        by_partner=final_readiness(scenario, plans, "partner"),
        options=option_table(plans),
    )


def final_readiness(scenario: Scenario, plans: dict[str, Solution], by: str) -> pd.DataFrame:
    """Final-period readiness per domain (partner-weighted) or per partner (domain-weighted)."""
    other = "partner" if by == "domain" else "domain"
    weights = {p.id: p.weight for p in scenario.partners} | {d.id: d.weight for d in scenario.domains}
    columns = {}
    for name, plan in plans.items():
        final = plan.readiness[plan.readiness["period"] == scenario.horizon]
        w = final[other].map(weights).to_numpy(dtype=float)
        score = final["score"].to_numpy(dtype=float)
        frame = pd.DataFrame({by: final[by].to_numpy(), "weighted": w * score, "w": w})
        sums = frame.groupby(by, sort=False)[["weighted", "w"]].sum()
        columns[name] = sums["weighted"] / sums["w"].replace(0, np.nan)
    table = pd.DataFrame(columns).reset_index()
    return table.rename(columns={"index": by})


def option_table(plans: dict[str, Solution]) -> pd.DataFrame:
    """Units and cost of every option any of the plans funds, side by side."""
    parts = []
    for name, plan in plans.items():
        totals = plan.allocation.groupby("option")[["units", "cost"]].sum()
        parts.append(totals.rename(columns={"units": f"{name}_units", "cost": f"{name}_cost"}))
    return pd.concat(parts, axis=1).fillna(0.0).rename_axis("option").reset_index()
