"""Monte Carlo gains are triangular(gain_low, gain, gain_high): their distribution, not just their range.

A skewed gain (low 1, mode 2, high 10) has mean (1 + 2 + 10) / 3 = 13/3 and variance
(1 + 4 + 100 - 2 - 10 - 20) / 18 = 73/18; uniform(1, 10) would have mean 5.5 and variance 6.75,
and a Kolmogorov-Smirnov test against scipy's triangular distribution tells the shapes apart.
"""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.scenario import Budget, Domain, Effect, Option, Partner, Scenario
from optimizer.studies.montecarlo import draw_gains

DRAWS = 3000
LOW, MODE, HIGH = 1.0, 2.0, 10.0


def skewed() -> Scenario:
    """One uncertain effect (first) and one certain one (second)."""
    return Scenario(
        partners=(Partner("A"),),
        domains=(Domain("comms"), Domain("logistics")),
        baseline={("A", "comms"): 10, ("A", "logistics"): 10},
        options=(Option("drill", "training", 10),),
        effects=(Effect("drill", "comms", MODE, LOW, HIGH), Effect("drill", "logistics", 3.0)),
        budgets=(Budget(1, 100),),
    )


@pytest.fixture(scope="module")
def gains() -> np.ndarray:
    """The uncertain effect's draws, made once: each draw seeds its own stream, which takes time."""
    return draw_gains(skewed(), DRAWS, seed=11)[:, 0]


def test_draws_have_the_triangular_mean_and_variance(gains: np.ndarray) -> None:
    mean, variance = 13 / 3, 73 / 18
    assert gains.mean() == pytest.approx(mean, abs=4 * np.sqrt(variance / DRAWS))
    # the variance of a sample variance is about (m4 - var^2) / n; the triangular m4 < 3 var^2
    assert gains.var(ddof=1) == pytest.approx(variance, abs=4 * np.sqrt(2 * variance**2 / DRAWS))
    assert gains.min() >= LOW and gains.max() <= HIGH


def test_draws_pass_a_kolmogorov_smirnov_test_against_the_triangle(gains: np.ndarray) -> None:
    from scipy import stats  # here, not at collection: it takes a second to import on every core

    triangle = stats.triang(c=(MODE - LOW) / (HIGH - LOW), loc=LOW, scale=HIGH - LOW)
    assert stats.kstest(gains, triangle.cdf).pvalue > 1e-3
    assert stats.kstest(gains, stats.uniform(LOW, HIGH - LOW).cdf).pvalue < 1e-6


def test_a_gain_without_bounds_is_never_drawn() -> None:
    assert np.all(draw_gains(skewed(), 50, seed=11)[:, 1] == 3.0)
