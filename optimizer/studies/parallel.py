"""Run independent tasks in this process, on a local process pool, or on a Dask cluster.

Tasks carry scenario data only (Scenario objects, numpy arrays): solved
models hold a HiGHS object that does not pickle, so every worker builds and
solves its own. Results come back in the order of the tasks whatever the
executor, so a study gives the same numbers on one core, eight, or a cluster.

Dask is optional (`pip install 'dask[distributed]'`) and imported only when a
scheduler address is given, as `scheduler=` or in DASK_SCHEDULER_ADDRESS. The
project must be installed on the scheduler and on every worker.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any

from ..errors import ParamError, SolverError

# progress=None: a bar on standard error when it is a terminal; False: silent; or a callable(done, total)
ProgressArg = Callable[[int, int], None] | bool | None

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"


def default_workers() -> int:
    return os.cpu_count() or 1


def scheduler_address(scheduler: str | None) -> str | None:
    """The Dask scheduler to use: the argument, else DASK_SCHEDULER_ADDRESS, else none (local)."""
    return scheduler or os.environ.get(SCHEDULER_ENV) or None


def map_tasks[T, R](
    fn: Callable[[T], R],
    tasks: Sequence[T],
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    weights: Sequence[int] | None = None,
) -> list[R]:
    """[fn(task) for task in tasks], run serially, on `workers` local processes, or on Dask.

    `fn` must be a module-level function (it is pickled by reference). As task n
    finishes, `progress(weights[n])` is called (weights default to 1 each).
    """
    done = None
    if progress is not None:
        advance, step = progress, list(weights) if weights is not None else [1] * len(tasks)

        def done(n: int) -> None:  # task n finished
            advance(step[n])

    address = scheduler_address(scheduler)
    if address is not None:
        return _dask_map(fn, tasks, address, done)
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if workers == 1 or len(tasks) <= 1:
        results = []
        for n, task in enumerate(tasks):
            results.append(fn(task))
            if done is not None:
                done(n)
        return results
    results_by_index: dict[int, R] = {}
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(tasks)), mp_context=_context(), initializer=one_thread_each
    )
    try:
        with interrupts_held():  # workers start as tasks are submitted: each must be known to `stop`
            futures = {pool.submit(fn, task): n for n, task in enumerate(tasks)}
        for future in as_completed(futures):
            results_by_index[futures[future]] = future.result()
            if done is not None:
                done(futures[future])
    except BaseException:  # Ctrl-C, SIGTERM or a failed task: stop now, not after every other task
        stop(pool)
        raise
    pool.shutdown()
    return [results_by_index[n] for n in range(len(tasks))]


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back until the block ends, then raised as KeyboardInterrupt.

    A pool registers a worker only after the worker has started; an interrupt in between left
    that worker running for ever, unknown to `stop`, holding the terminal's standard error open.
    A signal the process ignores (a background job's Ctrl-C) stays ignored.
    """
    if threading.current_thread() is not threading.main_thread():  # only there are handlers run
        yield
        return
    held: list[int] = []
    previous = {sent: signal.signal(sent, lambda number, _: held.append(number)) for sent in _STOPS}
    for sent, handler in previous.items():
        if handler == signal.SIG_IGN:
            signal.signal(sent, handler)
    try:
        yield
    finally:
        for sent, handler in previous.items():
            signal.signal(sent, handler)
    if held:
        raise KeyboardInterrupt


_STOPS = (signal.SIGINT, signal.SIGTERM)


def stop(pool: ProcessPoolExecutor) -> None:
    """End a pool's workers at once. shutdown() alone waits for the running tasks (a Monte Carlo run
    interrupted at its start computed every draw first), and the executor has no public way to end
    them, so its worker processes are terminated."""
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def one_thread_each() -> None:
    """Worker start: numpy's BLAS on one thread, as Dask's workers run it.

    The pool is the parallelism. OpenBLAS's own threads in each worker on top
    spin against the other workers: 2 workers took 2.43 s for 40 Monte Carlo
    draws of the medium preset, slower than one process (2.22 s); with this,
    1.41 s. threadpoolctl sets the limit in the running library, whatever
    BLAS numpy was built with.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def _context() -> multiprocessing.context.BaseContext:
    """forkserver where there is one: no fork of a process that runs solver threads, and fast start
    (the server imports the solver stack once); spawn elsewhere."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["optimizer.studies.warm", "optimizer.studies.montecarlo"])
        return context
    return multiprocessing.get_context("spawn")


def _dask_map[T, R](
    fn: Callable[[T], R], tasks: Sequence[T], address: str, progress: Callable[[int], None] | None
) -> list[R]:
    try:
        from distributed import Client
    except ImportError as error:
        raise SolverError(
            f"a Dask scheduler was given ({address}) but dask.distributed is not installed here: "
            "pip install 'dask[distributed]'"
        ) from error
    try:
        client = Client(address, timeout="20s", set_as_default=False)
    except OSError as error:
        raise SolverError(f"cannot reach the Dask scheduler at {address}: {error}") from error
    try:
        futures = client.map(fn, list(tasks), pure=False)
        _wait_while_workers(client, futures, address, progress)
        return client.gather(futures)
    finally:
        client.close()


WORKERLESS_SECONDS = 20.0  # a cluster without a worker this long has lost them: a nanny restarts one sooner
WORKERLESS_ENV = "INTEROP_WORKERLESS_SECONDS"  # another wait, for a cluster that takes longer to add workers


def workerless_seconds() -> float:
    """How long a study waits on a cluster that has no worker: WORKERLESS_SECONDS, or the seconds
    INTEROP_WORKERLESS_SECONDS gives (an autoscaling cluster may add its first worker later)."""
    given = os.environ.get(WORKERLESS_ENV)
    if given is None:
        return WORKERLESS_SECONDS
    try:
        seconds = float(given)
    except ValueError:
        seconds = math.nan
    if not seconds > 0 or math.isinf(seconds):
        raise ParamError(f"{WORKERLESS_ENV} must be a positive number of seconds, got {given!r}")
    return seconds


def _wait_while_workers(
    client: Any, futures: list[Any], address: str, progress: Callable[[int], None] | None
) -> None:
    """Wait for every future, reporting each as it completes; SolverError once the cluster has had
    no worker for workerless_seconds() (its tasks would wait for one forever, silently)."""
    index = {future.key: n for n, future in enumerate(futures)}
    pending, workerless_since, patience = set(futures), None, workerless_seconds()
    while pending:
        done = {future for future in pending if future.done()}
        pending -= done
        if not done:
            time.sleep(0.2)
        if progress is not None:
            for future in done:
                progress(index[future.key])
        if done or client.scheduler_info().get("workers"):
            workerless_since = None
        elif workerless_since is None:
            workerless_since = time.monotonic()
        elif time.monotonic() - workerless_since > patience:
            raise SolverError(
                f"the cluster lost all workers: the Dask scheduler at {address} has had none for "
                f"{patience:g} s; start workers, or run without --scheduler"
            )


def map_parts[T, R](
    fn: Callable[[tuple[Any, ...]], list[R]],
    base: Any,
    items: Sequence[T],
    parts: list[range],
    rest: tuple[Any, ...],
    workers: int | None,
    scheduler: str | None,
    progress: Callable[[int], None] | None,
) -> list[R]:
    """fn((base, items[part], *rest)) for each contiguous part (from `chunks`), run as map_tasks
    runs tasks, the results of all parts in the order of `items`: each part is warm within itself."""
    tasks = [(base, list(items[r.start : r.stop]), *rest) for r in parts]
    per_part = map_tasks(fn, tasks, workers, scheduler, progress, [len(r) for r in parts])
    return [result for part in per_part for result in part]


def chunks(n: int, parts: int) -> list[range]:
    """0..n-1 split into at most `parts` contiguous, nearly equal, non-empty ranges."""
    parts = max(1, min(parts, n))
    size, extra = divmod(n, parts)
    out, start = [], 0
    for k in range(parts):
        stop = start + size + (1 if k < extra else 0)
        out.append(range(start, stop))
        start = stop
    return [r for r in out if len(r)]


@contextmanager
def progress_reporter(
    progress: ProgressArg, total: int, label: str
) -> Iterator[Callable[[int], None] | None]:
    """A callable(k) that advances by k, or None when silent.

    progress=None shows a bar on standard error only when it is a terminal (never
    in CI or a pipe); False is silent; a callable receives (done, total).
    """
    if progress is False or total <= 0:
        yield None
        return
    if callable(progress):
        done = 0

        def advance(k: int) -> None:
            nonlocal done
            done += k
            progress(done, total)

        yield advance
        return
    if not _stderr_is_terminal():
        yield None
        return
    import click

    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
