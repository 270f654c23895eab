"""Interoperability readiness optimizer: spend coalition money for the most interoperability.

The script API, imported lazily so that `interop --help` stays fast::

    from optimizer import load_scenario, solve, write_report
    scenario = load_scenario("inputs/example.xlsx")
    solution = solve(scenario)
    print(solution.score, solution.spend)
    write_report(solution, "reports/plan.xlsx")
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import InputError, OutputError, Problem, SolverError
    from .report import summary, to_json, write_report
    from .results import Solution
    from .scenario import Budget, Domain, Effect, Option, Partner, Scenario, Settings, Target
    from .solve import available_solvers, solve
    from .template import write_scenario, write_template
    from .validate import load_scenario

_WHERE = {
    "InputError": "errors",
    "OutputError": "errors",
    "Problem": "errors",
    "SolverError": "errors",
    "summary": "report",
    "to_json": "report",
    "write_report": "report",
    "Solution": "results",
    "Budget": "scenario",
    "Domain": "scenario",
    "Effect": "scenario",
    "Option": "scenario",
    "Partner": "scenario",
    "Scenario": "scenario",
    "Settings": "scenario",
    "Target": "scenario",
    "available_solvers": "solve",
    "solve": "solve",
    "write_scenario": "template",
    "write_template": "template",
    "load_scenario": "validate",
}

__all__ = [
    "Budget",
    "Domain",
    "Effect",
    "InputError",
    "Option",
    "OutputError",
    "Partner",
    "Problem",
    "Scenario",
    "Settings",
    "Solution",
    "SolverError",
    "Target",
    "available_solvers",
    "load_scenario",
    "solve",
    "summary",
    "to_json",
    "write_report",
    "write_scenario",
    "write_template",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'optimizer' has no attribute '{name}'")
    value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value  # importing optimizer.solve bound the module to this name: the function wins
    return value
