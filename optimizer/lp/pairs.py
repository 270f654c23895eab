"""The pairwise terms of the LP (model.md, "Pairwise interoperability"), one function per family.

`define_pairs` is called by model.build after every partner family, so its columns come last,
and only when pairs count (pair_weight > 0): a scenario without pairs builds the LP as before.
Column count grows with pairs x joint options x periods, so only what the listed pairs need is
built: a joint unit z[o, ab, t] only where o has a pair gain in a domain where (a, b) is modelled
and both partners have a unit column of o in t (reduced: a column that pays off).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .. import pairs
from ..scenario import Scenario

if TYPE_CHECKING:  # model.py calls this module from build
    from .builder import Builder
    from .model import UnitColumns

INF = math.inf


@dataclass(frozen=True)
class JointColumns:
    """z[o, ab, t] <= x[o, a, t], x[o, b, t]: how often a and b take part in o together."""

    option: np.ndarray
    a: np.ndarray  # partner positions
    b: np.ndarray
    period: np.ndarray  # from 1
    column: np.ndarray
    couple: np.ndarray  # position of (a, b) in couple_of
    couple_of: dict[tuple[int, int], int]  # (lower, higher partner position) -> couple


@dataclass(frozen=True)
class PairTerms:
    """Where the pair quantities sit: stock q[k, t], counted c[k, t], weakest m[d, t] (columns)."""

    joint: JointColumns
    stock: dict[tuple[int, int], int]
    counted: dict[tuple[int, int], int]
    weakest: dict[tuple[int, int], int]


def unit_lookup(units: UnitColumns, shape: tuple[int, int, int]) -> np.ndarray:
    """column[o, p, t] of each unit column, -1 where the builder left it out."""
    lookup = np.full(shape, -1)
    lookup[units.option, units.partner, units.period - 1] = np.arange(len(units.option))
    return lookup


def define_joint_units(
    build: Builder, scenario: Scenario, units: UnitColumns, index: pairs.PairIndex, keep: np.ndarray
) -> JointColumns:
    """z[o, ab, t] in [0, max_units] with z - x_a <= 0 and z - x_b <= 0, for the pairs k in `keep`."""
    h = pairs.pair_gain_matrix(scenario)
    horizon = scenario.horizon
    couples = sorted(
        {(min(a, b), max(a, b)) for a, b in zip(index.a[keep].tolist(), index.b[keep].tolist(), strict=True)}
    )
    couple_of = {ends: u for u, ends in enumerate(couples)}
    wanted = np.zeros((len(scenario.options), len(couples)), dtype=bool)
    for k in np.flatnonzero(keep).tolist():
        wanted[:, couple_of[min(index.a[k], index.b[k]), max(index.a[k], index.b[k])]] |= (
            h[:, index.domain[k]] > 0
        )
    ends = np.array(couples, dtype=int).reshape(-1, 2)
    lookup = unit_lookup(units, (len(scenario.options), len(scenario.partners), horizon))
    option, couple = np.nonzero(wanted)
    option, couple = np.repeat(option, horizon), np.repeat(couple, horizon)
    period = np.tile(np.arange(horizon), len(option) // horizon)
    a, b = ends[couple, 0], ends[couple, 1]
    x_a, x_b = lookup[option, a, period], lookup[option, b, period]
    both = (x_a >= 0) & (x_b >= 0)
    option, couple, a, b, period, x_a, x_b = (v[both] for v in (option, couple, a, b, period, x_a, x_b))
    names = [  # plain ints format several times faster than numpy's: these are most of the LP's names
        f"o{o}_a{p}_b{q}_t{t}"
        for o, p, q, t in zip(option.tolist(), a.tolist(), b.tolist(), (period + 1).tolist(), strict=True)
    ]
    max_units = np.array([INF if o.max_units is None else o.max_units for o in scenario.options], dtype=float)
    column = build.add_columns(np.zeros(len(option)), max_units[option], ["z_" + n for n in names])
    for end, x in (("a", x_a), ("b", x_b)):
        rows = build.add_rows(np.full(len(x), -INF), np.zeros(len(x)), [f"joint_{end}_" + n for n in names])
        build.entries(
            np.concatenate([rows, rows]), np.concatenate([column, x]), np.repeat([1.0, -1.0], len(x))
        )
    return JointColumns(option, a, b, period + 1, column, couple, couple_of)


def define_pair_readiness(
    build: Builder,
    scenario: Scenario,
    joint: JointColumns,
    index: pairs.PairIndex,
    periods: dict[int, list[int]],
) -> dict[tuple[int, int], int]:
    """q[k, t] in the needed periods, a stock as r is: q_t = q_previous + joint gains landing between.

    q = q0 + min(eta_a, eta_b) * sum_o h[o, d] * (joint units counting by t), plus what a re-plan's
    measurements moved it by from their period on (landing in the stock rows as a gain does).
    Returns the columns.
    """
    h = pairs.pair_gain_matrix(scenario)
    horizon = scenario.horizon
    shift = pairs.pair_shift_matrix(scenario)
    moved = np.diff(shift, axis=1, prepend=0.0)
    keys = [(k, t) for k, needed in periods.items() for t in needed]
    columns = build.add_columns(  # joint gains are >= 0: never below baseline (plus what was measured)
        np.array([index.baseline[k] + shift[k, t - 1] for k, t in keys]),
        np.full(len(keys), INF),
        [f"q_k{k}_t{t}" for k, t in keys],
    )
    stock = dict(zip(keys, columns.tolist(), strict=True))
    landing_row = np.full((len(index.a), horizon + 2), -1)
    for k, needed in periods.items():
        start = 0
        for t in needed:
            first = (float(index.baseline[k]) if start == 0 else 0.0) + float(moved[k, start:t].sum())
            row = build.add_row(first, first, f"pair_stock_k{k}_t{t}")
            build.entries(np.array([row]), np.array([stock[k, t]]), np.array([1.0]))
            if start:
                build.entries(np.array([row]), np.array([stock[k, start]]), np.array([-1.0]))
            landing_row[k, start + 1 : t + 1] = row
            start = t
    # each joint column lands in every modelled pair of its two partners, by its option's pair gain
    pair = np.array(list(periods), dtype=int)
    couple = np.array(
        [joint.couple_of[min(index.a[k], index.b[k]), max(index.a[k], index.b[k])] for k in pair.tolist()],
        dtype=int,
    )
    order = np.argsort(joint.couple, kind="stable")
    first = np.searchsorted(joint.couple[order], couple)
    count = np.searchsorted(joint.couple[order], couple, side="right") - first
    k = np.repeat(pair, count)
    j = order[np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count) + np.repeat(first, count)]
    lags = np.array([o.lag for o in scenario.options], dtype=int)
    counts_from = np.minimum(joint.period[j] + lags[joint.option[j]], horizon + 1)
    gain = index.effectiveness[k] * h[joint.option[j], index.domain[k]]
    row = landing_row[k, counts_from]
    lands = (row >= 0) & (gain != 0)
    build.entries(row[lands], joint.column[j][lands], -gain[lands])
    return stock


def define_pair_counted(
    build: Builder, scenario: Scenario, stock: dict[tuple[int, int], int], index: pairs.PairIndex
) -> dict[tuple[int, int], int]:
    """c[k, t] in [0, U] with c <= q, for pairs that enter Z_pairs in the periods it counts."""
    scored = np.flatnonzero(index.scored).tolist()
    keys = [(k, t) for t in scenario.counted_periods() for k in scored]
    cap = scenario.settings.score_cap
    columns = build.add_columns(
        np.zeros(len(keys)), np.full(len(keys), cap), [f"cq_k{k}_t{t}" for k, t in keys]
    )
    rows = build.add_rows(
        np.full(len(keys), -INF), np.zeros(len(keys)), [f"pair_cap_k{k}_t{t}" for k, t in keys]
    )
    q = np.array([stock[key] for key in keys], dtype=int)
    build.entries(
        np.concatenate([rows, rows]), np.concatenate([columns, q]), np.repeat([1.0, -1.0], len(keys))
    )
    return dict(zip(keys, columns.tolist(), strict=True))


def define_weakest_pair(
    build: Builder, scenario: Scenario, counted: dict[tuple[int, int], int], index: pairs.PairIndex
) -> dict[tuple[int, int], int]:
    """m^Q[d, t] <= c[k, t] for every pair of positive weight in domain d: the weakest pair."""
    if scenario.settings.weakest_link == 0:
        return {}
    keys = list(dict.fromkeys((int(index.domain[k]), t) for k, t in counted))
    cap = scenario.settings.score_cap
    columns = build.add_columns(
        np.zeros(len(keys)), np.full(len(keys), cap), [f"mq_d{d}_t{t}" for d, t in keys]
    )
    weakest = dict(zip(keys, columns.tolist(), strict=True))
    pair_keys = list(counted)
    rows = build.add_rows(
        np.full(len(pair_keys), -INF),
        np.zeros(len(pair_keys)),
        [f"weakest_pair_k{k}_t{t}" for k, t in pair_keys],
    )
    m = np.array([weakest[int(index.domain[k]), t] for k, t in pair_keys], dtype=int)
    c = np.array([counted[key] for key in pair_keys], dtype=int)
    build.entries(
        np.concatenate([rows, rows]), np.concatenate([m, c]), np.repeat([1.0, -1.0], len(pair_keys))
    )
    return weakest


def needed_pair_periods(scenario: Scenario, index: pairs.PairIndex, reduced: bool) -> dict[int, list[int]]:
    """Periods in which each pair's readiness must be known: where the score counts it (every
    period of every pair, unreduced)."""
    if not reduced:
        return {k: list(scenario.periods) for k in range(len(index.a))}
    counted = sorted(scenario.counted_periods())
    return {k: counted for k in np.flatnonzero(index.scored).tolist()}


def define_pairs(build: Builder, scenario: Scenario, units: UnitColumns, reduced: bool) -> PairTerms | None:
    """Every pairwise family, in order; None when pairs do not count (pair_weight 0)."""
    if scenario.pair_weight == 0:
        return None
    index = pairs.pair_index(scenario)
    periods = needed_pair_periods(scenario, index, reduced)
    keep = np.zeros(len(index.a), dtype=bool)
    keep[list(periods)] = True
    joint = define_joint_units(build, scenario, units, index, keep)
    stock = define_pair_readiness(build, scenario, joint, index, periods)
    counted = define_pair_counted(build, scenario, stock, index)
    weakest = define_weakest_pair(build, scenario, counted, index)
    return PairTerms(joint, stock, counted, weakest)


def blended_score(scenario: Scenario, partners: np.ndarray, terms: PairTerms | None) -> np.ndarray:
    """Z = (1 - mu) Z_partners + mu Z_pairs as coefficients, where
    Z_pairs = sum_t pi_t sum_d w~_d [(1 - lambda) sum_k omega~_k c + lambda m^Q]."""
    if terms is None:
        return partners
    index = pairs.pair_index(scenario)
    mu, lam = scenario.pair_weight, scenario.settings.weakest_link
    pi = scenario.counted_periods()
    score = (1 - mu) * partners
    for (k, t), c in terms.counted.items():
        score[c] += mu * pi[t] * (1 - lam) * index.share[k]
    for (d, t), m in terms.weakest.items():
        score[m] += mu * pi[t] * lam * index.domain_share[d]
    return score
