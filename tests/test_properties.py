"""Properties that hold for every scenario, checked on tiny random ones (tests/strategies.py).

Every drawn scenario is feasible (its targets are reached by a witness plan
within every limit), so each solve must come back optimal.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from hypothesis import example, given, reject, settings
from hypothesis import strategies as st
from strategies import numbers, scenarios

from optimizer import readiness, results
from optimizer.errors import ParamError
from optimizer.io.template import write_scenario, write_template
from optimizer.io.validate import load_scenario
from optimizer.lp.solve import solve
from optimizer.scenario import Budget, Domain, Effect, Option, Partner, Scenario, Settings, Target

FEW = settings(max_examples=15, deadline=None)
SOME = settings(max_examples=30, deadline=None)
MANY = settings(max_examples=40, deadline=None)


def optimal(scenario: Scenario, solver: str = "highs") -> results.Solution:
    solution = solve(scenario, solver)
    assert solution.status == "optimal", solution.message
    assert solution.score is not None
    return solution


def within(limit: float) -> float:
    """A limit with the solver's tolerance: 1e-6 relative, 1e-6 absolute near zero."""
    return limit + 1e-6 * max(1.0, abs(limit))


def score_tolerance(score: float) -> float:
    """1e-6 relative, plus phase 2's epsilon of 1e-7 * max(1, |Z*|)."""
    return 1e-6 * max(1.0, abs(score)) + 1e-7 * max(1.0, abs(score))


def plan_units(scenario: Scenario, allocation) -> np.ndarray:
    return results.units_array(scenario, allocation)


def plan_score(scenario: Scenario, units: np.ndarray) -> float:
    raw = readiness.raw_readiness(scenario, units)
    return readiness.score(scenario, readiness.capped(scenario, raw))


# --- 1. no budget or cap is ever exceeded ------------------------------------------------


@pytest.mark.slow
@MANY
@given(scenarios())
def test_no_budget_or_cap_is_ever_exceeded(scenario: Scenario) -> None:
    solution = optimal(scenario)
    allocation = solution.allocation
    options = {o.id: o for o in scenario.options}
    partners = {p.id: p for p in scenario.partners}

    for row in allocation.itertuples():
        option, partner = options[row.option], partners[row.partner]
        assert row.units > 0
        assert row.partner in scenario.eligible(option), f"{row.option} funded for ineligible {row.partner}"
        if option.max_units is not None:
            assert row.units <= within(option.max_units)
        assert row.cost == pytest.approx(row.units * option.unit_cost * partner.cost_factor, rel=1e-12)
        assert 1 <= row.period <= scenario.horizon

    def spent(period: int, type_name: str | None = None, partner: str | None = None) -> float:
        rows = allocation[allocation["period"] == period]
        if type_name is not None:
            rows = rows[rows["option"].map(lambda o: options[o].type) == type_name]
        if partner is not None:
            rows = rows[rows["partner"] == partner]
        return float(rows["cost"].sum())

    expected: dict[tuple[str, int, str], tuple[float, float]] = {}
    for budget in scenario.budgets:
        t = budget.period
        assert spent(t) <= within(budget.total)
        expected["period", t, ""] = (budget.total, spent(t))
        for type_name, limit in budget.by_type.items():
            assert spent(t, type_name=type_name) <= within(limit)
            expected["type", t, type_name] = (limit, spent(t, type_name=type_name))
    for partner in scenario.partners:
        if partner.max_spend is None:
            continue
        for t in scenario.periods:
            assert spent(t, partner=partner.id) <= within(partner.max_spend)
            expected["partner", t, partner.id] = (partner.max_spend, spent(t, partner=partner.id))

    assert solution.spend_by_period == pytest.approx(
        [spent(t) for t in scenario.periods], rel=1e-12, abs=1e-12
    )
    use = solution.budget_use
    found = {(r.kind, int(r.period), r.name): (r.limit, r.spend, r.slack) for r in use.itertuples()}
    assert set(found) == set(expected), "budget_use must list every money limit once"
    assert len(use) == len(expected)
    for key, (limit, spend) in expected.items():
        got_limit, got_spend, got_slack = found[key]
        assert got_limit == limit
        assert got_spend == pytest.approx(spend, rel=1e-9, abs=1e-9), key
        assert got_slack == pytest.approx(limit - spend, rel=1e-9, abs=1e-9), key
    assert (use["shadow_price"] >= 0).all()


# --- 2. more money never lowers the score ----------------------------------------------


def more_money(scenario: Scenario, factor: float, which: str | int) -> Scenario:
    """Budgets scaled by `factor`: one period's total, all totals and type budgets, or every limit."""

    def scaled(budget):
        if which == "all" or which == "every limit":
            by_type = {k: v * factor for k, v in budget.by_type.items()}
            return replace(budget, total=budget.total * factor, by_type=by_type)
        return replace(budget, total=budget.total * factor) if budget.period == which else budget

    partners = scenario.partners
    if which == "every limit":
        partners = tuple(
            p if p.max_spend is None else replace(p, max_spend=p.max_spend * factor) for p in partners
        )
    return replace(scenario, budgets=tuple(scaled(b) for b in scenario.budgets), partners=partners)


@pytest.mark.slow
@MANY
@given(scenarios(), st.data())
def test_raising_a_budget_never_lowers_the_score(scenario: Scenario, data: st.DataObject) -> None:
    factor = data.draw(numbers(1.01, 4), label="factor")
    which = data.draw(st.sampled_from(["all", "every limit", *scenario.periods]), label="which")
    before = optimal(scenario)
    after = optimal(more_money(scenario, factor, which))
    assert after.score >= before.score - 1e-6 * max(1.0, abs(before.score))


# --- 3. readiness within its bounds; the score is the plan's -----------------------------


# Found by hypothesis in CI: HiGHS leaves 5.6e-10 units of O in period 1 for A. The allocation
# drops them as noise (<= 1e-9), so readiness must not count them either (it once showed 8.3e-9).
NOISE_BELOW_THE_ALLOCATION = Scenario(
    partners=(Partner("A"), Partner("B", weight=0.0), Partner("C", weight=0.0, effectiveness=0.12)),
    domains=(Domain("D0", weight=0.0), Domain("D1")),
    baseline={(p, d): 0.0 for p in "ABC" for d in ("D0", "D1")},
    options=(Option("O", "training", 1.0),),
    effects=(Effect("O", "D1", 15.0),),
    budgets=(Budget(1, 1.0), Budget(2, 7.0)),
    targets=(Target("C", "D1", 1, 1.799999999),),
    settings=Settings(weakest_link=0.0, level_thresholds=(0.0, 1.0, 2.0)),
)


@pytest.mark.slow
@MANY
@given(scenarios())
@example(NOISE_BELOW_THE_ALLOCATION)
def test_readiness_and_score_lie_within_their_bounds(scenario: Scenario) -> None:
    solution = optimal(scenario)
    cap = scenario.settings.score_cap
    table = solution.readiness
    base = readiness.baseline_matrix(scenario)

    assert len(table) == len(scenario.partners) * len(scenario.domains) * scenario.horizon
    assert (table["score"] <= cap).all()
    assert (table["score"] >= table["baseline"]).all()
    for row in table.itertuples():
        p = next(i for i, x in enumerate(scenario.partners) if x.id == row.partner)
        d = next(i for i, x in enumerate(scenario.domains) if x.id == row.domain)
        assert row.baseline == base[p, d]

    units = plan_units(scenario, solution.allocation)
    raw = readiness.raw_readiness(scenario, units)
    assert np.all(np.diff(raw, axis=2) >= -1e-12), "readiness never falls: gains are >= 0"
    counted = readiness.capped(scenario, raw)
    reported = table.sort_values(["partner", "domain", "period"])
    par, dom, _ = readiness.index(scenario)
    expected = [counted[par[r.partner], dom[r.domain], r.period - 1] for r in reported.itertuples()]
    assert reported["score"].tolist() == pytest.approx(expected, rel=1e-12, abs=1e-12)

    tolerance = score_tolerance(solution.score)
    assert solution.baseline_score == pytest.approx(results.baseline_score(scenario), rel=1e-12, abs=1e-12)
    assert solution.baseline_score - tolerance <= solution.score <= cap + tolerance
    assert plan_score(scenario, units) == pytest.approx(solution.score, rel=0, abs=tolerance)


# --- 4. phase 2 spends no money that buys no score -----------------------------------------


def needed(scenario: Scenario, full: np.ndarray, less: np.ndarray) -> bool:
    """Whether taking the plan `full` down to `less` lowers the score or breaks a target."""
    full_score, less_score = plan_score(scenario, full), plan_score(scenario, less)
    if less_score < full_score - 1e-9 * max(1.0, abs(full_score)):
        return True
    raw_full = readiness.raw_readiness(scenario, full)
    raw_less = readiness.raw_readiness(scenario, less)
    par, dom, _ = readiness.index(scenario)
    for target in scenario.targets:
        at = (par[target.partner], dom[target.domain], target.period - 1)
        if raw_less[at] < raw_full[at] and raw_less[at] < target.min_score - 1e-9 * max(
            1.0, target.min_score
        ):
            return True
    return False


@pytest.mark.slow
@MANY
@given(scenarios())
def test_phase_two_spends_no_money_that_buys_nothing(scenario: Scenario) -> None:
    solution = optimal(scenario)
    units = plan_units(scenario, solution.allocation)
    par, _, opt = readiness.index(scenario)
    for row in solution.allocation.itertuples():
        if row.cost <= 1e-7 * max(1.0, solution.spend):
            continue  # at the solver's tolerance
        at = (opt[row.option], par[row.partner], row.period - 1)
        for keep in (0.0, 0.9):
            less = units.copy()
            less[at] *= keep
            assert needed(scenario, units, less), (
                f"{row.units:g} units of {row.option!r} for {row.partner!r} in period {row.period} "
                f"(cost {row.cost:g}) buy no score and meet no target (kept {keep:.0%})"
            )


# --- 5. HiGHS and CBC agree ---------------------------------------------------------------


# Found by the test below: a plan that buys little score (0.0044 on a score of 10)
# at a high price per point. Phase 2 may give up eps = 1e-6 of score, which
# here saves 4.5e-4 of money; CBC's Z* comes back with 8 significant digits
# (10.004444 for 10.0044444...), so its phase 2 gives up 1.4e-6 and spends 1e-4
# (relative) less than HiGHS's.
EXPENSIVE_LAST_POINT = Scenario(
    partners=(Partner("A"),),
    domains=(Domain("D0", weight=0.0), Domain("D1")),
    baseline={("A", "D0"): 0.0, ("A", "D1"): 10.0},
    options=(Option("O", "training", 9.0),),
    effects=(Effect("O", "D1", 0.02),),
    budgets=(Budget(1, 2.0),),
)


@pytest.mark.slow
@FEW
@given(scenarios())
@example(EXPENSIVE_LAST_POINT)
def test_highs_and_cbc_agree(scenario: Scenario) -> None:
    """Same Z*; same spend, or else the cheaper plan gave up at most phase 2's epsilon of score for it."""
    highs, cbc = optimal(scenario, "highs"), optimal(scenario, "cbc")
    assert cbc.score == pytest.approx(highs.score, rel=1e-6, abs=1e-6)
    plans = {s.solver: plan_score(scenario, plan_units(scenario, s.allocation)) for s in (highs, cbc)}
    for solution in (highs, cbc):
        assert plans[solution.solver] == pytest.approx(
            solution.score, rel=0, abs=score_tolerance(solution.score)
        )
    # Phase 2 trades up to eps = 1e-7 * max(1, |Z*|) of score for money (model.md); where a point
    # of score costs a lot, eps buys a visible sum, and each solver's Z* is exact only to its
    # own precision. Such a gap in spend must then be that trade: less money, a little less score.
    if cbc.spend != pytest.approx(highs.spend, rel=1e-4, abs=1e-4):
        cheap, dear = sorted((highs, cbc), key=lambda s: s.spend)
        eps = 1e-7 * max(1.0, abs(highs.score))
        gap = plans[dear.solver] - plans[cheap.solver]
        assert 0 < gap <= 3 * eps, (
            f"{cheap.solver} spends {cheap.spend!r}, {dear.solver} {dear.spend!r}: "
            f"a score gap of {gap!r} does not explain it (eps {eps!r})"
        )


# --- 6. writing and reading back ----------------------------------------------------------


@pytest.mark.slow
@SOME
@given(scenarios())
def test_workbook_round_trip(scenario: Scenario) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.xlsx"
        write_scenario(scenario, path)
        assert load_scenario(path) == scenario


@pytest.mark.slow
@SOME
@given(scenarios(full_precision=True))
def test_csv_folder_round_trip_keeps_every_digit(scenario: Scenario) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x"
        write_scenario(scenario, path)
        assert load_scenario(path) == scenario


@pytest.mark.parametrize("name", ["x.xlsx", "x"])
def test_default_settings_round_trip(name: str) -> None:
    """The smallest scenario, with default settings: currency '' is written as a blank value cell."""
    scenario = Scenario(
        partners=(Partner("A"),),
        domains=(Domain("D"),),
        baseline={("A", "D"): 0.0},
        options=(Option("O", "training", 1.0),),
        effects=(),
        budgets=(Budget(1, 0.0),),
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        write_scenario(scenario, path)
        assert load_scenario(path) == scenario


def numbered(targets) -> tuple:
    """Targets as the loader numbers them when each is written on its own row."""
    return tuple(replace(t, row=i) for i, t in enumerate(targets, start=2))


@pytest.mark.slow
@SOME
@given(scenarios(), st.sampled_from(["x.xlsx", "x"]))
def test_targets_made_in_code_round_trip_with_their_row_numbers(scenario: Scenario, name: str) -> None:
    """A target made in code (row None) reads back with the row it was written to."""
    scenario = replace(scenario, targets=tuple(replace(t, row=None) for t in scenario.targets))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        write_scenario(scenario, path)
        loaded = load_scenario(path)
    key = [(t.partner, t.domain, t.period, t.min_score) for t in scenario.targets]
    assert [(t.partner, t.domain, t.period, t.min_score) for t in loaded.targets] == key
    assert loaded == replace(scenario, targets=numbered(scenario.targets))


def sheet_records(scenario: Scenario) -> dict[str, list[dict[str, object]]]:
    """The scenario's rows by sheet and column, built here, independently of the writer."""
    return {
        "partners": [
            {
                "partner": p.id,
                "name": p.name,
                "weight": p.weight,
                "cost_factor": p.cost_factor,
                "effectiveness": p.effectiveness,
                "max_spend": p.max_spend,
            }
            for p in scenario.partners
        ],
        "domains": [{"domain": d.id, "name": d.name, "weight": d.weight} for d in scenario.domains],
        "baseline": [{"partner": p, "domain": d, "score": s} for (p, d), s in scenario.baseline.items()],
        "options": [
            {
                "option": o.id,
                "type": o.type,
                "unit_cost": o.unit_cost,
                "name": o.name,
                "max_units": o.max_units,
                "lag": o.lag,
                "partners": None if o.partners is None else ",".join(o.partners),
            }
            for o in scenario.options
        ],
        "effects": [
            {
                "option": e.option,
                "domain": e.domain,
                "gain": e.gain,
                "gain_low": e.gain_low,
                "gain_high": e.gain_high,
            }
            for e in scenario.effects
        ],
        "budgets": [{"period": b.period, "budget": b.total, **b.by_type} for b in scenario.budgets],
        "targets": [
            {"partner": t.partner, "domain": t.domain, "period": t.period, "min_score": t.min_score}
            for t in scenario.targets
        ],
    }


def put(ws, row: int, column: int, value: object) -> None:
    """A cell as Excel saves what was typed: text stays text even when it starts with '='.

    OOXML reads '_xHHHH_' in a string as an escaped character; Excel writes a
    typed '_x0041_' as '_x005F_x0041_', but openpyxl writes text raw, so do it here.
    """
    if value is None or value == "":
        return
    if isinstance(value, str):
        value = re.sub(r"_(x[0-9A-Fa-f]{4}_)", r"_x005F_\1", value)
    cell = ws.cell(row, column, value)
    if isinstance(value, str):
        cell.data_type = "s"


def fill_template(path: Path, scenario: Scenario) -> None:
    """Fill a blank template with openpyxl, under its own headers, as a planner would."""
    book = openpyxl.load_workbook(path)
    records = sheet_records(scenario)

    budgets = book["budgets"]
    header = [c.value for c in budgets[1]]
    types = list(dict.fromkeys(k for b in scenario.budgets for k in b.by_type))
    spare = [i for i, h in enumerate(header, start=1) if h in ("training", "standardization")]
    for i in spare:
        budgets.cell(1, i).value = None  # the template's example type columns, renamed or emptied
    for n, type_name in enumerate(types):
        column = spare[n] if n < len(spare) else budgets.max_column + 1
        budgets.cell(1, column).value = type_name
        budgets.cell(1, column).data_type = "s"

    for sheet, rows in records.items():
        ws = book[sheet]
        header = [c.value for c in ws[1]]
        assert ws.max_row == 1, f"the template's {sheet} sheet has no data rows"
        for r, record in enumerate(rows, start=2):
            for c, name in enumerate(header, start=1):
                put(ws, r, c, record.get(name) if name else None)

    s = scenario.settings
    values = {
        "weakest_link": s.weakest_link,
        "score_cap": s.score_cap,
        "score_periods": s.score_periods,
        "level_thresholds": ",".join(repr(x) for x in s.level_thresholds),
        "currency": s.currency,
    }
    ws = book["settings"]
    header = [c.value for c in ws[1]]
    key_at, value_at = header.index("key") + 1, header.index("value") + 1
    filled = set()
    for r in range(2, ws.max_row + 1):
        key = ws.cell(r, key_at).value
        if key in values:
            ws.cell(r, value_at).value = None
            put(ws, r, value_at, values[key])
            filled.add(key)
    assert filled == set(values), "the template lists every setting"
    book.save(path)


@pytest.mark.slow
@SOME
@given(scenarios())
def test_blank_template_filled_in_loads_as_the_scenario(scenario: Scenario) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "filled.xlsx"
        write_template(path)
        fill_template(path, scenario)
        loaded = load_scenario(path)
    assert loaded == replace(scenario, targets=numbered(scenario.targets))


# --- 7. the same scenario as CSV and as xlsx solves the same ---------------------------------


@pytest.mark.slow
@FEW
@given(scenarios())
def test_csv_and_xlsx_forms_solve_the_same(scenario: Scenario) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_scenario(scenario, Path(tmp) / "x.xlsx")
        write_scenario(scenario, Path(tmp) / "x")
        from_xlsx = load_scenario(Path(tmp) / "x.xlsx")
        from_csv = load_scenario(Path(tmp) / "x")
    a, b = optimal(from_xlsx), optimal(from_csv)
    assert b.score == pytest.approx(a.score, rel=1e-9, abs=1e-9)
    assert b.spend == pytest.approx(a.spend, rel=1e-9, abs=1e-9)
    assert a.score == pytest.approx(optimal(scenario).score, rel=1e-9, abs=1e-9)


@pytest.mark.slow
@SOME
@given(scenarios(), st.data())
def test_a_warm_re_solve_equals_a_cold_solve(scenario: Scenario, data: st.DataObject) -> None:
    """Studies re-solve variants warm in the base's HiGHS model (studies.warm_points): whatever
    number a tornado moves, and however far, the warm result is the cold one."""
    from optimizer.studies.tornado import tornado_params
    from optimizer.studies.variants import apply_param, current_value, parse_param
    from optimizer.studies.warm import cold_point, warm_points

    _, param, _ = data.draw(st.sampled_from(tornado_params(scenario)))
    p = parse_param(scenario, param)
    value = current_value(scenario, p) * data.draw(st.floats(0.0, 2.0))
    try:
        variant = apply_param(scenario, p, min(1.0, value) if p.kind == "weakest_link" else value)
    except ParamError:  # e.g. a unit cost of 0, or the only weighted domain at weight 0
        reject()
    [warm] = warm_points((scenario, [variant], None, None))
    cold = cold_point((variant, "highs", None))
    assert warm.status == cold.status
    assert (warm.units is None) == (cold.units is None)
    if cold.units is not None:  # a variant without a plan has only its status to compare
        money = np.array([[o.unit_cost * q.cost_factor for q in variant.partners] for o in variant.options])
        assert warm.score == pytest.approx(cold.score, rel=1e-9, abs=1e-9)
        spend_warm, spend_cold = (
            float((units * money[:, :, None]).sum()) for units in (warm.units, cold.units)
        )
        assert spend_warm == pytest.approx(spend_cold, rel=1e-6, abs=1e-6)
