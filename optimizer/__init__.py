"""Interoperability readiness optimizer: spend coalition money for the most interoperability.

The script API, imported lazily so that `interop --help` stays fast::

    from optimizer import load_scenario

    from optimizer import solve

    from optimizer import write_report
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
    from .errors import InputError, OutputError, Problem, SolverError
    from .evaluation import evaluate
    from .io.actuals import Actuals, load_actuals
    from .io.plan import load_plan
    from .io.synthetic import generate
    from .io.template import write_scenario, write_template
    from .io.validate import load_scenario
    from .lp.solve import Optimum, available_solvers, optimise, solve
    from .reports.plan import to_json, write_report
    from .reports.text import summary
    from .results import Solution
    from .scenario import Budget, Domain, Effect, Option, Partner, Scenario, Settings, Target
    from .studies.comparison import Comparison, compare
    from .studies.montecarlo import MonteCarloResult, monte_carlo
    from .studies.ranging import SensitivityReport, sensitivity
    from .studies.replan import Replan, replan
    from .studies.sweep import SweepResult, sweep
    from .studies.tornado import TornadoResult, tornado
    from .studies.variants import (
        fix_option,
        scale_budgets,
        scale_gains,
        with_domain_weight,
        with_effectiveness,
        with_partner_weight,
        with_period_budget,
        with_setting,
        with_type_budget,
        with_unit_cost,
        without_option,
    )

_WHERE = {
    "InputError": "errors",
    "OutputError": "errors",
    "Problem": "errors",
    "SolverError": "errors",
    "evaluate": "evaluation",
    "Actuals": "io.actuals",
    "load_actuals": "io.actuals",
    "load_plan": "io.plan",
    "generate": "io.synthetic",
    "write_scenario": "io.template",
    "write_template": "io.template",
    "load_scenario": "io.validate",
    "Optimum": "lp.solve",
    "available_solvers": "lp.solve",
    "optimise": "lp.solve",
    "solve": "lp.solve",
    "summary": "reports.text",
    "to_json": "reports.plan",
    "write_report": "reports.plan",
    "Solution": "results",
    "Budget": "scenario",
    "Domain": "scenario",
    "Effect": "scenario",
    "Option": "scenario",
    "Partner": "scenario",
    "Scenario": "scenario",
    "Settings": "scenario",
    "Target": "scenario",
    "Comparison": "studies.comparison",
    "compare": "studies.comparison",
    "MonteCarloResult": "studies.montecarlo",
    "monte_carlo": "studies.montecarlo",
    "SensitivityReport": "studies.ranging",
    "sensitivity": "studies.ranging",
    "Replan": "studies.replan",
    "replan": "studies.replan",
    "SweepResult": "studies.sweep",
    "sweep": "studies.sweep",
    "TornadoResult": "studies.tornado",
    "tornado": "studies.tornado",
    "fix_option": "studies.variants",
    "scale_budgets": "studies.variants",
    "scale_gains": "studies.variants",
    "with_domain_weight": "studies.variants",
    "with_effectiveness": "studies.variants",
    "with_partner_weight": "studies.variants",
    "with_period_budget": "studies.variants",
    "with_setting": "studies.variants",
    "with_type_budget": "studies.variants",
    "with_unit_cost": "studies.variants",
    "without_option": "studies.variants",
}

__all__ = [
    "Actuals",
    "Replan",
    "load_actuals",
    "replan",
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
    "with_partner_weight",
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
