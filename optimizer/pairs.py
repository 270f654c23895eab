"""Pair readiness and the blended score of a plan, exactly as model.md's "Pairwise interoperability".

Like readiness.py this is the evaluation side, with no LP: two partners train together as
often as the less frequent one (joint units z = min(x_a, x_b) per option and period, where both
may take the option), a joint unit raises every modelled pair among its participants, and the
score blends the partners' Z with the pairs' Z by pair_weight. Every place that scores a plan
calls `plan_score`, so a scenario without pairs scores exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import readiness
from .scenario import Scenario


@dataclass(frozen=True)
class PairIndex:
    """The modelled pairs as parallel arrays: pair k is (a[k], b[k]) in domain d[k] (positions)."""

    a: np.ndarray
    b: np.ndarray
    domain: np.ndarray
    baseline: np.ndarray  # q0
    weight: np.ndarray  # omega, as read
    share: np.ndarray  # omega-tilde times w-tilde: weight of the pair's average term in Z_pairs
    domain_share: np.ndarray  # w-tilde[d] per domain position (0 for a domain without pairs)
    effectiveness: np.ndarray  # min(eta_a, eta_b)

    @property
    def scored(self) -> np.ndarray:
        """Pairs that enter Z_pairs: positive weight in a domain of positive weight."""
        return (self.weight > 0) & (self.domain_share[self.domain] > 0)


def pair_index(scenario: Scenario) -> PairIndex:
    par, dom, _ = readiness.index(scenario)
    pairs = scenario.pairs
    a = np.array([par[q.partner_a] for q in pairs], dtype=int)
    b = np.array([par[q.partner_b] for q in pairs], dtype=int)
    domain = np.array([dom[q.domain] for q in pairs], dtype=int)
    weight = np.array([q.weight for q in pairs], dtype=float)
    domain_weight = np.array([d.weight for d in scenario.domains], dtype=float)
    has_pairs = np.zeros(len(scenario.domains), dtype=bool)
    has_pairs[domain] = True
    domain_share = np.where(has_pairs, domain_weight, 0.0)
    domain_share = domain_share / domain_share.sum() if has_pairs.any() else domain_share
    in_domain = np.bincount(domain, weights=weight, minlength=len(scenario.domains))
    effectiveness = np.array([p.effectiveness for p in scenario.partners], dtype=float)
    return PairIndex(
        a=a,
        b=b,
        domain=domain,
        baseline=np.array([q.score for q in pairs], dtype=float),
        weight=weight,
        share=(weight / in_domain[domain] * domain_share[domain]) if len(pairs) else weight,
        domain_share=domain_share,
        effectiveness=np.minimum(effectiveness[a], effectiveness[b]),
    )


def pair_position(scenario: Scenario) -> dict[tuple[frozenset[str], str], int]:
    """(frozenset of the two partners, domain) -> k: A-B and B-A are the same pair."""
    return {(frozenset((q.partner_a, q.partner_b)), q.domain): k for k, q in enumerate(scenario.pairs)}


def pair_shift_matrix(scenario: Scenario) -> np.ndarray:
    """s[k, t]: how far measurements moved pair k's readiness from the model's (0 outside a re-plan),
    from the measured period on (readiness.shift_matrix for pairs)."""
    shift = np.zeros((len(scenario.pairs), scenario.horizon))
    position = pair_position(scenario)
    for s in () if scenario.history is None else scenario.history.pair_shifts:
        shift[position[frozenset((s.partner_a, s.partner_b)), s.domain], s.period - 1 :] += s.delta
    return shift


def pair_gain_matrix(scenario: Scenario) -> np.ndarray:
    """h[o, d]: points per joint unit of option o for every modelled pair in domain d."""
    _, dom, opt = readiness.index(scenario)
    h = np.zeros((len(scenario.options), len(scenario.domains)))
    for e in scenario.effects:
        h[opt[e.option], dom[e.domain]] = e.pair_gain
    return h


def eligibility(scenario: Scenario) -> np.ndarray:
    """eligible[o, p]: partner p may take option o (E_o)."""
    par, _, _ = readiness.index(scenario)
    eligible = np.zeros((len(scenario.options), len(scenario.partners)), dtype=bool)
    for o, option in enumerate(scenario.options):
        eligible[o, [par[p] for p in scenario.eligible(option)]] = True
    return eligible


def raw_pair_readiness(
    scenario: Scenario, units: np.ndarray, pair_gains: np.ndarray | None = None
) -> np.ndarray:
    """q[k, t] (t = 0 is period 1) of pair k for units[o, p, t], before the cap.

    A joint unit funded in period tau counts from tau + lag on, as a unit does for a partner;
    a re-plan's measured pair readiness moves the stock from its period on.
    """
    h = pair_gain_matrix(scenario) if pair_gains is None else pair_gains
    index = pair_index(scenario)
    eligible = eligibility(scenario)
    both = eligible[:, index.a] & eligible[:, index.b]  # [o, k]
    joint = np.minimum(units[:, index.a, :], units[:, index.b, :]) * both[:, :, None]  # z[o, k, t]
    counting = readiness.landed(scenario, joint)
    gain = h[:, index.domain]  # [o, k]
    added = np.einsum("ok,okt->kt", gain, counting) * index.effectiveness[:, None]
    return index.baseline[:, None] + added + pair_shift_matrix(scenario)


def counted_pair_readiness(
    scenario: Scenario, units: np.ndarray, pair_gains: np.ndarray | None = None
) -> np.ndarray:
    """c[k, t]: pair readiness as the score counts it, capped at score_cap (empty without pairs)."""
    return np.minimum(raw_pair_readiness(scenario, units, pair_gains), scenario.settings.score_cap)


def pair_score(scenario: Scenario, counted: np.ndarray) -> float:
    """Z_pairs of model.md from counted (capped) pair readiness c[k, t]."""
    index = pair_index(scenario)
    lam = scenario.settings.weakest_link
    total = 0.0
    for t, weight in scenario.counted_periods().items():
        c = counted[:, t - 1]
        term = (1 - lam) * float(index.share @ c)
        for d in np.flatnonzero(index.domain_share):
            positive = (index.domain == d) & (index.weight > 0)
            term += lam * index.domain_share[d] * float(c[positive].min())
        total += weight * term
    return total


def plan_score(
    scenario: Scenario,
    units: np.ndarray,
    gains: np.ndarray | None = None,
    pair_gains: np.ndarray | None = None,
) -> float:
    """Z = (1 - mu) Z_partners + mu Z_pairs of units[o, p, t]; without pairs exactly readiness.score."""
    partners = readiness.score(
        scenario, readiness.capped(scenario, readiness.raw_readiness(scenario, units, gains))
    )
    mu = scenario.pair_weight
    if mu == 0:
        return partners
    counted = counted_pair_readiness(scenario, units, pair_gains)
    return (1 - mu) * partners + mu * pair_score(scenario, counted)


PAIR_COLUMNS = ["partner_a", "partner_b", "domain", "period", "baseline", "score"]
JOINT_COLUMNS = ["option", "partner_a", "partner_b", "domain", "joint_units", "points"]
WEAKEST_COLUMNS = ["domain", "weakest_before", "pairs_before", "weakest_after", "pairs_after"]


def pair_table(scenario: Scenario, units: np.ndarray) -> pd.DataFrame:
    """Readiness of every modelled pair in every period under the plan, capped (reports)."""
    index = pair_index(scenario)
    counted = counted_pair_readiness(scenario, units)
    k, t = np.meshgrid(np.arange(len(index.a)), np.arange(scenario.horizon), indexing="ij")
    k, t = k.ravel(), t.ravel()
    return pd.DataFrame(
        {
            "partner_a": pd.Series([scenario.pairs[i].partner_a for i in k], dtype=object),
            "partner_b": pd.Series([scenario.pairs[i].partner_b for i in k], dtype=object),
            "domain": pd.Series([scenario.pairs[i].domain for i in k], dtype=object),
            "period": t + 1,
            "baseline": index.baseline[k],
            "score": counted[k, t],
        },
        columns=PAIR_COLUMNS,
    )


def joint_table(scenario: Scenario, units: np.ndarray) -> pd.DataFrame:
    """For each funded joint exercise, the pairs it raised: joint units that count within the
    horizon (z = min(x_a, x_b)) and the pair readiness points they add, before the cap."""
    index = pair_index(scenario)
    gain = pair_gain_matrix(scenario)[:, index.domain]  # [o, k]
    eligible = eligibility(scenario)
    funded = units.sum(axis=2) > 1e-9  # [o, p]: only options both partners take can be joint
    o, k = np.nonzero(
        (gain > 0) & eligible[:, index.a] & eligible[:, index.b] & funded[:, index.a] & funded[:, index.b]
    )
    lags = np.array([option.lag for option in scenario.options], dtype=int)
    within = np.arange(scenario.horizon)[None, :] < scenario.horizon - lags[o][:, None]  # counts by H
    joint = (np.minimum(units[o, index.a[k]], units[o, index.b[k]]) * within).sum(axis=1)
    o, k, joint = o[joint > 1e-9], k[joint > 1e-9], joint[joint > 1e-9]
    return pd.DataFrame(
        {
            "option": pd.Series([scenario.options[i].id for i in o.tolist()], dtype=object),
            "partner_a": pd.Series([scenario.pairs[i].partner_a for i in k.tolist()], dtype=object),
            "partner_b": pd.Series([scenario.pairs[i].partner_b for i in k.tolist()], dtype=object),
            "domain": pd.Series([scenario.pairs[i].domain for i in k.tolist()], dtype=object),
            "joint_units": joint,
            "points": joint * gain[o, k] * index.effectiveness[k],
        },
        columns=JOINT_COLUMNS,
    )


def weakest_pairs(scenario: Scenario, table: pd.DataFrame) -> pd.DataFrame:
    """Per domain with pairs, the lowest pair readiness of a pair of positive weight, before
    (baseline) and in the final period with the plan, and which pairs sit there."""
    if table.empty:  # no plan
        return pd.DataFrame(columns=WEAKEST_COLUMNS)
    final = table[table["period"] == scenario.horizon].reset_index(drop=True)  # one row per pair, in order
    final = final[np.array([p.weight > 0 for p in scenario.pairs], dtype=bool)]
    records = []
    for domain, rows in final.groupby("domain", sort=False):
        names = rows["partner_a"] + "-" + rows["partner_b"]
        before, after = rows["baseline"].min(), rows["score"].min()
        records.append(
            (
                domain,
                float(before),
                ", ".join(names[rows["baseline"] == before]),
                float(after),
                ", ".join(names[rows["score"] == after]),
            )
        )
    return pd.DataFrame.from_records(records, columns=WEAKEST_COLUMNS)
