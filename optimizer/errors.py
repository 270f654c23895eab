"""Exceptions the library raises; the command line turns each into one exit status.

An input problem is collected, never raised alone: checks add located
`Problem`s to a list and the caller raises one `InputError` holding them all,
so a planner fixes a whole workbook in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass

LONGEST_VALUE = 80  # characters of a found value shown in a message; a longer one is clipped


def printable(text: object) -> str:
    """Text safe to print: control and format characters (escape sequences, bidi overrides such as
    U+202E) shown escaped, never obeyed by the terminal."""
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(text)
    )


# the controls that reorder text (Trojan Source): U+202E shows "txt.exe" as "exe.txt"
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def without_bidi(text: str) -> str:
    """`text` with its bidi controls shown escaped, as `printable` shows them; every other
    character kept (a CSV cell keeps its line breaks and tabs)."""
    if not BIDI_CONTROLS.intersection(text):
        return text
    return "".join(printable(ch) if ch in BIDI_CONTROLS else ch for ch in text)


def clipped(value: object) -> str:
    """repr(value), cut to LONGEST_VALUE characters with the full length said."""
    shown = repr(value)
    if len(shown) <= LONGEST_VALUE:
        return shown
    return f"{shown[: LONGEST_VALUE - 20]}... ({len(str(value))} characters)"


@dataclass(frozen=True)
class Problem:
    """One located input problem: where it is, what was found, what was expected."""

    file: str
    expected: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: object = None

    def __str__(self) -> str:
        where = []
        if self.sheet is not None:
            where.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = ": ".join(
            [self.file, ", ".join(where), self.expected] if where else [self.file, self.expected]
        )
        if self.value is not None:
            text += f", got {clipped(self.value)}"
        return printable(text)


class InputError(Exception):
    """The scenario cannot be used as given; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputError(Exception):
    """A report cannot be written where asked (for example over an input file)."""


class SolverError(Exception):
    """The solver is missing or failed in a way that says nothing about the scenario."""


class ParamError(ValueError):
    """A study PARAM, its target or a value that cannot be used; the message names the valid choices."""
