"""The `interop` command line: thin commands over the library, one exit status per outcome.

Heavy libraries (pandas, PuLP, HiGHS) are imported inside the commands, so `interop --help` starts as
fast as click itself. The commands live by kind in `plans` and `studies`; what they share in `options`.
"""

from __future__ import annotations

import signal
import threading

import click

from . import plans, studies
from .options import CONTEXT, terminated


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
        signal.signal(signal.SIGTERM, terminated)


for command in (
    plans.template,
    plans.validate,
    plans.solve,
    plans.evaluate,
    plans.replan,
    plans.generate,
    plans.report,
    studies.sensitivity,
    studies.sweep,
    studies.tornado,
    studies.montecarlo,
):
    main.add_command(command)
