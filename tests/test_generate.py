"""Synthetic scenarios: deterministic for a seed, valid on disk, and not degenerate at the optimum."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.io.synthetic import PRESETS, generate, generate_preset
from optimizer.io.template import write_scenario
from optimizer.io.validate import load_scenario
from optimizer.lp.solve import solve

TINY = (4, 8, 3, 3)


def test_same_seed_gives_an_equal_scenario() -> None:
    assert generate(*TINY, seed=7) == generate(*TINY, seed=7)
    assert generate_preset("small", seed=3) == generate(*PRESETS["small"], seed=3)


def test_different_seeds_give_different_scenarios() -> None:
    drawn = [generate(*TINY, seed=seed) for seed in range(4)]
    assert all(a != b for i, a in enumerate(drawn) for b in drawn[i + 1 :])
    assert generate_preset("small", seed=0) != generate_preset("small", seed=1)


def test_presets_have_the_named_sizes() -> None:
    assert PRESETS == {"small": (8, 20, 6, 5), "medium": (30, 100, 8, 5), "large": (60, 400, 10, 10)}
    for name, (partners, options, domains, periods) in PRESETS.items():
        scenario = generate_preset(name)
        assert len(scenario.partners) == partners
        assert len(scenario.options) == options
        assert len(scenario.domains) == domains
        assert scenario.horizon == periods
        assert len(scenario.baseline) == partners * domains
        assert scenario.partners[0].id == "P001"
        assert scenario.domains[0].id == "D01"
        assert scenario.options[0].id == "O0001"


@pytest.mark.parametrize("bad", [(0, 1, 1, 1), (1, 0, 1, 1), (1, 1, 0, 1), (1, 1, 1, 0), (1.5, 1, 1, 1)])
def test_sizes_below_one_are_refused(bad: tuple) -> None:
    with pytest.raises(ValueError):
        generate(*bad)


def test_unknown_preset_is_refused() -> None:
    with pytest.raises(ValueError, match="small, medium, large"):
        generate_preset("huge")


@pytest.mark.parametrize(
    ("size", "seed"),
    [((1, 1, 1, 1), 0), ((2, 3, 1, 2), 1), ((3, 12, 4, 1), 2), (TINY, 0), (TINY, 5), (PRESETS["small"], 0)],
)
@pytest.mark.parametrize("suffix", [".xlsx", ""])
def test_written_and_loaded_back_equal(tmp_path, size: tuple, seed: int, suffix: str) -> None:
    scenario = generate(*size, seed=seed)
    path = tmp_path / f"scenario{suffix}"
    write_scenario(scenario, path)
    assert load_scenario(path) == scenario


def test_realistic_ranges() -> None:
    scenario = generate_preset("small", seed=2)
    baseline = np.array(list(scenario.baseline.values()))
    assert baseline.min() >= 5 and baseline.max() <= 85 and baseline.max() - baseline.min() > 30
    costs = [o.unit_cost for o in scenario.options]
    assert min(costs) >= 0.2 and max(costs) <= 12
    assert {"training", "standardization"} <= set(scenario.option_types)
    assert all(o.lag > 0 for o in scenario.options if o.type == "standardization")
    assert all(0 <= o.lag <= 2 for o in scenario.options)
    assert sum(o.max_units is not None for o in scenario.options) > len(scenario.options) / 2
    per_option: dict[str, int] = {}
    for effect in scenario.effects:
        per_option[effect.option] = per_option.get(effect.option, 0) + 1
        assert 0 < effect.gain_low <= effect.gain <= effect.gain_high
    assert set(per_option) == {o.id for o in scenario.options}
    assert set(per_option.values()) <= {1, 2, 3}
    assert any(b.by_type for b in scenario.budgets)
    assert any(p.max_spend is not None for p in scenario.partners)
    settings = scenario.settings
    assert (settings.weakest_link, settings.score_periods, settings.currency) == (0.25, "final", "USD M")


@pytest.mark.parametrize(("size", "seed"), [(TINY, 0), (TINY, 1), (TINY, 2), (PRESETS["small"], 0)])
def test_not_degenerate_at_the_optimum(size: tuple, seed: int) -> None:
    scenario = generate(*size, seed=seed)
    assert any(o.lag > 0 for o in scenario.options)
    assert any(o.partners is not None for o in scenario.options)
    assert scenario.targets

    solution = solve(scenario, "highs")
    assert solution.status == "optimal"
    assert solution.score > solution.baseline_score

    budgets = solution.budget_use[solution.budget_use["kind"] == "period"]
    binding = (budgets["slack"].abs() < 1e-6 * budgets["limit"].clip(lower=1)) & (
        budgets["shadow_price"] > 1e-9
    )
    assert binding.any()

    readiness = solution.readiness
    final = readiness[readiness["period"] == scenario.horizon]
    assert (final["score"] < scenario.settings.score_cap - 1e-6).mean() > 0.6

    reached = readiness.set_index(["partner", "domain", "period"])["score"]
    for target in scenario.targets:
        assert reached[target.partner, target.domain, target.period] >= target.min_score - 1e-6
