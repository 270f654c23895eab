"""The `interop` command line: thin commands over the library, one exit status per outcome.

Heavy libraries (pandas, PuLP, HiGHS) are imported inside the commands, so
`interop --help` starts as fast as click itself.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from importlib import resources
from pathlib import Path
from typing import Any

import click

EXIT_OK = 0
EXIT_INTERNAL = 1  # a bug: please report it
EXIT_INPUT = 2  # bad input or arguments: nothing was written
EXIT_INFEASIBLE = 3  # the targets cannot all be met within the budgets
EXIT_TIME_LIMIT = 4  # stopped at the time limit: plan not proven optimal, or none found
EXIT_SOLVER = 5  # the solver is missing or failed

STATUS_EXIT = {
    "optimal": EXIT_OK,
    "infeasible": EXIT_INFEASIBLE,
    "time_limit": EXIT_TIME_LIMIT,
    "error": EXIT_SOLVER,
}

CONTEXT = {"help_option_names": ["-h", "--help"]}


def example_path() -> Path:
    """The example scenario shipped inside the package."""
    return Path(str(resources.files("optimizer") / "data" / "example.xlsx"))


def fail(message: str, code: int) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def user_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into one-line messages and documented exit statuses; no tracebacks."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .errors import InputError, OutputError, SolverError

        try:
            return command(*args, **kwargs)
        except InputError as error:
            for problem in error.problems:
                click.echo(str(problem), err=True)
            count = len(error.problems)
            fail(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", EXIT_INPUT)
        except OutputError as error:
            fail(f"error: {error}", EXIT_INPUT)
        except SolverError as error:
            fail(f"solver error: {error}", EXIT_SOLVER)
        except (KeyboardInterrupt, click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as error:  # a bug: say so plainly, keep the traceback for INTEROP_DEBUG
            if os.environ.get("INTEROP_DEBUG"):
                raise
            fail(
                f"internal error: {type(error).__name__}: {error} (set INTEROP_DEBUG=1 for details)",
                EXIT_INTERNAL,
            )

    return wrapper


@click.group(name="interop", context_settings=CONTEXT)
@click.version_option(package_name="interop-optimizer", prog_name="interop")
def main() -> None:
    """Interoperability readiness optimizer: the plan that makes a coalition most
    interoperable for the money.

    \b
    Start here:
      interop solve                      solve the bundled example scenario
      interop template my.xlsx           a blank, annotated scenario workbook
      interop validate my.xlsx           check a scenario, every problem at once
      interop solve my.xlsx -o plan.xlsx write the plan and its report

    \b
    Exit statuses:
      0 optimal plan           3 infeasible targets    5 solver missing or failed
      2 bad input (nothing     4 time limit reached    1 internal error (a bug)
        was written)
    """


@main.command(context_settings=CONTEXT)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@user_errors
def template(path: Path) -> None:
    """Write a blank scenario workbook with every sheet and column explained.

    Example: interop template inputs/my-scenario.xlsx
    """
    from .errors import OutputError
    from .template import write_template

    if path.suffix.lower() != ".xlsx":
        raise OutputError(f"the template must be an .xlsx file, not '{path}'")
    if path.exists():
        raise OutputError(f"'{path}' exists already; choose a new name (a template never replaces a file)")
    write_template(path)
    click.echo(f"Wrote {path}: fill in the sheets, then run: interop validate {path}")


@main.command(context_settings=CONTEXT)
@click.argument("input", type=click.Path(exists=True, path_type=Path))
@user_errors
def validate(input: Path) -> None:
    """Check a scenario workbook or CSV folder and list every problem.

    Example: interop validate inputs/example.xlsx
    """
    from .validate import load_scenario

    scenario = load_scenario(input)
    click.echo(
        f"{input}: valid. {len(scenario.partners)} partners, {len(scenario.domains)} domains, "
        f"{len(scenario.options)} options, {scenario.horizon} periods, {len(scenario.targets)} targets."
    )


@main.command(context_settings=CONTEXT)
@click.argument("input", required=False, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Report to write: .xlsx workbook, .json, or a folder for CSV files "
    "[default: reports/<input>-plan.xlsx].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on standard output.")
@click.option(
    "--solver", type=click.Choice(["highs", "cbc"]), default="highs", show_default=True, help="LP solver."
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Stop the solver after this long and report the best plan found.",
)
@click.option(
    "--export-model",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the phase-1 LP to this .mps or .lp file.",
)
@user_errors
def solve(
    input: Path | None,
    output: Path | None,
    as_json: bool,
    solver: str,
    time_limit: float | None,
    export_model: Path | None,
) -> None:
    """Find the plan with the best interoperability score, then the least spend.

    Without INPUT, solves the bundled example scenario.

    \b
    Examples:
      interop solve
      interop solve inputs/example.xlsx -o reports/plan.xlsx
      interop solve inputs/example --json --solver cbc | jq .score
    """
    from .errors import OutputError
    from .report import summary, to_json, write_report
    from .solve import solve as solve_scenario
    from .validate import load_scenario

    source = input or example_path()
    if export_model is not None and export_model.suffix.lower() not in (".mps", ".lp"):
        raise OutputError(f"cannot export the model to '{export_model}': the name must end in .mps or .lp")
    scenario = load_scenario(source)
    solution = solve_scenario(scenario, solver=solver, time_limit=time_limit, export_model=export_model)
    target = output or Path("reports") / f"{Path(source).stem}-plan.xlsx"
    written = write_report(solution, target, inputs=[source])
    click.echo(summary(solution), err=as_json)
    click.echo(f"Report written to {written}", err=as_json)
    if export_model is not None:
        click.echo(f"Phase-1 model written to {export_model}", err=as_json)
    if as_json:
        click.echo(json.dumps(to_json(solution), indent=2))
    sys.exit(STATUS_EXIT[solution.status])
