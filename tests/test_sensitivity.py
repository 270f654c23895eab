"""The phase-1 sensitivity report: prices against hand-solved cases, ranges against re-solves.

Hand cases use one partner, so Z is that partner's readiness in the scored
domain; a "rate" is score points per currency unit of an option (gain / cost).
Range checks re-solve phase 1 from scratch (build, change the row's rhs,
solve), independently of the warm machinery the report uses: just inside each
reported end the score moves along the reported price and the row's dual
equals it; just outside, the dual differs (or there is no plan at all).
"""

from __future__ import annotations

import dataclasses
import math
from types import MappingProxyType

import pytest

from optimizer.io.synthetic import generate, generate_preset
from optimizer.io.validate import load_scenario
from optimizer.lp import model as lp
from optimizer.lp.solve import run
from optimizer.lp.status import Run
from optimizer.scenario import Budget, Domain, Effect, Option, Partner, Scenario, Settings, Target
from optimizer.studies.ranging import SensitivityReport, sensitivity

TOL = 1e-6


def hand_scenario(budget: float, type_caps: dict[str, float], target: float | None = None) -> Scenario:
    """Partner P, comms scored (baseline 50), logistics unscored (weight 0, baseline 50).

    A: standardization, cost 2, +3 comms (rate 1.5). B: training, cost 1, +1 comms (rate 1).
    L: training, cost 1, +1 logistics (buys no score; only a target makes it worth funding).
    """
    return Scenario(
        partners=(Partner("P"),),
        domains=(Domain("comms"), Domain("logistics", weight=0.0)),
        baseline={("P", "comms"): 50.0, ("P", "logistics"): 50.0},
        options=(
            Option("A", "standardization", 2.0),
            Option("B", "training", 1.0),
            Option("L", "training", 1.0),
        ),
        effects=(Effect("A", "comms", 3.0), Effect("B", "comms", 1.0), Effect("L", "logistics", 1.0)),
        budgets=(Budget(1, budget, MappingProxyType(dict(type_caps))),),
        targets=() if target is None else (Target("P", "logistics", 1, target),),
        settings=Settings(currency="USD M"),
    )


def row(report: SensitivityReport, kind: str, name: str = "") -> dict:
    c = report.constraints
    found = c[(c["kind"] == kind) & (c["name"] == name)]
    assert len(found) == 1, c
    return found.iloc[0].to_dict()


def test_binding_budget_price_is_the_best_rate_and_slack_budgets_price_zero(solver: str) -> None:
    """Budget 4 all goes to A (rate 1.5): Z = 50 + 1.5 * 4 = 56, budget price 1.5.
    Standardization spends 4 of 10 and training 0 of 10: both slack, price 0.
    Forcing one unit of B in costs 1 of budget, i.e. 0.5 units of A: 1.5 - 1 = 0.5 points lost."""
    report = sensitivity(hand_scenario(4.0, {"standardization": 10.0, "training": 10.0}), solver=solver)
    assert report.status == "optimal"
    assert report.score == pytest.approx(56.0, abs=TOL)
    budget = row(report, "period")
    assert budget["shadow_price"] == pytest.approx(1.5, abs=TOL)
    assert budget["binding"] and budget["activity"] == pytest.approx(4.0, abs=TOL)
    for kind, spent in (("standardization", 4.0), ("training", 0.0)):
        cap = row(report, "type", kind)
        assert cap["shadow_price"] == 0.0
        assert not cap["binding"]
        assert cap["slack"] == pytest.approx(10.0 - spent, abs=TOL)
    units = report.units.set_index("option")
    assert units.loc["A", "funded"] and units.loc["A", "units"] == pytest.approx(2.0, abs=TOL)
    assert units.loc["A", "reduced_cost"] == pytest.approx(0.0, abs=TOL)
    assert not units.loc["B", "funded"]
    assert units.loc["B", "reduced_cost"] == pytest.approx(0.5, abs=TOL)
    assert report.entering["option"].iloc[0] == "B"
    if solver == "highs":
        assert report.ranging and report.message == ""
    else:
        assert not report.ranging and "CBC" in report.message
        assert math.isnan(budget["allowable_increase"])


def test_hand_ranges_and_sentence() -> None:
    """The budget price 1.5 holds from 0 (below: infeasible) up to 10, where A exhausts its
    standardization cap and B (rate 1) takes over. The slack caps hold price 0 down to their
    activity (4 for standardization: below it A is squeezed; 0 for training) and up forever."""
    report = sensitivity(hand_scenario(4.0, {"standardization": 10.0, "training": 10.0}))
    budget = row(report, "period")
    assert budget["allowable_increase"] == pytest.approx(6.0, abs=TOL)
    assert budget["allowable_decrease"] == pytest.approx(4.0, abs=TOL)
    assert budget["upper_limit"] == pytest.approx(10.0, abs=TOL)
    standard = row(report, "type", "standardization")
    assert standard["allowable_increase"] == math.inf
    assert standard["allowable_decrease"] == pytest.approx(6.0, abs=TOL)
    training = row(report, "type", "training")
    assert training["allowable_increase"] == math.inf
    assert training["allowable_decrease"] == pytest.approx(10.0, abs=TOL)
    assert report.sentences == (
        "One more USD M in period 1 buys 1.5 score points, until that budget reaches 10.",
    )


def test_target_price_is_the_score_lost_per_point_demanded(solver: str) -> None:
    """Target logistics >= 55 needs 5 units of L (5 money); the other 5 buy 7.5 points of comms
    through A: Z = 57.5. One more point demanded costs 1 money = 1.5 score points."""
    report = sensitivity(
        hand_scenario(10.0, {"standardization": 100.0, "training": 100.0}, 55.0), solver=solver
    )
    assert report.score == pytest.approx(57.5, abs=TOL)
    target = row(report, "target", "P")
    assert target["domain"] == "logistics"
    assert target["shadow_price"] == pytest.approx(1.5, abs=TOL)
    assert target["binding"]
    assert row(report, "period")["shadow_price"] == pytest.approx(1.5, abs=TOL)
    if solver == "highs":
        # the target may rise until all 10 goes to L (60) and fall to the baseline (50)
        assert target["allowable_increase"] == pytest.approx(5.0, abs=TOL)
        assert target["allowable_decrease"] == pytest.approx(5.0, abs=TOL)
        # the budget: down to 5 (all on L), up until comms reaches the cap: 50 + 1.5 (b - 5) = 100
        budget = row(report, "period")
        assert budget["allowable_decrease"] == pytest.approx(5.0, abs=TOL)
        assert budget["upper_limit"] == pytest.approx(5.0 + 50.0 / 1.5, abs=TOL)
        assert any(s.startswith("Demanding one more point of logistics") for s in report.sentences)


def phase1_at(scenario: Scenario, index: int, rhs: float) -> tuple[float, float] | None:
    """Phase 1 from scratch with row `index` (budget rows, then target rows) at `rhs`:
    (score, that row's price in the planner's sign), or None without a plan."""
    model = lp.build(scenario)
    rows = [(1.0, b.row) for b in model.budget_rows] + [(-1.0, i) for _, i in model.target_rows]
    direction, row = rows[index]
    moved = (
        model.with_row_bound(row, -math.inf, rhs)
        if direction > 0
        else model.with_row_bound(row, rhs, math.inf)
    )
    outcome = run(moved, "highs", None)
    if outcome.status != "optimal":
        return None
    return float(model.score @ outcome.values()), direction * float(outcome.row_duals()[row])


def same_price(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 + 1e-6 * abs(b)


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    ["example", "small-preset", "generated-5x8"],
)
def test_every_allowable_range_holds_inside_and_ends_outside(name: str) -> None:
    scenario = {
        "example": lambda: load_scenario("inputs/example.xlsx"),
        "small-preset": lambda: generate_preset("small"),
        "generated-5x8": lambda: generate(5, 8, 3, 3, seed=2),
    }[name]()
    report = sensitivity(scenario, estimates=False)  # the constraints' ranges are the subject
    assert report.ranging and report.message == ""
    checked = 0
    for index, r in enumerate(report.constraints.itertuples(index=False)):
        # a target's price is score lost per point demanded: the score moves against its rhs
        slope = r.shadow_price if r.kind != "target" else -r.shadow_price
        for end in (r.upper_limit, r.lower_limit):
            if math.isinf(end):
                continue
            gap = end - r.rhs
            way = math.copysign(1.0, gap) if gap else (1.0 if end == r.upper_limit else -1.0)
            if abs(gap) > 1e-9:
                inside = phase1_at(scenario, index, r.rhs + (1 - 1e-3) * gap)
                assert inside is not None, (name, r)
                score, price = inside
                assert score == pytest.approx(report.score + slope * (1 - 1e-3) * gap, abs=1e-7), (name, r)
                assert same_price(price, r.shadow_price), (name, r, price)
            outside = phase1_at(scenario, index, end + way * max(1e-3 * abs(gap), 1e-4 * max(1.0, abs(end))))
            assert outside is None or not same_price(outside[1], r.shadow_price), (name, r, outside)
            checked += 1
    assert checked >= 20


@pytest.mark.slow
def test_raw_basis_ranges_are_within_the_extended_ones() -> None:
    report = sensitivity(load_scenario("inputs/example.xlsx"), estimates=False)
    c = report.constraints
    assert (c["basis_increase"] <= c["allowable_increase"] + 1e-9).all()
    assert (c["basis_decrease"] <= c["allowable_decrease"] + 1e-9).all()
    raw = sensitivity(load_scenario("inputs/example.xlsx"), extend_ranges=False, estimates=False).constraints
    assert raw["allowable_increase"].tolist() == c["basis_increase"].tolist()


def test_units_table_signs_and_entering_order() -> None:
    report = sensitivity(load_scenario("inputs/example.xlsx"), estimates=False)
    u = report.units
    assert len(u) > 0
    # unfunded units lose score when forced in; funded ones below their max are priced at 0
    assert (u.loc[~u["funded"], "reduced_cost"] >= -1e-9).all()
    inner = u[u["funded"] & ~u["at_max"]]
    assert (inner["reduced_cost"].abs() <= 1e-7).all()
    ranked = u[~u["funded"]].sort_values("entering_rank")
    assert ranked["reduced_cost_per_money"].is_monotonic_increasing
    assert list(ranked["entering_rank"]) == list(range(1, len(ranked) + 1))
    e = report.entering
    assert e["reduced_cost_per_money"].is_monotonic_increasing
    assert not set(e["option"]) & set(u.loc[u["funded"], "option"])
    assert all(s.endswith(".") for s in report.sentences) and report.sentences
    assert any("period" in s and "USD M" in s for s in report.sentences)


def test_no_plan_and_stopped_solves_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    infeasible = sensitivity(hand_scenario(1.0, {}, 60.0))
    assert infeasible.status == "infeasible" and infeasible.score is None
    assert infeasible.constraints.empty and "infeasible" in infeasible.message

    import optimizer.studies.ranging as module

    def stopped(model: lp.Model, solver: str, time_limit: float | None) -> Run:
        return dataclasses.replace(run(model, solver, time_limit), status="time_limit")

    monkeypatch.setattr(module, "run", stopped)
    report = sensitivity(hand_scenario(4.0, {}))
    assert report.status == "time_limit" and not report.ranging
    assert "time limit" in report.message
    assert row(report, "period")["shadow_price"] == pytest.approx(1.5, abs=TOL)
    assert math.isnan(row(report, "period")["allowable_increase"])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_row_ranging_equals_highs_ranging(seed: int) -> None:
    """_Copy.basis_end (one row, from the basis inverse) gives getRanging's value for every
    nonbasic row, both ways: the extensions rely on it instead of the whole getRanging."""
    import highspy

    from optimizer.studies.ranging import _Copy

    scenario = generate(8, 20, 6, 5, seed=seed).with_settings(score_periods="all", weakest_link=0.3)
    model = lp.build(scenario)
    solved = run(model, "highs", None)
    highs = solved.highs
    _, ranging = highs.getRanging()
    copy = _Copy(model, solved.warm.basis(), None)
    copy.warm.solve(model, None, copy.basis)
    nonbasic = [i for i, s in enumerate(highs.getBasis().row_status) if s != highspy.HighsBasisStatus.kBasic]
    assert len(nonbasic) > 100
    for i in nonbasic:
        for way, expected in ((1, ranging.row_bound_up.value_[i]), (-1, ranging.row_bound_dn.value_[i])):
            if abs(expected) >= 1e30:
                assert copy.basis_end(i, way) == way * math.inf
            else:
                assert copy.basis_end(i, way) == pytest.approx(expected, rel=1e-9, abs=1e-9), (i, way)
