"""Faults from outside the program (issue 14): a full disk, a cluster that loses its workers.

Each ends in one plain sentence and a documented exit status, with nothing left behind.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = str(Path(__file__).resolve().parents[1] / "inputs" / "example.xlsx")

WRITES = {  # a command that writes one workbook into the folder `full`
    "solve": ["solve", EXAMPLE, "-o", "full/plan.xlsx"],
    "template": ["template", "full/t.xlsx"],
    "generate": ["generate", "full/g.xlsx"],
}


def small_files() -> None:
    """In the child: no file may grow past 4 KB, as on a disk that is full (EFBIG, not ENOSPC)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def tmpfs_command(folder: Path, args: list[str]) -> list[str] | None:
    """`args` run where `folder` is a 16 KB tmpfs (ENOSPC itself), in a mount namespace of their
    own; None where this system does not allow one."""
    unshare = shutil.which("unshare")
    if unshare is None or sys.platform != "linux":
        return None
    probe = subprocess.run([unshare, "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        return None
    mount = f'mount -t tmpfs -o size=16k tmpfs "{folder}" && exec "$@"'
    return [unshare, "-rm", "sh", "-c", mount, "sh", *args]


@pytest.mark.slow
@pytest.mark.parametrize("disk", ["tmpfs", "file size limit"])
@pytest.mark.parametrize("command", list(WRITES))
def test_a_full_disk_is_one_line_and_exit_2(tmp_path: Path, command: str, disk: str) -> None:
    """Once: an "Exception ignored in ZipFile.__del__" traceback, and exit 1 for template/generate."""
    full = tmp_path / "full"
    full.mkdir()
    args = [sys.executable, "-m", "optimizer", *WRITES[command]]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if disk == "tmpfs":
        wrapped = tmpfs_command(full, args)
        if wrapped is None:
            pytest.skip("this system does not allow a mount namespace (unshare -rm) for a tmpfs")
        run = subprocess.run(wrapped, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    else:
        run = subprocess.run(
            args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, preexec_fn=small_files
        )
    problems = [line for line in run.stderr.splitlines() if line.strip()]
    assert run.returncode == 2, run.stderr
    assert len(problems) == 1 and "Exception ignored" not in run.stderr, run.stderr
    assert "full/" in problems[0] and ("space" in problems[0] or "too large" in problems[0])
    assert os.listdir(full) == []


def test_two_runs_writing_one_new_folder_do_not_collide(tmp_path: Path) -> None:
    """Two `solve -o new` at once: the second to finish once failed with "Directory not empty"."""
    from optimizer.io.atomic import write_folder_atomically

    target = tmp_path / "new"

    def write_while_another_run_finishes(staging: Path) -> None:
        (staging / "allocation.csv").write_text("mine")
        target.mkdir()  # the other run renamed its staging folder into place meanwhile
        (target / "allocation.csv").write_text("theirs")
        (target / "summary.csv").write_text("theirs")

    write_folder_atomically(target, write_while_another_run_finishes)
    assert (target / "allocation.csv").read_text() == "mine"
    assert sorted(os.listdir(target)) == ["allocation.csv", "summary.csv"]
    assert sorted(os.listdir(tmp_path)) == ["new"]  # no staging folder left


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def started(args: list[str], cwd: Path) -> subprocess.Popen[bytes]:
    """A process in a session of its own, so that it and its children can be killed together."""
    return subprocess.Popen(
        args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


def killed(process: subprocess.Popen[bytes]) -> None:
    """kill -9 of the process and every child of its session, then reaped."""
    import signal

    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.kill()  # one not in a session of its own (the study)
    process.wait(timeout=60)


@pytest.mark.slow
def test_a_cluster_that_loses_all_its_workers_ends_the_study_with_exit_5(tmp_path: Path) -> None:
    """kill -9 of the worker and its nanny once left montecarlo waiting silently until killed."""
    pytest.importorskip("distributed", reason="dask[distributed] is an optional extra")
    import socket
    import time

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    python = sys.executable
    scheduler = started(
        [
            python,
            "-m",
            "distributed.cli.dask_scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-dashboard",
        ],
        tmp_path,
    )
    worker = study = None
    try:
        for _ in range(120):  # until the scheduler listens
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        worker = started(
            [
                python,
                "-m",
                "distributed.cli.dask_worker",
                address,
                "--nworkers",
                "1",
                "--nthreads",
                "1",
                "--no-dashboard",
            ],
            tmp_path,
        )
        subprocess.run(
            [python, "-m", "optimizer", "generate", "med.xlsx", "--preset", "medium", "--seed", "1"],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )
        study = subprocess.Popen(
            [
                python,
                "-m",
                "optimizer",
                "montecarlo",
                "med.xlsx",
                "-n",
                "300",
                "--scheduler",
                address,
                "-o",
                "mc.json",
            ],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "INTEROP_WORKERLESS_SECONDS": "3"},  # not the default 20 s
        )
        time.sleep(15)  # connected, draws submitted and running on the worker
        killed(worker)  # the nanny and its worker at once
        _, err = study.communicate(timeout=240)
    finally:
        for process in (study, worker, scheduler):
            if process is not None and process.poll() is None:
                killed(process)
    assert study.returncode == 5, err
    assert "the cluster lost all workers" in err and "for 3 s" in err
    assert not (tmp_path / "mc.json").exists()


@pytest.mark.parametrize("given", ["0", "-1", "soon", "inf", "nan"])
def test_a_wait_for_workers_that_is_no_number_of_seconds_is_refused(
    monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    from optimizer.errors import ParamError
    from optimizer.studies.parallel import workerless_seconds

    monkeypatch.setenv("INTEROP_WORKERLESS_SECONDS", given)
    with pytest.raises(ParamError, match="INTEROP_WORKERLESS_SECONDS must be a positive number"):
        workerless_seconds()
    monkeypatch.setenv("INTEROP_WORKERLESS_SECONDS", "2.5")
    assert workerless_seconds() == 2.5
    monkeypatch.delenv("INTEROP_WORKERLESS_SECONDS")
    assert workerless_seconds() == 20.0
