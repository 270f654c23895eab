"""Shared fixtures for the test suite."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from hypothesis import Phase, settings

if TYPE_CHECKING:
    from test_validate import Inputs

# Compiled modules and pytest's rewritten test modules are kept in __pycache__ (git ignores it)
# even where PYTHONDONTWRITEBYTECODE is set, as on these machines: without, each core compiled
# every test module again (collection 11.5 s against 5.7 s) and every `python -m optimizer` a
# test starts compiled the package again.
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

# Property tests draw new scenarios on every run here, to keep finding cases; CI (.ci/run sets
# HYPOTHESIS_PROFILE=ci) draws the same ones each time, so a landing never hangs on a lucky draw.
# A case found here goes into the test as an @example: it is then checked in CI too.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
# scripts/mutation.sh: a mutant is killed by the first failing draw, so shrinking it is waste.
settings.register_profile(
    "mutation", derandomize=True, database=None, phases=[Phase.explicit, Phase.reuse, Phase.generate]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(params=["highs", "cbc"])
def solver(request: pytest.FixtureRequest) -> str:
    """Every solve test runs once per installed solver, so HiGHS and CBC must agree."""
    return request.param


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """Click's runner in a fresh folder, so default reports/ land there; never on a real cluster."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    return CliRunner()


@pytest.fixture
def inputs(tmp_path: Path) -> Inputs:
    """The example as a CSV folder, ready to break (test_validate.Inputs)."""
    from test_validate import Inputs

    return Inputs(tmp_path, "csv")


@pytest.fixture(params=["csv", "xlsx"])
def both(tmp_path: Path, request: pytest.FixtureRequest) -> Inputs:
    """The example to break, loaded once as a CSV folder and once as a workbook."""
    from test_validate import Inputs

    return Inputs(tmp_path, request.param)
