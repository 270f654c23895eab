"""Details of the built LP that no optimum shows but model.md fixes: phase 2's epsilon, and the
columns that the stock form leaves out (weightless domains, periods nothing reads)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from optimizer.lp import model as lp
from optimizer.scenario import Budget, Domain, Effect, Option, Partner, Scenario, Settings, Target


@pytest.mark.parametrize(("best", "floor"), [(50.0, 50.0 - 5e-6), (0.5, 0.5 - 1e-7), (-20.0, -20.0 - 2e-6)])
def test_phase_two_gives_up_at_most_epsilon(best: float, floor: float) -> None:
    """model.md: Z >= Z* - eps with eps = 1e-7 * max(1, |Z*|)."""
    assert lp.score_floor(best) == pytest.approx(floor, rel=0, abs=1e-15)


def two_domains(**settings: object) -> Scenario:
    """A and B in comms and in a domain of weight 0; one drill for both; two periods."""
    return Scenario(
        partners=(Partner("A"), Partner("B")),
        domains=(Domain("comms"), Domain("idle", weight=0)),
        baseline={("A", "comms"): 10, ("A", "idle"): 10, ("B", "comms"): 20, ("B", "idle"): 20},
        options=(Option("drill", "training", 10),),
        effects=(Effect("drill", "comms", 1), Effect("drill", "idle", 1)),
        budgets=(Budget(1, 100), Budget(2, 100)),
        settings=Settings(**settings),  # type: ignore[arg-type]
    )


def test_a_domain_of_weight_zero_has_no_counted_or_weakest_column() -> None:
    """Readiness in a domain of weight 0 never enters Z: no c or m column is made for it."""
    names = lp.build(two_domains(score_periods="all")).column_names()
    assert sorted(n for n in names if n.startswith(("c_", "m_"))) == [
        "c_p0_d0_t1",
        "c_p0_d0_t2",
        "c_p1_d0_t1",
        "c_p1_d0_t2",
        "m_d0_t1",
        "m_d0_t2",
    ]


def test_readiness_is_modelled_only_where_the_score_or_a_target_reads_it() -> None:
    """Final period scored, a target on A comms in period 1: r for A comms in periods 1 and 2,
    for B comms in period 2, none in the domain of weight 0 (the stock form of model.md)."""
    scenario = replace(two_domains(score_periods="final"), targets=(Target("A", "comms", 1, 12),))
    names = lp.build(scenario).column_names()
    assert sorted(n for n in names if n.startswith("r_")) == ["r_p0_d0_t1", "r_p0_d0_t2", "r_p1_d0_t2"]


def test_the_unreduced_model_carries_readiness_in_every_period() -> None:
    """build(reduced=False), model.md written literally: r for every partner, domain and period."""
    scenario = two_domains(score_periods="final")
    names = lp.build(scenario, reduced=False).column_names()
    assert sorted(n for n in names if n.startswith("r_")) == [
        f"r_p{p}_d{d}_t{t}" for p in (0, 1) for d in (0, 1) for t in (1, 2)
    ]
