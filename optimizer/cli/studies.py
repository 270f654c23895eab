"""The study commands: sensitivity, sweep, tornado, montecarlo."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from .options import (
    CONTEXT,
    MAX_DRAWS,
    announce,
    check_outputs,
    example_path,
    exit_status,
    parallel_options,
    relax_option,
    run_options,
    user_errors,
)


def study_input(input: Path | None) -> Path:
    return input or example_path()


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
    from ..reports.study import study_json, study_sections, study_summary, write_study

    written = [write_study(result, output, inputs=[source])]
    if html_path is not None:
        from ..lp.solve import solve as solve_scenario
        from ..reports.html import write_html

        base = getattr(result, "base", None) or solve_scenario(scenario, solver=solver, time_limit=time_limit)
        written.append(write_html(base, html_path, inputs=[source], extra_sections=study_sections(result)))
    announce(study_summary(result), as_json)
    announce(f"Report written to {', '.join(map(str, written))}", as_json)
    if as_json:
        click.echo(json.dumps(study_json(result, [source]), indent=2, allow_nan=False))


@click.command(context_settings=CONTEXT)
@click.argument("input", required=False, type=click.Path(exists=True, path_type=Path))
@run_options("reports/<input>-sensitivity.xlsx")
@click.option(
    "--basis-ranges",
    is_flag=True,
    help="Give the ranges of the optimal basis only, as Excel Solver does: faster on large scenarios "
    "(large preset: 2 s against 52 s), narrower where ties leave the price holding further.",
)
@click.option(
    "--no-estimate-ranges",
    is_flag=True,
    help="Leave out the ranges of the funded options' gains and unit costs (warm re-solves: "
    "the medium preset's report takes about 2.7x as long with them).",
)
@relax_option("Whole units: the LP relaxation's report, not prices given the plan's exercises and steps.")
@user_errors
def sensitivity(
    input: Path | None,
    output: Path | None,
    as_json: bool,
    html_path: Path | None,
    solver: str,
    time_limit: float | None,
    basis_ranges: bool,
    no_estimate_ranges: bool,
    relax: bool,
) -> None:
    """The LP sensitivity report: shadow prices, allowable ranges, reduced costs, estimate ranges.

    For every budget, type budget, partner cap and target: final value, shadow
    price, right-hand side and the allowable increase and decrease over which the
    price holds (HiGHS ranging); for every option x partner x period: units,
    reduced cost, funded; the unfunded options closest to entering; for every
    funded option, the range of each gain and of its unit cost over which the plan
    funds the same cells (estimate ranges). With CBC or a time limit reached there
    is no ranging: prices and reduced costs only.

    \b
    Examples:
      interop sensitivity
      interop sensitivity inputs/example.xlsx -o reports/sensitivity.xlsx --html reports/sens.html
      interop sensitivity big.xlsx --basis-ranges
    """
    from ..io.validate import load_scenario
    from ..studies.ranging import sensitivity as sensitivity_report

    source = study_input(input)
    target = output or Path("reports") / f"{source.stem}-sensitivity.xlsx"
    check_outputs(target, html_path, [source], study=True)
    scenario = load_scenario(source)
    result = sensitivity_report(
        scenario,
        solver=solver,
        time_limit=time_limit,
        extend_ranges=not basis_ranges,
        relax=relax,
        estimates=not no_estimate_ranges,
    )
    finish_study(result, scenario, source, target, html_path, as_json, solver, time_limit)
    sys.exit(exit_status([result.status]))


@click.command(context_settings=CONTEXT)
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
      partner_weight:<partner>       that partner's weight
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
    from ..io.validate import load_scenario
    from ..studies.sweep import sweep as sweep_study
    from ..studies.variants import parse_param, parse_values

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


@click.command(context_settings=CONTEXT)
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
    """Move each parameter down and up by DELTA, one at a time, and rank what it changes.

    Facts (each period's budget, each option's unit cost and gains, each
    partner's effectiveness) are ranked by the swing of the optimal score.
    Value judgements (each domain's and partner's weight, weakest_link) change
    the yardstick, not what can be achieved: they are shown apart, ranked by
    the money the plan moves from the base plan.

    \b
    Examples:
      interop tornado
      interop tornado inputs/example.xlsx --delta 0.1 --html reports/tornado.html
    """

    from ..io.validate import load_scenario
    from ..reports.text import summary
    from ..studies.tornado import tornado as tornado_study

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


@click.command(context_settings=CONTEXT)
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
    """Robustness to uncertain gains: draw every gain from triangular(gain_low, gain, gain_high),
    every pair gain from triangular(pair_gain_low, pair_gain, pair_gain_high).

    For each draw: the optimal score, and the score the base case's plan really
    reaches. Reports percentiles and histograms of both, each option's
    probability of being funded, and each target's probability of being met by
    the base plan.

    \b
    Examples:
      interop montecarlo -n 1000 --seed 7
      interop montecarlo inputs/example.xlsx -n 200 --workers 4 --html reports/mc.html
    """
    from ..io.validate import load_scenario
    from ..reports.plan import to_json
    from ..reports.text import summary
    from ..studies.montecarlo import NoBasePlanError
    from ..studies.montecarlo import monte_carlo as monte_carlo_study

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
