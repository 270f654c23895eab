"""The one declaration of the scenario workbook: sheets, columns, kinds, defaults.

The reader, the validator, the template writer and the README all draw on
this module, so the format is written down once (see shared/workbook.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["id", "text", "number", "integer", "id_list", "period", "yes_no"]


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its kind, whether it must be filled, what it means."""

    name: str
    kind: Kind
    required: bool
    note: str


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    required: bool
    note: str
    open_columns: str | None = None  # what extra columns may name (budgets: option types)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class Setting:
    key: str
    default: str
    note: str


IGNORED_HEADERS = ("notes", "comment")  # and any header starting with '#'


def is_ignored_header(header: str) -> bool:
    """The user's own columns: '#…', 'notes' and 'comment' are never read."""
    h = header.strip().lower()
    return h.startswith("#") or h in IGNORED_HEADERS


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "partners",
        (
            Column("partner", "id", True, "Short identifier, unique (text, e.g. ALD)."),
            Column("name", "text", False, "Full name, for reports."),
            Column("weight", "number", False, "Weight in the score, >= 0 (default 1)."),
            Column(
                "cost_factor",
                "number",
                False,
                "Unit costs for this partner are multiplied by it, > 0 (default 1).",
            ),
            Column(
                "effectiveness",
                "number",
                False,
                "Gains for this partner are multiplied by it, >= 0 (default 1).",
            ),
            Column(
                "max_spend",
                "number",
                False,
                "Most that may be spent on this partner in one period, >= 0 (blank: no cap).",
            ),
        ),
        True,
        "One row per partner nation or organisation.",
    ),
    Sheet(
        "domains",
        (
            Column("domain", "id", True, "Short identifier, unique (text, e.g. C2)."),
            Column("name", "text", False, "Full name, for reports."),
            Column("weight", "number", False, "Weight in the score, >= 0 (default 1)."),
        ),
        True,
        "One row per capability domain.",
    ),
    Sheet(
        "baseline",
        (
            Column("partner", "id", True, "A partner of the partners sheet."),
            Column("domain", "id", True, "A domain of the domains sheet."),
            Column("score", "number", True, "Readiness today, 0 to score_cap (points)."),
        ),
        True,
        "Readiness today: exactly one row for every partner and domain.",
    ),
    Sheet(
        "options",
        (
            Column("option", "id", True, "Short identifier, unique."),
            Column(
                "type",
                "text",
                True,
                "Kind of option (e.g. training, standardization); budgets may cap each type.",
            ),
            Column("unit_cost", "number", True, "Cost of one unit, > 0 (currency units)."),
            Column("name", "text", False, "Full name, for reports."),
            Column(
                "max_units",
                "number",
                False,
                "Most units for one partner in one period, >= 0 (blank: no cap).",
            ),
            Column(
                "lag",
                "integer",
                False,
                "Periods until a unit counts: funded in t, counts from t+lag (whole number >= 0, default 0).",
            ),
            Column("partners", "id_list", False, "Comma list of eligible partners (blank: all)."),
            Column(
                "whole",
                "yes_no",
                False,
                "yes: units come in whole numbers, no half exercise (yes/no, true/false, 1/0; blank: no).",
            ),
            Column(
                "min_units",
                "number",
                False,
                "Lot size: if funded for a partner in a period, at least this many units, "
                ">= 0 and not above max_units (blank: 0).",
            ),
            Column(
                "setup_cost",
                "number",
                False,
                "Money of holding the option in a period at all (hosting, planning, range fees), "
                "counted once per period in the period and type budgets, >= 0 (blank: 0).",
            ),
        ),
        True,
        "One row per investment option on offer.",
    ),
    Sheet(
        "effects",
        (
            Column("option", "id", True, "An option of the options sheet."),
            Column("domain", "id", True, "A domain of the domains sheet."),
            Column("gain", "number", True, "Readiness points per unit in this domain, >= 0."),
            Column("gain_low", "number", False, "Lowest plausible gain (Monte Carlo only), <= gain."),
            Column("gain_high", "number", False, "Highest plausible gain (Monte Carlo only), >= gain."),
            Column(
                "pair_gain",
                "number",
                False,
                "Points per joint unit for every pair of the pairs sheet among the partners "
                "that take part together, >= 0 (blank: 0).",
            ),
            Column(
                "pair_gain_low",
                "number",
                False,
                "Lowest plausible pair gain (Monte Carlo only), <= pair_gain.",
            ),
            Column(
                "pair_gain_high",
                "number",
                False,
                "Highest plausible pair gain (Monte Carlo only), >= pair_gain.",
            ),
        ),
        True,
        "What one unit of an option buys in each domain; no row means no gain.",
    ),
    Sheet(
        "budgets",
        (
            Column("period", "period", True, "Planning period 1, 2, ... H with no gap."),
            Column("budget", "number", True, "Total budget of the period, >= 0 (currency units)."),
        ),
        True,
        "One row per period. Add one column per option type to cap that type (blank: no cap).",
        open_columns="option type",
    ),
    Sheet(
        "targets",
        (
            Column("partner", "id", True, "A partner, or * for every partner."),
            Column("domain", "id", True, "A domain, or * for every domain."),
            Column("period", "period", True, "A period, or * for every period."),
            Column("min_score", "number", True, "Readiness (before the cap) to reach, 0 to score_cap."),
        ),
        False,
        "Hard minimum readiness: optional sheet.",
    ),
    Sheet(
        "pairs",
        (
            Column("partner_a", "id", True, "A partner of the partners sheet."),
            Column("partner_b", "id", True, "Another partner; A-B and B-A are the same pair."),
            Column("domain", "id", True, "A domain of the domains sheet, or * for every domain."),
            Column(
                "score",
                "number",
                False,
                "How well the two work together today, 0 to score_cap "
                "(blank: the weaker partner's baseline).",
            ),
            Column("weight", "number", False, "Weight of the pair in its domain, >= 0 (default 1)."),
        ),
        False,
        "Pairs of partners whose interoperability counts: optional sheet, once per pair and domain.",
    ),
    Sheet(
        "settings",
        (
            Column("key", "text", True, "One of the settings keys below."),
            Column("value", "text", False, "Its value (blank: the default)."),
        ),
        False,
        "Optional sheet of key/value settings.",
    ),
)

SETTINGS: tuple[Setting, ...] = (
    Setting("weakest_link", "0.25", "Weight of the weakest partner in the score, 0 to 1."),
    Setting("score_cap", "100", "Highest readiness that counts, > 0."),
    Setting("score_periods", "final", "Periods the score counts: final (last only) or all (average)."),
    Setting("level_thresholds", "25,50,75", "Scores where levels 1, 2, 3 begin (reports only)."),
    Setting("currency", "", "Label of money amounts in reports, e.g. USD M."),
    Setting(
        "mip_gap",
        "0.0001",
        "Relative gap at which a plan with whole units counts as optimal, from 0 to below 1.",
    ),
    Setting(
        "pair_weight",
        "",
        "Share of the score from the pairs sheet, 0 to 1 (blank: 0.5 with a pairs sheet, else 0).",
    ),
)

SHEETS_BY_NAME = {s.name: s for s in SHEETS}
SETTINGS_BY_KEY = {s.key: s for s in SETTINGS}

LEVEL_NAMES = ("not interoperable", "deconflicted", "compatible", "integrated")


def _funded(period: str, units: str) -> tuple[Column, ...]:
    """The columns of units funded: option, partner, period, units (a plan, or what was really spent)."""
    return (
        Column("option", "id", True, "An option of the scenario."),
        Column("partner", "id", True, "A partner of the scenario."),
        Column("period", "period", True, period),
        Column("units", "number", True, units),
    )


# A plan: the allocation sheet that `solve` writes, read back by `evaluate --plan` and `solve --keep`.
PLAN_SHEET = Sheet(
    "allocation",
    (
        *_funded("The period the units are funded in.", "Units funded, >= 0."),
        Column("cost", "number", False, "Ignored on reading: the cost follows from the scenario."),
    ),
    True,
    "A plan: units of each option for each partner and period.",
)

# What happened so far, for a re-plan (`interop replan --actuals`): one workbook or CSV folder, two sheets.
SPENT_SHEET = Sheet(
    "spent",
    _funded("A period before the re-plan.", "Units really funded, >= 0."),
    False,
    "What was really funded; a period before the re-plan with no rows was funded as the adopted plan says.",
)
MEASURED_SHEET = Sheet(
    "measured",
    (
        Column("partner", "id", True, "A partner of the scenario."),
        Column(
            "partner_b",
            "id",
            False,
            "Blank: the partner's readiness. A partner: the readiness of the pair partner-partner_b, "
            "which the pairs sheet must list in the domain.",
        ),
        Column("domain", "id", True, "A domain of the scenario."),
        Column("period", "period", True, "A period before the re-plan: measured at its end."),
        Column("score", "number", True, "Readiness measured, 0 to score_cap."),
    ),
    False,
    "Readiness measured after a period; the last measurement of each partner (or pair) and domain "
    "replaces the model.",
)
