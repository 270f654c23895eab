"""Messages a user sees are safe to print and short enough to read (issue 14, rows 3 and 20)."""

from __future__ import annotations

from optimizer.errors import Problem


def test_problems_never_print_terminal_controls_or_walls_of_text() -> None:
    """A partner id holding an OSC title sequence (ESC ] 0 ; ... BEL) and a bidi override, suggested
    back in a "did you mean" hint, prints escaped; a 40,000-character value is clipped."""
    hostile = "Gal\x1b]0;pwned\x07\u202eia"
    line = str(
        Problem(
            "in.xlsx", f"expected a partner; did you mean '{hostile}'?", "baseline", 3, "partner", hostile
        )
    )
    assert "\x1b" not in line and "\x07" not in line and "\u202e" not in line
    assert "\\x1b]0;pwned\\x07" in line and "\\u202e" in line
    long = str(Problem("in.xlsx", "expected an id", "partners", 2, "partner", "x" * 40_000))
    assert len(long) < 200 and "(40000 characters)" in long
