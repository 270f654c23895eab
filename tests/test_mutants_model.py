"""Which unit columns x[o, p, t] the LP holds: what mutmut showed no test of optimizer/lp/model.py
pinned, because a column too many leaves every optimum unchanged and so passes every solve test.

The rules are README's "units that can never pay off are left out" and model.md's literal LP:
reduced, an option enters only with a gain (a pair gain counts when pairs are scored) and
max_units other than 0, for eligible partners of positive effectiveness, in the periods from
which it lands within the horizon; committed units always enter. Unreduced (model.md as
written): every eligible partner in every period. Expected columns are listed by hand.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from optimizer.lp import model as lp
from optimizer.scenario import (
    Budget,
    Domain,
    Effect,
    FixedUnits,
    History,
    Option,
    Pair,
    Partner,
    Scenario,
    Settings,
    Target,
)


def three_periods(*options: Option, effects: tuple[Effect, ...]) -> Scenario:
    """A (effectiveness 1) and B (effectiveness 0) at 50 in one domain, three periods of 100."""
    return Scenario(
        partners=(Partner("A", effectiveness=1.0), Partner("B", effectiveness=0.0)),
        domains=(Domain("D"),),
        baseline={("A", "D"): 50.0, ("B", "D"): 50.0},
        options=options,
        effects=effects,
        budgets=tuple(Budget(t, 100.0, {}) for t in (1, 2, 3)),
        settings=Settings(score_periods="all"),
    )


def unit_bounds(scenario: Scenario, model: lp.Model) -> dict[tuple[str, str, int], tuple[float, float]]:
    """(option, partner, period) of every unit column, by identifier, and its bounds (units come first)."""
    units = model.units
    keys = zip(units.option.tolist(), units.partner.tolist(), units.period.tolist(), strict=True)
    bounds = zip(model.col_lower.tolist(), model.col_upper.tolist(), strict=False)
    return {
        (scenario.options[o].id, scenario.partners[p].id, t): b
        for (o, p, t), b in zip(keys, bounds, strict=False)
    }


def named(scenario: Scenario, model: lp.Model) -> set[tuple[str, str, int]]:
    return set(unit_bounds(scenario, model))


# Listed ahead of the useful options on purpose: skipping NOGAIN must not stop the loop.
NOGAIN = Option("NOGAIN", "training", 1.0)  # an effect of gain 0
NONE = Option("NONE", "training", 1.0, max_units=0.0)  # capped at nothing
ONE = Option("ONE", "training", 1.0, max_units=1.0)  # at most one unit: still a column
LATE = Option("LATE", "training", 1.0, lag=2)  # lands two periods on: only period 1 counts
EFFECTS = (
    Effect("NOGAIN", "D", 0.0),
    Effect("NONE", "D", 5.0),
    Effect("ONE", "D", 5.0),
    Effect("LATE", "D", 5.0),
)


def test_the_reduced_lp_holds_only_units_that_can_pay_off() -> None:
    """A only (B's effectiveness is 0): ONE in periods 1-3, LATE in period 1 (3 - lag 2); no
    NOGAIN, no NONE."""
    scenario = three_periods(NOGAIN, NONE, ONE, LATE, effects=EFFECTS)
    assert named(scenario, lp.build(scenario)) == {
        ("ONE", "A", 1),
        ("ONE", "A", 2),
        ("ONE", "A", 3),
        ("LATE", "A", 1),
    }


def test_the_unreduced_lp_holds_every_eligible_partner_in_every_period() -> None:
    """model.md as written: 4 options x 2 partners x 3 periods = 24 columns."""
    scenario = three_periods(NOGAIN, NONE, ONE, LATE, effects=EFFECTS)
    expected = {(o.id, p, t) for o in (NOGAIN, NONE, ONE, LATE) for p in ("A", "B") for t in (1, 2, 3)}
    assert named(scenario, lp.build(scenario, reduced=False)) == expected


def test_committed_units_enter_beside_the_useful_ones() -> None:
    """NOGAIN committed for A in period 2 (its money is spent anyway) joins ONE's three columns,
    and nothing left uncommitted (zeros) enters on its account."""
    scenario = three_periods(NOGAIN, ONE, effects=(EFFECTS[0], EFFECTS[2]))
    committed = np.zeros((2, 2, 3))
    committed[0, 0, 1] = 1.0
    model = lp.build(scenario, committed=committed)
    assert named(scenario, model) == {("NOGAIN", "A", 2), ("ONE", "A", 1), ("ONE", "A", 2), ("ONE", "A", 3)}


PAIR_ONLY = Option("PAIR", "training", 1.0, partners=("A", "C"))


def with_c(scenario: Scenario, pair_weight: float) -> Scenario:
    """C (effectiveness 1, at 50) joins, paired with A in D."""
    return dataclasses.replace(
        scenario,
        partners=(*scenario.partners, Partner("C")),
        baseline={**scenario.baseline, ("C", "D"): 50.0},
        pairs=(Pair("A", "C", "D", 50.0),),
        settings=dataclasses.replace(scenario.settings, pair_weight=pair_weight),
    )


def test_a_pair_gain_pays_off_only_where_pairs_are_scored() -> None:
    """PAIR raises only the pair A-C (gain 0, pair gain 3): columns for A and C in every period
    with pair_weight 0.5, none with pair_weight 0."""
    scenario = three_periods(PAIR_ONLY, effects=(Effect("PAIR", "D", 0.0, pair_gain=3.0),))
    scored = with_c(scenario, 0.5)
    assert named(scored, lp.build(scored)) == {("PAIR", p, t) for p in ("A", "C") for t in (1, 2, 3)}
    unscored = with_c(scenario, 0.0)
    assert named(unscored, lp.build(unscored)) == set()


def test_a_gain_and_an_equal_pair_gain_add_up() -> None:
    """Gain 3 and pair gain 3: the option pays off twice over, it is not cancelled out."""
    scenario = with_c(three_periods(PAIR_ONLY, effects=(Effect("PAIR", "D", 3.0, pair_gain=3.0),)), 0.5)
    assert named(scenario, lp.build(scenario)) == {("PAIR", p, t) for p in ("A", "C") for t in (1, 2, 3)}


def test_a_replan_holds_in_its_past_exactly_the_units_funded_there() -> None:
    """Re-planned from period 3 after NOGAIN x 2 for A in period 1 (money spent, no gain) and
    ONE x 0.5 for A in period 2: those two columns, fixed at what was funded, and no other in
    periods 1-2 (not ONE's unfunded period 1, nor anything at 0); ONE for A in period 3 is
    planned. max_units typed as whole numbers in code must not round the funded 0.5."""
    nogain, one = Option("NOGAIN", "training", 1.0, max_units=5), Option("ONE", "training", 1.0, max_units=1)
    history = History(3, (FixedUnits("NOGAIN", "A", 1, 2.0), FixedUnits("ONE", "A", 2, 0.5)))
    scenario = dataclasses.replace(
        three_periods(nogain, one, effects=(EFFECTS[0], EFFECTS[2])), history=history
    )
    bounds = unit_bounds(scenario, lp.build(scenario))
    assert set(bounds) == {("NOGAIN", "A", 1), ("ONE", "A", 2), ("ONE", "A", 3)}
    assert bounds[("NOGAIN", "A", 1)] == (2.0, 2.0)
    assert bounds[("ONE", "A", 2)] == (0.5, 0.5)
    assert bounds[("ONE", "A", 3)] == (0.0, 1.0)


def two_types() -> Scenario:
    """ONE (training), STD (standardization) and EXE (exercise), each type with a budget in
    every period; A capped at 30 a period."""
    std, exe = Option("STD", "standardization", 1.0), Option("EXE", "exercise", 1.0)
    effects = (EFFECTS[2], Effect("STD", "D", 2.0), Effect("EXE", "D", 3.0))
    scenario = three_periods(ONE, std, exe, effects=effects)
    return dataclasses.replace(
        scenario,
        partners=(Partner("A", max_spend=30.0), scenario.partners[1]),
        budgets=tuple(
            Budget(t, 100.0, {"training": 40.0, "standardization": 50.0, "exercise": 20.0}) for t in (1, 2, 3)
        ),
    )


def test_money_rows_are_named_by_period_and_a_replan_leaves_its_past_unlimited() -> None:
    """money_limits' order: each period's budget, then its type budgets (numbered within the
    period), then A's caps. Re-planned from period 3, periods 1 and 2 are history: their rows
    stay (the money spent there is reported against them) but limit nothing, so a past that
    overspent its budget does not make the re-plan infeasible."""
    scenario = two_types()
    expected = [
        name
        for t in (1, 2, 3)
        for name in (f"budget_t{t}", f"type_k0_t{t}", f"type_k1_t{t}", f"type_k2_t{t}")
    ]
    expected += [f"partner_p0_t{t}" for t in (1, 2, 3)]
    model = lp.build(scenario)
    assert [model.row_names[r.row] for r in model.budget_rows] == expected
    replan = dataclasses.replace(scenario, history=History(3))
    model = lp.build(replan)
    limits = {(r.kind, r.period, r.name): model.row_upper[r.row] for r in model.budget_rows}
    assert limits == {
        **{(kind, t, name): np.inf for t in (1, 2) for kind, name in KINDS},
        **{
            (kind, 3, name): limit
            for (kind, name), limit in zip(KINDS, (100.0, 40.0, 50.0, 20.0, 30.0), strict=True)
        },
    }


KINDS = (
    ("period", ""),
    ("type", "training"),
    ("type", "standardization"),
    ("type", "exercise"),
    ("partner", "A"),
)


def test_shortfall_columns_only_in_the_elastic_problem() -> None:
    """A target of 60 for A: phase 1 has no shortfall column; the elastic problem one, s >= 0."""
    scenario = dataclasses.replace(
        three_periods(ONE, effects=(EFFECTS[2],)), targets=(Target("A", "D", 3, 60.0),)
    )
    plain, elastic = lp.build(scenario), lp.build(scenario, elastic=True)
    assert len(plain.shortfalls) == 0
    assert plain.column_count == len(plain.units.option) + len(plain.other_names)
    assert not any(name.startswith("short_") for name in plain.other_names)
    assert [elastic.other_names[c - len(elastic.units.option)] for c in elastic.shortfalls] == ["short_0"]
    assert (elastic.col_lower[elastic.shortfalls[0]], elastic.col_upper[elastic.shortfalls[0]]) == (
        0.0,
        np.inf,
    )


def held(model: lp.Model, level: float) -> list[tuple[str, int, float, float]]:
    """setups_held of a plan whose one set-up column stands at `level` (as a solver may leave it)."""
    values = np.zeros(model.column_count)
    values[model.setups.column] = level
    return [(h.option, h.period, h.level, h.money) for h in lp.setups_held(model, values)]


def test_set_ups_held_are_read_as_whole_in_a_mip_and_as_fractions_in_its_relaxation() -> None:
    """SET (set-up money 10, only period 1 counts: lag 2 of 3) has one y column. Integer: a
    solver's 0.9999999 is held once at 10, while 0.4 rounds to 0 and 1e-12 is
    nothing. Relaxed: 0.4 is held at 0.4 x 10 = 4, 1.0000001 is 1 at 10, -1e-10 is nothing."""
    scenario = three_periods(
        Option("SET", "training", 1.0, lag=2, setup_cost=10.0), effects=(Effect("SET", "D", 5.0),)
    )
    model = lp.build(scenario)
    assert model.setups.column.tolist() == [len(model.units.option) + model.other_names.index("y_o0_t1")]
    assert held(model, 0.9999999) == [(0, 1, 1.0, 10.0)]
    assert held(model, 0.4) == []
    assert held(model, 1e-12) == []
    relaxed = model.relaxed()
    assert held(relaxed, 0.4) == [(0, 1, 0.4, 4.0)]
    assert held(relaxed, 1.0000001) == [(0, 1, 1.0, 10.0)]
    assert held(relaxed, -1e-10) == []


def test_phase_two_adds_one_named_score_row_that_keeps_the_best_score() -> None:
    """Phase 2 is phase 1 with one row more, 'phase2_score', minimising money. With score_cap
    1e-6 (readiness in millionths) the row keeps Z >= Z* to 1e-6 relative: an eps of 1e-7 in
    absolute terms would let Z fall by a fifth of a score of 5e-7."""
    scenario = three_periods(ONE, effects=(Effect("ONE", "D", 5e-8),)).with_settings(score_cap=1e-6)
    scenario = dataclasses.replace(scenario, baseline={("A", "D"): 5e-7, ("B", "D"): 5e-7})
    model = lp.build(scenario)
    best = 5e-7
    phase2 = lp.least_money(model, best)
    assert (phase2.maximise, phase2.row_count) == (False, model.row_count + 1)
    assert phase2.row_names == (*model.row_names, "phase2_score")
    assert best * (1 - 1e-6) <= phase2.row_lower[-1] < best
    assert np.array_equal(phase2.objective, model.spend)


def test_activity_has_a_value_for_every_row_and_a_moved_row_moves_both_bounds() -> None:
    """B's spending caps are the last rows and hold no unit (B's effectiveness is 0): their
    activity is 0, not missing. with_row_bound sets both bounds of one row, and only there."""
    scenario = three_periods(ONE, effects=(EFFECTS[2],))
    scenario = dataclasses.replace(
        scenario, partners=(scenario.partners[0], Partner("B", effectiveness=0.0, max_spend=5.0))
    )
    model = lp.build(scenario)
    assert model.row_names[-1] == "partner_p1_t3"
    activity = model.activity(np.ones(model.column_count))
    assert len(activity) == model.row_count and activity[-1] == 0.0
    moved = model.with_row_bound(model.row_count - 1, 2.0, 3.0)
    assert (moved.row_lower[-1], moved.row_upper[-1]) == (2.0, 3.0)
    assert np.array_equal(moved.row_lower[:-1], model.row_lower[:-1])
    assert np.array_equal(moved.row_upper[:-1], model.row_upper[:-1])
    assert (model.row_lower[-1], model.row_upper[-1]) == (-np.inf, 5.0)


def entries(model: lp.Model, column: int) -> dict[str, float]:
    """The rows in which `column` has an entry, by name, with its coefficient."""
    rows = model.entry_rows()
    here = model.row_index == column
    return {
        model.row_names[r]: v
        for r, v in zip(rows[here].tolist(), model.row_value[here].tolist(), strict=True)
    }


def test_lots_and_set_ups_have_their_named_columns_rows_and_money() -> None:
    """LOT (lot size 0.5, set-up money 10, lag 2 so only period 1 counts) for A, capped at 30,
    with a training budget of 40: z and y columns and the rows x - 0.5 z >= 0, x - u z <= 0 and
    x - u y <= 0 (model.md; u = 100, period 1's budget over A's unit money 1); y's money is in
    the period and type budgets but in no partner cap (it is spent on no single partner)."""
    scenario = three_periods(
        Option("LOT", "training", 1.0, lag=2, min_units=0.5, setup_cost=10.0),
        effects=(Effect("LOT", "D", 5.0),),
    )
    scenario = dataclasses.replace(
        scenario,
        partners=(Partner("A", max_spend=30.0), scenario.partners[1]),
        budgets=tuple(Budget(t, 100.0, {"training": 40.0}) for t in (1, 2, 3)),
    )
    model = lp.build(scenario)
    first = len(model.units.option)
    assert [model.other_names[c - first] for c in model.lots.column] == ["z_o0_p0_t1"]
    assert [model.other_names[c - first] for c in model.setups.column] == ["y_o0_t1"]
    assert set(entries(model, 0)) == {"stock_p0_d0_t3", "budget_t1", "type_k0_t1", "partner_p0_t1"} | {
        "lot_min_o0_p0_t1",
        "lot_max_o0_p0_t1",
        "held_o0_p0_t1",
    }
    assert entries(model, int(model.lots.column[0]))["lot_min_o0_p0_t1"] == -0.5
    assert entries(model, int(model.setups.column[0])) == {
        "held_o0_p0_t1": -100.0,  # u-bar: no max_units, so period 1's budget over the unit's money, 100 / 1
        "budget_t1": 10.0,
        "type_k0_t1": 10.0,
    }


def test_pair_readiness_columns_only_where_the_score_reads_them() -> None:
    """Scoring the final period only, the reduced LP knows pair A-C's readiness in period 3
    alone; model.md's literal LP in every period."""
    scenario = with_c(three_periods(PAIR_ONLY, effects=(Effect("PAIR", "D", 0.0, pair_gain=3.0),)), 0.5)
    scenario = scenario.with_settings(score_periods="final")

    def pair_readiness(model: lp.Model) -> list[str]:
        return [name for name in model.other_names if name.startswith("q_")]

    assert pair_readiness(lp.build(scenario)) == ["q_k0_t3"]
    assert pair_readiness(lp.build(scenario, reduced=False)) == ["q_k0_t1", "q_k0_t2", "q_k0_t3"]
