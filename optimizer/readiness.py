"""Readiness, levels and score of a plan, computed exactly as model.md defines them.

This is the evaluation side of the model, with no LP: reports use it so that
reported readiness is min(r, U) computed from the plan, never the LP's capped
variable, and later work uses it to score plans that were not optimised.
"""

from __future__ import annotations

import numpy as np

from .scenario import Scenario


def index(scenario: Scenario) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Positions of partners, domains and options in the arrays below."""
    return (
        {p.id: i for i, p in enumerate(scenario.partners)},
        {d.id: i for i, d in enumerate(scenario.domains)},
        {o.id: i for i, o in enumerate(scenario.options)},
    )


def gain_matrix(scenario: Scenario) -> np.ndarray:
    """g[o, d]: readiness points per unit of option o in domain d."""
    _, dom, opt = index(scenario)
    g = np.zeros((len(scenario.options), len(scenario.domains)))
    for e in scenario.effects:
        g[opt[e.option], dom[e.domain]] = e.gain
    return g


def unit_money(scenario: Scenario) -> np.ndarray:
    """money[o, p]: cost of one unit of option o for partner p (c_o * kappa_p)."""
    cost = np.array([o.unit_cost for o in scenario.options], dtype=float)
    factor = np.array([p.cost_factor for p in scenario.partners], dtype=float)
    return cost[:, None] * factor[None, :]


def shares(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """The normalised partner and domain weights of the score (omega-hat_p, w-hat_d)."""
    partner = np.array([p.weight for p in scenario.partners], dtype=float)
    domain = np.array([d.weight for d in scenario.domains], dtype=float)
    return partner / partner.sum(), domain / domain.sum()


def baseline_matrix(scenario: Scenario) -> np.ndarray:
    """b[p, d]: readiness today."""
    par, dom, _ = index(scenario)
    b = np.zeros((len(scenario.partners), len(scenario.domains)))
    for (p, d), score in scenario.baseline.items():
        b[par[p], dom[d]] = score
    return b


def raw_readiness(scenario: Scenario, units: np.ndarray, gains: np.ndarray | None = None) -> np.ndarray:
    """r[p, d, t] (t = 0 is period 1) for units[o, p, t], before the cap.

    A unit funded in period tau counts from period tau + lag on.
    """
    g = gain_matrix(scenario) if gains is None else gains
    counting = landed(scenario, units)
    effectiveness = np.array([p.effectiveness for p in scenario.partners])
    added = np.einsum("od,opt->pdt", g, counting) * effectiveness[:, None, None]
    return baseline_matrix(scenario)[:, :, None] + added + shift_matrix(scenario)


def landed(scenario: Scenario, units: np.ndarray) -> np.ndarray:
    """Of units[o, ..., t], those funded so far that count by period t: a unit of period tau
    counts from tau + lag on (also for joint units, optimizer.pairs)."""
    horizon = scenario.horizon
    funded_so_far = np.cumsum(units, axis=-1)
    counting = np.zeros_like(funded_so_far)
    for o, option in enumerate(scenario.options):
        if option.lag < horizon:
            counting[o, ..., option.lag :] = funded_so_far[o, ..., : horizon - option.lag]
    return counting


def shift_matrix(scenario: Scenario) -> np.ndarray:
    """s[p, d, t]: how far measurements moved readiness from the model's (0 outside a re-plan).

    A shift of a period counts in that period and every later one, as a gain does once it lands.
    """
    par, dom, _ = index(scenario)
    shift = np.zeros((len(scenario.partners), len(scenario.domains), scenario.horizon))
    for s in () if scenario.history is None else scenario.history.shifts:
        shift[par[s.partner], dom[s.domain], s.period - 1 :] += s.delta
    return shift


def capped(scenario: Scenario, raw: np.ndarray) -> np.ndarray:
    return np.minimum(raw, scenario.settings.score_cap)


def score(scenario: Scenario, counted: np.ndarray) -> float:
    """Z of model.md from counted (capped) readiness c[p, d, t]."""
    pw, dw = shares(scenario)
    lam = scenario.settings.weakest_link
    total = 0.0
    for t, weight in scenario.counted_periods().items():
        c = counted[:, :, t - 1]
        average = pw @ c
        weakest = c[pw > 0].min(axis=0)
        total += weight * float(dw @ ((1 - lam) * average + lam * weakest))
    return total


def levels(scores: np.ndarray, thresholds: tuple[float, float, float]) -> np.ndarray:
    """Interoperability level 0..3 of each score (reports only)."""
    return np.searchsorted(np.asarray(thresholds), scores, side="right")
