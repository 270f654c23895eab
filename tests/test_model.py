"""The LP as built: each formulation reduction leaves the optimum unchanged."""

from __future__ import annotations

import dataclasses
import importlib

import numpy as np
import pytest

from optimizer.io.synthetic import generate
from optimizer.lp import model as lp
from optimizer.lp import tuning
from optimizer.lp.export import export
from optimizer.scenario import Settings

solving = importlib.import_module("optimizer.lp.solve")
highs_interface = importlib.import_module("optimizer.lp.highs")


def optimum(scenario, reduced: bool) -> tuple[float, float, int]:
    """Score, phase-2 spend and column count of the two phases, for a model built either way."""
    model = lp.build(scenario, reduced=reduced)
    first = solving.run(model, "highs", None)
    assert first.status == "optimal"
    best = float(model.score @ first.values())
    second = solving.run(lp.least_money(model, best), "highs", None)
    assert second.status == "optimal"
    return best, float(model.spend @ second.values()), model.column_count


def with_idle_options(scenario):
    """Add an option with no gain and one whose lag ends past the horizon: both only cost money."""
    first = scenario.options[0]
    idle = dataclasses.replace(first, id="IDLE", lag=0)
    late = dataclasses.replace(first, id="LATE", lag=scenario.horizon)
    late_effects = tuple(
        dataclasses.replace(e, option="LATE") for e in scenario.effects if e.option == first.id
    )
    return dataclasses.replace(
        scenario, options=(*scenario.options, idle, late), effects=scenario.effects + late_effects
    )


@pytest.mark.parametrize("size", [(3, 5, 2, 3), (4, 8, 3, 4), (8, 20, 6, 5)])
@pytest.mark.parametrize("periods", ["final", "all"])
@pytest.mark.parametrize("seed", [0, 1])
def test_reductions_leave_score_and_spend_unchanged(size, periods, seed) -> None:
    scenario = with_idle_options(generate(*size, seed=seed))
    scenario = scenario.with_settings(score_periods=periods)
    reduced = optimum(scenario, reduced=True)
    literal = optimum(scenario, reduced=False)
    assert reduced[0] == pytest.approx(literal[0], rel=1e-9, abs=1e-9)
    assert reduced[1] == pytest.approx(literal[1], rel=1e-6, abs=1e-6)
    assert reduced[2] < literal[2]  # the reductions did remove variables


def test_zero_weight_partner_and_zero_effect_are_left_out_without_changing_the_optimum() -> None:
    scenario = generate(4, 6, 3, 3, seed=5)
    partners = (
        dataclasses.replace(scenario.partners[0], weight=0.0, effectiveness=0.0),
        *scenario.partners[1:],
    )
    scenario = dataclasses.replace(
        scenario, partners=partners, targets=(), settings=Settings(weakest_link=0.5)
    )
    assert optimum(scenario, True)[:2] == pytest.approx(optimum(scenario, False)[:2], rel=1e-7, abs=1e-7)


def test_units_that_cannot_pay_off_are_not_variables() -> None:
    scenario = with_idle_options(generate(3, 4, 2, 3, seed=2))
    names = {o.id: i for i, o in enumerate(scenario.options)}
    options = set(lp.build(scenario).units.option.tolist())
    assert not options & {names["IDLE"], names["LATE"]}
    assert names[scenario.options[0].id] in options


@pytest.mark.parametrize("elastic", [False, True])
def test_highs_and_pulp_receive_the_same_lp(tmp_path, elastic) -> None:
    """The arrays passed straight to HiGHS and the PuLP problem built from them (for CBC and
    --export-model) are one LP: read the exported MPS back and compare, column by name."""
    import highspy

    scenario = generate(4, 8, 3, 4, seed=3).with_settings(weakest_link=0.3)
    committed = np.zeros((len(scenario.options), len(scenario.partners), scenario.horizon))
    committed[0, 0, scenario.horizon - 1] = 1.0  # a lag ending past the horizon: a column only keep makes
    model = lp.build(scenario, elastic=elastic, committed=committed)
    direct = highs_interface.to_highs(model).getLp()
    export(model, tmp_path / "model.mps")
    with highs_interface.quiet_stdout():
        reader = highspy.Highs()
    reader.setOptionValue("output_flag", False)
    assert reader.readModel(str(tmp_path / "model.mps")) == highspy.HighsStatus.kOk
    exported = reader.getLp()

    names = model.column_names()
    order = [names.index(n) for n in exported.col_names_]
    assert sorted(order) == list(range(model.column_count))  # every column, once
    assert list(exported.row_names_) == list(model.row_names)
    sense = -1.0 if model.maximise else 1.0  # HiGHS reads an MPS OBJSENSE MAX as a minimisation of -c
    objective = np.asarray(exported.col_cost_) * (
        sense if exported.sense_ == highspy.ObjSense.kMinimize else 1
    )
    assert np.allclose(objective, np.asarray(direct.col_cost_)[order], rtol=1e-12, atol=0.0)
    same = {"rtol": 1e-12, "atol": 0.0}  # PuLP writes 13 significant digits
    for field in ("col_lower_", "col_upper_"):
        assert np.allclose(getattr(exported, field), np.asarray(getattr(direct, field))[order], **same)
    for field in ("row_lower_", "row_upper_"):
        assert np.allclose(getattr(exported, field), getattr(direct, field), **same)

    def dense(lp_) -> np.ndarray:
        matrix = lp_.a_matrix_
        a = np.zeros((lp_.num_row_, lp_.num_col_))
        start, index, value = (np.asarray(x) for x in (matrix.start_, matrix.index_, matrix.value_))
        assert matrix.format_ == highspy.MatrixFormat.kColwise  # as HiGHS keeps it after passModel
        for j in range(lp_.num_col_):
            a[index[start[j] : start[j + 1]], j] = value[start[j] : start[j + 1]]
        return a

    assert np.allclose(dense(exported), dense(direct)[:, order], **same)


def test_our_highs_options_change_speed_not_the_optimum(monkeypatch) -> None:
    scenario = generate(8, 20, 6, 5, seed=4).with_settings(score_periods="all", weakest_link=0.2)
    ours = solving.solve(scenario)
    monkeypatch.setattr(tuning, "DEFAULT", {})
    defaults = solving.solve(scenario)
    assert ours.status == defaults.status == "optimal"
    assert ours.score == pytest.approx(defaults.score, rel=1e-9)
    assert ours.spend == pytest.approx(defaults.spend, rel=1e-6)


def test_row_activity_at_the_plan_is_the_money_the_report_shows() -> None:
    """Model.activity (A x, used for the sensitivity report's final values) read at the solved
    plan gives each budget row the spend that evaluation.money_use computes from the plan."""
    scenario = generate(6, 12, 4, 4, seed=7)
    solution = solving.solve(scenario)
    model = solution.model.model
    plan = solution.model.highs.getSolution().col_value
    activity = model.activity(np.asarray(plan))
    spent = [activity[row.row] for row in model.budget_rows]
    assert spent == pytest.approx(solution.budget_use["spend"].tolist(), rel=1e-9, abs=1e-9)
    assert [r.limit for r in model.budget_rows] == solution.budget_use["limit"].tolist()


def test_optimise_gives_the_numbers_solve_reports() -> None:
    from optimizer import optimise, solve
    from optimizer.results import units_array

    scenario = generate(6, 12, 4, 4, seed=9)
    optimum, solution = optimise(scenario), solve(scenario)
    assert optimum.status == solution.status == "optimal"
    assert optimum.score == solution.score
    use = solution.budget_use
    keys = zip(use["kind"], use["period"], use["name"], strict=True)
    assert [optimum.prices[key] for key in keys] == use["shadow_price"].tolist()
    units = np.where(optimum.units > 1e-9, optimum.units, 0.0)
    assert np.array_equal(units, units_array(scenario, solution.allocation))


def test_a_coefficient_highs_drops_as_negligible_is_not_an_error() -> None:
    """HiGHS drops matrix values below 1e-9 with a warning (found by the warm re-solve property
    test: a unit cost scaled to 2e-283); the solve goes on, as with any tiny number."""
    import dataclasses

    scenario = generate(3, 4, 2, 3, seed=1)
    options = (dataclasses.replace(scenario.options[0], unit_cost=2e-283), *scenario.options[1:])
    solution = solving.solve(dataclasses.replace(scenario, options=options))
    assert solution.status == "optimal"


def test_highs_lp_says_how_it_started_each_lp_and_solves_each_as_cold() -> None:
    """HighsLP picks in place, whole from a basis, or cold by what changed; each optimum equals a
    cold solve of the same LP in a fresh HiGHS model (the reference)."""
    from optimizer.lp.highs import HighsLP, Reason, Start
    from optimizer.studies.variants import apply_param, parse_param

    scenario = generate(6, 12, 4, 4, seed=7).with_settings(weakest_link=0.3)
    model = lp.build(scenario)
    budget = model.budget_rows[0].row
    fewer_gains = lp.build(
        apply_param(scenario, parse_param(scenario, "gain_scale:" + scenario.options[0].id), 0.8)
    )
    no_weakest = lp.build(apply_param(scenario, parse_param(scenario, "weakest_link"), 0.0))
    warm = HighsLP()

    def solved(next_lp: lp.Model, basis: object = None, primal: bool = False) -> tuple[Start, Reason]:
        outcome = warm.solve(next_lp, None, basis, primal)
        cold = solving.run(next_lp, "highs", None)
        assert outcome.status == cold.status == "optimal"
        objective = next_lp.objective @ outcome.values()
        assert objective == pytest.approx(next_lp.objective @ cold.values(), rel=1e-9)
        return outcome.resolve.start, outcome.resolve.reason

    assert solved(model) == (Start.COLD, Reason.FIRST)
    basis = warm.basis()
    tighter = model.with_row_bound(budget, -np.inf, 0.7 * model.row_upper[budget])
    assert solved(tighter) == (Start.IN_PLACE, Reason.BOUNDS)
    assert solved(fewer_gains, basis) == (Start.BASIS, Reason.NUMBERS)
    assert solved(no_weakest, basis) == (Start.COLD, Reason.SHAPE)
    best = float(no_weakest.score @ warm.solve(no_weakest, None).values())
    assert solved(lp.least_money(no_weakest, best), primal=True) == (Start.IN_PLACE, Reason.SCORE_ROW)


def test_exit_status_of_each_outcome_is_readmes() -> None:
    """EXIT_STATUS against README's table of exit statuses, read from the README itself."""
    import re
    from pathlib import Path

    from optimizer.lp.status import EXIT_STATUS, Status

    table = Path(__file__).parents[1].joinpath("README.md").read_text().split("## Exit statuses")[1]
    meaning = {int(code): text for code, text in re.findall(r"^\| (\d) \| (.+) \|$", table, re.M)}
    words = {Status.OPTIMAL: "optimal", Status.INFEASIBLE: "infeasible", Status.TIME_LIMIT: "time limit"}
    words[Status.ERROR] = "solver is missing or failed"
    assert {status: meaning[code] for status, code in EXIT_STATUS.items()}.keys() == words.keys()
    for status, code in EXIT_STATUS.items():
        assert words[status] in meaning[code], (status, code)
    assert [s.value for s in Status] == ["optimal", "infeasible", "time_limit", "error", "evaluated"]
