"""Tornado: facts ranked by score swing, value judgements (weights, weakest link) apart, by the
money the plan moves (issue 14).

The two-by-two scenario: partners P1 (weight 1) and P2 (1.1), domains D1 (weight 1) and D2 (1.1),
baseline 0, weakest_link 0, one period, budget 5. A and B cost 1 a unit; A adds 10 points in D1,
B 10 in D2, to any partner. A unit's score is 10 x (its domain's weight) x (its partner's weight),
over the weights' sums: the best is all 5 units of B for P2 (1.1 x 1.1, every other pair scores
less). A weight moved by 20 % past 1.1 the other way flips the whole budget: D2 at 0.88 or D1 at
1.2 move the 5 units to A, P2 at 0.88 or P1 at 1.2 move them to P1. Money moved (model.md's
sum of c k |x - x_base|) is then 5 taken off (B, P2) plus 5 put on the new unit: 10, twice the
budget. The other side of each weight keeps the plan (0 moved); weakest_link 0 stays 0 both ways.
"""

from __future__ import annotations

import openpyxl
import pytest

from optimizer.reports.study import study_json, study_summary, write_study
from optimizer.scenario import Budget, Domain, Effect, Option, Partner, Scenario, Settings
from optimizer.studies.tornado import FACT, VALUE_JUDGEMENT, tornado


def two_by_two() -> Scenario:
    partners = (Partner("P1"), Partner("P2", weight=1.1))
    domains = (Domain("D1"), Domain("D2", weight=1.1))
    return Scenario(
        partners,
        domains,
        {(p.id, d.id): 0.0 for p in partners for d in domains},
        (Option("A", "training", 1.0), Option("B", "training", 1.0)),
        (Effect("A", "D1", 10.0), Effect("B", "D2", 10.0)),
        (Budget(1, 5.0),),
        settings=Settings(weakest_link=0.0),
    )


# param: (moved_low, moved_high), derived in the module docstring
MOVED = {
    "domain_weight:D1": (0.0, 10.0),
    "domain_weight:D2": (10.0, 0.0),
    "partner_weight:P1": (0.0, 10.0),
    "partner_weight:P2": (10.0, 0.0),
    "weakest_link": (0.0, 0.0),
}


@pytest.fixture(scope="module")
def result():
    return tornado(two_by_two(), delta=0.2, workers=1, progress=False)


def test_a_weight_that_flips_the_whole_budget_moves_it_off_and_on(result) -> None:
    judged = result.value_judgements
    moved = {r.param: (r.moved_low, r.moved_high) for r in judged.itertuples()}
    assert moved == {param: pytest.approx(sides, abs=1e-4) for param, sides in MOVED.items()}
    assert judged["money_moved"].tolist() == pytest.approx([10.0, 10.0, 10.0, 10.0, 0.0], abs=1e-4)
    assert judged["param"].iloc[-1] == "weakest_link"  # least money moved, last
    assert set(judged["kind"]) == {VALUE_JUDGEMENT}


def test_the_facts_rank_by_swing_without_the_weakest_link_or_any_weight(result) -> None:
    facts = result.facts
    assert set(facts["group"]) == {"budget", "unit_cost", "gain", "effectiveness"}
    assert "weakest_link" not in set(facts["param"]) and set(facts["kind"]) == {FACT}
    assert facts["swing"].is_monotonic_decreasing
    assert facts["money_moved"].isna().all()
    # the facts first, then the judgements, in the one table
    assert result.table["kind"].tolist() == [FACT] * len(facts) + [VALUE_JUDGEMENT] * len(MOVED)


def test_the_budget_swing_is_the_score_of_a_unit_of_b_for_p2(result) -> None:
    """Budget 4 and 6: 4 and 6 units of B for P2, each 10 x 1.1 x 1.1 / (2.1 x 2.1) points."""
    unit = 10 * 1.1 * 1.1 / 2.1**2
    budget = result.facts.set_index("param").loc["budget:1"]
    assert (budget["score_low"], budget["score_high"]) == pytest.approx((4 * unit, 6 * unit))
    assert result.base_score == pytest.approx(5 * unit)


def test_facts_and_judgements_are_two_sheets_two_charts_and_two_json_tables(result, tmp_path) -> None:
    path = write_study(result, tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(path)
    assert [len(book[s]._charts) for s in ("tornado", "value_judgements")] == [1, 1]
    judged = book["value_judgements"]
    headers = [c.value for c in judged[1]]
    assert "swing" not in headers and "money_moved" in headers
    assert "weakest_link" not in {c.value for c in book["tornado"]["C"]}  # the param column of the facts
    data = study_json(result)
    assert [r["param"] for r in data["tables"]["value_judgements"]] == list(MOVED)
    assert "weakest_link" not in {r["param"] for r in data["tables"]["tornado"]}
    text = study_summary(result)
    assert "Value judgements" in text and text.index("weakest link") > text.index("Value judgements")
