"""The look every report shares: one palette (workbook charts, matplotlib pictures, HTML) and one
way of writing a number as text (terminal summaries and HTML pages), so that formats agree.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import printable as clean_text  # user text safe for a terminal

# Colours of the four readiness levels, light to dark (ColorBrewer YlGnBu: safe for colour-blind
# readers, and grey print keeps the order), and the text colour that reads on each.
LEVEL_COLOURS = ("#FFFFCC", "#A1DAB4", "#41B6C4", "#225EA8")
LEVEL_TEXT_COLOURS = ("#000000", "#000000", "#000000", "#FFFFFF")
MISSING_COLOUR = "#E0E0E0"

# Okabe-Ito: told apart by colour-blind readers; markers, hatching and line styles carry the same
# distinctions in black and white.
BLUE, ORANGE, GREEN, VERMILION, PURPLE, SKY, YELLOW = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
)  # fmt: skip
# Option types, each with its own fill pattern (hatch in pictures, pattern in Excel) for print.
TYPE_COLOURS = (ORANGE, BLUE, GREEN, PURPLE, SKY, VERMILION, YELLOW, "#999999")
TYPE_HATCHES = ("", "///", "...", "xxx", "\\\\\\", "+++", "ooo", "---")
EXCEL_PATTERNS = (
    None,
    "wide_upward_diagonal",
    "small_grid",
    "wide_downward_diagonal",
    "dotted_diamond",
    "dark_horizontal",
    "large_confetti",
    "dark_vertical",
)


def excel_fill(colour: str, hatched: bool) -> dict[str, Any]:
    """The fill of an Excel chart series: solid, or hatched in `colour` on white, so that the second
    of a pair reads apart from the first in black and white."""
    if not hatched:
        return {"fill": {"color": colour}}
    return {"pattern": {"pattern": "wide_upward_diagonal", "fg_color": colour, "bg_color": "#FFFFFF"}}


# Lines of a study picture or chart: colour, marker and dash change together.
LINE_COLOURS = (BLUE, VERMILION, GREEN, PURPLE, ORANGE, SKY, "#000000", "#999999")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)))
EXCEL_MARKERS = ("circle", "square", "triangle", "diamond", "x", "star", "plus", "dash")
EXCEL_DASHES = ("solid", "dash", "round_dot", "long_dash", "dash_dot", "long_dash_dot", "square_dot", "solid")

TORNADO_BARS = 15  # bars of a tornado or shadow-price chart, in the workbook and the HTML picture

MISSING = "–"  # an unknown number: no plan, an infeasible variant, a range HiGHS does not give


def number(
    value: float | None,
    decimals: int = 1,
    *,
    grouped: bool = True,
    trim: bool = False,
    cut: bool = False,
    significant: int = 0,
) -> str:
    """A number as a reader sees it: "–" when unknown, "unbounded" when infinite, never "-0.0".

    grouped: thousands separators (pages and tables; terminal lines go without);
    trim: drop trailing zeros ("2.5 units", "3 units");
    cut: round down, so that a score never reads as the next level;
    significant: that many significant digits below 10**significant, whole numbers above
    (prices: "0.0803", "1,234").
    """
    if value is None or (isinstance(value, (float, np.floating)) and math.isnan(value)):
        return MISSING
    value = float(value)
    if math.isinf(value):
        return "unbounded" if value > 0 else "-unbounded"
    comma = "," if grouped else ""
    if significant and abs(value) < 10**significant:
        return f"{value:.{significant}g}"
    if significant:
        decimals = 0
    if cut:
        value = math.floor(value * 10**decimals + 1e-6) / 10**decimals
    text = f"{value:{comma}.{decimals}f}"
    if trim and decimals:
        text = text.rstrip("0").rstrip(".") or "0"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def on_scale(value: float | None, unit: float, *, grouped: bool = True) -> str:
    """A score against its cap, or money against the budget, as a reader sees it: as `number` on
    an ordinary scale (a unit of 1 or more), else three significant digits, so that a cap of 1e-6
    reads "5.72e-07", not "0.0"; rounding noise under 1e-9 of the unit reads 0 either way."""
    if value is None or not math.isfinite(value) or unit >= 1:
        return number(value, grouped=grouped)
    if abs(value) < 1e-9 * unit:
        return "0"
    return f"{value:.3g}"


def money(value: float | None, currency: str, *, grouped: bool = True) -> str:
    """An amount with the currency label after it ("12.5 EUR"), "–" when unknown."""
    if value is None:
        return MISSING
    return f"{number(value, grouped=grouped)} {currency}".rstrip()


def cell(value: Any, decimals: int = 2) -> str:
    """Any study cell as text: numbers by `number`, booleans yes/no, user text made safe."""
    if value is None:
        return MISSING
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return number(value, decimals)
    return clean_text(value)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def partner_label(partner: Any, width: int = 24) -> str:
    """A partner as a picture or table names it: "name (id)", long names cut."""
    if not partner.name or partner.name == partner.id:
        return partner.id
    name = partner.name if len(partner.name) <= width else partner.name[: width - 1] + "…"
    return f"{name} ({partner.id})"
