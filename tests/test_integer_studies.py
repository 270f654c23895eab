"""Sweeps and tornado of an integer scenario re-solve the MIP; the frontier is a staircase.

A (whole) costs 2 a unit for 10 points (test_integer_solve's rounding_down), budget 5 scaled
by 0.8, 1.0, 1.2, 1.4: budgets 4, 5, 6, 7 buy 2, 2, 3, 3 whole units, scores 20, 20, 30, 30
(the LP would score 5 a money: 20, 25, 30, 35).
"""

from __future__ import annotations

import pytest
from test_integer_solve import exact, rounding_down

from optimizer.reports.sweep import frontier_drawstyle
from optimizer.studies.sweep import sweep
from optimizer.studies.tornado import tornado


def test_a_budget_sweep_of_whole_units_climbs_in_steps(solver: str) -> None:
    result = sweep(exact(rounding_down()), "budget_scale", [0.8, 1.0, 1.2, 1.4], solver=solver)
    assert result.points["score"].tolist() == pytest.approx([20.0, 20.0, 30.0, 30.0])
    assert result.points["spend"].tolist() == pytest.approx([4.0, 4.0, 6.0, 6.0])
    assert result.integer and frontier_drawstyle(result) == "steps-post"
    assert set(result.points["method"]) == {"mip"}  # each level a MIP of its own, as solve does


def test_the_lp_frontier_stays_a_line() -> None:
    from dataclasses import replace

    scenario = rounding_down()
    lp = replace(scenario, options=tuple(replace(o, whole=False) for o in scenario.options))
    result = sweep(lp, "budget_scale", [0.8, 1.0], solver="highs")
    assert result.points["score"].tolist() == pytest.approx([20.0, 25.0])
    assert frontier_drawstyle(result) == "default"


def test_tornado_moves_the_budget_by_whole_units() -> None:
    """Budget 5 -/+ 10 %: 4.5 and 5.5 both buy 2 whole units, score 20 at either end (the LP's
    would be 22.5 and 27.5)."""
    result = tornado(exact(rounding_down()), delta=0.1)
    budget = result.table[result.table["param"].str.contains("budget")].iloc[0]
    assert (budget["score_low"], budget["score_high"]) == pytest.approx((20.0, 20.0))


def test_each_integer_tornado_variant_starts_from_the_base_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """The base plan is 2 units of A; every variant's MIP starts from it, repaired to the variant's
    budgets (lp.rounding.repaired_start), not from its own LP plan (2.5 units at budget 5, other
    numbers elsewhere), nor the previous variant's plan, nor nothing."""
    from optimizer.lp import solve

    repaired = []

    def spy(scenario, model, values, *rest):  # noqa: ANN001, ANN002, ANN202 - a spy on repaired_start
        repaired.append(float(values[0]))
        return real(scenario, model, values, *rest)

    real = solve.repaired_start
    monkeypatch.setattr(solve, "repaired_start", spy)
    result = tornado(exact(rounding_down()), delta=0.1, workers=1, progress=False)
    # the base case first, from its own LP plan; then each variant from the base plan
    assert repaired == [2.5] + [pytest.approx(2.0)] * (2 * len(result.table))


def test_started_from_the_base_plan_the_integer_tornado_scores_as_a_cold_mip(solver: str) -> None:
    """Each side of each parameter scores what its MIP solved from scratch (phase 1 alone) does."""
    from optimizer.studies.variants import apply_param
    from optimizer.studies.warm import phase1_score

    scenario = exact(rounding_down())
    result = tornado(scenario, delta=0.3, solver=solver, workers=1, progress=False)
    for row in result.table.itertuples():
        for value, score in ((row.low_value, row.score_low), (row.high_value, row.score_high)):
            _, cold = phase1_score((apply_param(scenario, row.param, value), solver, None))
            assert score == pytest.approx(cold, abs=1e-9), (row.param, value)


def test_the_workbook_draws_the_integer_frontier_as_steps_over_a_helper_table(tmp_path) -> None:  # noqa: ANN001
    """Levels (4, 20), (5, 20), (6, 30), (7, 30): each point, then the next budget at its score,
    the last point alone. The chart is a scatter with straight lines over those corners."""
    import re
    import zipfile

    import openpyxl

    from optimizer.reports.study import write_study

    result = sweep(exact(rounding_down()), "budget_scale", [0.8, 1.0, 1.2, 1.4], solver="highs")
    path = write_study(result, tmp_path / "sweep.xlsx")
    sheet = openpyxl.load_workbook(path)["frontier"]
    label = next(
        r for r in range(1, sheet.max_row + 1) if str(sheet.cell(r, 1).value).startswith("Staircase")
    )
    assert [sheet.cell(label + 1, c).value for c in (1, 2)] == ["total_budget", "score"]
    corners = [(sheet.cell(r, 1).value, sheet.cell(r, 2).value) for r in range(label + 2, sheet.max_row + 1)]
    expected = [(4, 20), (5, 20), (5, 20), (6, 20), (6, 30), (7, 30), (7, 30)]
    assert corners == [pytest.approx(c) for c in expected]
    with zipfile.ZipFile(path) as book:
        xml = next(
            text
            for name in book.namelist()
            if name.startswith("xl/charts/") and "Budget frontier" in (text := book.read(name).decode())
        )
    assert "<c:scatterChart>" in xml and "<c:lineChart>" not in xml
    assert '<c:smooth val="1"/>' not in xml  # straight lines between the corners
    first, last = label + 2, label + 1 + len(expected)
    assert f"frontier!$A${first}:$A${last}" in xml and f"frontier!$B${first}:$B${last}" in xml
    assert re.search(r"<c:f>frontier!\$A\$2:\$A\$5</c:f>", xml)  # the solved levels, marked
