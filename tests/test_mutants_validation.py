"""Validation details that mutmut showed no test pinned: how a cell is typed, where each
limit starts, and the exact problem each named check adds (expected values from the rules
of shared/workbook.md and model.md, worked out by hand)."""

from __future__ import annotations

import pytest

from optimizer.errors import Problem
from optimizer.io.checks import (
    check_baseline_complete,
    check_gain_bounds,
    check_lot_sizes,
    check_pair_rows,
    check_pair_weight_has_pairs,
    check_pair_weights,
    check_periods,
    check_positive_sum,
    check_products,
    check_range,
    check_reference,
    check_unique,
    expand_pairs,
)
from optimizer.io.schema import SHEETS_BY_NAME, Column
from optimizer.io.sheets import RawTable
from optimizer.io.tables import Checker, Row, Table, as_number, as_text, default, read_table, typed
from optimizer.scenario import Pair, Settings


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (None, None),
        (True, "TRUE"),
        (False, "FALSE"),
        (3.0, "3"),
        (2.5, "2.5"),
        ("  ALD ", "ALD"),
        ("   ", None),
    ],
)
def test_a_cell_read_as_an_identifier(cell: object, text: str | None) -> None:
    assert as_text(cell) == text


@pytest.mark.parametrize(
    ("cell", "number"),
    [(True, None), (4, 4.0), ("2.5", 2.5), ("1_000", None), ("inf", None), ("nan", None), ("x", None)],
)
def test_a_cell_read_as_a_number(cell: object, number: float | None) -> None:
    assert as_number(cell) == number


def column(kind: str) -> Column:
    return Column("c", kind, False, "")


@pytest.mark.parametrize(
    ("cell", "kind", "expected"),
    [
        ("A" * 255, "id", ("A" * 255, None)),
        ("A" * 256, "id", (None, "expected an identifier of at most 255 characters")),
        (
            "A,B",
            "id",
            (None, "expected an identifier without commas (options.partners separates ids by commas)"),
        ),
        ("A, B", "id_list", (("A", "B"), None)),
        ("A,,B", "id_list", (("A", "B"), "expected a comma-separated list of identifiers")),
        ("Yes", "yes_no", (True, None)),
        ("0", "yes_no", (False, None)),
        ("maybe", "yes_no", (None, "expected yes or no (or true/false, 1/0)")),
        (1e12, "number", (1e12, None)),
        (-1e12, "number", (-1e12, None)),
        (1.5e12, "number", (None, "expected a number of at most 1e+12 in size")),
        (-1.5e12, "number", (None, "expected a number of at most 1e+12 in size")),
        ("x", "number", (None, "expected a number")),
        (3.0, "integer", (3, None)),
        (2.5, "integer", (None, "expected a whole number")),
        (2.5, "period", (None, "expected a period number (1, 2, ...)")),
        ("*", "period", (None, "expected a period number (1, 2, ...)")),
    ],
)
def test_a_cell_typed_by_its_column(cell: object, kind: str, expected: tuple[object, str | None]) -> None:
    assert typed(cell, column(kind), allow_every=False) == expected


def test_every_is_a_value_only_where_allowed() -> None:
    assert typed("*", column("period"), allow_every=True) == ("*", None)


def raw(sheet: str, headers: tuple[str, ...], *rows: tuple[object, ...]) -> RawTable:
    return RawTable("f.csv", sheet, headers, tuple((i + 2, cells) for i, cells in enumerate(rows)))


def problems(table: RawTable, extra: tuple[str, ...] = ()) -> tuple[Table, list[Problem]]:
    check = Checker()
    read = read_table(table, SHEETS_BY_NAME[table.sheet], extra, check)
    return read, check.problems


def test_a_domains_sheet_read_cell_by_cell() -> None:
    """Headers are matched without case or spaces; a notes column is skipped; a short row is
    blank where it ends."""
    table, found = problems(raw("domains", (" Domain", "NOTES", "weight"), ("C2", "x", 2.0), ("LOG", "y")))
    assert found == []
    assert [(r.number, r.values) for r in table.rows] == [
        (2, {"domain": "C2", "weight": 2.0}),
        (3, {"domain": "LOG", "weight": None}),
    ]


def test_the_problems_of_a_domains_sheet_with_bad_headers() -> None:
    """A value under a blank header; weight twice; 'wieght' unknown (nearest 'weight'); the
    required domain blank in row 2 and its column missing altogether from a sheet without it."""
    _, found = problems(raw("domains", ("domain", "", "weight", "weight", "wieght"), (None, 5.0, 1.0)))
    assert found == [
        Problem("f.csv", "expected a column name in row 1 above values", "domains", 1, "#2"),
        Problem("f.csv", "expected each column once", "domains", 1, "weight", "weight"),
        Problem(
            "f.csv",
            "expected a known column name; did you mean 'weight'? (unknown column; one of: domain, name, "
            "weight; notes columns may be named 'notes', 'comment' or start with '#')",
            "domains",
            1,
            "wieght",
            "wieght",
        ),
        Problem(
            "f.csv", "expected a value (Short identifier, unique (text, e.g. C2).)", "domains", 2, "domain"
        ),
    ]
    _, found = problems(raw("domains", ("weight",), (1.0,)))
    assert found == [
        Problem("f.csv", "expected a column named 'domain' (required, missing)", "domains", 1, "domain")
    ]


def test_a_blank_header_above_nothing_is_no_problem() -> None:
    _, found = problems(raw("domains", ("domain", "", "weight"), ("C2",), ("LOG", None, 1.0)))
    assert found == []


def test_budgets_take_option_types_as_columns() -> None:
    """budgets' open columns: a type of the options sheet is a number column; anything else
    is unknown and the message lists the types too."""
    table, found = problems(
        raw("budgets", ("period", "budget", "training", "other"), (1, 10.0, "4", None)), extra=("training",)
    )
    assert table.extra == ["training"]
    assert table.rows[0].values["training"] == 4.0
    assert [p.column for p in found] == ["other"]
    assert found[0].expected == (
        "expected a known column name (unknown column; an option type or one of: period, budget, "
        "training; notes columns may be named 'notes', 'comment' or start with '#')"
    )


def test_a_star_is_read_only_in_the_partner_domain_and_period_of_targets() -> None:
    table, found = problems(
        raw("targets", ("partner", "domain", "period", "min_score"), ("*", "*", "*", 10.0))
    )
    assert found == []
    assert table.rows[0].values == {"partner": "*", "domain": "*", "period": "*", "min_score": 10.0}
    _, found = problems(raw("baseline", ("partner", "domain", "score"), ("A", "D", "*")))
    assert [(p.column, p.expected) for p in found] == [("score", "expected a number")]
    _, found = problems(raw("budgets", ("period", "budget"), ("*", 1.0)))
    assert [(p.column, p.expected) for p in found] == [("period", "expected a period number (1, 2, ...)")]


def test_a_default_applies_only_to_a_blank() -> None:
    row = Row(2, {"weight": 0.0, "lag": None})
    assert (default(row, "weight", 1.0), default(row, "lag", 3.0), default(row, "gone", 5.0)) == (
        0.0,
        3.0,
        5.0,
    )


# --- the named checks ---------------------------------------------------------------------


def table(sheet: str, *rows: dict[str, object]) -> Table:
    return Table("f.csv", sheet, [Row(i + 2, values) for i, values in enumerate(rows)])


def checked(run, *args: object) -> list[tuple[str, int | None, str | None, object]]:
    """(expected, row, column, value) of every problem `run(check, *args)` adds."""
    check = Checker()
    run(check, *args)
    return [(p.expected, p.row, p.column, p.value) for p in check.problems]


def test_a_range_includes_its_ends_unless_strict() -> None:
    weights = table("partners", {"w": -0.5}, {"w": 0.0}, {"w": 100.0}, {"w": 100.5}, {"w": True}, {"w": None})
    assert checked(check_range, weights, "w", 0) == [("expected a number >= 0", 2, "w", -0.5)]
    assert checked(check_range, weights, "w", 0, 100) == [
        ("expected a number from 0 to 100", 2, "w", -0.5),
        ("expected a number from 0 to 100", 5, "w", 100.5),
    ]
    assert checked(check_range, weights, "w", 0, None, True) == [
        ("expected a number > 0", 2, "w", -0.5),
        ("expected a number > 0", 3, "w", 0.0),
    ]


def test_a_repeated_key_names_the_row_it_repeats() -> None:
    rows = table(
        "baseline", {"p": "A", "d": "D"}, {"p": "A", "d": None}, {"p": "A", "d": "D"}, {"p": "A", "d": "D"}
    )
    assert checked(check_unique, rows, ("p", "d"), "pair") == [
        ("expected each pair once (already in row 2)", 4, "d", "A, D"),
        ("expected each pair once (already in row 2)", 5, "d", "A, D"),
    ]
    assert checked(check_unique, table("partners", {"p": "A"}, {"p": "A"}), ("p",), "partner") == [
        ("expected each partner once (already in row 2)", 3, "p", "A")
    ]


def test_an_unknown_reference_with_and_without_a_near_name() -> None:
    rows = table("effects", {"o": "EXX"}, {"o": "ZZZ"}, {"o": ("EX", "QQ")}, {"o": "*"}, {"o": None})
    assert checked(check_reference, rows, "o", ["EX"], "option") == [
        ("expected an option of the options sheet; did you mean 'EX'?", 2, "o", "EXX"),
        ("expected an option of the options sheet", 3, "o", "ZZZ"),
        ("expected an option of the options sheet", 4, "o", "QQ"),
        ("expected an option of the options sheet", 5, "o", "*"),
    ]
    assert checked(check_reference, rows, "o", ["EX"], "partner", True)[-1] == (
        "expected a partner of the partners sheet",
        4,
        "o",
        "QQ",
    )


def test_weights_need_a_row_and_a_positive_sum() -> None:
    assert checked(check_positive_sum, table("domains"), "weight") == [
        ("expected at least one domain row", None, None, None)
    ]
    zero = ("expected at least one positive weight (weights are divided by their sum)", None, "weight", None)
    assert checked(check_positive_sum, table("domains", {"weight": 0.0}, {"weight": 0.0}), "weight") == [zero]
    assert checked(check_positive_sum, table("domains", {"weight": 0.0}, {"weight": None}), "weight") == []
    assert checked(check_positive_sum, table("domains", {"weight": 0.0}, {"weight": 1e-9}), "weight") == []


def test_a_product_with_the_largest_partner_factor_is_capped() -> None:
    """Largest |effectiveness| 4 (of 2, -4, a blank and True, which is no number): a gain of
    2.5e11 makes 1e12, at the limit; 3e11 makes 1.2e12, over it."""
    partners = table("partners", {"e": 2.0}, {"e": -4.0}, {"e": None}, {"e": True})
    gains = table("effects", {"gain": 2.5e11}, {"gain": -3e11}, {"gain": True})
    words = "expected gain x the largest partner e (4), the points, to be at most 1e+12"
    assert checked(check_products, gains, "gain", partners, "e", "points") == [(words, 3, "gain", -3e11)]
    words = "expected gain x the largest partner e (1), the points, to be at most 1e+12"
    over = table("effects", {"gain": 1.5e12})
    assert checked(check_products, over, "gain", table("partners", {"e": 0.5}), "e", "points") == [
        (words, 2, "gain", 1.5e12)
    ]


def test_every_missing_baseline_is_named_up_to_twenty() -> None:
    have = table("baseline", {"partner": "P0", "domain": "D"})
    partners = [f"P{i}" for i in range(23)]
    found = checked(check_baseline_complete, have, partners, ["D"])
    assert len(found) == 21
    assert found[0] == (
        "expected a row for partner 'P1' and domain 'D' (missing: every pair needs a baseline)",
        None,
        None,
        None,
    )
    assert found[-1][0] == "expected rows for 2 more partner and domain pairs (no baseline)"
    assert len(checked(check_baseline_complete, have, partners[:21], ["D"])) == 20
    assert checked(check_baseline_complete, have, partners[:22], ["D"])[-1][0] == (
        "expected rows for 1 more partner and domain pairs (no baseline)"
    )


def test_gain_bounds_and_lot_sizes_may_be_equal() -> None:
    effects = table(
        "effects",
        {"gain": 2.0, "gain_low": 2.0, "gain_high": 2.0},
        {"gain": 2.0, "gain_low": 3.0, "gain_high": 1.0},
    )
    assert checked(check_gain_bounds, effects) == [
        ("expected gain_low <= gain (2)", 3, "gain_low", 3.0),
        ("expected gain_high >= gain (2)", 3, "gain_high", 1.0),
    ]
    options = table("options", {"min_units": 2.0, "max_units": 2.0}, {"min_units": 3.0, "max_units": 2.0})
    assert checked(check_lot_sizes, options) == [("expected min_units <= max_units (2)", 3, "min_units", 3.0)]


def test_periods_run_from_one_to_the_number_of_rows() -> None:
    assert checked(check_periods, table("budgets")) == [
        ("expected at least one period row", None, None, None)
    ]
    periods = table("budgets", {"period": 1}, {"period": None}, {"period": 3}, {"period": 0}, {"period": 1})
    assert checked(check_periods, periods) == [
        ("expected a period from 1 to 5 (one row per period, no gap)", 5, "period", 0),
        ("expected each period once (already in row 2)", 6, "period", 1),
    ]


# --- pairs --------------------------------------------------------------------------------


def pair(a: str | None, b: str | None, domain: str | None, **more: object) -> dict[str, object]:
    return {"partner_a": a, "partner_b": b, "domain": domain, **more}


def test_the_problems_of_a_pairs_sheet_in_the_order_they_are_found() -> None:
    """References, then ranges, then each row against those before it: B-A repeats A-B of
    row 2; A-A is no pair; A-B in '*' repeats row 2 in C2 (and stops there, LOG unreported)."""
    pairs = table(
        "pairs",
        pair("A", "B", "C2"),
        pair("B", "A", "C2"),
        pair("A", "A", "C2"),
        pair("A", "B", "*"),
        pair("A", "C", "LOG", score=120.0, weight=-1.0),
        pair("A", None, "LOG"),
        pair(None, "B", "LOG"),
        pair(None, "B", "LOG"),
        pair("A", None, "LOG"),  # rows with a blank are skipped, never repeats of each other
        pair("A", "C", "LOG"),
    )
    assert checked(check_pair_rows, pairs, ["A", "B"], ["C2", "LOG"], 100.0) == [
        ("expected a partner of the partners sheet", 6, "partner_b", "C"),
        ("expected a partner of the partners sheet", 11, "partner_b", "C"),
        ("expected a number from 0 to 100", 6, "score", 120.0),
        ("expected a number >= 0", 6, "weight", -1.0),
        (
            "expected each pair once per domain (already in row 2 for domain 'C2'; "
            "B-A and A-B are the same pair)",
            3,
            "partner_b",
            "B, A",
        ),
        ("expected a partner other than partner_a 'A' (a pair of two)", 4, "partner_b", "A"),
        ("expected each pair once per domain (already in row 2 for domain 'C2')", 5, "partner_b", "A, B"),
        ("expected each pair once per domain (already in row 6 for domain 'LOG')", 11, "partner_b", "A, C"),
    ]


def test_a_pair_row_names_a_pair_per_domain_with_the_weaker_baseline_by_default() -> None:
    """A at 10 and 40, B at 30 and 20 in C2 and LOG: A-B in '*' starts at 10 and 20, weight 1."""
    baseline = {("A", "C2"): 10.0, ("A", "LOG"): 40.0, ("B", "C2"): 30.0, ("B", "LOG"): 20.0}
    rows = table(
        "pairs", pair("A", "B", "*", score=None, weight=None), pair("B", "A", "C2", score=5.0, weight=2.0)
    )
    assert expand_pairs(rows, baseline, ["C2", "LOG"]) == [
        (Pair("A", "B", "C2", 10.0, 1.0), 2),
        (Pair("A", "B", "LOG", 20.0, 1.0), 2),
        (Pair("B", "A", "C2", 5.0, 2.0), 3),
    ]
    assert expand_pairs(None, baseline, ["C2"]) == []


def test_pair_weights_and_the_domains_with_pairs_need_a_positive_sum() -> None:
    """C2's one pair weighs 0: its weights cannot be divided by their sum. With pair weights of
    1, domain weights of 0 in every domain with pairs cannot be either."""
    pairs = [(Pair("A", "B", "C2", 0.0, 0.0), 2), (Pair("A", "B", "LOG", 0.0, 1.0), 3)]
    sheet = table("pairs")
    assert checked(check_pair_weights, sheet, pairs, {"C2": 1.0, "LOG": 1.0}) == [
        (
            "expected a positive weight for at least one pair of domain 'C2' "
            "(pair weights are divided by their sum in each domain)",
            2,
            "weight",
            0.0,
        )
    ]
    weighted = [(Pair("A", "B", "C2", 0.0, 1.0), 2), *pairs[1:]]
    assert checked(check_pair_weights, sheet, weighted, {"C2": 0.0, "LOG": 0.0, "X": 1.0}) == [
        (
            "expected pairs in at least one domain of positive weight (domain weights of the domains "
            "with pairs are divided by their sum; listed: C2, LOG)",
            None,
            "domain",
            None,
        )
    ]
    assert checked(check_pair_weights, sheet, weighted, {"C2": 0.0, "LOG": 1e-9}) == []
    assert checked(check_pair_weights, sheet, [], {"C2": 0.0}) == []


def test_a_pair_weight_without_pairs_is_located_at_its_setting() -> None:
    settings_t = table(
        "settings", {"key": "currency", "value": "EUR"}, {"key": " Pair_Weight ", "value": 0.3}
    )
    problem = (
        "expected pair_weight 0 or blank without a pairs sheet (a share of the score from pairs needs pairs)",
        3,
        "value",
        0.3,
    )
    weighted = Settings(pair_weight=0.3)
    assert checked(check_pair_weight_has_pairs, settings_t, weighted, None) == [problem]
    assert checked(check_pair_weight_has_pairs, settings_t, weighted, table("pairs")) == [problem]
    assert (
        checked(check_pair_weight_has_pairs, settings_t, weighted, table("pairs", pair("A", "B", "C2"))) == []
    )
    assert checked(check_pair_weight_has_pairs, settings_t, Settings(pair_weight=0.0), None) == []
