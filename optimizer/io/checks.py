"""The named checks of a scenario's tables, each adding located problems (a rule of model.md each)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from ..scenario import Pair, Settings
from .tables import EVERY, LARGEST_NUMBER, Checker, Row, Table, default

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


def check_gain_bounds(check: Checker, table: Table, column: str = "gain", blank: float | None = None) -> None:
    """`column`_low <= `column` <= `column`_high where given; a blank `column` counts as `blank`
    (pair_gain's blank is 0, so a pair_gain_low above 0 is an error there too)."""
    low_column, high_column = f"{column}_low", f"{column}_high"
    for row in table.rows:
        gain, low, high = (row.values.get(c) for c in (column, low_column, high_column))
        gain = blank if gain is None else gain
        if isinstance(gain, float) and isinstance(low, float) and low > gain:
            check.add(table, f"expected {low_column} <= {column} ({gain:g})", row.number, low_column, low)
        if isinstance(gain, float) and isinstance(high, float) and high < gain:
            check.add(table, f"expected {high_column} >= {column} ({gain:g})", row.number, high_column, high)


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
