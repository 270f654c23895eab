"""Commands on one scenario or plan: template, validate, solve, evaluate, replan, generate, report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .options import (
    CONTEXT,
    EXIT_OK,
    EXIT_PLAN_BREAKS_RULES,
    announce,
    check_outputs,
    example_path,
    exit_status,
    given_file,
    html_option,
    output_option,
    relax_option,
    run_options,
    user_errors,
    write_html_report,
)


@click.command(context_settings=CONTEXT)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@user_errors
def template(path: Path) -> None:
    """Write a blank scenario workbook with every sheet and column explained.

    Example: interop template inputs/my-scenario.xlsx
    """
    from ..errors import OutputError
    from ..io.template import write_template
    from ..reports.writers import refused_writes

    if path.suffix.lower() != ".xlsx":
        raise OutputError(f"the template must be an .xlsx file, not '{path}'")
    if path.exists():
        raise OutputError(f"'{path}' exists already; choose a new name (a template never replaces a file)")
    with refused_writes(str(path), "template"):
        write_template(path)
    click.echo(f"Wrote {path}: fill in the sheets, then run: interop validate {path}")


@click.command(context_settings=CONTEXT)
@click.argument("input", type=click.Path(exists=True, path_type=Path))
@user_errors
def validate(input: Path) -> None:
    """Check a scenario workbook or CSV folder and list every problem.

    Example: interop validate inputs/example.xlsx
    """
    from ..io.validate import load_scenario

    scenario = load_scenario(input)
    click.echo(
        f"{input}: valid. {len(scenario.partners)} partners, {len(scenario.domains)} domains, "
        f"{len(scenario.options)} options, {scenario.horizon} periods, {len(scenario.targets)} targets."
    )


@click.command(context_settings=CONTEXT)
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
@relax_option("Ignore whole units, lot sizes and set-ups as integers: solve the LP relaxation.")
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
    from ..errors import OutputError
    from ..io.plan import load_plan
    from ..io.validate import load_scenario
    from ..lp.solve import solve as solve_scenario
    from ..reports.plan import to_json, write_report
    from ..reports.text import summary
    from ..reports.writers import check_output

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


@click.command(context_settings=CONTEXT)
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
    from ..evaluation import evaluate as evaluate_plan
    from ..io.plan import load_plan
    from ..io.validate import load_scenario
    from ..reports.plan import comparison_json, to_json, write_report
    from ..reports.text import comparison_summary, summary
    from ..studies.comparison import compare as compare_plans

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


@click.command(context_settings=CONTEXT)
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
    from ..io.actuals import check_replan_from, load_actuals
    from ..io.plan import load_plan
    from ..io.validate import load_scenario
    from ..reports.replan import replan_json, replan_summary, write_replan
    from ..studies.replan import replan as replan_scenario

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


@click.command(context_settings=CONTEXT)
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
    from ..errors import OutputError
    from ..io.synthetic import PRESETS
    from ..io.synthetic import generate as generate_scenario
    from ..io.template import write_scenario
    from ..reports.writers import refused_writes

    if path.exists() and not force:
        raise OutputError(f"'{path}' exists already; choose a new name or pass --force")
    sizes = PRESETS[preset or "small"]
    chosen = [
        given or default for given, default in zip((partners, options, domains, periods), sizes, strict=True)
    ]
    scenario = generate_scenario(*chosen, seed=seed)
    with refused_writes(str(path), "scenario"):
        write_scenario(scenario, path)
    click.echo(
        f"Wrote {path}: {chosen[0]} partners, {chosen[1]} options, {chosen[2]} domains, {chosen[3]} periods."
    )


@click.command(context_settings=CONTEXT)
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
    from ..errors import InputError, Problem
    from ..io.validate import load_scenario
    from ..reports.plan import solution_from_json, write_report

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
    if isinstance(data, dict) and isinstance(data.get("study"), str):
        kind = data["study"]
        raise InputError(
            [
                Problem(
                    str(result),
                    f"expected a plan's result (from solve, replan or evaluate); this is a {kind} study's, "
                    f"whose workbook and HTML 'interop {kind} -o FILE --html FILE' writes",
                )
            ]
        )
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
        from ..reports.html import write_html

        written.append(write_html(solution, html_path, inputs=inputs, fingerprints=fingerprints))
    click.echo(f"Report written to {', '.join(map(str, written))}")
