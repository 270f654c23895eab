"""Raw tables -> validated, immutable Scenario, or every problem at once.

Each rule that model.md implies is a named `check_*` function that adds
located problems (file, sheet, row, column, value, expectation) to a list;
`build_scenario` runs them all and raises one InputError if any were found.
"""

from __future__ import annotations

import difflib
import os

from ..errors import InputError, Problem
from ..scenario import Budget, Domain, Effect, Option, Partner, Scenario, Settings, Target
from .checks import (
    check_baseline_complete,
    check_gain_bounds,
    check_lot_sizes,
    check_pair_rows,
    check_pair_weight_has_pairs,
    check_pair_weights,
    check_periods,
    check_positive_sum,
    check_products,
    check_range,
    check_reference,
    check_unique,
    expand_pairs,
)
from .schema import SETTINGS_BY_KEY, SHEETS, SHEETS_BY_NAME
from .sheets import RawTable, read_tables
from .tables import EVERY, Checker, Row, Table, as_number, as_text, default, read_table


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a workbook or CSV folder; raises InputError listing every problem."""
    return build_scenario(read_tables(path), os.fspath(path))


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
    check_range(check, effects_t, "pair_gain_low", 0)
    check_range(check, baseline_t, "score", 0, cap)
    check_range(check, budgets_t, "budget", 0)
    for name in budgets_t.extra:
        check_range(check, budgets_t, name, 0)
    check_gain_bounds(check, effects_t)
    check_gain_bounds(check, effects_t, "pair_gain", blank=0.0)
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
                r.values.get("pair_gain_low"),
                r.values.get("pair_gain_high"),
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
