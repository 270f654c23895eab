"""The parts of the plan's HTML page, as data for `templates/plan.html`: text already worded,
numbers already written (`theme.number`), pictures drawn by `pictures`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..io import schema
from ..readiness import shares
from ..results import Solution
from . import figures, pictures, records
from .cells import Cell, PageTable, Picture
from .pictures import Pictures
from .theme import MISSING, TYPE_COLOURS, money, number, on_scale, partner_label, plural


def _level_names() -> tuple[str, ...]:
    return schema.LEVEL_NAMES


def _level_ranges(thresholds: Sequence[float]) -> list[str]:
    t = [f"{x:g}" for x in thresholds]
    return [f"below {t[0]}", f"{t[0]} to {t[1]}", f"{t[1]} to {t[2]}", f"{t[2]} and above"]


def _score_cell(score: float | None, level: int | None) -> Cell | str:
    if score is None or level is None:
        return MISSING
    return Cell("score", number(score), level, _level_names()[level])


def _level_of(solution: Solution, score: float | None) -> int | None:
    if score is None:
        return None
    return int(figures.level_matrix(solution, np.array([score]))[0])


def _share(part: float, total: float) -> str:
    if total <= 0:
        return MISSING
    return "<1%" if 0 < part / total < 0.005 else f"{part / total:.0%}"


# --------------------------------------------------------------------------- the parts of the page


def header(solution: Solution) -> dict[str, Any]:
    scenario = solution.scenario
    facts = [
        plural(len(scenario.partners), "partner"),
        plural(len(scenario.domains), "domain"),
        plural(len(scenario.options), "option"),
        plural(scenario.horizon, "period"),
        plural(len(scenario.targets), "target"),
    ]
    return {
        "facts": " · ".join(facts),
        "status": f"{solution.status}: {records.status_text(solution)}",
        "status_class": _status_class(solution),
        "message": solution.message,
    }


def _status_class(solution: Solution) -> str:
    if solution.status == "optimal":
        return "ok"
    return "warn" if solution.has_plan else "bad"


def _score_parts(solution: Solution) -> dict[str, str] | None:
    """The two halves of the score in the last period: partner average and weakest partner."""
    rows = figures.domain_readiness(solution)
    _, share = shares(solution.scenario)

    def blend(key: str) -> float | None:
        values = [r[key] for r in rows]
        return None if any(v is None for v in values) else float(share @ np.array(values, dtype=float))

    average = number(blend("average_before"))
    weakest = number(blend("weakest_before"))
    when = "today"
    if solution.has_plan and blend("average_after") is not None:
        average += f" → {number(blend('average_after'))}"
        weakest += f" → {number(blend('weakest_after'))}"
        when = f"today → period {solution.scenario.horizon}"
    lam = f"{solution.scenario.settings.weakest_link:g}"
    return {"average": average, "weakest": weakest, "when": when, "weakest_link": lam}


def cards(solution: Solution, before: np.ndarray, after: np.ndarray | None) -> dict[str, Any]:
    scenario = solution.scenario
    settings = scenario.settings
    currency = settings.currency
    cards: dict[str, Any] = {
        "score_before": on_scale(solution.baseline_score, settings.score_cap),
        "score_after": None,
        "cap": f"{settings.score_cap:g}",
        "counted": "final period" if settings.score_periods == "final" else "average over all periods",
        "parts": _score_parts(solution),
        "currency": currency,
        "periods": plural(scenario.horizon, "period"),
        "pairs": len(scenario.partners) * len(scenario.domains),
        "types": [],
    }
    if solution.has_plan and solution.score is not None:
        gain = solution.score - solution.baseline_score
        cards["score_after"] = on_scale(solution.score, settings.score_cap)
        cards["gain"] = f"{'+' if gain >= 0 else ''}{on_scale(gain, settings.score_cap)}"
    budget = sum(b.total for b in scenario.budgets)
    spend, _ = records.plan_spend(solution)
    unit = max(b.total for b in scenario.budgets)
    cards["budget"] = on_scale(budget, unit)
    cards["spend"] = None if spend is None else on_scale(spend, unit)
    if spend is not None:
        cards["share"] = f"{spend / budget:.0%} of the budget" if budget > 0 else "no budget"
        cards["unused"] = money(budget - spend, currency)
        table = figures.spend_table(solution)
        if table is not None:
            cards["types"] = [
                {
                    "colour": TYPE_COLOURS[k % len(TYPE_COLOURS)],
                    "name": kind,
                    "spend": number(sum(table.by_type[kind])),
                }
                for k, kind in enumerate(table.types)
            ]
    counts_before = figures.level_counts(solution, before)
    counts_after = figures.level_counts(solution, after) if after is not None else None
    ranges = _level_ranges(settings.level_thresholds)
    rows = []
    for level, name in enumerate(_level_names()):
        after_cell = str(counts_after[level]) if counts_after is not None else MISSING
        delta = MISSING
        if counts_after is not None:
            d = counts_after[level] - counts_before[level]
            delta = f"{d:+d}" if d else "0"
        rows.append(
            [
                Cell("level", name, level, ranges[level], nowrap=True),
                Cell("tagged", str(counts_before[level]), id=f"count-before-{level}"),
                Cell("tagged", after_cell, id=f"count-after-{level}"),
                delta,
            ]
        )
    final = f"period {scenario.horizon}"
    cards["levels"] = PageTable(
        ["level", "before", final, "change"], rows, numeric=(1, 2, 3), table_id="levels"
    )
    return cards


def _count_sentence(solution: Solution, scores: np.ndarray) -> str:
    counts = figures.level_counts(solution, scores)
    return "; ".join(f"{n} {name}" for n, name in zip(counts, _level_names(), strict=True))


def readiness(
    drawing: Pictures, solution: Solution, before: np.ndarray, after: np.ndarray | None
) -> dict[str, Any]:
    scenario = solution.scenario
    shape = f"{plural(len(scenario.partners), 'partner')} (rows) by {plural(len(scenario.domains), 'domain')}"
    alt_before = (
        f"Heatmap of readiness before the plan (baseline), {shape} (columns); each cell is coloured by "
        f"its level and shows its score. Pairs per level: {_count_sentence(solution, before)}. "
        "The scores are also in the table 'Readiness scores by partner and domain' below."
    )
    part: dict[str, Any] = {
        "before": Picture.of(pictures.heatmap(drawing, solution, before), alt_before),
        "after": None,
    }
    if after is not None:
        alt_after = (
            f"Heatmap of readiness in period {scenario.horizon} with the plan, {shape} (columns); each cell "
            "is coloured by its level and shows its score, with the gain over the baseline below it in "
            f"bold cells. Pairs per level: {_count_sentence(solution, after)}. The scores are also in the "
            "table 'Readiness scores by partner and domain' below."
        )
        png = pictures.heatmap(drawing, solution, after, change=after - before)
        part["after"] = Picture.of(png, alt_after)
    ranges = _level_ranges(solution.scenario.settings.level_thresholds)
    part["legend"] = [{"name": name, "range": ranges[k]} for k, name in enumerate(_level_names())]
    part["domains"] = "; ".join(f"{d.id} = {d.name}" for d in scenario.domains if d.name and d.name != d.id)
    # the numbers behind the maps, for screen readers and for copying
    rows = []
    for i, p in enumerate(scenario.partners):
        cells = []
        for j in range(len(scenario.domains)):
            text = number(before[i, j])
            if after is not None:
                text += f" → {number(after[i, j])}"
            cells.append(text)
        rows.append([partner_label(p, 40), *cells])
    headers = ["partner", *(d.id for d in scenario.domains)]
    caption = "Readiness scores by partner and domain" + (
        f" (baseline → period {scenario.horizon})" if after is not None else " (baseline)"
    )
    part["scores"] = PageTable(headers, rows, caption=caption, numeric=range(1, len(headers)))
    return part


def level_changes(solution: Solution, before: np.ndarray, after: np.ndarray) -> dict[str, Any]:
    scenario = solution.scenario
    names = _level_names()
    lb = figures.level_matrix(solution, before)
    la = figures.level_matrix(solution, after)
    known = ~np.isnan(after)
    matrix = [
        [Cell("level", names[k], k)]
        + [str(int(np.count_nonzero((lb == k) & (la == m) & known))) for m in range(len(names))]
        for k in range(len(names))
    ]
    transitions = PageTable(
        ["before \\ after", *names],
        matrix,
        caption=f"Pairs moving from each level before (rows) to each level in period {scenario.horizon} "
        "(columns)",
        numeric=range(1, len(names) + 1),
        table_id="transitions",
    )
    changed = [
        [
            Cell("nowrap", partner_label(p, 40)),
            d.id,
            _score_cell(float(before[i, j]), int(lb[i, j])),
            _score_cell(float(after[i, j]), int(la[i, j])),
            f"{int(la[i, j]) - int(lb[i, j]):+d}",
        ]
        for i, p in enumerate(scenario.partners)
        for j, d in enumerate(scenario.domains)
        if known[i, j] and lb[i, j] != la[i, j]
    ]
    pairs = None
    if changed:
        pairs = PageTable(
            ["partner", "domain", "before", f"period {scenario.horizon}", "levels"],
            changed,
            caption=f"{plural(len(changed), 'pair')} change level",
            numeric=(4,),
            table_id="level-changes",
        )
    return {"transitions": transitions, "pairs": pairs}


def _binding_budgets(solution: Solution) -> dict[int, list[tuple[str, float]]]:
    """Period -> (budget, shadow price) of each period or type budget with a positive price."""
    use = solution.budget_use
    result: dict[int, list[tuple[str, float]]] = {}
    if use is None or len(use) == 0:
        return result
    for record in records.table_records(use, records.BUDGET_USE_COLUMNS):
        price, period = record["shadow_price"], record["period"]
        if record["kind"] not in ("period", "type") or price is None or period is None or price <= 1e-9:
            continue
        name = "total" if record["kind"] == "period" else str(record["name"] or "")
        result.setdefault(int(period), []).append((name, float(price)))
    return result


def spend(drawing: Pictures, solution: Solution) -> dict[str, Any] | None:
    scenario = solution.scenario
    currency = scenario.settings.currency
    table = figures.spend_table(solution)
    if table is None:
        return None
    parts = [
        f"{t}: {number(table.spend[i])} of {number(table.budget[i])}" for i, t in enumerate(table.periods)
    ]
    alt = (
        f"Stacked columns of spend per period by option type ({', '.join(table.types)}), each against "
        f"a black line at the period budget, in {currency or 'currency units'}. Spend of budget by period: "
        f"{'; '.join(parts)}. The numbers are in the table below."
    )
    binding = _binding_budgets(solution)
    headers = ["period", *table.types, "spend", "budget", "unused"]
    if binding:
        headers.append(f"binding budgets: score per extra {currency or 'unit'}".strip())
    rows = []
    for i, t in enumerate(table.periods):
        row = [str(t), *(number(table.by_type[k][i]) for k in table.types)]
        row += [number(table.spend[i]), number(table.budget[i]), number(table.unused[i])]
        if binding:
            row.append(
                "; ".join(f"{name} {number(price, 3)}" for name, price in binding.get(t, [])) or MISSING
            )
        rows.append(row)
    total = ["total", *(number(sum(table.by_type[k])) for k in table.types)]
    total += [number(sum(table.spend)), number(sum(table.budget)), number(sum(table.unused))]
    if binding:
        total.append("")
    rows.append(total)
    partner_totals = figures.spend_by_partner(solution)
    ranked = sorted(
        ((sum(v.values()), p.id) for p, v in zip(scenario.partners, partner_totals.values(), strict=True)),
        key=lambda x: -x[0],
    )
    top = "; ".join(f"{pid} {number(v)}" for v, pid in ranked[:5])
    alt_partner = (
        f"Horizontal stacked bars of spend per partner over all periods, by option type, in "
        f"{currency or 'currency units'}, with each total printed at the end of its bar. Largest: {top}."
    )
    return {
        "by_period": Picture.of(pictures.spend_by_period_chart(drawing, solution, table), alt),
        "by_partner": Picture.of(pictures.spend_by_partner_chart(drawing, solution), alt_partner),
        "table": PageTable(
            headers,
            rows,
            caption=f"Spend by period and option type ({currency})"
            if currency
            else "Spend by period and type",
            numeric=range(1, len(headers)),
            table_id="spend-by-period",
        ),
    }


def weakest(solution: Solution) -> dict[str, Any]:
    scenario = solution.scenario
    has_after = solution.has_plan
    rows = []
    for r in figures.domain_readiness(solution):
        row = [
            Cell("noted", r["domain"], note=r["name"]),
            ", ".join(r["weakest_partner_before"]) or MISSING,
            _score_cell(r["weakest_before"], _level_of(solution, r["weakest_before"])),
        ]
        if has_after:
            row += [
                ", ".join(r["weakest_partner_after"]) or MISSING,
                _score_cell(r["weakest_after"], _level_of(solution, r["weakest_after"])),
                number(r["average_before"]),
                number(r["average_after"]),
            ]
        else:
            row.append(number(r["average_before"]))
        rows.append(row)
    if has_after:
        final = f"period {scenario.horizon}"
        headers = [
            "domain", "weakest before", "score", f"weakest in {final}", "score",
            "average before", f"average in {final}",
        ]  # fmt: skip
        numeric: Sequence[int] = (5, 6)
    else:
        headers = ["domain", "weakest partner", "score", "average"]
        numeric = (3,)
    return {
        "weakest_link": f"{scenario.settings.weakest_link:g}",
        "table": PageTable(headers, rows, numeric=numeric, table_id="weakest-table"),
    }


def options(solution: Solution) -> dict[str, Any] | None:
    scenario = solution.scenario
    currency = scenario.settings.currency
    allocation = solution.allocation
    if not solution.has_plan:
        return None
    if allocation is None or len(allocation) == 0:
        return {"table": None}
    by_id = {o.id: o for o in scenario.options}
    total = float(allocation["cost"].sum())
    grouped = allocation.groupby("option", sort=False).agg(
        units=("units", "sum"), cost=("cost", "sum"), partners=("partner", "nunique")
    )
    rows = []
    for option_id, row in sorted(grouped.iterrows(), key=lambda x: (-float(x[1]["cost"]), str(x[0]))):
        option = by_id.get(option_id)
        rows.append(
            [
                option_id,
                option.name if option else "",
                option.type if option else "",
                number(option.unit_cost, 2) if option else MISSING,
                str(int(row["partners"])),
                number(float(row["units"]), 2, trim=True),
                number(float(row["cost"])),
                _share(float(row["cost"]), total),
            ]
        )
    unit = f" ({currency})" if currency else ""
    detail_rows = [
        [o, p, str(int(t)), number(float(u), 2, trim=True), number(float(c), 2)]
        for o, p, t, u, c in sorted(
            zip(allocation["option"], allocation["partner"], allocation["period"], allocation["units"],
                allocation["cost"], strict=True),
            key=lambda r: (str(r[0]), str(r[1]), int(r[2])),
        )
    ]  # fmt: skip
    return {
        "funded": plural(len(rows), "option"),
        "total": money(total, currency),
        "table": PageTable(
            ["option", "name", "type", f"unit cost{unit}", "partners", "units", f"cost{unit}", "share"],
            rows,
            numeric=(3, 4, 5, 6, 7),
            table_id="options-table",
        ),
        "detail": PageTable(
            ["option", "partner", "period", "units", f"cost{unit}"], detail_rows, numeric=(2, 3, 4)
        ),
    }


def shortfalls(solution: Solution) -> dict[str, Any] | None:
    frame = solution.shortfalls
    if frame is None or len(frame) == 0:
        return {"table": None} if solution.status == "infeasible" else None
    unmet = sorted(
        records.table_records(frame, records.SHORTFALL_REPORT_COLUMNS), key=lambda r: -(r["shortfall"] or 0.0)
    )
    rows = [
        [r["partner"], r["domain"], r["period"], number(r["min_score"]), number(r["reached"]),
         number(r["shortfall"]), "" if r["row"] is None else r["row"]]
        for r in unmet
    ]  # fmt: skip
    return {
        "table": PageTable(
            ["partner", "domain", "period", "target", "reachable", "short by", "targets row"],
            rows,
            numeric=(2, 3, 4, 5, 6),
            table_id="shortfalls-table",
        )
    }


def whole_units(solution: Solution) -> dict[str, Any] | None:
    """An integer plan's section: its score against the proven bound and the LP bound, and the
    exercises held at a set-up cost (model.md, integer plans). None for an LP scenario."""
    if not solution.scenario.integer or not solution.has_plan:
        return None
    currency = solution.scenario.settings.currency

    def shown(value: float | None) -> str:
        return "not known" if value is None else number(value, 3)

    facts = [
        ["Score of the plan (whole units)", number(solution.score, 3)],
        ["Proven bound", shown(solution.bound)],
        ["Gap", "not known" if solution.gap is None else f"{100 * solution.gap:.2f}%"],
        ["LP bound (fractions allowed)", shown(solution.lp_bound)],
        ["What whole units cost in score", shown(solution.whole_units_cost)],
    ]
    held = solution.setups
    rows = [[r.option, r.type, str(r.period), money(r.setup_cost, currency)] for r in held.itertuples()]
    return {
        "facts": PageTable(["", "score points"], facts, numeric=(1,), table_id="whole-units"),
        "setups": PageTable(
            ["option", "type", "period", "set-up money"], rows, numeric=(2, 3), table_id="setups"
        )
        if rows
        else None,
    }


def violations(solution: Solution) -> PageTable | None:
    frame = getattr(solution, "violations", None)
    if frame is None or len(frame) == 0:
        return None
    rows = [
        [number(v, 2) if isinstance(v, float) else ("" if v is None else v) for v in values]
        for values in frame.itertuples(index=False, name=None)
    ]
    return PageTable([str(c) for c in frame.columns], rows, table_id="violations-table")


def scenario(solution: Solution, fingerprints: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    scenario = solution.scenario
    settings = scenario.settings
    facts = [
        ["status", f"{solution.status}: {records.status_text(solution)}"],
        ["solver", f"{solution.solver}, {solution.seconds:.2f} s"],
        ["scenario", scenario.source or "(not from a file)"],
        ["weakest_link", f"{settings.weakest_link:g}"],
        ["score_cap", f"{settings.score_cap:g}"],
        ["score_periods", settings.score_periods],
        ["level_thresholds", ", ".join(f"{x:g}" for x in settings.level_thresholds)],
        ["currency", settings.currency or "(none)"],
        ["periods", str(scenario.horizon)],
        ["budgets", "; ".join(f"{b.period}: {number(b.total)}" for b in scenario.budgets)],
        ["targets", str(len(scenario.targets))],
    ]
    if solution.message:
        facts.insert(2, ["message", solution.message])
    rows: list[list[Any]] = []
    for entry in fingerprints:
        kind = entry.get("kind", "file")
        label = "SHA-256 of its CSV files' listing (below)" if kind == "folder" else "SHA-256"
        rows.append(
            [entry.get("path", ""), kind, Cell("hash", entry.get("sha256") or "(could not be read)"), label]
        )
        for f in entry.get("files", ()) or ():
            rows.append(
                [
                    Cell("indented", f.get("name", "")),
                    "csv",
                    Cell("hash", f.get("sha256") or "(could not be read)"),
                    "SHA-256",
                ]
            )
    inputs = None
    if rows:
        inputs = PageTable(
            ["input", "kind", "fingerprint", "digest"], rows, caption="Input files", table_id="inputs"
        )
    return {
        "settings": PageTable(["setting", "value"], facts, caption="Scenario and run", table_id="settings"),
        "inputs": inputs,
        "partners": PageTable(
            ["partner", "name", "weight", "cost factor", "effectiveness", "max spend per period"],
            [
                [
                    p.id,
                    p.name,
                    f"{p.weight:g}",
                    f"{p.cost_factor:g}",
                    f"{p.effectiveness:g}",
                    MISSING if p.max_spend is None else number(p.max_spend),
                ]
                for p in scenario.partners
            ],
            caption="Partners",
            numeric=(2, 3, 4, 5),
            table_id="partners",
        ),  # fmt: skip
        "domains": PageTable(
            ["domain", "name", "weight"],
            [[d.id, d.name, f"{d.weight:g}"] for d in scenario.domains],
            caption="Domains",
            numeric=(2,),
            table_id="domains",
        ),
    }


def version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    with contextlib.suppress(PackageNotFoundError):
        return version("interop-optimizer")
    return "unknown"
