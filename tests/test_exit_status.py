"""One exit-status rule for every command (README's table): 5 solver failed, 4 time limit, 3 no plan, 0."""

from __future__ import annotations

import pytest

from optimizer.cli.options import exit_status


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["optimal"], 0),
        (["infeasible"], 3),
        (["time_limit"], 4),
        (["error"], 5),
        # a study: infeasible variants beside feasible ones are findings, not failures
        (["optimal", "infeasible", "optimal"], 0),
        (["infeasible", "infeasible"], 3),
        (["optimal", "time_limit", "infeasible"], 4),
        # a solver failure anywhere outranks everything: tornado and Monte Carlo used to exit 0 here
        (["optimal", "error", "optimal"], 5),
        (["time_limit", "error"], 5),
    ],
)
def test_every_command_maps_statuses_to_exit_codes_the_same_way(statuses: list[str], expected: int) -> None:
    assert exit_status(statuses) == expected
