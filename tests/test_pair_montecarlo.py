"""Monte Carlo over pair gains: effects.pair_gain_low / pair_gain_high (workbook.md, model.md).

A pair gain is drawn from triangular(pair_gain_low, pair_gain, pair_gain_high) as a gain is from
triangular(gain_low, gain, gain_high); its bounds are read and checked like the gain's.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from test_pair_inputs import with_pairs
from test_validate import Inputs

from optimizer.cli import main
from optimizer.io.template import write_scenario
from optimizer.io.validate import load_scenario
from optimizer.scenario import Budget, Domain, Effect, Option, Pair, Partner, Scenario, Settings
from optimizer.studies.montecarlo import draw_gains, monte_carlo

DRAWS = 3000
LOW, MODE, HIGH = 1.0, 2.0, 10.0


def joint_only(low: float = 1.0, mode: float = 2.0, high: float = 4.0) -> Scenario:
    """A (20) and B (30) in one domain, the pair A-B at 20; the only option is a bilateral
    exercise (10 a unit for each partner) that raises the pair alone, by the pair gain h; all
    the score is the pair's (pair_weight 1).

    The 100 of budget buys 5 units for each partner, so 5 joint units, and the score is the
    pair's readiness 20 + 5 h (below the cap of 100 for every h up to 16): linear in h.
    """
    return Scenario(
        partners=(Partner("A"), Partner("B")),
        domains=(Domain("land"),),
        baseline={("A", "land"): 20.0, ("B", "land"): 30.0},
        options=(Option("bil", "training", 10.0),),
        effects=(Effect("bil", "land", 0.0, pair_gain=mode, pair_gain_low=low, pair_gain_high=high),),
        budgets=(Budget(1, 100.0),),
        settings=Settings(pair_weight=1.0),
        pairs=(Pair("A", "B", "land", 20.0),),
    )


def skewed() -> Scenario:
    """One effect with a skewed pair gain (low 1, mode 2, high 10) and a certain gain of 3."""
    return replace(
        joint_only(LOW, MODE, HIGH), effects=(replace(joint_only(LOW, MODE, HIGH).effects[0], gain=3.0),)
    )


def test_pair_gain_draws_have_the_triangular_mean_and_variance() -> None:
    """triangular(1, 2, 10): mean 13/3, variance (1 + 4 + 100 - 2 - 10 - 20) / 18 = 73/18."""
    drawn = draw_gains(skewed(), DRAWS, seed=11)
    gains, pair_gains = drawn[:, 0], drawn[:, 1]
    mean, variance = 13 / 3, 73 / 18
    assert pair_gains.mean() == pytest.approx(mean, abs=4 * np.sqrt(variance / DRAWS))
    assert pair_gains.var(ddof=1) == pytest.approx(variance, abs=4 * np.sqrt(2 * variance**2 / DRAWS))
    assert pair_gains.min() >= LOW and pair_gains.max() <= HIGH
    assert np.all(gains == 3.0)  # no gain_low / gain_high: never drawn


def test_pair_gain_bounds_leave_the_gain_draws_of_a_seed_as_they_were() -> None:
    with_gain_bounds = replace(skewed().effects[0], gain_low=2.0, gain_high=5.0)
    certain_pairs = replace(
        skewed(), effects=(replace(with_gain_bounds, pair_gain_low=None, pair_gain_high=None),)
    )
    uncertain_pairs = replace(skewed(), effects=(with_gain_bounds,))
    before, after = draw_gains(certain_pairs, 20, seed=5), draw_gains(uncertain_pairs, 20, seed=5)
    assert np.array_equal(before[:, 0], after[:, 0])
    assert np.all(before[:, 1] == MODE) and np.all(after[:, 1] != MODE)


def test_monte_carlo_score_of_a_joint_only_plan_is_linear_in_the_drawn_pair_gain() -> None:
    """Each draw's optimal score and the base plan's score are 20 + 5 h of its own h; their mean
    is near 20 + 5 (1 + 2 + 4) / 3 = 31.67 (sd of h: sqrt(7/18), so 5 sd / sqrt(60) = 0.40)."""
    scenario = joint_only()
    result = monte_carlo(scenario, n=60, seed=3, workers=1, progress=False)
    h = draw_gains(scenario, 60, seed=3)[:, 1]
    assert result.uncertain_effects == 1 and result.uncertain_pair_gains == 1 and result.message == ""
    assert result.base_score == pytest.approx(30.0)
    assert result.optimal_scores == pytest.approx(20 + 5 * h, rel=1e-7)
    assert result.base_plan_scores == pytest.approx(20 + 5 * h, rel=1e-6)
    assert result.optimal_scores.mean() == pytest.approx(20 + 5 * 7 / 3, abs=4 * 0.40)


def test_without_pair_gain_bounds_every_draw_is_the_base_case() -> None:
    certain = replace(
        joint_only(), effects=(replace(joint_only().effects[0], pair_gain_low=None, pair_gain_high=None),)
    )
    result = monte_carlo(certain, n=3, seed=0, workers=1, progress=False)
    assert result.uncertain_pair_gains == 0 and "pair_gain_low / pair_gain_high" in result.message
    assert result.optimal_scores == pytest.approx([30.0] * 3, rel=1e-9)


def pair_gain_columns(inputs: Inputs, pair_gain: str, low: str, high: str) -> None:
    with_pairs(inputs, ["ALD", "BRV", "MAR", "", ""])
    for column, value in (("pair_gain", pair_gain), ("pair_gain_low", low), ("pair_gain_high", high)):
        inputs.add_column("effects", column)
        inputs.edit("effects", 2, column, value)


def test_pair_gain_low_above_the_pair_gain_is_located(both: Inputs) -> None:  # noqa: F811
    pair_gain_columns(both, "2", "3", "4")
    both.problem("effects", 2, "pair_gain_low", 3, "pair_gain_low <= pair_gain (2)")


def test_pair_gain_high_below_the_pair_gain_is_located(both: Inputs) -> None:  # noqa: F811
    pair_gain_columns(both, "2", "1", "1.5")
    both.problem("effects", 2, "pair_gain_high", 1.5, "pair_gain_high >= pair_gain (2)")


def test_a_negative_pair_gain_low_is_located(both: Inputs) -> None:  # noqa: F811
    pair_gain_columns(both, "2", "-1", "3")
    both.problem("effects", 2, "pair_gain_low", -1, ">= 0")


def test_a_blank_pair_gain_is_0_for_its_bounds(both: Inputs) -> None:  # noqa: F811
    pair_gain_columns(both, "", "0.5", "3")
    both.problem("effects", 2, "pair_gain_low", 0.5, "pair_gain_low <= pair_gain (0)")


def test_pair_gain_bounds_are_read_and_written_back(tmp_path: Path) -> None:
    inputs = Inputs(tmp_path, "csv")
    pair_gain_columns(inputs, "2", "1", "4")
    scenario = inputs.load()
    assert (scenario.effects[0].pair_gain_low, scenario.effects[0].pair_gain_high) == (1.0, 4.0)
    for target in (tmp_path / "again.xlsx", tmp_path / "again"):
        write_scenario(scenario, target)
        assert load_scenario(target) == scenario


def certain_partner_gain() -> Scenario:
    """joint_only with a certain partner gain of 3 beside the uncertain pair gain triangular(1, 2, 4):
    the base plan (5 units for each partner, 5 joint units) leaves the pair at 20 + 5 h in the final
    (only) period, an affine image of the drawn pair gain h alone."""
    return replace(joint_only(), effects=(replace(joint_only().effects[0], gain=3.0),))


def test_monte_carlo_pair_readiness_is_the_affine_image_of_the_drawn_pair_gain() -> None:
    """planned = 20 + 5 x 2 = 30; mean near 20 + 5 (1 + 2 + 4) / 3 = 31.67: the sd of 5 h is
    5 sqrt(7/18) = 3.12, so 4 standard errors over 100 draws are 1.25. Percentiles are taken with
    linear interpolation, which an increasing affine map keeps: p = 20 + 5 percentile(h) exactly."""
    scenario = certain_partner_gain()
    result = monte_carlo(scenario, n=100, seed=8, workers=1, progress=False)
    h = draw_gains(scenario, 100, seed=8)[:, 1]
    (row,) = result.pairs.to_dict("records")
    assert (row["partner_a"], row["partner_b"], row["domain"]) == ("A", "B", "land")
    assert row["planned"] == pytest.approx(30.0)
    assert row["mean"] == pytest.approx(20 + 5 * (1 + 2 + 4) / 3, abs=4 * 5 * np.sqrt(7 / 18) / np.sqrt(100))
    assert row["mean"] == pytest.approx(20 + 5 * h.mean())
    for q in (5, 50, 95):
        assert row[f"p{q}"] == pytest.approx(20 + 5 * np.percentile(h, q)), q


@pytest.mark.slow
def test_monte_carlo_pair_table_does_not_depend_on_workers() -> None:
    one, two = (
        monte_carlo(certain_partner_gain(), n=8, seed=2, workers=w, chunk_size=2, progress=False).pairs
        for w in (1, 2)
    )
    pd.testing.assert_frame_equal(one, two)
    assert one.loc[0, "p5"] < one.loc[0, "p95"]  # the draws differ


def test_monte_carlo_without_pairs_has_an_empty_pair_table() -> None:
    scenario = replace(
        joint_only(),
        pairs=(),
        settings=Settings(),
        effects=(Effect("bil", "land", 1.0, gain_low=0.5, gain_high=2.0),),
    )
    result = monte_carlo(scenario, n=3, seed=0, workers=1, progress=False)
    assert result.pairs.empty
    assert list(result.pairs.columns) == [
        "partner_a",
        "partner_b",
        "domain",
        "planned",
        "mean",
        "p5",
        "p50",
        "p95",
    ]


@pytest.mark.slow
def test_monte_carlo_pair_table_in_every_output(runner: CliRunner) -> None:
    write_scenario(certain_partner_gain(), Path("joint.xlsx"))
    args = ["montecarlo", "joint.xlsx", "-n", "20", "--seed", "4", "--workers", "1"]
    result = runner.invoke(main, [*args, "-o", "mc.json", "--json"])
    assert result.exit_code == 0, result.output
    h = draw_gains(certain_partner_gain(), 20, seed=4)[:, 1]
    (row,) = json.loads(result.stdout)["tables"]["pairs"]
    assert row == {
        "partner_a": "A",
        "partner_b": "B",
        "domain": "land",
        "planned": pytest.approx(30.0),
        "mean": pytest.approx(20 + 5 * h.mean()),
        **{f"p{q}": pytest.approx(20 + 5 * np.percentile(h, q)) for q in (5, 50, 95)},
    }
    weakest = f"Weakest pair at p5: A–B in land, {20 + 5 * np.percentile(h, 5):.1f} (planned 30.0)"
    assert weakest in result.stderr
    result = runner.invoke(main, [*args, "-o", "mc.xlsx", "--html", "mc.html"])
    assert result.exit_code == 0, result.output
    assert weakest in result.stdout
    sheet = pd.read_excel("mc.xlsx", sheet_name="pairs", engine="calamine")
    assert sheet["p50"].tolist() == [pytest.approx(20 + 5 * np.percentile(h, 50))]
    assert "Pair readiness the base plan reaches in the final period" in Path("mc.html").read_text()
    assert runner.invoke(main, [*args, "-o", "out"]).exit_code == 0
    assert pd.read_csv("out/pairs.csv")["planned"].tolist() == [pytest.approx(30.0)]
