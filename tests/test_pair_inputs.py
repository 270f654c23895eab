"""Reading the pairs sheet, effects.pair_gain and the setting pair_weight (workbook.md).

Each broken cell is located like every other input problem; the example, which has no pairs
sheet, loads as before with pair_weight 0. Uses the Inputs helper of test_validate (a copy of
inputs/example/ edited with the csv module), in both CSV and workbook form.
"""

from __future__ import annotations

from pathlib import Path

from test_validate import Inputs

from optimizer.io.template import write_scenario
from optimizer.io.validate import load_scenario
from optimizer.scenario import Pair

PAIRS_HEADER = ["partner_a", "partner_b", "domain", "score", "weight"]


def with_pairs(inputs: Inputs, *rows: list[str]) -> None:
    inputs.write("pairs", [PAIRS_HEADER, *rows])


def test_without_a_pairs_sheet_there_are_no_pairs_and_no_pair_share(both: Inputs) -> None:
    scenario = both.load()
    assert scenario.pairs == ()
    assert scenario.pair_weight == 0.0
    assert {e.pair_gain for e in scenario.effects} == {0.0}


def test_pairs_read_with_blank_score_as_the_weaker_baseline_and_star_as_every_domain(both: Inputs) -> None:
    # baseline.csv: ALD MAR 72, BRV MAR 66; every one of the 7 domains for ALD-CAS
    with_pairs(both, ["ALD", "BRV", "MAR", "", "2"], ["CAS", "ALD", "*", "40", ""])
    both.add_column("effects", "pair_gain")
    both.edit("effects", 2, "pair_gain", "3")
    scenario = both.load()
    assert scenario.pairs[0] == Pair("ALD", "BRV", "MAR", 66.0, 2.0)
    assert [p.domain for p in scenario.pairs[1:]] == ["C2", "INT", "LOG", "MAR", "AIR", "LND", "CYB"]
    assert {(p.partner_a, p.partner_b, p.score, p.weight) for p in scenario.pairs[1:]} == {
        ("CAS", "ALD", 40.0, 1.0)
    }
    assert scenario.pair_weight == 0.5  # the default with a pairs sheet
    assert scenario.effects[0].pair_gain == 3.0


def test_pair_weight_setting_is_read(both: Inputs) -> None:
    with_pairs(both, ["ALD", "BRV", "MAR", "", ""])
    both.add_row("settings", key="pair_weight", value="0.2")
    assert both.load().pair_weight == 0.2


def test_a_partner_paired_with_itself(both: Inputs) -> None:
    with_pairs(both, ["ALD", "ALD", "MAR", "", ""])
    both.problem("pairs", 2, "partner_b", "ALD", "a partner other than partner_a 'ALD'")


def test_a_pair_listed_twice_and_a_b_with_b_a(both: Inputs) -> None:
    with_pairs(both, ["ALD", "BRV", "MAR", "", ""], ["ALD", "BRV", "MAR", "", ""])
    both.problem("pairs", 3, "partner_b", "ALD, BRV", "once per domain (already in row 2")
    with_pairs(both, ["ALD", "BRV", "*", "", ""], ["BRV", "ALD", "LND", "", ""])
    found = both.problem("pairs", 3, "partner_b", "BRV, ALD", "already in row 2 for domain 'LND'")
    assert "BRV-ALD and ALD-BRV are the same pair" in found.expected


def test_unknown_partner_and_domain_suggest_the_nearest(both: Inputs) -> None:
    with_pairs(both, ["ALDD", "BRV", "MAR", "", ""], ["ALD", "BRV", "MRA", "", ""])
    both.problem("pairs", 2, "partner_a", "ALDD", "a partner of the partners sheet; did you mean 'ALD'?")
    both.problem("pairs", 3, "domain", "MRA", "a domain of the domains sheet; did you mean 'MAR'?")


def test_score_out_of_range_and_negative_weight(both: Inputs) -> None:
    with_pairs(both, ["ALD", "BRV", "MAR", "120", "-1"])
    both.problem("pairs", 2, "score", 120, "from 0 to 100")
    both.problem("pairs", 2, "weight", -1, ">= 0")


def test_weights_all_zero_in_a_domain(both: Inputs) -> None:
    with_pairs(
        both, ["ALD", "BRV", "MAR", "", "0"], ["ALD", "CAS", "MAR", "", "0"], ["ALD", "CAS", "LND", "", ""]
    )
    both.problem("pairs", 2, "weight", 0, "positive weight for at least one pair of domain 'MAR'")


def test_negative_pair_gain_and_pair_weight_out_of_range(both: Inputs) -> None:
    with_pairs(both, ["ALD", "BRV", "MAR", "", ""])
    both.add_column("effects", "pair_gain")
    both.edit("effects", 2, "pair_gain", "-2")
    row = both.add_row("settings", key="pair_weight", value="1.5")
    both.problem("effects", 2, "pair_gain", -2, ">= 0")
    both.problem("settings", row, "value", "1.5", "pair_weight from 0 to 1")


def test_a_positive_pair_weight_without_pairs_is_an_error(both: Inputs) -> None:
    row = both.add_row("settings", key="pair_weight", value="0.3")
    both.problem("settings", row, "value", "0.3", "without a pairs sheet")


def test_pairs_round_trip_through_the_writer(tmp_path: Path) -> None:
    inputs = Inputs(tmp_path, "csv")
    with_pairs(inputs, ["ALD", "BRV", "MAR", "50", "2"], ["CAS", "DRM", "LND", "", ""])
    inputs.add_column("effects", "pair_gain")
    inputs.edit("effects", 3, "pair_gain", "1.5")
    inputs.add_row("settings", key="pair_weight", value="0.4")
    scenario = inputs.load()
    for target in (tmp_path / "again.xlsx", tmp_path / "again"):
        write_scenario(scenario, target)
        assert load_scenario(target) == scenario
