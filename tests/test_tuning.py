"""The HiGHS options per shape: only the pure max-min over every period gets the larger perturbation."""

from __future__ import annotations

import pytest

from optimizer.io.synthetic import generate
from optimizer.lp import model as lp
from optimizer.lp import tuning


@pytest.mark.parametrize(
    ("weakest_link", "periods", "max_min"),
    [(1.0, "all", True), (1.0, "final", False), (0.3, "all", False), (0.0, "all", False)],
)
def test_the_max_min_over_every_period_is_told_apart(weakest_link, periods, max_min) -> None:
    scenario = generate(4, 8, 3, 3, seed=0).with_settings(weakest_link=weakest_link, score_periods=periods)
    options = tuning.highs_options(lp.build(scenario))
    assert options["presolve"] == "off"
    assert ("dual_simplex_cost_perturbation_multiplier" in options) is max_min
