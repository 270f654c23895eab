"""Estimate ranges of an LP plan (studies.estimates): hand-solved cases and a plain reference.

One partner, one domain (comms), one period, baseline 0: the score is the partner's readiness
r = sum of gain * units (weakest link and average coincide), as long as r stays under the score
cap of 100. A "rate" is score points per unit of money, gain / unit cost. Each option's range
holds while the plan funds the same (option, partner, period) cells; ends are found to within
TOLERANCE (1e-3) of the value, on the side where the plan holds.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pandas as pd
import pytest
from test_scaling import money_times, readiness_times

from optimizer.lp.solve import optimise
from optimizer.scenario import Budget, Domain, Effect, Option, Partner, Scenario, Settings, Target
from optimizer.studies.estimates import AT_ZERO, CHANGES, NO_LIMIT, TOLERANCE
from optimizer.studies.ranging import sensitivity
from optimizer.studies.variants import with_gains, with_unit_cost


def two_options(max_units_a: float | None = None) -> Scenario:
    """A: unit cost 2, gain 4 (rate 2); B: unit cost 1, gain 1 (rate 1); budget 10."""
    return Scenario(
        partners=(Partner("P"),),
        domains=(Domain("comms"),),
        baseline={("P", "comms"): 0.0},
        options=(Option("A", "training", 2.0, max_units=max_units_a), Option("B", "training", 1.0)),
        effects=(Effect("A", "comms", 4.0), Effect("B", "comms", 1.0)),
        budgets=(Budget(1, 10.0),),
        settings=Settings(),
    )


def ranges(s: Scenario) -> dict[tuple[str, str], tuple[float, float, str, str]]:
    report = sensitivity(s)
    assert report.status == "optimal"
    return {
        (r.option, r.estimate): (r.low, r.high, r.low_end, r.high_end)
        for r in report.estimates.itertuples(index=False)
    }


def near(expected: float, value: float) -> object:
    """An end found within TOLERANCE of the estimate's value, inside the range."""
    return pytest.approx(expected, abs=TOLERANCE * value + 1e-9)


def test_the_better_rate_takes_all_the_money() -> None:
    """A alone is funded (5 units, r = 20) while gain_A / 2 > gain_B / 1 = 1, so A's gain may fall
    to gain_B * cost_A / cost_B = 2 and rise without limit (more gain only raises A's rate; the
    score cap is met at 20 and past it A still holds the plan alone); its unit cost may rise to
    gain_A * cost_B / gain_B = 4 and fall without limit. B is not funded: no row."""
    found = ranges(two_options())
    assert set(found) == {("A", "gain"), ("A", "unit_cost")}
    low, high, low_end, high_end = found["A", "gain"]
    assert low == near(2.0, 4.0) and low >= 2.0 and low_end == CHANGES
    assert math.isinf(high) and high_end == NO_LIMIT
    low, high, low_end, high_end = found["A", "unit_cost"]
    assert high == near(4.0, 2.0) and high <= 4.0 and high_end == CHANGES
    assert low == 0.0 and low_end == NO_LIMIT


def test_a_capped_option_leaves_money_to_the_next() -> None:
    """A capped at 3 units (6 of the 10) and B buys the 4 left: both funded.

    - A's gain: A keeps its 3 units while its rate gain_A / 2 > 1, low end 2; B keeps its cell
      while A's 3 units alone leave readiness under the score cap, 3 gain_A < 100: high end 100/3.
    - A's unit cost: B keeps its cell while money is left after A, 10 - 3 cost_A > 0: high end
      10/3 (before A's rate falls to B's at cost 4); low end none.
    - B's gain: B takes everything once gain_B / 1 > A's rate 2: high end 2 (a finite upper end
      set by A's cap); at gain 0 B still holds its money (nothing else can use it): low end 0.
    - B's unit cost: B takes everything once 1 / cost_B > 2: low end 0.5; high end none."""
    found = ranges(two_options(max_units_a=3.0))
    low, high, low_end, high_end = found["A", "gain"]
    assert low == near(2.0, 4.0) and low_end == CHANGES
    assert high == near(100 / 3, 4.0) and high <= 100 / 3 and high_end == CHANGES
    low, high, low_end, high_end = found["A", "unit_cost"]
    assert high == near(10 / 3, 2.0) and high <= 10 / 3 and high_end == CHANGES
    assert low == 0.0 and low_end == NO_LIMIT
    low, high, low_end, high_end = found["B", "gain"]
    assert high == near(2.0, 1.0) and high <= 2.0 and high_end == CHANGES
    assert low == 0.0 and low_end == AT_ZERO
    low, high, low_end, high_end = found["B", "unit_cost"]
    assert low == near(0.5, 1.0) and low >= 0.5 and low_end == CHANGES
    assert math.isinf(high) and high_end == NO_LIMIT


def funded(s: Scenario) -> set[tuple[str, str, int]]:
    """The plain reference: the cells funded by `optimise`, solved from scratch."""
    optimum = optimise(s)
    assert optimum.status == "optimal"
    o, p, t = (optimum.units > 1e-7).nonzero()
    return {(s.options[a].id, s.partners[b].id, int(c) + 1) for a, b, c in zip(o, p, t, strict=True)}


def changed(s: Scenario, option: str, estimate: str, value: float) -> Scenario:
    if estimate == "unit_cost":
        return with_unit_cost(s, option, value)
    return with_gains(s, [value if e.option == option else e.gain for e in s.effects])


@pytest.mark.parametrize("cap", [None, 3.0])
def test_each_end_against_cold_solves(cap: float | None) -> None:
    """Just inside each end found (1 % of the value) a cold solve funds the plan's cells; just
    outside (1 % past it, so past the true end too) it funds other cells."""
    s = two_options(max_units_a=cap)
    base = funded(s)
    report = sensitivity(s)
    checked = 0
    for r in report.estimates.itertuples(index=False):
        step = 0.01 * r.value
        for end, way, how in ((r.low, -1, r.low_end), (r.high, +1, r.high_end)):
            if how != CHANGES:
                continue
            assert funded(changed(s, r.option, r.estimate, end - way * step)) == base, (r, way)
            assert funded(changed(s, r.option, r.estimate, end + way * step)) != base, (r, way)
            checked += 1
    assert checked == (2 if cap is None else 5)


def test_whole_options_are_said_not_ranged() -> None:
    """An integer plan: the LP with its exercises held; a whole option gets no row, and the first
    sentence says estimate ranges are for LP plans. B (fractional) still gets its rows."""
    s = two_options(max_units_a=3.0)
    s = replace(s, options=(replace(s.options[0], whole=True), s.options[1]))
    report = sensitivity(s)
    assert set(report.estimates["option"]) == {"B"}
    assert "for LP plans" in report.estimate_sentences[0]
    assert all(t.startswith("Given the plan's exercises") for t in report.estimate_sentences[1:])


def test_an_infeasible_scenario_has_a_sentence_and_no_table() -> None:
    s = replace(two_options(), targets=(Target("P", "comms", 1, 99.0),))
    report = sensitivity(s)
    assert report.estimates.empty
    assert len(report.estimate_sentences) == 1
    assert report.estimate_sentences[0].startswith("No estimate ranges: the scenario is infeasible")


def test_sentences_in_the_style_of_the_issue() -> None:
    report = sensitivity(two_options(max_units_a=3.0))
    text = " ".join(report.estimate_sentences)
    assert (
        "B stays in the plan, funding the same cells, while its gain in comms is at most 2 (now 1)." in text
    )
    assert (
        "A stays in the plan, funding the same cells, while its unit cost is at most 3.332 (now 2)." in text
    )


@pytest.mark.slow
def test_the_sheet_and_the_sentence_reach_the_reports(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Through the CLI on the bundled example: an estimate_ranges sheet in the workbook, the same
    records in the JSON on standard output, and sentences in the HTML."""
    from openpyxl import load_workbook

    from optimizer.cli import main

    result = runner.invoke(main, ["sensitivity", "-o", "s.xlsx", "--html", "s.html", "--json"])
    assert result.exit_code == 0, result.output
    sheet = load_workbook("s.xlsx")["estimate_ranges"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:6] == ["option", "domain", "estimate", "value", "low", "high"]
    assert sheet.max_row > 1
    html = (tmp_path / "s.html").read_text()
    assert "stays in the plan, funding the same cells, while its gain in" in html
    data = json.loads(result.stdout)
    assert len(data["tables"]["estimate_ranges"]) == sheet.max_row - 1
    assert data["estimate_sentences"]


def test_without_warm_re_solves_or_when_not_asked_a_sentence_says_so() -> None:
    for report, why in (
        (sensitivity(two_options(), solver="cbc"), "not with CBC"),
        (sensitivity(two_options(), estimates=False), "not asked for"),
    ):
        assert report.estimates.empty
        assert len(report.estimate_sentences) == 1 and why in report.estimate_sentences[0]


@pytest.mark.slow
def test_the_flag_leaves_the_sheet_out(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from optimizer.cli import main

    result = runner.invoke(main, ["sensitivity", "--no-estimate-ranges", "-o", "s.json"])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "s.json").read_text())
    assert "estimate_ranges" not in data["tables"]
    assert data["estimate_sentences"] == ["No estimate ranges: not asked for."]


def test_a_range_of_the_value_alone_is_said_to_be_a_tie() -> None:
    """Both ends at the value (large preset: many such): no 'between 4.58 and 4.58'."""
    from optimizer.studies.estimates import ESTIMATE_COLUMNS, estimate_sentences

    table = pd.DataFrame(
        [("O9", "", "unit_cost", 4.58, 4.58, 4.58, CHANGES, CHANGES, 14)], columns=ESTIMATE_COLUMNS
    )
    assert estimate_sentences(table, "USD M") == [
        "Any change of O9's unit cost (now 4.58 USD M) changes the cells the plan funds: "
        "a tie with another plan of the same score."
    ]


def test_ranges_do_not_depend_on_units() -> None:
    """The first case with readiness in units of 1e-8 and money in units of 1e8: HiGHS sees both
    scaled back to unit magnitude (lp.scaling), so the ends are the hand-derived ones in the new
    units: A's gain down to 2e-8, its unit cost up to 4e8."""
    found = ranges(money_times(readiness_times(two_options(), 1e-8), 1e8))
    low, high, low_end, _ = found["A", "gain"]
    assert low == pytest.approx(2e-8, rel=TOLERANCE * 2) and low >= 2e-8 * (1 - 1e-12)
    assert low_end == CHANGES and math.isinf(high)
    low, high, _, high_end = found["A", "unit_cost"]
    assert high == pytest.approx(4e8, rel=TOLERANCE) and high_end == CHANGES
