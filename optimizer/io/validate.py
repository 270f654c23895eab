"""Raw tables -> validated, immutable Scenario, or every problem at once.

Each rule that model.md implies is a named `check_*` function that adds
located problems (file, sheet, row, column, value, expectation) to a list;
`build_scenario` runs them all and raises one InputError if any were found.
"""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import InputError, Problem
from ..scenario import Budget, Domain, Effect, Option, Pair, Partner, Scenario, Settings, Target
from .schema import SETTINGS_BY_KEY, SHEETS, SHEETS_BY_NAME, Column, Sheet, is_ignored_header
from .sheets import Cell, RawTable, read_tables

EVERY = "*"


@dataclass
class Row:
    """One data row after typing: values by column name, None where blank."""

    number: int
    values: dict[str, object]


@dataclass
class Table:
    file: str
    sheet: str
    rows: list[Row] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # budgets: option-type columns, lower case


class Checker:
    """Collects problems; knows where each table came from."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(
        self,
        table: Table,
        expected: str,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.problems.append(Problem(table.file, expected, table.sheet, row, column, value))


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a workbook or CSV folder; raises InputError listing every problem."""
    return build_scenario(read_tables(path), os.fspath(path))


# --- typing cells -------------------------------------------------------------------------


def as_text(cell: Cell) -> str | None:
    """Identifiers stay text: a whole number typed in a cell reads as its digits."""
    if cell is None:
        return None
    if isinstance(cell, bool):
        return str(cell).upper()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip() or None


def as_number(cell: Cell) -> float | None:
    """A finite number, or None if the cell does not hold one."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        value = float(cell)
    else:
        try:
            value = float(str(cell).replace("_", "x"))  # Python reads "1_000"; a spreadsheet does not
        except ValueError:
            return None
    return value if math.isfinite(value) else None


KIND_EXPECTED = {
    "id": "expected an identifier",
    "text": "expected text",
    "number": "expected a number",
    "integer": "expected a whole number",
    "id_list": "expected a comma-separated list of identifiers",
    "period": "expected a period number (1, 2, ...)",
    "yes_no": "expected yes or no (or true/false, 1/0)",
}
YES_NO = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


MAX_ID_LENGTH = 255  # an id appears in comma lists, sheet cells (32,767 at most) and every report
LARGEST_NUMBER = 1e12  # beyond this the LP's coefficients leave the range a solver can trust


def typed(cell: Cell, column: Column, allow_every: bool) -> tuple[object, str | None]:
    """(value, None) for one non-blank cell of `column`, or (None, what was expected)."""
    text = as_text(cell)
    if allow_every and text == EVERY:
        return EVERY, None
    if column.kind == "id":
        if "," in str(text):
            return None, "expected an identifier without commas (options.partners separates ids by commas)"
        if len(str(text)) > MAX_ID_LENGTH:
            return None, f"expected an identifier of at most {MAX_ID_LENGTH} characters"
        return text, None
    if column.kind == "text":
        return text, None
    if column.kind == "id_list":
        items = tuple(s.strip() for s in str(text).split(","))
        return tuple(s for s in items if s), None if all(items) else KIND_EXPECTED["id_list"]
    if column.kind == "yes_no":
        word = str(text).lower()
        return YES_NO.get(word), None if word in YES_NO else KIND_EXPECTED["yes_no"]
    number = as_number(cell)
    if number is None:
        return None, KIND_EXPECTED[column.kind]
    if abs(number) > LARGEST_NUMBER:
        return None, f"expected a number of at most {LARGEST_NUMBER:g} in size"
    if column.kind in ("integer", "period"):
        return (int(number), None) if number.is_integer() else (None, KIND_EXPECTED[column.kind])
    return number, None


def read_table(raw: RawTable, sheet: Sheet, extra_names: Iterable[str], check: Checker) -> Table:
    """Match headers, reject unknown ones with a suggestion, type every cell."""
    table = Table(raw.file, sheet.name)
    known = {c.name: c for c in sheet.columns}
    extra_names = list(extra_names)
    positions: dict[str, int] = {}
    for i, header in enumerate(raw.headers):
        name = header.strip().lower()
        if not name:
            if any(i < len(cells) and cells[i] is not None for _, cells in raw.rows):
                check.add(table, "expected a column name in row 1 above values", 1, f"#{i + 1}")
            continue
        if is_ignored_header(name):
            continue
        if name in positions:
            check.add(table, "expected each column once", 1, header, header)
            continue
        if name in known or (sheet.open_columns and name in extra_names):
            positions[name] = i
            if name not in known:
                table.extra.append(name)
            continue
        choices = list(known) + extra_names
        close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        allowed = ", ".join(choices)
        what = f"an {sheet.open_columns} or " if sheet.open_columns else ""
        check.add(
            table,
            f"expected a known column name{hint} (unknown column; {what}one of: {allowed}; "
            "notes columns may be named 'notes', 'comment' or start with '#')",
            1,
            header,
            header,
        )
    for column in sheet.columns:
        if column.required and column.name not in positions:
            check.add(table, f"expected a column named '{column.name}' (required, missing)", 1, column.name)
    allow_every = sheet.name in ("targets", "pairs")  # pairs: only its domain column
    for number, cells in raw.rows:
        values: dict[str, object] = {}
        for name, i in positions.items():
            column = known.get(name) or Column(name, "number", False, "")
            cell = cells[i] if i < len(cells) else None
            if cell is None:
                values[name] = None
                if column.required:
                    check.add(table, f"expected a value ({column.note})", number, name)
                continue
            value, expected = typed(
                cell, column, allow_every and column.name in ("partner", "domain", "period")
            )
            if expected is not None:
                check.add(table, expected, number, name, cell)
            values[name] = value
        table.rows.append(Row(number, values))
    return table


# --- checks -------------------------------------------------------------------------------


def check_range(
    check: Checker,
    table: Table,
    column: str,
    low: float | None = None,
    high: float | None = None,
    strict_low: bool = False,
) -> None:
    """Every filled number of `column` lies in the range."""
    if strict_low:
        words = f"expected a number > {low:g}"
    elif high is None:
        words = f"expected a number >= {low:g}"
    else:
        words = f"expected a number from {low:g} to {high:g}"
    for row in table.rows:
        value = row.values.get(column)
        if not isinstance(value, float | int) or isinstance(value, bool):
            continue
        bad = (low is not None and (value <= low if strict_low else value < low)) or (
            high is not None and value > high
        )
        if bad:
            check.add(table, words, row.number, column, value)


def check_unique(check: Checker, table: Table, columns: tuple[str, ...], what: str) -> None:
    """Identifiers, and pairs of them, appear once."""
    seen: dict[tuple, int] = {}
    for row in table.rows:
        key = tuple(row.values.get(c) for c in columns)
        if None in key:
            continue
        if key in seen:
            check.add(
                table,
                f"expected each {what} once (already in row {seen[key]})",
                row.number,
                columns[-1],
                key[-1] if len(key) == 1 else ", ".join(map(str, key)),
            )
        else:
            seen[key] = row.number


def check_reference(
    check: Checker, table: Table, column: str, known: Iterable[str], what: str, allow_every: bool = False
) -> None:
    """Every reference names something that exists."""
    names = list(known)
    for row in table.rows:
        value = row.values.get(column)
        values = value if isinstance(value, tuple) else (value,)
        for item in values:
            if item is None or (allow_every and item == EVERY) or item in names:
                continue
            close = difflib.get_close_matches(str(item), names, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            article = "an" if what[0] in "aeiou" else "a"
            check.add(
                table, f"expected {article} {what} of the {what}s sheet{hint}", row.number, column, item
            )


def check_positive_sum(check: Checker, table: Table, column: str) -> None:
    """Weights are normalised, so at least one must be positive."""
    total = sum(r.values.get(column) or 0 for r in table.rows if r.values.get(column) is not None)
    explicit = [r.values.get(column) for r in table.rows]
    if not table.rows:
        check.add(table, f"expected at least one {table.sheet[:-1]} row")
    elif all(v is not None for v in explicit) and total <= 0:
        check.add(
            table,
            f"expected at least one positive {column} (weights are divided by their sum)",
            column=column,
        )


def check_products(
    check: Checker, table: Table, column: str, partners: Table, factor: str, what: str
) -> None:
    """A coefficient of the LP is a number of `table` times a partner's `factor` (gain x
    effectiveness, unit cost x cost factor): each must stay within what a solver can trust."""
    factors = [r.values.get(factor) for r in partners.rows]
    largest = max([abs(v) for v in factors if isinstance(v, float | int) and not isinstance(v, bool)] + [1.0])
    for row in table.rows:
        value = row.values.get(column)
        if (
            isinstance(value, float | int)
            and not isinstance(value, bool)
            and abs(value) * largest > LARGEST_NUMBER
        ):
            check.add(
                table,
                f"expected {column} x the largest partner {factor} ({largest:g}), the {what}, "
                f"to be at most {LARGEST_NUMBER:g}",
                row.number,
                column,
                value,
            )


def check_baseline_complete(check: Checker, table: Table, partners: list[str], domains: list[str]) -> None:
    """One baseline row for every partner and domain."""
    have = {(r.values.get("partner"), r.values.get("domain")) for r in table.rows}
    missing = [(p, d) for p in partners for d in domains if (p, d) not in have]
    for p, d in missing[:20]:
        check.add(
            table, f"expected a row for partner '{p}' and domain '{d}' (missing: every pair needs a baseline)"
        )
    if len(missing) > 20:
        check.add(table, f"expected rows for {len(missing) - 20} more partner and domain pairs (no baseline)")


def check_gain_bounds(check: Checker, table: Table) -> None:
    """gain_low <= gain <= gain_high where given."""
    for row in table.rows:
        gain, low, high = (row.values.get(c) for c in ("gain", "gain_low", "gain_high"))
        if isinstance(gain, float) and isinstance(low, float) and low > gain:
            check.add(table, f"expected gain_low <= gain ({gain:g})", row.number, "gain_low", low)
        if isinstance(gain, float) and isinstance(high, float) and high < gain:
            check.add(table, f"expected gain_high >= gain ({gain:g})", row.number, "gain_high", high)


def check_lot_sizes(check: Checker, table: Table) -> None:
    """min_units <= max_units where both are given: a lot larger than the cap can never be funded."""
    for row in table.rows:
        low, high = row.values.get("min_units"), row.values.get("max_units")
        if isinstance(low, float) and isinstance(high, float) and low > high:
            check.add(table, f"expected min_units <= max_units ({high:g})", row.number, "min_units", low)


def check_periods(check: Checker, table: Table) -> None:
    """Periods are 1..H, each once (H = number of rows), so there is no gap."""
    horizon = len(table.rows)
    if not horizon:
        check.add(table, "expected at least one period row")
    seen: dict[int, int] = {}
    for row in table.rows:
        value = row.values.get("period")
        if not isinstance(value, int):
            continue
        if not 1 <= value <= horizon:
            check.add(
                table,
                f"expected a period from 1 to {horizon} (one row per period, no gap)",
                row.number,
                "period",
                value,
            )
        elif value in seen:
            check.add(
                table,
                f"expected each period once (already in row {seen[value]})",
                row.number,
                "period",
                value,
            )
        else:
            seen[value] = row.number


def read_settings(check: Checker, table: Table | None) -> Settings:
    """Settings with defaults; unknown keys get a suggestion."""
    if table is None:
        return Settings()
    raw: dict[str, tuple[Row, object]] = {}
    for row in table.rows:
        key = str(row.values.get("key") or "").strip().lower()
        if not key:
            continue
        if key not in SETTINGS_BY_KEY:
            close = difflib.get_close_matches(key, list(SETTINGS_BY_KEY), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            check.add(
                table,
                f"expected a known setting{hint} (known: {', '.join(SETTINGS_BY_KEY)})",
                row.number,
                "key",
                key,
            )
        elif key in raw:
            check.add(
                table,
                f"expected each setting once (already in row {raw[key][0].number})",
                row.number,
                "key",
                key,
            )
        else:
            raw[key] = (row, row.values.get("value"))
    settings = Settings()
    values: dict[str, object] = {}

    def number(key: str, ok, expected: str) -> None:
        if key not in raw or raw[key][1] is None:
            return
        row, value = raw[key]
        n = as_number(value)
        if n is None or not ok(n):
            check.add(table, expected, row.number, "value", value)
        else:
            values[key] = n

    number("weakest_link", lambda n: 0 <= n <= 1, "expected weakest_link from 0 to 1")
    number("score_cap", lambda n: n > 0, "expected score_cap > 0")
    if "score_periods" in raw and raw["score_periods"][1] is not None:
        row, value = raw["score_periods"]
        word = str(value).strip().lower()
        if word in ("final", "all"):
            values["score_periods"] = word
        else:
            check.add(table, "expected score_periods 'final' or 'all'", row.number, "value", value)
    if "level_thresholds" in raw and raw["level_thresholds"][1] is not None:
        row, value = raw["level_thresholds"]
        parts = [as_number(p.strip()) for p in str(value).split(",")]
        if len(parts) == 3 and None not in parts and parts[0] < parts[1] < parts[2]:
            values["level_thresholds"] = tuple(parts)
        else:
            check.add(
                table, "expected three increasing numbers such as '25,50,75'", row.number, "value", value
            )
    number("mip_gap", lambda n: 0 <= n < 1, "expected mip_gap from 0 up to (not including) 1")
    number("pair_weight", lambda n: 0 <= n <= 1, "expected pair_weight from 0 to 1")
    if "currency" in raw and raw["currency"][1] is not None:
        values["currency"] = as_text(raw["currency"][1]) or ""
    return Settings(**{**settings.__dict__, **values})


# --- the scenario -------------------------------------------------------------------------


def build_scenario(raw_tables: dict[str, RawTable], source: str) -> Scenario:
    """Type and check every table, then assemble the Scenario; raise InputError on any problem."""
    check = Checker()
    for sheet in SHEETS:
        if sheet.required and sheet.name not in raw_tables:
            check.problems.append(
                Problem(source, f"expected a sheet named '{sheet.name}', which is missing ({sheet.note})")
            )
    if check.problems:
        raise InputError(check.problems)

    option_types: set[str] = set()
    if "options" in raw_tables:
        raw = raw_tables["options"]
        pos = [i for i, h in enumerate(raw.headers) if h.strip().lower() == "type"]
        if pos:
            option_types = {
                str(as_text(cells[pos[0]])).lower()
                for _, cells in raw.rows
                if len(cells) > pos[0] and cells[pos[0]] is not None
            }
    tables = {
        name: read_table(raw, SHEETS_BY_NAME[name], option_types if name == "budgets" else (), check)
        for name, raw in raw_tables.items()
    }
    settings = read_settings(check, tables.get("settings"))
    cap = settings.score_cap

    partners_t, domains_t, options_t = tables["partners"], tables["domains"], tables["options"]
    effects_t, baseline_t, budgets_t = tables["effects"], tables["baseline"], tables["budgets"]
    targets_t = tables.get("targets")

    check_unique(check, partners_t, ("partner",), "partner")
    check_unique(check, domains_t, ("domain",), "domain")
    check_unique(check, options_t, ("option",), "option")
    check_unique(check, baseline_t, ("partner", "domain"), "partner and domain pair")
    check_unique(check, effects_t, ("option", "domain"), "option and domain pair")
    for column in ("weight", "effectiveness", "max_spend"):
        check_range(check, partners_t, column, 0)
    check_range(check, partners_t, "cost_factor", 0, strict_low=True)
    check_range(check, domains_t, "weight", 0)
    check_positive_sum(check, partners_t, "weight")
    check_positive_sum(check, domains_t, "weight")
    check_range(check, options_t, "unit_cost", 0, strict_low=True)
    check_range(check, options_t, "max_units", 0)
    check_range(check, options_t, "lag", 0)
    check_range(check, options_t, "min_units", 0)
    check_range(check, options_t, "setup_cost", 0)
    check_lot_sizes(check, options_t)
    check_range(check, effects_t, "gain", 0)
    check_range(check, effects_t, "gain_low", 0)
    check_range(check, effects_t, "pair_gain", 0)
    check_range(check, baseline_t, "score", 0, cap)
    check_range(check, budgets_t, "budget", 0)
    for name in budgets_t.extra:
        check_range(check, budgets_t, name, 0)
    check_gain_bounds(check, effects_t)
    check_products(check, effects_t, "gain", partners_t, "effectiveness", "readiness points per unit")
    check_products(check, options_t, "unit_cost", partners_t, "cost_factor", "money per unit")
    check_periods(check, budgets_t)

    partner_ids = [r.values["partner"] for r in partners_t.rows if r.values.get("partner")]
    domain_ids = [r.values["domain"] for r in domains_t.rows if r.values.get("domain")]
    option_ids = [r.values["option"] for r in options_t.rows if r.values.get("option")]
    check_reference(check, options_t, "partners", partner_ids, "partner")
    check_reference(check, baseline_t, "partner", partner_ids, "partner")
    check_reference(check, baseline_t, "domain", domain_ids, "domain")
    check_reference(check, effects_t, "option", option_ids, "option")
    check_reference(check, effects_t, "domain", domain_ids, "domain")
    check_baseline_complete(check, baseline_t, partner_ids, domain_ids)
    horizon = len(budgets_t.rows)
    if targets_t is not None:
        check_reference(check, targets_t, "partner", partner_ids, "partner", allow_every=True)
        check_reference(check, targets_t, "domain", domain_ids, "domain", allow_every=True)
        check_range(check, targets_t, "min_score", 0, cap)
        for row in targets_t.rows:
            period = row.values.get("period")
            if isinstance(period, int) and not 1 <= period <= horizon:
                check.add(
                    targets_t,
                    f"expected a period from 1 to {horizon} (the budgets sheet)",
                    row.number,
                    "period",
                    period,
                )
    pairs_t = tables.get("pairs")
    if pairs_t is not None:
        check_pair_rows(check, pairs_t, partner_ids, domain_ids, cap)
    check_pair_weight_has_pairs(check, tables.get("settings"), settings, pairs_t)
    if check.problems:
        raise InputError(check.problems)
    baseline = {(r.values["partner"], r.values["domain"]): r.values["score"] for r in baseline_t.rows}
    pairs = expand_pairs(pairs_t, baseline, domain_ids)
    check_pair_weights(
        check, pairs_t, pairs, {r.values["domain"]: default(r, "weight", 1.0) for r in domains_t.rows}
    )
    if check.problems:
        raise InputError(check.problems)

    return Scenario(
        partners=tuple(partner(r) for r in partners_t.rows),
        domains=tuple(
            Domain(r.values["domain"], r.values.get("name") or "", default(r, "weight", 1.0))
            for r in domains_t.rows
        ),
        baseline=baseline,
        options=tuple(option(r) for r in options_t.rows),
        effects=tuple(
            Effect(
                r.values["option"],
                r.values["domain"],
                r.values["gain"],
                r.values.get("gain_low"),
                r.values.get("gain_high"),
                default(r, "pair_gain", 0.0),
            )
            for r in effects_t.rows
        ),
        budgets=tuple(
            budget(r, budgets_t.extra) for r in sorted(budgets_t.rows, key=lambda r: r.values["period"])
        ),
        targets=expand_targets(targets_t, partner_ids, domain_ids, horizon),
        settings=settings,
        source=source,
        pairs=tuple(pair for pair, _ in pairs),
    )


def default(row: Row, column: str, value: float) -> float:
    found = row.values.get(column)
    return value if found is None else found


def partner(row: Row) -> Partner:
    v = row.values
    return Partner(
        v["partner"],
        v.get("name") or "",
        default(row, "weight", 1.0),
        default(row, "cost_factor", 1.0),
        default(row, "effectiveness", 1.0),
        v.get("max_spend"),
    )


def option(row: Row) -> Option:
    v = row.values
    partners = v.get("partners") or None
    return Option(
        v["option"],
        str(v["type"]).lower(),
        v["unit_cost"],
        v.get("name") or "",
        v.get("max_units"),
        v.get("lag") or 0,
        tuple(dict.fromkeys(partners)) if partners else None,
        bool(v.get("whole")),
        default(row, "min_units", 0.0),
        default(row, "setup_cost", 0.0),
    )


def budget(row: Row, types: list[str]) -> Budget:
    caps = {t: row.values[t] for t in types if row.values.get(t) is not None}
    return Budget(row.values["period"], row.values["budget"], caps)


def expand_targets(
    table: Table | None, partners: list[str], domains: list[str], horizon: int
) -> tuple[Target, ...]:
    """One Target per partner, domain and period a row names, '*' meaning every one."""
    if table is None:
        return ()
    targets = []
    for row in table.rows:
        v = row.values
        ps = partners if v["partner"] == EVERY else [v["partner"]]
        ds = domains if v["domain"] == EVERY else [v["domain"]]
        ts = range(1, horizon + 1) if v["period"] == EVERY else [v["period"]]
        targets += [Target(p, d, t, v["min_score"], row.number) for p in ps for d in ds for t in ts]
    return tuple(targets)


# --- pairs (model.md, pairwise interoperability) ------------------------------------------


def check_pair_rows(
    check: Checker, table: Table, partners: list[str], domains: list[str], cap: float
) -> None:
    """Known partners and domains, two different partners, each pair once per domain
    (A-B and B-A are the same pair; '*' names every domain)."""
    check_reference(check, table, "partner_a", partners, "partner")
    check_reference(check, table, "partner_b", partners, "partner")
    check_reference(check, table, "domain", domains, "domain", allow_every=True)
    check_range(check, table, "score", 0, cap)
    check_range(check, table, "weight", 0)
    seen: dict[tuple[frozenset[str], str], Row] = {}
    for row in table.rows:
        a, b, domain = (row.values.get(c) for c in ("partner_a", "partner_b", "domain"))
        if a is None or b is None or domain is None:
            continue
        if a == b:
            check.add(
                table,
                f"expected a partner other than partner_a '{a}' (a pair of two)",
                row.number,
                "partner_b",
                b,
            )
            continue
        for d in domains if domain == EVERY else [domain]:
            first = seen.setdefault((frozenset((a, b)), d), row)
            if first is not row:
                order = first.values["partner_a"] != a
                same = f"; {a}-{b} and {b}-{a} are the same pair" if order else ""
                check.add(
                    table,
                    f"expected each pair once per domain "
                    f"(already in row {first.number} for domain '{d}'{same})",
                    row.number,
                    "partner_b",
                    f"{a}, {b}",
                )
                break


def expand_pairs(
    table: Table | None, baseline: dict[tuple[str, str], float], domains: list[str]
) -> list[tuple[Pair, int]]:
    """One Pair per pair and domain a row names, with the row it came from; a blank score is
    the weaker partner's baseline."""
    if table is None:
        return []
    pairs = []
    for row in table.rows:
        v = row.values
        a, b = v["partner_a"], v["partner_b"]
        for d in domains if v["domain"] == EVERY else [v["domain"]]:
            score = v.get("score")
            if score is None:
                score = min(baseline[a, d], baseline[b, d])
            pairs.append((Pair(a, b, d, score, default(row, "weight", 1.0)), row.number))
    return pairs


def check_pair_weights(
    check: Checker, table: Table | None, pairs: list[tuple[Pair, int]], domain_weights: dict[str, float]
) -> None:
    """Pair weights are normalised within each domain, domain weights over the domains with pairs:
    each sum must be positive."""
    by_domain: dict[str, list[tuple[Pair, int]]] = {}
    for pair, number in pairs:
        by_domain.setdefault(pair.domain, []).append((pair, number))
    for domain, listed in by_domain.items():
        if sum(p.weight for p, _ in listed) <= 0:
            check.add(
                table,
                f"expected a positive weight for at least one pair of domain '{domain}' "
                "(pair weights are divided by their sum in each domain)",
                listed[0][1],
                "weight",
                listed[0][0].weight,
            )
    if by_domain and sum(domain_weights[d] for d in by_domain) <= 0:
        check.add(
            table,
            "expected pairs in at least one domain of positive weight (domain weights of the domains "
            f"with pairs are divided by their sum; listed: {', '.join(by_domain)})",
            column="domain",
        )


def check_pair_weight_has_pairs(
    check: Checker, settings_t: Table | None, settings: Settings, pairs_t: Table | None
) -> None:
    """A positive pair_weight scores pairs: there must be some."""
    if not settings.pair_weight or (pairs_t is not None and pairs_t.rows):
        return
    row = next(r for r in settings_t.rows if str(r.values.get("key") or "").strip().lower() == "pair_weight")
    check.add(
        settings_t,
        "expected pair_weight 0 or blank without a pairs sheet (a share of the score from pairs needs pairs)",
        row.number,
        "value",
        row.values.get("value"),
    )
