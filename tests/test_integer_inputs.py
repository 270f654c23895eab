"""Reading options.whole, options.min_units, options.setup_cost and the setting mip_gap.

Each broken cell is located like every other input problem (file, sheet, row, column, value,
expectation); the example, which uses none of them, loads with the defaults. Uses the Inputs
helper of test_validate, which copies inputs/example/ and edits it with the csv module
(fixtures `inputs` and `both`, in conftest).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from test_validate import Inputs

from optimizer.io.template import scenario_tables, write_scenario
from optimizer.io.validate import load_scenario


def with_lump_columns(inputs: Inputs) -> None:
    for column in ("whole", "min_units", "setup_cost"):
        inputs.add_column("options", column)


def test_without_the_new_columns_every_option_is_continuous_with_no_lot_and_no_set_up(both: Inputs) -> None:
    scenario = both.load()
    assert not scenario.integer
    assert {(o.whole, o.min_units, o.setup_cost) for o in scenario.options} == {(False, 0.0, 0.0)}
    assert scenario.settings.mip_gap == 1e-4


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ("yes", True),
        ("YES", True),
        ("True", True),
        ("1", True),
        ("no", False),
        ("FALSE", False),
        ("0", False),
    ],
)
def test_whole_reads_yes_no_true_false_one_zero_in_any_case(both: Inputs, text: str, whole: bool) -> None:
    with_lump_columns(both)
    both.edit("options", 3, "whole", text)
    scenario = both.load()
    assert scenario.options[1].whole is whole
    assert not scenario.options[0].whole  # blank is no


def test_a_whole_value_that_is_not_yes_or_no_is_located(both: Inputs) -> None:
    with_lump_columns(both)
    both.edit("options", 4, "whole", "maybe")
    both.problem("options", 4, "whole", "maybe", "expected yes or no")


def test_lot_size_and_set_up_cost_are_read(inputs: Inputs) -> None:
    with_lump_columns(inputs)
    inputs.edit("options", 3, "min_units", "1")  # max_units of this row is 1: equal is fine
    inputs.edit("options", 3, "setup_cost", "2.5")
    option = inputs.load().options[1]
    assert (option.min_units, option.setup_cost, option.max_units) == (1.0, 2.5, 1.0)
    assert option.lumpy and inputs.load().integer


def test_a_lot_size_above_max_units_is_located(both: Inputs) -> None:
    with_lump_columns(both)
    assert both.cell("options", 2, "max_units") == "2"
    both.edit("options", 2, "min_units", "3")
    both.problem("options", 2, "min_units", 3.0, "expected min_units <= max_units (2)")


def test_a_lot_size_without_max_units_is_not_capped(inputs: Inputs) -> None:
    with_lump_columns(inputs)
    inputs.edit("options", 2, "max_units", "")
    inputs.edit("options", 2, "min_units", "30")
    assert inputs.load().options[0].min_units == 30


@pytest.mark.parametrize(("column", "bad"), [("setup_cost", "-1"), ("min_units", "-0.5")])
def test_a_negative_set_up_cost_or_lot_size_is_located(both: Inputs, column: str, bad: str) -> None:
    with_lump_columns(both)
    both.edit("options", 5, column, bad)
    both.problem("options", 5, column, float(bad), "expected a number >= 0")


def test_a_set_up_cost_that_is_not_money_is_located(inputs: Inputs) -> None:
    with_lump_columns(inputs)
    inputs.edit("options", 5, "setup_cost", "a lot")
    inputs.problem("options", 5, "setup_cost", "a lot", "expected a number")


def test_a_misspelt_set_up_column_suggests_the_name(inputs: Inputs) -> None:
    inputs.add_column("options", "setup_costs", "3")
    inputs.problem("options", 1, "setup_costs", "setup_costs", "did you mean 'setup_cost'?")


@pytest.mark.parametrize(("text", "gap"), [("0", 0.0), ("0.01", 0.01), ("", 1e-4), ("0.999", 0.999)])
def test_mip_gap_is_read(inputs: Inputs, text: str, gap: float) -> None:
    inputs.add_row("settings", key="mip_gap", value=text)
    assert inputs.load().settings.mip_gap == gap


@pytest.mark.parametrize("text", ["1", "-0.1", "1.5", "small", "nan"])
def test_a_bad_mip_gap_is_located(inputs: Inputs, text: str) -> None:
    row = inputs.add_row("settings", key="mip_gap", value=text)
    inputs.problem("settings", row, "value", text, "expected mip_gap from 0 up to (not including) 1")


def test_an_integer_scenario_reads_back_as_written(tmp_path: Path, inputs: Inputs) -> None:
    scenario = inputs.load()
    options = list(scenario.options)
    options[0] = dataclasses.replace(options[0], whole=True, min_units=1.5, setup_cost=4.0)
    options[2] = dataclasses.replace(options[2], setup_cost=0.25)
    lumpy = dataclasses.replace(scenario, options=tuple(options)).with_settings(mip_gap=0.02)
    for target in (tmp_path / "written.xlsx", tmp_path / "written"):
        write_scenario(lumpy, target)
        assert load_scenario(target) == lumpy


def test_a_scenario_without_lumps_is_written_without_the_new_columns(inputs: Inputs) -> None:
    tables = {t.sheet: t for t in scenario_tables(inputs.load())}
    assert tables["options"].header == ["option", "type", "unit_cost", "name", "max_units", "lag", "partners"]
    assert "mip_gap" not in [row[0] for row in tables["settings"].rows]
