"""Benchmark of pairwise interoperability (issue 17): column counts and the whole solve against
HiGHS alone on the exported model.

    python benchmarks/pairs_benchmark.py                 # medium, every pair; large, 10% of pairs
    python benchmarks/pairs_benchmark.py --repeat 3
    python benchmarks/pairs_benchmark.py --cases large --build-only   # column counts and build time

Each preset (optimizer.io.synthetic) gets pairs listed in every domain (all of them, or a share
drawn with a fixed seed; blank score: the weaker baseline) and a pair gain on every training
option equal to its gain. Timed in this process after one tiny solve (first-call costs apart):

- whole = optimizer.lp.solve.solve: build, phase 1, phase 2, the Solution and its tables;
- HiGHS alone = the phase-1 model exported to MPS (optimizer.lp.export.export), read by highspy
  and solved by its run() only (reading the file is not counted), with the options our phase 1
  sets (optimizer.lp.tuning.highs_options), as benchmarks/benchmark.py does.

ratio = whole / HiGHS alone, in CPU seconds of this process (HiGHS runs on one thread here, so
on a shared, loaded machine CPU time is the fair clock) and in wall seconds. Medians of --repeat runs.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

import highspy
import numpy as np

from optimizer.io.synthetic import generate_preset
from optimizer.lp import model as lp
from optimizer.lp.export import export
from optimizer.lp.solve import solve
from optimizer.lp.tuning import highs_options
from optimizer.scenario import Pair, Scenario

CASES = (("medium", 1.0), ("large", 0.1))


def with_pairs(scenario: Scenario, share: float, seed: int = 0) -> Scenario:
    """`share` of all pairs listed in every domain, pair gains on the training options."""
    rng = np.random.default_rng(seed)
    ids = [p.id for p in scenario.partners]
    listed = [
        Pair(a, b, d.id, min(scenario.baseline[a, d.id], scenario.baseline[b, d.id]))
        for d in scenario.domains
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
        if share >= 1.0 or rng.random() < share
    ]
    training = {o.id for o in scenario.options if o.type == "training"}
    effects = tuple(
        dataclasses.replace(e, pair_gain=e.gain) if e.option in training else e for e in scenario.effects
    )
    return dataclasses.replace(scenario, pairs=tuple(listed), effects=effects)


def highs_alone(model: lp.Model, time_limit: float | None) -> tuple[float, float, str]:
    """CPU and wall seconds of highspy's run() on the exported phase-1 model, and how it ended."""
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "phase1.mps")
        export(model, path)
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        for name, value in highs_options(model).items():
            highs.setOptionValue(name, value)
        if time_limit is not None:
            highs.setOptionValue("time_limit", time_limit)
        highs.readModel(path)
        cpu, wall = time.process_time(), time.perf_counter()
        highs.run()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        return cpu, wall, highs.modelStatusToString(highs.getModelStatus())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--cases", nargs="*", choices=[c for c, _ in CASES], default=[c for c, _ in CASES])
    parser.add_argument("--time-limit", type=float, default=None, help="seconds, for each solve")
    parser.add_argument("--build-only", action="store_true", help="column counts and build time only")
    args = parser.parse_args()
    solve(generate_preset("small"))  # first-call costs
    for preset, share in CASES:
        if preset not in args.cases:
            continue
        base = generate_preset(preset)
        scenario = with_pairs(base, share)
        started = time.perf_counter()
        model = lp.build(scenario)
        built = time.perf_counter() - started
        print(
            f"{preset}, {share:.0%} of pairs: {len(scenario.pairs)} pair-domains, columns "
            f"{model.column_count} (without pairs {lp.build(base).column_count}), rows {model.row_count}, "
            f"built in {built:.2f} s",
            flush=True,
        )
        if args.build_only:
            continue
        whole, alone = [], []
        for _ in range(args.repeat):
            cpu, wall = time.process_time(), time.perf_counter()
            solution = solve(scenario, time_limit=args.time_limit)
            whole.append((time.process_time() - cpu, time.perf_counter() - wall))
            *seconds, ended = highs_alone(model, args.time_limit)
            alone.append(seconds)
        (wc, ww), (ac, aw) = (
            [statistics.median(s) for s in zip(*runs, strict=True)] for runs in (whole, alone)
        )
        print(
            f"  solve: {solution.status}, score {solution.score}; whole {wc:.2f} s CPU ({ww:.2f} s wall); "
            f"HiGHS alone: {ended}, {ac:.2f} s CPU ({aw:.2f} s wall); "
            f"ratio {wc / ac:.2f} CPU, {ww / aw:.2f} wall",
            flush=True,
        )


if __name__ == "__main__":
    main()
