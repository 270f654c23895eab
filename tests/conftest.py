"""Shared fixtures for the test suite."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["highs", "cbc"])
def solver(request: pytest.FixtureRequest) -> str:
    """Every solve test runs once per installed solver, so HiGHS and CBC must agree."""
    return request.param
