"""The `interop` command line: thin commands over the library, one exit status per outcome.

Heavy libraries (pandas, PuLP, HiGHS) are imported inside the commands, so
`interop --help` starts as fast as click itself.
"""

from __future__ import annotations

import json
import math
import os
import signal
import sys
import threading
from collections.abc import Callable
from functools import wraps
from importlib import resources
from pathlib import Path
from typing import Any

import click

from .lp.status import EXIT_STATUS

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


def _terminated(signum: int, frame: object) -> None:
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
        from .errors import InputError, OutputError, ParamError, SolverError, printable

        try:
            return command(*args, **kwargs)
        except ParamError as error:
            message = str(error)
            if command.__name__ == "sweep":
                from .studies.variants import param_help

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
      interop sensitivity my.xlsx        shadow prices and allowable ranges
      interop sweep --param budget_scale --values 0.5:1.5:11
                                         the budget frontier (also: tornado, montecarlo)

    \b
    Exit statuses:
      0 optimal plan           3 infeasible targets    5 solver missing or failed
      2 bad input (nothing     4 time limit reached    1 internal error (a bug)
        was written)           6 evaluate: the plan breaks a rule
    130 interrupted (Ctrl-C or SIGTERM): nothing was written
    """
    # SIGTERM ends a run as Ctrl-C does: its workers stop with it (a killed parent left them running)
    if threading.current_thread() is threading.main_thread():  # only there may a handler be set
        signal.signal(signal.SIGTERM, _terminated)


@main.command(context_settings=CONTEXT)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@user_errors
def template(path: Path) -> None:
    """Write a blank scenario workbook with every sheet and column explained.

    Example: interop template inputs/my-scenario.xlsx
    """
    from .errors import OutputError
    from .io.template import write_template

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
    from .io.validate import load_scenario

    scenario = load_scenario(input)
    click.echo(
        f"{input}: valid. {len(scenario.partners)} partners, {len(scenario.domains)} domains, "
        f"{len(scenario.options)} options, {scenario.horizon} periods, {len(scenario.targets)} targets."
    )


def write_html_report(solution: Any, path: Path, inputs: list[Path]) -> Path:
    """The HTML report; matplotlib is imported only here, when one is asked for."""
    from .reports.html import write_html

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
    "--solver", type=click.Choice(["highs", "cbc"]), default="highs", show_default=True, help="LP solver."
)


def _finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """FloatRange lets nan and inf through (every comparison with nan is false)."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"expected a number of seconds > 0, got {value}")
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


def given_file(name: str, dest: str, help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A required input file or folder that must exist."""
    return click.option(name, dest, required=True, type=click.Path(exists=True, path_type=Path), help=help)


def announce(text: str, as_json: bool) -> None:
    """Human text: standard output, or standard error when standard output carries JSON."""
    click.echo(text, err=as_json)


@main.command(context_settings=CONTEXT)
@click.argument("input", required=False, type=click.Path(exists=True, path_type=Path))
@run_options("reports/<input>-plan.xlsx")
@click.option(
    "--export-model",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the phase-1 LP to this .mps or .lp file.",
)
@click.option(
    "--keep",
    type=click.Path(exists=True, path_type=Path),
    help="A plan already committed (the allocation layout solve writes): its units are kept as minimums.",
)
@click.option(
    "--relax",
    is_flag=True,
    help="Ignore whole units, lot sizes and set-ups as integers: solve the LP relaxation.",
)
@user_errors
def solve(
    input: Path | None,
    output: Path | None,
    as_json: bool,
    solver: str,
    time_limit: float | None,
    export_model: Path | None,
    keep: Path | None,
    relax: bool,
    html_path: Path | None,
) -> None:
    """Find the plan with the best interoperability score, then the least spend.

    Without INPUT, solves the bundled example scenario.

    \b
    Examples:
      interop solve
      interop solve inputs/example.xlsx -o reports/plan.xlsx
      interop solve inputs/example --json --solver cbc | jq .score
      interop solve inputs/example.xlsx --keep committed.csv
      interop solve --html reports/plan.html -o reports/plan.xlsx
    """
    from .errors import OutputError
    from .io.plan import load_plan
    from .io.validate import load_scenario
    from .lp.solve import solve as solve_scenario
    from .reports.plan import to_json, write_report
    from .reports.text import summary
    from .reports.writers import check_output

    source = input or example_path()
    target = output or Path("reports") / f"{Path(source).stem}-plan.xlsx"
    inputs = [p for p in (source, keep) if p]
    if export_model is not None:
        if export_model.suffix.lower() not in (".mps", ".lp"):
            raise OutputError(
                f"cannot export the model to '{export_model}': the name must end in .mps or .lp"
            )
        check_output(export_model, inputs, folder=False, what="model")
    check_outputs(target, html_path, [*inputs, *[p for p in (export_model,) if p]])
    scenario = load_scenario(source)
    committed = None if keep is None else load_plan(keep, scenario)
    solution = solve_scenario(
        scenario, solver=solver, time_limit=time_limit, export_model=export_model, keep=committed, relax=relax
    )
    written = [write_report(solution, target, inputs=[*inputs, *[p for p in (export_model,) if p]])]
    if html_path is not None:
        written.append(write_html_report(solution, html_path, inputs))
    announce(summary(solution), as_json)
    announce(f"Report written to {', '.join(map(str, written))}", as_json)
    if export_model is not None:
        announce(f"Phase-1 model written to {export_model}", as_json)
    if as_json:
        click.echo(json.dumps(to_json(solution), indent=2))
    sys.exit(exit_status([solution.status]))


@main.command(context_settings=CONTEXT)
@click.argument("input", type=click.Path(exists=True, path_type=Path))
@given_file(
    "--plan",
    "plan_path",
    "The plan: a CSV file, a folder with allocation.csv, or a workbook with an 'allocation' sheet.",
)
@click.option(
    "--compare", is_flag=True, help="Also solve the optimum, and the optimum at the plan's own spend."
)
@run_options("reports/<plan>-evaluation.xlsx")
@user_errors
def evaluate(
    input: Path,
    plan_path: Path,
    compare: bool,
    output: Path | None,
    as_json: bool,
    solver: str,
    time_limit: float | None,
    html_path: Path | None,
) -> None:
    """Score a plan of your own and list every rule it breaks.

    The plan has the layout of the allocation sheet that solve writes (option,
    partner, period, units), so a solved plan can be edited and fed back. A plan
    that breaks a rule is still evaluated; the exit status is then 6.

    \b
    Examples:
      interop evaluate inputs/example.xlsx --plan reports/example-plan.xlsx
      interop evaluate inputs/example.xlsx --plan draft.csv --compare
    """
    from .evaluation import evaluate as evaluate_plan
    from .io.plan import load_plan
    from .io.validate import load_scenario
    from .reports.plan import comparison_json, to_json, write_report
    from .reports.text import comparison_summary, summary
    from .studies.comparison import compare as compare_plans

    target = output or Path("reports") / f"{plan_path.stem}-evaluation.xlsx"
    check_outputs(target, html_path, [input, plan_path])
    scenario = load_scenario(input)
    evaluation = evaluate_plan(scenario, load_plan(plan_path, scenario))
    comparison = compare_plans(evaluation, solver=solver, time_limit=time_limit) if compare else None
    written = [write_report(evaluation, target, inputs=[input, plan_path], comparison=comparison)]
    if html_path is not None:
        written.append(write_html_report(evaluation, html_path, [input, plan_path]))
    announce(summary(evaluation), as_json)
    if comparison is not None:
        announce(comparison_summary(comparison), as_json)
    announce(f"Report written to {', '.join(map(str, written))}", as_json)
    if as_json:
        data = to_json(evaluation)
        if comparison is not None:
            data["comparison"] = comparison_json(comparison)
        click.echo(json.dumps(data, indent=2))
    sys.exit(EXIT_OK if evaluation.feasible else EXIT_PLAN_BREAKS_RULES)


@main.command(context_settings=CONTEXT)
@click.argument("input", type=click.Path(exists=True, path_type=Path))
@given_file("--plan", "plan_path", "The plan that was adopted (the allocation layout solve writes).")
@given_file(
    "--actuals", "actuals_path", "What happened: a workbook or CSV folder with sheets spent and measured."
)
@click.option(
    "--from",
    "replan_from",
    required=True,
    type=int,
    metavar="PERIOD",
    help="The first period to re-plan; earlier periods are history.",
)
@click.option(
    "--recalibrate", is_flag=True, help="Re-plan with each measured partner's implied effectiveness."
)
@run_options("reports/<input>-replan.xlsx")
@user_errors
def replan(
    input: Path,
    plan_path: Path,
    actuals_path: Path,
    replan_from: int,
    recalibrate: bool,
    output: Path | None,
    as_json: bool,
    html_path: Path | None,
    solver: str,
    time_limit: float | None,
) -> None:
    """Re-plan the periods left from what really happened, moving as little money as possible.

    Periods before PERIOD are history: units as really funded (the adopted plan's
    where a period has no spent rows), readiness as measured. The re-plan finds
    the best score for the years left, then the least spend, then, among those
    plans, the one that moves the least money from the adopted plan. Beside it:
    what changed, predicted against measured readiness, each partner's implied
    effectiveness, and what keeping the adopted plan would cost.

    \b
    Examples:
      interop replan inputs/example.xlsx --plan adopted.csv --actuals year2/ --from 3
      interop replan inputs/example.xlsx --plan adopted.csv --actuals year2.xlsx --from 3 --recalibrate --json
    """
    from .io.actuals import check_replan_from, load_actuals
    from .io.plan import load_plan
    from .io.validate import load_scenario
    from .reports.replan import replan_json, replan_summary, write_replan
    from .studies.replan import replan as replan_scenario

    inputs = [input, plan_path, actuals_path]
    target = output or Path("reports") / f"{input.stem}-replan.xlsx"
    check_outputs(target, html_path, inputs)
    scenario = load_scenario(input)
    check_replan_from(scenario, replan_from)
    adopted = load_plan(plan_path, scenario)
    actuals = load_actuals(actuals_path, scenario, replan_from)
    result = replan_scenario(
        scenario, adopted, actuals, replan_from, recalibrate=recalibrate, solver=solver, time_limit=time_limit
    )
    written = write_replan(result, target, html_path, inputs)
    announce(replan_summary(result), as_json)
    announce(f"Report written to {', '.join(map(str, written))}", as_json)
    if as_json:
        click.echo(json.dumps(replan_json(result, inputs), indent=2, allow_nan=False))
    sys.exit(exit_status([result.status]))


@main.command(context_settings=CONTEXT)
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--preset",
    type=click.Choice(["small", "medium", "large"]),
    help="Named size (partners x options x domains x periods): small 8x20x6x5, medium 30x100x8x5, "
    "large 60x400x10x10.",
)
@click.option("--partners", type=click.IntRange(min=1), help="Number of partners.")
@click.option("--options", type=click.IntRange(min=1), help="Number of investment options.")
@click.option("--domains", type=click.IntRange(min=1), help="Number of capability domains.")
@click.option("--periods", type=click.IntRange(min=1), help="Number of periods.")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed gives the same scenario.")
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@user_errors
def generate(
    path: Path,
    preset: str | None,
    partners: int | None,
    options: int | None,
    domains: int | None,
    periods: int | None,
    seed: int,
    force: bool,
) -> None:
    """Write a synthetic, valid scenario of any size, for studies and benchmarks.

    PATH ending in .xlsx gives a workbook, anything else a folder of CSV files.
    Sizes default to the preset's (small without one); each option overrides it.

    \b
    Examples:
      interop generate inputs/large.xlsx --preset large --seed 7
      interop generate inputs/tiny --partners 3 --options 5 --domains 2 --periods 3
    """
    from .errors import OutputError
    from .io.synthetic import PRESETS
    from .io.synthetic import generate as generate_scenario
    from .io.template import write_scenario

    if path.exists() and not force:
        raise OutputError(f"'{path}' exists already; choose a new name or pass --force")
    sizes = PRESETS[preset or "small"]
    chosen = [
        given or default for given, default in zip((partners, options, domains, periods), sizes, strict=True)
    ]
    write_scenario(generate_scenario(*chosen, seed=seed), path)
    click.echo(
        f"Wrote {path}: {chosen[0]} partners, {chosen[1]} options, {chosen[2]} domains, {chosen[3]} periods."
    )


@main.command(context_settings=CONTEXT)
@click.argument("result", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--scenario",
    type=click.Path(exists=True, path_type=Path),
    help="The scenario the result was solved for [default: the one the result names].",
)
@output_option("reports/<result>.xlsx")
@html_option
@user_errors
def report(result: Path, scenario: Path | None, output: Path | None, html_path: Path | None) -> None:
    """Render the report workbook and HTML page again from a saved JSON result, without solving.

    Labels (names, currency) come from the scenario as it is now, so a planner
    can change only labels and regenerate the reports.

    \b
    Examples:
      interop solve inputs/example.xlsx -o reports/plan.json
      interop report reports/plan.json --html reports/plan.html -o reports/plan.xlsx
    """
    from .errors import InputError, Problem
    from .io.validate import load_scenario
    from .reports.plan import solution_from_json, write_report

    try:
        data = json.loads(result.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(
            [Problem(str(result), f"expected a JSON result written by interop ({error})")]
        ) from None
    except RecursionError:
        raise InputError(
            [Problem(str(result), "expected a JSON result written by interop, not one nested this deeply")]
        ) from None
    source = scenario or (Path(data["source"]) if isinstance(data, dict) and data.get("source") else None)
    if source is None or not source.exists():
        raise InputError(
            [Problem(str(result), "expected --scenario: the scenario the result names is not found")]
        )
    inputs = [result, source]
    check_outputs(output or Path("reports") / f"{result.stem}.xlsx", html_path, inputs)
    solution = solution_from_json(data, load_scenario(source), source=str(result))
    fingerprints = data.get("inputs") or None
    written = [
        write_report(
            solution, output or Path("reports") / f"{result.stem}.xlsx", inputs, fingerprints=fingerprints
        )
    ]
    if html_path is not None:
        from .reports.html import write_html

        written.append(write_html(solution, html_path, inputs=inputs, fingerprints=fingerprints))
    click.echo(f"Report written to {', '.join(map(str, written))}")


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


def study_input(input: Path | None) -> Path:
    return input or example_path()


def check_outputs(output: Path, html_path: Path | None, inputs: list[Path], *, study: bool = False) -> None:
    """Refuse, before any work, every path the run would write that can never be written (an input,
    a bad suffix, a folder for a file): a run that refuses one of its outputs writes none of them."""
    from .reports.html import check_html

    if study:
        from .reports.study import check_output

        check_output(output, inputs)
    else:
        from .reports.plan import report_files
        from .reports.writers import check_output

        check_output(output, inputs, report_files())
    if html_path is not None:
        check_html(html_path, inputs)


def finish_study(
    result: Any,
    scenario: Any,
    source: Path,
    output: Path,
    html_path: Path | None,
    as_json: bool,
    solver: str,
    time_limit: float | None,
) -> None:
    """Write the study's report (and HTML page over the base plan), tell the user, print JSON.

    The page shows the base plan the study solved (tornado, Monte Carlo carry it as `result.base`);
    only a study that solved none (sensitivity ranges phase 1 only, a sweep) has it solved here.
    """
    from .reports.study import study_json, study_sections, study_summary, write_study

    written = [write_study(result, output, inputs=[source])]
    if html_path is not None:
        from .lp.solve import solve as solve_scenario
        from .reports.html import write_html

        base = getattr(result, "base", None) or solve_scenario(scenario, solver=solver, time_limit=time_limit)
        written.append(write_html(base, html_path, inputs=[source], extra_sections=study_sections(result)))
    announce(study_summary(result), as_json)
    announce(f"Report written to {', '.join(map(str, written))}", as_json)
    if as_json:
        click.echo(json.dumps(study_json(result, [source]), indent=2, allow_nan=False))


@main.command(context_settings=CONTEXT)
@click.argument("input", required=False, type=click.Path(exists=True, path_type=Path))
@run_options("reports/<input>-sensitivity.xlsx")
@click.option(
    "--basis-ranges",
    is_flag=True,
    help="Give the ranges of the optimal basis only, as Excel Solver does: faster on large scenarios "
    "(large preset: 2 s against 52 s), narrower where ties leave the price holding further.",
)
@click.option(
    "--relax",
    is_flag=True,
    help="Whole units: the LP relaxation's report, not prices given the plan's exercises and steps.",
)
@user_errors
def sensitivity(
    input: Path | None,
    output: Path | None,
    as_json: bool,
    html_path: Path | None,
    solver: str,
    time_limit: float | None,
    basis_ranges: bool,
    relax: bool,
) -> None:
    """The LP sensitivity report: shadow prices, allowable ranges, reduced costs.

    For every budget, type budget, partner cap and target: final value, shadow
    price, right-hand side and the allowable increase and decrease over which the
    price holds (HiGHS ranging); for every option x partner x period: units,
    reduced cost, funded; the unfunded options closest to entering. With CBC or a
    time limit reached there is no ranging: prices and reduced costs only.

    \b
    Examples:
      interop sensitivity
      interop sensitivity inputs/example.xlsx -o reports/sensitivity.xlsx --html reports/sens.html
      interop sensitivity big.xlsx --basis-ranges
    """
    from .io.validate import load_scenario
    from .studies.ranging import sensitivity as sensitivity_report

    source = study_input(input)
    target = output or Path("reports") / f"{source.stem}-sensitivity.xlsx"
    check_outputs(target, html_path, [source], study=True)
    scenario = load_scenario(source)
    result = sensitivity_report(
        scenario, solver=solver, time_limit=time_limit, extend_ranges=not basis_ranges, relax=relax
    )
    finish_study(result, scenario, source, target, html_path, as_json, solver, time_limit)
    sys.exit(exit_status([result.status]))


@main.command(context_settings=CONTEXT)
@click.argument("input", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--param", required=True, metavar="PARAM", help="What to vary, e.g. budget_scale, budget:3.")
@click.option(
    "--values",
    "values",
    required=True,
    metavar="LIST|START:STOP:N",
    help="Values of PARAM: 0.8,1,1.2 or 0.5:1.5:11 (N evenly spaced, both ends included).",
)
@run_options("reports/<input>-sweep.xlsx")
@parallel_options
@user_errors
def sweep(
    input: Path | None,
    param: str,
    values: str,
    output: Path | None,
    as_json: bool,
    html_path: Path | None,
    solver: str,
    time_limit: float | None,
    workers: int | None,
    scheduler: str | None,
) -> None:
    """Re-solve with one number of the scenario set to each of VALUES.

    \b
    PARAM is one of:
      budget_scale                   every period and type budget times the value
      budget:<period>                that period's total budget (an amount)
      type_budget:<type>             that type's budget times the value
      type_budget:<type>:<period>    that type's budget in that period (an amount)
      weakest_link                   the weakest-link emphasis, in [0, 1]
      domain_weight:<domain>         that domain's weight
      unit_cost:<option>             cost of one unit of that option
      gain_scale:<option>            every gain of that option times the value
      effectiveness:<partner>        that partner's effectiveness

    Budget PARAMs re-solve warm (the LP changed in place). The table gives, for
    each value, the score, spend, spend per period and units per option; for a
    budget PARAM the report's headline picture is the budget frontier.

    \b
    Examples:
      interop sweep --param budget_scale --values 0.5:1.5:11
      interop sweep inputs/example.xlsx --param weakest_link --values 0,0.25,0.5,1 --html sweep.html
    """
    from .io.validate import load_scenario
    from .studies.sweep import sweep as sweep_study
    from .studies.variants import parse_param, parse_values

    source = study_input(input)
    target = output or Path("reports") / f"{source.stem}-sweep.xlsx"
    parse_values(values)  # a malformed VALUES fails before the scenario is read
    check_outputs(target, html_path, [source], study=True)
    scenario = load_scenario(source)
    p = parse_param(scenario, param)
    result = sweep_study(
        scenario, p, values, solver=solver, workers=workers, scheduler=scheduler, time_limit=time_limit
    )
    finish_study(result, scenario, source, target, html_path, as_json, solver, time_limit)
    sys.exit(exit_status(list(result.points["status"])))


@main.command(context_settings=CONTEXT)
@click.argument("input", required=False, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--delta",
    type=float,
    default=0.2,
    show_default=True,
    help="How far each parameter moves down and up, as a fraction (0.2 = 20 %).",
)
@run_options("reports/<input>-tornado.xlsx")
@parallel_options
@user_errors
def tornado(
    input: Path | None,
    delta: float,
    output: Path | None,
    as_json: bool,
    html_path: Path | None,
    solver: str,
    time_limit: float | None,
    workers: int | None,
    scheduler: str | None,
) -> None:
    """Move each parameter down and up by DELTA, one at a time, and rank them by the score's swing.

    Parameters: each period's budget, each option's unit cost and gains, each
    domain's weight, each partner's effectiveness, and weakest_link.

    \b
    Examples:
      interop tornado
      interop tornado inputs/example.xlsx --delta 0.1 --html reports/tornado.html
    """

    from .io.validate import load_scenario
    from .reports.text import summary
    from .studies.tornado import tornado as tornado_study

    source = study_input(input)
    target = output or Path("reports") / f"{source.stem}-tornado.xlsx"
    check_outputs(target, html_path, [source], study=True)
    scenario = load_scenario(source)
    result = tornado_study(
        scenario, delta=delta, solver=solver, workers=workers, scheduler=scheduler, time_limit=time_limit
    )
    finish_study(result, scenario, source, target, html_path, as_json, solver, time_limit)
    if not result.base.has_plan:  # the base scenario itself has no plan: say why, as solve does
        announce(summary(result.base), as_json)
        sys.exit(exit_status([result.base.status]))
    sys.exit(exit_status(list(result.table["status_low"]) + list(result.table["status_high"])))


@main.command(context_settings=CONTEXT)
@click.argument("input", required=False, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-n",
    "draws",
    type=click.IntRange(min=1, max=MAX_DRAWS),
    default=1000,
    show_default=True,
    help=f"Number of draws (at most {MAX_DRAWS:,}).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="The same seed gives the same numbers, whatever the number of workers.",
)
@run_options("reports/<input>-montecarlo.xlsx")
@parallel_options
@user_errors
def montecarlo(
    input: Path | None,
    draws: int,
    seed: int,
    output: Path | None,
    as_json: bool,
    html_path: Path | None,
    solver: str,
    time_limit: float | None,
    workers: int | None,
    scheduler: str | None,
) -> None:
    """Robustness to uncertain gains: draw every gain from triangular(gain_low, gain, gain_high).

    For each draw: the optimal score, and the score the base case's plan really
    reaches. Reports percentiles and histograms of both, each option's
    probability of being funded, and each target's probability of being met by
    the base plan.

    \b
    Examples:
      interop montecarlo -n 1000 --seed 7
      interop montecarlo inputs/example.xlsx -n 200 --workers 4 --html reports/mc.html
    """
    from .io.validate import load_scenario
    from .reports.plan import to_json
    from .reports.text import summary
    from .studies.montecarlo import NoBasePlanError
    from .studies.montecarlo import monte_carlo as monte_carlo_study

    source = study_input(input)
    target = output or Path("reports") / f"{source.stem}-montecarlo.xlsx"
    check_outputs(target, html_path, [source], study=True)
    scenario = load_scenario(source)
    try:
        result = monte_carlo_study(
            scenario,
            n=draws,
            seed=seed,
            solver=solver,
            workers=workers,
            scheduler=scheduler,
            time_limit=time_limit,
        )
    except NoBasePlanError as error:
        solution = error.solution
        announce(summary(solution), as_json)
        announce("Monte Carlo needs a base plan to evaluate: nothing was written.", as_json)
        if as_json:
            data = {"study": "montecarlo", "status": solution.status, "base": to_json(solution)}
            click.echo(json.dumps(data, indent=2, allow_nan=False))
        sys.exit(exit_status([solution.status]))
    finish_study(result, scenario, source, target, html_path, as_json, solver, time_limit)
    sys.exit(exit_status(list(result.draws["status"])))
