"""Scenario variants for studies: `scale_budgets`, `with_*` helpers and the PARAM grammar.

A sweep PARAM names one number of the scenario (see PARAMS); `apply_param(scenario, param, value)`
gives the variant with that number set, without touching files.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np
import pandas as pd

from ..errors import ParamError
from ..scenario import Domain, Effect, Partner, Scenario

# ---------------------------------------------------------------------------------------------------------
# Scenario helpers


def scale_budgets(scenario: Scenario, factor: float, types: bool = True) -> Scenario:
    """Every period budget (and, with `types`, every type budget) times `factor`; partner caps unchanged."""
    check_number("budget factor", factor, low=0.0)
    budgets = tuple(
        replace(
            b,
            total=b.total * factor,
            by_type=MappingProxyType({k: v * factor for k, v in b.by_type.items()}) if types else b.by_type,
        )
        for b in scenario.budgets
    )
    return replace(scenario, budgets=budgets)


def with_period_budget(scenario: Scenario, period: int, amount: float) -> Scenario:
    """Period `period`'s total budget set to `amount`."""
    check_number(f"budget of period {period}", amount, low=0.0)
    check_choice("period", period, list(scenario.periods))
    budgets = tuple(replace(b, total=float(amount)) if b.period == period else b for b in scenario.budgets)
    return replace(scenario, budgets=budgets)


def with_type_budget(scenario: Scenario, kind: str, amount: float, period: int) -> Scenario:
    """The budget for options of type `kind` in `period` set to `amount` (a cap where there was none)."""
    check_number(f"{kind} budget of period {period}", amount, low=0.0)
    check_choice("option type", kind, list(scenario.option_types))
    check_choice("period", period, list(scenario.periods))
    budgets = tuple(
        replace(b, by_type=MappingProxyType({**b.by_type, kind: float(amount)})) if b.period == period else b
        for b in scenario.budgets
    )
    return replace(scenario, budgets=budgets)


def scale_type_budget(scenario: Scenario, kind: str, factor: float) -> Scenario:
    """The budget for options of type `kind` times `factor` in every period where it is set."""
    check_number(f"{kind} budget factor", factor, low=0.0)
    check_choice("option type with a budget", kind, _budgeted_types(scenario))
    budgets = tuple(
        replace(b, by_type=MappingProxyType({**b.by_type, kind: b.by_type[kind] * factor}))
        if kind in b.by_type
        else b
        for b in scenario.budgets
    )
    return replace(scenario, budgets=budgets)


def with_setting(scenario: Scenario, **changes: object) -> Scenario:
    """Settings changed by name, e.g. with_setting(s, weakest_link=0.5)."""
    known = set(scenario.settings.__dataclass_fields__)
    for name in changes:
        check_choice("setting", name, sorted(known))
    if "weakest_link" in changes:
        check_number("weakest_link", changes["weakest_link"], low=0.0, high=1.0)
    return scenario.with_settings(**changes)


def with_domain_weight(scenario: Scenario, domain: str, weight: float) -> Scenario:
    """Domain `domain`'s weight in the score set to `weight` (the weights must keep a positive sum)."""
    return replace(scenario, domains=_weighted(scenario.domains, "domain", domain, weight))


def with_partner_weight(scenario: Scenario, partner: str, weight: float) -> Scenario:
    """Partner `partner`'s weight in the score set to `weight` (the weights must keep a positive sum)."""
    return replace(scenario, partners=_weighted(scenario.partners, "partner", partner, weight))


def _weighted[T: (Domain, Partner)](
    items: tuple[T, ...], what: str, target: str, weight: float
) -> tuple[T, ...]:
    """`items` with `target`'s weight set to `weight`: the score divides weights by their sum,
    which must stay positive."""
    check_number(f"weight of {what} {target}", weight, low=0.0)
    check_choice(what, target, [x.id for x in items])
    weighted = tuple(replace(x, weight=float(weight)) if x.id == target else x for x in items)
    if sum(x.weight for x in weighted) <= 0:
        raise ParamError(f"the {what} weights must keep a positive sum; {target} = {weight:g} leaves 0")
    return weighted


def with_unit_cost(scenario: Scenario, option: str, cost: float) -> Scenario:
    """Option `option`'s unit cost set to `cost` (> 0)."""
    check_number(f"unit cost of {option}", cost, low=0.0, strict=True)
    check_choice("option", option, [o.id for o in scenario.options])
    options = tuple(replace(o, unit_cost=float(cost)) if o.id == option else o for o in scenario.options)
    return replace(scenario, options=options)


def scale_gains(scenario: Scenario, option: str, factor: float) -> Scenario:
    """Every gain of option `option` (and its gain_low / gain_high) times `factor`."""
    check_number(f"gain factor of {option}", factor, low=0.0)
    check_choice("option", option, [o.id for o in scenario.options])

    def scaled(e: Effect) -> Effect:
        if e.option != option:
            return e
        return replace(
            e,
            gain=e.gain * factor,
            gain_low=None if e.gain_low is None else e.gain_low * factor,
            gain_high=None if e.gain_high is None else e.gain_high * factor,
        )

    return replace(scenario, effects=tuple(scaled(e) for e in scenario.effects))


def with_effectiveness(scenario: Scenario, partner: str, effectiveness: float) -> Scenario:
    """Partner `partner`'s effectiveness (multiplier of every gain for it) set to `effectiveness`."""
    check_number(f"effectiveness of {partner}", effectiveness, low=0.0)
    check_choice("partner", partner, [p.id for p in scenario.partners])
    partners = tuple(
        replace(p, effectiveness=float(effectiveness)) if p.id == partner else p for p in scenario.partners
    )
    return replace(scenario, partners=partners)


def without_option(scenario: Scenario, option: str) -> Scenario:
    """The scenario with option `option` removed (it is never funded)."""
    check_choice("option", option, [o.id for o in scenario.options])
    return replace(
        scenario,
        options=tuple(o for o in scenario.options if o.id != option),
        effects=tuple(e for e in scenario.effects if e.option != option),
    )


def fix_option(
    option: str, partner: str, period: int, units: float, keep: pd.DataFrame | None = None
) -> pd.DataFrame:
    """A commitment table for `solve(scenario, keep=...)`: `units` of `option` for `partner` in `period`
    are committed (kept as a minimum), added to `keep` if given. solve checks the names."""
    check_number("committed units", units, low=0.0)
    row = pd.DataFrame({"option": [option], "partner": [partner], "period": [int(period)], "units": [units]})
    return row if keep is None or keep.empty else pd.concat([keep, row], ignore_index=True)


def with_gains(
    scenario: Scenario, gains: Sequence[float], pair_gains: Sequence[float] | None = None
) -> Scenario:
    """Every effect's gain (and, given, pair gain) replaced, in the order of scenario.effects
    (Monte Carlo draws)."""
    pair_gains = [e.pair_gain for e in scenario.effects] if pair_gains is None else pair_gains
    if len(gains) != len(scenario.effects) or len(pair_gains) != len(scenario.effects):
        raise ValueError(f"expected {len(scenario.effects)} gains, got {len(gains)} and {len(pair_gains)}")
    effects = tuple(
        replace(e, gain=float(g), pair_gain=float(h))
        for e, g, h in zip(scenario.effects, gains, pair_gains, strict=True)
    )
    return replace(scenario, effects=effects)


def _budgeted_types(scenario: Scenario) -> list[str]:
    return list(dict.fromkeys(k for b in scenario.budgets for k in b.by_type))


# ---------------------------------------------------------------------------------------------------------
# PARAM grammar

PARAMS: dict[str, str] = {
    "budget_scale": "multiplier of every period budget and type budget (partner caps unchanged)",
    "budget:<period>": "total budget of that period (an amount)",
    "type_budget:<type>": "multiplier of that type's budget in every period where it is set",
    "type_budget:<type>:<period>": "budget of that type in that period (an amount)",
    "weakest_link": "weakest-link emphasis lambda, in [0, 1]",
    "domain_weight:<domain>": "weight of that domain in the score (>= 0)",
    "partner_weight:<partner>": "weight of that partner in the score (>= 0)",
    "unit_cost:<option>": "cost of one unit of that option (> 0)",
    "gain_scale:<option>": "multiplier of every gain of that option (>= 0)",
    "effectiveness:<partner>": "that partner's effectiveness, multiplier of its gains (>= 0)",
}
BUDGET_KINDS = ("budget_scale", "budget", "type_budget")


@dataclass(frozen=True)
class Param:
    """A parsed PARAM: kind (the part before the first ':'), target id, optional period."""

    text: str
    kind: str
    target: str = ""
    period: int | None = None

    @property
    def budget_only(self) -> bool:
        """Changes only budget right-hand sides: sweeps re-solve it warm."""
        return self.kind in BUDGET_KINDS


def param_help() -> str:
    return "\n".join(f"  {name:<30} {text}" for name, text in PARAMS.items())


def parse_param(scenario: Scenario, text: str) -> Param:
    """Read a PARAM (see PARAMS) and check that what it names exists in `scenario`."""
    kind, _, rest = (p.strip() for p in str(text).strip().partition(":"))
    args = _arguments(scenario, kind, rest) if ":" in str(text) else []
    arity = {
        "budget_scale": (0,),
        "weakest_link": (0,),
        "budget": (1,),
        "type_budget": (1, 2),
        "domain_weight": (1,),
        "partner_weight": (1,),
        "unit_cost": (1,),
        "gain_scale": (1,),
        "effectiveness": (1,),
    }
    if kind == "gain":
        raise ParamError(f"unknown PARAM '{text}': use gain_scale:<option> (a multiplier of its gains)")
    if kind not in arity:
        raise ParamError(f"unknown PARAM '{text}'; valid PARAMs:\n{param_help()}")
    if len(args) not in arity[kind] or any(not a for a in args):
        forms = [name for name in PARAMS if name.split(":")[0] == kind]
        raise ParamError(f"PARAM '{text}' is malformed: expected {' or '.join(forms)}")
    if kind in ("budget_scale", "weakest_link"):
        return Param(text, kind)
    if kind == "budget":
        return Param(text, kind, period=_period(scenario, args[0], text))
    if kind == "type_budget":
        if len(args) == 2:
            check_choice("option type", args[0], list(scenario.option_types), text)
            return Param(text, kind, args[0], _period(scenario, args[1], text))
        check_choice("option type with a budget", args[0], _budgeted_types(scenario), text)
        return Param(text, kind, args[0])
    choices = {
        "domain_weight": ("domain", [d.id for d in scenario.domains]),
        "partner_weight": ("partner", [p.id for p in scenario.partners]),
        "unit_cost": ("option", [o.id for o in scenario.options]),
        "gain_scale": ("option", [o.id for o in scenario.options]),
        "effectiveness": ("partner", [p.id for p in scenario.partners]),
    }[kind]
    check_choice(choices[0], args[0], choices[1], text)
    return Param(text, kind, args[0])


def _arguments(scenario: Scenario, kind: str, rest: str) -> list[str]:
    """What follows the kind: one id, which may itself hold ':' (an id such as LNO:v2 is valid), or
    for type_budget a type and, after its last ':', a period."""
    if kind == "type_budget" and rest not in scenario.option_types and ":" in rest:
        return [p.strip() for p in rest.rsplit(":", 1)]
    return [rest]


def _period(scenario: Scenario, text: str, param: str) -> int:
    try:
        period = int(text)
    except ValueError:
        period = -1
    if period not in scenario.periods:
        raise ParamError(
            f"PARAM '{param}': no period '{text}'; periods are 1 to {scenario.horizon}"
        ) from None
    return period


MAX_VALUES = 10_000  # values of one sweep: each is a solve, and the result tables grow with them


def parse_values(text: str | Iterable[float]) -> tuple[float, ...]:
    """VALUES: a comma list ('0.5,1,1.5') or START:STOP:N (N evenly spaced values, both ends included)."""
    if not isinstance(text, str):
        values = tuple(float(v) for v in text)
    elif ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise ParamError(f"VALUES '{text}': expected START:STOP:N, e.g. 0.5:1.5:11")
        try:
            start, stop = float(parts[0]), float(parts[1])
            count = int(parts[2])
        except ValueError:
            raise ParamError(
                f"VALUES '{text}': START and STOP must be numbers and N a whole number, e.g. 0.5:1.5:11"
            ) from None
        if count < 1:
            raise ParamError(f"VALUES '{text}': N must be at least 1")
        if count > MAX_VALUES:
            raise ParamError(f"VALUES '{text}': N must be at most {MAX_VALUES:,} (one solve each)")
        values = tuple(float(v) for v in np.linspace(start, stop, count))
    else:
        try:
            values = tuple(float(v) for v in text.split(",") if v.strip())
        except ValueError:
            raise ParamError(
                f"VALUES '{text}': expected numbers separated by commas, or START:STOP:N"
            ) from None
    if not values:
        raise ParamError("VALUES: give at least one value")
    if len(values) > MAX_VALUES:
        raise ParamError(f"VALUES: at most {MAX_VALUES:,} values (one solve each), got {len(values):,}")
    if not all(math.isfinite(v) for v in values):
        raise ParamError(f"VALUES: every value must be a finite number, got {list(values)}")
    return values


def apply_param(scenario: Scenario, param: Param | str, value: float) -> Scenario:
    """The variant of `scenario` with PARAM set to `value`; ParamError for a value out of range."""
    p = parse_param(scenario, param) if isinstance(param, str) else param
    try:
        match p.kind:
            case "budget_scale":
                return scale_budgets(scenario, value)
            case "budget":
                return with_period_budget(scenario, p.period, value)
            case "type_budget" if p.period is None:
                return scale_type_budget(scenario, p.target, value)
            case "type_budget":
                return with_type_budget(scenario, p.target, value, p.period)
            case "weakest_link":
                return with_setting(scenario, weakest_link=float(value))
            case "domain_weight":
                return with_domain_weight(scenario, p.target, value)
            case "partner_weight":
                return with_partner_weight(scenario, p.target, value)
            case "unit_cost":
                return with_unit_cost(scenario, p.target, value)
            case "gain_scale":
                return scale_gains(scenario, p.target, value)
            case "effectiveness":
                return with_effectiveness(scenario, p.target, value)
    except ParamError as error:
        raise ParamError(f"PARAM '{p.text}' = {value:g}: {error}") from None
    raise ParamError(f"unknown PARAM '{p.text}'")  # pragma: no cover - parse_param rejects it first


def current_value(scenario: Scenario, param: Param | str) -> float:
    """The scenario's own value of PARAM (1 for the multipliers)."""
    p = parse_param(scenario, param) if isinstance(param, str) else param
    match p.kind:
        case "budget":
            return scenario.budgets[p.period - 1].total
        case "type_budget" if p.period is not None:
            return scenario.budgets[p.period - 1].by_type.get(p.target, math.inf)
        case "weakest_link":
            return scenario.settings.weakest_link
        case "domain_weight":
            return next(d.weight for d in scenario.domains if d.id == p.target)
        case "partner_weight":
            return next(x.weight for x in scenario.partners if x.id == p.target)
        case "unit_cost":
            return next(o.unit_cost for o in scenario.options if o.id == p.target)
        case "effectiveness":
            return next(x.effectiveness for x in scenario.partners if x.id == p.target)
    return 1.0


def check_number(
    what: str, value: object, low: float | None = None, high: float | None = None, strict: bool = False
) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ParamError(f"{what} must be a finite number, got {value!r}")
    if low is not None and (value <= low if strict else value < low):
        raise ParamError(f"{what} must be {'>' if strict else '>='} {low:g}, got {value:g}")
    if high is not None and value > high:
        raise ParamError(f"{what} must be <= {high:g}, got {value:g}")


def check_choice(what: str, value: object, choices: list, param: str | None = None) -> None:
    if value not in choices:
        head = f"PARAM '{param}': " if param else ""
        shown = ", ".join(str(c) for c in choices[:30]) + (", ..." if len(choices) > 30 else "")
        raise ParamError(f"{head}no {what} '{value}'; choose one of: {shown or '(none in this scenario)'}")
