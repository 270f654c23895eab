"""Re-plan from what happened (model.md, "Re-planning from what happened").

The straight line: history (units really funded before the re-plan period, else the adopted plan's)
-> evaluation (predicted against measured readiness, each partner's implied effectiveness)
-> the re-plan scenario (history fixed, the last measurement replacing the modelled stock, past
targets dropped: they are history too) -> phases 1 and 2 as `solve` runs them -> phase 3, the least
money moved from the adopted plan at the same score and spend -> what keeping the adopted plan
would cost, evaluated under the same actuals.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from .. import pairs, readiness
from ..evaluation import TOLERANCE, evaluate, money_use
from ..io.actuals import Actuals, check_replan_from
from ..lp import model as lp
from ..lp.persistence import least_moved
from ..lp.solve import priced, run, solve, units_of
from ..results import Solution, allocation_table, units_array
from ..scenario import FixedUnits, History, PairShift, ReadinessShift, Scenario

EVALUATION_COLUMNS = ["partner", "domain", "period", "predicted", "measured", "difference"]
PAIR_EVALUATION_COLUMNS = ["partner_a", "partner_b", *EVALUATION_COLUMNS[1:]]
EFFECTIVENESS_COLUMNS = ["partner", "factor", "cells"]
CHANGE_COLUMNS = ["option", "partner", "period", "adopted", "replanned", "money_moved"]


@dataclass(frozen=True)
class Replan:
    """A re-plan and what it is measured against.

    - solution: the re-plan over the whole horizon, history included (its scenario carries the
      history: `solution.scenario.history`)
    - changes: option, partner, period, adopted, replanned, money_moved (unit cost x |difference|),
      for every planned unit that differs from the adopted plan
    - evaluation: partner, domain, period, predicted (from the units really funded), measured, difference
    - pair_evaluation: partner_a, partner_b, domain, period, predicted, measured, difference: the same
      for each measured pair readiness (empty when no pair is measured)
    - effectiveness: partner, factor (least-squares f_p on eta_p), cells (measurements it rests on)
    - kept: the adopted plan kept as it is, evaluated under the same actuals (the cost of not re-planning)
    """

    status: str
    solution: Solution
    adopted: pd.DataFrame
    replan_from: int
    changes: pd.DataFrame
    money_moved: float
    evaluation: pd.DataFrame
    pair_evaluation: pd.DataFrame
    effectiveness: pd.DataFrame
    kept: Solution
    recalibrated: bool
    seconds: float


def replan(
    scenario: Scenario,
    adopted: pd.DataFrame,
    actuals: Actuals,
    replan_from: int,
    recalibrate: bool = False,
    solver: str = "highs",
    time_limit: float | None = None,
) -> Replan:
    """Re-plan `scenario` from period `replan_from`, given the `adopted` plan (option, partner, period,
    units) and what happened before (`actuals`); `recalibrate` re-plans with the fitted effectiveness."""
    started = time.perf_counter()
    check_replan_from(scenario, replan_from)
    planned = units_array(scenario, adopted)
    history = history_units(scenario, planned, actuals.spent, replan_from)
    evaluation = predicted_and_measured(scenario, history, actuals.measured)
    pair_evaluation = predicted_and_measured_pairs(scenario, history, actuals.measured_pairs)
    effectiveness = implied_effectiveness(scenario, history, actuals.measured)
    basis = recalibrated(scenario, effectiveness) if recalibrate else scenario
    future = replan_scenario(basis, history, actuals.measured, replan_from, actuals.measured_pairs)
    solution = solve(future, solver=solver, time_limit=time_limit)
    if solution.status == "optimal":
        solution = moving_least(solution, planned, replan_from, solver, time_limit)
    kept_units = np.where(np.arange(scenario.horizon) < replan_from - 1, history, planned)
    kept = evaluate(future, allocation_table(future, kept_units))
    replanned = units_array(future, solution.allocation)
    changes = changes_table(future, planned, replanned, replan_from)
    return Replan(
        status=solution.status,
        solution=solution,
        adopted=adopted,
        replan_from=replan_from,
        changes=changes,
        money_moved=float(changes["money_moved"].sum()) if solution.has_plan else float("nan"),
        evaluation=evaluation,
        pair_evaluation=pair_evaluation,
        effectiveness=effectiveness,
        kept=kept,
        recalibrated=recalibrate,
        seconds=time.perf_counter() - started,
    )


def history_units(
    scenario: Scenario, planned: np.ndarray, spent: pd.DataFrame, replan_from: int
) -> np.ndarray:
    """units[o, p, t] of the periods before the re-plan: what was spent where a period has `spent` rows,
    the adopted plan where it has none (workbook.md); zero from `replan_from` on."""
    really = units_array(scenario, spent)
    reported = set(spent["period"].astype(int))
    history = np.zeros_like(planned)
    for t in range(1, replan_from):
        history[:, :, t - 1] = (really if t in reported else planned)[:, :, t - 1]
    return history


def predicted_and_measured(scenario: Scenario, history: np.ndarray, measured: pd.DataFrame) -> pd.DataFrame:
    """Each measured cell beside the readiness the model predicted from the units really funded."""
    par, dom, _ = readiness.index(scenario)
    predicted = readiness.capped(scenario, readiness.raw_readiness(scenario, history))
    rows = [
        (
            m.partner,
            m.domain,
            m.period,
            float(predicted[par[m.partner], dom[m.domain], m.period - 1]),
            m.score,
        )
        for m in measured.itertuples(index=False)
    ]
    return _with_difference(pd.DataFrame.from_records(rows, columns=EVALUATION_COLUMNS[:5]))


def predicted_and_measured_pairs(
    scenario: Scenario, history: np.ndarray, measured_pairs: pd.DataFrame
) -> pd.DataFrame:
    """Each measured pair cell (partners in the order measured) beside the counted pair readiness the
    model predicted from the units really funded: the joint units of that history, capped as the
    pair score counts them."""
    position = pairs.pair_position(scenario)
    predicted = pairs.counted_pair_readiness(scenario, history)
    rows = [
        (
            m.partner_a,
            m.partner_b,
            m.domain,
            m.period,
            float(predicted[position[frozenset((m.partner_a, m.partner_b)), m.domain], m.period - 1]),
            m.score,
        )
        for m in measured_pairs.itertuples(index=False)
    ]
    return _with_difference(pd.DataFrame.from_records(rows, columns=PAIR_EVALUATION_COLUMNS[:6]))


def _with_difference(table: pd.DataFrame) -> pd.DataFrame:
    """The table with difference = measured - predicted, partners and domain text, period whole."""
    table = table.astype({"period": int, "predicted": float, "measured": float})
    table["difference"] = table["measured"] - table["predicted"]
    text = [column for column in ("partner", "partner_a", "partner_b", "domain") if column in table]
    return table.astype(dict.fromkeys(text, object))


def implied_effectiveness(scenario: Scenario, history: np.ndarray, measured: pd.DataFrame) -> pd.DataFrame:
    """Per measured partner, the factor f on its effectiveness that best explains its measured gains
    over baseline (least squares through the origin: f = sum(G M) / sum(G^2), with G the modelled
    gain and M the measured one). A measurement at the score cap says only "at least the cap", so
    it is left out; a partner with no modelled gain to judge by keeps f = 1 (cells = 0)."""
    par, dom, _ = readiness.index(scenario)
    gained = readiness.raw_readiness(scenario, history) - readiness.baseline_matrix(scenario)[:, :, None]
    base = readiness.baseline_matrix(scenario)
    cap = scenario.settings.score_cap
    sums: dict[str, list[float]] = {}
    for m in measured.itertuples(index=False):
        p, d = par[m.partner], dom[m.domain]
        modelled = float(gained[p, d, m.period - 1])
        total = sums.setdefault(m.partner, [0.0, 0.0, 0])
        if m.score < cap and modelled > 0:
            total[0] += modelled * (m.score - base[p, d])
            total[1] += modelled**2
            total[2] += 1
    rows = [(partner, max(0.0, gm / gg) if gg > 0 else 1.0, int(n)) for partner, (gm, gg, n) in sums.items()]
    return pd.DataFrame.from_records(rows, columns=EFFECTIVENESS_COLUMNS).astype({"partner": object})


def recalibrated(scenario: Scenario, effectiveness: pd.DataFrame) -> Scenario:
    """The scenario with each measured partner's effectiveness times its fitted factor."""
    factor = dict(zip(effectiveness["partner"], effectiveness["factor"], strict=True))
    partners = tuple(
        replace(p, effectiveness=p.effectiveness * factor.get(p.id, 1.0)) for p in scenario.partners
    )
    return replace(scenario, partners=partners)


def replan_scenario(
    scenario: Scenario,
    history: np.ndarray,
    measured: pd.DataFrame,
    replan_from: int,
    measured_pairs: pd.DataFrame | None = None,
) -> Scenario:
    """The scenario a re-plan solves: history fixed, measured readiness in place of the model's.

    The last measurement of each partner (or pair) and domain replaces the modelled stock in its
    period, so later readiness grows from it by the gains that land later. A measurement at the cap
    where the model is above the cap says nothing new (readiness is at least the cap either way) and
    is kept as modelled. Targets of periods before the re-plan are history, not constraints.
    """
    par, dom, _ = readiness.index(scenario)
    cap = scenario.settings.score_cap
    modelled = readiness.raw_readiness(scenario, history)
    shifts = [
        ReadinessShift(m.partner, m.domain, int(m.period), delta)
        for m, delta in _latest_shifts(
            measured,
            ["partner", "domain"],
            cap,
            lambda m: modelled[par[m.partner], dom[m.domain], m.period - 1],
        )
    ]
    pair_shifts = []
    if measured_pairs is not None and len(measured_pairs):
        position = pairs.pair_position(scenario)
        pair_modelled = pairs.raw_pair_readiness(scenario, history)
        keys = zip(
            measured_pairs["partner_a"], measured_pairs["partner_b"], measured_pairs["domain"], strict=True
        )
        measured_pairs = measured_pairs.assign(pair=[position[frozenset((a, b)), d] for a, b, d in keys])
        pair_shifts = [
            PairShift(m.partner_a, m.partner_b, m.domain, int(m.period), delta)
            for m, delta in _latest_shifts(
                measured_pairs, ["pair"], cap, lambda m: pair_modelled[m.pair, m.period - 1]
            )
        ]
    o, p, t = np.nonzero(history > 0)
    fixed = tuple(
        FixedUnits(scenario.options[i].id, scenario.partners[j].id, int(k) + 1, float(history[i, j, k]))
        for i, j, k in zip(o, p, t, strict=True)
    )
    return replace(
        scenario,
        targets=tuple(target for target in scenario.targets if target.period >= replan_from),
        history=History(replan_from, fixed, tuple(shifts), tuple(pair_shifts)),
    )


def _latest_shifts(
    measured: pd.DataFrame, cell: list[str], cap: float, modelled: Callable[[Any], float]
) -> list[tuple[Any, float]]:
    """(row, measured - modelled) of the last measurement of each cell, where it says something new."""
    latest = measured.sort_values("period", kind="stable").groupby(cell, sort=False).tail(1)
    out = []
    for m in latest.itertuples(index=False):
        before = float(modelled(m))
        if not (m.score >= cap and before >= cap) and m.score != before:
            out.append((m, float(m.score) - before))
    return out


def moving_least(
    solution: Solution, planned: np.ndarray, replan_from: int, solver: str, time_limit: float | None
) -> Solution:
    """Phase 3: of the plans with the re-plan's score and spend, the one closest to the adopted plan.

    A unit that moves by less than evaluate's tolerance on money (TOLERANCE x the spend) moved only by
    the solvers' tolerances on phases 1 to 3: it keeps the adopted number, so that a year that went
    exactly as planned re-plans to the adopted plan itself.
    """
    started = time.perf_counter()
    scenario = solution.scenario
    model = lp.build(scenario)
    phase3 = least_moved(model, float(solution.score), solution.spend, planned, replan_from)
    outcome = run(phase3, solver, time_limit)
    if outcome.status != "optimal":
        return replace(
            solution, message="phase 3 (least money moved) did not finish: the plan shown is phase 2's"
        )
    units = units_of(scenario, model, outcome.values()[: model.column_count])
    moved = money_moved(scenario, planned, units)
    noise = TOLERANCE * max(1.0, solution.spend)
    future = np.arange(scenario.horizon) >= replan_from - 1
    units = np.where(future & (moved <= noise), planned, units)
    use = solution.budget_use
    keys = zip(use["kind"], use["period"].astype(int), use["name"], strict=True)
    prices = dict(zip(keys, use["shadow_price"], strict=True))
    return Solution.of_plan(
        scenario,
        units,
        solution.status,
        solution.solver,
        started - solution.seconds,
        score=solution.score,
        money=lambda allocation: priced(money_use(scenario, allocation), prices),
        message=solution.message,
        model=solution.model,
        bound=solution.bound,
        gap=solution.gap,
        lp_bound=solution.lp_bound,
    )


def money_moved(scenario: Scenario, planned: np.ndarray, replanned: np.ndarray) -> np.ndarray:
    """money[o, p, t] moved from one plan to the other: unit cost x cost factor x |difference|."""
    return readiness.unit_money(scenario)[:, :, None] * np.abs(replanned - planned)


def changes_table(
    scenario: Scenario, planned: np.ndarray, replanned: np.ndarray, replan_from: int
) -> pd.DataFrame:
    """Every planned unit (period >= replan_from) the re-plan changes, with the money moved."""
    money = money_moved(scenario, planned, replanned)
    money[:, :, : replan_from - 1] = 0.0
    o, p, t = np.nonzero(money > 0)
    return pd.DataFrame(
        {
            "option": pd.Series([scenario.options[i].id for i in o], dtype=object),
            "partner": pd.Series([scenario.partners[j].id for j in p], dtype=object),
            "period": t + 1,
            "adopted": planned[o, p, t],
            "replanned": replanned[o, p, t],
            "money_moved": money[o, p, t],
        },
        columns=CHANGE_COLUMNS,
    )
