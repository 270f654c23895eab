"""The HiGHS options per shape: only the pure max-min over every period gets the larger perturbation."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from optimizer.io.synthetic import generate
from optimizer.io.validate import load_scenario
from optimizer.lp import model as lp
from optimizer.lp import tuning

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("weakest_link", "periods", "max_min"),
    [(1.0, "all", True), (1.0, "final", False), (0.3, "all", False), (0.0, "all", False)],
)
def test_the_max_min_over_every_period_is_told_apart(weakest_link, periods, max_min) -> None:
    scenario = generate(4, 8, 3, 3, seed=0).with_settings(weakest_link=weakest_link, score_periods=periods)
    options = tuning.highs_options(lp.build(scenario))
    assert options["presolve"] == "off"
    assert ("dual_simplex_cost_perturbation_multiplier" in options) is max_min


def test_an_lp_with_pairs_is_presolved_and_one_without_is_not() -> None:
    """The example with pairs has pair readiness columns (lp/pairs.py); presolve took 78-104 CPU s
    against 139-183 s without on the medium preset with every pair (tuning.py's table)."""
    with_pairs = load_scenario(ROOT / "inputs" / "example-pairs.xlsx")
    assert with_pairs.pairs and with_pairs.settings.pair_weight
    assert tuning.highs_options(lp.build(with_pairs))["presolve"] == "on"
    without = replace(with_pairs, pairs=(), settings=replace(with_pairs.settings, pair_weight=None))
    assert tuning.highs_options(lp.build(without))["presolve"] == "off"
