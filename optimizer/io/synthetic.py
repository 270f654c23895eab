"""Synthetic scenarios of any size: valid, realistic and non-degenerate.

`generate(partners, options, domains, periods, seed)` draws a whole Scenario
from numpy's `default_rng(seed)`, so one seed always gives an equal
scenario. Its shape is what a planner would recognise:

- partners P001.. with weights, cost factors and effectiveness near 1; about
  a third have a per-period spending cap (absorptive capacity), chosen mostly
  among the least ready, so the weakest-link term meets those caps;
- domains D01.. with weights, and baseline readiness spread over 5..85
  (a level per partner, an offset per domain, noise);
- options O0001.. of type training (cheap, lag 0 or 1), standardization
  (dearer, more points per unit, always lagged 1 or 2) and liaison (cheap,
  lag 0); each touches 1-3 domains with gain, gain_low and gain_high; most
  have max_units; about a quarter are open only to a subset of partners;
- period budgets whose sum over the horizon is 20-35% of what it would cost
  to bring every partner to the cap in every domain at the cheapest eligible
  price per point, so budgets bind and most scores stay below the cap; a
  type budget (standardization early, training late) in about half of the
  periods;
- a few targets (baseline + a small margin), each checked against a witness
  plan that stays within every limit, so the scenario is feasible;
- settings: weakest_link 0.25, score_cap 100, score_periods final, USD M.

Every number is rounded to a few decimals, so writing the scenario to a
workbook or CSV and loading it back gives an equal Scenario. Drawing is
vectorised: the large preset takes milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import product

import numpy as np

from ..scenario import Budget, Domain, Effect, Option, Partner, Scenario, Settings, Target

# partners, options, domains, periods
PRESETS: dict[str, tuple[int, int, int, int]] = {
    "small": (8, 20, 6, 5),
    "medium": (30, 100, 8, 5),
    "large": (60, 400, 10, 10),
}

CAP = 100.0
TYPES = ("training", "standardization", "liaison")
TYPE_SHARES = (0.55, 0.35, 0.10)
# unit cost range (log-uniform), points per currency unit (median), lag choices and their odds
COST_RANGE = {"training": (0.2, 4.0), "standardization": (2.0, 12.0), "liaison": (0.2, 1.5)}
POINTS_PER_MONEY = {"training": 1.0, "standardization": 1.6, "liaison": 0.7}
LAGS = {"training": ((0, 1), (0.7, 0.3)), "standardization": ((1, 2), (0.6, 0.4)), "liaison": ((0,), (1.0,))}
TYPE_LABEL = {
    "training": "Joint exercise",
    "standardization": "Standardization package",
    "liaison": "Liaison post",
}
DOMAIN_NAMES = (
    "Command and control",
    "Communications",
    "Logistics",
    "Intelligence and surveillance",
    "Air and missile defence",
    "Cyber defence",
    "Medical support",
    "Maritime operations",
    "Joint fires",
    "Electronic warfare",
    "Engineering",
    "CBRN defence",
    "Space support",
    "Special operations",
    "Doctrine and training",
)
BUDGET_FRACTION = (0.20, 0.35)  # of the cost of bringing everyone to the cap, over the whole horizon


def generate(partners: int, options: int, domains: int, periods: int, seed: int = 0) -> Scenario:
    """A synthetic scenario of the given size; equal scenarios for equal arguments."""
    for name, value in (
        ("partners", partners),
        ("options", options),
        ("domains", domains),
        ("periods", periods),
    ):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a whole number >= 1, not {value!r}")
    rng = np.random.default_rng(seed)
    n_p, n_o, n_d, n_h = int(partners), int(options), int(domains), int(periods)

    # --- partners and domains --------------------------------------------------------------
    weight = np.round(rng.uniform(0.5, 3.0, n_p), 1)
    cost_factor = np.round(rng.uniform(0.7, 1.5, n_p), 2)
    effectiveness = np.round(rng.uniform(0.7, 1.3, n_p), 2)
    domain_weight = np.round(rng.uniform(0.5, 2.0, n_d), 1)

    level = rng.uniform(15.0, 70.0, n_p)
    offset = rng.normal(0.0, 10.0, n_d)
    baseline = np.round(
        np.clip(level[:, None] + offset[None, :] + rng.normal(0.0, 8.0, (n_p, n_d)), 5.0, 85.0), 1
    )

    # --- options ----------------------------------------------------------------------------
    kind = rng.choice(len(TYPES), size=n_o, p=TYPE_SHARES)
    if n_o >= 2:  # both usual types always present
        kind[:2] = (0, 1)
    low = np.array([COST_RANGE[t][0] for t in TYPES])[kind]
    high = np.array([COST_RANGE[t][1] for t in TYPES])[kind]
    unit_cost = np.round(np.exp(rng.uniform(np.log(low), np.log(high))), 2)
    lag = np.zeros(n_o, dtype=int)
    for k, t in enumerate(TYPES):
        values, odds = LAGS[t]
        chosen = kind == k
        lag[chosen] = rng.choice(values, size=int(chosen.sum()), p=odds)
    lag = np.minimum(lag, n_h - 1)  # a unit must be able to count within the horizon
    has_max = rng.random(n_o) < 0.85
    max_units = rng.integers(2, 11, n_o).astype(float)

    # eligibility: about a quarter of the options go to a subset of the partners
    restricted = (rng.random(n_o) < 0.25) & (n_p >= 3)
    restricted[: min(n_d, n_o)] = False  # the first options keep every domain open to every partner
    if n_p >= 3 and n_o > n_d and not restricted.any():  # at least one eligibility list
        restricted[rng.integers(n_d, n_o)] = True
    share = rng.uniform(0.2, 0.6, n_o)
    draw = rng.random((n_o, n_p))
    eligible = np.ones((n_o, n_p), dtype=bool)
    eligible[restricted] = draw[restricted] < share[restricted, None]
    empty = restricted & ~eligible.any(axis=1)
    eligible[empty, rng.integers(0, n_p, n_o)[empty]] = True

    # effects: 1-3 domains per option, the first options covering every domain once
    touches = np.minimum(rng.choice((1, 2, 3), size=n_o, p=(0.5, 0.35, 0.15)), n_d)
    order = np.argsort(rng.random((n_o, n_d)), axis=1)  # a random permutation of the domains per option
    first = np.arange(n_o) % n_d
    cover = np.arange(n_o) < n_d
    order[cover] = (first[cover, None] + np.arange(n_d)[None, :]) % n_d
    touched = np.zeros((n_o, n_d), dtype=bool)
    rows = np.repeat(np.arange(n_o), touches)
    nth = np.arange(len(rows)) - np.repeat(np.cumsum(touches) - touches, touches)  # 0, 1, .. per option
    cols = order[rows, nth]
    touched[rows, cols] = True
    ppm = np.array([POINTS_PER_MONEY[t] for t in TYPES])[kind] * rng.lognormal(0.0, 0.35, n_o)
    split = rng.uniform(0.6, 1.0, (n_o, n_d))  # uneven across the domains an option touches
    gain = np.where(touched, unit_cost[:, None] * ppm[:, None] * split / np.sqrt(touches)[:, None], 0.0)
    gain = np.where(touched, np.maximum(np.round(gain, 2), 0.05), 0.0)
    gain_low = np.round(gain * rng.uniform(0.5, 0.9, (n_o, n_d)), 2)
    gain_high = np.round(gain * rng.uniform(1.1, 1.6, (n_o, n_d)), 2)

    # --- budgets: a fraction of the cost to bring everyone to the cap ---------------------------
    # money per readiness point of each option for each partner, counting the points it adds in
    # every domain it touches (an optimistic price, so the budgets fall short of bringing everyone to
    # the cap by a margin)
    per_point = (unit_cost[:, None] * cost_factor[None, :]) / (
        effectiveness[None, :] * gain.sum(axis=1)[:, None]
    )
    per_point = np.where(eligible[:, :, None] & touched[:, None, :], per_point[:, :, None], np.inf)
    cheapest = per_point.min(axis=0)  # (partner, domain)
    need = float(np.sum(np.where(np.isfinite(cheapest), (CAP - baseline) * cheapest, 0.0)))
    total = need * rng.uniform(*BUDGET_FRACTION)
    profile = np.linspace(1.0, 1.0 + 0.04 * (n_h - 1), n_h) * rng.uniform(0.9, 1.1, n_h)
    period_budget = np.round(total * profile / profile.sum(), 1)

    type_cap: list[dict[str, float]] = [{} for _ in range(n_h)]
    capped_periods = rng.random(n_h) < 0.5
    capped_periods[rng.integers(0, n_h)] = True
    present = [TYPES[k] for k in np.unique(kind)]
    for t in np.flatnonzero(capped_periods):
        name = "standardization" if t < max(1, n_h // 2) else "training"
        name = name if name in present else present[0]
        type_cap[t][name] = float(np.round(period_budget[t] * rng.uniform(0.3, 0.5), 1))

    # partner caps: about a third, mostly among the least ready, below an equal share
    n_capped = max(1, round(n_p / 3)) if n_p >= 2 else 0
    weakness = CAP - baseline.mean(axis=1)
    pick = rng.choice(n_p, size=n_capped, replace=False, p=weakness**2 / np.sum(weakness**2))
    equal_share = period_budget.mean() / n_p
    max_spend = np.full(n_p, np.nan)
    max_spend[pick] = np.round(equal_share * rng.uniform(0.5, 1.2, n_capped), 1)

    # --- targets: baseline + a margin, each kept only if a witness plan within limits reaches it --
    targets = _targets(
        rng,
        baseline=baseline,
        eligible=eligible,
        gain=gain,
        lag=lag,
        cost=unit_cost[:, None] * cost_factor[None, :],
        effectiveness=effectiveness,
        max_units=np.where(has_max, max_units, np.inf),
        period_budget=period_budget,
        max_spend=np.where(np.isnan(max_spend), np.inf, max_spend),
        type_cap=[{TYPES.index(k): v for k, v in caps.items()} for caps in type_cap],
        kind=kind,
    )

    # --- the scenario ---------------------------------------------------------------------------
    partner_ids = [f"P{i + 1:03d}" for i in range(n_p)]
    domain_ids = [f"D{j + 1:02d}" for j in range(n_d)]
    option_ids = [f"O{k + 1:04d}" for k in range(n_o)]
    counters = dict.fromkeys(TYPES, 0)
    option_names = []
    for k in kind:
        counters[TYPES[k]] += 1
        option_names.append(f"{TYPE_LABEL[TYPES[k]]} {counters[TYPES[k]]}")
    o_idx, d_idx = np.nonzero(touched)
    return Scenario(
        partners=tuple(
            Partner(
                partner_ids[i],
                f"Partner {i + 1}",
                float(weight[i]),
                float(cost_factor[i]),
                float(effectiveness[i]),
                None if np.isnan(max_spend[i]) else float(max_spend[i]),
            )
            for i in range(n_p)
        ),
        domains=tuple(
            Domain(
                domain_ids[j],
                DOMAIN_NAMES[j] if j < len(DOMAIN_NAMES) else f"Domain {j + 1}",
                float(domain_weight[j]),
            )
            for j in range(n_d)
        ),
        baseline={
            (partner_ids[i], domain_ids[j]): float(baseline[i, j]) for i in range(n_p) for j in range(n_d)
        },
        options=tuple(
            Option(
                option_ids[k],
                TYPES[kind[k]],
                float(unit_cost[k]),
                option_names[k],
                float(max_units[k]) if has_max[k] else None,
                int(lag[k]),
                tuple(partner_ids[i] for i in np.flatnonzero(eligible[k])) if restricted[k] else None,
            )
            for k in range(n_o)
        ),
        effects=tuple(
            Effect(
                option_ids[k],
                domain_ids[j],
                float(gain[k, j]),
                float(gain_low[k, j]),
                float(gain_high[k, j]),
            )
            for k, j in zip(o_idx.tolist(), d_idx.tolist(), strict=True)
        ),
        budgets=tuple(Budget(t + 1, float(period_budget[t]), type_cap[t]) for t in range(n_h)),
        targets=tuple(
            Target(partner_ids[p], domain_ids[d], t, score, row=n + 2)
            for n, (p, d, t, score) in enumerate(targets)
        ),
        settings=Settings(weakest_link=0.25, score_cap=CAP, score_periods="final", currency="USD M"),
    )


@dataclass(frozen=True)
class Shape:
    """A preset size with the settings and limits that change how hard its LP is to solve."""

    size: str  # a key of PRESETS
    weakest_link: float
    score_periods: str  # "final" or "all"
    targets: bool = True
    partner_caps: bool = True


def _shape_name(shape: Shape) -> str:
    name = f"{shape.size}-wl{shape.weakest_link:g}-{shape.score_periods}"
    return name + ("" if shape.targets else "-notargets") + ("" if shape.partner_caps else "-nocaps")


# The benchmark grid: every size but small x weakest_link x periods counted x targets x partner caps,
# named e.g. "large-wl1-all" or "medium-wl0.3-final-notargets-nocaps"; "large-maxmin" is the
# hardest of them (issue 13: the pure max-min score counted in every period).
SHAPES: dict[str, Shape] = {
    _shape_name(shape): shape
    for shape in (
        Shape(size, weakest_link, periods, targets, caps)
        for size, weakest_link, periods, targets, caps in product(
            ("medium", "large"), (0.0, 0.3, 1.0), ("final", "all"), (True, False), (True, False)
        )
    )
}
SHAPES["large-maxmin"] = SHAPES["large-wl1-all"]


def generate_shape(shape: Shape, seed: int = 0) -> Scenario:
    """The preset scenario of `shape.size` with the shape's settings, targets and partner caps."""
    scenario = generate(*PRESETS[shape.size], seed=seed).with_settings(
        weakest_link=shape.weakest_link, score_periods=shape.score_periods
    )
    if not shape.targets:
        scenario = replace(scenario, targets=())
    if not shape.partner_caps:
        scenario = replace(scenario, partners=tuple(replace(p, max_spend=None) for p in scenario.partners))
    return scenario


def generate_preset(name: str, seed: int = 0) -> Scenario:
    """One of PRESETS or SHAPES by name."""
    if name in PRESETS:
        return generate(*PRESETS[name], seed=seed)
    if name in SHAPES:
        return generate_shape(SHAPES[name], seed=seed)
    raise ValueError(f"unknown preset '{name}': choose one of {', '.join([*PRESETS, *SHAPES])}")


def _targets(
    rng: np.random.Generator,
    *,
    baseline: np.ndarray,
    eligible: np.ndarray,
    gain: np.ndarray,
    lag: np.ndarray,
    cost: np.ndarray,
    effectiveness: np.ndarray,
    max_units: np.ndarray,
    period_budget: np.ndarray,
    max_spend: np.ndarray,
    type_cap: list[dict[int, float]],
    kind: np.ndarray,
) -> list[tuple[int, int, int, float]]:
    """(partner, domain, period, min_score) rows that one witness plan within every limit reaches.

    Each target asks for the baseline plus a small margin. Its witness funds
    the cheapest eligible option for the pair in period 1, using at most a
    quarter of any limit that is left; the margin shrinks to what that
    reaches, and a pair where that is under one point gets no target.
    """
    n_p, n_d = baseline.shape
    n_h = len(period_budget)
    wanted = min(n_p * n_d, max(1, round(n_p / 4)), 8)
    pairs = rng.permutation(n_p * n_d)  # tried in this order until enough are kept
    left_budget = period_budget.astype(float).copy()
    left_partner = np.repeat(max_spend[:, None], n_h, axis=1).astype(float)
    left_type = [dict(caps) for caps in type_cap]
    rows: list[tuple[int, int, int, float]] = []
    for pair in pairs.tolist():
        if len(rows) == wanted:
            break
        p, d = divmod(pair, n_d)
        period = int(n_h if rng.random() < 0.7 or n_h == 1 else rng.integers(max(1, n_h // 2), n_h + 1))
        ok = eligible[:, p] & (gain[:, d] > 0) & (lag < period)
        if not ok.any():
            continue
        price = np.where(
            ok, cost[:, p] / (effectiveness[p] * np.where(gain[:, d] > 0, gain[:, d], 1.0)), np.inf
        )
        o = int(np.argmin(price))
        t = 0  # fund in period 1: counts from 1 + lag <= period
        unit_cost = cost[o, p]
        most_units = min(
            max_units[o],
            0.25 * left_budget[t] / unit_cost,
            0.25 * left_partner[p, t] / unit_cost,
            0.25 * left_type[t].get(int(kind[o]), np.inf) / unit_cost,
        )
        reachable = 0.8 * most_units * effectiveness[p] * gain[o, d]
        margin = np.floor(10 * min(rng.uniform(3.0, 8.0), reachable, CAP - baseline[p, d])) / 10
        if margin < 1.0:
            continue
        score = float(np.round(baseline[p, d] + margin, 1))
        units = (score - baseline[p, d]) / (effectiveness[p] * gain[o, d])
        spent = units * unit_cost
        left_budget[t] -= spent
        left_partner[p, t] -= spent
        if int(kind[o]) in left_type[t]:
            left_type[t][int(kind[o])] -= spent
        rows.append((p, d, period, score))
    return rows
