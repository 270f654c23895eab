"""Terminal text: the short plain account of a plan, a comparison and each study.

Numbers go through `theme.number` without thousands separators (a terminal line is read, not
scanned in columns); user text through `clean_text`, so control characters are shown, never obeyed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from .. import pairs
from ..io import schema
from ..results import Solution
from ..studies.montecarlo import MonteCarloResult
from ..studies.ranging import SensitivityReport
from ..studies.sweep import SweepResult
from ..studies.tornado import TornadoResult
from .records import (
    READINESS_COLUMNS,
    SHORTFALL_REPORT_COLUMNS,
    VIOLATION_COLUMNS,
    plan_spend,
    status_text,
    table_records,
)
from .sensitivity import limit_name, limit_rows
from .sweep import is_budget_sweep, spend_by_period_wide
from .theme import cell, clean_text, money, number, on_scale
from .tornado import judgement_table, tornado_table

if TYPE_CHECKING:
    from ..studies.comparison import Comparison


def _one(x: float) -> str:
    return number(x, grouped=False)


def _units(x: float) -> str:
    return number(x, 2, grouped=False, trim=True)


def _money(x: float, currency: str) -> str:
    return money(x, clean_text(currency), grouped=False)


# --------------------------------------------------------------------------- a plan


def summary(solution: Solution) -> str:
    """A short plain-text account of the result for the terminal."""
    scenario = solution.scenario
    settings = scenario.settings
    currency = settings.currency
    cap = f"{settings.score_cap:g}"
    lines = [f"Status: {solution.status} ({status_text(solution)})"]
    if solution.has_plan:
        before, after = (
            on_scale(x, settings.score_cap, grouped=False) for x in (solution.baseline_score, solution.score)
        )
        lines.append(f"Score: {before} -> {after} (out of {cap})")
    else:
        before = on_scale(solution.baseline_score, settings.score_cap, grouped=False)
        lines.append(f"Score today: {before} (out of {cap}); no plan")
    if solution.message and solution.status != "evaluated":
        lines.append(f"Solver says: {clean_text(solution.message)}")

    if solution.status == "infeasible" or (not solution.has_plan and len(solution.shortfalls)):
        lines.extend(_shortfall_lines(solution))
    if solution.status == "evaluated":
        lines.extend(_violation_lines(solution))
    if solution.has_plan:
        lines.extend(_integer_lines(solution, currency))
        lines.extend(_spend_lines(solution, currency))
        lines.extend(_level_lines(solution))
        lines.extend(_top_option_lines(solution, currency))
        lines.extend(_weakest_pair_lines(solution))
    if solution.solver:
        lines.append(f"Solver: {clean_text(solution.solver)}, {solution.seconds:.2f} s")
    return "\n".join(lines)


def _integer_lines(solution: Solution, currency: str) -> list[str]:
    """An integer plan's bound, gap and LP bound, and the exercises it holds at a set-up cost."""

    def fine(x: float) -> str:  # these differ in the third decimal or later
        return number(x, 3, grouped=False)

    lines = []
    if solution.bound is not None:
        lines.append(
            f"Integer plan {fine(solution.score)}, proven bound {fine(solution.bound)} "
            f"(gap {100 * solution.gap:.2f}%)"
        )
    if solution.lp_bound is not None:
        lines.append(
            f"LP bound (fractional units): {fine(solution.lp_bound)}; "
            f"whole units cost {fine(solution.whole_units_cost)} points of score"
        )
    held = solution.setups
    if len(held):
        total = _money(float(held["setup_cost"].sum()), currency)
        lines.append(f"Exercises held at a set-up cost ({total}):")
        lines.extend(
            f"  period {row.period}: {clean_text(row.option)} ({_money(row.setup_cost, currency)})"
            for row in held.itertuples()
        )
    return lines


def _weakest_pair_lines(solution: Solution) -> list[str]:
    """The weakest pair per domain before -> after (scenarios with pairs only)."""
    if not solution.scenario.pairs:
        return []
    mu = solution.scenario.pair_weight
    lines = [f"Weakest pair per domain (pairs make {mu:.0%} of the score):"]
    for row in pairs.weakest_pairs(solution.scenario, solution.pairs).itertuples(index=False):
        lines.append(
            f"  {clean_text(row.domain)}: {clean_text(row.pairs_before)} {_one(row.weakest_before)}"
            f" -> {clean_text(row.pairs_after)} {_one(row.weakest_after)}"
        )
    return lines


def _violation_lines(solution: Solution) -> list[str]:
    records = table_records(solution.violations, VIOLATION_COLUMNS)
    if not records:
        return ["The plan keeps every rule of the scenario."]
    lines = [f"The plan breaks {len(records)} rule(s):"]
    for r in records:
        what = " ".join(
            [r["kind"], *(clean_text(r[k]) for k in ("type", "option", "partner", "domain") if r[k])]
        )
        amount = "short by" if r["kind"] == "target" else "over by"
        lines.append(
            f"  {what} in period {r['period']}: {_units(r['actual'])} against "
            f"{_units(r['limit'])} ({amount} {_units(r['excess'])})"
        )
    return lines


def _shortfall_lines(solution: Solution) -> list[str]:
    records = table_records(solution.shortfalls, SHORTFALL_REPORT_COLUMNS)
    if not records:
        return ["Unmet targets: none could be named."]
    lines = ["Unmet targets:"]
    for r in sorted(records, key=lambda r: -(r["shortfall"] or 0.0)):
        text = (
            f"  {clean_text(r['partner'])} in {clean_text(r['domain'])} by period {r['period']}: "
            f"needs {_one(r['min_score'] or 0.0)}, reaches {_one(r['reached'] or 0.0)} at best "
            f"(short {_one(r['shortfall'] or 0.0)})"
        )
        if r["row"] is not None:
            text += f" — targets row {r['row']}"
        lines.append(text)
    return lines


def _spend_lines(solution: Solution, currency: str) -> list[str]:
    spend, by_period = plan_spend(solution)
    budgets = [b.total for b in solution.scenario.budgets]
    unit, label = max(budgets), clean_text(currency)

    def amount(x: float) -> str:
        return f"{on_scale(x, unit, grouped=False)} {label}".rstrip()

    lines = [f"Spend: {on_scale(spend or 0.0, unit, grouped=False)} of {amount(sum(budgets))}"]
    for t, (used, total) in enumerate(zip(by_period, budgets, strict=True), start=1):
        lines.append(f"  period {t}: {on_scale(used or 0.0, unit, grouped=False)} of {amount(total)}")
    return lines


def _level_lines(solution: Solution) -> list[str]:
    final = solution.scenario.horizon
    records = [r for r in table_records(solution.readiness, READINESS_COLUMNS) if r["period"] == final]
    if not records:
        return []
    lines = [f"Levels in period {final}:"]
    for domain in solution.scenario.domains:
        counts = [0] * len(schema.LEVEL_NAMES)
        for r in records:
            if r["domain"] == domain.id and r["level"] is not None:
                counts[min(max(r["level"], 0), len(counts) - 1)] += 1
        parts = [f"{n} {name}" for n, name in zip(counts, schema.LEVEL_NAMES, strict=True) if n]
        lines.append(f"  {clean_text(domain.id)}: {', '.join(parts) if parts else 'no partner'}")
    return lines


def _top_option_lines(solution: Solution, currency: str, top: int = 5) -> list[str]:
    allocation = solution.allocation
    if len(allocation) == 0:
        return ["Options funded: none"]
    by_option = allocation.groupby("option", sort=False)[["units", "cost"]].sum()
    ranked = sorted(by_option.itertuples(name=None), key=lambda r: (-float(r[2]), str(r[0])))
    lines = [f"Top options by cost ({min(top, len(ranked))} of {len(ranked)}):"]
    for option, units, cost in ranked[:top]:
        noun = "unit" if _units(float(units)) == "1" else "units"
        lines.append(
            f"  {clean_text(option)}: {_units(float(units))} {noun}, {_money(float(cost), currency)}"
        )
    return lines


def comparison_summary(comparison: Comparison) -> str:
    """The "same money, better plan" answer in a few lines."""
    currency = comparison.evaluation.scenario.settings.currency
    lines = ["Compared with the optimum:"]
    for row in comparison.headline.itertuples():
        score = "no plan" if pd.isna(row.score) else f"score {_one(row.score)}"
        spend = "" if pd.isna(row.spend) else f", spend {_money(row.spend, currency)}"
        label = {
            "plan": "your plan",
            "optimum": "optimum (scenario budgets)",
            "same_money": "optimum with the same money per period",
        }[row.plan]
        lines.append(f"  {label}: {score}{spend} ({row.status})")
    for title, names in (
        ("Funded by the optimum, not by your plan", comparison.only_in("optimum", "plan")),
        ("Funded by your plan, not by the optimum", comparison.only_in("plan", "optimum")),
    ):
        if names:
            lines.append(f"  {title}: {', '.join(clean_text(n) for n in names)}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- the studies


def _grid(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[j]) for r in rows)) if rows else len(h) for j, h in enumerate(headers)]
    line = "  ".join(
        h.ljust(w) if j == 0 else h.rjust(w) for j, (h, w) in enumerate(zip(headers, widths, strict=True))
    )
    out = ["  " + line.rstrip()]
    for row in rows:
        cells = [
            c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        out.append("  " + "  ".join(cells).rstrip())
    return out


def sensitivity_summary(
    result: SensitivityReport, rows: int = 12, entering: int = 5, sentences: int = 20
) -> str:
    """Binding limits in plain sentences, a short table of limit rows, the options closest to entering."""
    lines = [f"Sensitivity ({result.solver}): status {result.status}"]
    if result.score is not None:
        lines[0] += f", score {result.score:.2f}"
    if result.message:
        lines.append(f"Note: {clean_text(result.message)}")
    if result.score is None:
        return "\n".join([*lines, *map(clean_text, result.estimate_sentences)])
    if result.sentences:
        lines.append("What the binding limits are worth:")
        lines += [f"  {clean_text(s)}" for s in result.sentences[:sentences]]
        if len(result.sentences) > sentences:
            lines.append(f"  ... and {len(result.sentences) - sentences} more in the report")
    else:
        lines.append("No budget, cap or target binds with a positive price.")
    table = limit_rows(result)
    if len(table):
        lines.append(
            "Binding limits and targets (final value, shadow price, rhs, allowable increase/decrease):"
        )
        lines += _grid(
            ["limit", "period", "final", "price", "rhs", "increase", "decrease"],
            [
                [clean_text(limit_name(r))[:40], str(r.period), cell(r.activity), cell(r.shadow_price, 4),
                 cell(r.rhs), cell(r.allowable_increase), cell(r.allowable_decrease)]
                for r in table.head(rows).itertuples(index=False)
            ],
        )  # fmt: skip
        if len(table) > rows:
            lines.append(f"  ... {len(table) - rows} more rows in the report")
    if len(result.entering):
        lines.append(
            f"The {min(entering, len(result.entering))} unfunded options closest to entering, closest first "
            "(score lost per unit forced in, and per unit of money):"
        )
        lines += _grid(
            ["option", "partner", "period", "per unit", "per money"],
            [
                [clean_text(r.option), clean_text(r.partner), str(r.period),
                 cell(r.reduced_cost, 4), cell(r.reduced_cost_per_money, 4)]
                for r in result.entering.head(entering).itertuples(index=False)
            ],
        )  # fmt: skip
    if result.estimate_sentences:
        lines.append(
            "Estimate ranges (the plan funds the same cells while each estimate stays in its range):"
        )
        lines += [f"  {clean_text(s)}" for s in result.estimate_sentences[:sentences]]
        if len(result.estimate_sentences) > sentences:
            lines.append(f"  ... and {len(result.estimate_sentences) - sentences} more in the report")
    return "\n".join(lines)


def sweep_summary(result: SweepResult) -> str:
    wide = spend_by_period_wide(result)
    periods = [c for c in wide.columns if c.startswith("period ")]
    how = "warm re-solves" if result.warm else "cold solves"
    lines = [f"Sweep of {result.param} ({len(result.points)} values, {how}, {result.seconds:.1f} s):"]
    rows = []
    for k, point in enumerate(result.points.itertuples(index=False)):
        spend = [cell(wide[p].iloc[k], 1) if p in wide else "–" for p in periods]
        rows.append([cell(point.value, 4), point.status, cell(point.score), cell(point.spend, 1), *spend])
    lines += _grid(["value", "status", "score", "spend", *[p.replace("period ", "t") for p in periods]], rows)
    if is_budget_sweep(result):
        lines.append("Budget frontier (score against total budget) in the report: sheet 'frontier'.")
    lines.append("Units per option at each value: sheet 'units_by_option' of the report.")
    return "\n".join(lines)


def tornado_summary(result: TornadoResult, rows: int = 10) -> str:
    lines = [
        f"Tornado: each parameter down and up by {result.delta:.0%}; base score {cell(result.base_score)} "
        f"({len(result.table)} parameters, {result.seconds:.1f} s). Facts, largest swings:"
    ]
    lines += _grid(
        ["parameter", "low", "high", "score low", "score high", "swing"],
        [
            [clean_text(r.label)[:40], cell(r.low_value, 4), cell(r.high_value, 4), cell(r.score_low),
             cell(r.score_high), cell(r.swing)]
            for r in tornado_table(result).head(rows).itertuples(index=False)
        ],
    )  # fmt: skip
    judgements = judgement_table(result)
    if len(judgements):
        lines.append(
            "Value judgements (weights, weakest link: they change the yardstick, not what can be achieved), "
            "by the money the plan moves from the base plan:"
        )
        lines += _grid(
            ["judgement", "low", "high", "moved low", "moved high"],
            [
                [clean_text(r.label)[:40], cell(r.low_value, 4), cell(r.high_value, 4), cell(r.moved_low),
                 cell(r.moved_high)]
                for r in judgements.head(rows).itertuples(index=False)
            ],
        )  # fmt: skip
    return "\n".join(lines)


def monte_carlo_summary(result: MonteCarloResult, rows: int = 8) -> str:
    lines = [
        f"Monte Carlo: {result.n} draws (seed {result.seed}), {result.uncertain_effects} uncertain effects "
        f"({result.uncertain_pair_gains} with an uncertain pair gain), "
        f"{result.seconds:.1f} s; base case score {result.base_score:.2f}"
    ]
    if result.message:
        lines.append(f"Note: {clean_text(result.message)}")
    lines += _grid(
        ["statistic", "optimal score", "base plan's score"],
        [
            [r.statistic, cell(r.optimal_score), cell(r.base_plan_score)]
            for r in result.percentiles.itertuples()
        ],
    )
    options = result.options[(result.options["probability_funded"] > 0) | result.options["funded_in_base"]]
    options = options.sort_values("probability_funded", ascending=False, kind="stable")
    if len(options):
        lines.append("Probability that each option is funded in the optimal plans:")
        lines += _grid(
            ["option", "funded", "in base plan"],
            [
                [clean_text(r.option), f"{r.probability_funded:.0%}", cell(r.funded_in_base)]
                for r in options.head(rows).itertuples(index=False)
            ],
        )
    if len(result.targets):
        missed = result.targets[result.targets["probability_met"] < 1]
        if len(missed):
            lines.append("Targets the base plan may miss (probability met):")
            lines += [
                f"  {clean_text(r.partner)} {clean_text(r.domain)} >= {r.min_score:g} by period "
                f"{r.period}: {r.probability_met:.0%}"
                for r in missed.sort_values("probability_met").head(rows).itertuples(index=False)
            ]
        else:
            lines.append(f"The base plan meets all {len(result.targets)} targets in every draw.")
    if len(result.pairs):
        weakest = result.pairs.loc[result.pairs["p5"].idxmin()]
        lines.append(
            f"Weakest pair at p5: {clean_text(weakest['partner_a'])}–{clean_text(weakest['partner_b'])} "
            f"in {clean_text(weakest['domain'])}, {weakest['p5']:.1f} (planned {weakest['planned']:.1f})"
        )
    return "\n".join(lines)
