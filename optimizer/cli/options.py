"""What every `interop` command shares: exit statuses, the error wrapper, options declared once,
and the check of every output path before any work.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable
from functools import wraps
from importlib import resources
from pathlib import Path
from typing import Any

import click

from ..lp.status import EXIT_STATUS

EXIT_OK = 0
EXIT_INTERNAL = 1  # a bug: please report it
EXIT_INPUT = 2  # bad input or arguments: nothing was written
EXIT_INFEASIBLE = 3  # the targets cannot all be met within the budgets
EXIT_TIME_LIMIT = 4  # stopped at the time limit: plan not proven optimal, or none found
EXIT_SOLVER = 5  # the solver is missing or failed
EXIT_PLAN_BREAKS_RULES = 6  # evaluate: the plan breaks a rule of the scenario (it is still evaluated)
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM: stopped, nothing written (the shell's 128 + SIGINT)


CONTEXT = {"help_option_names": ["-h", "--help"]}


def exit_status(statuses: list[str]) -> int:
    """The exit status of a run from the statuses of its solves: one rule for every command.

    5 when any solve failed, 4 when any stopped at the time limit, 3 when none had a plan, else 0. A
    single solve thus exits as lp.status.EXIT_STATUS says; infeasible variants beside feasible ones are
    findings of a study.
    """
    for status in ("error", "time_limit"):
        if status in statuses:
            return EXIT_STATUS[status]
    if statuses and all(s == "infeasible" for s in statuses):
        return EXIT_INFEASIBLE
    return EXIT_OK


def terminated(signum: int, frame: object) -> None:
    """SIGTERM as Ctrl-C: the run stops the same way."""
    raise KeyboardInterrupt


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
        from ..errors import InputError, OutputError, ParamError, SolverError, printable

        try:
            return command(*args, **kwargs)
        except ParamError as error:
            message = str(error)
            if command.__name__ == "sweep":
                from ..studies.variants import param_help

                if param_help() not in message:
                    message += (
                        f"\nValid PARAMs:\n{param_help()}\n"
                        "VALUES: numbers separated by commas (0.8,1,1.2) or START:STOP:N (0.5:1.5:11)"
                    )
            fail(f"error: {message}\nNothing was written.", EXIT_INPUT)
        except InputError as error:
            for problem in error.problems:
                click.echo(str(problem), err=True)
            count = len(error.problems)
            fail(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", EXIT_INPUT)
        except OutputError as error:
            fail(f"error: {error}", EXIT_INPUT)
        except SolverError as error:
            fail(f"solver error: {error}", EXIT_SOLVER)
        except OSError as error:  # the file system refused a path the user gave (read-only, too long, full)
            where = f" '{printable(error.filename)}'" if error.filename else ""
            fail(f"error: could not use{where}: {printable(error.strerror or error)}", EXIT_INPUT)
        except KeyboardInterrupt:  # Ctrl-C: the workers are stopped, and reports are written only at the end
            click.echo("interrupted: nothing was written", err=True)
            sys.stderr.flush()
            # at once: exit handlers would join the stopped pool's threads, which can hang (seen here)
            os._exit(EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as error:  # a bug: say so plainly, keep the traceback for INTEROP_DEBUG
            if os.environ.get("INTEROP_DEBUG"):
                raise
            fail(
                f"internal error: {type(error).__name__}: {error} (set INTEROP_DEBUG=1 for details)",
                EXIT_INTERNAL,
            )

    return wrapper


def write_html_report(solution: Any, path: Path, inputs: list[Path]) -> Path:
    """The HTML report; matplotlib is imported only here, when one is asked for."""
    from ..reports.html import write_html

    return write_html(solution, path, inputs=inputs)


def output_option(default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "-o",
        "--output",
        type=click.Path(),
        callback=_not_blank,
        help=f"Report to write: .xlsx workbook, .json, or a folder for CSV files [default: {default}].",
    )


json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print the result as JSON on standard output."
)
solver_option = click.option(
    "--solver",
    type=click.Choice(["highs", "cbc"]),
    default="highs",
    show_default=True,
    is_eager=True,  # known when --time-limit is checked against it
    help="LP solver.",
)


def _finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """FloatRange lets nan and inf through (every comparison with nan is false); a solver that
    would ignore the limit is refused rather than left to run past it."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"expected a number of seconds > 0, got {value}")
    name = ctx.params.get("solver")
    if value is not None and name is not None:
        from ..lp.solvers import solver

        entry = solver(name)
        if not entry.time_limit:
            raise click.BadParameter(
                f"{entry.label} does not stop an LP at a time limit (it applies one to branching "
                "only); leave out --time-limit, or use --solver highs"
            )
    return value


def _not_blank(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    """An empty name would become the current folder: say so rather than write there."""
    if value is not None and not value.strip():
        raise click.BadParameter("expected a file or folder name, got an empty one")
    return None if value is None else Path(value)


time_limit_option = click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    callback=_finite,
    metavar="SECONDS",
    help="Stop the solver after this long and report the best plan found.",
)


html_option = click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a self-contained HTML report (with charts) to this .html file.",
)


def run_options(default_output: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The options of every command that solves: output, JSON, HTML, solver, time limit. Defined once,
    applied by one decorator, as sqlite-utils' `output_options` does."""
    return _apply(output_option(default_output), json_option, html_option, solver_option, time_limit_option)


def _apply(*options: Callable[[Any], Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def relax_option(help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--relax: whole units, lot sizes and set-ups taken as fractions (Excel Solver's "ignore integer
    constraints"); `help` says what that means for the command."""
    return click.option("--relax", is_flag=True, help=help)


def given_file(name: str, dest: str, help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A required input file or folder that must exist."""
    return click.option(name, dest, required=True, type=click.Path(exists=True, path_type=Path), help=help)


def announce(text: str, as_json: bool) -> None:
    """Human text: standard output, or standard error when standard output carries JSON."""
    click.echo(text, err=as_json)


# --------------------------------------------------------------------------- sensitivity studies

workers_option = click.option(
    "--workers",
    type=click.IntRange(min=1),
    metavar="N",
    help="Local worker processes [default: all cores]. The numbers do not depend on it.",
)
DASK_SCHEMES = ("tcp", "tls", "ws", "wss", "inproc", "ucx")
MAX_DRAWS = 100_000  # Monte Carlo draws of one run: each is a solve, and its gains are drawn at once


def _scheduler(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A Dask address (tcp://host:port, or host:port), checked before any worker is asked for."""
    if value is None:
        return None
    scheme, has_scheme, rest = value.partition("://")
    address = rest if has_scheme else value
    if (has_scheme and scheme.lower() not in DASK_SCHEMES) or not address or address.startswith(":"):
        raise click.BadParameter(
            f"expected a Dask scheduler address such as tcp://10.0.0.5:8786 "
            f"(schemes: {', '.join(DASK_SCHEMES)}), got {value!r}"
        )
    return value


scheduler_option = click.option(
    "--scheduler",
    metavar="ADDRESS",
    envvar="DASK_SCHEDULER_ADDRESS",
    callback=_scheduler,
    help="Run on this Dask distributed scheduler (e.g. tcp://10.0.0.5:8786) instead of local processes "
    "[env: DASK_SCHEDULER_ADDRESS].",
)
parallel_options = _apply(workers_option, scheduler_option)


def check_outputs(output: Path, html_path: Path | None, inputs: list[Path], *, study: bool = False) -> None:
    """Refuse, before any work, every path the run would write that can never be written (an input,
    a bad suffix, a folder for a file): a run that refuses one of its outputs writes none of them."""
    from ..reports.html import check_html

    if study:
        from ..reports.study import check_output

        check_output(output, inputs)
    else:
        from ..reports.plan import report_files
        from ..reports.writers import check_output

        check_output(output, inputs, report_files())
    if html_path is not None:
        check_html(html_path, inputs)
