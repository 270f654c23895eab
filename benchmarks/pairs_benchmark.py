"""Benchmark of pairwise interoperability (issue 17): column counts and the whole solve against
HiGHS alone on the exported model.

    python benchmarks/pairs_benchmark.py                 # medium, every pair; large, 10% of pairs
    python benchmarks/pairs_benchmark.py --repeat 3

Each preset (optimizer.io.synthetic) gets pairs listed in every domain (all of them, or a share
drawn with a fixed seed; blank score: the weaker baseline) and a pair gain on every training
option equal to its gain. Timed in this process after one tiny solve (first-call costs apart):

- whole = optimizer.lp.solve.solve: build, phase 1, phase 2, the Solution and its tables;
- HiGHS alone = the phase-1 model exported to MPS (optimizer.lp.export.export), read by highspy
  and solved by its run() only (reading the file is not counted), default options.

ratio = whole / HiGHS alone. Medians of --repeat runs.
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


def highs_alone(model: lp.Model) -> float:
    """Seconds of highspy's run() on the exported phase-1 model."""
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "phase1.mps")
        export(model, path)
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.readModel(path)
        started = time.perf_counter()
        highs.run()
        seconds = time.perf_counter() - started
        assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    solve(generate_preset("small"))  # first-call costs
    for preset, share in CASES:
        base = generate_preset(preset)
        scenario = with_pairs(base, share)
        model = lp.build(scenario)
        columns_without = lp.build(base).column_count
        whole, alone = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            solution = solve(scenario)
            whole.append(time.perf_counter() - started)
            alone.append(highs_alone(model))
        w, a = statistics.median(whole), statistics.median(alone)
        print(
            f"{preset}, {share:.0%} of pairs: {len(scenario.pairs)} pair-domains, "
            f"columns {model.column_count} (without pairs {columns_without}), rows {model.row_count}; "
            f"status {solution.status}, score {solution.score:.4f}; whole {w:.2f} s, "
            f"HiGHS alone {a:.2f} s, ratio {w / a:.2f}"
        )


if __name__ == "__main__":
    main()
