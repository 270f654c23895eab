"""Hypothesis strategies: tiny random scenarios built straight from the dataclasses.

`scenarios()` draws 1-3 partners, domains, options and periods, with awkward
identifiers ('007', 'NA', '=1+1', unicode, spaces inside), numbers that keep
16 significant digits (so an .xlsx workbook, which keeps 16, reads them back
exactly), partner caps, type budgets, eligibility lists, lags 0-2, zero
weights (never all of them), and targets that a witness plan is known to
reach, so every drawn scenario is feasible.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np
from hypothesis import strategies as st

from optimizer import readiness
from optimizer.scenario import Budget, Domain, Effect, Option, Partner, Scenario, Settings, Target

# Text that a spreadsheet or a CSV reader is tempted to turn into something else.
AWKWARD_IDS = (
    "007",
    "NA",
    "N/A",
    "null",
    "TRUE",
    "1.50",
    "1e5",
    "-3",
    "=1+1",
    "@SUM(A1)",
    "+44",
    "A B",
    "Ünïcødé",
    "北京",
    "_x0041_",
    "a\u00a0b",
    "#1",
    "'q",
    'a"b',
)
# No comma (options.partners is a comma list), no '*' (targets' wildcard), no
# line breaks; leading and trailing blanks are stripped on reading, so none.
ID_ALPHABET = "abXZ09 ._-=+#'\"éü中/"
TYPES = ("training", "standardization", "cyber ops", "été", "x1")
CURRENCIES = ("", "USD M", "€", "NA", "=1")
EVERY = "*"


def sig16(x: float) -> float:
    """The nearest float that 16 significant digits write exactly."""
    return float(f"{x:.16g}")


def numbers(low: float, high: float, full: bool = False) -> st.SearchStrategy[float]:
    """Floats in [low, high]: whole numbers, short decimals, and 16-digit ones like 1/3.

    With `full`, the long ones keep all 17 significant digits a float may need.
    """
    whole = (
        st.integers(math.ceil(low), math.floor(high)).map(float) if math.ceil(low) <= high else st.nothing()
    )
    anything = (
        st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)
        .map(lambda x: x if full else sig16(x))
        .filter(lambda x: low <= x <= high and (x == 0 or abs(x) >= 1e-3))
    )
    short = anything.map(lambda x: round(x, 2)).filter(lambda x: low <= x <= high)
    return st.one_of(whole, short, anything)


def identifiers() -> st.SearchStrategy[str]:
    made = st.text(ID_ALPHABET, min_size=1, max_size=6).filter(lambda s: s == s.strip())
    return st.one_of(st.sampled_from(AWKWARD_IDS), made)


def texts() -> st.SearchStrategy[str]:
    """Names: blank or text that reads back as itself (commas and '*' allowed)."""
    return st.one_of(st.just(""), identifiers(), st.sampled_from(("Alpha, Bravo", "*", "x * y")))


def positive_sum(weights: list[float]) -> list[float]:
    return weights if sum(weights) > 0 else [1.0, *weights[1:]]


@st.composite
def scenarios(draw: st.DrawFn, targets: bool = True, full_precision: bool = False) -> Scenario:
    """A tiny feasible scenario (see the module docstring).

    `full_precision` draws floats with all 17 significant digits, which a CSV
    folder keeps and an .xlsx workbook (16 digits) may not.
    """
    num = functools.partial(numbers, full=full_precision)
    rounded = (lambda x: x) if full_precision else sig16
    n_partners, n_domains, n_options, horizon = (draw(st.integers(1, 3)) for _ in range(4))
    partner_ids = draw(st.lists(identifiers(), min_size=n_partners, max_size=n_partners, unique=True))
    domain_ids = draw(st.lists(identifiers(), min_size=n_domains, max_size=n_domains, unique=True))
    option_ids = draw(st.lists(identifiers(), min_size=n_options, max_size=n_options, unique=True))

    weights = positive_sum([draw(num(0, 3)) for _ in partner_ids])
    partners = tuple(
        Partner(
            id=pid,
            name=draw(texts()),
            weight=w,
            cost_factor=draw(num(0.5, 2)),
            effectiveness=draw(st.one_of(st.just(1.0), num(0, 1.5))),
            max_spend=draw(st.none() | num(0, 30)),
        )
        for pid, w in zip(partner_ids, weights, strict=True)
    )
    weights = positive_sum([draw(num(0, 3)) for _ in domain_ids])
    domains = tuple(Domain(did, draw(texts()), w) for did, w in zip(domain_ids, weights, strict=True))

    cap = draw(st.one_of(st.just(100.0), num(10, 100)))
    baseline = {(p, d): draw(num(0, cap)) for p in partner_ids for d in domain_ids}

    options = tuple(
        Option(
            id=oid,
            type=draw(st.sampled_from(TYPES)),
            unit_cost=draw(num(0.1, 10)),
            name=draw(texts()),
            max_units=draw(st.none() | num(0, 5)),
            lag=draw(st.integers(0, 2)),
            partners=draw(
                st.none() | st.lists(st.sampled_from(partner_ids), min_size=1, unique=True).map(tuple)
            ),
        )
        for oid in option_ids
    )
    effects = []
    for oid in option_ids:
        for did in domain_ids:
            if draw(st.integers(0, 3)) == 0:
                continue
            gain = draw(num(0, 20))
            low = draw(st.none() | num(0, gain))
            high = draw(st.none() | num(gain, gain + 10))
            effects.append(Effect(oid, did, gain, low, high))
    effects = draw(st.permutations(effects))

    types = list(dict.fromkeys(o.type for o in options))
    budgets = tuple(
        Budget(
            t,
            draw(num(0, 50)),
            {k: draw(num(0, 30)) for k in types if draw(st.booleans())},
        )
        for t in range(1, horizon + 1)
    )
    low = draw(num(0, 30))
    middle = rounded(low + draw(num(1, 30)))
    settings = Settings(
        weakest_link=draw(st.one_of(st.sampled_from((0.0, 1.0)), num(0, 1))),
        score_cap=cap,
        score_periods=draw(st.sampled_from(("final", "all"))),
        level_thresholds=(low, middle, rounded(middle + draw(num(1, 30)))),
        currency=draw(st.sampled_from(CURRENCIES)),
    )
    scenario = Scenario(partners, domains, baseline, options, tuple(effects), budgets, (), settings)
    if not targets:
        return scenario
    return replace(scenario, targets=draw_targets(draw, scenario, rounded))


def draw_targets(
    draw: st.DrawFn, scenario: Scenario, rounded: Callable[[float], float] = sig16
) -> tuple[Target, ...]:
    """Target rows (some with '*') that one witness plan within every limit reaches.

    Each typed row becomes its expanded targets, all with the row's
    spreadsheet number (2, 3, ...), as the loader numbers them.
    """
    raw = readiness.raw_readiness(scenario, witness_plan(draw, scenario))
    cap = scenario.settings.score_cap
    par, dom, _ = readiness.index(scenario)
    partner_ids = [p.id for p in scenario.partners]
    domain_ids = [d.id for d in scenario.domains]
    targets: list[Target] = []
    for row in range(2, 2 + draw(st.integers(0, 3))):
        partner = draw(st.sampled_from([*partner_ids, EVERY]))
        domain = draw(st.sampled_from([*domain_ids, EVERY]))
        period = draw(st.sampled_from([*scenario.periods, EVERY]))
        cells = [
            (p, d, t)
            for p in (partner_ids if partner == EVERY else [partner])
            for d in (domain_ids if domain == EVERY else [domain])
            for t in (list(scenario.periods) if period == EVERY else [period])
        ]
        reachable = min(min(cap, float(raw[par[p], dom[d], t - 1])) for p, d, t in cells)
        fraction = draw(st.sampled_from((0.0, 0.5, 0.9, 0.999, 1.0)) | numbers(0, 1))
        min_score = rounded(fraction * reachable)
        if min_score > reachable:  # rounded up past what the witness reaches: cut to 9 decimals
            min_score = rounded(math.floor(reachable * 1e9) / 1e9)
        targets += [Target(p, d, t, min_score, row) for p, d, t in cells]
    return tuple(targets)


def witness_plan(draw: st.DrawFn, scenario: Scenario) -> np.ndarray:
    """units[o, p, t]: nothing, or some units of one option for one eligible partner, within every limit."""
    units = np.zeros((len(scenario.options), len(scenario.partners), scenario.horizon))
    par, _, _ = readiness.index(scenario)
    choices = [(o, par[p]) for o, option in enumerate(scenario.options) for p in scenario.eligible(option)]
    if not choices or not draw(st.booleans()):
        return units
    o, p = draw(st.sampled_from(choices))
    t = draw(st.sampled_from(list(scenario.periods)))
    option, partner, budget = scenario.options[o], scenario.partners[p], scenario.budgets[t - 1]
    cost = option.unit_cost * partner.cost_factor
    limits = [budget.total / cost, budget.by_type.get(option.type, math.inf) / cost]
    limits += [math.inf if option.max_units is None else option.max_units]
    limits += [math.inf if partner.max_spend is None else partner.max_spend / cost]
    units[o, p, t - 1] = min(limits) * draw(st.sampled_from((1.0, 0.5)) | numbers(0, 1))
    return units
