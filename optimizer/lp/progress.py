"""A long MIP's progress on the terminal: incumbent, bound, gap and elapsed time on stderr.

Only when stderr is a terminal: piped or redirected output stays as it was.
"""

from __future__ import annotations

import sys

from .highs import Progress


def line(incumbent: float, bound: float, gap: float, seconds: float) -> str:
    """One progress line, as a planner reads it."""
    plan = "no plan yet" if abs(incumbent) >= 1e30 else f"best plan {incumbent:.6g}"
    return f"  {seconds:7.1f} s  {plan}  bound {bound:.6g}  gap {100 * min(gap, 9.99):.2f}%"


def on_terminal() -> Progress | None:
    """A Progress writing to stderr, or None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None

    def report(incumbent: float, bound: float, gap: float, seconds: float) -> None:
        print(line(incumbent, bound, gap, seconds), file=sys.stderr, flush=True)

    return Progress(report)
