"""Sweeps, tornado and Monte Carlo: every point equals a cold solve, and numbers do not depend on workers."""

from __future__ import annotations

import math
import pickle
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from optimizer.errors import ParamError
from optimizer.io.synthetic import generate, generate_preset
from optimizer.io.validate import load_scenario
from optimizer.lp.solve import solve
from optimizer.scenario import Scenario
from optimizer.studies.montecarlo import NoBasePlanError, draw_gains, monte_carlo, triangular_bounds
from optimizer.studies.parallel import chunks, map_tasks, progress_reporter
from optimizer.studies.sweep import SweepResult, sweep
from optimizer.studies.tornado import tornado, tornado_params
from optimizer.studies.variants import (
    apply_param,
    fix_option,
    parse_param,
    parse_values,
    scale_budgets,
    scale_gains,
    with_period_budget,
    with_setting,
    without_option,
)
from optimizer.studies.warm import phase1_score


@pytest.fixture(scope="module")
def example() -> Scenario:
    return load_scenario("inputs/example.xlsx")


@pytest.fixture(scope="module")
def small() -> Scenario:
    return generate_preset("small")


def assert_equals_cold(scenario: Scenario, result: SweepResult) -> None:
    """Each point: the same score (rel 1e-7) and spend (rel 1e-5) as `solve` of the same variant."""
    for point in result.points.itertuples(index=False):
        cold = solve(apply_param(scenario, result.param, point.value))
        assert cold.status == point.status, point
        if not cold.has_plan:
            assert math.isnan(point.score)
            continue
        assert point.score == pytest.approx(cold.score, rel=1e-7), point
        assert point.spend == pytest.approx(cold.spend, rel=1e-5, abs=1e-9), point
        by_period = result.spend_by_period[result.spend_by_period["value"] == point.value]
        assert by_period["spend"].tolist() == pytest.approx(cold.spend_by_period, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("which", ["example", "small"])
def test_budget_sweep_never_falls_and_equals_cold_solves(which: str, request: pytest.FixtureRequest) -> None:
    scenario = request.getfixturevalue(which)
    result = sweep(scenario, "budget_scale", "0.4:1.6:5", progress=False)
    assert result.warm and set(result.points["method"]) == {"warm"}
    scores = result.points["score"].to_numpy()
    assert (np.diff(scores) >= -1e-9).all(), scores
    assert result.frontier["total_budget"].is_monotonic_increasing
    assert_equals_cold(scenario, result)


def test_single_budget_and_type_budget_sweeps_equal_cold_solves(example: Scenario) -> None:
    for param, values in (("budget:3", [0, 20, 45, 70, 120]), ("type_budget:training", "0:2:5")):
        result = sweep(example, param, values, progress=False)
        assert result.warm
        assert (np.diff(result.points["score"]) >= -1e-9).all()
        assert_equals_cold(example, result)


def test_warm_sweep_in_chunks_on_workers_equals_one_process(small: Scenario) -> None:
    one = sweep(small, "budget_scale", "0.5:1.5:5", workers=1, progress=False)
    two = sweep(small, "budget_scale", "0.5:1.5:5", workers=2, progress=False)
    pd.testing.assert_frame_equal(one.points, two.points, rtol=1e-9)


def test_a_warm_run_that_stalls_falls_back_to_a_cold_solve(small: Scenario) -> None:
    result = sweep(small, "budget_scale", "0.5:1.5:3", warm_limit=1e-9, progress=False)
    assert "cold-fallback" in set(result.points["method"])
    assert_equals_cold(small, result)


def test_other_params_re_solve_warm_where_the_lp_keeps_its_shape(example: Scenario) -> None:
    # weakest_link 0 drops the weakest-link columns, 1 the average's terms from the score row:
    # other shapes, solved cold; 0.5 keeps the example's shape (0.25) and is re-solved warm
    result = sweep(example, "weakest_link", [0.0, 0.5, 1.0], workers=2, progress=False)
    assert result.warm and result.points["method"].tolist() == ["cold-fallback", "warm", "cold-fallback"]
    assert_equals_cold(example, result)
    cold = sweep(example, "weakest_link", [0.0, 0.5, 1.0], warm=False, progress=False)
    assert not cold.warm and set(cold.points["method"]) == {"cold"}
    units = result.units_by_option
    assert set(units.columns) == {"value", "option", "type", "units", "spend"}
    assert len(units) == 3 * len(example.options)


def test_infeasible_levels_have_no_score() -> None:
    """A target the money cannot reach at low budget: those levels say infeasible, the rest solve."""
    base = generate(4, 6, 3, 3, seed=1)
    result = sweep(base, "budget_scale", [0.0, 1.0], progress=False)
    statuses = dict(zip(result.points["value"], result.points["status"], strict=True))
    assert any(t.min_score > base.baseline[t.partner, t.domain] for t in base.targets), "no target to miss"
    assert statuses[0.0] == "infeasible" and math.isnan(result.points["score"].iloc[0])
    assert statuses[1.0] == "optimal"
    assert_equals_cold(base, result)


@pytest.mark.parametrize(
    ("param", "words"),
    [
        ("budgets", ["unknown PARAM", "budget_scale", "effectiveness:<partner>"]),
        ("budget:9", ["no period '9'", "1 to 5"]),
        ("budget", ["malformed", "budget:<period>"]),
        ("unit_cost:NOPE", ["no option 'NOPE'", "EX-BIL-LND"]),
        ("gain:STD-DOC", ["gain_scale:<option>"]),
        ("domain_weight:XX", ["no domain 'XX'", "C2"]),
        ("effectiveness:ZZZ", ["no partner 'ZZZ'", "ALD"]),
        ("partner_weight:ZZZ", ["no partner 'ZZZ'", "ALD"]),
        ("type_budget:liaison", ["no option type with a budget 'liaison'", "training"]),
        ("weakest_link:1", ["malformed"]),
    ],
)
def test_bad_params_name_the_valid_choices(example: Scenario, param: str, words: list[str]) -> None:
    with pytest.raises(ParamError) as error:
        parse_param(example, param)
    assert isinstance(error.value, ValueError)
    for word in words:
        assert word in str(error.value)


def test_bad_values_are_refused_before_any_solve(example: Scenario) -> None:
    for text in ("1:2", "a:b:3", "1:2:0", "", "1,x", "1,inf"):
        with pytest.raises(ParamError):
            parse_values(text)
    assert parse_values("0.5:1.5:3") == (0.5, 1.0, 1.5)
    assert parse_values("1, 2,3") == (1.0, 2.0, 3.0)
    for param, values in (
        ("weakest_link", [0.5, 1.5]),
        ("budget_scale", [-1]),
        ("unit_cost:STD-DOC", [0]),
        ("budget:1", [-5]),
    ):
        with pytest.raises(ParamError, match="must be"):
            sweep(example, param, values, progress=False)
    only = [d.id for d in example.domains]
    s = example
    for d in only[1:]:
        s = apply_param(s, f"domain_weight:{d}", 0.0)
    with pytest.raises(ParamError, match="positive sum"):
        apply_param(s, f"domain_weight:{only[0]}", 0.0)
    partners = [p.id for p in example.partners]
    s = example
    for p in partners[1:]:
        s = apply_param(s, f"partner_weight:{p}", 0.0)
    assert [x.weight for x in s.partners] == [example.partners[0].weight] + [0.0] * (len(partners) - 1)
    with pytest.raises(ParamError, match="partner weights must keep a positive sum"):
        apply_param(s, f"partner_weight:{partners[0]}", 0.0)


def test_scenario_helpers(example: Scenario) -> None:
    doubled = scale_budgets(example, 2.0)
    assert [b.total for b in doubled.budgets] == [2 * b.total for b in example.budgets]
    assert doubled.budgets[0].by_type == {k: 2 * v for k, v in example.budgets[0].by_type.items()}
    assert [p.max_spend for p in doubled.partners] == [p.max_spend for p in example.partners]
    assert with_period_budget(example, 2, 7.0).budgets[1].total == 7.0
    assert with_setting(example, weakest_link=0.6).settings.weakest_link == 0.6
    with pytest.raises(ParamError, match="no setting"):
        with_setting(example, weakest=0.6)
    scaled = scale_gains(example, "STD-DOC", 0.5)
    assert [e.gain for e in scaled.effects if e.option == "STD-DOC"] == [
        0.5 * e.gain for e in example.effects if e.option == "STD-DOC"
    ]
    assert without_option(example, "STD-DOC").options == tuple(
        o for o in example.options if o.id != "STD-DOC"
    )
    keep = fix_option("STD-DOC", "ALD", 1, 1.0)
    keep = fix_option("EX-AIR", "BRV", 2, 1.0, keep)
    assert keep.to_dict("records")[1] == {"option": "EX-AIR", "partner": "BRV", "period": 2, "units": 1.0}
    kept = solve(example, keep=keep)
    alloc = kept.allocation.set_index(["option", "partner", "period"])["units"]
    assert kept.status == "optimal" and alloc[("STD-DOC", "ALD", 1)] >= 1.0 - 1e-9
    # scenarios travel to workers: they pickle, read-only mappings included
    back = pickle.loads(pickle.dumps(example))
    assert back == example and type(back.baseline) is type(example.baseline)


def test_warm_tornado_scores_equal_cold_ones() -> None:
    """Every tornado variant re-solved warm in the base's HiGHS model (lp.highs.HighsLP) scores as
    a cold solve does, infeasible variants included; a gain scaled to zero changes the LP's
    shape and must fall back to cold."""
    from optimizer.studies.tornado import tornado_params
    from optimizer.studies.variants import apply_param, current_value, parse_param
    from optimizer.studies.warm import phase1_score, warm_phase1_scores

    scenario = generate(6, 12, 4, 4, seed=11)
    variants = []
    for _, param, _ in tornado_params(scenario):
        p = parse_param(scenario, param)
        for factor in (0.5, 1.5):
            value = current_value(scenario, p) * factor
            variants.append(apply_param(scenario, p, min(1.0, value) if p.kind == "weakest_link" else value))
    variants.append(apply_param(scenario, parse_param(scenario, tornado_params(scenario)[11][1]), 0.0))
    variants.append(apply_param(scenario, parse_param(scenario, "budget_scale"), 0.01))  # targets unmet
    warm = warm_phase1_scores((scenario, variants, None, None))
    cold = [phase1_score((v, "highs", None)) for v in variants]
    assert [s for s, _ in warm] == [s for s, _ in cold]
    assert {"optimal", "infeasible"} <= {s for s, _ in cold}
    for (_, w), (_, c) in zip(warm, cold, strict=True):
        assert (math.isnan(w) and math.isnan(c)) or w == pytest.approx(c, rel=1e-9, abs=1e-9)


def test_tornado_moves_each_group_and_sorts_by_swing() -> None:
    scenario = generate(4, 5, 3, 3, seed=4)
    result = tornado(scenario, delta=0.2, workers=2, progress=False)
    t = result.table
    groups = tornado_params(scenario)
    assert len(t) == len(groups)
    assert set(t["group"]) == {
        "budget",
        "unit_cost",
        "gain",
        "domain_weight",
        "effectiveness",
        "partner_weight",
        "weakest_link",
    }
    assert (t["swing"] == (t["score_high"] - t["score_low"]).abs()).all()
    assert result.facts["swing"].is_monotonic_decreasing
    assert result.value_judgements["money_moved"].is_monotonic_decreasing
    first = t.iloc[0]
    low = phase1_score((apply_param(scenario, first["param"], first["low_value"]), "highs", None))
    assert low[1] == pytest.approx(first["score_low"], rel=1e-9)
    assert result.base_score == pytest.approx(solve(scenario).score, rel=1e-9)
    budget = t[t["param"] == "budget:1"].iloc[0]
    assert budget["low_value"] == pytest.approx(0.8 * scenario.budgets[0].total)
    with pytest.raises(ParamError):
        tornado(scenario, delta=1.5, progress=False)


@pytest.mark.slow
def test_monte_carlo_is_reproducible_across_workers_and_chunks(example: Scenario) -> None:
    one = monte_carlo(example, n=12, seed=7, workers=1, progress=False)
    two = monte_carlo(example, n=12, seed=7, workers=2, chunk_size=5, progress=False)
    for a, b in ((one.draws, two.draws), (one.options, two.options), (one.targets, two.targets)):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    pd.testing.assert_frame_equal(one.percentiles, two.percentiles, check_exact=True)
    # a draw's numbers do not depend on n either
    fewer = monte_carlo(example, n=5, seed=7, workers=1, progress=False)
    pd.testing.assert_frame_equal(fewer.draws, one.draws.iloc[:5], check_exact=True)
    other = monte_carlo(example, n=5, seed=8, workers=1, progress=False)
    assert not np.array_equal(other.optimal_scores, fewer.optimal_scores)
    # the re-optimised plan is never worse than the base plan under the same gains
    assert (one.draws["regret"] >= -1e-6).all()
    assert one.uncertain_effects > 0 and one.message == ""
    assert one.options["probability_funded"].between(0, 1).all()
    assert one.targets["probability_met"].between(0, 1).all()
    assert list(one.percentiles["statistic"]) == [
        "mean",
        "std",
        "min",
        "p5",
        "p25",
        "p50",
        "p75",
        "p95",
        "max",
    ]


def test_monte_carlo_without_uncertainty_repeats_the_base_case() -> None:
    scenario = generate(3, 4, 2, 2, seed=3)
    certain = replace(
        scenario, effects=tuple(replace(e, gain_low=None, gain_high=None) for e in scenario.effects)
    )
    result = monte_carlo(certain, n=3, seed=0, workers=1, progress=False)
    assert result.uncertain_effects == 0 and "every draw equals the base case" in result.message
    assert result.optimal_scores == pytest.approx([result.base_score] * 3, rel=1e-9)
    # the base plan is phase 2's, which may give up eps = 1e-7 * Z* of score to save money
    assert result.base_plan_scores == pytest.approx([result.base_score] * 3, rel=2e-7)
    assert (result.options["probability_funded"] == result.options["funded_in_base"].astype(float)).all()


def test_draws_are_triangular_within_their_bounds(example: Scenario) -> None:
    gains = draw_gains(example, 200, seed=1)
    low, mode, high = triangular_bounds(example)
    assert (gains >= low - 1e-12).all() and (gains <= high + 1e-12).all()
    varied = high > low
    expected = (low + mode + high) / 3
    assert np.abs(gains[:, varied].mean(axis=0) - expected[varied]).max() < 0.15 * (high - low)[varied].max()


@pytest.mark.slow
def test_monte_carlo_on_a_dask_local_cluster_equals_the_local_run(example: Scenario) -> None:
    distributed = pytest.importorskip(
        "distributed", reason="dask.distributed is not installed (pip install 'dask[distributed]')"
    )
    local = monte_carlo(example, n=6, seed=11, workers=1, progress=False)
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
        ) as cluster,
    ):
        remote = monte_carlo(
            example, n=6, seed=11, scheduler=cluster.scheduler_address, chunk_size=2, progress=False
        )
        swept = sweep(
            example, "budget_scale", [0.5, 1.0, 1.5], scheduler=cluster.scheduler_address, progress=False
        )
    pd.testing.assert_frame_equal(local.draws, remote.draws, check_exact=True)
    pd.testing.assert_frame_equal(local.options, remote.options, check_exact=True)
    pd.testing.assert_frame_equal(local.targets, remote.targets, check_exact=True)
    assert_equals_cold(example, swept)


def square(x: int) -> int:
    return x * x


def test_map_tasks_keeps_order_and_reports_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, int]] = []
    with progress_reporter(lambda done, total: seen.append((done, total)), 10, "x") as advance:
        assert map_tasks(square, list(range(5)), workers=2, progress=advance, weights=[2] * 5) == [
            0,
            1,
            4,
            9,
            16,
        ]
    assert seen[-1] == (10, 10) and len(seen) == 5
    assert [len(r) for r in chunks(10, 3)] == [4, 3, 3] and chunks(2, 5) == [range(0, 1), range(1, 2)]
    # silent unless standard error is a terminal
    monkeypatch.setattr("sys.stderr.isatty", lambda: False, raising=False)
    with progress_reporter(None, 10, "x") as advance:
        assert advance is None
    with progress_reporter(False, 10, "x") as advance:
        assert advance is None


def blas_threads(_: int) -> list[int]:
    from threadpoolctl import threadpool_info

    return [pool["num_threads"] for pool in threadpool_info()]


def test_workers_run_numpy_on_one_thread_each() -> None:
    """Each worker's own BLAS threads would spin against the other workers (parallel.one_thread_each)."""
    per_worker = map_tasks(blas_threads, [0, 1], workers=2)
    assert all(per_worker), "numpy's BLAS was not found in the workers"
    assert all(n == 1 for threads in per_worker for n in threads)


def test_monte_carlo_of_an_infeasible_base_hands_back_its_solve() -> None:
    scenario = generate(3, 4, 2, 2, seed=3)
    broke = scale_budgets(scenario, 0.0)
    assert scenario.targets, "generate(3, 4, 2, 2, seed=3) should carry a target"
    broke = replace(broke, targets=(replace(scenario.targets[0], min_score=99.0),))
    with pytest.raises(NoBasePlanError) as error:
        monte_carlo(broke, n=2, workers=1, progress=False)
    assert error.value.solution.status == "infeasible" and not error.value.solution.shortfalls.empty


def test_warm_sweep_of_a_gain_equals_cold_solves(small: Scenario) -> None:
    """A non-budget PARAM changes LP coefficients: re-solved warm in place (lp.highs.HighsLP), each
    value equals a cold solve; setting the gain to 0 changes the LP's shape and goes cold."""
    option = small.options[0].id
    result = sweep(small, f"gain_scale:{option}", "0,0.5,1.5,2", progress=False)
    assert result.points["method"].tolist() == ["cold-fallback", "warm", "warm", "warm"]
    assert_equals_cold(small, result)
