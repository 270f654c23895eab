"""Interoperability readiness optimizer: spend coalition money for the most interoperability.

The script API, imported lazily so that `interop --help` stays fast::

    from optimizer import load_scenario, solve, write_report
    scenario = load_scenario("inputs/example.xlsx")
    solution = solve(scenario)
    print(solution.score, solution.spend)
    write_report(solution, "reports/plan.xlsx")

No module is named like a function here, so `optimizer.solve` is always the function.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .comparison import Comparison, compare
    from .errors import InputError, OutputError, Problem, SolverError
    from .evaluation import evaluate
    from .plan import load_plan
    from .ranging import SensitivityReport, sensitivity
    from .report import summary, to_json, write_report
    from .results import Solution
    from .scenario import Budget, Domain, Effect, Option, Partner, Scenario, Settings, Target
    from .solver import Optimum, available_solvers, optimise, solve
    from .studies import (
        MonteCarloResult,
        SweepResult,
        TornadoResult,
        fix_option,
        monte_carlo,
        scale_budgets,
        scale_gains,
        sweep,
        tornado,
        with_domain_weight,
        with_effectiveness,
        with_period_budget,
        with_setting,
        with_type_budget,
        with_unit_cost,
        without_option,
    )
    from .synthetic import generate
    from .template import write_scenario, write_template
    from .validate import load_scenario

_WHERE = {
    "Comparison": "comparison",
    "compare": "comparison",
    "InputError": "errors",
    "OutputError": "errors",
    "Problem": "errors",
    "SolverError": "errors",
    "evaluate": "evaluation",
    "load_plan": "plan",
    "SensitivityReport": "ranging",
    "sensitivity": "ranging",
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
    "Optimum": "solver",
    "available_solvers": "solver",
    "optimise": "solver",
    "solve": "solver",
    "MonteCarloResult": "studies",
    "SweepResult": "studies",
    "TornadoResult": "studies",
    "fix_option": "studies",
    "monte_carlo": "studies",
    "scale_budgets": "studies",
    "scale_gains": "studies",
    "sweep": "studies",
    "tornado": "studies",
    "with_domain_weight": "studies",
    "with_effectiveness": "studies",
    "with_period_budget": "studies",
    "with_setting": "studies",
    "with_type_budget": "studies",
    "with_unit_cost": "studies",
    "without_option": "studies",
    "generate": "synthetic",
    "write_scenario": "template",
    "write_template": "template",
    "load_scenario": "validate",
}

__all__ = [
    "Budget",
    "Comparison",
    "Domain",
    "Effect",
    "InputError",
    "MonteCarloResult",
    "Optimum",
    "Option",
    "OutputError",
    "Partner",
    "Problem",
    "Scenario",
    "SensitivityReport",
    "Settings",
    "Solution",
    "SolverError",
    "SweepResult",
    "Target",
    "TornadoResult",
    "available_solvers",
    "compare",
    "evaluate",
    "fix_option",
    "generate",
    "load_plan",
    "load_scenario",
    "monte_carlo",
    "optimise",
    "scale_budgets",
    "scale_gains",
    "sensitivity",
    "solve",
    "summary",
    "sweep",
    "to_json",
    "tornado",
    "with_domain_weight",
    "with_effectiveness",
    "with_period_budget",
    "with_setting",
    "with_type_budget",
    "with_unit_cost",
    "without_option",
    "write_report",
    "write_scenario",
    "write_template",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'optimizer' has no attribute '{name}'")
    return getattr(import_module(f".{_WHERE[name]}", __name__), name)
