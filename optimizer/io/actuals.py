"""Read what happened so far, for a re-plan: units really funded (`spent`) and readiness measured.

Both sheets of one workbook or CSV folder are checked like any input, every problem located:
names must exist in the scenario, periods must lie before the re-plan, a measured score within
0..score_cap (shared/workbook.md, "Re-planning"). A measured row with a `partner_b` is the readiness
of a pair of the pairs sheet (README, contract extensions).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

import pandas as pd

from ..errors import InputError, ParamError
from ..scenario import Scenario
from .checks import check_range, check_reference, check_unique
from .schema import MEASURED_SHEET, SPENT_SHEET, Sheet
from .sheets import read_tables
from .tables import Checker, Table, read_table

SPENT_COLUMNS = ["option", "partner", "period", "units"]
MEASURED_COLUMNS = ["partner", "domain", "period", "score"]
MEASURED_PAIR_COLUMNS = ["partner_a", "partner_b", "domain", "period", "score"]


def no_pair_measurements() -> pd.DataFrame:
    return pd.DataFrame(columns=MEASURED_PAIR_COLUMNS).astype({"period": int, "score": float})


@dataclass(frozen=True)
class Actuals:
    """spent: option, partner, period, units; measured: partner, domain, period, score;
    measured_pairs: partner_a, partner_b, domain, period, score (pair readiness measured)."""

    spent: pd.DataFrame
    measured: pd.DataFrame
    measured_pairs: pd.DataFrame = field(default_factory=no_pair_measurements)


def check_replan_from(scenario: Scenario, replan_from: int) -> None:
    """A re-plan needs a past (period 1 at least) and a future (period H at most)."""
    if not 2 <= replan_from <= scenario.horizon:
        raise ParamError(
            f"--from {replan_from}: expected a period from 2 to {scenario.horizon} "
            "(periods before it are history, it and later ones are re-planned)"
        )


def load_actuals(path: str | os.PathLike[str], scenario: Scenario, replan_from: int) -> Actuals:
    """The actuals at `path` for a re-plan of `scenario` from `replan_from`; raises InputError listing
    every problem."""
    check_replan_from(scenario, replan_from)
    check = Checker()
    raw = read_tables(path, frozenset({SPENT_SHEET.name, MEASURED_SHEET.name}))
    if not raw:
        raise ParamError(f"{os.fspath(path)}: expected a sheet named 'spent' or 'measured' (or both)")
    spent = _table(raw, SPENT_SHEET, check)
    measured = _table(raw, MEASURED_SHEET, check)
    if spent is not None:
        check_reference(check, spent, "option", [o.id for o in scenario.options], "option")
        check_reference(check, spent, "partner", [p.id for p in scenario.partners], "partner")
        check_range(check, spent, "units", 0)
        _check_past(check, spent, replan_from)
        check_unique(check, spent, ("option", "partner", "period"), "option, partner and period")
    partners, pairs = _split(measured)
    if measured is not None:
        check_reference(check, measured, "partner", [p.id for p in scenario.partners], "partner")
        check_reference(check, measured, "partner_b", [p.id for p in scenario.partners], "partner")
        check_reference(check, measured, "domain", [d.id for d in scenario.domains], "domain")
        check_range(check, measured, "score", 0, scenario.settings.score_cap)
        _check_past(check, measured, replan_from)
        check_unique(check, partners, ("partner", "domain", "period"), "partner, domain and period")
        _check_measured_pairs(check, pairs, scenario)
    if check.problems:
        raise InputError(check.problems)
    measured_pairs = _frame(pairs, ["partner", *MEASURED_PAIR_COLUMNS[1:]])
    return Actuals(
        _frame(spent, SPENT_COLUMNS).astype({"period": int, "units": float}),
        _frame(partners, MEASURED_COLUMNS).astype({"period": int, "score": float}),
        measured_pairs.set_axis(MEASURED_PAIR_COLUMNS, axis=1).astype({"period": int, "score": float}),
    )


def _split(measured: Table | None) -> tuple[Table | None, Table | None]:
    """The measured rows of partners (blank partner_b) and those of pairs (partner_b given)."""
    if measured is None:
        return None, None
    pairs = [row for row in measured.rows if row.values.get("partner_b") is not None]
    return (
        replace(measured, rows=[row for row in measured.rows if row.values.get("partner_b") is None]),
        replace(measured, rows=pairs),
    )


def _check_measured_pairs(check: Checker, table: Table, scenario: Scenario) -> None:
    """Two different partners, a pair the pairs sheet lists in that domain, measured once a period
    (A-B and B-A are the same pair)."""
    listed = {(frozenset((q.partner_a, q.partner_b)), q.domain) for q in scenario.pairs}
    known = {p.id for p in scenario.partners}
    seen: dict[tuple[frozenset[str], str, int], int] = {}
    for row in table.rows:
        a, b, domain, period = (row.values.get(c) for c in ("partner", "partner_b", "domain", "period"))
        if a not in known or b not in known or domain is None or period is None:
            continue  # located already (unknown or missing)
        if a == b:
            check.add(
                table,
                f"expected a partner other than partner '{a}' (a pair of two)",
                row.number,
                "partner_b",
                b,
            )
            continue
        if (frozenset((a, b)), domain) not in listed:
            where = "the pairs sheet" if scenario.pairs else "a pairs sheet (the scenario has none)"
            check.add(
                table,
                f"expected a pair that {where} lists in domain '{domain}' "
                "(blank partner_b: the partner's own readiness)",
                row.number,
                "partner_b",
                f"{a}, {b}",
            )
            continue
        first = seen.setdefault((frozenset((a, b)), domain, period), row.number)
        if first != row.number:
            check.add(
                table,
                f"expected each pair, domain and period once "
                f"(already in row {first}; {a}-{b} and {b}-{a} are the same pair)",
                row.number,
                "partner_b",
                f"{a}, {b}",
            )


def _table(raw: dict, sheet: Sheet, check: Checker) -> Table | None:
    return read_table(raw[sheet.name], sheet, (), check) if sheet.name in raw else None


def _check_past(check: Checker, table: Table, replan_from: int) -> None:
    """Actuals are of periods before the re-plan; what comes later is the re-plan's to decide."""
    for row in table.rows:
        period = row.values.get("period")
        if isinstance(period, int) and not 1 <= period < replan_from:
            check.add(
                table,
                f"expected a period before the re-plan (1 to {replan_from - 1}; --from is {replan_from})",
                row.number,
                "period",
                period,
            )


def _frame(table: Table | None, columns: list[str]) -> pd.DataFrame:
    rows = [] if table is None else [[row.values[c] for c in columns] for row in table.rows]
    return pd.DataFrame(rows, columns=columns).astype({c: object for c in columns[:-2]})
