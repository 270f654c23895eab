"""Benchmark: every step of a solve against HiGHS's own floor, memory, start-up and a budget sweep.

    python benchmarks/benchmark.py                  # small, medium and large (under a minute on 2 cores)
    python benchmarks/benchmark.py --quick          # small and medium only
    python benchmarks/benchmark.py --presets medium --repeat 3 --json bench.json
    python benchmarks/benchmark.py --grid                  # every shape, medium and large (~15 min)
    python benchmarks/benchmark.py --grid --quick          # the medium shapes only
    python benchmarks/benchmark.py --grid --shapes 'large-wl1-*,large-maxmin'
    python benchmarks/benchmark.py --grid --shapes 'large-wl1-all*' --no-plain  # no straightforward LP

The grid (--grid) runs each shape of optimizer.io.synthetic.SHAPES (weakest_link
0, 0.3, 1 x score counted in the final or every period x with and without
targets x with and without partner caps, at medium and large size) three
ways in one run: our whole process from the workbook, HiGHS alone on our
exported model, and HiGHS alone on a straightforward formulation
(straightforward.py), and prints the ratios, by the wall clock and by CPU
time (the fairer clock when others load the machine). The rest of this
describes the per-preset run.

For each preset the scenario is generated (optimizer.io.synthetic) and written
to a temporary .xlsx workbook. Then, in this process (imports done and one
tiny solve run first, so lazy imports and first-call costs are not counted):

- end to end = read_tables + build_scenario (= load_scenario) + solve.solve
  + write_report to .xlsx, one wall clock around all four. Inside solve.solve
  the steps are timed by wrapping, for the duration of the call,
  optimizer.lp.model.build, the phase functions of optimizer.lp.solve (run,
  phase2: each top-level call is one phase), optimizer.lp.highs.to_highs
  (the arrays passed to HiGHS), the reads of values and duals
  (solver.Run.values, row_duals) and highspy.Highs.run, so the numbers
  follow solve.solve as it is, whatever it does between those calls;
- the floor: the phase-1 model exported to MPS (optimizer.lp.export.export) and
  solved by highspy alone with the HiGHS options that our phase 1 ran with
  (copied from its Highs object); only run() counts, reading the file is
  shown apart. ratio = end to end / floor.

Peak memory comes from fresh subprocesses: one runs the end to end, one
only has highspy read and solve the MPS file. Each reads its own VmHWM
(/proc/self/status): ru_maxrss would be the same number here, except that
Linux carries it over fork and exec, so a child reports at least the size
of the parent that started it (kept in the JSON as maxrss). Start-up is timed
in subprocesses, median of five. The sweep scales every period budget from
0.5x to 1.5x: (a) rebuild and solve phase 1 at each level (and, apart, the
full two-phase solve.solve), (b) build once, solve once with
optimizer.lp.solve.run, then change the rows in its Highs object and run()
again, (c) the same in highspy alone on the exported MPS file.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SOLVER = "highs"
SKIPPED_OPTIONS = ("file", "log", "output_flag", "write_", "read_")  # output only, never the algorithm
ADVANCED_OPTIONS = ("dual_simplex_cost_perturbation_multiplier",)  # set by optimizer.lp.tuning


# --- small helpers -------------------------------------------------------------------------------


def peak_mib() -> float:
    """Peak resident memory of this process image so far, in MiB.

    Linux's ru_maxrss survives fork and exec: a child started from a big
    parent reports at least the parent's size. VmHWM in /proc/self/status is
    the high-water mark of this process image alone; ru_maxrss is the
    fallback where there is no /proc.
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def project_module(name: str) -> Any:
    """optimizer.<name>, imported in the child process that measures it."""
    return importlib.import_module(f"optimizer.{name}")


def quiet_stdout() -> contextlib.AbstractContextManager[None]:
    """The project's own guard against HiGHS's banner on descriptor 1."""
    return project_module("lp.highs").quiet_stdout()


def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def changed_options(options: Any) -> dict[str, Any]:
    """Options (a Highs object or its getOptions()) that differ from HiGHS's defaults, output aside."""
    import highspy

    with quiet_stdout():
        fresh = highspy.Highs()
    ours = options.getOptions() if hasattr(options, "getOptions") else options
    default = fresh.getOptions()
    names = [n for n in dir(ours) if not n.startswith("_") and not any(s in n for s in SKIPPED_OPTIONS)]
    changed = {n: getattr(ours, n) for n in names if getattr(ours, n) != getattr(default, n)}
    if hasattr(options, "getOptionValue"):  # options that getOptions() and writeOptions() leave out
        for name in ADVANCED_OPTIONS:
            value = options.getOptionValue(name)[1]
            if value != fresh.getOptionValue(name)[1]:
                changed[name] = value
    return changed


def new_highs(options: dict[str, Any]) -> Any:
    import highspy

    with quiet_stdout():
        highs = highspy.Highs()
    highs.setOptionValue("log_to_console", False)
    highs.setOptionValue("output_flag", False)
    for name, value in options.items():
        highs.setOptionValue(name, value)
    return highs


def read_model(highs: Any, path: str) -> None:
    import highspy

    if highs.readModel(path) != highspy.HighsStatus.kOk:
        raise SystemExit(f"HiGHS could not read {path}")


def run_optimal(highs: Any) -> None:
    import highspy

    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise SystemExit(f"HiGHS ended {highs.modelStatusToString(highs.getModelStatus())}")


def iterations(highs: Any) -> str:
    info = highs.getInfo()
    parts = [f"{info.simplex_iteration_count} simplex"]
    if info.ipm_iteration_count:
        parts.append(f"{info.ipm_iteration_count} ipm")
    if info.crossover_iteration_count:
        parts.append(f"{info.crossover_iteration_count} crossover")
    return ", ".join(parts)


# --- timing the inside of solve.solve ----------------------------------------------------------


class Recorder:
    """Wraps functions by name for one call of solve.solve and records when each ran.

    A call of a phase function (solve.run, solve.phase2) that is
    not inside another one starts the next phase; every other wrapped call
    is charged to the phase it happens in (0: outside any phase).
    """

    PHASES = ("run", "phase2")  # functions of optimizer.lp.solve that solve one LP

    def __init__(self) -> None:
        self.events: list[tuple[str, int, float, float]] = []  # label, phase, start, end
        self.phase = 0
        self.depth = 0
        self.seen: dict[int, dict[str, Any]] = {}  # phase -> iterations, options, LP size
        self._undo: list[tuple[Any, str, Any]] = []

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)
        is_phase = label == "phase"

        def timed(*args: Any, **kwargs: Any) -> Any:
            if is_phase:
                if self.depth == 0:
                    self.phase += 1
                self.depth += 1
            phase = self.phase if self.depth > 0 else 0
            start = time.perf_counter()
            try:
                result = original(*args, **kwargs)
            finally:
                if is_phase:
                    self.depth -= 1
                if not is_phase or self.depth == 0:
                    self.events.append((label, phase, start, time.perf_counter()))
            if is_phase and self.depth == 0:
                self.note(phase, result)
            return result

        setattr(owner, name, timed)
        self._undo.append((owner, name, original))

    def note(self, phase: int, outcome: Any) -> None:
        """What HiGHS did in this phase, read at once (phase 2 reuses the same Highs object)."""
        highs = getattr(outcome, "highs", None)
        if highs is None:
            return
        self.seen[phase] = {
            "iterations": iterations(highs),
            "options": changed_options(highs),
            "size": (highs.getNumRow(), highs.getNumCol(), highs.getNumNz()),
        }

    @contextlib.contextmanager
    def active(self) -> Iterator[Recorder]:
        import highspy

        lp, solving = project_module("lp.model"), project_module("lp.solve")
        self.wrap(lp, "build", "build")
        for name in self.PHASES:
            self.wrap(solving, name, "phase")
        self.wrap(project_module("lp.highs"), "to_highs", "transfer")
        self.wrap(highspy.Highs, "run", "highs_run")
        for name in ("values", "row_duals"):
            self.wrap(solving.Run, name, "read_back")
        try:
            yield self
        finally:
            for owner, name, original in reversed(self._undo):
                setattr(owner, name, original)
            self._undo.clear()

    def total(self, label: str, phase: int | None = None) -> float:
        return sum(
            end - start
            for lab, n, start, end in self.events
            if lab == label and (phase is None or n == phase)
        )

    def span(self, phase: int) -> tuple[float, float] | None:
        for lab, n, start, end in self.events:
            if lab == "phase" and n == phase:
                return start, end
        return None


def solve_steps(recorder: Recorder, started: float, ended: float) -> dict[str, float]:
    """Seconds of each step of one solve.solve call, from the recorded events."""
    steps: dict[str, float] = {"build": recorder.total("build")}
    first, second = recorder.span(1), recorder.span(2)
    for number, span in ((1, first), (2, second)):
        key = f"phase{number}"
        if span is None:
            steps[key] = math.nan
            continue
        steps[key] = span[1] - span[0]
        inner = 0.0
        for label in ("transfer", "highs_run"):
            steps[f"{key}.{label}"] = recorder.total(label, number)
            inner += steps[f"{key}.{label}"]
        steps[f"{key}.other"] = steps[key] - inner
    last_end = (second or first or (started, started))[1]
    steps["before_phase1"] = (first[0] - started - steps["build"]) if first else math.nan
    steps["between"] = (second[0] - first[1]) if first and second else math.nan
    steps["after"] = ended - last_end
    steps["read_back"] = recorder.total("read_back")
    steps["solve"] = ended - started
    steps["phases"] = recorder.phase
    return steps


# --- one preset ----------------------------------------------------------------------------------


def bench_preset(name: str, seed: int, repeat: int, workdir: Path, memory: bool) -> dict[str, Any]:
    lp, solving = project_module("lp.model"), project_module("lp.solve")
    from optimizer.io.sheets import read_tables
    from optimizer.io.synthetic import PRESETS, generate
    from optimizer.io.template import write_scenario
    from optimizer.io.validate import build_scenario
    from optimizer.reports.plan import write_report

    size = PRESETS[name]
    out: dict[str, Any] = {"preset": name, "size": size, "seed": seed}
    started = time.perf_counter()
    scenario = generate(*size, seed=seed)
    out["generate"] = time.perf_counter() - started
    path = workdir / f"{name}.xlsx"
    started = time.perf_counter()
    write_scenario(scenario, path)
    out["write_scenario"] = time.perf_counter() - started

    runs: list[dict[str, float]] = []
    for _ in range(repeat):
        report = workdir / f"{name}-report.xlsx"
        recorder = Recorder()
        t0 = time.perf_counter()
        raw = read_tables(path)
        t1 = time.perf_counter()
        loaded = build_scenario(raw, os.fspath(path))
        t2 = time.perf_counter()
        with recorder.active():
            solution = solving.solve(loaded, SOLVER)
        t3 = time.perf_counter()
        write_report(solution, report, [path])
        t4 = time.perf_counter()
        steps = solve_steps(recorder, t2, t3)
        steps.update(read=t1 - t0, validate=t2 - t1, report=t4 - t3, whole=t4 - t0)
        runs.append(steps)
        if loaded != scenario:
            raise SystemExit(f"{name}: the scenario read back differs from the one generated")
        if solution.status != "optimal":
            raise SystemExit(f"{name}: solve ended {solution.status}: {solution.message}")
        out["score"], out["spend"] = solution.score, solution.spend
        if 1 in recorder.seen:
            out["options"] = recorder.seen[1]["options"]
            out["iterations_ours"] = recorder.seen[1]["iterations"]
            out["rows"], out["cols"], out["nnz"] = recorder.seen[1]["size"]
        if 2 in recorder.seen:
            out["iterations_phase2"] = recorder.seen[2]["iterations"]
    for key in runs[0]:
        out[key] = median([r[key] for r in runs])
    options = out.get("options", {})

    # the floor: HiGHS alone on the exported phase-1 model
    mps = workdir / f"{name}.mps"
    started = time.perf_counter()
    model = lp.build(scenario)
    project_module("lp.export").export(model, mps)
    out["export"] = time.perf_counter() - started
    reads, solves = [], []
    for _ in range(repeat):
        highs = new_highs(options)
        started = time.perf_counter()
        read_model(highs, str(mps))
        reads.append(time.perf_counter() - started)
        started = time.perf_counter()
        run_optimal(highs)
        solves.append(time.perf_counter() - started)
        out["floor_objective"] = -highs.getInfo().objective_function_value  # the MPS minimises -Z
        out["iterations_floor"] = iterations(highs)
    out["floor_read"], out["floor"] = median(reads), median(solves)
    out["ratio_whole_floor"] = out["whole"] / out["floor"]
    out["ratio_solve_floor"] = out["solve"] / out["floor"]
    out["ratio_phase1_floor"] = out["phase1"] / out["floor"]

    if memory:
        child = run_child(["e2e", os.fspath(path), os.fspath(workdir / f"{name}-child.xlsx")], workdir)
        floor = run_child(["floor", os.fspath(mps), json.dumps(options)], workdir)
        out["rss_imports"], out["rss_e2e"], out["e2e_cold"] = (
            child["imports"],
            child["peak"],
            child["seconds"],
        )
        out["rss_floor_imports"], out["rss_floor"] = floor["imports"], floor["peak"]
        out["ratio_rss"] = out["rss_e2e"] / out["rss_floor"]
    return out


def run_child(args: list[str], workdir: Path) -> dict[str, Any]:
    result = workdir / "child.json"
    subprocess.run([sys.executable, __file__, "--child", *args, os.fspath(result)], check=True)
    return json.loads(result.read_text())


def child_main(kind: str, args: list[str]) -> None:
    """Measured in a fresh process: peak memory of the end to end, or of highspy alone."""
    *rest, result = args
    if kind == "e2e":
        scenario_path, report_path = rest
        solving, validate, report = (project_module(m) for m in ("lp.solve", "io.validate", "reports.plan"))
        imports = peak_mib()
        started = time.perf_counter()
        solution = solving.solve(validate.load_scenario(scenario_path), SOLVER)
        report.write_report(solution, report_path, [scenario_path])
        seconds = time.perf_counter() - started
    else:
        mps, options = rest
        import highspy  # noqa: F401  (only highspy: the floor's own footprint)

        imports = peak_mib()
        started = time.perf_counter()
        highs = new_highs(json.loads(options))
        read_model(highs, mps)
        run_optimal(highs)
        seconds = time.perf_counter() - started
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(result).write_text(
        json.dumps({"imports": imports, "peak": peak_mib(), "maxrss": maxrss, "seconds": seconds})
    )


# --- start-up ----------------------------------------------------------------------------------


def time_command(command: list[str], times: int = 5) -> float:
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds.append(time.perf_counter() - started)
    return median(seconds)


def bench_startup() -> dict[str, float]:
    python = sys.executable
    interop = Path(python).with_name("interop")
    interop_cmd = [os.fspath(interop)] if interop.exists() else [shutil.which("interop") or "interop"]
    out = {
        "python -c pass": time_command([python, "-c", "pass"]),
        "imports": time_command(
            [python, "-c", "import optimizer.lp.solve, optimizer.io.validate, optimizer.reports.plan"]
        ),
        "import click": time_command([python, "-c", "import click"]),
        "interop --help": time_command([*interop_cmd, "--help"]),
    }
    out["ratio_help_click"] = out["interop --help"] / out["import click"]
    return out


# --- the budget sweep ----------------------------------------------------------------------------


def bench_sweep(name: str, seed: int, levels: int, workdir: Path) -> dict[str, Any]:
    from dataclasses import replace

    import numpy as np

    lp, solving = project_module("lp.model"), project_module("lp.solve")
    from optimizer.io.synthetic import PRESETS, generate
    from optimizer.scenario import Budget

    scenario = generate(*PRESETS[name], seed=seed)
    factors = np.linspace(0.5, 1.5, levels)
    totals = np.array([b.total for b in scenario.budgets])
    out: dict[str, Any] = {"preset": name, "levels": levels}

    def scaled(factor: float) -> Any:
        return replace(
            scenario,
            budgets=tuple(Budget(b.period, b.total * factor, b.by_type) for b in scenario.budgets),
        )

    # (a) rebuild each level: build + phase 1
    objectives_a, started = [], time.perf_counter()
    for factor in factors:
        outcome = solving.run(lp.build(scaled(float(factor))), SOLVER, None)
        assert outcome.status == "optimal", outcome
        objectives_a.append(outcome.highs.getInfo().objective_function_value)
    out["rebuild_phase1"] = time.perf_counter() - started

    # (a') rebuild each level: the full two-phase solve.solve
    started = time.perf_counter()
    for factor in factors:
        assert solving.solve(scaled(float(factor)), SOLVER).status == "optimal"
    out["rebuild_full"] = time.perf_counter() - started

    # (b) warm in place in the Highs object that optimizer.lp.solve.run solved
    def sweep_levels(highs: Any, rows: list[tuple[int, int]], after_each: Any) -> list[float]:
        """Every budget level in place in `highs`: the same loop for (b) and (c)."""
        objectives = []
        for factor in factors:
            for row_id, period in rows:
                highs.changeRowBounds(row_id, -math.inf, float(totals[period - 1] * factor))
            run_optimal(highs)
            objectives.append(highs.getInfo().objective_function_value)
            after_each()
        return objectives

    def warm_ours(read_back: bool) -> tuple[float, float, list[float], Any]:
        started = time.perf_counter()
        model = lp.build(scenario)
        first = solving.run(model, SOLVER, None)
        setup = time.perf_counter() - started
        rows = [(row.row, row.period) for row in model.budget_rows if row.kind == "period"]
        started = time.perf_counter()
        objectives = sweep_levels(first.highs, rows, lambda: first.values() if read_back else None)
        return setup, time.perf_counter() - started, objectives, (model, first.highs)

    out["warm_setup"], out["warm"], objectives_b, (model, ours) = warm_ours(read_back=False)
    _, out["warm_read_back"], _, _ = warm_ours(read_back=True)

    # (c) the same sweep in highspy alone, on the exported phase-1 model
    mps = workdir / f"sweep-{name}.mps"
    project_module("lp.export").export(lp.build(scenario), mps)
    options = changed_options(ours)
    started = time.perf_counter()
    highs = new_highs(options)
    read_model(highs, str(mps))
    run_optimal(highs)
    out["highspy_setup"] = time.perf_counter() - started
    rows = []
    for row in model.budget_rows:
        if row.kind == "period":
            status, index = highs.getRowByName(model.row_names[row.row])
            rows.append((int(index), row.period))
    started = time.perf_counter()
    objectives_c = sweep_levels(highs, rows, lambda: None)
    out["highspy"] = time.perf_counter() - started

    out["max_objective_gap"] = float(
        max(
            np.max(np.abs(np.array(objectives_a) - objectives_b)),
            np.max(np.abs(np.array(objectives_a) - objectives_c)),
        )
    )
    out["objectives"] = [round(x, 6) for x in objectives_a]
    out["ratio_warm_highspy"] = out["warm"] / out["highspy"]
    out["ratio_rebuild_warm"] = out["rebuild_phase1"] / out["warm"]
    out["ratio_rebuild_full_warm"] = out["rebuild_full"] / out["warm"]
    return out


# --- the grid of shapes --------------------------------------------------------------------------


def bench_shape(name: str, seed: int, workdir: Path, plain: bool = True) -> dict[str, Any]:
    """One shape: our whole process, HiGHS alone on our exported model, HiGHS on the straightforward LP.

    Whole = read_tables + build_scenario + solve.solve (build, phase 1, phase 2 and the result
    tables), one wall clock. The exported model is solved with the options our phase 1 ran with,
    then its phase 2 as ours runs (least_money_alone): "ours" is phase 1 alone, the issue's
    yardstick, "both phases" the same work as our whole process. The straightforward formulation
    (straightforward.py) runs with HiGHS's defaults. Only run() counts. All three must agree on
    the score. `plain` False leaves the straightforward LP out (minutes on the large max-min
    shapes of a loaded machine).
    """
    from straightforward import build_highs

    lp, solving = project_module("lp.model"), project_module("lp.solve")
    from optimizer.io.sheets import read_tables
    from optimizer.io.synthetic import generate_preset
    from optimizer.io.template import write_scenario
    from optimizer.io.validate import build_scenario

    scenario = generate_preset(name, seed=seed)
    path = workdir / f"{name}.xlsx"
    write_scenario(scenario, path)
    recorder = Recorder()
    cpu = time.process_time()
    started = time.perf_counter()
    loaded = build_scenario(read_tables(path), os.fspath(path))
    read = time.perf_counter()
    with recorder.active():
        solution = solving.solve(loaded, SOLVER)
    ended = time.perf_counter()
    out: dict[str, Any] = {"shape": name, "whole": ended - started, "score": solution.score}
    out["whole_cpu"] = time.process_time() - cpu
    if solution.status != "optimal":
        raise SystemExit(f"{name}: solve ended {solution.status}: {solution.message}")
    steps = solve_steps(recorder, read, ended)
    out.update(read=read - started, build=steps["build"], phase1=steps["phase1"], phase2=steps["phase2"])
    out["rest"] = out["whole"] - out["read"] - out["build"] - out["phase1"] - out["phase2"]
    out["options"] = recorder.seen[1]["options"]
    out["lp"] = "{} x {}".format(*recorder.seen[1]["size"][:2])
    out["pivots_phase1"] = recorder.seen[1]["iterations"]
    out["pivots_phase2"] = recorder.seen[2]["iterations"] if 2 in recorder.seen else "-"

    mps = workdir / f"{name}.mps"
    model = lp.build(scenario)
    solving.export(model, mps)
    highs = new_highs(out["options"])
    read_model(highs, os.fspath(mps))
    out["exported"], out["exported_cpu"] = timed_run(highs)
    out["exported_score"] = -highs.getInfo().objective_function_value  # the MPS minimises -Z
    out["pivots_exported"] = iterations(highs)
    phase2 = least_money_alone(highs, model, out["exported_score"])
    out["exported_phase2"], out["exported_phase2_cpu"] = phase2
    out["pivots_exported_phase2"] = iterations(highs)
    del highs

    if plain:
        highs = build_highs(scenario, lambda: new_highs({}))
        out["plain_lp"] = f"{highs.getNumRow()} x {highs.getNumCol()}"
        out["plain"], out["plain_cpu"] = timed_run(highs)
        out["plain_score"] = highs.getInfo().objective_function_value
        out["pivots_plain"] = iterations(highs)
        del highs
    scores = [k for k in ("exported_score", "plain_score") if k in out]
    if max(abs(out["score"] - out[k]) for k in scores) > 1e-6 * max(1.0, abs(out["score"])):
        raise SystemExit(f"{name}: the scores differ: {out}")
    for clock in ("", "_cpu"):
        out[f"ratio_exported{clock}"] = out[f"whole{clock}"] / out[f"exported{clock}"]
        if plain:
            out[f"ratio_plain{clock}"] = out[f"whole{clock}"] / out[f"plain{clock}"]
    out["ratio_both_cpu"] = out["whole_cpu"] / (out["exported_cpu"] + out["exported_phase2_cpu"])
    return out


def least_money_alone(highs: Any, model: Any, best: float) -> tuple[float, float]:
    """Phase 2 (model.md) in highspy alone, in the Highs that solved phase 1 from the MPS file:
    the score row added, spend as the objective, primal simplex from phase 1's basis, as our
    phase 2 runs. Wall and CPU seconds of its run()."""
    import highspy
    import numpy as np

    scored = np.flatnonzero(model.score).astype(np.int32)
    floor = project_module("lp.model").score_floor(best)
    highs.addRow(floor, math.inf, len(scored), scored, model.score[scored])
    columns = model.column_count
    highs.changeColsCost(columns, np.arange(columns, dtype=np.int32), model.spend)
    highs.changeObjectiveSense(highspy.ObjSense.kMinimize)
    highs.setOptionValue("simplex_strategy", 4)  # primal: phase 1's optimum is feasible for it
    return timed_run(highs)


def timed_run(highs: Any) -> tuple[float, float]:
    """Wall and CPU seconds of one run() to optimality. CPU time (of every thread) is the fairer
    clock on a machine that others share: it does not count the time the process waited."""
    cpu, started = time.process_time(), time.perf_counter()
    run_optimal(highs)
    return time.perf_counter() - started, time.process_time() - cpu


def print_grid(rows: list[dict[str, Any]]) -> None:
    header = ["shape", "LP (ours)", "read", "build", "phase 1", "phase 2", "rest", "whole"]
    header += [
        "HiGHS on ours",
        "HiGHS on plain",
        "whole/ours",
        "whole/plain",
        "CPU: whole/ours",
        "whole/plain",
        "whole/ours, both phases",
    ]
    table = [
        [
            r["shape"],
            r["lp"],
            *(cell(r[k], "s") for k in ("read", "build", "phase1", "phase2", "rest", "whole")),
            cell(r["exported"], "s"),
            cell(r.get("plain"), "s"),
            cell(r["ratio_exported"], "x"),
            cell(r.get("ratio_plain"), "x"),
            cell(r["ratio_exported_cpu"], "x"),
            cell(r.get("ratio_plain_cpu"), "x"),
            cell(r.get("ratio_both_cpu"), "x"),
        ]
        for r in rows
    ]
    title = "Shapes (seconds, one run; rest = duals, plan, tables; plain = the straightforward LP)"
    print_table(title, header, table)
    keys = ("pivots_phase1", "pivots_phase2", "pivots_exported", "pivots_exported_phase2", "pivots_plain")
    pivots = [[r["shape"], *(str(r.get(k, "-")) for k in keys)] for r in rows]
    header = ["shape", "ours: phase 1", "phase 2", "HiGHS on ours", "its phase 2", "HiGHS on plain"]
    print_table("Iterations (do not depend on the machine's load)", header, pivots)
    options = {json.dumps(r.get("options", {}), sort_keys=True) for r in rows}
    print("HiGHS options of our phase 1, used on the exported model too:", ", ".join(sorted(options)))


def grid_shapes(patterns: str | None, quick: bool) -> list[str]:
    """Shape names of the grid; with patterns (comma-separated globs), those matching, in the
    patterns' order, each once (large-maxmin is large-wl1-all under another name)."""
    import fnmatch

    from optimizer.io.synthetic import SHAPES

    if not patterns:
        return [n for n, s in SHAPES.items() if n != "large-maxmin" and not (quick and s.size != "medium")]
    chosen: list[str] = []
    for pattern in (p.strip() for p in patterns.split(",") if p.strip()):
        for name in fnmatch.filter(SHAPES, pattern):
            if SHAPES[name] not in [SHAPES[c] for c in chosen]:
                chosen.append(name)
    return chosen


# --- HiGHS options ------------------------------------------------------------------------------

# what optimizer.lp.tuning.DEFAULT was chosen from; each starts from HiGHS's defaults
OPTION_CHOICES: dict[str, dict[str, Any]] = {
    "HiGHS default": {},
    "no presolve": {"presolve": "off"},
    "parallel dual": {"simplex_strategy": 2},
    "both": {"simplex_strategy": 2, "presolve": "off"},
    "interior point": {"solver": "ipm"},
}


def bench_options(presets: list[str], seeds: tuple[int, ...] = (0, 1)) -> list[dict[str, Any]]:
    """HiGHS alone (run() only) on each preset, score counted in the final or in every period,
    under each of OPTION_CHOICES: the measurement behind optimizer.lp.tuning.DEFAULT."""
    import numpy as np

    lp, interface = project_module("lp.model"), project_module("lp.highs")
    from optimizer.io.synthetic import PRESETS, generate

    rows = []
    for name in presets:
        for periods in ("final", "all"):
            for seed in seeds:
                print(f"... options: {name}, {periods}, seed {seed}", file=sys.stderr, flush=True)
                model = lp.build(generate(*PRESETS[name], seed=seed).with_settings(score_periods=periods))
                row: dict[str, Any] = {"shape": f"{name} {periods} s{seed}", "lp": model.column_count}
                objectives = []
                for label, options in OPTION_CHOICES.items():
                    highs = interface.to_highs(model)
                    highs.resetOptions()
                    highs.setOptionValue("output_flag", False)
                    for option, value in options.items():
                        highs.setOptionValue(option, value)
                    started = time.perf_counter()
                    run_optimal(highs)
                    row[label] = time.perf_counter() - started
                    objectives.append(highs.getInfo().objective_function_value)
                row["gap"] = float(np.ptp(objectives))
                row["ours"] = next(
                    (k for k, v in OPTION_CHOICES.items() if v == project_module("lp.tuning").DEFAULT),
                    "other",
                )
                rows.append(row)
    return rows


def print_options(rows: list[dict[str, Any]]) -> None:
    header = ["shape (columns)", *OPTION_CHOICES, "fastest", "ours"]
    table = [
        [
            f"{r['shape']} ({r['lp']:,})",
            *(cell(r[k], "s") for k in OPTION_CHOICES),
            min(OPTION_CHOICES, key=lambda k: r[k]),
            r["ours"],
        ]
        for r in rows
    ]
    print_table("HiGHS alone under each choice of options (seconds of run())", header, table)
    print(f"largest objective difference between choices: {max(r['gap'] for r in rows):.1e}")


# --- printing ------------------------------------------------------------------------------------

ROWS: tuple[tuple[str, str, str], ...] = (
    # key, label, format: s = seconds, x = ratio, m = MiB, t = text
    ("size", "size (partners x options x domains x periods)", "t"),
    ("lp", "LP (rows x cols, nonzeros)", "t"),
    ("generate", "generate (not in end to end)", "s"),
    ("write_scenario", "write scenario .xlsx (not in end to end)", "s"),
    ("read", "read: read_tables", "s"),
    ("validate", "validate: build_scenario", "s"),
    ("build", "build: model.build", "s"),
    ("before_phase1", "  solve: other before phase 1", "s"),
    ("phase1", "phase 1 (solve.run)", "s"),
    ("phase1.transfer", "  pass the arrays to HiGHS (highs.to_highs)", "s"),
    ("phase1.highs_run", "  HiGHS run()", "s"),
    ("phase1.other", "  other (solver lookup, status, ...)", "s"),
    ("between", "between phases (duals, least_money)", "s"),
    ("phase2", "phase 2 (solve.phase2)", "s"),
    ("phase2.transfer", "  pass the arrays to HiGHS (not when warm)", "s"),
    ("phase2.highs_run", "  HiGHS run()", "s"),
    ("phase2.other", "  other (score row, costs, ...)", "s"),
    ("after", "after phase 2 (plan, readiness, tables)", "s"),
    ("read_back", "  of between and after: read values, duals from HiGHS", "s"),
    ("solve", "solve.solve whole", "s"),
    ("report", "write_report .xlsx", "s"),
    ("whole", "END TO END (read -> report)", "s"),
    ("export", "export phase-1 MPS (build + write)", "s"),
    ("floor_read", "floor: highspy readModel (apart)", "s"),
    ("floor", "FLOOR: highspy run() alone", "s"),
    ("ratio_whole_floor", "ratio end to end / floor", "x"),
    ("ratio_solve_floor", "ratio solve.solve / floor", "x"),
    ("ratio_phase1_floor", "ratio phase 1 / floor", "x"),
    ("iterations_ours", "iterations phase 1 (ours)", "t"),
    ("iterations_floor", "iterations floor", "t"),
    ("iterations_phase2", "iterations phase 2 (ours)", "t"),
    ("objective_gap", "|phase-1 score - floor objective|", "t"),
    ("e2e_cold", "end to end in a fresh process (no start-up)", "s"),
    ("rss_imports", "peak RSS after imports (MiB)", "m"),
    ("rss_e2e", "PEAK RSS end to end (MiB)", "m"),
    ("rss_floor_imports", "peak RSS highspy import (MiB)", "m"),
    ("rss_floor", "PEAK RSS floor (MiB)", "m"),
    ("ratio_rss", "ratio peak RSS end to end / floor", "x"),
)


def cell(value: Any, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if kind == "s":
        return f"{value:.3f}"
    if kind == "x":
        return f"{value:.2f}x"
    if kind == "m":
        return f"{value:.0f}"
    return str(value)


def print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)

    def aligned(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        return "  ".join([first, *(c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))])

    print(f"\n{title}")
    print(line)
    print(aligned(header))
    print(line)
    for r in rows:
        print(aligned(r))
    print(line)


def print_presets(results: list[dict[str, Any]]) -> None:
    for r in results:
        r["size"] = " x ".join(map(str, r["size"]))
        if "rows" in r:
            r["lp"] = f"{r['rows']} x {r['cols']}, {r['nnz']}"
        r["objective_gap"] = f"{abs(r['score'] - r['floor_objective']):.2e}"
    rows = [[label, *(cell(r.get(key), kind) for r in results)] for key, label, kind in ROWS]
    print_table("Per preset (seconds; medians)", ["step", *(r["preset"] for r in results)], rows)
    options = {json.dumps(r.get("options", {}), sort_keys=True) for r in results}
    print(
        "HiGHS options of phase 1, used for the floor too (changed from HiGHS defaults):",
        ", ".join(options),
    )


def print_startup(s: dict[str, float]) -> None:
    rows = [[k, cell(v, "x" if k.startswith("ratio") else "s")] for k, v in s.items()]
    print_table("Start-up (subprocess wall time, median of 5)", ["command", "seconds"], rows)


def print_sweep(s: dict[str, Any]) -> None:
    rows = [
        ["(a) rebuild each level: build + phase 1", cell(s["rebuild_phase1"], "s")],
        ["(a') rebuild each level: full solve.solve (2 phases)", cell(s["rebuild_full"], "s")],
        ["(b) warm in our Highs: changeRowBounds + run()", cell(s["warm"], "s")],
        ["(b') (b) + read the plan (Run.values) per level", cell(s["warm_read_back"], "s")],
        ["(c) highspy alone on the MPS: changeRowBounds + run()", cell(s["highspy"], "s")],
        ["    setup of (b): build + first solve (apart)", cell(s["warm_setup"], "s")],
        ["    setup of (c): read MPS + first solve (apart)", cell(s["highspy_setup"], "s")],
        ["ratio (b) / (c)   [target <= 1.3]", cell(s["ratio_warm_highspy"], "x")],
        ["ratio (a) / (b)   [target >= 6]", cell(s["ratio_rebuild_warm"], "x")],
        ["ratio (a') / (b)", cell(s["ratio_rebuild_full_warm"], "x")],
        ["max |objective difference| (a), (b), (c)", f"{s['max_objective_gap']:.1e}"],
    ]
    title = f"Budget sweep: {s['preset']} preset, {s['levels']} levels, period budgets x 0.5 .. 1.5"
    print_table(title, ["sweep", "seconds"], rows)


# --- main ----------------------------------------------------------------------------------------


def warm_up(workdir: Path) -> None:
    """One tiny end to end so lazy imports and first calls are not charged to the first preset."""
    from optimizer.io.synthetic import generate
    from optimizer.lp.solve import solve
    from optimizer.reports.plan import write_report

    with quiet_stdout():
        write_report(solve(generate(3, 4, 2, 2), SOLVER), workdir / "warm-up.xlsx")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presets", default="small,medium,large", help="comma list (default: all three)")
    parser.add_argument("--quick", action="store_true", help="small and medium only")
    parser.add_argument("--repeat", type=int, default=1, help="runs per timing; medians are shown")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sweep-levels", type=int, default=20)
    parser.add_argument("--sweep-preset", default="medium")
    parser.add_argument("--no-sweep", action="store_true")
    parser.add_argument("--no-memory", action="store_true", help="skip the subprocess memory runs")
    parser.add_argument("--no-startup", action="store_true")
    parser.add_argument("--options", action="store_true", help="also time HiGHS under each option choice")
    parser.add_argument("--json", metavar="PATH", help="also write every number to this JSON file")
    parser.add_argument("--grid", action="store_true", help="the grid of shapes instead (--quick: medium)")
    parser.add_argument("--shapes", metavar="GLOBS", help="with --grid: only these, e.g. 'large-wl1-*'")
    parser.add_argument("--no-plain", action="store_true", help="with --grid: no straightforward LP")
    parser.add_argument(
        "--integer",
        metavar="PRESET",
        nargs="?",
        const="large",
        help="only the integer benchmark (benchmarks/integer.py) on PRESET (default large)",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_main(args.child[0], args.child[1:])
        return 0
    if args.integer:
        from integer import bench_integer, print_integer

        result = bench_integer(args.integer, args.seed)
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2, default=str))
        print_integer(result)
        return 0

    if args.grid:
        return main_grid(args)
    from optimizer.io.synthetic import PRESETS

    presets = ["small", "medium"] if args.quick else [p.strip() for p in args.presets.split(",") if p.strip()]
    unknown = [p for p in presets if p not in PRESETS]
    if unknown:
        parser.error(f"unknown preset(s) {', '.join(unknown)}: choose from {', '.join(PRESETS)}")
    from importlib.metadata import version

    print(f"python {sys.version.split()[0]}, PuLP {version('pulp')}, highspy {version('highspy')}")
    print(f"solver: highspy in process (optimizer.lp.solve, solver='{SOLVER}'); {os.cpu_count()} CPUs")
    results: dict[str, Any] = {"presets": [], "startup": None, "sweep": None, "options": None}
    with tempfile.TemporaryDirectory(prefix="interop-bench-") as tmp:
        workdir = Path(tmp)
        warm_up(workdir)
        for name in presets:
            print(f"... {name}", file=sys.stderr, flush=True)
            with quiet_stdout():
                results["presets"].append(
                    bench_preset(name, args.seed, max(1, args.repeat), workdir, not args.no_memory)
                )
        if not args.no_startup:
            print("... start-up", file=sys.stderr, flush=True)
            results["startup"] = bench_startup()
        if not args.no_sweep and args.sweep_levels > 0:
            print(f"... sweep on {args.sweep_preset}", file=sys.stderr, flush=True)
            with quiet_stdout():
                results["sweep"] = bench_sweep(args.sweep_preset, args.seed, args.sweep_levels, workdir)
        if args.options:
            with quiet_stdout():
                results["options"] = bench_options(presets)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    print_presets(results["presets"])
    if results["startup"]:
        print_startup(results["startup"])
    if results["sweep"]:
        print_sweep(results["sweep"])
    if results["options"]:
        print_options(results["options"])
    return 0


def main_grid(args: argparse.Namespace) -> int:
    shapes = grid_shapes(args.shapes, args.quick)
    if not shapes:
        raise SystemExit(f"no shape matches {args.shapes!r}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="interop-bench-") as tmp:
        workdir = Path(tmp)
        warm_up(workdir)
        for name in shapes:
            print(f"... {name}", file=sys.stderr, flush=True)
            with quiet_stdout():
                rows.append(bench_shape(name, args.seed, workdir, plain=not args.no_plain))
            print(json.dumps(rows[-1], default=str), file=sys.stderr, flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2, default=str))
    print_grid(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
