"""HiGHS's options for one built LP, chosen by its shape, by measurement.

Every LP of ours runs HiGHS's dual simplex without presolve (the stock form
leaves presolve little to remove; measured in the table below the docstring), except
one with pairs, whose joint-unit rows presolve thins. The pure
max-min score counted in every period (weakest_link 1, score_periods all) is
the one shape that needs more: its optimum ties many partners at the
minimum in every domain and period, so the dual simplex stalls on
degenerate pivots, and a larger cost perturbation breaks the ties sooner.
Measured on the large preset's max-min shape (HiGHS run() alone, CPU
seconds, on a shared 2-core machine; pivots are exact):

    LP variant of large-wl1-all (seconds, pivots)     perturbation x1   x10
    as model.py builds it (solver-notes.md)            25.7 s           22.5 s
    weakest rows cut on budgets (not kept, see RESULTS) 14.9 s, 15,551   9.3 s, 13,605
    the same, dominated options out (not kept)          40.5 s, 27,304   22.1 s, 21,737

On the medium max-min shapes x10 took fewer pivots as well (2,425 against
2,618 on medium-wl1-all). Interior point took 25.8 s on the second variant,
more than the simplex, so the algorithm stays the dual simplex. Other shapes
were not measured enough with x10 and keep HiGHS's default perturbation.
"""

from __future__ import annotations

from .model import Model

# HiGHS options for our LPs, chosen by measurement: `benchmarks/benchmark.py --options` times
# HiGHS alone on generated scenarios under each choice (seconds of run(), 2 cores, seed 0):
#
#   preset, periods counted (columns)  default  no presolve  parallel dual  both   interior point
#   medium, final (12k)                  0.051     0.032         0.053      0.036      0.148
#   medium, all (14k)                    0.115     0.078         0.120      0.085      0.286
#   large, final (193k)                  1.57      1.53          1.30       1.06       7.73
#   large, all (204k)                    6.67      4.36          5.73       3.75      14.5
#
# - Presolve off wins at every size: the stock form leaves it little to remove. At 760k-800k
#   columns (120 x 800 x 10 x 10) it won three of four runs and lost one by a third.
# - Interior point with crossover loses at every size, by 2-5x (82.8 s against 33.1 s at 780k
#   columns): chosen at none. The LPs took 40 s by simplex; this formulation's do not.
# - The parallel dual simplex (PAMI) takes the same pivots faster alone on large LPs, but its
#   threads spin: two solving processes at once (monte_carlo, medium, n=60, workers=2) took 87 s
#   against 3.7 s. Studies run workers side by side on a shared machine, so it is not used.
# - Pairs (issue 17) are the exception: their joint units come with two rows each (z <= x_a,
#   z <= x_b), which presolve does thin. Medium preset, every pair in every domain (101k columns,
#   176k rows; HiGHS alone on the exported model, two runs each on a loaded machine, CPU s):
#   simplex with presolve 104 / 78 s (99,728 pivots), without 183 / 139 s (109,168 pivots);
#   interior point 264 s with presolve, no answer in 272 s without. Presolve itself takes 2 s
#   (no callback reaches it: Ctrl-C waits that long). MIPs keep theirs off (highs.MIP_OPTIONS).
DEFAULT: dict[str, object] = {"presolve": "off"}
WITH_PAIRS: dict[str, object] = {"presolve": "on"}
MAX_MIN_PERTURBATION = 10.0


def is_max_min_over_periods(model: Model) -> bool:
    """Counted readiness has no weight in the score (weakest_link 1), the weakest link has, in more
    than one period."""
    first = len(model.units.option)  # the other columns follow the units, named as model.py names them
    counted = [first + k for k, name in enumerate(model.other_names) if name.startswith("c_")]
    minimums = [first + k for k, name in enumerate(model.other_names) if name.startswith("m_")]
    periods = {model.other_names[j - first].rsplit("_t", 1)[1] for j in minimums}
    return len(periods) > 1 and not model.score[counted].any() and model.score[minimums].any()


def has_pairs(model: Model) -> bool:
    """The LP carries pair readiness (columns q_k{pair}_t{period}, lp/pairs.py)."""
    return any(name.startswith("q_k") for name in model.other_names)


def highs_options(model: Model) -> dict[str, object]:
    """The options to set on a Highs object before it solves `model` (see the module's table)."""
    options = dict(WITH_PAIRS if has_pairs(model) else DEFAULT)
    if is_max_min_over_periods(model):
        options["dual_simplex_cost_perturbation_multiplier"] = MAX_MIN_PERTURBATION
    return options
