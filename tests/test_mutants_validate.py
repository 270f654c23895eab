"""What mutmut showed no test pinned in optimizer/io/validate.py: each setting's range at its
ends, the exact messages, and values the loader must carry over from the sheets.

Expected values are read off the bundled example's CSV files (inputs/example) and the ranges
of shared/workbook.md; the older tests compared a load with a `reference` made by the same
loader, so a column read as its default passed them.
"""

from __future__ import annotations

import pytest
from test_mutants_validation import checked, table
from test_pair_inputs import with_pairs
from test_validate import Inputs

from optimizer.io.validate import read_settings
from optimizer.scenario import Settings

KNOWN = "weakest_link, score_cap, score_periods, level_thresholds, currency, mip_gap, pair_weight"


def settings_of(*rows: tuple[object, object]) -> tuple[Settings | None, list[tuple]]:
    """Settings read from (key, value) rows (rows 2, 3, ...), and every problem found."""
    found: list[Settings] = []
    problems = checked(
        lambda check, t: found.append(read_settings(check, t)),
        table("settings", *({"key": k, "value": v} for k, v in rows)),
    )
    return (found[0] if not problems else None), problems


def test_the_ends_of_each_range_are_accepted() -> None:
    """weakest_link 0 and pair_weight 0 and 1 are in range (workbook.md: from 0 to 1); a score_cap
    of 0.5 is > 0; a blank key is skipped and the rows after it still read."""
    settings, problems = settings_of(
        (None, "ignored"), ("weakest_link", 0), ("score_cap", 0.5), ("pair_weight", 0), ("mip_gap", 0)
    )
    assert problems == []
    assert (settings.weakest_link, settings.score_cap, settings.pair_weight, settings.mip_gap) == (
        0.0,
        0.5,
        0.0,
        0.0,
    )
    settings, problems = settings_of(("pair_weight", 1), ("weakest_link", 1))
    assert problems == []
    assert (settings.pair_weight, settings.weakest_link) == (1.0, 1.0)


def test_currency_is_read_as_text_and_blank_text_is_none() -> None:
    assert settings_of(("currency", " EUR "))[0].currency == "EUR"
    assert settings_of(("currency", "   "))[0].currency == ""
    assert settings_of(("currency", None))[0].currency == Settings().currency


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("weakest_link", 1.5, "expected weakest_link from 0 to 1"),
        ("score_cap", 0, "expected score_cap > 0"),
        ("score_periods", "every", "expected score_periods 'final' or 'all'"),
        ("level_thresholds", "25,25,75", "expected three increasing numbers such as '25,50,75'"),
        ("mip_gap", 1, "expected mip_gap from 0 up to (not including) 1"),
        ("pair_weight", 1.5, "expected pair_weight from 0 to 1"),
        ("zzz", 1, f"expected a known setting (known: {KNOWN})"),
        ("weakest_lnk", 1, f"expected a known setting; did you mean 'weakest_link'? (known: {KNOWN})"),
    ],
)
def test_each_bad_setting_gets_its_own_message(key: str, value: object, expected: str) -> None:
    column = "key" if key in ("zzz", "weakest_lnk") else "value"
    shown = key if column == "key" else value
    assert settings_of((key, value))[1] == [(expected, 2, column, shown)]


def test_partners_and_options_carry_their_columns(inputs: Inputs) -> None:
    """From inputs/example: ALD has cost_factor 1.3 and effectiveness 1.1, MTT lag 1; a blank
    name reads as ''."""
    inputs.edit("partners", inputs.find_row("partners", partner="BRV"), "name", "")
    inputs.edit("options", inputs.find_row("options", option="LNO"), "name", "")
    scenario = inputs.load()
    partners = {p.id: p for p in scenario.partners}
    options = {o.id: o for o in scenario.options}
    assert (partners["ALD"].cost_factor, partners["ALD"].effectiveness) == (1.3, 1.1)
    assert (partners["ALD"].name, partners["BRV"].name) == ("Kingdom of Aldoria", "")
    assert (options["MTT"].lag, options["LNO"].lag) == (1, 0)
    assert options["LNO"].name == ""
    assert options["MTT"].name == "Mobile training team (train the trainers)"


@pytest.mark.parametrize(
    ("sheet", "column", "noun"),
    [("partners", "partner", "partner"), ("domains", "domain", "domain"), ("options", "option", "option")],
)
def test_a_repeated_identifier_is_named_by_what_it_is(
    inputs: Inputs, sheet: str, column: str, noun: str
) -> None:
    first = inputs.cell(sheet, 2, column)
    inputs.edit(sheet, 3, column, first)
    found = inputs.problem(sheet, 3, column, first)
    assert found.expected == f"expected each {noun} once (already in row 2)"


@pytest.mark.parametrize(
    ("sheet", "noun"), [("baseline", "partner and domain pair"), ("effects", "option and domain pair")]
)
def test_a_repeated_pair_is_named_by_what_it_is(inputs: Inputs, sheet: str, noun: str) -> None:
    row = inputs.copy_row(sheet, 2)
    found = inputs.problem(sheet, row, "domain")
    assert found.expected == f"expected each {noun} once (already in row 2)"


def test_a_negative_pair_gain_low_and_one_above_a_blank_pair_gain(inputs: Inputs) -> None:
    """pair_gain_low >= 0; a blank pair_gain is 0 for its bounds too (README), so a
    pair_gain_low of 0.5 under it lies above it."""
    inputs.add_column("effects", "pair_gain")
    inputs.add_column("effects", "pair_gain_low")
    inputs.edit("effects", 2, "pair_gain", "1")
    inputs.edit("effects", 2, "pair_gain_low", "-0.5")
    inputs.edit("effects", 3, "pair_gain_low", "0.5")
    problems = {(p.row, p.column): p.expected for p in inputs.problems() if p.sheet == "effects"}
    assert problems[2, "pair_gain_low"] == "expected a number >= 0"
    assert problems[3, "pair_gain_low"].startswith("expected pair_gain_low <= pair_gain")


def test_a_unit_cost_too_large_for_the_largest_cost_factor(inputs: Inputs) -> None:
    """The example's largest cost_factor is 1.4 (inputs/example/partners.csv): 1e12 x 1.4
    passes 1e12."""
    assert max(float(row[3]) for row in inputs.rows("partners")[1:] if row[3]) == 1.4
    inputs.edit("options", 2, "unit_cost", "1e12")
    found = inputs.problem("options", 2, "unit_cost", 1e12)
    assert found.expected == (
        "expected unit_cost x the largest partner cost_factor (1.4), the money per unit, to be at most 1e+12"
    )


def test_a_gain_too_large_for_the_largest_effectiveness(inputs: Inputs) -> None:
    largest = max(float(row[4]) for row in inputs.rows("partners")[1:] if row[4])
    inputs.edit("effects", 2, "gain", "1e12")
    found = inputs.problem("effects", 2, "gain", 1e12)
    assert found.expected == (
        f"expected gain x the largest partner effectiveness ({largest:g}), the readiness points per unit, "
        "to be at most 1e+12"
    )


def test_a_target_in_period_one_is_in_the_horizon(inputs: Inputs) -> None:
    """Periods run from 1 (the first budgets row): a target there is valid, one in 0 is not."""
    inputs.edit("targets", 2, "period", "1")
    assert any(t.period == 1 for t in inputs.load().targets)
    inputs.edit("targets", 2, "period", "0")
    assert inputs.problem("targets", 2, "period", 0).expected.startswith("expected a period from 1 to ")


def test_domains_effects_and_the_source_carry_their_columns(inputs: Inputs) -> None:
    """From inputs/example/domains.csv: C2 weighs 2 and INT 1.5; a pair gain's bounds typed in
    the effects sheet reach the Effect; the scenario names the folder it came from."""
    inputs.edit("domains", inputs.find_row("domains", domain="INT"), "name", "")
    for column, value in (("pair_gain", "2"), ("pair_gain_low", "1"), ("pair_gain_high", "4")):
        inputs.add_column("effects", column)
        inputs.edit("effects", 2, column, value)
    scenario = inputs.load()
    domains = {d.id: d for d in scenario.domains}
    assert (domains["C2"].weight, domains["INT"].weight) == (2.0, 1.5)
    assert (domains["C2"].name, domains["INT"].name) == ("Command, control and communications", "")
    effect = scenario.effects[0]
    assert (effect.pair_gain, effect.pair_gain_low, effect.pair_gain_high) == (2.0, 1.0, 4.0)
    assert scenario.source == str(inputs.folder)


def test_pairs_only_in_a_domain_of_zero_weight_are_refused(inputs: Inputs) -> None:
    """model.md normalises domain weights over the domains that have pairs: with every such
    domain at weight 0 there is nothing to divide by. MAR (weight 1 in inputs/example) is set
    to 0 and holds the one pair; a weight read as its default 1 would hide it."""
    inputs.edit("domains", inputs.find_row("domains", domain="MAR"), "weight", "0")
    with_pairs(inputs, ["ALD", "BRV", "MAR", "", ""])
    found = inputs.problem("pairs", None, "domain")
    assert found.expected == (
        "expected pairs in at least one domain of positive weight (domain weights of the domains "
        "with pairs are divided by their sum; listed: MAR)"
    )


def test_pairs_in_a_domain_of_blank_weight_count_it_as_one(inputs: Inputs) -> None:
    """workbook.md: a blank optional cell takes the default, and a domain's weight defaults to
    1 (model.md's table): MAR with a blank weight carries its pair and weighs 1."""
    inputs.edit("domains", inputs.find_row("domains", domain="MAR"), "weight", "")
    with_pairs(inputs, ["ALD", "BRV", "MAR", "", ""])
    scenario = inputs.load()
    assert {d.id: d.weight for d in scenario.domains}["MAR"] == 1.0
    assert [(p.partner_a, p.partner_b, p.domain) for p in scenario.pairs] == [("ALD", "BRV", "MAR")]


def test_option_types_are_offered_only_in_the_budgets_sheet(inputs: Inputs) -> None:
    """An unknown partners column is told the partners columns of workbook.md, not the option
    types that only budgets may name: 'trainng' gets no 'training' suggestion there."""
    inputs.add_column("partners", "trainng")
    found = inputs.problem("partners", 1, "trainng")
    assert found.expected == (
        "expected a known column name (unknown column; one of: partner, name, weight, cost_factor, "
        "effectiveness, max_spend; notes columns may be named 'notes', 'comment' or start with '#')"
    )
