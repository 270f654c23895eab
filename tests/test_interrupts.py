"""Stopping a long run: Ctrl-C and SIGTERM end it at once, with its workers, and write nothing."""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from optimizer.studies import parallel

EXAMPLE = str(Path(__file__).resolve().parents[1] / "inputs" / "example.xlsx")


def children(pid: int) -> list[int]:
    """Live descendants of `pid` (from /proc)."""
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == parent and fields[0] != "Z":
                    found.append(int(entry))
                    frontier.append(int(entry))
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc (Linux)")
@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_monte_carlo_stops_at_once_with_its_workers(tmp_path: Path, sent: int) -> None:
    """A 20,000-draw run takes minutes; interrupted once its workers run, it must exit 130 within
    seconds (it used to compute every draw first), leave no worker behind and write no report."""
    report = tmp_path / "mc.xlsx"
    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "optimizer",
            "montecarlo",
            EXAMPLE,
            "-n",
            "20000",
            "--workers",
            "2",
            "-o",
            str(report),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "DASK_SCHEDULER_ADDRESS": ""},
    )
    deadline = time.monotonic() + 60
    while len(children(run.pid)) < 2 and time.monotonic() < deadline:  # forkserver + workers
        time.sleep(0.2)
    assert run.poll() is None, run.stderr.read()
    workers = children(run.pid)
    time.sleep(1.0)
    sent_at = time.monotonic()
    run.send_signal(sent)
    _, errors = run.communicate(timeout=30)
    assert run.returncode == 130, errors
    assert time.monotonic() - sent_at < 15
    assert "nothing was written" in errors and "Traceback" not in errors
    assert not report.exists()
    time.sleep(1.0)
    assert not [
        pid
        for pid in workers
        if Path(f"/proc/{pid}").exists()
        and "Z" not in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[:1]
    ]


class _StartThenInterrupt(multiprocessing.context.ForkServerProcess):
    """A pool's second worker process is followed at once by Ctrl-C in the parent: the moment
    between a worker's start and its registration in the pool, where an interrupt used to orphan
    it (the first worker is running a task by then)."""

    started: list[int] = []

    def start(self) -> None:
        super().start()
        type(self).started.append(self.pid)
        if len(type(self).started) == 2:
            time.sleep(2.0)  # it is up and has taken a task
            os.kill(os.getpid(), signal.SIGINT)


class _InterruptingContext(multiprocessing.context.ForkServerContext):
    Process = _StartThenInterrupt


@pytest.mark.slow
@pytest.mark.skipif(
    "forkserver" not in multiprocessing.get_all_start_methods() or not Path("/proc").is_dir(),
    reason="needs the forkserver start method and /proc (Linux)",
)
def test_ctrl_c_while_workers_start_leaves_none_running(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C between a worker's start and the pool knowing of it: map_tasks must still end every
    worker it started (one was left running, holding the terminal's stderr open)."""
    monkeypatch.setattr(parallel, "_context", _InterruptingContext)
    _StartThenInterrupt.started = []
    with pytest.raises(KeyboardInterrupt):
        parallel.map_tasks(time.sleep, [60.0, 60.0, 60.0], workers=2)
    assert len(_StartThenInterrupt.started) == 2  # the interrupt came as the second one started
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_running(pid) for pid in _StartThenInterrupt.started):
        time.sleep(0.1)
    assert not [pid for pid in _StartThenInterrupt.started if _running(pid)]


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_ctrl_c_stops_highs_inside_a_long_lp_not_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The LP relaxation of the large preset with whole exercises (what an integer solve runs
    first for its LP bound, and what the MIP's root solves): about 35 s of simplex. SIGINT a
    second in must stop HiGHS itself (model status 'interrupted by user'), then raise
    KeyboardInterrupt; a Python handler alone ran only once HiGHS had solved it (optimal)."""
    import threading

    import highspy

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from integer import lumpy

    from optimizer.io.synthetic import generate_preset
    from optimizer.lp import highs, model

    relaxation = model.build(lumpy(generate_preset("large"))).relaxed()
    solver = highs.to_highs(relaxation)
    threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()
    with pytest.raises(KeyboardInterrupt):
        highs.run_within(solver, None)
    assert solver.getModelStatus() == highspy.HighsModelStatus.kInterrupt
